import type { Database, Statement } from 'better-sqlite3';
import type { Catalogue } from '../../domain/catalogue.js';
import { unitInstant, type ChangeDraft, type ChangeOperation, type ChangeRecord } from '../../domain/changes.js';
import { conflict, notFound } from '../../domain/errors.js';
import type { AssetKind } from '../../domain/kinds.js';
import type { RelationName } from '../../domain/relations.js';
import type { AssetAuthors, ChangePage, ChangeQuery } from '../store.js';
import { SCOPE_CTE, visibleSql } from './owners.js';
import { SqliteAsOf } from './as-of.js';
import { afterSql } from './change-states.js';
import { StatementCache } from './statement-cache.js';

/**
 * The change log's tables (migration 5): the writer appends to `changes`
 * and keeps `edge_spans` inside the unit of work's transaction; the readers
 * page through the log.
 */

/** A `changes` row as better-sqlite3 returns it. */
interface ChangeRow {
  sequence: number;
  at: string;
  actor: string;
  operation: ChangeOperation;
  asset_id: string;
  kind: AssetKind;
  before: string | null;
  after: string | null;
  relation: RelationName | null;
  from_id: string | null;
  to_id: string | null;
  source: string;
  tx: string;
}

const CHANGE_COLUMNS = 'sequence, at, actor, operation, asset_id, kind, before, after, relation, from_id, to_id, source, tx';

function toChange(row: ChangeRow): ChangeRecord {
  return {
    sequence: String(row.sequence),
    at: row.at,
    actor: row.actor,
    operation: row.operation,
    assetId: row.asset_id,
    kind: row.kind,
    before: row.before === null ? null : (JSON.parse(row.before) as Record<string, unknown>),
    after: row.after === null ? null : (JSON.parse(row.after) as Record<string, unknown>),
    relation: row.relation,
    from: row.from_id,
    to: row.to_id,
    source: row.source,
    transaction: row.tx,
  };
}

/** Who, through what and when: what every change of one unit of work shares. */
export interface ChangeStamp {
  at: string;
  actor: string;
  source: string;
  tx: string;
}

/** The writer's side: appends a unit's changes and keeps relations' spans, inside its transaction. */
export class ChangeWriter {
  private readonly insert: Statement;
  private readonly openSpan: Statement;
  private readonly closeSpan: Statement;
  private readonly last: Statement;
  private readonly lastSequence: Statement;

  constructor(db: Database) {
    this.insert = db.prepare(`/* appendChange */ INSERT INTO changes
      (at, actor, operation, asset_id, kind, before, after, relation, from_id, to_id, source, tx)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.openSpan = db.prepare(`/* openSpan */ INSERT INTO edge_spans (from_id, relation, to_id, linked, unlinked)
      VALUES (?, ?, ?, ?, NULL)`);
    this.closeSpan = db.prepare(`/* closeSpan */ UPDATE edge_spans SET unlinked = ?
      WHERE from_id = ? AND relation = ? AND to_id = ? AND unlinked IS NULL`);
    this.last = db.prepare(`/* lastChangeAt */ SELECT at FROM changes ORDER BY sequence DESC LIMIT 1`).pluck();
    this.lastSequence = db.prepare(`/* lastSequence */ SELECT ifnull(max(seq), 0) FROM sqlite_sequence WHERE name = 'changes'`).pluck();
  }

  /**
   * What every change of a unit of work shares: its instant, or the last
   * change's when that is later (unitInstant); its actor and source; and as
   * its transaction id, the sequence its first change takes (AUTOINCREMENT
   * gives the one after the largest ever used).
   */
  stamp(unit: { at: string; actor: string; source: string }): ChangeStamp {
    const last = (this.last.get() as string | undefined) ?? null;
    const tx = String((this.lastSequence.get() as number) + 1);
    return { at: unitInstant(unit.at, last), actor: unit.actor, source: unit.source, tx };
  }

  append(stamp: ChangeStamp, draft: ChangeDraft): void {
    const json = (state: Record<string, unknown> | null) => (state === null ? null : JSON.stringify(state));
    const { lastInsertRowid } = this.insert.run(
      stamp.at,
      stamp.actor,
      draft.operation,
      draft.assetId,
      draft.kind,
      json(draft.before),
      json(draft.after),
      draft.relation,
      draft.from,
      draft.to,
      stamp.source,
      stamp.tx,
    );
    if (draft.operation === 'LINK') this.openSpan.run(draft.from, draft.relation, draft.to, lastInsertRowid);
    if (draft.operation === 'UNLINK') this.closeSpan.run(lastInsertRowid, draft.from, draft.relation, draft.to);
  }
}

/**
 * The bulk path's changes, one statement each over the batch's rows (those
 * after the rowids it started from): a CREATE per asset, then a LINK per
 * relation, in the order they were inserted, and the relations' spans. A
 * CREATE holds no copy of its asset's state (change-states.ts): it would
 * double the bytes an import writes per asset.
 */
export function bulkChangeStatements(db: Database) {
  return {
    lastSequence: db.prepare(`/* lastSequence */ SELECT ifnull(max(seq), 0) FROM sqlite_sequence WHERE name = 'changes'`).pluck(),
    // No copy of the asset's state: `after` is null and read from the asset's row (change-states.ts).
    created: db.prepare(`/* importCreated */ INSERT INTO changes
      (at, actor, operation, asset_id, kind, before, after, relation, from_id, to_id, source, tx)
      SELECT @at, @actor, 'CREATE', a.id, a.kind, NULL, NULL, NULL, NULL, NULL, @source, @tx
      FROM assets a WHERE a.rowid > @after ORDER BY a.rowid`),
    linked: db.prepare(`/* importLinked */ INSERT INTO changes
      (at, actor, operation, asset_id, kind, before, after, relation, from_id, to_id, source, tx)
      SELECT @at, @actor, 'LINK', e.from_id, f.kind, NULL, NULL, e.relation, e.from_id, e.to_id, @source, @tx
      FROM edges e JOIN assets f ON f.id = e.from_id WHERE e.rowid > @after ORDER BY e.rowid`),
    spans: db.prepare(`/* importSpans */ INSERT INTO edge_spans (from_id, relation, to_id, linked, unlinked)
      SELECT from_id, relation, to_id, sequence, NULL FROM changes WHERE sequence > ? AND operation = 'LINK'`),
  };
}

/**
 * The statement of one page of the log and its parameters: the changes
 * after the query's sequence that its selection and scope keep, in sequence
 * order, one more than the page holds (whether another page follows). An
 * asset selection reads the (asset, sequence) and (to, sequence) indexes.
 */
export function changesSql(catalogue: Catalogue, query: ChangeQuery): { sql: string; params: unknown[] } {
  const { selection } = query;
  const scoped = query.scope !== null;
  const where: string[] = ['c.sequence > ?'];
  const params: unknown[] = scoped ? [JSON.stringify(query.scope)] : [];
  params.push(query.afterSequence === null ? 0 : Number(query.afterSequence));
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (scoped) {
    where.push(visibleSql(catalogue, 'a'), `(c.to_id IS NULL OR (t.id IS NOT NULL AND ${visibleSql(catalogue, 't')}))`);
  }
  if (selection.actor !== null) add('c.actor = ?', selection.actor);
  if (selection.assets !== null) {
    const ids = JSON.stringify(selection.assets);
    add('(c.asset_id IN (SELECT value FROM json_each(?)) OR c.to_id IN (SELECT value FROM json_each(?)))', ids, ids);
  }
  if (selection.kinds !== null) add('c.kind IN (SELECT value FROM json_each(?))', JSON.stringify(selection.kinds));
  if (selection.operations !== null) add('c.operation IN (SELECT value FROM json_each(?))', JSON.stringify(selection.operations));
  if (selection.since !== null) add('c.at >= ?', selection.since);
  if (selection.until !== null) add('c.at <= ?', selection.until);
  params.push(query.first + 1);
  const columns = CHANGE_COLUMNS.split(', ')
    .map((column) => (column === 'after' ? `${afterSql('c')} AS after` : `c.${column}`))
    .join(', ');
  const sql = [
    `/* changes */ ${scoped ? `WITH ${SCOPE_CTE} ` : ''}SELECT ${columns}`,
    `FROM changes c${scoped ? ' JOIN assets a ON a.id = c.asset_id LEFT JOIN assets t ON t.id = c.to_id' : ''}`,
    `WHERE ${where.join(' AND ')}`,
    'ORDER BY c.sequence LIMIT ?',
  ].join('\n');
  return { sql, params };
}

/** The readers' side: pages of the log, authors, the history's start, pruning and erasure. */
export class ChangeReader {
  private readonly statements: StatementCache;
  /** For the sequence of an instant. */
  private readonly past: SqliteAsOf;

  constructor(
    private readonly db: Database,
    private readonly catalogue: Catalogue,
  ) {
    this.statements = new StatementCache(db);
    this.past = new SqliteAsOf(catalogue, (sql) => this.statements.prepare(sql));
  }

  /**
   * `/* changes *\/`: one page. With a scope, a change is seen when its
   * asset exists and is visible, and, for a relation, its other end too.
   */
  changes(query: ChangeQuery): ChangePage {
    const { sql, params } = changesSql(this.catalogue, query);
    const rows = this.statements.prepare(sql).all(...params) as ChangeRow[];
    return { changes: rows.slice(0, query.first).map(toChange), hasNextPage: rows.length > query.first };
  }

  /**
   * `/* authors *\/`: the actors of each asset's oldest CREATE and newest
   * CREATE or UPDATE, up to the sequence of `asOf` when one is given.
   */
  authors(ids: readonly string[], asOf: string | null): AssetAuthors[] {
    const upTo = asOf === null ? Number.MAX_SAFE_INTEGER : this.past.sequenceAt(asOf);
    const rows = this.statements.prepare(`/* authors */ SELECT r.key AS request,
        (SELECT c.actor FROM changes c WHERE c.asset_id = r.value AND c.sequence <= @upTo AND c.operation = 'CREATE'
          ORDER BY c.sequence LIMIT 1) AS createdBy,
        (SELECT c.actor FROM changes c WHERE c.asset_id = r.value AND c.sequence <= @upTo AND c.operation IN ('CREATE', 'UPDATE')
          ORDER BY c.sequence DESC LIMIT 1) AS updatedBy
      FROM json_each(@ids) r ORDER BY r.key`).all({ upTo, ids: JSON.stringify(ids) }) as {
      createdBy: string | null;
      updatedBy: string | null;
    }[];
    return rows.map((row) => ({ createdBy: row.createdBy ?? 'unknown', updatedBy: row.updatedBy ?? 'unknown' }));
  }

  /** The newest sequence AUTOINCREMENT gave, which pruning leaves as it is; null before the first change. */
  lastSequence(): string | null {
    const seq = this.statements.prepare(`/* lastChangeSequence */ SELECT seq FROM sqlite_sequence WHERE name = 'changes'`).pluck().get();
    // At 0 no change was ever given: the migration's baseline insert makes the row even when it logs nothing.
    return seq === undefined || seq === 0 ? null : String(seq);
  }

  historyStart(): string | null {
    const start = this.statements.prepare(`/* historyStart */ SELECT value FROM history_meta WHERE name = 'start'`).pluck().get();
    return (start as string | undefined) ?? null;
  }

  /** Drops the changes before `before`, and the spans of relations unlinked by one of them. */
  pruneHistory(before: string): number {
    return this.db.transaction(() => {
      const last = this.statements.prepare(`/* pruneLast */ SELECT max(sequence) FROM changes WHERE at < ?`).pluck().get(before) as
        | number
        | null;
      this.statements.prepare(`/* keepHistoryStart */ INSERT INTO history_meta (name, value) VALUES ('start', ?)
        ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`).run(before);
      if (last === null) return 0;
      this.statements.prepare(`/* pruneSpans */ DELETE FROM edge_spans WHERE unlinked IS NOT NULL AND unlinked <= ?`).run(last);
      return this.statements.prepare(`/* pruneChanges */ DELETE FROM changes WHERE sequence <= ?`).run(last).changes;
    }).immediate();
  }

  /**
   * Empties the states of a deleted asset's changes, leaving `{ "purged": true }`
   * in their place; returns how many changes held a state still (0 once purged).
   */
  purgeHistory(id: string): number {
    return this.db.transaction(() => {
      if (this.statements.prepare(`/* assetExists */ SELECT 1 FROM assets WHERE id = ?`).pluck().get(id)) {
        throw conflict(`"${id}" exists: only a deleted asset's history is purged; delete it first`, ['asset']);
      }
      const tombstone = '{"purged":true}';
      // Only changes that still hold a state count: a second purge erases nothing and says so. An imported
      // CREATE's state is the asset's (change-states.ts), held until now: it is tombstoned like a copy.
      const { changes } = this.statements.prepare(`/* purgeChanges */ UPDATE changes
        SET before = CASE WHEN before IS NULL THEN NULL ELSE ? END,
          after = CASE WHEN after IS NULL AND operation <> 'CREATE' THEN NULL ELSE ? END
        WHERE asset_id = ? AND (before <> ? OR after <> ? OR (after IS NULL AND operation = 'CREATE'))`).run(
        tombstone,
        tombstone,
        id,
        tombstone,
        tombstone,
      );
      const held = this.statements.prepare(`/* historyHeld */ SELECT 1 FROM changes WHERE asset_id = ? OR to_id = ? LIMIT 1`).pluck().get(id, id);
      if (!held) throw notFound(id, ['asset']);
      return changes;
    }).immediate();
  }
}
