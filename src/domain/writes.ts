import type { AssetContent, AssetRecord, JsonValue } from './kinds.js';
import type { EdgeRecord } from './relations.js';

/**
 * The write operations every engine executes atomically: a unit of work is a
 * list of them, and it succeeds whole or writes nothing.
 *
 * - putAsset inserts an asset. When its id exists with the same content the
 *   put changes nothing (a retried call); with different content it fails
 *   with CONFLICT, as does a named kind's taken (name, version).
 * - putEdge inserts a relation unless it exists. Both ends must exist, at the
 *   time of the put (assets put earlier in the unit count), or it fails with
 *   NOT_FOUND naming `field`.
 * - updateAsset changes name, version or tag and merges properties (a null
 *   value removes the property); NOT_FOUND when the asset is missing.
 * - deleteAsset removes an asset and every edge it takes part in.
 */
export type WriteOp =
  | { type: 'putAsset'; content: AssetContent; field: string }
  | { type: 'putEdge'; edge: EdgeRecord; field: string }
  | { type: 'updateAsset'; id: string; patch: AssetPatch; field: string }
  | { type: 'deleteAsset'; id: string; field: string };

export interface AssetPatch {
  name?: string;
  version?: string | null;
  tag?: string | null;
  properties?: Record<string, JsonValue>;
}

export interface WriteResult {
  /**
   * Every asset put or updated, by id, as stored after the unit of work,
   * including puts that changed nothing (a retry answers with what exists).
   */
  assets: Map<string, AssetRecord>;
  /** Every asset deleted, by id, as it was before. */
  deleted: Map<string, { asset: AssetRecord; relations: number }>;
}

/** Applies a patch's properties to stored ones: merge, with null removing a key. */
export function mergeProperties(
  current: Record<string, JsonValue>,
  patch: Record<string, JsonValue> | undefined,
): Record<string, JsonValue> {
  if (!patch) return current;
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
