import type { Database, Statement } from 'better-sqlite3';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Lineage, TraverseRequest } from '../../domain/lineage.js';
import { LINEAGE_RELATIONS, lineageSteps, type EdgeRecord, type RelationName } from '../../domain/relations.js';
import type { AssetPage, ListQuery, NeighborRequest } from '../store.js';
import { ASSET_COLUMNS, toRecord, type AssetRow } from './rows.js';
import { breadthFirst } from './traverse.js';

/**
 * The SQLite engine's reads. Batches travel as one JSON array bound to
 * `json_each`, so a batch of any size is one statement; every statement opens
 * with a comment naming it.
 */
export class SqliteReads {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  /** Prepares each distinct SQL text once. */
  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  getAssets(ids: readonly string[]): (AssetRecord | null)[] {
    const rows = this.prepare(
      `/* getAssets */ SELECT ${ASSET_COLUMNS} FROM assets WHERE id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids)) as AssetRow[];
    const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  neighbors(requests: readonly NeighborRequest[]): AssetRecord[][] {
    const answers: AssetRecord[][] = requests.map(() => []);
    const batch = JSON.stringify(requests.map((r) => [r.id, r.relation, r.direction]));
    const rows = this.prepare(`/* neighbors */
      SELECT r.key AS request, e.rowid AS edge_seq, ${prefixed('a')}
      FROM json_each(?) r
      JOIN edges e ON r.value ->> 2 = 'OUT' AND e.from_id = r.value ->> 0 AND e.relation = r.value ->> 1
      JOIN assets a ON a.id = e.to_id
      UNION ALL
      SELECT r.key AS request, e.rowid AS edge_seq, ${prefixed('a')}
      FROM json_each(?) r
      JOIN edges e ON r.value ->> 2 = 'IN' AND e.to_id = r.value ->> 0 AND e.relation = r.value ->> 1
      JOIN assets a ON a.id = e.from_id
      ORDER BY request, edge_seq`).all(batch, batch) as (AssetRow & { request: number })[];
    for (const row of rows) answers[row.request]?.push(toRecord(row));
    return answers;
  }

  traverse(requests: readonly TraverseRequest[]): Lineage[] {
    return requests.map((request) => this.lineage(request));
  }

  private lineage(request: TraverseRequest): Lineage {
    const steps = lineageSteps(request.direction);
    const outRelations = JSON.stringify(steps.filter((s) => s.direction === 'OUT').map((s) => s.relation));
    const inRelations = JSON.stringify(steps.filter((s) => s.direction === 'IN').map((s) => s.relation));
    const step = this.prepare(`/* lineageStep */
      SELECT e.to_id AS id FROM json_each(?) f
      JOIN edges e ON e.from_id = f.value AND e.relation IN (SELECT value FROM json_each(?))
      UNION ALL
      SELECT e.from_id AS id FROM json_each(?) f
      JOIN edges e ON e.to_id = f.value AND e.relation IN (SELECT value FROM json_each(?))`).pluck();

    const reached = breadthFirst(request.start, request, (frontier) => {
      const ids = JSON.stringify(frontier);
      return step.iterate(ids, outRelations, ids, inRelations) as Iterable<string>;
    });

    const ids = [...reached.degrees.keys()];
    const assets = this.getAssets(ids);
    const nodes = assets.flatMap((asset) =>
      asset ? [{ asset, degree: reached.degrees.get(asset.id) ?? 0 }] : [],
    );
    return { nodes, edges: this.edgesAmong([request.start, ...ids]), truncated: reached.truncated };
  }

  /** The lineage relations whose two ends are both among `ids`. */
  private edgesAmong(ids: readonly string[]): EdgeRecord[] {
    const set = JSON.stringify(ids);
    return this.prepare(`/* lineageEdges */
      SELECT e.relation, e.from_id AS "from", e.to_id AS "to"
      FROM json_each(?) f
      JOIN edges e ON e.from_id = f.value
      WHERE e.relation IN (SELECT value FROM json_each(?))
        AND e.to_id IN (SELECT value FROM json_each(?))
      ORDER BY e.from_id, e.relation, e.to_id`).all(set, LINEAGE_RELATION_LIST, set) as EdgeRecord[];
  }

  listAssets(query: ListQuery): AssetPage {
    const where: string[] = [];
    const params: unknown[] = [];
    const clause = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      params.push(...values);
    };
    if (query.kind) clause('a.kind = ?', query.kind);
    if (query.nameContains) clause(`a.name LIKE ? ESCAPE '\\'`, `%${escapeLike(query.nameContains)}%`);
    if (query.tag !== null) clause('a.tag = ?', query.tag);
    if (query.createdAfter) clause('a.created_at >= ?', query.createdAfter);
    if (query.createdBefore) clause('a.created_at < ?', query.createdBefore);
    if (query.project) {
      clause(`a.id IN (SELECT to_id FROM edges WHERE from_id = ? AND relation = 'project_models')`, query.project);
    }
    if (query.after) clause('(a.created_at, a.id) > (?, ?)', query.after.createdAt, query.after.id);
    const sql = `/* listAssets */ SELECT ${prefixed('a')} FROM assets a
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY a.created_at, a.id LIMIT ?`;
    const rows = this.prepare(sql).all(...params, query.first + 1) as AssetRow[];
    return { assets: rows.slice(0, query.first).map(toRecord), hasNextPage: rows.length > query.first };
  }
}

const LINEAGE_RELATION_LIST = JSON.stringify(LINEAGE_RELATIONS.map((r): RelationName => r.name));

/** The asset columns qualified by a table alias. */
function prefixed(alias: string): string {
  return ASSET_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
