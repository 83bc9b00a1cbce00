import { SqliteError, type Database } from 'better-sqlite3';
import { IMPORT_SOURCE, UNKNOWN_ACTOR, unitInstant } from '../../domain/changes.js';
import type { Catalogue } from '../../domain/catalogue.js';
import { conflict, notFound, type FieldPath } from '../../domain/errors.js';
import type { AssetContent } from '../../domain/kinds.js';
import type { EdgeRecord } from '../../domain/relations.js';
import { checkEdge, isNamedKind, nameTaken } from '../../domain/writes.js';
import { tryParseId } from '../../domain/ids.js';
import type { BulkBatch, BulkCount } from '../store.js';
import { ASSET_COLUMNS, rowValues, toRow } from './rows.js';
import { bulkChangeStatements } from './changes.js';
import { nameHolder } from './writes.js';

/**
 * The row triggers the bulk path replaces with one statement per batch: those
 * holding assets and relations to the catalogue's kinds (migration 2), and
 * those keeping `metric_latest` as performances and their runs are inserted
 * (migration 4).
 */
const BULK_TRIGGERS = [
  'assets_kind_known',
  'edges_fit_relation',
  'metric_latest_insert',
  'metric_latest_run_added',
  'usage_stale_edge_added',
] as const;

/**
 * The bulk path (`Store.importBulk`): plain inserts in one transaction,
 * through positional prepared statements, with no lookup before each insert.
 * A constraint failure is diagnosed only when it happens, and rolls the whole
 * batch back.
 *
 * The catalogue is checked once per batch, by one statement over the
 * batch's assets and, for its edges, from what their ends' ids name before
 * anything is written, instead of by the
 * `assets_kind_known` and `edges_fit_relation` triggers on every row: SQLite
 * runs a trigger as a sub-program whose invocation costs about 4 µs a row
 * even when its WHEN clause is false, more than the insert itself (1.5
 * million edges: 13.0 s with the trigger, 4.9 s plus 1.4 s for the check
 * without it). The triggers are dropped inside the batch's transaction and
 * recreated from their own stored text before the commit, so no other
 * connection ever sees them missing and a rollback restores them; the
 * database still refuses an unknown kind or a misfit edge from any other
 * writer. The same holds for the `metric_latest` triggers, whose work two
 * statements over the batch's rows do (100,000 assets: 17,000 items a
 * second with them, the rate without them once they are replaced), and
 * for `usage_stale_edge_added`, whose work one statement does: the ends of
 * the batch's relations are noted stale while any usage count is cached.
 */
export class SqliteBulkImport {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(
    private readonly db: Database,
    private readonly catalogue: Catalogue,
  ) {
    this.statements = prepareStatements(db);
  }

  importBulk(batch: BulkBatch, now: string): BulkCount {
    this.checkEnds(batch.edges);
    return this.db.transaction(() => {
      const triggers = BULK_TRIGGERS.flatMap((name) => {
        const sql = this.statements.triggerSql.get(name) as string | undefined;
        if (sql) this.db.exec(`DROP TRIGGER ${name}`);
        return sql ? [sql] : [];
      });
      const lastAsset = this.statements.lastAsset.get() as number;
      this.insertAssets(batch.assets, now);
      this.checkKinds(lastAsset);
      const lastEdge = this.statements.lastEdge.get() as number;
      this.insertEdges(batch.edges, now);
      this.statements.latestOfNewPerformances.run(lastAsset);
      this.statements.latestOfNewRuns.run(lastEdge);
      this.recordChanges(batch, now, lastAsset, lastEdge);
      this.statements.staleEnds.run(lastEdge, lastEdge);
      for (const sql of triggers) this.db.exec(sql);
      return { assets: batch.assets.length, edges: batch.edges.length };
    }).immediate();
  }

  /** The batch's changes, as one unit of work: a CREATE per asset, then a LINK per relation, in batch order. */
  private recordChanges(batch: BulkBatch, now: string, lastAsset: number, lastEdge: number): void {
    const { changes } = this.statements;
    const lastAt = (this.statements.lastChangeAt.get() as string | undefined) ?? null;
    const tx = String((changes.lastSequence.get() as number) + 1);
    const stamp = { at: unitInstant(now, lastAt), actor: batch.actor ?? UNKNOWN_ACTOR, source: IMPORT_SOURCE, tx };
    if (batch.assets.length > 0) changes.created.run({ ...stamp, after: lastAsset });
    if (batch.edges.length === 0) return;
    const beforeLinks = changes.lastSequence.get() as number;
    changes.linked.run({ ...stamp, after: lastEdge });
    changes.spans.run(beforeLinks);
  }

  /** Refuses the batch when one of its assets (rowids after `lastAsset`) is of a kind the catalogue lacks. */
  private checkKinds(lastAsset: number): void {
    const unknown = this.statements.unknownKind.get(lastAsset) as { id: string; kind: string } | undefined;
    if (unknown) throw new Error(`The bulk batch holds "${unknown.id}" of the undeclared kind ${unknown.kind}`);
  }

  private insertAssets(assets: readonly AssetContent[], now: string): void {
    const { insertAsset } = this.statements;
    assets.forEach((content, i) => {
      try {
        insertAsset.run(rowValues(toRow(content, now, now)));
      } catch (error) {
        throw this.diagnoseAsset(error, content, ['assets', i]);
      }
    });
  }

  private insertEdges(edges: readonly EdgeRecord[], now: string): void {
    const { insertEdge } = this.statements;
    edges.forEach((edge, i) => {
      try {
        insertEdge.run(edge.from, edge.relation, edge.to, now);
      } catch (error) {
        throw this.diagnoseEdge(error, edge, ['edges', i]);
      }
    });
  }

  /**
   * Refuses the batch, before anything is written, when what the ids of a
   * relation's ends tell breaks the domain's `checkEdge` (distinct ends, of
   * kinds the relation joins), as the ArangoDB engine does: an id names its
   * kind, so this needs no read. Whether the ends exist, the foreign keys
   * check as the relations are inserted.
   */
  private checkEnds(edges: readonly EdgeRecord[]): void {
    const kindOf = (id: string) => tryParseId(id, this.catalogue)?.kind ?? null;
    edges.forEach((edge, i) => checkEdge(this.catalogue, edge, kindOf(edge.from), kindOf(edge.to), ['edges', i]));
  }

  private diagnoseAsset(error: unknown, content: AssetContent, field: FieldPath): unknown {
    if (!(error instanceof SqliteError)) return error;
    if (this.statements.exists.get(content.id)) return conflict(`"${content.id}" already exists`, field);
    const taken = isNamedKind(this.catalogue, content.kind) ? this.statements.nameHolder(content) : undefined;
    return taken ? nameTaken(this.catalogue, content, taken, field) : error;
  }

  private diagnoseEdge(error: unknown, edge: EdgeRecord, field: FieldPath): unknown {
    if (!(error instanceof SqliteError)) return error;
    if (edge.from === edge.to) checkEdge(this.catalogue, edge, null, null, field);
    for (const id of [edge.from, edge.to]) {
      if (!this.statements.exists.get(id)) return notFound(id, field);
    }
    if (error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
      return conflict(`The ${edge.relation} relation ${edge.from} → ${edge.to} already exists`, field);
    }
    return error;
  }
}

function prepareStatements(db: Database) {
  return {
    changes: bulkChangeStatements(db),
    lastChangeAt: db.prepare(`/* lastChangeAt */ SELECT at FROM changes ORDER BY sequence DESC LIMIT 1`).pluck(),
    insertAsset: db.prepare(`/* importAsset */ INSERT INTO assets (${ASSET_COLUMNS})
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertEdge: db.prepare(`/* importEdge */ INSERT INTO edges (from_id, relation, to_id, created_at)
      VALUES (?, ?, ?, ?)`),
    exists: db.prepare(`/* assetExists */ SELECT 1 FROM assets WHERE id = ?`).pluck(),
    nameHolder: nameHolder(db),
    triggerSql: db.prepare(`/* triggerSql */ SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?`).pluck(),
    lastEdge: db.prepare(`/* lastEdge */ SELECT ifnull(max(rowid), 0) FROM edges`).pluck(),
    lastAsset: db.prepare(`/* lastAsset */ SELECT ifnull(max(rowid), 0) FROM assets`).pluck(),
    // What the metric_latest triggers do for each row, once for the batch: the batch's performances,
    // with their runs, then the performances stored before that the batch's run_devperf relations give a run.
    // (Inserting each performance's metrics from the batch's values instead, one call a metric, took half
    // as long again: 36,000 calls cost more than parsing the rows back.)
    latestOfNewPerformances: db.prepare(`/* importMetricLatest */
      INSERT INTO metric_latest (devperf_id, name, value, run_id)
      SELECT a.id, m.key, m.value,
        (SELECT e.from_id FROM edges e WHERE e.to_id = a.id AND e.relation = 'run_devperf' ORDER BY e.rowid LIMIT 1)
      FROM assets a, json_each(a.fields, '$.metrics') m
      WHERE a.rowid > ? AND a.kind = 'DEV_PERF' AND m.type IN ('integer', 'real')`),
    latestOfNewRuns: db.prepare(`/* importMetricLatestRuns */
      UPDATE metric_latest
      SET run_id = (SELECT e.from_id FROM edges e WHERE e.to_id = metric_latest.devperf_id AND e.relation = 'run_devperf' ORDER BY e.rowid LIMIT 1)
      WHERE run_id IS NULL AND devperf_id IN (SELECT to_id FROM edges WHERE rowid > ? AND relation = 'run_devperf')`),
    staleEnds: db.prepare(`/* importUsageStale */
      INSERT OR IGNORE INTO usage_stale (id)
      SELECT from_id FROM edges WHERE rowid > ? AND EXISTS (SELECT 1 FROM asset_usage)
      UNION SELECT to_id FROM edges WHERE rowid > ? AND EXISTS (SELECT 1 FROM asset_usage)`),
    unknownKind: db.prepare(`/* importUnknownKind */
      SELECT a.id, a.kind FROM assets a WHERE a.rowid > ? AND a.kind NOT IN (SELECT kind FROM kinds) LIMIT 1`),
  };
}
