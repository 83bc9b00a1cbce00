import { COMMON_STATE_FIELDS } from '../domain/changes.js';
import { isBuiltinKind, type AssetKind, type AssetRecord } from '../domain/kinds.js';

/**
 * An asset's state as an engine reads it from the change log for a read as
 * of an instant: the `after` of its last CREATE or UPDATE change (the
 * asset's fields: name, version, tag, properties and its kind's typed
 * fields, as the writer recorded them), the instant of its last CREATE
 * (its creation) and of that change (its last update).
 */
export interface AssetState {
  id: string;
  kind: AssetKind;
  after: Record<string, unknown>;
  createdAt: string | null;
  updatedAt: string;
}

/**
 * The state `purgeHistory` leaves in place of an erased asset's fields, as
 * SQLite stores it. An erased asset reads as absent as of any instant: its
 * fields are gone, so there is nothing left to answer as it stood.
 */
export const PURGED_STATE_JSON = '{"purged":true}';

/** Whether a state read from the log is an erased asset's tombstone. */
export function isPurgedState(after: unknown): boolean {
  if (typeof after === 'string') return after === PURGED_STATE_JSON;
  return typeof after === 'object' && after !== null && (after as Record<string, unknown>)['purged'] === true && Object.keys(after).length === 1;
}

/**
 * A state as the record the asset was then, made of `after` itself (which
 * it takes over: a copy per asset counts on large lineages). The cast is
 * the engines' boundary: the writer recorded `after` from a record of that kind.
 */
export function recordOfState(state: AssetState): AssetRecord {
  const record = state.after;
  if (!isBuiltinKind(state.kind)) {
    // A custom kind's typed fields were recorded beside the common ones (assetState); its record nests them.
    const fields: Record<string, unknown> = {};
    for (const name of Object.keys(record)) {
      if (COMMON_STATE_FIELDS.has(name)) continue;
      fields[name] = record[name];
      delete record[name];
    }
    record['fields'] = fields;
  }
  record['kind'] = state.kind;
  record['id'] = state.id;
  record['key'] = state.id.slice(state.id.indexOf('/') + 1);
  record['createdAt'] = state.createdAt ?? state.updatedAt;
  record['updatedAt'] = state.updatedAt;
  // Serving performance recorded before it had statistics has none.
  if (state.kind === 'SERVING_PERF' && record['statistics'] === undefined) record['statistics'] = null;
  return record as unknown as AssetRecord;
}
