import { memoryStore, CATALOGUE } from '../helpers/assets.js';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { countingStore, type CountingStore } from '../helpers/counting-store.js';
import { seedFleet } from '../helpers/fleet.js';
import { composeSupergraph, startGateway, type RunningGateway } from '../helpers/gateway.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { startCostsSubgraph, startOwnersSubgraph, type RunningSubgraph } from '../helpers/subgraphs.js';

/**
 * A real federated graph, over real HTTP on 127.0.0.1: @apollo/gateway with
 * a supergraph composed from the SDL the running metalayer server hands out
 * (`_service { sdl }`, as `rover subgraph introspect` reads it) and from the
 * costs and owners subgraphs (test/helpers/subgraphs.ts). Store calls are
 * counted on metalayer's side.
 */

/** The demo's models, and the fleet's 100 models, which all cost less than them. */
const COSTS = new Map<string, number>([
  ['models/housing-gbm-tuned', 655.25],
  ['models/housing-gbm', 410.5],
  ...Array.from({ length: 100 }, (_, i): [string, number] => [`models/m-${String(i).padStart(3, '0')}`, 100 - i]),
]);

const OWNERS = new Map([
  ['datasets/census-1990-v3', 'data-platform'],
  ['featuresets/housing-geo', 'data-platform'],
  ['deployment/housing-prod', 'pricing'],
  ['models/housing-gbm-tuned', 'pricing'],
]);

let store: CountingStore;
let metalayer: RunningServer;
let costs: RunningSubgraph;
let owners: RunningSubgraph;
let gateway: RunningGateway;

beforeAll(async () => {
  store = countingStore(memoryStore());
  metalayer = await startServer({}, store);
  await seedHousingDemo(store, CATALOGUE);
  await seedFleet(store, 100);
  costs = await startCostsSubgraph(COSTS);
  owners = await startOwnersSubgraph(OWNERS);
  const { body } = await metalayer.post({ query: '{ _service { sdl } }' });
  const supergraphSdl = composeSupergraph([
    { name: 'metalayer', url: `${metalayer.url}/graphql`, typeDefs: parse(body.data._service.sdl) },
    { name: 'costs', url: costs.url, typeDefs: costs.typeDefs },
    { name: 'owners', url: owners.url, typeDefs: owners.typeDefs },
  ]);
  gateway = await startGateway(supergraphSdl);
});
afterAll(async () => {
  await gateway?.stop();
  await owners?.stop();
  await costs?.stop();
  await metalayer?.server.stop();
});
beforeEach(() => store.reset());

describe('a gateway over metalayer and two other subgraphs', () => {
  test('a model and its upstream models, with their costs from the other subgraph', async () => {
    const { status, data, errors } = await gateway.post(`{
      node(id: "models/housing-gbm-tuned") {
        ... on Model {
          id name version costPerMonth
          upstream(kinds: [MODEL]) { nodes { degree asset { ... on Model { id name costPerMonth } } } }
        }
      }
    }`);

    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    expect(data).toEqual({
      node: {
        id: 'models/housing-gbm-tuned',
        name: 'Housing gradient boosting',
        version: 'tuned',
        costPerMonth: 655.25,
        upstream: {
          nodes: [{ degree: 1, asset: { id: 'models/housing-gbm', name: 'Housing gradient boosting', costPerMonth: 410.5 } }],
        },
      },
    });
    // One request to metalayer: the model, then its lineage.
    expect(store.calls).toEqual([
      { operation: 'getAssets', batch: 1 },
      { operation: 'traverse', batch: 1 },
    ]);
  });

  test('models listed by the costs subgraph, with their runs from metalayer', async () => {
    const { data, errors } = await gateway.post(`{
      costliestModels(first: 2) {
        nodes {
          id name version costPerMonth
          producedBy { runId devPerf { rmse: metric(name: "rmse") } }
        }
        pageInfo { hasNextPage endCursor }
      }
    }`);

    expect(errors).toBeUndefined();
    expect(data).toEqual({
      costliestModels: {
        nodes: [
          {
            id: 'models/housing-gbm-tuned',
            name: 'Housing gradient boosting',
            version: 'tuned',
            costPerMonth: 655.25,
            producedBy: [{ runId: 'run-003', devPerf: { rmse: 46300 } }],
          },
          {
            id: 'models/housing-gbm',
            name: 'Housing gradient boosting',
            version: null,
            costPerMonth: 410.5,
            producedBy: [{ runId: 'run-002', devPerf: { rmse: 49120 } }],
          },
        ],
        pageInfo: { hasNextPage: true, endCursor: '1' },
      },
    });
    // metalayer's _entities for both models: one getAssets, then one call per relation level.
    expect(store.calls).toEqual([
      { operation: 'getAssets', batch: 2 },
      { operation: 'neighbors', batch: 2 },
      { operation: 'neighbors', batch: 2 },
    ]);
  });

  test("the gateway's _entities request for 100 models costs metalayer one store call", async () => {
    const { data, errors } = await gateway.post<{ costliestModels: { nodes: { id: string; name: string; framework: string | null }[] } }>(
      `{ costliestModels(first: 100, after: "1") { nodes { id name ... on Model { framework } } } }`,
    );

    expect(errors).toBeUndefined();
    const nodes = data?.costliestModels.nodes ?? [];
    expect(nodes).toHaveLength(100);
    expect(nodes[0]).toEqual({ id: 'models/m-000', name: 'm-000', framework: 'xgboost' });
    expect(nodes[99]).toEqual({ id: 'models/m-099', name: 'm-099', framework: 'xgboost' });
    expect(store.calls).toEqual([{ operation: 'getAssets', batch: 100 }]);
  });

  test('a field the owners subgraph adds to every asset, through the Asset entity interface', async () => {
    const { data, errors } = await gateway.post(`{
      node(id: "datasets/census-1990-v3") {
        ... on Asset {
          id owner
          downstream(kinds: [DEPLOYMENT, RUN]) { nodes { asset { id owner } } }
        }
      }
    }`);

    expect(errors).toBeUndefined();
    expect(data).toEqual({
      node: {
        id: 'datasets/census-1990-v3',
        owner: 'data-platform',
        downstream: {
          nodes: [
            { asset: { id: 'run/run-002', owner: 'unassigned' } },
            { asset: { id: 'run/run-003', owner: 'unassigned' } },
            { asset: { id: 'deployment/housing-prod', owner: 'pricing' } },
          ],
        },
      },
    });
  });

  test('assets listed by the owners subgraph resolve to their types through metalayer, in one store call', async () => {
    const { data, errors } = await gateway.post(`{
      ownedAssets(team: "pricing") {
        __typename id name owner
        ... on Model { framework }
        ... on Deployment { environment }
      }
    }`);

    expect(errors).toBeUndefined();
    expect(data).toEqual({
      ownedAssets: [
        { __typename: 'Deployment', id: 'deployment/housing-prod', name: 'Housing prices production', owner: 'pricing', environment: 'production' },
        { __typename: 'Model', id: 'models/housing-gbm-tuned', name: 'Housing gradient boosting', owner: 'pricing', framework: 'lightgbm' },
      ],
    });
    expect(store.calls).toEqual([{ operation: 'getAssets', batch: 2 }]);
  });
});

describe('subscriptions', () => {
  test('compose into the supergraph, but the gateway does not carry them: clients subscribe to metalayer directly', async () => {
    const introspected = await gateway.post('{ __schema { subscriptionType { fields { name } } } }');
    expect(introspected.data).toEqual({ __schema: { subscriptionType: { fields: [{ name: 'changes' }] } } });
    const { status, data, errors } = await gateway.post('subscription { changes { sequence } }');
    expect(status).toBe(500);
    expect(data).toBeUndefined();
    expect(errors).toEqual([{ message: 'Execution of subscriptions not supported by gateway', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(store.calls).toEqual([]);
  });
});
