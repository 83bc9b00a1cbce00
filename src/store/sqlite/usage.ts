import type { Database } from 'better-sqlite3';
import type { Catalogue } from '../../domain/catalogue.js';
import type { AssetKind } from '../../domain/kinds.js';
import type { EdgeDirection } from '../../domain/relations.js';
import { NO_USAGE, USAGE_KINDS, type Usage } from '../../domain/reuse.js';
import { requirePresent, type UsagePage, type UsageRankQuery, type UsageRequest } from '../store.js';
import { lineageCte } from './lineage-sets.js';
import { SCOPE_CTE, visibleSql } from './owners.js';
import { ASSET_COLUMNS, toRecord, type AssetRow } from './rows.js';
import { StatementCache } from './statement-cache.js';
import { countDownstream, downstreamGraph, USAGE_SLOTS, type DownstreamGraph } from '../usage-walk.js';

/**
 * Usage counts on SQLite (Store.usage, Store.rankUsage), cached in
 * `asset_usage` (migration 7) per scope and filled on demand:
 *
 * - a batch of assets is counted by one recursive statement, a walk of the
 *   whole downstream lineage of each (`UNION` visits each asset once per
 *   start), its counts taken from the ids' collections;
 * - a ranking first counts every asset of the kind that has no count yet.
 *   Many at once are counted in memory from the lineage relations, read
 *   once: a walk from each asset stops at the assets of the kind already
 *   counted in this pass, whose sets of counted assets it merges instead,
 *   so a chain of versions is walked once rather than once per version
 *   (the 13,231 datasets of the 1M benchmark graph: 88 s as one walk
 *   each, see docs/analytics.md);
 * - before any count is read, what the triggers noted stale is dropped:
 *   the cached counts of those assets and of everything upstream of them
 *   for an unscoped reader, every scoped count (a relation may change who
 *   owns what, so what a scope may see), or every count when many
 *   relations changed (a bulk import).
 */

/** More stale ends than this drop every cached count rather than walk their upstream. */
const STALE_WALK_LIMIT = 1_000;
/** Fewer missing counts than this are counted by the recursive statement, in batches of this size. */
const STATEMENT_BATCH = 200;

type Counted = keyof Usage;

export class SqliteUsage {
  private readonly statements: StatementCache;
  /** Each counted kind's collection prefix (`run/`), for counting by id without reading the asset. */
  private readonly prefixes: { kind: AssetKind; member: Counted; prefix: string }[];

  constructor(
    private readonly db: Database,
    private readonly catalogue: Catalogue,
  ) {
    this.statements = new StatementCache(db);
    this.prefixes = Object.entries(USAGE_KINDS).flatMap(([kind, member]) => {
      const spec = catalogue.kinds.find((candidate) => candidate.kind === kind);
      return spec ? [{ kind: spec.kind, member, prefix: `${spec.collection}/` }] : [];
    });
  }


  usage(requests: readonly UsageRequest[]): Usage[] {
    for (const request of requests) requirePresent(request.asOf);
    return this.db.transaction(() => {
      this.settleStale();
      const answers = new Map<string, Usage>();
      const byScope = new Map<string, { scope: readonly string[] | null; ids: Set<string> }>();
      for (const request of requests) {
        const key = scopeKey(request.scope);
        const group = byScope.get(key) ?? { scope: request.scope, ids: new Set<string>() };
        group.ids.add(request.id);
        byScope.set(key, group);
      }
      for (const [key, { scope, ids }] of byScope) {
        for (const [id, usage] of this.cachedOrCounted(key, scope, [...ids])) answers.set(`${key}\n${id}`, usage);
      }
      return requests.map((request) => answers.get(`${scopeKey(request.scope)}\n${request.id}`) ?? { ...NO_USAGE });
    }).immediate();
  }

  rankUsage(query: UsageRankQuery): UsagePage {
    requirePresent(query.asOf);
    return this.db.transaction(() => {
      this.settleStale();
      const key = scopeKey(query.scope);
      this.fillKind(key, query.scope, query.kind);
      const after = query.after;
      const rows = this.statements.prepare(`/* rankUsage */ SELECT ${columns('a')}, u.runs AS usage_runs, u.models AS usage_models,
          u.deployments AS usage_deployments
        FROM asset_usage u JOIN assets a ON a.id = u.asset_id
        WHERE u.scope = ? AND u.kind = ? AND u.models >= ?
          ${after ? 'AND (u.models < ? OR (u.models = ? AND u.asset_id > ?))' : ''}
        ORDER BY u.models DESC, u.asset_id LIMIT ?`).all(
        key,
        query.kind,
        query.minModels,
        ...(after ? [after.models, after.models, after.id] : []),
        query.first + 1,
      ) as (AssetRow & { usage_runs: number; usage_models: number; usage_deployments: number })[];
      return {
        entries: rows.slice(0, query.first).map((row) => ({
          asset: toRecord(row),
          usage: { runs: row.usage_runs, models: row.usage_models, deployments: row.usage_deployments },
        })),
        hasNextPage: rows.length > query.first,
      };
    }).immediate();
  }

  /** Drops the cached counts that the relations noted in `usage_stale` may have changed. */
  private settleStale(): void {
    const stale = this.statements.prepare('/* usageStaleCount */ SELECT count(*) FROM usage_stale').pluck().get() as number;
    if (stale === 0) return;
    if (stale > STALE_WALK_LIMIT) {
      this.statements.prepare('/* usageDropAll */ DELETE FROM asset_usage').run();
    } else {
      this.statements.prepare(`/* usageDropScoped */ DELETE FROM asset_usage WHERE scope <> ''`).run();
      this.statements.prepare(`/* usageDropUpstream */ WITH RECURSIVE ${lineageCte(this.catalogue, 'stale_up', 'UPSTREAM', 'SELECT id FROM usage_stale')}
        DELETE FROM asset_usage WHERE scope = '' AND asset_id IN (SELECT id FROM stale_up)`).run();
    }
    this.statements.prepare('/* usageStaleClear */ DELETE FROM usage_stale').run();
  }

  /** The counts of `ids` for the scope: cached, or counted now and cached (existing assets only). */
  private cachedOrCounted(key: string, scope: readonly string[] | null, ids: string[]): Map<string, Usage> {
    const found = new Map<string, Usage>();
    const rows = this.statements.prepare(`/* usageCached */ SELECT asset_id AS id, runs, models, deployments FROM asset_usage
      WHERE scope = ? AND asset_id IN (SELECT value FROM json_each(?))`).all(key, JSON.stringify(ids)) as (Usage & { id: string })[];
    for (const { id, ...usage } of rows) found.set(id, usage);
    const missing = this.statements.prepare(`/* usageMissing */ SELECT id, kind FROM assets
      WHERE id IN (SELECT value FROM json_each(?)) AND id NOT IN (SELECT value FROM json_each(?))`).all(
      JSON.stringify(ids),
      JSON.stringify([...found.keys()]),
    ) as { id: string; kind: AssetKind }[];
    for (const [id, usage] of this.countByStatement(key, scope, missing)) found.set(id, usage);
    return found;
  }

  /** Counts every asset of `kind` the scope may see that has no cached count yet. */
  private fillKind(key: string, scope: readonly string[] | null, kind: AssetKind): void {
    // Unscoped, as many counts as assets of the kind means none is missing (a count goes with its
    // asset, and no asset changes kind): two index counts instead of a lookup per asset.
    if (scope === null) {
      const assets = this.statements.prepare('/* usageKindSize */ SELECT count(*) FROM assets WHERE kind = ?').pluck().get(kind) as number;
      const counted = this.statements.prepare(`/* usageKindCounted */ SELECT count(*) FROM asset_usage WHERE scope = '' AND kind = ?`).pluck().get(kind) as number;
      if (assets === counted) return;
    }
    const missing = this.statements.prepare(`/* usageUncounted */ ${scope === null ? '' : `WITH ${SCOPE_CTE}`}
      SELECT a.id, a.kind, a.rowid AS rowid FROM assets a
      WHERE a.kind = ? ${scope === null ? '' : `AND ${visibleSql(this.catalogue, 'a')}`}
        AND NOT EXISTS (SELECT 1 FROM asset_usage u WHERE u.scope = ? AND u.asset_id = a.id)
      ORDER BY a.created_at DESC, a.id DESC`).all(...(scope === null ? [] : [JSON.stringify(scope)]), kind, key) as {
      id: string;
      kind: AssetKind;
      rowid: number;
    }[];
    if (missing.length === 0) return;
    if (missing.length <= STATEMENT_BATCH) this.countByStatement(key, scope, missing);
    else this.countInMemory(key, scope, missing);
  }

  /** Counts `assets` with the recursive statement, in batches, and caches the counts. */
  private countByStatement(key: string, scope: readonly string[] | null, assets: readonly { id: string; kind: AssetKind }[]): Map<string, Usage> {
    const counted = new Map<string, Usage>();
    for (let i = 0; i < assets.length; i += STATEMENT_BATCH) {
      const batch = assets.slice(i, i + STATEMENT_BATCH);
      const rows = this.statements.prepare(this.countSql(scope !== null)).all(
        ...(scope === null ? [] : [JSON.stringify(scope)]),
        JSON.stringify(batch.map((asset) => asset.id)),
      ) as (Usage & { id: string })[];
      for (const { id, ...usage } of rows) counted.set(id, usage);
      for (const asset of batch) {
        const usage = counted.get(asset.id) ?? { ...NO_USAGE };
        counted.set(asset.id, usage);
        this.store(key, asset.id, asset.kind, usage);
      }
    }
    return counted;
  }

  /**
   * `/* usage *\/`: one row per start that has anything counted downstream:
   * (id, runs, models, deployments). Unscoped, the kind is read from the
   * id's collection; scoped, each counted asset is read for its visibility.
   */
  private countSql(scoped: boolean): string {
    const seed = 'SELECT value, value FROM json_each(?)';
    const steps = this.catalogue.lineageSteps('DOWNSTREAM');
    const half = (stored: EdgeDirection): string[] => {
      const relations = steps.filter((s) => s.direction === stored).map((s) => `'${s.relation}'`);
      if (relations.length === 0) return [];
      const [near, far] = stored === 'OUT' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
      return [`SELECT d.seed, e.${far} FROM down d JOIN edges e ON e.${near} = d.id AND e.relation IN (${relations.join(', ')})`];
    };
    const inCollection = (prefix: string) => `(d.id >= '${prefix}' AND d.id < '${prefix.slice(0, -1)}0')`;
    const sums = this.prefixes.map(({ member, prefix }) => `sum(${inCollection(prefix)}) AS ${member}`);
    const counted = this.prefixes.map(({ prefix }) => inCollection(prefix)).join(' OR ');
    const members = (['runs', 'models', 'deployments'] as const).map((member) =>
      this.prefixes.some((p) => p.member === member) ? '' : `, 0 AS ${member}`,
    );
    return `/* usage */ WITH RECURSIVE ${scoped ? `${SCOPE_CTE}, ` : ''}down(seed, id) AS (${[seed, ...half('OUT'), ...half('IN')].join(' UNION ')})
      SELECT d.seed AS id${sums.length > 0 ? `, ${sums.join(', ')}` : ''}${members.join('')}
      FROM down d ${scoped ? 'JOIN assets a ON a.id = d.id' : ''}
      WHERE d.id <> d.seed AND (${counted || '0'}) ${scoped ? `AND ${visibleSql(this.catalogue, 'a')}` : ''}
      GROUP BY d.seed`;
  }

  /**
   * Counts many assets of one kind in memory (see the file's comment): the
   * downstream steps of every lineage relation as adjacency lists over
   * rowids, which counted kind each rowid is (and whether the scope may see
   * it), then the shared walk (../usage-walk.ts) from each asset, newest first.
   */
  private countInMemory(key: string, scope: readonly string[] | null, assets: readonly { id: string; kind: AssetKind; rowid: number }[]): void {
    const size = (this.statements.prepare('/* usageMaxRowid */ SELECT ifnull(max(rowid), 0) FROM assets').pluck().get() as number) + 1;
    const graph = this.lineageGraph(size);
    const member = new Uint8Array(size);
    const kinds = this.prefixes.map((p) => `'${p.kind}'`).join(', ') || 'NULL';
    const countedRows = this.statements.prepare(`/* usageCountedAssets */ ${scope === null ? '' : `WITH ${SCOPE_CTE}`}
      SELECT a.rowid, a.kind FROM assets a WHERE a.kind IN (${kinds}) ${scope === null ? '' : `AND ${visibleSql(this.catalogue, 'a')}`}`)
      .raw()
      .iterate(...(scope === null ? [] : [JSON.stringify(scope)])) as Iterable<[number, AssetKind]>;
    for (const [rowid, kind] of countedRows) {
      const slot = this.prefixes.find((p) => p.kind === kind)?.member;
      if (slot !== undefined) member[rowid] = USAGE_SLOTS.indexOf(slot) + 1;
    }

    const byRowid = new Map(assets.map((asset) => [asset.rowid, asset]));
    countDownstream(graph, member, assets.map((asset) => asset.rowid), (rowid, usage) => {
      const asset = byRowid.get(rowid);
      if (asset) this.store(key, asset.id, asset.kind, usage);
    });
  }

  /** Every lineage relation as a downstream step between rowids, in compressed rows (`start[n]..start[n+1]`). */
  private lineageGraph(size: number): DownstreamGraph {
    const steps = this.catalogue.lineageSteps('DOWNSTREAM');
    const outward = steps.filter((s) => s.direction === 'OUT').map((s) => `'${s.relation}'`).join(', ') || 'NULL';
    const rows = this.statements.prepare(`/* usageLineageEdges */
      SELECT f.rowid, t.rowid, e.relation IN (${outward}) FROM edges e
      JOIN assets f ON f.id = e.from_id JOIN assets t ON t.id = e.to_id
      WHERE e.relation IN (${steps.map((s) => `'${s.relation}'`).join(', ') || 'NULL'})`)
      .raw()
      .all() as [number, number, number][];
    const near = new Int32Array(rows.length);
    const far = new Int32Array(rows.length);
    rows.forEach(([from, to, out], i) => {
      near[i] = out ? from : to;
      far[i] = out ? to : from;
    });
    return downstreamGraph(size, near, far);
  }

  private store(key: string, id: string, kind: AssetKind, usage: Usage): void {
    this.statements.prepare(`/* usageCache */ INSERT OR REPLACE INTO asset_usage (scope, asset_id, kind, runs, models, deployments)
      VALUES (?, ?, ?, ?, ?, ?)`).run(key, id, kind, usage.runs, usage.models, usage.deployments);
  }
}

/** The cache's name for a scope: `''` for none, else its projects sorted, as JSON. */
function scopeKey(scope: readonly string[] | null): string {
  return scope === null ? '' : JSON.stringify([...scope].sort());
}

function columns(alias: string): string {
  return ASSET_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}
