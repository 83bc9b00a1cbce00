import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_LINEAGE_CAPS } from '../../src/domain/lineage.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { PIPELINE, seedPipeline } from '../helpers/pipeline.js';

interface LineageData {
  nodes: { degree: number; asset: { id: string } }[];
  edges: { kind: string; from: { id: string }; to: { id: string } }[];
  truncated: boolean;
}

/** Edges as `from -kind-> to` strings, sorted: the engine's edge order is not part of the contract. */
const edgeList = (lineage: LineageData) => lineage.edges.map((e) => `${e.from.id} -${e.kind}-> ${e.to.id}`).sort();
const nodeList = (lineage: LineageData) => lineage.nodes.map((n) => [n.asset.id, n.degree]);

const LINEAGE_FIELDS = `nodes { degree asset { id } } edges { kind from { id } to { id } } truncated`;

let api: TestApi;
beforeEach(async () => {
  api = createTestApi({ lineageCaps: { ...DEFAULT_LINEAGE_CAPS, defaultDepth: 5, maxDepth: 5, defaultLimit: 50, maxLimit: 50 } });
  await seedPipeline(api);
});
afterEach(() => api.close());

async function lineageOf(id: string, field: string): Promise<LineageData> {
  const data = await api.data<{ node: { lineage: LineageData } }>(`{ node(id: "${id}") { ... on Asset { lineage: ${field} { ${LINEAGE_FIELDS} } } } }`);
  return data.node.lineage;
}

describe('upstream', () => {
  test('is everything the asset came from, nearest first, with the relations among them', async () => {
    const lineage = await lineageOf(PIPELINE.deployment, 'upstream');
    expect(nodeList(lineage)).toEqual([
      [PIPELINE.featureset, 1],
      [PIPELINE.params, 1],
      [PIPELINE.model, 1],
      [PIPELINE.datasetV2, 2],
      [PIPELINE.run, 2],
      [PIPELINE.datasetV1, 3],
    ]);
    expect(edgeList(lineage)).toEqual([
      `${PIPELINE.datasetV2} -derived_from-> ${PIPELINE.datasetV1}`,
      `${PIPELINE.deployment} -deployment_featureset-> ${PIPELINE.featureset}`,
      `${PIPELINE.deployment} -deployment_model-> ${PIPELINE.model}`,
      `${PIPELINE.deployment} -deployment_modelparams-> ${PIPELINE.params}`,
      `${PIPELINE.featureset} -featureset_dataset-> ${PIPELINE.datasetV2}`,
      `${PIPELINE.model} -run_models-> ${PIPELINE.run}`,
      `${PIPELINE.run} -run_datasets-> ${PIPELINE.datasetV2}`,
      `${PIPELINE.run} -run_featuresets-> ${PIPELINE.featureset}`,
      `${PIPELINE.run} -run_modelparams-> ${PIPELINE.params}`,
    ]);
    expect(lineage.truncated).toBe(false);
  });

  test('depth bounds the hops and says so', async () => {
    const lineage = await lineageOf(PIPELINE.deployment, 'upstream(depth: 1)');
    expect(nodeList(lineage)).toEqual([
      [PIPELINE.featureset, 1],
      [PIPELINE.params, 1],
      [PIPELINE.model, 1],
    ]);
    expect(lineage.truncated).toBe(true);
  });

  test('kinds selects what is returned while the traversal passes through the rest', async () => {
    const lineage = await lineageOf(PIPELINE.deployment, 'upstream(kinds: [DATASET])');
    expect(nodeList(lineage)).toEqual([
      [PIPELINE.datasetV2, 2],
      [PIPELINE.datasetV1, 3],
    ]);
    expect(edgeList(lineage)).toEqual([`${PIPELINE.datasetV2} -derived_from-> ${PIPELINE.datasetV1}`]);
  });

  test('limit keeps the nearest assets and marks the result truncated', async () => {
    const lineage = await lineageOf(PIPELINE.deployment, 'upstream(limit: 2)');
    expect(nodeList(lineage)).toEqual([
      [PIPELINE.featureset, 1],
      [PIPELINE.params, 1],
    ]);
    expect(lineage.truncated).toBe(true);
  });
});

describe('downstream', () => {
  test('is everything derived from the asset', async () => {
    const lineage = await lineageOf(PIPELINE.datasetV1, 'downstream');
    expect(nodeList(lineage)).toEqual([
      [PIPELINE.datasetV2, 1],
      [PIPELINE.featureset, 2],
      [PIPELINE.run, 2],
      [PIPELINE.deployment, 3],
      [PIPELINE.devPerf, 3],
      [PIPELINE.model, 3],
      [PIPELINE.servingPerf, 4],
    ]);
    expect(lineage.truncated).toBe(false);
  });

  test('answers "every production deployment derived from this dataset"', async () => {
    const data = await api.data(`{
      node(id: "${PIPELINE.datasetV1}") {
        ... on Dataset { downstream(kinds: [DEPLOYMENT]) { nodes { degree asset { ... on Deployment { id environment model { name } } } } } }
      }
    }`);
    expect(data).toEqual({
      node: {
        downstream: {
          nodes: [{ degree: 3, asset: { id: PIPELINE.deployment, environment: 'production', model: { name: 'churn-xgb' } } }],
        },
      },
    });
  });

  test('containment is not lineage: a project has no downstream', async () => {
    const lineage = await lineageOf(PIPELINE.project, 'downstream');
    expect(lineage).toEqual({ nodes: [], edges: [], truncated: false });
  });
});

describe('server-side caps', () => {
  test('a depth over the cap is BAD_USER_INPUT', async () => {
    const error = onlyError(
      await api.execute(`{ node(id: "${PIPELINE.model}") { ... on Model { upstream(depth: 6) { truncated } } } }`),
    );
    expect(error).toMatchObject({
      message: 'depth: expected an integer from 1 to 5, received 6',
      path: ['node', 'upstream'],
      extensions: { code: 'BAD_USER_INPUT', field: 'depth' },
    });
  });

  test('a limit over the cap is BAD_USER_INPUT', async () => {
    const error = onlyError(
      await api.execute(`{ node(id: "${PIPELINE.model}") { ... on Model { downstream(limit: 51) { truncated } } } }`),
    );
    expect(error.message).toBe('limit: expected an integer from 1 to 50, received 51');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'limit' });
  });

  test('a depth below 1 is BAD_USER_INPUT', async () => {
    const error = onlyError(
      await api.execute(`{ node(id: "${PIPELINE.model}") { ... on Model { upstream(depth: 0) { truncated } } } }`),
    );
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'depth' });
  });

  test('without arguments the server’s default depth applies', async () => {
    const deep = createTestApi({ lineageCaps: { ...DEFAULT_LINEAGE_CAPS, defaultDepth: 2 } });
    try {
      await seedPipeline(deep);
      const data = await deep.data<{ node: { upstream: LineageData } }>(
        `{ node(id: "${PIPELINE.deployment}") { ... on Asset { upstream { ${LINEAGE_FIELDS} } } } }`,
      );
      expect(data.node.upstream.nodes.map((n) => n.degree)).toEqual([1, 1, 1, 2, 2]);
      expect(data.node.upstream.truncated).toBe(true);
    } finally {
      await deep.close();
    }
  });
});
