import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { createMetalayerClient } from '../../examples/client/client.js';
import {
  cachedAsset,
  compareRuns,
  datasetImpact,
  modelProvenance,
  searchAssets,
  tagAsset,
} from '../../examples/client/lineage.js';
import { ModelProvenanceDocument } from '../../examples/client/generated/graphql.js';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { CATALOGUE } from '../helpers/assets.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * The example client (examples/client) against the running server: Apollo
 * Client 4 in Node, typed documents from examples/operations, and the
 * generated possibleTypes. Every request the client sends is recorded, so
 * "answered from the cache" means no request was sent.
 */

let running: RunningServer;
let client: ApolloClient;
const sent: string[] = [];

const recordingFetch: typeof fetch = (input, init) => {
  const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : null;
  sent.push(body !== null && typeof body === 'object' && 'operationName' in body ? String(body.operationName) : '?');
  return fetch(input, init);
};

beforeAll(async () => {
  running = await startServer();
  await seedHousingDemo(running.store, CATALOGUE);
});
afterAll(async () => {
  await running.server.stop();
});
beforeEach(() => {
  client = createMetalayerClient(`${running.url}/graphql`, recordingFetch);
  sent.length = 0;
});

describe('Apollo Client against metalayer', () => {
  test('model provenance: the lineage, typed, with ids and __typename on every asset', async () => {
    const model = await modelProvenance(client, 'models/housing-gbm-tuned');

    expect(sent).toEqual(['ModelProvenance']);
    expect(model).toMatchObject({ __typename: 'Model', id: 'models/housing-gbm-tuned', version: 'tuned', framework: 'lightgbm' });
    expect(model?.upstream.truncated).toBe(false);
    expect(model?.upstream.nodes.map(({ degree, asset }) => [asset.__typename, asset.id, degree])).toEqual([
      ['Model', 'models/housing-gbm', 1],
      ['Run', 'run/run-003', 1],
      ['Dataset', 'datasets/census-1990-v3', 2],
      ['Featureset', 'featuresets/housing-geo', 2],
      ['ModelParams', 'modelparams/run-003', 2],
      ['Run', 'run/run-002', 2],
      ['Dataset', 'datasets/census-1990-v2', 3],
      ['ModelParams', 'modelparams/run-002', 3],
      ['Dataset', 'datasets/census-1990-v1', 4],
    ]);
  });

  test('an asset of the lineage is then answered by node(id) from the cache, without a request', async () => {
    await modelProvenance(client, 'models/housing-gbm-tuned');
    const dataset = await cachedAsset(client, 'datasets/census-1990-v1');

    expect(sent).toEqual(['ModelProvenance']);
    expect(dataset).toEqual({
      __typename: 'Dataset',
      id: 'datasets/census-1990-v1',
      kind: 'DATASET',
      name: 'California housing census',
      version: '1',
      tag: 'raw',
    });
    // An asset no query has brought is not in the cache.
    expect(await cachedAsset(client, 'deployment/housing-prod')).toBeNull();
  });

  test("a mutation's payload updates the cached asset, and the lineage that shows it", async () => {
    await modelProvenance(client, 'models/housing-gbm-tuned');
    const tagged = await tagAsset(client, 'datasets/census-1990-v1', 'archived');
    expect(tagged).toMatchObject({ __typename: 'Dataset', id: 'datasets/census-1990-v1', tag: 'archived' });

    const again = await modelProvenance(client, 'models/housing-gbm-tuned');
    expect(sent).toEqual(['ModelProvenance', 'TagAsset']);
    expect(again?.upstream.nodes.find(({ asset }) => asset.id === 'datasets/census-1990-v1')?.asset.tag).toBe('archived');
    expect((await cachedAsset(client, 'datasets/census-1990-v1'))?.tag).toBe('archived');

    await tagAsset(client, 'datasets/census-1990-v1', 'raw');
  });

  test('dataset impact: the models and deployments derived from a dataset', async () => {
    const dataset = await datasetImpact(client, 'datasets/census-1990-v2');

    // v2 → run-001 → the linear model; v2 → v3 → run-002, run-003 → the boosted models; v3 → geo features → the deployment.
    expect(dataset?.downstream.nodes.map(({ degree, asset }) => [asset.id, degree])).toEqual([
      ['models/housing-linear', 2],
      ['deployment/housing-prod', 3],
      ['models/housing-gbm', 3],
      ['models/housing-gbm-tuned', 3],
    ]);
    const deployment = dataset?.downstream.nodes.find(({ asset }) => asset.__typename === 'Deployment')?.asset;
    expect(deployment).toMatchObject({ environment: 'production', model: { id: 'models/housing-gbm-tuned' } });
  });

  test('compare runs: parameters and metrics of the runs that produced a model', async () => {
    const model = await compareRuns(client, 'models/housing-gbm');

    expect(model?.producedBy).toEqual([
      expect.objectContaining({
        id: 'run/run-002',
        runId: 'run-002',
        status: 'COMPLETED',
        params: { __typename: 'ModelParams', id: 'modelparams/run-002', params: { num_leaves: 31, learning_rate: 0.1, n_estimators: 400 } },
        devPerf: {
          __typename: 'DevPerf',
          id: 'devperf/run-002',
          metrics: [
            { __typename: 'Metric', name: 'r2', value: 0.82 },
            { __typename: 'Metric', name: 'rmse', value: 49120 },
          ],
        },
        datasets: [expect.objectContaining({ id: 'datasets/census-1990-v3', version: '3' })],
      }),
    ]);
  });

  test('search by name and kind, a page at a time', async () => {
    const first = await searchAssets(client, { nameContains: 'housing', kind: 'MODEL', first: 2 });
    expect(first?.edges.map(({ node }) => node.id)).toEqual(['models/housing-gbm', 'models/housing-gbm-tuned']);
    expect(first?.pageInfo.hasNextPage).toBe(true);

    const second = await searchAssets(client, { nameContains: 'housing', kind: 'MODEL', first: 2, after: first?.pageInfo.endCursor ?? undefined });
    expect(second?.edges.map(({ node }) => node.id)).toEqual(['models/housing-linear']);
    expect(second?.pageInfo.hasNextPage).toBe(false);
  });

  test('without possibleTypes, fragments on the Asset interface would not match: the lineage loses its fields', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const bare = new ApolloClient({ link: new HttpLink({ uri: `${running.url}/graphql` }), cache: new InMemoryCache() });
      const { data } = await bare.query({ query: ModelProvenanceDocument, variables: { id: 'models/housing-gbm-tuned' } });
      const node = data?.node;
      const assets = node?.__typename === 'Model' ? node.upstream.nodes.map(({ asset }) => asset) : [];
      expect(assets[0]).toEqual({ __typename: 'Model' });
      expect(String(warn.mock.calls[0]?.[0])).toContain('missing `possibleTypes` entry');
    } finally {
      warn.mockRestore();
    }
  });
});
