import { leaderboard } from '../../app/compare.js';
import { loadVisibleAsset, listAssets, viewAt } from '../../app/reads.js';
import { auditTrail, loadChange } from '../../app/history.js';
import { duplicates, reuse } from '../../app/reuse.js';
import { CHANGE_ID_PREFIX, type NodeRecord } from '../../domain/changes.js';
import { badInput, type FieldPath } from '../../domain/errors.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Context } from '../context.js';
import type { QueryResolvers } from '../generated/resolvers.js';
import { listQuery } from './paging.js';

/** One position of `nodes`: its refusal becomes that position's error, not the whole list's. */
function nodeAt(id: string, i: number, ctx: Context): Promise<NodeRecord | null> | null {
  try {
    return loadNode(ctx, id, ['ids', i]);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * graphql-js completes a promise of null in a nullable list position as
 * null, but the generated resolver types allow a promise only of a value:
 * this one place widens the promise.
 */
function nullableItem(item: Promise<NodeRecord | null> | null): Promise<NodeRecord> | null {
  return item as Promise<NodeRecord> | null;
}

/** A node by id: a change (`metalayer_changes/<sequence>`) or an asset. */
function loadNode(ctx: Context, id: string, field: FieldPath): Promise<NodeRecord | null> | null {
  return id.startsWith(CHANGE_ID_PREFIX) ? loadChange(ctx, id) : loadVisibleAsset(ctx, id, field);
}

/** The most ids one `nodes` call may ask for: one store call must stay bounded. */
export const MAX_NODE_IDS = 1000;

export const queryResolvers: QueryResolvers = {
  node: async (_root, { id, asOf }, ctx) => loadNode(await viewAt(ctx, asOf, ['asOf']), id, ['id']),

  // Each position resolves on its own, so a malformed id, or one the viewer
  // may not see, is null in its place with an error on that path (`nodes.2`).
  nodes: async (_root, { ids, asOf }, ctx) => {
    if (ids.length > MAX_NODE_IDS) {
      throw badInput(['ids'], `expected at most ${MAX_NODE_IDS} ids, received ${ids.length}`);
    }
    const view = await viewAt(ctx, asOf, ['asOf']);
    return ids.map((id, i) => nullableItem(nodeAt(id, i, view)));
  },

  assets: async (_root, args, ctx) => {
    const view = await viewAt(ctx, args.asOf, ['asOf']);
    return listAssets(view, listQuery(args, view));
  },

  changes: (_root, args, ctx) => auditTrail(ctx, args),

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
