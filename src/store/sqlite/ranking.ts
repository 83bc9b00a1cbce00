import type { Catalogue } from '../../domain/catalogue.js';
import type { RankQuery } from '../store.js';
import { lineageCte } from './lineage-sets.js';
import { ownedBySql, SCOPE_CTE, visibleSql } from './owners.js';
import { ASSET_COLUMNS } from './rows.js';

/**
 * `/* rankRuns *\/`: a leaderboard page as one statement over
 * `metric_latest` (migration 4), whose index (name, value, run_id) yields
 * one metric's runs in order: without `bestPerModel`, a page reads the
 * start of that range after the position, joined to each run to filter it.
 * With `bestPerModel`, every run of the metric that passes the filters is
 * numbered within its model first. Returns the page and one more row, to
 * tell whether another page follows. Ids and values are bound, in the
 * text's order; the catalogue's kind and relation names are literals.
 */
export function rankRunsSql(catalogue: Catalogue, query: RankQuery): { sql: string; params: unknown[] } {
  const ctes: string[] = [];
  const where: string[] = ['m.name = ?', 'm.run_id IS NOT NULL'];
  const whereParams: unknown[] = [query.metric];
  const cteParams: unknown[] = [];
  const { selection } = query;
  const clause = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    whereParams.push(...values);
  };
  // The scope comes first: nothing after it sees a run the viewer may not.
  if (query.scope !== null) {
    ctes.push(SCOPE_CTE);
    cteParams.push(JSON.stringify(query.scope));
    clause(visibleSql(catalogue, 'r'));
  }
  if (selection.project !== null) {
    ctes.push('project(value) AS (SELECT ?)');
    cteParams.push(selection.project);
    clause(ownedBySql(catalogue, 'r', 'project', '0'));
  }
  if (selection.downstreamOf !== null) {
    ctes.push(lineageCte(catalogue, 'downstream', 'DOWNSTREAM', 'SELECT ?'));
    cteParams.push(selection.downstreamOf);
    // The start is not downstream of itself, as in a lineage.
    clause('r.id IN (SELECT id FROM downstream) AND r.id <> ?', selection.downstreamOf);
  }
  if (selection.model !== null) {
    clause(`r.id IN (SELECT to_id FROM edges WHERE from_id = ? AND relation = 'run_models')`, selection.model);
  }
  if (selection.tag !== null) clause('r.tag = ?', selection.tag);
  if (selection.status !== null) clause(`json_extract(r.fields, '$.status') = ?`, selection.status);
  if (selection.since !== null) clause('r.created_at >= ?', selection.since);
  if (selection.until !== null) clause('r.created_at < ?', selection.until);

  const direction = query.order === 'ASC' ? 'ASC' : 'DESC';
  const after = (value: string, id: string): { sql: string; params: unknown[] } => {
    if (query.after === null) return { sql: '', params: [] };
    // The bound on the value alone lets the index seek to the position.
    const [bound, beyond] = query.order === 'ASC' ? ['>=', '>'] : ['<=', '<'];
    const { value: v, id: i } = query.after;
    return { sql: ` AND ${value} ${bound} ? AND (${value} ${beyond} ? OR ${id} > ?)`, params: [v, v, i] };
  };
  const open = ctes.length > 0 ? `WITH RECURSIVE ${ctes.join(', ')}` : '';
  const limit = query.first + 1;

  if (!query.bestPerModel) {
    const page = after('m.value', 'm.run_id');
    const sql = `/* rankRuns */ ${open}
      SELECT ${columns('r')}, m.value AS metric_value
      FROM metric_latest m JOIN assets r ON r.id = m.run_id
      WHERE ${where.join(' AND ')}${page.sql}
      ORDER BY m.value ${direction}, m.run_id LIMIT ?`;
    return { sql, params: [...cteParams, ...whereParams, ...page.params, limit] };
  }
  const page = after('b.value', 'b.run_id');
  const best = `best AS (
        SELECT m.run_id, m.value, ROW_NUMBER() OVER (
          PARTITION BY coalesce((SELECT e.from_id FROM edges e WHERE e.to_id = m.run_id AND e.relation = 'run_models' ORDER BY e.rowid LIMIT 1), m.run_id)
          ORDER BY m.value ${direction}, m.run_id) AS place
        FROM metric_latest m JOIN assets r ON r.id = m.run_id
        WHERE ${where.join(' AND ')})`;
  const sql = `/* rankRuns */ ${open ? `${open}, ` : 'WITH '}${best}
      SELECT ${columns('r')}, b.value AS metric_value
      FROM best b JOIN assets r ON r.id = b.run_id
      WHERE b.place = 1${page.sql}
      ORDER BY b.value ${direction}, b.run_id LIMIT ?`;
  return { sql, params: [...cteParams, ...whereParams, ...page.params, limit] };
}

/** The asset columns qualified by a table alias. */
function columns(alias: string): string {
  return ASSET_COLUMNS.split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}
