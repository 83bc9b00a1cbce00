import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import type { QueryOptions } from 'arangojs/queries';
import { BASELINE_SOURCE, UNKNOWN_ACTOR, created, relationChange, type ChangeDraft } from '../../domain/changes.js';
import { tryParseId } from '../../domain/ids.js';
import { parseStoredInstant } from '../../domain/instants.js';
import type { RelationName } from '../../domain/relations.js';
import { EPOCH, type StoredDocument } from './attributes.js';
import { META_COLLECTION, type ArangoNames } from './catalogue.js';
import {
  CHANGES_COLLECTION,
  EDGE_SPANS_COLLECTION,
  appendBaselineStatement,
  openSpansStatement,
  unseenAssetsQuery,
  unseenEdgesQuery,
  type BaselineChange,
} from './changes.js';
import { toRecord } from './documents.js';
import { ErrorNum, errorNum } from './errors.js';

/** Documents one baseline step reads and logs. */
export const BASELINE_CHUNK = 5_000;

/** How often a step is tried when another server baselines or writes at the same moment. */
const ATTEMPTS = 3;

/**
 * The baseline of what the log has not seen: a CREATE, by `unknown`, for each
 * asset document without a change (a database that predates the log, or a
 * document arangopipe wrote directly), then a LINK and an open span for each
 * relation without an open span, each at its creation time, or the last
 * change's when that is later. Run at start; each step (a chunk of one
 * collection) is a transaction of its own, so a restart resumes where one
 * stopped. Returns how many changes were appended.
 */
export async function baselineUnseen(db: Database, options: QueryOptions, names: ArangoNames): Promise<number> {
  let appended = 0;
  for (const collection of names.vertexCollections) {
    for (let n = -1; n !== 0; appended += n) n = await step(db, options, () => assetStep(db, options, names, collection));
  }
  for (const relation of names.edgeCollections) {
    for (let n = -1; n !== 0; appended += n) n = await step(db, options, () => edgeStep(db, options, names, relation));
  }
  return appended;
}

async function step(db: Database, options: QueryOptions, run: () => Promise<number>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const num = errorNum(error);
      if (attempt >= ATTEMPTS || (num !== ErrorNum.CONFLICT && num !== ErrorNum.UNIQUE_CONSTRAINT_VIOLATED)) throw error;
    }
  }
}

/** One chunk of a collection's unseen assets, logged in one transaction. */
async function assetStep(db: Database, options: QueryOptions, names: ArangoNames, collection: string): Promise<number> {
  return inTransaction(db, options, async (query) => {
    const docs = await query<StoredDocument>(unseenAssetsQuery(names, collection, BASELINE_CHUNK));
    const changes = docs.flatMap((doc) => {
      const record = toRecord(names.catalogue, doc);
      return record ? [baseline(created(record), instantOf(record.createdAt))] : [];
    });
    if (changes.length > 0) await query(appendBaselineStatement(changes));
    return changes.length;
  });
}

/** One chunk of a relation's unseen edges, logged with their spans in one transaction. */
async function edgeStep(db: Database, options: QueryOptions, names: ArangoNames, relation: RelationName): Promise<number> {
  return inTransaction(db, options, async (query) => {
    const edges = await query<{ from: string; to: string; createdAt: unknown }>(unseenEdgesQuery(names, relation, BASELINE_CHUNK));
    const changes = edges.flatMap((edge) => {
      const from = tryParseId(edge.from, names.catalogue);
      if (!from) return [];
      return [baseline(relationChange('LINK', { relation, from: edge.from, to: edge.to }, from.kind), instantOf(edge.createdAt))];
    });
    if (changes.length === 0) return 0;
    const [appended] = await query<{ first: number }>(appendBaselineStatement(changes));
    const first = appended?.first ?? 0;
    await query(openSpansStatement(changes.map((change, i) => ({ from: change.from ?? '', to: change.to ?? '', relation, seq: first + i }))));
    return changes.length;
  });
}

function baseline(draft: ChangeDraft, at: string): BaselineChange {
  return { ...draft, actor: UNKNOWN_ACTOR, source: BASELINE_SOURCE, transaction: BASELINE_SOURCE, at };
}

/** A stored creation time as a canonical instant; the epoch when none can be read. */
function instantOf(stored: unknown): string {
  return (typeof stored === 'string' ? parseStoredInstant(stored) : null) ?? EPOCH;
}

type Query = <T>(statement: AqlQuery) => Promise<T[]>;

async function inTransaction(db: Database, options: QueryOptions, work: (query: Query) => Promise<number>): Promise<number> {
  const trx = await db.beginTransaction({ write: [CHANGES_COLLECTION, EDGE_SPANS_COLLECTION, META_COLLECTION] });
  try {
    const query: Query = async <T>(statement: AqlQuery) => {
      const cursor = await trx.step(() => db.query<T>(statement, options));
      return cursor.all();
    };
    const count = await work(query);
    await trx.commit();
    return count;
  } catch (error) {
    await trx.abort().catch(() => undefined);
    throw error;
  }
}
