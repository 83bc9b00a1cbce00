import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { JsonObject } from '../../src/domain/kinds.js';
import type { WriteOp } from '../../src/domain/writes.js';
import { commitOps, content, putAsset, putEdge } from '../helpers/assets.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { viewer } from '../helpers/projects.js';

/**
 * Drift through GraphQL: statistics accepted and refused by the mutations,
 * read back, and `Deployment.drift` / `Dataset.drift` answers pinned, with
 * their round trips.
 */

let api: TestApi;
beforeEach(() => {
  api = createTestApi();
});
afterEach(() => api.close());

const at = (day: number) => new Date(Date.UTC(2026, 0, day)).toISOString();

const numeric = (bins: number[], counts: number[], missing = 0): JsonObject => ({ type: 'numeric', bins, counts, missing });
const categorical = (counts: Record<string, number>, missing = 0): JsonObject => ({ type: 'categorical', counts, missing });

/**
 * models/m served by deployment/dep; its most recent COMPLETED run
 * (run/r-new) trained on train-a (oldest) and train-b (other edges); an
 * older completed run on a free-form dataset, a newer RUNNING one on another.
 * Serving periods: p1 (like training), p2 (x shifted), p3 (latest, no statistics).
 */
async function seedDeployment(): Promise<void> {
  const dataset = (key: string, statistics: JsonObject | null): WriteOp => putAsset(content('DATASET', key, { statistics }));
  const run = (key: string, status: 'COMPLETED' | 'RUNNING', datasets: string[]): WriteOp[] => [
    putAsset(content('RUN', key, { status })),
    putEdge('run_models', 'models/m', `run/${key}`),
    ...datasets.map((ds) => putEdge('run_datasets', `run/${key}`, `datasets/${ds}`)),
  ];
  const period = (key: string, day: number, statistics: JsonObject | null): WriteOp[] => [
    putAsset(content('SERVING_PERF', key, { periodStart: at(day), periodEnd: at(day + 7), statistics })),
    putEdge('deployment_servingperf', 'deployment/dep', `servingperf/${key}`),
  ];
  await commitOps(api.store, [dataset('train-a', { rows: 120, features: { x: numeric([0, 10, 20], [50, 50]), city: categorical({ Paris: 10, Rome: 10 }) } })], at(1));
  await commitOps(api.store, [dataset('train-b', { rows: 40, features: { x: numeric([0, 20], [40]), city: categorical({ Paris: 20 }) } })], at(2));
  await commitOps(api.store, [dataset('free-form', { rows: 3, columns: ['x'] }), dataset('other', { features: { x: numeric([0, 1], [1]) } })], at(2));
  await commitOps(api.store, [putAsset(content('MODEL', 'm')), ...run('r-old', 'COMPLETED', ['free-form'])], at(3));
  await commitOps(api.store, run('r-new', 'COMPLETED', ['train-b', 'train-a']), at(4));
  await commitOps(api.store, run('r-running', 'RUNNING', ['other']), at(5));
  await commitOps(api.store, [putAsset(content('DEPLOYMENT', 'dep')), putEdge('deployment_model', 'deployment/dep', 'models/m')], at(6));
  await commitOps(api.store, period('p1', 7, { features: { x: numeric([0, 10, 20], [35, 35]), city: categorical({ Paris: 30, Rome: 10 }) } }), at(14));
  await commitOps(
    api.store,
    period('p2', 14, { features: { x: numeric([0, 10, 20], [63, 7], 4), city: categorical({ Rome: 10, Paris: 30 }), age: numeric([0, 1], [3]) } }),
    at(21),
  );
  await commitOps(api.store, period('p3', 21, null), at(28));
}

const DEPLOYMENT_DRIFT = `query ($period: ID, $method: DriftMethod, $threshold: Float) { node(id: "deployment/dep") { ... on Deployment {
  drift(period: $period, method: $method, threshold: $threshold) {
    method threshold drifted baseline { id } current { id }
    features { name status score drifted rebinned }
  } } } }`;

interface DriftData {
  node: { drift: { features: { name: string; score: number | null }[] } & Record<string, unknown> } | null;
}

describe('Deployment.drift', () => {
  test('compares the latest period with statistics against the latest completed run’s datasets, summed on the oldest’s edges', async () => {
    await seedDeployment();
    const data = await api.data<DriftData>(DEPLOYMENT_DRIFT);
    expect(data.node?.drift).toEqual({
      method: 'PSI',
      threshold: 0.2,
      drifted: true,
      baseline: [{ id: 'datasets/train-a' }, { id: 'datasets/train-b' }],
      current: { id: 'servingperf/p2' },
      features: [
        { name: 'age', status: 'NEW_IN_CURRENT', score: null, drifted: false, rebinned: false },
        { name: 'city', status: 'COMPARED', score: 0, drifted: false, rebinned: false },
        // Baseline x: (50, 50) + (40 over [0, 20) re-binned: 20, 20) = (70, 70); current (63, 7): 0.4·ln 1.8 + 0.4·ln 5.
        { name: 'x', status: 'COMPARED', score: expect.closeTo(0.4 * Math.log(9), 12), drifted: true, rebinned: true },
      ],
    });
  });

  test('a chosen period, method and threshold', async () => {
    await seedDeployment();
    const js = await api.data<DriftData>(DEPLOYMENT_DRIFT, { period: 'servingperf/p1', method: 'JENSEN_SHANNON' });
    expect(js.node?.drift).toMatchObject({ method: 'JENSEN_SHANNON', threshold: 0.1, drifted: false, current: { id: 'servingperf/p1' } });
    expect(js.node?.drift.features.map((f) => [f.name, f.score])).toEqual([['city', 0], ['x', 0]]);
    const lenient = await api.data<DriftData>(DEPLOYMENT_DRIFT, { threshold: 1 });
    expect(lenient.node?.drift).toMatchObject({ threshold: 1, drifted: false });
    expect((await api.data<DriftData>(DEPLOYMENT_DRIFT, { period: 'servingperf/p3' })).node?.drift).toBeNull();
  });

  test('refuses a period of another deployment, another kind, and a negative threshold', async () => {
    await seedDeployment();
    await commitOps(api.store, [putAsset(content('SERVING_PERF', 'elsewhere'))]);
    expect(onlyError(await api.execute(DEPLOYMENT_DRIFT, { period: 'servingperf/elsewhere' }))).toMatchObject({
      message: 'period: "servingperf/elsewhere" is not a serving period of "deployment/dep"',
      extensions: { code: 'BAD_USER_INPUT', field: 'period' },
    });
    expect(onlyError(await api.execute(DEPLOYMENT_DRIFT, { period: 'run/r-new' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
    expect(onlyError(await api.execute(DEPLOYMENT_DRIFT, { threshold: -1 }))).toMatchObject({
      message: 'threshold: expected a non-negative number, received -1',
      extensions: { code: 'BAD_USER_INPUT', field: 'threshold' },
    });
  });

  test('is null without a completed run, or without statistics in the format on either side', async () => {
    await commitOps(api.store, [
      putAsset(content('MODEL', 'm')),
      putAsset(content('DEPLOYMENT', 'dep')),
      putEdge('deployment_model', 'deployment/dep', 'models/m'),
      putAsset(content('SERVING_PERF', 'p', { statistics: { features: { x: numeric([0, 1], [1]) } } })),
      putEdge('deployment_servingperf', 'deployment/dep', 'servingperf/p'),
    ]);
    expect((await api.data<DriftData>(DEPLOYMENT_DRIFT)).node?.drift).toBeNull();
    await commitOps(api.store, [
      putAsset(content('DATASET', 'plain', { statistics: { rows: 1 } })),
      putAsset(content('RUN', 'r')),
      putEdge('run_models', 'models/m', 'run/r'),
      putEdge('run_datasets', 'run/r', 'datasets/plain'),
    ]);
    expect((await api.data<DriftData>(DEPLOYMENT_DRIFT)).node?.drift).toBeNull();
  });

  test('the drift of every deployment of a page: one neighbors call per hop', async () => {
    for (let i = 0; i < 20; i += 1) {
      const key = String(i).padStart(2, '0');
      await commitOps(api.store, [
        putAsset(content('DATASET', `d${key}`, { statistics: { features: { x: numeric([0, 1, 2], [5, 5]) } } })),
        putAsset(content('MODEL', `m${key}`)),
        putAsset(content('RUN', `r${key}`)),
        putEdge('run_models', `models/m${key}`, `run/r${key}`),
        putEdge('run_datasets', `run/r${key}`, `datasets/d${key}`),
        putAsset(content('DEPLOYMENT', `dep${key}`)),
        putEdge('deployment_model', `deployment/dep${key}`, `models/m${key}`),
        putAsset(content('SERVING_PERF', `p${key}`, { statistics: { features: { x: numeric([0, 1, 2], i % 2 === 0 ? [5, 5] : [9, 1]) } } })),
        putEdge('deployment_servingperf', `deployment/dep${key}`, `servingperf/p${key}`),
      ], at(1 + i));
    }
    api.store.reset();
    const data = await api.data<{ assets: { edges: { node: { drift: { drifted: boolean } } }[] } }>(
      `{ assets(kind: DEPLOYMENT, first: 20) { edges { node { ... on Deployment { drift { drifted baseline { id } } } } } } }`,
    );
    expect(api.store.calls).toEqual([
      { operation: 'listAssets', batch: 1 },
      { operation: 'neighbors', batch: 40 }, // served models and serving periods
      { operation: 'neighbors', batch: 20 }, // the models' runs
      { operation: 'neighbors', batch: 20 }, // the runs' datasets
    ]);
    // Even deployments serve what they trained on, odd ones (9, 1) against (5, 5).
    expect(data.assets.edges.map((edge) => edge.node.drift.drifted)).toEqual(Array.from({ length: 20 }, (_, i) => i % 2 === 1));
  });
});

describe('Deployment.drift for a viewer scoped to a project', () => {
  test('every hop adds one owners call for what the store did not scope', async () => {
    await commitOps(api.store, [putAsset(content('PROJECT', 'alpha'))], at(1));
    for (let i = 0; i < 10; i += 1) {
      await commitOps(api.store, [
        putAsset(content('DATASET', `d${i}`, { statistics: { features: { x: numeric([0, 1, 2], [5, 5]) } } })),
        putAsset(content('MODEL', `m${i}`)),
        putEdge('project_models', 'project/alpha', `models/m${i}`),
        putAsset(content('RUN', `r${i}`)),
        putEdge('run_models', `models/m${i}`, `run/r${i}`),
        putEdge('run_datasets', `run/r${i}`, `datasets/d${i}`),
        putAsset(content('DEPLOYMENT', `dep${i}`)),
        putEdge('deployment_model', `deployment/dep${i}`, `models/m${i}`),
        putAsset(content('SERVING_PERF', `p${i}`, { statistics: { features: { x: numeric([0, 1, 2], [9, 1]) } } })),
        putEdge('deployment_servingperf', `deployment/dep${i}`, `servingperf/p${i}`),
      ], at(2 + i));
    }
    api.store.reset();
    const data = await api.data<{ assets: { edges: { node: { drift: { drifted: boolean } } }[] } }>(
      `{ assets(kind: DEPLOYMENT, first: 20) { edges { node { ... on Deployment { drift { drifted } } } } } }`,
      {},
      viewer('reader', 'project/alpha'),
    );
    expect(api.store.calls).toEqual([
      { operation: 'listAssets', batch: 1 }, // scoped in the store
      { operation: 'neighbors', batch: 20 },
      { operation: 'owners', batch: 20 }, // the served models and serving periods
      { operation: 'neighbors', batch: 10 },
      { operation: 'owners', batch: 10 }, // the runs; datasets are shared and need none
      { operation: 'neighbors', batch: 10 },
    ]);
    expect(data.assets.edges.map((edge) => edge.node.drift.drifted)).toEqual(Array.from({ length: 10 }, () => true));
  });
});

const DATASET_DRIFT = `query ($id: ID!, $against: ID!) { node(id: $id) { ... on Dataset {
  drift(against: $against) { threshold drifted baseline { id } current { id } features { name status score rebinned } } } } }`;

describe('Dataset.drift', () => {
  test('compares a dataset with the dataset it is against', async () => {
    await seedDeployment();
    const data = await api.data<DriftData>(DATASET_DRIFT, { id: 'datasets/train-b', against: 'datasets/train-a' });
    expect(data.node?.drift).toEqual({
      threshold: 0.2,
      drifted: true,
      baseline: [{ id: 'datasets/train-a' }],
      current: { id: 'datasets/train-b' },
      features: [
        // e = (Paris .5, Rome .5), a = (1, 0 → 0.0001): (1 − .5)·ln 2 + (.0001 − .5)·ln(.0001/.5)
        { name: 'city', status: 'COMPARED', score: expect.closeTo(0.5 * Math.log(2) + (0.0001 - 0.5) * Math.log(0.0001 / 0.5), 12), rebinned: false },
        { name: 'x', status: 'COMPARED', score: 0, rebinned: true },
      ],
    });
    expect((await api.data<DriftData>(DATASET_DRIFT, { id: 'datasets/train-a', against: 'datasets/free-form' })).node?.drift).toBeNull();
  });

  test('refuses an `against` that is no dataset, and one that does not exist', async () => {
    await seedDeployment();
    expect(onlyError(await api.execute(DATASET_DRIFT, { id: 'datasets/train-a', against: 'models/m' })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'against',
    });
    expect(onlyError(await api.execute(DATASET_DRIFT, { id: 'datasets/train-a', against: 'datasets/none' }))).toMatchObject({
      message: 'against: no asset with id "datasets/none"',
      extensions: { code: 'NOT_FOUND', field: 'against' },
    });
  });
});

describe('statistics in mutations', () => {
  const STATS = { rows: 2, features: { age: numeric([0, 30, 60], [1, 1]) } };

  test('registerDataset refuses statistics off the format, naming the JSON path', async () => {
    const result = await api.execute(`mutation ($s: JSON) { registerDataset(input: { name: "d", statistics: $s }) { dataset { id } } }`, {
      s: { features: { age: numeric([0, 30, 30], [1, 1]) } },
    });
    expect(onlyError(result)).toMatchObject({
      message: 'input.statistics.features.age.bins.2: expected edges in strictly ascending order, received 30 after 30',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.statistics.features.age.bins.2' },
    });
  });

  test('updateAsset replaces a dataset’s statistics, and refuses them for other kinds', async () => {
    await commitOps(api.store, [putAsset(content('DATASET', 'd', { statistics: { rows: 1 } })), putAsset(content('MODEL', 'm'))]);
    const updated = await api.data<{ updateAsset: { asset: { statistics: unknown } } }>(
      `mutation ($s: JSON) { updateAsset(input: { id: "datasets/d", statistics: $s }) { asset { ... on Dataset { statistics } } } }`,
      { s: STATS },
    );
    expect(updated.updateAsset.asset.statistics).toEqual(STATS);
    expect((await api.data<{ node: { statistics: unknown } }>(`{ node(id: "datasets/d") { ... on Dataset { statistics } } }`)).node.statistics).toEqual(STATS);
    const refused = await api.execute(`mutation ($s: JSON) { updateAsset(input: { id: "models/m", statistics: $s }) { asset { id } } }`, { s: STATS });
    expect(onlyError(refused)).toMatchObject({
      message: 'input.statistics: only datasets have statistics, and "models/m" is not a dataset',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.statistics' },
    });
    const invalid = await api.execute(`mutation ($s: JSON) { updateAsset(input: { id: "datasets/d", statistics: $s }) { asset { id } } }`, {
      s: { features: { age: { type: 'numeric', bins: [0, 1], counts: [-1], missing: 0 } } },
    });
    expect(onlyError(invalid).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.statistics.features.age.counts.0' });
  });

  test('logServingPerf stores statistics, read back from ServingPerf.statistics', async () => {
    await commitOps(api.store, [putAsset(content('MODEL', 'm')), putAsset(content('DEPLOYMENT', 'dep')), putEdge('deployment_model', 'deployment/dep', 'models/m')]);
    const LOG = `mutation ($s: JSON) { logServingPerf(input: { key: "w1", deployment: "deployment/dep", periodStart: "2026-01-01T00:00:00Z",
      periodEnd: "2026-01-08T00:00:00Z", metrics: [{ name: "auc", value: 0.8 }], statistics: $s }) { servingPerf { id statistics } } }`;
    const logged = await api.data<{ logServingPerf: { servingPerf: unknown } }>(LOG, { s: STATS });
    expect(logged.logServingPerf.servingPerf).toEqual({ id: 'servingperf/w1', statistics: STATS });
    expect(onlyError(await api.execute(LOG.replace('"w1"', '"w2"'), { s: { features: { age: { type: 'numeric', bins: [0, 1], counts: [1] } } } })).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.statistics.features.age.missing',
    });
  });
});
