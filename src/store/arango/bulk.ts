import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import type { QueryOptions } from 'arangojs/queries';
import type { Transaction } from 'arangojs/transactions';
import type { Catalogue } from '../../domain/catalogue.js';
import { IMPORT_SOURCE, UNKNOWN_ACTOR, created, relationChange } from '../../domain/changes.js';
import { MetalayerError, conflict, notFound, queryTooExpensive } from '../../domain/errors.js';
import { tryParseId } from '../../domain/ids.js';
import type { AssetContent } from '../../domain/kinds.js';
import type { EdgeRecord, RelationName } from '../../domain/relations.js';
import { nameTaken } from '../../domain/writes.js';
import type { BulkBatch, BulkCount } from '../store.js';
import { versionKey, type AssetDocument } from './attributes.js';
import { META_COLLECTION, type ArangoNames } from './catalogue.js';
import { CHANGES_COLLECTION, EDGE_SPANS_COLLECTION, appendChangesStatement, openSpansStatement } from './changes.js';
import { toDocument } from './documents.js';
import { SequenceClock, edgeDocument, edgeEnds, type EdgeDocument } from './edges.js';
import { ErrorNum, errorNum, translateError } from './errors.js';
import {
  existingKeysStatement,
  importAssetsStatement,
  importEdgesStatement,
  takenNamesStatement,
} from './statements.js';
import { nameClaim } from './writes.js';

/** Documents per import statement: large batches become several steps of the one transaction. */
export const IMPORT_CHUNK = 5_000;

/**
 * The most document bytes (as JSON) one import sends. A stream transaction
 * holds at most 128 MB per DB-Server, single servers included, and that
 * counts index entries and bookkeeping beside the documents: a quarter of it
 * leaves room for small documents, whose overhead is largest. Bigger batches
 * are refused before anything is sent, since an import is atomic.
 */
export const IMPORT_BYTE_BUDGET = 32 * 2 ** 20;

/** An item of the batch with its position, which names it in errors (`['assets', 3]`). */
interface Entry<T> {
  item: T;
  index: number;
}

type EdgeEntry = Entry<EdgeRecord> & { doc: EdgeDocument };

type AssetEntry = Entry<AssetContent> & { doc: AssetDocument };

type Step =
  | { type: 'assets'; collection: string; entries: AssetEntry[] }
  | { type: 'edges'; relation: RelationName; entries: EdgeEntry[] };

/**
 * The bulk path of the port (`Store.importBulk`): the batch's assets, then its
 * relations, inserted by one `FOR doc IN @docs INSERT` statement per
 * collection (and chunk) inside one stream transaction, so relations may
 * refer to assets of the batch and a failure writes nothing.
 *
 * No lookup precedes an insert: the primary and (name, version) indexes
 * refuse what is taken, and only then is the failure diagnosed, after the
 * abort, by asking which keys or names of the failed step are held. What the
 * database cannot see, the batch repeating an id, a name or a relation, is
 * checked before anything is sent, and so is what the ids of a relation's
 * ends tell (the domain's `checkEdge`: distinct ends of the kinds the
 * relation joins); whether the ends exist is checked in its statement,
 * since ArangoDB does not check edge ends. arangopipe's own edges
 * are keyed differently, so a relation arangopipe already stored is not
 * recognised here (the unit-of-work path checks ends, not keys).
 *
 * One stream transaction holds only so much (IMPORT_BYTE_BUDGET): a batch
 * beyond it is refused with QUERY_TOO_EXPENSIVE before anything is sent,
 * and so is one the server finds too large after all (error 32).
 */
export class ArangoBulkImport {
  constructor(
    private readonly db: Database,
    private readonly options: QueryOptions,
    private readonly names: ArangoNames,
    private readonly now: () => Date,
    private readonly sequence: SequenceClock,
    private readonly byteBudget = IMPORT_BYTE_BUDGET,
  ) {}

  async importBulk(batch: BulkBatch): Promise<BulkCount> {
    const now = this.now().toISOString();
    const steps = this.plan(batch, now);
    if (steps.length === 0) return { assets: 0, edges: 0 };
    const bytes = documentBytes(steps);
    if (bytes > this.byteBudget) throw batchTooLarge(bytes, this.byteBudget);
    let current: Step | null = null;
    try {
      const trx = await this.db.beginTransaction(importCollections(steps));
      try {
        for (const step of steps) {
          current = step;
          await this.run(trx, step);
        }
        current = null;
        await this.log(trx, batch, now);
        await trx.commit();
      } catch (error) {
        await trx.abort().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      throw await this.diagnose(error, current);
    }
    return { assets: batch.assets.length, edges: batch.edges.length };
  }

  /** The batch as import steps, refusing what the database cannot see: repeats within the batch. */
  private plan(batch: BulkBatch, now: string): Step[] {
    refuseRepeats(this.names.catalogue, batch);
    const edgeEntries = batch.edges.map((item, index): EdgeEntry => {
      const ends = edgeEnds(this.names.catalogue, item, ['edges', index]);
      return { item, index, doc: edgeDocument(this.names, item, ends, now, this.sequence.next()) };
    });
    const steps: Step[] = [];
    const assetEntries = batch.assets.map(
      (item, index): AssetEntry => ({ item, index, doc: toDocument(this.names.catalogue, item, now, now) }),
    );
    for (const [collection, entries] of groupBy(assetEntries, (e) => this.names.collection(e.item.kind))) {
      for (const chunk of chunks(entries)) steps.push({ type: 'assets', collection, entries: chunk });
    }
    for (const [relation, entries] of groupBy(edgeEntries, (e) => e.item.relation)) {
      for (const chunk of chunks(entries)) steps.push({ type: 'edges', relation, entries: chunk });
    }
    return steps;
  }

  /** The batch's changes, as one unit of work of source `import`: a CREATE per asset, then a LINK per relation. */
  private async log(trx: Transaction, batch: BulkBatch, now: string): Promise<void> {
    const stamp = { actor: batch.actor ?? UNKNOWN_ACTOR, source: IMPORT_SOURCE };
    const drafts = [
      ...batch.assets.map((content) => created(content)),
      ...batch.edges.flatMap((edge) => {
        const from = tryParseId(edge.from, this.names.catalogue);
        return from ? [relationChange('LINK', edge, from.kind)] : [];
      }),
    ];
    const [appended] = await this.query<{ first: number }>(appendChangesStatement(drafts.map((draft) => ({ ...draft, ...stamp })), now), trx);
    const first = appended?.first ?? 0;
    const links = batch.edges.map((edge, i) => ({ from: edge.from, to: edge.to, relation: edge.relation, seq: first + batch.assets.length + i }));
    if (links.length > 0) await this.query(openSpansStatement(links), trx);
  }

  private async run(trx: Transaction, step: Step): Promise<void> {
    if (step.type === 'assets') {
      await this.query(importAssetsStatement(this.names, step.collection, step.entries.map((e) => e.doc)), trx);
      return;
    }
    const [row] = await this.query<{ missing: { from: string; to: string; fromFound: boolean } | null }>(
      importEdgesStatement(this.names, step.relation, step.entries.map((e) => e.doc)),
      trx,
    );
    const missing = row?.missing;
    if (!missing) return;
    const entry = step.entries.find(({ item }) => item.from === missing.from && item.to === missing.to);
    throw notFound(missing.fromFound ? missing.to : missing.from, ['edges', entry?.index ?? 0]);
  }

  /**
   * The error a failed import throws: its own MetalayerError; for a unique
   * violation, CONFLICT naming the first item of the failed step that the
   * database holds (its id, its name, its relation); QUERY_TOO_EXPENSIVE when
   * the transaction outgrew what the server holds; otherwise what
   * `translateError` makes of it.
   */
  private async diagnose(error: unknown, step: Step | null): Promise<unknown> {
    if (error instanceof MetalayerError) return error;
    if (errorNum(error) === ErrorNum.CONFLICT) {
      return conflict('The import collided with a concurrent write; try again');
    }
    if (errorNum(error) === ErrorNum.RESOURCE_LIMIT) return transactionTooLarge(error);
    if (errorNum(error) !== ErrorNum.UNIQUE_CONSTRAINT_VIOLATED || !step) return translateError(error);
    try {
      return (await this.heldItem(step)) ?? conflict('Part of the import already exists');
    } catch (diagnosisError) {
      return translateError(diagnosisError);
    }
  }

  private async heldItem(step: Step): Promise<MetalayerError | null> {
    if (step.type === 'edges') {
      const keys = step.entries.map((e) => e.doc._key);
      const held = new Set(await this.query<string>(existingKeysStatement(this.names, step.relation, keys)));
      const entry = step.entries.find((e) => held.has(e.doc._key));
      return entry ? relationExists(entry) : null;
    }
    const keys = step.entries.map(({ item }) => item.key);
    const held = new Set(await this.query<string>(existingKeysStatement(this.names, step.collection, keys)));
    const existing = step.entries.find(({ item }) => held.has(item.key));
    if (existing) return conflict(`"${existing.item.id}" already exists`, ['assets', existing.index]);
    const claims = step.entries.flatMap(({ item }) => nameClaim(this.names.catalogue, item) ?? []);
    if (claims.length === 0) return null;
    const taken = await this.query<{ name: string; versionKey: string; holder: string }>(
      takenNamesStatement(this.names, step.collection, claims),
    );
    for (const { item, index } of step.entries) {
      const hit = taken.find((t) => t.name === item.name && t.versionKey === versionKey(item.version));
      if (hit) return nameTaken(this.names.catalogue, item, hit.holder, ['assets', index]);
    }
    return null;
  }

  private async query<T>(statement: AqlQuery, trx?: Transaction): Promise<T[]> {
    const cursor = trx
      ? await trx.step(() => this.db.query(statement, this.options))
      : await this.db.query(statement, this.options);
    return (await cursor.all()) as T[];
  }
}

/** Ids, names and relations the batch gives twice: the database would refuse the second one. */
function refuseRepeats(catalogue: Catalogue, batch: BulkBatch): void {
  const ids = new Map<string, number>();
  const claimed = new Map<string, string>();
  batch.assets.forEach((content, index) => {
    if (ids.has(content.id)) throw conflict(`"${content.id}" already exists (earlier in the batch)`, ['assets', index]);
    ids.set(content.id, index);
    const claim = nameClaim(catalogue, content);
    if (!claim) return;
    const name = JSON.stringify([content.kind, claim.name, claim.versionKey]);
    const holder = claimed.get(name);
    if (holder) throw nameTaken(catalogue, content, holder, ['assets', index]);
    claimed.set(name, content.id);
  });
  const relations = new Set<string>();
  batch.edges.forEach((edge, index) => {
    const key = JSON.stringify([edge.relation, edge.from, edge.to]);
    if (relations.has(key)) throw relationExists({ item: edge, index });
    relations.add(key);
  });
}

/** The UTF-8 size of the JSON of every document the import sends. */
function documentBytes(steps: readonly Step[]): number {
  let bytes = 0;
  for (const step of steps) {
    for (const entry of step.entries) bytes += Buffer.byteLength(JSON.stringify(entry.doc));
  }
  return bytes;
}

/** QUERY_TOO_EXPENSIVE: the batch's documents weigh `bytes`, more than `budget`. */
function batchTooLarge(bytes: number, budget: number): MetalayerError {
  return queryTooExpensive(
    `The batch holds ${mebibytes(bytes)} MiB of documents; one import writes at most ${mebibytes(budget)} MiB: split it into smaller batches`,
  );
}

/** QUERY_TOO_EXPENSIVE: the server found the import's transaction too large (32). */
function transactionTooLarge(cause: unknown): MetalayerError {
  const failure = queryTooExpensive(
    'The batch is larger than the database lets one import write: split it into smaller batches',
  );
  failure.cause = cause;
  return failure;
}

function mebibytes(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

function relationExists({ item, index }: Entry<EdgeRecord>): MetalayerError {
  return conflict(`The ${item.relation} relation ${item.from} → ${item.to} already exists`, ['edges', index]);
}

/** The collections an import writes (and the edge ends it reads), declared when its transaction begins. */
function importCollections(steps: readonly Step[]): { write: string[]; read: string[] } {
  const write = new Set<string>([META_COLLECTION, CHANGES_COLLECTION, EDGE_SPANS_COLLECTION]);
  const read = new Set<string>();
  for (const step of steps) {
    if (step.type === 'assets') {
      write.add(step.collection);
      continue;
    }
    write.add(step.relation);
    for (const { doc } of step.entries) {
      read.add(doc._from.slice(0, doc._from.indexOf('/')));
      read.add(doc._to.slice(0, doc._to.indexOf('/')));
    }
  }
  return { write: [...write].sort(), read: [...read].filter((name) => !write.has(name)).sort() };
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += IMPORT_CHUNK) result.push(items.slice(i, i + IMPORT_CHUNK));
  return result;
}
