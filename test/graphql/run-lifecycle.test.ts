import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { steppingClock } from '../helpers/clock.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { seedTwoProjects, TWO, viewer } from '../helpers/projects.js';
import { memoryStore } from '../helpers/assets.js';

let api: TestApi;
beforeEach(async () => {
  api = createTestApi({ now: steppingClock(), newKey: () => 'generated' });
  await api.data(`mutation {
    registerProject(input: { key: "churn", name: "Churn" }) { project { id } }
    registerModel(input: { key: "m", name: "m", project: "project/churn" }) { model { id } }
    registerDataset(input: { key: "d1", name: "d", version: "1" }) { dataset { id } }
    d2: registerDataset(input: { key: "d2", name: "d", version: "2" }) { dataset { id } }
    registerFeatureset(input: { key: "f", name: "f", datasets: ["datasets/d1"] }) { featureset { id } }
    logRun(input: { runId: "r1", model: "models/m", startedAt: "2026-02-01T00:00:00Z", datasets: ["datasets/d1"] }) { run { id status } }
  }`);
});
afterEach(() => api.close());

const RUN_FIELDS = `id status startedAt endedAt deploymentTag properties updatedAt
  params { id params } devPerf { id metrics { name value } } datasets { id } featuresets { id }`;

function updateRun(input: string) {
  return api.execute(`mutation { updateRun(input: { run: "run/r1", ${input} }) { run { ${RUN_FIELDS} } } }`);
}

describe('updateRun', () => {
  test('completes a running run with its metrics, params and relations in one call', async () => {
    const { data, errors } = await updateRun(`status: COMPLETED, deploymentTag: "v1", properties: { gpu: "a100" }
      params: { lr: 0.1 }, metrics: [{ name: "loss", value: 0.25 }], datasets: ["datasets/d1", "datasets/d2"], featuresets: ["featuresets/f"]`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      updateRun: {
        run: {
          id: 'run/r1',
          status: 'COMPLETED',
          startedAt: '2026-02-01T00:00:00.000Z',
          endedAt: '2026-03-01T00:00:06.000Z',
          deploymentTag: 'v1',
          properties: { gpu: 'a100' },
          updatedAt: '2026-03-01T00:00:06.000Z',
          params: { id: 'modelparams/r1', params: { lr: 0.1 } },
          devPerf: { id: 'devperf/r1', metrics: [{ name: 'loss', value: 0.25 }] },
          datasets: [{ id: 'datasets/d1' }, { id: 'datasets/d2' }],
          featuresets: [{ id: 'featuresets/f' }],
        },
      },
    });
  });

  test('the same update again changes nothing: no new updatedAt, no new point', async () => {
    const first = await updateRun('status: COMPLETED, endedAt: "2026-02-02T00:00:00Z", metrics: [{ name: "loss", value: 0.25 }]');
    const second = await updateRun('status: COMPLETED, endedAt: "2026-02-02T00:00:00Z"');
    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    expect(await series('loss')).toEqual([{ at: '2026-03-01T00:00:06.000Z', value: 0.25, step: null }]);
  });

  test('endedAt defaults to the session’s clock on a move to a final status, and stays when given', async () => {
    const failed = await updateRun('status: FAILED');
    expect(failed.data).toMatchObject({ updateRun: { run: { status: 'FAILED', endedAt: '2026-03-01T00:00:06.000Z' } } });
    const other = await api.data(`mutation {
      logRun(input: { runId: "r2", model: "models/m" }) { run { id } }
      updateRun(input: { run: "run/r2", status: COMPLETED, endedAt: "2026-02-03T12:00:00+01:00" }) { run { status endedAt } }
    }`);
    expect(other).toEqual({ logRun: { run: { id: 'run/r2' } }, updateRun: { run: { status: 'COMPLETED', endedAt: '2026-02-03T11:00:00.000Z' } } });
  });

  test('a status never moves back: CONFLICT naming input.status, and nothing is written', async () => {
    await updateRun('status: COMPLETED');
    for (const status of ['RUNNING', 'FAILED']) {
      const error = onlyError(await updateRun(`status: ${status}, deploymentTag: "changed"`));
      expect(error.message).toBe(
        "input.status: the run is COMPLETED already: a run's status moves from RUNNING to COMPLETED or FAILED, never back",
      );
      expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'input.status' });
    }
    expect(await api.data(`{ node(id: "run/r1") { ... on Run { status deploymentTag } } }`)).toEqual({
      node: { status: 'COMPLETED', deploymentTag: null },
    });
  });

  test('an end before the start is BAD_USER_INPUT naming input.endedAt', async () => {
    const error = onlyError(await updateRun('status: COMPLETED, endedAt: "2026-01-31T00:00:00Z"'));
    expect(error.message).toBe(
      "input.endedAt: expected an instant at or after the run's startedAt (2026-02-01T00:00:00.000Z), received 2026-01-31T00:00:00.000Z",
    );
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.endedAt' });
  });

  test('params are set once: the same again is a no-op, others are a CONFLICT naming input.params', async () => {
    await updateRun('params: { lr: 0.1, layers: [1, 2] }');
    const same = await updateRun('params: { layers: [1, 2], lr: 0.1 }');
    expect(same.errors).toBeUndefined();
    const error = onlyError(await updateRun('params: { lr: 0.2 }, status: COMPLETED'));
    expect(error.message).toBe(
      'input.params: the run has parameters already ("modelparams/r1"), and they differ: a run\'s parameters are set once',
    );
    expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'input.params' });
    expect(await api.data(`{ node(id: "run/r1") { ... on Run { status params { params } } } }`)).toEqual({
      node: { status: 'RUNNING', params: { params: { lr: 0.1, layers: [1, 2] } } },
    });
  });

  test('params a run was logged with cannot be changed either', async () => {
    await api.data(`mutation { logRun(input: { runId: "r3", model: "models/m", params: { lr: 1 } }) { run { id } } }`);
    const error = onlyError(await api.execute(`mutation { updateRun(input: { run: "run/r3", params: { lr: 2 } }) { run { id } } }`));
    expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'input.params' });
  });

  test('metrics merge into the development performance: new names added, existing ones replaced', async () => {
    await api.data(`mutation { logRun(input: { runId: "r4", model: "models/m", metrics: [{ name: "auc", value: 0.8 }, { name: "loss", value: 0.5 }] }) { run { id } } }`);
    const data = await api.data(`mutation {
      updateRun(input: { run: "run/r4", metrics: [{ name: "loss", value: 0.3 }, { name: "f1", value: 0.7 }] }) {
        run { devPerf { metrics { name value } metric(name: "loss") } }
      }
    }`);
    expect(data).toEqual({
      updateRun: {
        run: {
          devPerf: {
            metrics: [
              { name: 'auc', value: 0.8 },
              { name: 'f1', value: 0.7 },
              { name: 'loss', value: 0.3 },
            ],
            metric: 0.3,
          },
        },
      },
    });
  });

  test('adding relations is idempotent', async () => {
    await updateRun('datasets: ["datasets/d1", "datasets/d2"]');
    const again = await updateRun('datasets: ["datasets/d2"], featuresets: ["featuresets/f"]');
    expect(again.data).toMatchObject({
      updateRun: { run: { datasets: [{ id: 'datasets/d1' }, { id: 'datasets/d2' }], featuresets: [{ id: 'featuresets/f' }] } },
    });
  });

  test('is atomic: a missing dataset writes nothing of the status or metrics', async () => {
    const error = onlyError(await updateRun('status: COMPLETED, metrics: [{ name: "loss", value: 1 }], datasets: ["datasets/nope"]'));
    expect(error.extensions).toEqual({ code: 'NOT_FOUND', field: 'input.datasets.0' });
    expect(await api.data(`{ node(id: "run/r1") { ... on Run { status endedAt devPerf { id } } } devperf: node(id: "devperf/r1") { id } }`)).toEqual({
      node: { status: 'RUNNING', endedAt: null, devPerf: null },
      devperf: null,
    });
  });

  test('a missing run is NOT_FOUND naming input.run; an id of another kind BAD_USER_INPUT', async () => {
    const missing = onlyError(await api.execute(`mutation { updateRun(input: { run: "run/nope", status: FAILED }) { run { id } } }`));
    expect(missing.message).toBe('input.run: no asset with id "run/nope"');
    expect(missing.extensions).toEqual({ code: 'NOT_FOUND', field: 'input.run' });
    const model = onlyError(await api.execute(`mutation { updateRun(input: { run: "models/m" }) { run { id } } }`));
    expect(model.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.run' });
  });
});

describe('logRun retried with other content', () => {
  test('is a CONFLICT naming input.runId that points to updateRun', async () => {
    const error = onlyError(
      await api.execute(`mutation { logRun(input: { runId: "r1", model: "models/m", status: COMPLETED }) { run { id } } }`),
    );
    expect(error.message).toBe(
      'input.runId: "run/r1" already exists with different content; a logged run changes only through updateRun',
    );
    expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'input.runId' });
  });
});

function series(name: string, run = 'r1'): Promise<unknown> {
  return api
    .data<{ node: { series: unknown } | null }>(`{ node(id: "devperf/${run}") { ... on DevPerf { series(name: "${name}") { at value step } } } }`)
    .then((data) => data.node?.series ?? null);
}

function logMetrics(input: string) {
  return api.execute(`mutation { logMetrics(input: { run: "run/r1", ${input} }) { run { id devPerf { metric(name: "loss") } } points } }`);
}

describe('logMetrics', () => {
  test('appends points, answers how many, and DevPerf.series returns them oldest first', async () => {
    const first = await logMetrics(`metrics: [
      { name: "loss", value: 0.9, step: 1, at: "2026-02-01T01:00:00Z" },
      { name: "loss", value: 0.7, step: 2, at: "2026-02-01T02:00:00Z" },
      { name: "acc", value: 0.5, step: 1 }]`);
    expect(first).toEqual({ data: { logMetrics: { run: { id: 'run/r1', devPerf: { metric: 0.7 } }, points: 3 } }, errors: undefined });
    await logMetrics(`metrics: [{ name: "loss", value: 0.95, step: 0, at: "2026-02-01T00:30:00Z" }]`);
    expect(await series('loss')).toEqual([
      { at: '2026-02-01T00:30:00.000Z', value: 0.95, step: 0 },
      { at: '2026-02-01T01:00:00.000Z', value: 0.9, step: 1 },
      { at: '2026-02-01T02:00:00.000Z', value: 0.7, step: 2 },
    ]);
    expect(await series('acc')).toEqual([{ at: '2026-03-01T00:00:06.000Z', value: 0.5, step: 1 }]);
    expect(await series('nothing')).toEqual([]);
    expect(await api.data(`{ node(id: "devperf/r1") { ... on DevPerf { metrics { name value } recordedAt run { id } } } }`)).toEqual({
      node: { metrics: [{ name: 'acc', value: 0.5 }, { name: 'loss', value: 0.7 }], recordedAt: '2026-03-01T00:00:06.000Z', run: { id: 'run/r1' } },
    });
  });

  test('latest is the greatest at, then the greatest step, then the last received', async () => {
    const at = '2026-02-01T00:00:00Z';
    await logMetrics(`metrics: [{ name: "loss", value: 1, step: 5, at: "${at}" }, { name: "loss", value: 2, step: 4, at: "${at}" }]`);
    expect(await metric('loss')).toBe(1);
    await logMetrics(`metrics: [{ name: "loss", value: 3, step: 5, at: "${at}" }]`);
    expect(await metric('loss')).toBe(3);
    await logMetrics(`metrics: [{ name: "loss", value: 4, at: "${at}" }]`);
    expect(await metric('loss')).toBe(3);
    await logMetrics(`metrics: [{ name: "loss", value: 5, step: 0, at: "2026-02-01T00:00:01Z" }]`);
    expect(await metric('loss')).toBe(5);
    expect(await series('loss')).toEqual([
      { at: '2026-02-01T00:00:00.000Z', value: 4, step: null },
      { at: '2026-02-01T00:00:00.000Z', value: 2, step: 4 },
      { at: '2026-02-01T00:00:00.000Z', value: 1, step: 5 },
      { at: '2026-02-01T00:00:00.000Z', value: 3, step: 5 },
      { at: '2026-02-01T00:00:01.000Z', value: 5, step: 0 },
    ]);
  });

  test('a value logged whole by logRun is older than every point; updateRun metrics are points received now', async () => {
    await api.data(`mutation { logRun(input: { runId: "r5", model: "models/m", metrics: [{ name: "loss", value: 0.5 }] }) { run { id } } }`);
    await api.data(`mutation { logMetrics(input: { run: "run/r5", metrics: [{ name: "loss", value: 0.9, at: "2020-01-01" }] }) { points } }`);
    expect(await metric('loss', 'r5')).toBe(0.9);
    await api.data(`mutation { updateRun(input: { run: "run/r5", metrics: [{ name: "loss", value: 0.4 }] }) { run { id } } }`);
    await api.data(`mutation { logMetrics(input: { run: "run/r5", metrics: [{ name: "loss", value: 0.8, at: "2021-01-01" }] }) { points } }`);
    expect(await metric('loss', 'r5')).toBe(0.4);
    expect(await series('loss', 'r5')).toEqual([
      { at: '2020-01-01T00:00:00.000Z', value: 0.9, step: null },
      { at: '2021-01-01T00:00:00.000Z', value: 0.8, step: null },
      { at: '2026-03-01T00:00:08.000Z', value: 0.4, step: null },
    ]);
  });

  test('a keyed retry with the same points writes nothing more and answers the same', async () => {
    const call = `key: "epoch-1", metrics: [{ name: "loss", value: 0.9, step: 1 }]`;
    const first = await logMetrics(call);
    api.store.reset();
    const second = await logMetrics(call);
    expect(second).toEqual(first);
    expect(second.data).toEqual({ logMetrics: { run: { id: 'run/r1', devPerf: { metric: 0.9 } }, points: 1 } });
    expect(await series('loss')).toEqual([{ at: '2026-03-01T00:00:06.000Z', value: 0.9, step: 1 }]);
  });

  test('the same key with other points is a CONFLICT naming input.key, and writes nothing', async () => {
    await logMetrics(`key: "epoch-1", metrics: [{ name: "loss", value: 0.9, step: 1 }]`);
    const error = onlyError(await logMetrics(`key: "epoch-1", metrics: [{ name: "loss", value: 0.8, step: 1 }]`));
    expect(error.message).toBe('input.key: points were recorded under this key already, and they differ from these');
    expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'input.key' });
    expect(await series('loss')).toEqual([{ at: '2026-03-01T00:00:06.000Z', value: 0.9, step: 1 }]);
  });

  test('more than 10,000 points is BAD_USER_INPUT naming input.metrics, and so is none', async () => {
    api.store.reset();
    const points = Array.from({ length: 10_001 }, (_, i) => ({ name: 'loss', value: i }));
    const many = onlyError(
      await api.execute(`mutation($m: [MetricPointInput!]!) { logMetrics(input: { run: "run/r1", metrics: $m }) { points } }`, { m: points }),
    );
    expect(many.message).toBe('input.metrics: expected at most 10000 points a call, received 10001; send them in several calls');
    expect(many.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.metrics' });
    const none = onlyError(await logMetrics('metrics: []'));
    expect(none.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.metrics' });
    expect(api.store.count('commit')).toBe(0);
  });

  test('10,000 points are one call', async () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ name: 'loss', value: i, step: i }));
    const data = await api.data(`mutation($m: [MetricPointInput!]!) { logMetrics(input: { run: "run/r1", metrics: $m }) { points } }`, { m: points });
    expect(data).toEqual({ logMetrics: { points: 10_000 } });
    expect(await metric('loss')).toBe(9_999);
  });

  test('an invalid point names its field; a missing run is NOT_FOUND naming input.run and writes nothing', async () => {
    const name = onlyError(await logMetrics(`metrics: [{ name: " ", value: 1 }]`));
    expect(name.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.metrics.0.name' });
    const missing = onlyError(await api.execute(`mutation { logMetrics(input: { run: "run/nope", metrics: [{ name: "loss", value: 1 }] }) { points } }`));
    expect(missing.extensions).toEqual({ code: 'NOT_FOUND', field: 'input.run' });
    expect(await api.data(`{ node(id: "devperf/nope") { id } }`)).toEqual({ node: null });
  });
});

function metric(name: string, run = 'r1'): Promise<unknown> {
  return api
    .data<{ node: { metric: unknown } | null }>(`{ node(id: "devperf/${run}") { ... on DevPerf { metric(name: "${name}") } } }`)
    .then((data) => data.node?.metric ?? null);
}

describe('authorisation', () => {
  test('a writer scoped to a project updates and logs metrics only on runs of its projects', async () => {
    const scoped = createTestApi({ store: memoryStore(steppingClock()), now: steppingClock() });
    try {
      await seedTwoProjects(scoped.store);
      const alpha = viewer('writer', TWO.alpha);
      const own = await scoped.execute(`mutation { updateRun(input: { run: "${TWO.alphaRun}", status: COMPLETED }) { run { status } } }`, {}, alpha);
      expect(own.data).toEqual({ updateRun: { run: { status: 'COMPLETED' } } });
      const points = await scoped.execute(`mutation { logMetrics(input: { run: "${TWO.alphaRun}", metrics: [{ name: "x", value: 1 }] }) { points } }`, {}, alpha);
      expect(points.data).toEqual({ logMetrics: { points: 1 } });
      const other = onlyError(await scoped.execute(`mutation { updateRun(input: { run: "${TWO.betaRun}", status: FAILED }) { run { status } } }`, {}, alpha));
      expect(other.extensions).toEqual({ code: 'FORBIDDEN', field: 'input.run' });
      const otherPoints = onlyError(
        await scoped.execute(`mutation { logMetrics(input: { run: "${TWO.betaRun}", metrics: [{ name: "x", value: 1 }] }) { points } }`, {}, alpha),
      );
      expect(otherPoints.extensions).toEqual({ code: 'FORBIDDEN', field: 'input.run' });
      // A run without performance yet: it is created, hung from a run the writer may write.
      const fresh = await scoped.execute(
        `mutation {
          logRun(input: { runId: "alpha-2", model: "${TWO.alphaModel}", status: RUNNING }) { run { id } }
          logMetrics(input: { run: "run/alpha-2", metrics: [{ name: "x", value: 2 }] }) { run { devPerf { id metric(name: "x") } } }
        }`,
        {},
        alpha,
      );
      expect(fresh).toEqual({
        data: { logRun: { run: { id: 'run/alpha-2' } }, logMetrics: { run: { devPerf: { id: 'devperf/alpha-2', metric: 2 } } } },
        errors: undefined,
      });
      const shared = onlyError(
        await scoped.execute(`mutation { logMetrics(input: { run: "${TWO.orphanRun}", metrics: [{ name: "x", value: 1 }] }) { points } }`, {}, alpha),
      );
      expect(shared.extensions).toEqual({ code: 'FORBIDDEN', field: 'input.run' });
      expect(await scoped.store.getAssets(['devperf/orphan-r'])).toEqual([null]);
      const reader = onlyError(await scoped.execute(`mutation { updateRun(input: { run: "${TWO.alphaRun}" }) { run { status } } }`, {}, viewer('reader')));
      expect(reader.extensions?.['code']).toBe('FORBIDDEN');
    } finally {
      await scoped.close();
    }
  });
});
