import type { Catalogue } from '../../domain/catalogue.js';
import { unreadableStoredValue } from '../../domain/errors.js';
import { isCanonicalInstant, parseStoredInstant } from '../../domain/instants.js';
import { isBuiltinKind, type AssetRecord, type BuiltinKind, type Metrics } from '../../domain/kinds.js';
import { assertNever } from '../../domain/never.js';
import type { Context } from '../context.js';
import type { Metric, Resolvers } from '../generated/resolvers.js';
import { datasetDrift, deploymentDrift } from '../../app/drift.js';
import { deploymentPerformance, rankCursor } from '../../app/compare.js';
import { metricSeries } from '../../app/reads.js';
import { isChange } from '../../domain/changes.js';
import { assetUsage } from '../../app/reuse.js';
import { anyEntity, entityOfKind } from './entities.js';
import { assetHistoryFields } from './history.js';
import { lineageField } from './lineage.js';
import { relationFields } from './relations.js';
import { typeNameOfKind } from '../kind-names.js';

/**
 * The Node and Asset interfaces and the nine asset types. Scalar fields are
 * the records' own (default resolvers); what is here is the fields every
 * asset shares (derivation and lineage), each kind's relation fields from
 * the relation catalogue, performance metrics, and each entity's
 * `__resolveReference` (see entities.ts).
 */

/**
 * The GraphQL type of an asset: a built-in kind's (`MODEL_PARAMS` →
 * `ModelParams`) or the one its extension declares.
 */
export function typeNamer(catalogue: Catalogue): (asset: AssetRecord) => string {
  const names = new Map<string, string>(catalogue.kinds.map((spec) => [spec.kind, spec.custom?.typeName ?? typeNameOfKind(spec.kind)]));
  return (asset) => {
    const name = names.get(asset.kind);
    if (name === undefined) throw new Error(`An asset of kind ${asset.kind}, which the catalogue lacks`);
    return name;
  };
}

type BuiltinTypeName = 'Project' | 'Dataset' | 'Featureset' | 'Model' | 'Run' | 'ModelParams' | 'DevPerf' | 'Deployment' | 'ServingPerf';

const BUILTIN_TYPE_NAMES: Readonly<Record<BuiltinKind, BuiltinTypeName>> = {
  PROJECT: 'Project',
  DATASET: 'Dataset',
  FEATURESET: 'Featureset',
  MODEL: 'Model',
  RUN: 'Run',
  MODEL_PARAMS: 'ModelParams',
  DEV_PERF: 'DevPerf',
  DEPLOYMENT: 'Deployment',
  SERVING_PERF: 'ServingPerf',
};

/** The type of a built-in kind's asset; null for a custom kind's. */
function builtinTypeName(asset: AssetRecord): BuiltinTypeName | null {
  return isBuiltinKind(asset.kind) ? BUILTIN_TYPE_NAMES[asset.kind] : null;
}

/**
 * An asset's own timestamp. One that another tool stored in a form no
 * reading makes sense of is a field error naming the asset, with its own
 * code: the data's fault, never an internal error.
 */
function storedInstant(which: 'createdAt' | 'updatedAt', what: string) {
  return (asset: AssetRecord): string => {
    const text = asset[which];
    if (isCanonicalInstant(text)) return text;
    const instant = parseStoredInstant(text);
    if (instant === null) throw unreadableStoredValue(asset.id, what, text);
    return instant;
  };
}

/** Metrics by name, as the schema lists them. */
function metricList(metrics: Metrics): Metric[] {
  return Object.entries(metrics)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Own properties only: a metric named `constructor` must not find Object.prototype's. */
function metricValue(metrics: Metrics, name: string): number | null {
  return Object.hasOwn(metrics, name) ? (metrics[name] ?? null) : null;
}

const performanceFields = {
  metrics: (perf: { metrics: Metrics }) => metricList(perf.metrics),
  metric: (perf: { metrics: Metrics }, { name }: { name: string }) => metricValue(perf.metrics, name),
};

/** The resolvers of the asset types, their relation fields checked against `catalogue`. */
export function assetResolvers(catalogue: Catalogue): Resolvers {
  const { many, one, anyKind } = relationFields(catalogue);
  const runModel = one('run_models', 'IN', 'MODEL');
  /** The fields of the Asset interface that are not the record's own, the same on every type. */
  const assetFields = {
    createdAt: storedInstant('createdAt', 'creation time'),
    updatedAt: storedInstant('updatedAt', 'update time'),
    ...assetHistoryFields,
    derivedFrom: anyKind('derived_from', 'OUT'),
    derivatives: anyKind('derived_from', 'IN'),
    upstream: lineageField('UPSTREAM'),
    downstream: lineageField('DOWNSTREAM'),
    usage: (asset: AssetRecord, _args: unknown, ctx: Context) => assetUsage(ctx, asset),
  };
  return {
    // The catalogue's resolvers (custom.ts) ask these first, and name a custom kind's type where they name none.
    Node: { __resolveType: (node) => (isChange(node) ? 'Change' : builtinTypeName(node)) },
    Asset: { __resolveType: builtinTypeName, __resolveReference: anyEntity },
    Project: {
      __resolveReference: entityOfKind('PROJECT'),
      ...assetFields,
      models: many('project_models', 'OUT', 'MODEL'),
    },
    Dataset: {
      __resolveReference: entityOfKind('DATASET'),
      ...assetFields,
      featuresets: many('featureset_dataset', 'IN', 'FEATURESET'),
      runs: many('run_datasets', 'IN', 'RUN'),
      producedBy: many('run_outputs', 'IN', 'RUN'),
      drift: (dataset, args, ctx) => datasetDrift(ctx, dataset, args),
    },
    Featureset: {
      __resolveReference: entityOfKind('FEATURESET'),
      ...assetFields,
      datasets: many('featureset_dataset', 'OUT', 'DATASET'),
      runs: many('run_featuresets', 'IN', 'RUN'),
      deployments: many('deployment_featureset', 'IN', 'DEPLOYMENT'),
    },
    Model: {
      __resolveReference: entityOfKind('MODEL'),
      ...assetFields,
      project: one('project_models', 'IN', 'PROJECT'),
      producedBy: many('run_models', 'OUT', 'RUN'),
      deployments: many('deployment_model', 'IN', 'DEPLOYMENT'),
    },
    Run: {
      __resolveReference: entityOfKind('RUN'),
      ...assetFields,
      model: runModel,
      params: one('run_modelparams', 'OUT', 'MODEL_PARAMS'),
      datasets: many('run_datasets', 'OUT', 'DATASET'),
      featuresets: many('run_featuresets', 'OUT', 'FEATURESET'),
      devPerf: one('run_devperf', 'OUT', 'DEV_PERF'),
      outputs: many('run_outputs', 'OUT', 'DATASET'),
    },
    ModelParams: {
      __resolveReference: entityOfKind('MODEL_PARAMS'),
      ...assetFields,
      run: one('run_modelparams', 'IN', 'RUN'),
      deployments: many('deployment_modelparams', 'IN', 'DEPLOYMENT'),
    },
    DevPerf: {
      __resolveReference: entityOfKind('DEV_PERF'),
      ...assetFields,
      ...performanceFields,
      series: (perf, { name }, ctx) => metricSeries(ctx, perf, name),
      run: one('run_devperf', 'IN', 'RUN'),
    },
    Deployment: {
      __resolveReference: entityOfKind('DEPLOYMENT'),
      ...assetFields,
      model: one('deployment_model', 'OUT', 'MODEL'),
      params: one('deployment_modelparams', 'OUT', 'MODEL_PARAMS'),
      featureset: one('deployment_featureset', 'OUT', 'FEATURESET'),
      servingPerf: many('deployment_servingperf', 'OUT', 'SERVING_PERF'),
      drift: (deployment, args, ctx) => deploymentDrift(ctx, deployment, args),
      performance: (deployment, { metric }, ctx) => deploymentPerformance(ctx, deployment, metric),
    },
    ServingPerf: {
      __resolveReference: entityOfKind('SERVING_PERF'),
      ...assetFields,
      ...performanceFields,
      deployment: one('deployment_servingperf', 'IN', 'DEPLOYMENT'),
    },
    RunScore: {
      model: (score, _args, ctx) => runModel(score.run, _args, ctx),
    },
    LeaderboardEdge: {
      cursor: (edge, _args, ctx) => rankCursor(ctx, edge),
    },
  };
}
