import { badInput } from '../../domain/errors.js';
import { parseId, tryParseId } from '../../domain/ids.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Context } from '../context.js';
import type { QueryResolvers } from '../generated/resolvers.js';
import { connection, listQuery } from './paging.js';

/**
 * The asset with this id, or null when none exists. A malformed id names no
 * asset and is null too, without asking the store: federation's entity
 * references resolve this way, while `node` and `nodes` refuse such an id
 * first (`loadVisibleNode`).
 */
export function loadNode(id: string, ctx: Context): Promise<AssetRecord | null> | null {
  ctx.access.requireReader();
  return tryParseId(id) ? ctx.loaders.assets.load(id) : null;
}

/**
 * `loadNode` for an id a client gave as an argument: a malformed id is
 * BAD_USER_INPUT naming `field` (and the collection it likely meant), an
 * asset the viewer may not see is FORBIDDEN; a well-formed id of no asset
 * is null.
 */
function loadVisibleNode(id: string, field: string, ctx: Context): Promise<AssetRecord | null> | null {
  ctx.access.requireReader();
  parseId(id, field);
  const asset = loadNode(id, ctx);
  return asset && asset.then((record) => ctx.access.visibleOrForbidden(record, id));
}

/** One position of `nodes`: its refusal becomes that position's error, not the whole list's. */
function nodeAt(id: string, i: number, ctx: Context): Promise<AssetRecord | null> | null {
  try {
    return loadVisibleNode(id, `ids.${i}`, ctx);
  } catch (error) {
    return Promise.reject(error);
  }
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
  node: (_root, { id }, ctx) => loadVisibleNode(id, 'id', ctx),

  // Each position resolves on its own, so a malformed id, or one the viewer
  // may not see, is null in its place with an error on that path (`nodes.2`).
  nodes: (_root, { ids }, ctx) => {
    if (ids.length > MAX_NODE_IDS) {
      throw badInput('ids', `expected at most ${MAX_NODE_IDS} ids, received ${ids.length}`);
    }
    return ids.map((id, i) => nullableItem(nodeAt(id, i, ctx)));
  },

  assets: async (_root, args, ctx) => {
    const query = listQuery(args);
    ctx.access.requireListing(query.project);
    const page = await ctx.store.listAssets(query);
    ctx.loaders.prime(page.assets);
    return connection(page, await ctx.access.canSeeAll(page.assets));
  },
};
