import type { Database } from 'better-sqlite3';
import type { Catalogue } from '../../domain/catalogue.js';
import { comparedContent, fingerprint, type ComparedFields, type DuplicateKind } from '../../domain/reuse.js';
import { requirePresent, type DuplicateGroup, type DuplicatesQuery } from '../store.js';
import { SCOPE_CTE, visibleSql } from './owners.js';
import { ASSET_COLUMNS, toRecord, type AssetRow } from './rows.js';

/**
 * Duplicates on SQLite (Store.duplicates): one statement that fingerprints
 * every asset of the kind the scope may see with `metalayer_fingerprint`,
 * the domain's fingerprint registered as an SQL function, groups by it and
 * keeps the largest groups; only the grouped assets leave the database.
 */

/** Registers `metalayer_fingerprint(kind, fields, datasets)` on `db`: the fingerprint, or null for nothing to compare. */
export function registerFingerprint(db: Database): void {
  db.function('metalayer_fingerprint', { deterministic: true }, (kind: unknown, fields: unknown, datasets: unknown) => {
    if (typeof kind !== 'string' || typeof fields !== 'string') return null;
    const parsed = JSON.parse(fields) as ComparedFields;
    const linked = typeof datasets === 'string' ? (JSON.parse(datasets) as string[]) : [];
    const content = comparedContent(kind as DuplicateKind, { ...parsed, datasets: linked });
    return content === null ? null : fingerprint(kind as DuplicateKind, content);
  });
}

export function duplicates(db: Database, catalogue: Catalogue, query: DuplicatesQuery): DuplicateGroup[] {
  requirePresent(query.asOf);
  const scoped = query.scope !== null;
  const datasets =
    query.kind === 'FEATURESET'
      ? `(SELECT json_group_array(e.to_id) FROM edges e WHERE e.from_id = a.id AND e.relation = 'featureset_dataset')`
      : 'NULL';
  const rows = db
    .prepare(`/* duplicates */ WITH ${scoped ? `${SCOPE_CTE}, ` : ''}prints AS MATERIALIZED (
        SELECT a.id, metalayer_fingerprint(a.kind, a.fields, ${datasets}) AS fp FROM assets a
        WHERE a.kind = ? ${scoped ? `AND ${visibleSql(catalogue, 'a')}` : ''}),
      groups AS (
        SELECT fp, count(*) AS size FROM prints WHERE fp IS NOT NULL
        GROUP BY fp HAVING count(*) > 1 ORDER BY size DESC, fp LIMIT ?)
      SELECT g.fp AS fingerprint, ${ASSET_COLUMNS.split(', ').map((column) => `a.${column}`).join(', ')}
      FROM groups g JOIN prints p ON p.fp = g.fp JOIN assets a ON a.id = p.id
      ORDER BY g.size DESC, g.fp, a.id`)
    .all(...(scoped ? [JSON.stringify(query.scope)] : []), query.kind, query.limit) as (AssetRow & { fingerprint: string })[];
  const groups: DuplicateGroup[] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    const asset = toRecord(row);
    if (last && last.fingerprint === row.fingerprint) last.assets.push(asset);
    else groups.push({ fingerprint: row.fingerprint, assets: [asset] });
  }
  return groups;
}
