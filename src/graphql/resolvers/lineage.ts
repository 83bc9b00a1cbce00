import { readLineage } from '../../app/reads.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { LineageArgs, ViewedLineage } from '../../domain/lineage.js';
import type { LineageDirection } from '../../domain/relations.js';
import type { Context } from '../context.js';
import type { Resolvers } from '../generated/resolvers.js';

/**
 * `upstream` / `downstream` of every asset (the lineage use case), and the
 * ends of lineage edges.
 */
export function lineageField(direction: LineageDirection) {
  return (asset: AssetRecord, args: LineageArgs & { asOf?: string | null }, ctx: Context): Promise<ViewedLineage> =>
    readLineage(ctx, asset, direction, args);
}

/**
 * An edge's end, at the instant its lineage was read at (`ctx` is that
 * instant's view). The traversal primed it (or the start), so it is read
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
    from: (edge, _args, ctx) => edgeEnd(edge.from, ctx.viewOf(edge)),
    to: (edge, _args, ctx) => edgeEnd(edge.to, ctx.viewOf(edge)),
  },
};
