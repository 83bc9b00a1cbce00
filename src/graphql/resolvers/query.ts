import { loadVisibleAsset, listAssets } from '../../app/reads.js';
import { badInput } from '../../domain/errors.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { QueryResolvers } from '../generated/resolvers.js';
import { listQuery } from './paging.js';

/**
 * graphql-js completes a promise of null in a nullable list position as
 * null, but the generated resolver types allow a promise only of a value:
 * this one place widens the promise.
 */
function nullableItem(item: Promise<AssetRecord | null> | null): Promise<AssetRecord> | null {
  return item as Promise<AssetRecord> | null;
}

/** The most ids one `nodes` call may ask for: one store call must stay bounded. */
export const MAX_NODE_IDS = 1000;

export const queryResolvers: QueryResolvers = {
  node: (_root, { id }, ctx) => loadVisibleAsset(ctx, id),

  // Each position resolves on its own, so an id the viewer may not see is
  // null in its place with a FORBIDDEN error on that path (`nodes.2`).
  nodes: (_root, { ids }, ctx) => {
    if (ids.length > MAX_NODE_IDS) {
      throw badInput(['ids'], `expected at most ${MAX_NODE_IDS} ids, received ${ids.length}`);
    }
    return ids.map((id) => nullableItem(loadVisibleAsset(ctx, id)));
  },

  assets: (_root, args, ctx) => listAssets(ctx, listQuery(args, ctx)),
};
