import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import type { Catalogue } from '../../src/domain/catalogue.js';
import { isChange } from '../../src/domain/changes.js';
import { tryParseId } from '../../src/domain/ids.js';
import { isBuiltinKind, type AssetKind, type AssetRecord, type BuiltinKind, type Metrics, type RecordOf } from '../../src/domain/kinds.js';
import { DEFAULT_LINEAGE_CAPS, lineageOptions, type LineageArgs } from '../../src/domain/lineage.js';
import type { EdgeDirection, LineageDirection, RelationName } from '../../src/domain/relations.js';
import { readTypeDefs } from '../../src/graphql/index.js';
import type { Resolvers } from '../../src/graphql/generated/resolvers.js';
import { DateTimeScalar, JSONScalar } from '../../src/graphql/resolvers/scalars.js';
import type { Store } from '../../src/store/store.js';
import { naiveLineage } from './lineage.js';

/**
 * The naive variant: metalayer's schema (schema.graphql, built the way
 * src/graphql/schema.ts builds it) served by the resolvers most hand-written
 * GraphQL servers start with. Each resolver calls the store once for its own
 * parent and field, with no DataLoader, so a list of N parents costs N calls
 * per field: the N+1 server metalayer is measured against. Benchmark only.
 *
 * The scalars are metalayer's own, so the comparison is of resolvers alone.
 */
export interface NaiveContext {
  store: Store;
  catalogue: Catalogue;
}

const first = async (store: Store, id: string): Promise<AssetRecord | null> => (await store.getAssets([id]))[0] ?? null;

function neighbors(relation: RelationName, direction: EdgeDirection) {
  return async (parent: AssetRecord, _args: unknown, ctx: NaiveContext): Promise<AssetRecord[]> =>
    (await ctx.store.neighbors([{ id: parent.id, relation, direction, asOf: null }]))[0] ?? [];
}

function many<K extends AssetKind>(relation: RelationName, direction: EdgeDirection, kind: K) {
  const load = neighbors(relation, direction);
  return async (parent: AssetRecord, args: unknown, ctx: NaiveContext): Promise<RecordOf<K>[]> =>
    (await load(parent, args, ctx)).filter((asset): asset is RecordOf<K> => asset.kind === kind);
}

function one<K extends AssetKind>(relation: RelationName, direction: EdgeDirection, kind: K) {
  const list = many(relation, direction, kind);
  return async (parent: AssetRecord, args: unknown, ctx: NaiveContext): Promise<RecordOf<K> | null> =>
    (await list(parent, args, ctx))[0] ?? null;
}

function lineage(direction: LineageDirection) {
  return async (asset: AssetRecord, args: LineageArgs, ctx: NaiveContext) => ({
    ...(await naiveLineage(ctx.store, ctx.catalogue, asset.id, lineageOptions(direction, args, DEFAULT_LINEAGE_CAPS))),
    restricted: 0,
  });
}

const TYPE_OF_KIND = {
  PROJECT: 'Project',
  DATASET: 'Dataset',
  FEATURESET: 'Featureset',
  MODEL: 'Model',
  RUN: 'Run',
  MODEL_PARAMS: 'ModelParams',
  DEV_PERF: 'DevPerf',
  DEPLOYMENT: 'Deployment',
  SERVING_PERF: 'ServingPerf',
} as const satisfies Record<BuiltinKind, string>;

// The naive variant serves the built-in kinds only.
const typeName = (asset: AssetRecord) => {
  if (!isBuiltinKind(asset.kind)) throw new Error(`The naive variant has no type for ${asset.kind}`);
  return TYPE_OF_KIND[asset.kind];
};

const assetFields = {
  derivedFrom: neighbors('derived_from', 'OUT'),
  derivatives: neighbors('derived_from', 'IN'),
  upstream: lineage('UPSTREAM'),
  downstream: lineage('DOWNSTREAM'),
};

const performanceFields = {
  metrics: (perf: { metrics: Metrics }) =>
    Object.entries(perf.metrics)
      .map(([name, value]) => ({ name, value }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  metric: (perf: { metrics: Metrics }, { name }: { name: string }) =>
    Object.hasOwn(perf.metrics, name) ? (perf.metrics[name] ?? null) : null,
};

const cursor = (asset: AssetRecord) => Buffer.from(JSON.stringify([asset.createdAt, asset.id])).toString('base64url');

const naiveResolvers: Resolvers<NaiveContext> = {
  JSON: JSONScalar,
  DateTime: DateTimeScalar,
  Query: {
    node: (_root, { id }, ctx) => (tryParseId(id, ctx.catalogue) ? first(ctx.store, id) : null),
    nodes: (_root, { ids }, ctx) => Promise.all(ids.map((id) => (tryParseId(id, ctx.catalogue) ? first(ctx.store, id) : null))),
    assets: async (_root, args, ctx) => {
      const page = await ctx.store.listAssets({
        kind: args.kind ?? null,
        nameContains: args.filter?.nameContains ?? null,
        tag: args.filter?.tag ?? null,
        project: args.filter?.project ?? null,
        environment: args.filter?.environment ?? null,
        createdAfter: args.filter?.createdAfter ?? null,
        createdBefore: args.filter?.createdBefore ?? null,
        first: args.first ?? 20,
        after: null,
        asOf: null,
        scope: null,
      });
      const edges = page.assets.map((node) => ({ cursor: cursor(node), node }));
      return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  },
  Node: { __resolveType: (node) => (isChange(node) ? 'Change' : typeName(node)) },
  Asset: { __resolveType: typeName },
  Project: { ...assetFields, models: many('project_models', 'OUT', 'MODEL') },
  Dataset: {
    ...assetFields,
    featuresets: many('featureset_dataset', 'IN', 'FEATURESET'),
    runs: many('run_datasets', 'IN', 'RUN'),
  },
  Featureset: {
    ...assetFields,
    datasets: many('featureset_dataset', 'OUT', 'DATASET'),
    runs: many('run_featuresets', 'IN', 'RUN'),
    deployments: many('deployment_featureset', 'IN', 'DEPLOYMENT'),
  },
  Model: {
    ...assetFields,
    project: one('project_models', 'IN', 'PROJECT'),
    producedBy: many('run_models', 'OUT', 'RUN'),
    deployments: many('deployment_model', 'IN', 'DEPLOYMENT'),
  },
  Run: {
    ...assetFields,
    model: one('run_models', 'IN', 'MODEL'),
    params: one('run_modelparams', 'OUT', 'MODEL_PARAMS'),
    datasets: many('run_datasets', 'OUT', 'DATASET'),
    featuresets: many('run_featuresets', 'OUT', 'FEATURESET'),
    devPerf: one('run_devperf', 'OUT', 'DEV_PERF'),
  },
  ModelParams: {
    ...assetFields,
    run: one('run_modelparams', 'IN', 'RUN'),
    deployments: many('deployment_modelparams', 'IN', 'DEPLOYMENT'),
  },
  DevPerf: { ...assetFields, ...performanceFields, run: one('run_devperf', 'IN', 'RUN') },
  Deployment: {
    ...assetFields,
    model: one('deployment_model', 'OUT', 'MODEL'),
    params: one('deployment_modelparams', 'OUT', 'MODEL_PARAMS'),
    featureset: one('deployment_featureset', 'OUT', 'FEATURESET'),
    servingPerf: many('deployment_servingperf', 'OUT', 'SERVING_PERF'),
  },
  ServingPerf: { ...assetFields, ...performanceFields, deployment: one('deployment_servingperf', 'IN', 'DEPLOYMENT') },
  LineageEdge: {
    kind: (edge) => edge.relation,
    from: async (edge, _args, ctx) => required(await first(ctx.store, edge.from), edge.from),
    to: async (edge, _args, ctx) => required(await first(ctx.store, edge.to), edge.to),
  },
};

function required(asset: AssetRecord | null, id: string): AssetRecord {
  if (!asset) throw new Error(`A lineage edge ends at "${id}", which the store does not hold`);
  return asset;
}

export function buildNaiveSchema(): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: parse(readTypeDefs()), resolvers: naiveResolvers }]);
}
