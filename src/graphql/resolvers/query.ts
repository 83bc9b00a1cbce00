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
  return tryParseId(id) ? ctx.loaders.assets.load(id) : null;
}

/** The most ids one `nodes` call may ask for: one store call must stay bounded. */
export const MAX_NODE_IDS = 1000;

export const queryResolvers: QueryResolvers = {
  node: (_root, { id }, ctx) => loadNode(id, ctx),

  nodes: (_root, { ids }, ctx) => {
    if (ids.length > MAX_NODE_IDS) {
      throw badInput('ids', `expected at most ${MAX_NODE_IDS} ids, received ${ids.length}`);
    }
    return Promise.all(ids.map((id) => loadNode(id, ctx)));
  },

  assets: async (_root, args, ctx) => {
    const page = await ctx.store.listAssets(listQuery(args));
    for (const asset of page.assets) ctx.loaders.assets.prime(asset.id, asset);
    return connection(page);
  },
};
