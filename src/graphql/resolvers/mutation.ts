import { commitAsset, commitDelete, commitPlan, existingAsset } from '../../app/commit.js';
import {
  planDeleteAsset,
  planLinkDerivedFrom,
  planLogMetrics,
  planLogRun,
  planLogServingPerf,
  planRegisterDataset,
  planRegisterDeployment,
  planRegisterFeatureset,
  planRegisterModel,
  planRegisterProject,
  planUpdateAsset,
  planUpdateRun,
} from '../../domain/commands.js';
import { planLinkAssets, planUnlinkAssets } from '../../domain/custom.js';
import { MetalayerError } from '../../domain/errors.js';
import { isKind, type RunRecord } from '../../domain/kinds.js';
import type { MutationResolvers } from '../generated/resolvers.js';

/**
 * Every mutation, as an adapter over the write use case (app/commit.ts):
 * the domain plans it from the input, the core authorises and commits it
 * under the mutation's name, and the payload is shaped from what the commit
 * returned. The domain names fields inside the input; here they are placed
 * under the `input` argument (`input.datasets.1`).
 */

/** Runs a mutation's work, placing the input fields its errors name under the `input` argument. */
export async function underInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof MetalayerError ? error.under('input') : error;
  }
}

export const mutationResolvers: MutationResolvers = {
  registerProject: (_root, { input }, ctx, info) =>
    underInput(async () => ({ project: await commitAsset(ctx, info.fieldName, planRegisterProject(input, ctx), 'PROJECT') })),

  registerDataset: (_root, { input }, ctx, info) =>
    underInput(async () => ({ dataset: await commitAsset(ctx, info.fieldName, planRegisterDataset(input, ctx), 'DATASET') })),

  registerFeatureset: (_root, { input }, ctx, info) =>
    underInput(async () => ({
      featureset: await commitAsset(ctx, info.fieldName, planRegisterFeatureset(input, ctx), 'FEATURESET'),
    })),

  registerModel: (_root, { input }, ctx, info) =>
    underInput(async () => ({ model: await commitAsset(ctx, info.fieldName, planRegisterModel(input, ctx), 'MODEL') })),

  logRun: (_root, { input }, ctx, info) =>
    underInput(async () => ({ run: await commitAsset(ctx, info.fieldName, planLogRun(input, ctx), 'RUN') })),

  updateRun: (_root, { input }, ctx, info) =>
    underInput(async () => ({ run: await commitAsset(ctx, info.fieldName, planUpdateRun(input, ctx), 'RUN') })),

  // The run is read after the commit, which wrote only its performance and points.
  logMetrics: (_root, { input }, ctx, info) =>
    underInput(async () => {
      const plan = planLogMetrics(input, ctx);
      await commitPlan(ctx, info.fieldName, plan);
      return { run: await existingRun(ctx, plan.id), points: input.metrics.length };
    }),

  registerDeployment: (_root, { input }, ctx, info) =>
    underInput(async () => ({
      deployment: await commitAsset(ctx, info.fieldName, planRegisterDeployment(input, ctx), 'DEPLOYMENT'),
    })),

  logServingPerf: (_root, { input }, ctx, info) =>
    underInput(async () => ({
      servingPerf: await commitAsset(ctx, info.fieldName, planLogServingPerf(input, ctx), 'SERVING_PERF'),
    })),

  // Only an edge is written, so both ends come from the by-id loader: one getAssets call.
  linkDerivedFrom: (_root, { input }, ctx, info) =>
    underInput(async () => {
      await commitPlan(ctx, info.fieldName, planLinkDerivedFrom(input, ctx));
      const [asset, from] = await Promise.all([existingAsset(ctx, input.asset), existingAsset(ctx, input.from)]);
      return { asset, from };
    }),

  updateAsset: (_root, { input }, ctx, info) =>
    underInput(async () => {
      const plan = planUpdateAsset(input, ctx);
      const asset = (await commitPlan(ctx, info.fieldName, plan)).assets.get(plan.id);
      if (!asset) throw new Error(`The store's commit result lacks the updated asset "${plan.id}"`);
      return { asset };
    }),

  // As linkDerivedFrom: both ends come from the by-id loader, one getAssets call.
  linkAssets: (_root, { input }, ctx, info) =>
    underInput(async () => {
      await commitPlan(ctx, info.fieldName, planLinkAssets(input, ctx));
      const [from, to] = await Promise.all([existingAsset(ctx, input.from), existingAsset(ctx, input.to)]);
      return { relation: input.relation, from, to };
    }),

  unlinkAssets: (_root, { input }, ctx, info) =>
    underInput(async () => {
      await commitPlan(ctx, info.fieldName, planUnlinkAssets(input, ctx));
      const [from, to] = await Promise.all([existingAsset(ctx, input.from), existingAsset(ctx, input.to)]);
      return { relation: input.relation, from, to };
    }),

  deleteAsset: (_root, { input }, ctx, info) =>
    underInput(async () => {
      const plan = planDeleteAsset(input, ctx);
      return { deletedId: plan.id, deletedRelations: await commitDelete(ctx, info.fieldName, plan) };
    }),
};

async function existingRun(ctx: Parameters<typeof existingAsset>[0], id: string): Promise<RunRecord> {
  const asset = await existingAsset(ctx, id);
  if (!isKind('RUN')(asset)) throw new Error(`"${id}" is not a run`);
  return asset;
}
