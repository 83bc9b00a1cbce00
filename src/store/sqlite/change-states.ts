import { ASSET_KINDS } from '../../domain/kinds.js';

/**
 * How the change log's states are read back. A change made through `commit`
 * holds its states as JSON (`before`, `after`). A CREATE made through
 * `importBulk` holds no copy (`after` is null): the imported asset's state
 * is its row's until its next CREATE, UPDATE or DELETE change, whose
 * `before` holds it. That next change is never pruned while the CREATE is
 * kept (pruning drops the oldest changes first), and a purge tombstones the
 * CREATE as it does every other state. A CREATE with a null `after` means
 * nothing else: every other CREATE holds its state.
 */

const BUILTIN_KINDS_SQL = ASSET_KINDS.map((kind) => `'${kind}'`).join(', ');

/**
 * The state an asset row holds, as JSON text shaped as `assetState` writes
 * it: the kind's typed fields beside name, version, tag and properties (a
 * custom kind's typed fields are nested in the row's `fields` column, and
 * brought beside the common ones, as `recordOfState` expects).
 */
export function rowStateSql(alias: string): string {
  const typed = `CASE WHEN ${alias}.kind IN (${BUILTIN_KINDS_SQL}) THEN ${alias}.fields
    ELSE ifnull(json_extract(${alias}.fields, '$.fields'), '{}') END`;
  return `json_set(${typed}, '$.name', ${alias}.name, '$.version', ${alias}.version, '$.tag', ${alias}.tag, '$.properties', json(${alias}.properties))`;
}

/**
 * The `after` of the change row `alias`, as JSON text: its own, or for an
 * imported CREATE, the `before` of its asset's next state change, else the
 * asset's row. One seek of `changes_states` (and one of the assets' key)
 * for an imported CREATE, nothing for any other change. The index is named:
 * the planner would otherwise take `changes_asset`, and walk every relation
 * change of the asset after its CREATE.
 */
export function afterSql(alias: string): string {
  return `CASE WHEN ${alias}.after IS NULL AND ${alias}.operation = 'CREATE' THEN ifnull(
      (SELECT n.before FROM changes n INDEXED BY changes_states WHERE n.asset_id = ${alias}.asset_id AND n.sequence > ${alias}.sequence
        AND n.operation IN ('CREATE', 'UPDATE', 'DELETE') ORDER BY n.sequence LIMIT 1),
      (SELECT ${rowStateSql('h')} FROM assets h WHERE h.id = ${alias}.asset_id))
    ELSE ${alias}.after END`;
}
