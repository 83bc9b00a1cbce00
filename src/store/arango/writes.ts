import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import type { QueryOptions } from 'arangojs/queries';
import type { Transaction } from 'arangojs/transactions';
import { MetalayerError, conflict, notFound } from '../../domain/errors.js';
import { tryParseId } from '../../domain/ids.js';
import { canonicalJson } from '../../domain/json.js';
import { assertNever } from '../../domain/never.js';
import {
  COLLECTION_OF_KIND,
  NAMED_KINDS,
  contentOf,
  type AssetContent,
  type AssetRecord,
} from '../../domain/kinds.js';
import { mergeProperties, type AssetPatch, type WriteOp, type WriteResult } from '../../domain/writes.js';
import { EDGE_COLLECTIONS } from './catalogue.js';
import { versionKey, type StoredDocument } from './attributes.js';
import { toDocument, toRecord } from './documents.js';
import { SequenceClock, edgeDocument, edgeEnds, hashedEdgeKey } from './edges.js';
import { ErrorNum, errorNum, translateError } from './errors.js';
import {
  deleteAssetStatement,
  putAssetStatement,
  putEdgeStatement,
  readAssetStatement,
  replaceAssetStatement,
  type NameClaim,
} from './statements.js';

/** How often a unit of work is tried when it collides with a concurrent one. */
const MAX_ATTEMPTS = 3;

/**
 * The unit of work (semantics in domain/writes.ts): every op of a write runs
 * as a step of one stream transaction that declares every collection the ops
 * touch; any failure aborts it, so a failed write leaves nothing behind.
 *
 * A write that collides with a concurrent one, a write-write conflict (1200)
 * or a unique-index violation the in-transaction checks could not see yet
 * (1210), is retried whole, up to MAX_ATTEMPTS times: the retry's checks then
 * give the precise answer (a no-op, or a CONFLICT naming what is taken). So
 * is one whose transaction the server aborted (1654), which wrote nothing.
 */
export class ArangoWrites {
  private readonly sequence: SequenceClock;

  constructor(
    private readonly db: Database,
    private readonly options: QueryOptions,
    private readonly now: () => Date,
    sequence?: SequenceClock,
  ) {
    this.sequence = sequence ?? new SequenceClock(now);
  }

  async write(ops: readonly WriteOp[]): Promise<WriteResult> {
    if (ops.length === 0) return { assets: new Map(), deleted: new Map() };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(ops);
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && isCollision(error)) {
          await pause(attempt);
          continue;
        }
        throw translateWriteError(error);
      }
    }
  }

  private async attempt(ops: readonly WriteOp[]): Promise<WriteResult> {
    const now = this.now().toISOString();
    const trx = await this.db.beginTransaction(transactionCollections(ops));
    try {
      const result: WriteResult = { assets: new Map(), deleted: new Map() };
      for (const op of ops) await this.apply(trx, op, now, result);
      await trx.commit();
      return result;
    } catch (error) {
      await trx.abort().catch(() => undefined);
      throw error;
    }
  }

  private async apply(trx: Transaction, op: WriteOp, now: string, result: WriteResult): Promise<void> {
    switch (op.type) {
      case 'putAsset':
        result.assets.set(op.content.id, await this.putAsset(trx, op, now));
        return;
      case 'putEdge':
        await this.putEdge(trx, op, now);
        return;
      case 'updateAsset':
        result.assets.set(op.id, await this.updateAsset(trx, op, now));
        return;
      case 'deleteAsset': {
        const deleted = await this.deleteAsset(trx, op);
        result.assets.delete(op.id);
        result.deleted.set(op.id, deleted);
        return;
      }
      default:
        assertNever(op, 'write operation');
    }
  }

  private async putAsset(trx: Transaction, op: PutAssetOp, now: string): Promise<AssetRecord> {
    const { content } = op;
    const statement = putAssetStatement(
      COLLECTION_OF_KIND[content.kind],
      content.id,
      toDocument(content, now, now),
      nameClaim(content),
    );
    type Row = { existing: StoredDocument | null; taken: string | null; inserted: StoredDocument | null };
    const row = await this.step<Row>(trx, op, statement);
    if (row.inserted) return storedRecord(row.inserted);
    if (row.existing) {
      const existing = storedRecord(row.existing);
      if (canonicalJson(contentOf(existing)) === canonicalJson(content)) return existing;
      throw conflict(`"${content.id}" already exists with different content`, `${op.field}.key`);
    }
    throw nameTaken(content, row.taken);
  }

  private async putEdge(trx: Transaction, op: PutEdgeOp, now: string): Promise<void> {
    const { relation, from, to } = op.edge;
    const edge = edgeDocument(op.edge, edgeEnds(op.edge, op.field), now, this.sequence.next());
    const row = await this.step<{ fromFound: boolean; toFound: boolean }>(
      trx,
      op,
      putEdgeStatement(relation, edge, hashedEdgeKey(from, to)),
    );
    if (!row.fromFound) throw notFound(from, op.field);
    if (!row.toFound) throw notFound(to, op.field);
  }

  private async updateAsset(trx: Transaction, op: UpdateAssetOp, now: string): Promise<AssetRecord> {
    const parsed = tryParseId(op.id);
    if (!parsed) throw notFound(op.id, op.field);
    const doc = await this.step<StoredDocument | null>(trx, op, readAssetStatement(op.id));
    const current = doc ? toRecord(doc) : null;
    if (!doc || !current || typeof doc._rev !== 'string') throw notFound(op.id, op.field);
    const next = patched(current, op.patch);
    const row = await this.step<{ taken: string | null; replaced: StoredDocument | null }>(
      trx,
      op,
      replaceAssetStatement(
        COLLECTION_OF_KIND[parsed.kind],
        { ...toDocument(next, current.createdAt, now), _rev: doc._rev },
        nameClaim(next),
      ),
    );
    if (row.replaced) return storedRecord(row.replaced);
    throw nameTaken(next, row.taken);
  }

  private async deleteAsset(trx: Transaction, op: DeleteAssetOp): Promise<{ asset: AssetRecord; relations: number }> {
    const parsed = tryParseId(op.id);
    if (!parsed) throw notFound(op.id, op.field);
    const row = await this.step<{ asset: StoredDocument | null; relations: number }>(
      trx,
      op,
      deleteAssetStatement(COLLECTION_OF_KIND[parsed.kind], op.id, parsed.key),
    );
    const asset = row.asset ? toRecord(row.asset) : null;
    if (!asset) throw notFound(op.id, op.field);
    return { asset, relations: row.relations };
  }

  /** Runs one statement as a step of the transaction; its failure carries the op. */
  private async step<T>(trx: Transaction, op: WriteOp, statement: AqlQuery): Promise<T> {
    try {
      const cursor = await trx.step(() => this.db.query(statement, this.options));
      const [row] = (await cursor.all()) as T[];
      return row as T;
    } catch (error) {
      throw new StepFailure(op, error);
    }
  }
}

type PutAssetOp = Extract<WriteOp, { type: 'putAsset' }>;
type PutEdgeOp = Extract<WriteOp, { type: 'putEdge' }>;
type UpdateAssetOp = Extract<WriteOp, { type: 'updateAsset' }>;
type DeleteAssetOp = Extract<WriteOp, { type: 'deleteAsset' }>;

/** A database failure while executing `op`, kept until the unit of work gives up. */
class StepFailure extends Error {
  override readonly name = 'StepFailure';
  constructor(
    readonly op: WriteOp,
    override readonly cause: unknown,
  ) {
    super(`ArangoDB failed on a ${op.type} step`);
  }
}

/** Every collection a unit of work writes (and reads), declared when its transaction begins. */
export function transactionCollections(ops: readonly WriteOp[]): { write: string[]; read: string[] } {
  const write = new Set<string>();
  const read = new Set<string>();
  for (const op of ops) {
    switch (op.type) {
      case 'putAsset':
        write.add(COLLECTION_OF_KIND[op.content.kind]);
        break;
      case 'putEdge':
        write.add(op.edge.relation);
        for (const id of [op.edge.from, op.edge.to]) {
          const parsed = tryParseId(id);
          if (parsed) read.add(parsed.collection);
        }
        break;
      case 'updateAsset':
      case 'deleteAsset': {
        const parsed = tryParseId(op.id);
        if (parsed) write.add(parsed.collection);
        if (op.type === 'deleteAsset') EDGE_COLLECTIONS.forEach((edges) => write.add(edges));
        break;
      }
      default:
        assertNever(op, 'write operation');
    }
  }
  return { write: [...write].sort(), read: [...read].filter((name) => !write.has(name)).sort() };
}

export function nameClaim(content: AssetContent): NameClaim | null {
  return NAMED_KINDS.has(content.kind) ? { name: content.name, versionKey: versionKey(content.version) } : null;
}

function patched(record: AssetRecord, patch: AssetPatch): AssetContent {
  return {
    ...contentOf(record),
    name: patch.name ?? record.name,
    version: patch.version === undefined ? record.version : patch.version,
    tag: patch.tag === undefined ? record.tag : patch.tag,
    properties: mergeProperties(record.properties, patch.properties),
  };
}

function storedRecord(doc: StoredDocument): AssetRecord {
  const record = toRecord(doc);
  if (!record) throw new Error(`ArangoDB returned a document that is not an asset: ${String(doc._id)}`);
  return record;
}

/** CONFLICT: a named kind's (name, version) is held by another asset (`holder`, when known). */
export function nameTaken(
  content: Pick<AssetContent, 'kind' | 'name' | 'version'>,
  holder: string | null,
  field = 'input.name',
): MetalayerError {
  const version = content.version === null ? 'with no version' : `version "${content.version}"`;
  const held = holder ? ` ("${holder}")` : '';
  const kind = COLLECTION_OF_KIND[content.kind];
  return conflict(
    `A ${kind} asset named "${content.name}" ${version} already exists${held}; give a distinct version`,
    field,
  );
}

/** A failure that trying the whole unit of work again may not meet. */
function isCollision(error: unknown): boolean {
  const num = errorNum(error instanceof StepFailure ? error.cause : error);
  return (
    num === ErrorNum.CONFLICT || num === ErrorNum.UNIQUE_CONSTRAINT_VIOLATED || num === ErrorNum.TRANSACTION_ABORTED
  );
}

/**
 * What a failed unit of work throws: the MetalayerError an op raised; for a
 * database failure, NOT_FOUND (the asset vanished under a concurrent delete),
 * CONFLICT (a collision that outlived the retries) or what `translateError`
 * makes of it (STORE_UNAVAILABLE, QUERY_TOO_EXPENSIVE); anything else as it
 * is, an internal error.
 */
function translateWriteError(error: unknown): unknown {
  if (error instanceof MetalayerError) return error;
  const op = error instanceof StepFailure ? error.op : null;
  const cause = error instanceof StepFailure ? error.cause : error;
  switch (errorNum(cause)) {
    case ErrorNum.DOCUMENT_NOT_FOUND:
      if (op && (op.type === 'updateAsset' || op.type === 'deleteAsset')) return notFound(op.id, op.field);
      break;
    case ErrorNum.UNIQUE_CONSTRAINT_VIOLATED:
      if (op?.type === 'putAsset') return nameTaken(op.content, null);
      return conflict('The write collided with a concurrent one; try again');
    case ErrorNum.CONFLICT:
      return conflict('The write collided with a concurrent one; try again');
    default:
      break;
  }
  return translateError(cause);
}

function pause(attempt: number): Promise<void> {
  const ms = 10 * 2 ** attempt + Math.floor(Math.random() * 10);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
