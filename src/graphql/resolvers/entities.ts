import { loadAsset } from '../../app/reads.js';
import { isKind, type AssetKind, type AssetRecord, type RecordOf } from '../../domain/kinds.js';
import type { Context } from '../context.js';

/**
 * Federation entity references: a gateway sends `_entities(representations:
 * [{ __typename: "Model", id: "models/…" }, …])` and @apollo/subgraph calls
 * the `__resolveReference` of each representation's type, all in the same
 * tick. Every one goes through the request's by-id loader, so one
 * `_entities` request costs one `getAssets` call, whatever the number and
 * types of its representations (and none for assets the request has loaded
 * already).
 *
 * A reference resolves to null, as `node` does, when its id names no asset,
 * is malformed, or names an asset of another type than `__typename`: an
 * entity of the wrong type would be answered with the wrong fields. It is
 * null too, without an error, when the viewer may not see the asset: a
 * gateway joins entities into other subgraphs' answers, where an error
 * would name the asset to whoever asked.
 */

interface Reference {
  id: string;
}

/** `__resolveReference` of one asset type: the asset, when it is of `kind`. */
export function entityOfKind<K extends AssetKind>(kind: K) {
  const guard = isKind(kind);
  return async ({ id }: Reference, ctx: Context): Promise<RecordOf<K> | null> => {
    const asset = await loadAsset(ctx, id);
    return ctx.access.visibleOrNull(asset && guard(asset) ? asset : null);
  };
}

/** `__resolveReference` of the Asset interface: any asset; `__resolveType` then names its type. */
export function anyEntity({ id }: Reference, ctx: Context): Promise<AssetRecord | null> | null {
  const asset = loadAsset(ctx, id);
  return asset && asset.then((record) => ctx.access.visibleOrNull(record));
}
