import { badInput } from '../../domain/errors.js';
import { tryParseId } from '../../domain/ids.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Context } from '../context.js';
import type { QueryResolvers } from '../generated/resolvers.js';
import { connection, listQuery } from './paging.js';

/**
 * A malformed id names no asset, so `node` answers null for it like for an
 * unknown one (and `nodes` null in its place), without asking the store.
 * Federation's entity references resolve the same way.
 */
export function loadNode(id: string, ctx: Context): Promise<AssetRecord | null> | null {
  ctx.access.requireReader();
  return tryParseId(id) ? ctx.loaders.assets.load(id) : null;
}

/** `loadNode`, with a FORBIDDEN error for an asset the viewer may not see. */
function loadVisibleNode(id: string, ctx: Context): Promise<AssetRecord | null> | null {
  const asset = loadNode(id, ctx);
  return asset && asset.then((record) => ctx.access.visibleOrForbidden(record, id));
}

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
  node: (_root, { id }, ctx) => loadVisibleNode(id, ctx),

  // Each position resolves on its own, so an id the viewer may not see is
  // null in its place with a FORBIDDEN error on that path (`nodes.2`).
  nodes: (_root, { ids }, ctx) => {
    if (ids.length > MAX_NODE_IDS) {
      throw badInput('ids', `expected at most ${MAX_NODE_IDS} ids, received ${ids.length}`);
    }
    return ids.map((id) => nullableItem(loadVisibleNode(id, ctx)));
  },

  assets: async (_root, args, ctx) => {
    const query = listQuery(args);
    ctx.access.requireListing(query.project);
    const page = await ctx.store.listAssets(query);
    ctx.loaders.prime(page.assets);
    return connection(page, await ctx.access.canSeeAll(page.assets));
  },
};
