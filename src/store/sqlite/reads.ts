import type { Database } from 'better-sqlite3';
import { ownerChain, type Catalogue } from '../../domain/catalogue.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Lineage, TraverseRequest } from '../../domain/lineage.js';
import type { EdgeDirection, EdgeRecord, LineageDirection, RelationName } from '../../domain/relations.js';
import type { MetricPoint } from '../../domain/runs.js';
import {
  requirePresent,
  type AssetPage,
  type ListQuery,
  type NeighborRequest,
  type RankPage,
  type RankQuery,
  type SeriesRequest,
} from '../store.js';
import { ASSET_COLUMNS, escapeLike, prefixed, toRecord, type AssetRow } from './rows.js';
import { ownedBySql, ownersSql, SCOPE_CTE, visibleSql } from './owners.js';
import { projectUpstreamCte } from './lineage-sets.js';
import { rankRunsSql } from './ranking.js';
import { breadthFirst } from './traverse.js';
import { SqliteAsOf } from './as-of.js';
import { StatementCache } from './statement-cache.js';

/**
 * The SQLite engine's reads. Ids travel as one JSON array bound to
 * `json_each`, so the statements a read makes do not grow with its batch:
 * `getAssets` is one statement, `neighbors` one per distinct (relation,
 * direction) in the batch, and `traverse` a few per level of each lineage.
 * Every statement opens with a comment naming it.
 */
export class SqliteReads {
  private readonly statements: StatementCache;
  private readonly lineageRelationList: string;
  /** Reads as of an instant (as-of.ts). */
  private readonly past: SqliteAsOf;

  constructor(
    private readonly db: Database,
    private readonly catalogue: Catalogue,
  ) {
    this.statements = new StatementCache(db);
    this.lineageRelationList = JSON.stringify(catalogue.lineageRelations.map((r): RelationName => r.name));
    this.past = new SqliteAsOf(catalogue, (sql) => this.statements.prepare(sql));
  }

  /**
   * The requests of a batch grouped by instant, each group answered by
   * `present` (null) or `past` (its sequence), and the answers put back in
   * request order. A batch from one session's loaders holds one instant.
   */
  private byInstant<Q extends { asOf: string | null }, A>(
    requests: readonly Q[],
    present: (group: Q[]) => A[],
    past: (group: Q[], seq: number) => A[],
  ): A[] {
    const groups = new Map<string | null, number[]>();
    requests.forEach((request, i) => groups.set(request.asOf, [...(groups.get(request.asOf) ?? []), i]));
    const answers = new Array<A>(requests.length);
    for (const [asOf, indexes] of groups) {
      const group = indexes.flatMap((i) => requests[i] ?? []);
      const answered = asOf === null ? present(group) : past(group, this.past.sequenceAt(asOf));
      indexes.forEach((request, j) => (answers[request] = answered[j] as A));
    }
    return answers;
  }

  /** One indexed range read per request, on (devperf_id, name, at, step, seq); as of T, the points at or before T. */
  metricSeries(requests: readonly SeriesRequest[]): MetricPoint[][] {
    const statement = this.statements.prepare(`/* metricSeries */ SELECT at, value, step FROM metric_points
      WHERE devperf_id = ? AND name = ? AND at <= ? ORDER BY at, step, seq`);
    // Every canonical instant sorts before this one.
    return requests.map((request) => statement.all(request.devPerf, request.name, request.asOf ?? '~') as MetricPoint[]);
  }

  getAssets(ids: readonly string[], asOf: string | null = null): (AssetRecord | null)[] {
    if (asOf !== null) return this.past.getAssets(ids, this.past.sequenceAt(asOf));
    const rows = this.statements.prepare(
      `/* getAssets */ SELECT ${ASSET_COLUMNS} FROM assets WHERE id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids)) as AssetRow[];
    const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * One statement per distinct (relation, direction) among the requests,
   * each over a flat JSON array of ids: cheaper than one statement over
   * `[id, relation, direction]` triples, which parses every triple once per
   * column it reads.
   */
  neighbors(requests: readonly NeighborRequest[]): AssetRecord[][] {
    return this.byInstant(requests, (group) => this.presentNeighbors(group), (group, seq) => this.past.neighbors(group, seq));
  }

  private presentNeighbors(requests: readonly NeighborRequest[]): AssetRecord[][] {
    const answers: AssetRecord[][] = requests.map(() => []);
    const groups = new Map<string, { relation: RelationName; direction: EdgeDirection; requests: number[] }>();
    requests.forEach((request, i) => {
      const key = `${request.direction} ${request.relation}`;
      const group = groups.get(key);
      if (group) group.requests.push(i);
      else groups.set(key, { relation: request.relation, direction: request.direction, requests: [i] });
    });
    for (const { relation, direction, requests: indexes } of groups.values()) {
      const [near, far] = direction === 'OUT' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
      const ids = JSON.stringify(indexes.map((i) => requests[i]?.id));
      const rows = this.statements.prepare(`/* neighbors${direction} */
        SELECT r.key AS request, ${prefixed('a')}
        FROM json_each(?) r
        JOIN edges e ON e.${near} = r.value AND e.relation = ?
        JOIN assets a ON a.id = e.${far}
        ORDER BY r.key, e.rowid`).all(ids, relation) as (AssetRow & { request: number })[];
      for (const row of rows) {
        const request = indexes[row.request];
        if (request !== undefined) answers[request]?.push(toRecord(row));
      }
    }
    return answers;
  }

  /** One statement for the whole batch (owners.ts). */
  owners(ids: readonly string[], asOf: string | null = null): string[][] {
    if (asOf !== null) return this.past.owners(ids, this.past.sequenceAt(asOf));
    const answers: string[][] = ids.map(() => []);
    if (ids.length === 0) return answers;
    const rows = this.statements.prepare(ownersSql(this.catalogue)).all(JSON.stringify(ids)) as { request: number; owner: string }[];
    for (const row of rows) answers[row.request]?.push(row.owner);
    return answers;
  }

  /** The ids among `ids` of assets a viewer scoped to `scope` may see, in order. */
  private visibleIds(ids: readonly string[], scope: readonly string[]): string[] {
    const visible = new Set(
      this.statements.prepare(`/* visibleAssets */ WITH ${SCOPE_CTE}
        SELECT a.id FROM assets a
        WHERE a.id IN (SELECT value FROM json_each(?)) AND ${visibleSql(this.catalogue, 'a')}`)
        .pluck()
        .all(JSON.stringify(scope), JSON.stringify(ids)) as string[],
    );
    return ids.filter((id) => visible.has(id));
  }

  traverse(requests: readonly TraverseRequest[]): Lineage[] {
    return this.byInstant(
      requests,
      (group) => group.map((request) => this.lineage(request)),
      (group, seq) => group.map((request) => this.past.traverse(request, seq)),
    );
  }

  private lineage(request: TraverseRequest): Lineage {
    const step = this.statements.prepare(lineageStepSql(this.catalogue, request.direction)).pluck();
    const present = this.statements.prepare(
      '/* presentAssets */ SELECT id FROM assets WHERE id IN (SELECT value FROM json_each(?))',
    ).pluck();
    const reached = breadthFirst(
      request.start,
      request,
      this.catalogue,
      (frontier) => {
        const ids = JSON.stringify(frontier);
        return step.all(ids, ids) as string[];
      },
      (ids) => present.all(JSON.stringify(ids)) as string[],
      request.scope === null ? null : (ids) => this.visibleIds(ids, request.scope ?? []),
    );

    const ids = [...reached.degrees.keys()];
    const assets = this.getAssets(ids);
    const nodes = assets.flatMap((asset) =>
      asset ? [{ asset, degree: reached.degrees.get(asset.id) ?? 0 }] : [],
    );
    return { nodes, edges: this.edgesAmong([request.start, ...ids]), truncated: reached.truncated };
  }

  /**
   * The lineage relations whose two ends are both among `ids`: one range of
   * the (from_id, relation, to_id) index per asset, filtered by membership
   * in ephemeral indexes built from the two `IN` lists. The unary `+` keeps
   * the planner from seeking every (from, relation, to) combination, and a
   * join with `json_each` would scan the list for every candidate edge: both
   * are quadratic in the lineage's size (10,000 assets: 11.6 s before, 45 s
   * with the seeks).
   */
  private edgesAmong(ids: readonly string[]): EdgeRecord[] {
    const set = JSON.stringify(ids);
    return this.statements.prepare(`/* lineageEdges */
      SELECT e.relation, e.from_id AS "from", e.to_id AS "to"
      FROM edges e
      WHERE e.from_id IN (SELECT value FROM json_each(?))
        AND +e.relation IN (SELECT value FROM json_each(?))
        AND +e.to_id IN (SELECT value FROM json_each(?))
      ORDER BY e.from_id, e.relation, e.to_id`).all(set, this.lineageRelationList, set) as EdgeRecord[];
  }

  listAssets(query: ListQuery): AssetPage {
    if (query.asOf !== null) return this.past.listAssets(query, this.past.sequenceAt(query.asOf));
    const ctes: string[] = [];
    const cteParams: unknown[] = [];
    const where: string[] = [];
    const params: unknown[] = [];
    const clause = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      params.push(...values);
    };
    // The scope is bound first: its CTE opens the statement.
    if (query.scope !== null) {
      ctes.push(SCOPE_CTE);
      cteParams.push(JSON.stringify(query.scope));
      clause(visibleSql(this.catalogue, 'a'));
    }
    if (query.kind) clause('a.kind = ?', query.kind);
    if (query.nameContains) clause(`a.name LIKE ? ESCAPE '\\'`, `%${escapeLike(query.nameContains)}%`);
    if (query.tag !== null) clause('a.tag = ?', query.tag);
    if (query.environment !== null) {
      clause(`a.kind = 'DEPLOYMENT' AND json_extract(a.fields, '$.environment') = ?`, query.environment);
    }
    if (query.createdAfter) clause('a.created_at >= ?', query.createdAfter);
    if (query.createdBefore) clause('a.created_at < ?', query.createdBefore);
    if (query.project) {
      const shared = query.kind === null || ownerChain(this.catalogue, query.kind) === 'shared';
      ctes.push('project(value) AS (SELECT ?)');
      cteParams.push(query.project);
      if (shared) {
        ctes.push(projectUpstreamCte(this.catalogue));
        cteParams.push(query.project);
      }
      clause(ownedBySql(this.catalogue, 'a', 'project', shared ? 'a.id IN (SELECT id FROM project_upstream)' : '0'));
    }
    if (query.after) clause('(a.created_at, a.id) > (?, ?)', query.after.createdAt, query.after.id);
    const sql = `/* listAssets */ ${ctes.length > 0 ? `WITH RECURSIVE ${ctes.join(', ')} ` : ''}SELECT ${prefixed('a')} FROM assets a
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY a.created_at, a.id LIMIT ?`;
    const rows = this.statements.prepare(sql).all(...cteParams, ...params, query.first + 1) as AssetRow[];
    const assets = rows.slice(0, query.first).map(toRecord);
    return {
      assets,
      positions: assets.map(({ createdAt, id }) => ({ createdAt, id })),
      hasNextPage: rows.length > query.first,
    };
  }

  /** One statement (ranking.ts). */
  rankRuns(query: RankQuery): RankPage {
    requirePresent(query.asOf);
    const { sql, params } = rankRunsSql(this.catalogue, query);
    const rows = this.statements.prepare(sql).all(...params) as (AssetRow & { metric_value: number })[];
    return {
      runs: rows.slice(0, query.first).map((row) => ({ run: toRecord(row), value: row.metric_value })),
      hasNextPage: rows.length > query.first,
    };
  }
}

/**
 * One level of a traversal: the ids one lineage step away from a frontier
 * (a JSON array), in both stored directions. Where a direction holds most
 * lineage relations, each asset's edges are read as one range of the index
 * and filtered (the unary `+` keeps the planner from one seek per relation);
 * where it holds few, one seek per relation skips the many edges of other
 * relations (a dataset's thousands of runs, when going upstream).
 */
function lineageStepSql(catalogue: Catalogue, direction: LineageDirection): string {
  const steps = catalogue.lineageSteps(direction);
  const half = (stored: EdgeDirection) => {
    const relations = steps.filter((s) => s.direction === stored).map((s) => `'${s.relation}'`);
    const [near, far] = stored === 'OUT' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
    const relation = relations.length * 2 > steps.length ? '+e.relation' : 'e.relation';
    return `SELECT e.${far} AS id FROM json_each(?) f
      JOIN edges e ON e.${near} = f.value AND ${relation} IN (${relations.join(', ')})`;
  };
  return `/* lineageStep */ ${half('OUT')} UNION ALL ${half('IN')}`;
}
