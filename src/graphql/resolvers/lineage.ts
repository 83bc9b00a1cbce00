import type { AssetRecord } from '../../domain/kinds.js';
import { lineageOptions, type LineageArgs, type ViewedLineage } from '../../domain/lineage.js';
import type { LineageDirection } from '../../domain/relations.js';
import type { Context } from '../context.js';
import type { Resolvers } from '../generated/resolvers.js';

/**
 * `upstream` / `downstream` of every asset, and the ends of lineage edges.
 *
 * Round trips: the lineages of every asset at one level of a query are one
 * `traverse` call (the lineage loader batches them), and the loader primes
 * the by-id loader with every asset returned. An edge may also end at the
 * start asset, which is not among the nodes, so the start is primed too:
 * resolving `from` and `to` of any edge then costs no store call.
 *
 * The lineage is restricted to what the viewer may see (access.ts): for a
 * viewer scoped to projects that is one more batch of ownership lookups for
 * every lineage at the level, at most three `neighbors` calls.
 */
export function lineageField(direction: LineageDirection) {
  return async (asset: AssetRecord, args: LineageArgs, ctx: Context): Promise<ViewedLineage> => {
    const options = lineageOptions(direction, args, ctx.lineageCaps);
    ctx.deadline.check();
    ctx.loaders.prime([asset]);
    const lineage = await ctx.loaders.lineage.load({ start: asset.id, ...options });
    ctx.budget.spend(lineage.nodes.length);
    return ctx.access.restrictLineage(lineage, asset.id);
  };
}

/**
 * An edge's end. The traversal primed it (or the start), so it is read
 * synchronously from what the request holds; the loader answers otherwise.
 * The traversal returned it, so a missing one is the engine's fault.
 */
function edgeEnd(id: string, ctx: Context): AssetRecord | Promise<AssetRecord> {
  return ctx.loaders.known.get(id) ?? loadEdgeEnd(id, ctx);
}

async function loadEdgeEnd(id: string, ctx: Context): Promise<AssetRecord> {
  const asset = await ctx.loaders.assets.load(id);
  if (!asset) throw new Error(`A lineage edge ends at "${id}", which the store does not hold`);
  return asset;
}

export const lineageResolvers: Resolvers = {
  LineageEdge: {
    kind: (edge) => edge.relation,
    from: (edge, _args, ctx) => edgeEnd(edge.from, ctx),
    to: (edge, _args, ctx) => edgeEnd(edge.to, ctx),
  },
};
