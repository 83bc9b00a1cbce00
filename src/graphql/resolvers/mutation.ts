import {
  planDeleteAsset,
  planLinkDerivedFrom,
  planLogRun,
  planLogServingPerf,
  planRegisterDataset,
  planRegisterDeployment,
  planRegisterFeatureset,
  planRegisterModel,
  planRegisterProject,
  planUpdateAsset,
  type Plan,
} from '../../domain/commands.js';
import type { AssetKind, AssetRecord } from '../../domain/kinds.js';
import type { WriteResult } from '../../domain/writes.js';
import type { Context } from '../context.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { refreshAfterWrite } from '../loaders.js';
import { authorizeWrite, redactForViewer } from '../write-access.js';
import { isKind, type RecordOf } from './relations.js';

/**
 * Every mutation: the domain plans it from the validated input (errors name
 * the input field), the viewer's right to write the plan is checked
 * (write-access.ts; a refusal writes nothing), the store carries the plan
 * out as one unit of work, the request's caches are refreshed, and the
 * payload is shaped from the assets the write returned.
 */

async function execute(ctx: Context, plan: Plan): Promise<WriteResult> {
  await authorizeWrite(ctx.viewer, ctx.loaders, plan);
  let result: WriteResult;
  try {
    result = await ctx.store.write(plan.ops);
  } catch (error) {
    throw redactForViewer(ctx.viewer, error);
  }
  refreshAfterWrite(ctx.loaders, result);
  return result;
}

/** Executes a plan and returns the asset it is about, which the engine must report as written. */
async function written<K extends AssetKind>(ctx: Context, plan: Plan, kind: K): Promise<RecordOf<K>> {
  const asset = (await execute(ctx, plan)).assets.get(plan.id);
  if (!asset || !isKind(kind)(asset)) {
    throw new Error(`The store's write result lacks the ${kind} asset "${plan.id}" it wrote`);
  }
  return asset;
}

async function existing(ctx: Context, id: string): Promise<AssetRecord> {
  const asset = await ctx.loaders.assets.load(id);
  if (!asset) throw new Error(`"${id}" is missing right after a write that required it`);
  return asset;
}

export const mutationResolvers: MutationResolvers = {
  registerProject: async (_root, { input }, ctx) => ({
    project: await written(ctx, planRegisterProject(input, ctx.newKey), 'PROJECT'),
  }),

  registerDataset: async (_root, { input }, ctx) => ({
    dataset: await written(ctx, planRegisterDataset(input, ctx.newKey), 'DATASET'),
  }),

  registerFeatureset: async (_root, { input }, ctx) => ({
    featureset: await written(ctx, planRegisterFeatureset(input, ctx.newKey), 'FEATURESET'),
  }),

  registerModel: async (_root, { input }, ctx) => ({
    model: await written(ctx, planRegisterModel(input, ctx.newKey), 'MODEL'),
  }),

  logRun: async (_root, { input }, ctx) => ({
    run: await written(ctx, planLogRun(input, ctx.newKey), 'RUN'),
  }),

  registerDeployment: async (_root, { input }, ctx) => ({
    deployment: await written(ctx, planRegisterDeployment(input, ctx.newKey), 'DEPLOYMENT'),
  }),

  logServingPerf: async (_root, { input }, ctx) => ({
    servingPerf: await written(ctx, planLogServingPerf(input, ctx.newKey), 'SERVING_PERF'),
  }),

  // Only an edge is written, so both ends come from the by-id loader: one getAssets call.
  linkDerivedFrom: async (_root, { input }, ctx) => {
    await execute(ctx, planLinkDerivedFrom(input));
    const [asset, from] = await Promise.all([existing(ctx, input.asset), existing(ctx, input.from)]);
    return { asset, from };
  },

  updateAsset: async (_root, { input }, ctx) => {
    const plan = planUpdateAsset(input);
    const asset = (await execute(ctx, plan)).assets.get(plan.id);
    if (!asset) throw new Error(`The store's write result lacks the updated asset "${plan.id}"`);
    return { asset };
  },

  deleteAsset: async (_root, { input }, ctx) => {
    const plan = planDeleteAsset(input);
    const deleted = (await execute(ctx, plan)).deleted.get(plan.id);
    if (!deleted) throw new Error(`The store's write result lacks the deleted asset "${plan.id}"`);
    return { deletedId: plan.id, deletedRelations: deleted.relations };
  },
};
