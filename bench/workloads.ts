import { isKind, type AssetKind } from '../src/domain/kinds.js';
import { DEFAULT_LINEAGE_CAPS, lineageOptions, type LineageArgs } from '../src/domain/lineage.js';
import type { LineageDirection } from '../src/domain/relations.js';
import type { Store } from '../src/store/store.js';
import type { Probes } from './data/generate.js';

/**
 * The read workloads: each a GraphQL operation, executed by metalayer (on
 * its default executor, graphql-jit, and for W1–W4 on graphql-js too) and
 * by the naive server, and the store calls that produce the same data with
 * no GraphQL at all (the floor).
 */
export type VariantName = 'metalayer' | 'graphql-js' | 'naive' | 'store';

export interface ReadWorkload {
  id: string;
  title: string;
  query: string;
  /** The variables of the i-th execution. */
  variables(i: number): Record<string, unknown>;
  /** The i-th execution as raw store calls. */
  raw(store: Store, i: number): Promise<unknown>;
  /** The assets in an answer of the GraphQL operation. */
  answerSize(data: unknown): number;
  variants: readonly VariantName[];
}

const EVERY_FIELD = /* GraphQL */ `
  fragment EveryField on Asset {
    __typename id kind name version tag properties createdAt updatedAt
    ... on Project { description }
    ... on Dataset { description source statistics }
    ... on Featureset { description features { name dtype } }
    ... on Model { description task framework uri }
    ... on Run { runId status startedAt endedAt deploymentTag }
    ... on ModelParams { params }
    ... on DevPerf { metrics { name value } recordedAt }
    ... on Deployment { environment }
    ... on ServingPerf { metrics { name value } periodStart periodEnd }
  }`;

const W1_QUERY = /* GraphQL */ `
  query W1($id: ID!) {
    node(id: $id) {
      ... on Model {
        id
        upstream {
          truncated
          nodes { degree asset { ...EveryField } }
          edges { kind from { id kind } to { id kind } }
        }
      }
    }
  }
  ${EVERY_FIELD}`;

const W2_QUERY = /* GraphQL */ `
  query W2($project: ID!) {
    assets(kind: MODEL, filter: { project: $project }, first: 100) {
      edges {
        node {
          id name version
          ... on Model {
            producedBy {
              runId status startedAt
              params { params }
              devPerf { metrics { name value } }
              datasets { id name version }
              featuresets { id name version }
            }
          }
        }
      }
    }
  }`;

/** The downstream lineage of W3, which the HTTP run also sends. */
export const DOWNSTREAM_LINEAGE = /* GraphQL */ `
  query W3($id: ID!, $limit: Int, $kinds: [AssetKind!]) {
    node(id: $id) {
      ... on Dataset {
        id
        downstream(limit: $limit, kinds: $kinds) {
          truncated
          nodes { degree asset { __typename id kind name version } }
          edges { kind from { id } to { id } }
        }
      }
    }
  }`;

/**
 * W7: W1 as of an instant. The model is read as of it, so its upstream is
 * too (a record read as of an instant carries it to its lineage).
 */
const W7_QUERY = /* GraphQL */ `
  query W7($id: ID!, $asOf: DateTime!) {
    node(id: $id, asOf: $asOf) {
      ... on Model {
        id
        upstream {
          truncated
          nodes { degree asset { ...EveryField } }
          edges { kind from { id kind } to { id kind } }
        }
      }
    }
  }
  ${EVERY_FIELD}`;

/** W7-down: W3 as of an instant. */
const W7_DOWNSTREAM = /* GraphQL */ `
  query W7down($id: ID!, $asOf: DateTime!) {
    node(id: $id, asOf: $asOf) {
      ... on Dataset {
        id
        downstream {
          truncated
          nodes { degree asset { __typename id kind name version } }
          edges { kind from { id } to { id } }
        }
      }
    }
  }`;

const W4_QUERY = /* GraphQL */ `
  query W4($id: ID!) {
    node(id: $id) { id ... on Asset { kind name version } ... on Model { task framework uri } }
  }`;

const W10_QUERY = /* GraphQL */ `
  query W10($id: ID!) {
    node(id: $id) {
      ... on Deployment {
        drift { method threshold drifted baseline { id } current { id } features { name status score drifted rebinned } }
      }
    }
  }`;

/**
 * The store reads behind a deployment's drift: the deployment, its served
 * model and serving periods, the model's runs, the latest completed run's
 * datasets (the comparison itself is arithmetic on what they return).
 */
async function rawDrift(store: Store, id: string) {
  const [deployment] = await store.getAssets([id]);
  const [models = [], periods = []] = await store.neighbors([
    { id, relation: 'deployment_model', direction: 'OUT', asOf: null },
    { id, relation: 'deployment_servingperf', direction: 'OUT', asOf: null },
  ]);
  const runs = (await store.neighbors(models.slice(0, 1).map((m) => ({ id: m.id, relation: 'run_models', direction: 'OUT', asOf: null })))).flat();
  const completed = runs.filter(isKind('RUN')).filter((run) => run.status === 'COMPLETED').sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  const latest = completed.at(-1);
  const datasets = latest ? await store.neighbors([{ id: latest.id, relation: 'run_datasets', direction: 'OUT', asOf: null }]) : [];
  return { deployment, periods, datasets };
}

/** The GraphQL text of the point lookup, which the HTTP workload sends too. */
export const POINT_LOOKUP = W4_QUERY;

/** A lineage as the resolvers request it: `args` with the server's default caps, at `asOf` (null: now). */
async function rawLineage(store: Store, start: string, direction: LineageDirection, args: LineageArgs, asOf: string | null = null) {
  const [asset] = await store.getAssets([start], asOf);
  const [lineage] = await store.traverse([{ start, ...lineageOptions(direction, args, DEFAULT_LINEAGE_CAPS), asOf, scope: null }]);
  return { asset, lineage };
}

interface NodeData {
  node: { upstream?: { nodes: unknown[] }; downstream?: { nodes: unknown[] } } | null;
}

const lineageSize = (data: unknown) => {
  const node = (data as NodeData).node;
  return (node?.upstream ?? node?.downstream)?.nodes.length ?? 0;
};

function downstream(id: string, title: string, probes: Probes, args: { limit?: number; kinds?: AssetKind[] }, variants: readonly VariantName[]): ReadWorkload {
  return {
    id,
    title,
    query: DOWNSTREAM_LINEAGE,
    variables: () => ({ id: probes.rootDataset, ...args }),
    raw: (store) => rawLineage(store, probes.rootDataset, 'DOWNSTREAM', args),
    answerSize: lineageSize,
    variants,
  };
}

const ALL: readonly VariantName[] = ['metalayer', 'naive', 'store'];
/** W1–W4 also run metalayer on graphql-js, beside its compiled executor. */
const BOTH_EXECUTORS: readonly VariantName[] = ['metalayer', 'graphql-js', 'naive', 'store'];

const W9_QUERY = /* GraphQL */ `
  query W9($id: ID!) {
    node(id: $id) { id ... on Dataset { usage { runs models deployments } } }
  }`;

/** W9's floor: the dataset, then its usage, as the GraphQL answer needs them. */
async function rawUsage(store: Store, id: string) {
  const [asset] = await store.getAssets([id]);
  const [usage] = await store.usage([{ id, scope: null, asOf: null }]);
  return { asset, usage };
}

const W8_QUERY = /* GraphQL */ `
  query W8 {
    leaderboard(metric: "auc", order: DESC, first: 10) {
      edges { node { rank value run { id name } model { id name } } }
      pageInfo { hasNextPage }
    }
  }`;

/** W8's floor: the ranked page, then the page's models, as the GraphQL answer needs them. */
async function rawLeaderboard(store: Store) {
  const page = await store.rankRuns({
    metric: 'auc',
    order: 'DESC',
    selection: { project: null, model: null, downstreamOf: null, tag: null, status: null, since: null, until: null },
    bestPerModel: false,
    first: 10,
    after: null,
    asOf: null,
    scope: null,
  });
  const models = await store.neighbors(page.runs.map(({ run }) => ({ id: run.id, relation: 'run_models', direction: 'IN', asOf: null })));
  return { page, models };
}

/**
 * The read workloads on the generated graph. W7 reads as of `asOf`, an
 * instant after the graph was loaded (the load is one import, logged at one
 * instant), so its answers are W1's and W3's, read from the change log.
 */
export function readWorkloads(probes: Probes, asOf: string = new Date().toISOString()): ReadWorkload[] {
  return [
    {
      id: 'W1',
      title: 'full upstream of a deep model, every field',
      query: W1_QUERY,
      variables: () => ({ id: probes.deepModel }),
      raw: (store) => rawLineage(store, probes.deepModel, 'UPSTREAM', {}),
      answerSize: lineageSize,
      variants: BOTH_EXECUTORS,
    },
    {
      id: 'W2',
      title: '100 models with run, params, devPerf, datasets, featuresets',
      query: W2_QUERY,
      variables: () => ({ project: probes.pageProject }),
      raw: async (store) => {
        const page = await store.listAssets({
          kind: 'MODEL', nameContains: null, tag: null, project: probes.pageProject, environment: null,
          createdAfter: null, createdBefore: null, first: 100, after: null, asOf: null, scope: null,
        });
        const runs = (
          await store.neighbors(page.assets.map((m) => ({ id: m.id, relation: 'run_models', direction: 'OUT', asOf: null })))
        ).flat();
        const inputs = await store.neighbors(
          runs.flatMap((run) => [
            { id: run.id, relation: 'run_modelparams', direction: 'OUT', asOf: null },
            { id: run.id, relation: 'run_devperf', direction: 'OUT', asOf: null },
            { id: run.id, relation: 'run_datasets', direction: 'OUT', asOf: null },
            { id: run.id, relation: 'run_featuresets', direction: 'OUT', asOf: null },
          ] as const),
        );
        return { page, runs, inputs };
      },
      answerSize: (data) => (data as { assets: { edges: unknown[] } }).assets.edges.length,
      variants: BOTH_EXECUTORS,
    },
    downstream('W3', 'downstream of a root dataset, cut at the default limit (1,000)', probes, {}, BOTH_EXECUTORS),
    {
      id: 'W7',
      title: 'W1 as of an instant: the full upstream of a deep model, every field, from the change log',
      query: W7_QUERY,
      variables: () => ({ id: probes.deepModel, asOf }),
      raw: (store) => rawLineage(store, probes.deepModel, 'UPSTREAM', {}, asOf),
      answerSize: lineageSize,
      variants: ['metalayer', 'store'],
    },
    {
      id: 'W7-down',
      title: 'W3 as of an instant: downstream of a root dataset, cut at 1,000, from the change log',
      query: W7_DOWNSTREAM,
      variables: () => ({ id: probes.rootDataset, asOf }),
      raw: (store) => rawLineage(store, probes.rootDataset, 'DOWNSTREAM', {}, asOf),
      answerSize: lineageSize,
      variants: ['metalayer', 'store'],
    },
    downstream('W3-10k', 'the same, at the largest limit (10,000)', probes, { limit: 10_000 }, ALL),
    downstream('W3-visit', 'the same, only deployments: bounded by the visit limit', probes, { kinds: ['DEPLOYMENT'] }, ['metalayer', 'store']),
    {
      id: 'W4',
      title: 'point lookup by id',
      query: W4_QUERY,
      variables: (i) => ({ id: pick(probes.pointIds, i) }),
      raw: (store, i) => store.getAssets([pick(probes.pointIds, i)]),
      answerSize: (data) => ((data as NodeData).node ? 1 : 0),
      variants: BOTH_EXECUTORS,
    },
    {
      id: 'W10',
      title: 'drift of a deployment: its latest serving week against its training data',
      query: W10_QUERY,
      variables: () => ({ id: probes.driftDeployment }),
      raw: (store) => rawDrift(store, probes.driftDeployment),
      answerSize: (data) => {
        const drift = (data as { node: { drift: { baseline: unknown[] } | null } | null }).node?.drift;
        return drift ? drift.baseline.length + 1 : 0;
      },
      variants: ['metalayer', 'store'],
    },
    {
      id: 'W9',
      title: 'usage of a root dataset: distinct runs, models and deployments of its whole downstream lineage',
      query: W9_QUERY,
      variables: () => ({ id: probes.rootDataset }),
      raw: (store) => rawUsage(store, probes.rootDataset),
      answerSize: (data) => ((data as { node: { usage?: unknown } | null }).node?.usage ? 1 : 0),
      // The naive server has no usage: the floor is the store's own count.
      variants: ['metalayer', 'store'],
    },
    {
      id: 'W8',
      title: 'leaderboard: top 10 runs by a metric among all runs, with their models',
      query: W8_QUERY,
      variables: () => ({}),
      raw: (store) => rawLeaderboard(store),
      answerSize: (data) => (data as { leaderboard: { edges: unknown[] } }).leaderboard.edges.length,
      // The naive server has no leaderboard: the floor is the store's own ranking.
      variants: ['metalayer', 'store'],
    },
  ];
}

function pick(ids: readonly string[], i: number): string {
  const id = ids[i % ids.length];
  if (id === undefined) throw new Error('the generated graph has no point-lookup ids');
  return id;
}
