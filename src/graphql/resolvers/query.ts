import { leaderboard } from '../../app/compare.js';
import { loadVisibleAsset, listAssets } from '../../app/reads.js';
import { duplicates, reuse } from '../../app/reuse.js';
import { badInput } from '../../domain/errors.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Context } from '../context.js';
import type { QueryResolvers } from '../generated/resolvers.js';
import { listQuery } from './paging.js';

/** One position of `nodes`: its refusal becomes that position's error, not the whole list's. */
function nodeAt(id: string, i: number, ctx: Context): Promise<AssetRecord | null> | null {
  try {
    return loadVisibleAsset(ctx, id, ['ids', i]);
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
  node: (_root, { id }, ctx) => loadVisibleAsset(ctx, id, ['id']),

  // Each position resolves on its own, so a malformed id, or one the viewer
  // may not see, is null in its place with an error on that path (`nodes.2`).
  nodes: (_root, { ids }, ctx) => {
    if (ids.length > MAX_NODE_IDS) {
      throw badInput(['ids'], `expected at most ${MAX_NODE_IDS} ids, received ${ids.length}`);
    }
    return ids.map((id, i) => nullableItem(nodeAt(id, i, ctx)));
  },

  assets: (_root, args, ctx) => listAssets(ctx, listQuery(args, ctx)),

  leaderboard: (_root, args, ctx) =>
    leaderboard(ctx, {
      metric: args.metric,
      order: args.order,
      filter: args.filter ?? null,
      bestPerModel: args.bestPerModel ?? false,
      first: args.first ?? null,
      after: args.after ?? null,
    }),

  reuse: (_root, args, ctx) =>
    reuse(ctx, { kind: args.kind, minModels: args.minModels ?? null, first: args.first ?? null, after: args.after ?? null }),

  duplicates: (_root, args, ctx) => duplicates(ctx, { kind: args.kind, limit: args.limit ?? null }),
};
