import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { steppingClock } from '../helpers/clock.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';

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
});
