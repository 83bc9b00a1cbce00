import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import type { QueryOptions } from 'arangojs/queries';
import type { Transaction } from 'arangojs/transactions';
import type { Catalogue } from '../../domain/catalogue.js';
import { created, deleted, relationChange, updated as updatedChange, type ChangeDraft } from '../../domain/changes.js';
import type { EdgeRecord } from '../../domain/relations.js';
import { MetalayerError, conflict, notFound } from '../../domain/errors.js';
import { tryParseId, type ParsedId } from '../../domain/ids.js';
import { assertNever } from '../../domain/never.js';
import { isKind, type AssetContent, type AssetKind, type AssetRecord } from '../../domain/kinds.js';
import { answerRepeatedPoints, metricsAfter, pointInstant, unchanged, updatedRun } from '../../domain/runs.js';
import {
  answerRepeatedPut,
  checkEdge,
  emptyWriteResult,
  isNamedKind,
  nameTaken,
  patched,
  relationNotFound,
  requireDistinctEnds,
  unchangedState,
  type CommitResult,
  type UnitOfWork,
  type WriteOp,
  type WriteResult,
} from '../../domain/writes.js';
import { versionKey, type StoredDocument } from './attributes.js';
import { CHANGES_COLLECTION, EDGE_SPANS_COLLECTION, appendChangesStatement, closeSpansStatement, openSpansStatement } from './changes.js';
import { META_COLLECTION, METRIC_POINTS_COLLECTION, type ArangoNames } from './catalogue.js';
import { replacementDocument, toDocument, toRecord } from './documents.js';
import { SequenceClock, edgeDocument, hashedEdgeKey } from './edges.js';
import { ErrorNum, errorNum, translateError } from './errors.js';
import { nextRevisionStatement, revisionStatement } from './meta.js';
import { insertMetricPointsStatement, metricFactsStatement, type MetricFacts } from './metrics.js';
import {
  deleteAssetStatement,
  hasMetricPoints,
  putAssetStatement,
  putEdgeStatement,
  readAssetStatement,
  removeEdgeStatement,
  replaceAssetStatement,
  type NameClaim,
} from './statements.js';

/** How often a unit of work is tried when it collides with a concurrent one. */
const MAX_ATTEMPTS = 3;

/**
 * The unit of work: every op runs as a step of one stream transaction that
 * declares every collection the ops touch; any failure aborts it, so a
 * failed commit leaves nothing behind. The rules that decide each op's
 * outcome are the domain's (domain/writes.ts); the steps read the facts
 * they need and store. The last step counts the commit in the revision
 * when an op wrote something, and reads it otherwise.
 *
 * A commit that collides with a concurrent one, a write-write conflict
 * (1200) or a unique-index violation the in-transaction checks could not see
 * yet (1210), is retried whole, up to MAX_ATTEMPTS times: the retry's checks
 * then give the precise answer (a no-op, or a CONFLICT naming what is taken).
 * So is one whose transaction the server aborted (1654), which wrote nothing.
 * Every writing commit updates the one revision document, so concurrent
 * writing commits collide there at the latest.
 */
export class ArangoWrites {
  constructor(
    private readonly db: Database,
    private readonly options: QueryOptions,
    private readonly names: ArangoNames,
    private readonly sequence: SequenceClock,
  ) {}

  async commit(unit: UnitOfWork): Promise<CommitResult> {
    if (unit.ops.length === 0) return { ...emptyWriteResult(), revision: await this.revision() };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(unit);
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && isCollision(error)) {
          await pause(attempt);
          continue;
        }
        throw translateWriteError(error);
      }
    }
  }

  private async attempt(unit: UnitOfWork): Promise<CommitResult> {
    const trx = await this.db.beginTransaction(transactionCollections(this.names, unit.ops));
    try {
      const work = new Unit(this.db, this.options, this.names, this.sequence, trx, unit);
      const result = await work.apply();
      await work.log();
      const revision = await work.step<number>(null, work.changed ? nextRevisionStatement() : revisionStatement());
      await trx.commit();
      return { ...result, revision: String(revision) };
    } catch (error) {
      await trx.abort().catch(() => undefined);
      throw error;
    }
  }

  /** The revision as it is, for a unit with nothing to do. */
  private async revision(): Promise<string> {
    try {
      const cursor = await this.db.query<number>(revisionStatement(), this.options);
      const [revision] = await cursor.all();
      return String(revision);
    } catch (error) {
      throw translateError(error);
    }
  }
}

/**
 * One attempt at a unit of work, inside its transaction: applies the ops in
 * order, notes whether any wrote something, and keeps who made the unit,
 * through which operation and when.
 */
class Unit {
  changed = false;
  private readonly catalogue: Catalogue;
  /** The changes made so far, in order. */
  private readonly drafts: ChangeDraft[] = [];

  constructor(
    private readonly db: Database,
    private readonly options: QueryOptions,
    private readonly names: ArangoNames,
    private readonly sequence: SequenceClock,
    private readonly trx: Transaction,
    readonly unit: UnitOfWork,
  ) {
    this.catalogue = names.catalogue;
  }

  async apply(): Promise<WriteResult> {
    const result = emptyWriteResult();
    for (const op of this.unit.ops) {
      switch (op.type) {
        case 'putAsset':
          result.assets.set(op.content.id, await this.putAsset(op));
          break;
        case 'putEdge':
          await this.putEdge(op);
          break;
        case 'removeEdge':
          await this.removeEdge(op);
          break;
        case 'updateAsset':
          result.assets.set(op.id, await this.updateAsset(op));
          break;
        case 'deleteAsset':
          result.assets.delete(op.id);
          result.deleted.set(op.id, await this.deleteAsset(op));
          break;
        case 'updateRun':
          result.assets.set(op.id, await this.updateRun(op));
          break;
        case 'recordMetrics':
          result.assets.set(op.devPerf.id, await this.recordMetrics(op));
          break;
        default:
          assertNever(op, 'write operation');
      }
    }
    return result;
  }

  /**
   * Appends the unit's changes and keeps the spans of the relations it
   * linked and unlinked, as steps of its transaction.
   */
  async log(): Promise<void> {
    if (this.drafts.length === 0) return;
    const { actor, source } = this.unit;
    const bound = this.drafts.map((draft) => ({ ...draft, actor, source }));
    const { first } = await this.step<{ first: number; at: string }>(null, appendChangesStatement(bound, this.unit.at));
    const spans = (operation: 'LINK' | 'UNLINK') =>
      this.drafts.flatMap((draft, i) =>
        draft.operation === operation && draft.from !== null && draft.to !== null && draft.relation !== null
          ? [{ from: draft.from, to: draft.to, relation: draft.relation, seq: first + i }]
          : [],
      );
    const links = spans('LINK');
    const unlinks = spans('UNLINK');
    if (links.length > 0) await this.step(null, openSpansStatement(links));
    if (unlinks.length > 0) await this.step(null, closeSpansStatement(unlinks));
  }

  private async putAsset(op: PutAssetOp): Promise<AssetRecord> {
    const { content } = op;
    const statement = putAssetStatement(
      this.names,
      this.names.collection(content.kind),
      content.id,
      toDocument(this.catalogue, content, this.unit.at, this.unit.at),
      nameClaim(this.catalogue, content),
    );
    type Row = { existing: StoredDocument | null; taken: string | null; inserted: StoredDocument | null };
    const row = await this.step<Row>(op, statement);
    if (row.inserted) {
      this.changed = true;
      const stored = this.stored(row.inserted);
      this.drafts.push(created(stored));
      return stored;
    }
    if (row.existing) return answerRepeatedPut(this.stored(row.existing), content, op.field, op.repeat);
    throw this.nameTaken(content, row.taken);
  }

  /**
   * Puts a relation. The statement inserts it when both ends exist; the
   * domain then decides on the kinds of the ends found (`checkEdge`), and a
   * refusal aborts the unit, the insert with it. An id outside the catalogue
   * names no asset; then only `from`, the end the domain reports first, is
   * looked up.
   */
  private async putEdge(op: PutEdgeOp): Promise<void> {
    const { edge, field, fromField } = op;
    requireDistinctEnds(edge, field);
    const from = tryParseId(edge.from, this.catalogue);
    const to = tryParseId(edge.to, this.catalogue);
    const [fromKind, toKind] =
      from && to ? await this.insertEdge(op, from, to) : [await this.storedKind(op, from), null];
    checkEdge(this.catalogue, edge, fromKind, toKind, field, fromField);
  }

  /** Inserts the relation if both ends exist and it does not; the kinds of the ends found. */
  private async insertEdge(op: PutEdgeOp, from: ParsedId, to: ParsedId): Promise<[AssetKind | null, AssetKind | null]> {
    const { edge } = op;
    const doc = edgeDocument(this.names, edge, { from, to }, this.unit.at, this.sequence.next());
    const statement = putEdgeStatement(this.names, edge.relation, doc, hashedEdgeKey(edge.from, edge.to));
    const row = await this.step<{ fromFound: boolean; toFound: boolean; inserted: string | null }>(op, statement);
    if (row.inserted) {
      this.changed = true;
      this.drafts.push(relationChange('LINK', edge, from.kind));
    }
    return [row.fromFound ? from.kind : null, row.toFound ? to.kind : null];
  }

  /**
   * Removes a relation; NOT_FOUND when there is none (an id outside the
   * catalogue names none). With `fromField`, a refusal first reads whether
   * `from` exists, to name it when it does not: one more step, on failure only.
   */
  private async removeEdge(op: RemoveEdgeOp): Promise<void> {
    const { edge, field } = op;
    const from = tryParseId(edge.from, this.catalogue);
    const removed =
      from && tryParseId(edge.to, this.catalogue)
        ? await this.steps<string>(op, removeEdgeStatement(this.names, edge.relation, edge.from, edge.to))
        : [];
    if (removed.length > 0 && from) {
      this.changed = true;
      this.drafts.push(relationChange('UNLINK', edge, from.kind));
      return;
    }
    if (op.fromField && (await this.storedKind(op, from)) === null) throw notFound(edge.from, op.fromField);
    throw relationNotFound(edge, field);
  }

  /** The kind of a stored asset; null when it does not exist. */
  private async storedKind(op: WriteOp, id: ParsedId | null): Promise<AssetKind | null> {
    if (!id) return null;
    const doc = await this.step<StoredDocument | null>(op, readAssetStatement(`${id.collection}/${id.key}`));
    return doc ? id.kind : null;
  }

  private async updateAsset(op: UpdateAssetOp): Promise<AssetRecord> {
    const parsed = tryParseId(op.id, this.catalogue);
    if (!parsed) throw notFound(op.id, op.field);
    const doc = await this.step<StoredDocument | null>(op, readAssetStatement(op.id));
    const current = doc ? toRecord(this.catalogue, doc) : null;
    if (!doc || !current || typeof doc._rev !== 'string') throw notFound(op.id, op.field);
    const next = patched(current, op.patch);
    return unchangedState(current, next) ? current : this.replace(op, parsed.collection, doc, current, next);
  }

  /** Replaces a stored document (as read, with its `_rev`) by an asset's next state, unless its name is taken. */
  private async replace(
    op: WriteOp,
    collection: string,
    doc: StoredDocument,
    current: AssetRecord,
    next: AssetRecord,
  ): Promise<AssetRecord> {
    if (typeof doc._rev !== 'string') throw new Error(`ArangoDB returned a document without _rev: ${String(doc._id)}`);
    const replacement = { ...replacementDocument(this.catalogue, next, doc, this.unit.at), _rev: doc._rev };
    const row = await this.step<{ taken: string | null; replaced: StoredDocument | null }>(
      op,
      replaceAssetStatement(this.names, collection, replacement, nameClaim(this.catalogue, next)),
    );
    if (!row.replaced) throw this.nameTaken(next, row.taken);
    this.changed = true;
    const stored = this.stored(row.replaced);
    this.drafts.push(updatedChange(current, stored));
    return stored;
  }

  private async updateRun(op: UpdateRunOp): Promise<AssetRecord> {
    const parsed = tryParseId(op.id, this.catalogue);
    if (!parsed) throw notFound(op.id, op.field);
    const doc = await this.step<StoredDocument | null>(op, readAssetStatement(op.id));
    const current = doc ? toRecord(this.catalogue, doc) : null;
    if (!doc && op.create) return this.putAsset({ type: 'putAsset', content: op.create, field: op.field });
    if (!doc || !current) throw notFound(op.id, op.field);
    const next = updatedRun(current, op.change, this.unit.at, op.field);
    return unchanged(current, next) ? current : this.replace(op, parsed.collection, doc, current, next);
  }

  /**
   * Reads what the domain decides on (the performance, what the key holds,
   * each name's latest point), then answers a keyed retry, or stores the
   * points and the performance with the latest value of each name: put
   * whole when it is missing, replaced otherwise.
   */
  private async recordMetrics(op: RecordMetricsOp): Promise<AssetRecord> {
    const { devPerf: content, points, key } = op;
    const names = [...new Set(points.map((point) => point.name))];
    const facts = await this.step<MetricFacts>(op, metricFactsStatement(content.id, key, names));
    const current = facts.devPerf ? toRecord(this.catalogue, facts.devPerf) : null;
    if (current && !isKind('DEV_PERF')(current)) throw new Error(`"${content.id}" is not a development performance`);
    if (current && key !== null && answerRepeatedPoints(facts.prior, points, op.field) === 'repeat') return current;
    const stored = points.map((point) => ({ ...point, at: pointInstant(point, this.unit.at) }));
    const latest = new Map(facts.latest.map((point) => [point.name, point]));
    const collection = this.names.collection('DEV_PERF');
    const written =
      current && facts.devPerf
        ? await this.replace(op, collection, facts.devPerf, current, { ...current, ...metricsAfter(current, latest, stored) })
        : await this.putAsset({
            type: 'putAsset',
            content: { ...content, ...metricsAfter(content, latest, stored) },
            field: op.field,
          });
    const docs = stored.map((point) => ({ devperf: content.id, ...point, seq: this.sequence.next(), key }));
    await this.step(op, insertMetricPointsStatement(docs));
    this.changed = true;
    return written;
  }

  private async deleteAsset(op: DeleteAssetOp): Promise<{ asset: AssetRecord; relations: number }> {
    const parsed = tryParseId(op.id, this.catalogue);
    if (!parsed) throw notFound(op.id, op.field);
    const row = await this.step<{ asset: StoredDocument | null; edges: EdgeRecord[] }>(
      op,
      deleteAssetStatement(this.names, parsed.collection, op.id, parsed.key),
    );
    const asset = row.asset ? toRecord(this.catalogue, row.asset) : null;
    if (!asset) throw notFound(op.id, op.field);
    this.changed = true;
    for (const edge of row.edges) {
      const from = tryParseId(edge.from, this.catalogue);
      if (from) this.drafts.push(relationChange('UNLINK', edge, from.kind));
    }
    this.drafts.push(deleted(asset));
    return { asset, relations: row.edges.length };
  }

  /** Runs one statement as a step of the transaction; its failure carries the op (null: the revision step). */
  async step<T>(op: WriteOp | null, statement: AqlQuery): Promise<T> {
    const [row] = await this.steps<T>(op, statement);
    return row as T;
  }

  /** Runs one statement as a step of the transaction, answering every row it returns. */
  async steps<T>(op: WriteOp | null, statement: AqlQuery): Promise<T[]> {
    try {
      const cursor = await this.trx.step(() => this.db.query(statement, this.options));
      return (await cursor.all()) as T[];
    } catch (error) {
      throw new StepFailure(op, error);
    }
  }

  /** The CONFLICT of a name the statement found taken. */
  private nameTaken(content: Pick<AssetContent, 'kind' | 'name' | 'version'>, takenBy: string | null): Error {
    if (takenBy === null) return new Error('ArangoDB: a write neither applied nor found what prevented it');
    return nameTaken(this.catalogue, content, takenBy);
  }

  private stored(doc: StoredDocument): AssetRecord {
    const record = toRecord(this.catalogue, doc);
    if (!record) throw new Error(`ArangoDB returned a document that is not an asset: ${String(doc._id)}`);
    return record;
  }
}

type PutAssetOp = Extract<WriteOp, { type: 'putAsset' }>;
type PutEdgeOp = Extract<WriteOp, { type: 'putEdge' }>;
type RemoveEdgeOp = Extract<WriteOp, { type: 'removeEdge' }>;
type UpdateAssetOp = Extract<WriteOp, { type: 'updateAsset' }>;
type DeleteAssetOp = Extract<WriteOp, { type: 'deleteAsset' }>;
type UpdateRunOp = Extract<WriteOp, { type: 'updateRun' }>;
type RecordMetricsOp = Extract<WriteOp, { type: 'recordMetrics' }>;

/** A database failure while executing `op` (null: the revision step), kept until the unit of work gives up. */
class StepFailure extends Error {
  override readonly name = 'StepFailure';
  constructor(
    readonly op: WriteOp | null,
    override readonly cause: unknown,
  ) {
    super(`ArangoDB failed on a ${op?.type ?? 'revision'} step`);
  }
}

/**
 * Every collection a unit of work writes (and reads), declared when its
 * transaction begins: metalayer's own collections always, for the revision
 * and the change log.
 */
export function transactionCollections(
  names: ArangoNames,
  ops: readonly WriteOp[],
): { write: string[]; read: string[] } {
  const write = new Set<string>([META_COLLECTION, CHANGES_COLLECTION, EDGE_SPANS_COLLECTION]);
  const read = new Set<string>();
  const parse = (id: string) => tryParseId(id, names.catalogue);
  for (const op of ops) {
    switch (op.type) {
      case 'putAsset':
        write.add(names.collection(op.content.kind));
        break;
      case 'putEdge':
        write.add(op.edge.relation);
        for (const id of [op.edge.from, op.edge.to]) {
          const parsed = parse(id);
          if (parsed) read.add(parsed.collection);
        }
        break;
      case 'removeEdge':
        write.add(op.edge.relation);
        break;
      case 'recordMetrics':
        write.add(names.collection('DEV_PERF')).add(METRIC_POINTS_COLLECTION);
        break;
      case 'updateAsset':
      case 'updateRun':
      case 'deleteAsset': {
        const parsed = parse(op.id);
        if (parsed) write.add(parsed.collection);
        if (op.type === 'deleteAsset') names.edgeCollections.forEach((edges) => write.add(edges));
        if (op.type === 'deleteAsset' && parsed && hasMetricPoints(names, parsed.collection)) write.add(METRIC_POINTS_COLLECTION);
        break;
      }
      default:
        assertNever(op, 'write operation');
    }
  }
  return { write: [...write].sort(), read: [...read].filter((name) => !write.has(name)).sort() };
}

/** The (name, version) an asset of a named kind claims; null for kinds identified by key alone. */
export function nameClaim(catalogue: Catalogue, content: AssetContent): NameClaim | null {
  return isNamedKind(catalogue, content.kind) ? { name: content.name, versionKey: versionKey(content.version) } : null;
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
 * CONFLICT (a collision that outlived the retries, whose holder the last
 * attempt could not see) or what `translateError` makes of it
 * (STORE_UNAVAILABLE, QUERY_TOO_EXPENSIVE); anything else as it is, an
 * internal error.
 */
function translateWriteError(error: unknown): unknown {
  if (error instanceof MetalayerError) return error;
  const op = error instanceof StepFailure ? error.op : null;
  const cause = error instanceof StepFailure ? error.cause : error;
  switch (errorNum(cause)) {
    case ErrorNum.DOCUMENT_NOT_FOUND:
      if (op && (op.type === 'updateAsset' || op.type === 'updateRun' || op.type === 'deleteAsset')) {
        return notFound(op.id, op.field);
      }
      break;
    case ErrorNum.UNIQUE_CONSTRAINT_VIOLATED:
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
