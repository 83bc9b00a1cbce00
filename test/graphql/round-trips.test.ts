import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { seedFleet } from '../helpers/fleet.js';
import { createTestApi, type TestApi } from '../helpers/graphql.js';
import { viewer } from '../helpers/projects.js';

/**
 * The round-trip contract (DESIGN.md), counted at the store port: every call
 * the GraphQL layer makes is recorded with its batch size, and the whole
 * sequence is asserted, not just a bound.
 */

let api: TestApi;
beforeEach(() => {
  api = createTestApi();
});
afterEach(() => api.close());

/** Every scalar field of every kind a model's upstream holds, and the edges with both ends. */
const FULL_UPSTREAM = `
  upstream {
    truncated
    nodes {
      degree
      asset {
        __typename id kind name version tag properties createdAt updatedAt
        ... on Run { runId status startedAt endedAt deploymentTag }
        ... on ModelParams { params }
        ... on Dataset { description source statistics }
        ... on Featureset { description features { name dtype } }
      }
    }
    edges { kind from { id name kind } to { id name kind } }
  }`;

interface UpstreamData {
  upstream: {
    truncated: boolean;
    nodes: { degree: number; asset: { id: string } }[];
    edges: { kind: string; from: { id: string }; to: { id: string } }[];
  };
}

describe('lineage', () => {
  test('the full upstream of 50 models: one getAssets for the starts, one traverse for all lineages', async () => {
    const { models } = await seedFleet(api.store, 50);
    api.store.reset();

    const data = await api.data<{ nodes: (UpstreamData & { id: string })[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Model { id ${FULL_UPSTREAM} } } }`,
      { ids: models },
    );

    expect(api.store.calls).toEqual([
      { operation: 'getAssets', batch: 50 },
      { operation: 'traverse', batch: 50 },
    ]);
    expect(data.nodes).toHaveLength(50);
    const first = data.nodes[0];
    expect(first?.id).toBe('models/m-000');
    expect(first?.upstream.truncated).toBe(false);
    expect(first?.upstream.nodes.map((n) => [n.asset.id, n.degree])).toEqual([
      ['run/r-000', 1],
      ['datasets/ds-0', 2],
      ['featuresets/fs-0', 2],
      ['modelparams/r-000', 2],
      ['datasets/base', 3],
    ]);
    // run_models, run_modelparams, run_datasets, run_featuresets, featureset_dataset, derived_from
    expect(first?.upstream.edges).toHaveLength(6);
    expect(first?.upstream.edges).toContainEqual({
      kind: 'run_models',
      from: { id: 'models/m-000', name: 'm-000', kind: 'MODEL' },
      to: { id: 'run/r-000', name: 'r-000', kind: 'RUN' },
    });
  });

  test('the same 50 upstreams as of an instant: historyStart, then the same two calls, and the same answer', async () => {
    const { models } = await seedFleet(api.store, 50);
    const query = `query ($ids: [ID!]!, $asOf: DateTime) { nodes(ids: $ids, asOf: $asOf) { ... on Model { id ${FULL_UPSTREAM} } } }`;
    const now = await api.data(query, { ids: models });
    api.store.reset();
    const asOf = await api.data(query, { ids: models, asOf: new Date().toISOString() });
    expect(api.store.calls).toEqual([
      { operation: 'historyStart', batch: 1 },
      { operation: 'getAssets', batch: 50 },
      { operation: 'traverse', batch: 50 },
    ]);
    expect(asOf).toEqual(now);
  });

  test('lineages of a listed page: one listAssets, one traverse, whatever the page size', async () => {
    await seedFleet(api.store, 50);
    for (const size of [5, 50]) {
      api.store.reset();
      const data = await api.data<{ assets: { edges: { node: UpstreamData }[] } }>(
        `{ assets(kind: MODEL, first: ${size}) { edges { node { ... on Model { ${FULL_UPSTREAM} } } } } }`,
      );
      expect(api.store.calls).toEqual([
        { operation: 'listAssets', batch: 1 },
        { operation: 'traverse', batch: size },
      ]);
      expect(data.assets.edges.every((e) => e.node.upstream.nodes.length === 5)).toBe(true);
    }
  });

  test('upstream and downstream of the same assets share one traverse call', async () => {
    const { models } = await seedFleet(api.store, 10);
    api.store.reset();
    await api.data(`query ($ids: [ID!]!) {
      nodes(ids: $ids) { ... on Model { upstream { nodes { degree } } downstream { nodes { degree } } } }
    }`, { ids: models });
    expect(api.store.calls).toEqual([
      { operation: 'getAssets', batch: 10 },
      { operation: 'traverse', batch: 20 },
    ]);
  });
});

describe('one-hop relation fields', () => {
  test('100 models with their runs’ params, performance, datasets and featuresets: three calls', async () => {
    await seedFleet(api.store, 100);
    api.store.reset();

    const data = await api.data<{
      assets: { edges: { node: { producedBy: { runId: string; params: { params: unknown }; datasets: { name: string }[] }[] } }[] };
    }>(`{
      assets(kind: MODEL, first: 100) {
        edges { node { ... on Model {
          producedBy {
            runId
            params { params }
            devPerf { metrics { name value } }
            datasets { name }
            featuresets { name features { name dtype } }
          }
        } } }
      }
    }`);

    // Level 1: 100 producedBy requests; level 2: four relations of 100 runs, in one batch.
    expect(api.store.calls).toEqual([
      { operation: 'listAssets', batch: 1 },
      { operation: 'neighbors', batch: 100 },
      { operation: 'neighbors', batch: 400 },
    ]);
    expect(data.assets.edges).toHaveLength(100);
    expect(data.assets.edges[7]?.node.producedBy).toEqual([
      expect.objectContaining({ runId: 'r-007', params: { params: { depth: 7 } }, datasets: [{ name: 'ds-2' }] }),
    ]);
  });

  test.each([10, 40])('%i listed models with relation fields nested five levels deep: six calls', async (size) => {
    await seedFleet(api.store, size);
    api.store.reset();
    await api.data(`{
      assets(kind: MODEL, first: ${size}) {
        edges { node { ... on Model {
          project { name }
          producedBy {
            datasets {
              featuresets {
                deployments {
                  servingPerf { metrics { name value } }
                }
              }
            }
          }
        } } }
      }
    }`);
    expect(api.store.calls.map((c) => c.operation)).toEqual([
      'listAssets',
      'neighbors',
      'neighbors',
      'neighbors',
      'neighbors',
      'neighbors',
    ]);
  });
});

/**
 * For a viewer scoped to projects, listings and lineages are scoped by the
 * store in the same call (ListQuery.scope, TraverseRequest.scope); every
 * other asset a level of the query returns has its ownership checked
 * through the owners loader: one `owners` call per level, none for
 * datasets, featuresets and projects (their owners follow from their kind)
 * and none for assets already checked. The guarantee: a list with relation
 * fields nested L levels deep costs at most 2(L + 1) calls, a lineage
 * level two (traverse, and the starts' owners).
 */
describe('for a viewer scoped to projects', () => {
  const FLEET_READER = viewer('reader', 'project/fleet');

  test('the full upstream of 50 models: the starts, their owners, one traverse', async () => {
    const { models } = await seedFleet(api.store, 50);
    api.store.reset();
    const data = await api.data<{ nodes: (UpstreamData & { id: string })[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Model { id ${FULL_UPSTREAM} } } }`,
      { ids: models },
      FLEET_READER,
    );
    expect(api.store.calls).toEqual([
      { operation: 'getAssets', batch: 50 },
      { operation: 'owners', batch: 50 }, // each model's projects
      { operation: 'traverse', batch: 50 }, // scoped in the store: nothing to check after it
    ]);
    expect(data.nodes[0]?.upstream.nodes).toHaveLength(5);
  });

  test('100 models with their runs’ params, performance, datasets and featuresets: five calls', async () => {
    await seedFleet(api.store, 100);
    api.store.reset();
    await api.data(
      `{ assets(kind: MODEL, first: 100) { edges { node { ... on Model {
        producedBy { runId params { params } devPerf { metrics { name value } } datasets { name } featuresets { name } }
      } } } } }`,
      undefined,
      FLEET_READER,
    );
    expect(api.store.calls).toEqual([
      { operation: 'listAssets', batch: 1 }, // scoped in the store
      { operation: 'neighbors', batch: 100 }, // producedBy
      { operation: 'owners', batch: 100 }, // the runs' owners
      { operation: 'neighbors', batch: 400 }, // the runs' four relations
      { operation: 'owners', batch: 200 }, // the params' and performances' owners (datasets and featuresets need none)
    ]);
  });

  test('40 listed models with relation fields nested five levels deep: within 2(L + 1) calls', async () => {
    await seedFleet(api.store, 40);
    api.store.reset();
    await api.data(
      `{ assets(kind: MODEL, first: 40) { edges { node { ... on Model {
        project { name } producedBy { datasets { featuresets { deployments { servingPerf { metrics { name value } } } } } }
      } } } } }`,
      undefined,
      FLEET_READER,
    );
    // Six as for any viewer, and three owners calls: the runs, the deployments and the serving
    // performances (the listing is scoped in the store; projects, datasets and featuresets need none).
    expect(api.store.calls.map((call) => call.operation)).toEqual([
      'listAssets',
      'neighbors', // project, producedBy
      'owners', // the runs
      'neighbors', // datasets
      'neighbors', // featuresets
      'neighbors', // deployments
      'owners', // the deployments
      'neighbors', // servingPerf
      'owners', // the serving performances
    ]);
    expect(api.store.count()).toBeLessThanOrEqual(2 * (5 + 1));
  });

  test("a gateway's _entities request for 100 models: one getAssets and one owners call", async () => {
    const { models } = await seedFleet(api.store, 100);
    api.store.reset();
    await api.data(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Asset { id } } }`,
      { r: models.map((id) => ({ __typename: 'Model', id })) },
      FLEET_READER,
    );
    expect(api.store.calls).toEqual([
      { operation: 'getAssets', batch: 100 },
      { operation: 'owners', batch: 100 },
    ]);
  });
});

describe('metric series', () => {
  test('the loss series of 20 runs: one getAssets, one neighbors for their performances, one metricSeries for all series', async () => {
    const runs = Array.from({ length: 20 }, (_, i) => `r${i}`);
    await api.data(`mutation {
      registerModel(input: { key: "m", name: "m" }) { model { id } }
      ${runs.map((r) => `${r}: logRun(input: { runId: "${r}", model: "models/m" }) { run { id } }`).join('\n')}
      ${runs
        .map((r, i) => `p${r}: logMetrics(input: { run: "run/${r}", metrics: [{ name: "loss", value: ${i}, step: 1, at: "2026-01-01" }, { name: "loss", value: ${i / 2}, step: 2, at: "2026-01-02" }] }) { points }`)
        .join('\n')}
    }`);
    api.store.reset();

    const data = await api.data<{ nodes: { devPerf: { series: unknown[]; acc: unknown[] } }[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Run { devPerf { series(name: "loss") { at value step } acc: series(name: "acc") { value } } } } }`,
      { ids: runs.map((r) => `run/${r}`) },
    );

    expect(api.store.calls).toEqual([
      { operation: 'getAssets', batch: 20 },
      { operation: 'neighbors', batch: 20 },
      { operation: 'metricSeries', batch: 40 },
    ]);
    expect(data.nodes[3]?.devPerf).toEqual({
      series: [
        { at: '2026-01-01T00:00:00.000Z', value: 3, step: 1 },
        { at: '2026-01-02T00:00:00.000Z', value: 1.5, step: 2 },
      ],
      acc: [],
    });
  });
});

describe('recording a run', () => {
  test('updateRun is one commit; logMetrics one commit and one getAssets for the run it answers', async () => {
    await api.data(`mutation {
      registerModel(input: { key: "m", name: "m" }) { model { id } }
      logRun(input: { runId: "r", model: "models/m" }) { run { id } }
    }`);
    api.store.reset();
    await api.data(`mutation { updateRun(input: { run: "run/r", status: COMPLETED, metrics: [{ name: "loss", value: 1 }] }) { run { id status } } }`);
    expect(api.store.calls).toEqual([{ operation: 'commit', batch: 3 }]);

    api.store.reset();
    await api.data(`mutation { logMetrics(input: { run: "run/r", metrics: [{ name: "loss", value: 1 }] }) { run { id status } points } }`);
    expect(api.store.calls).toEqual([
      { operation: 'commit', batch: 2 },
      { operation: 'getAssets', batch: 1 },
    ]);
  });
});
