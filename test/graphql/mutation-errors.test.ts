import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { PIPELINE, seedPipeline } from '../helpers/pipeline.js';

/** Mutations refused by the domain's checks or the store's: the code, the message and the field at fault. */

let api: TestApi;
beforeEach(() => {
  api = createTestApi();
});
afterEach(() => api.close());

describe('refused mutations', () => {
  beforeEach(() => seedPipeline(api));

  test('an unknown id is NOT_FOUND naming the field', async () => {
    const error = onlyError(
      await api.execute(`mutation { registerModel(input: { name: "m", project: "project/missing" }) { model { id } } }`),
    );
    expect(error.message).toBe('input.project: no asset with id "project/missing"');
    expect(error.extensions).toEqual({ code: 'NOT_FOUND', field: 'input.project' });
  });

  test('an id of the wrong kind is BAD_USER_INPUT naming the field, with an id of the kind it expects', async () => {
    const error = onlyError(
      await api.execute(`mutation { registerModel(input: { name: "m", project: "${PIPELINE.model}" }) { model { id } } }`),
    );
    expect(error.message).toBe(
      'input.project: expected the id of a project asset such as "project/churn", received "models/churn-xgb" (a models asset)',
    );
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.project' });
  });

  test('a malformed id is BAD_USER_INPUT naming the field', async () => {
    const error = onlyError(await api.execute(`mutation { deleteAsset(input: { id: "churn-xgb" }) { deletedId } }`));
    expect(error.message).toBe('input.id: expected an id "collection/key" such as "models/churn-xgb", received "churn-xgb"');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.id' });
  });

  test.each([
    ['registerModel(input: { name: "m", project: "projects/churn" }) { model { id } }', 'input.project', 'projects', 'project'],
    ['registerModel(input: { name: "m", project: "churn" }) { model { id } }', 'input.project', null, 'project/churn'],
    ['logRun(input: { model: "model/churn-xgb" }) { run { id } }', 'input.model', 'model', 'models'],
    ['logRun(input: { model: "churn-xgb" }) { run { id } }', 'input.model', null, 'models/churn-xgb'],
    ['logRun(input: { model: "models/churn-xgb", datasets: ["dataset/churn-events"] }) { run { id } }', 'input.datasets.0', 'dataset', 'datasets'],
    ['registerFeatureset(input: { name: "f", datasets: ["churn-events"] }) { featureset { id } }', 'input.datasets.0', null, 'datasets/churn-events'],
    ['registerDeployment(input: { name: "d", model: "models/churn-xgb", featureset: "feature_sets/f" }) { deployment { id } }', 'input.featureset', 'feature_sets', 'featuresets'],
    ['registerDeployment(input: { name: "d", model: "models/churn-xgb", params: "run-1" }) { deployment { id } }', 'input.params', null, 'modelparams/run-0042'],
    ['logServingPerf(input: { deployment: "deployments/prod", periodStart: "2026-01-01T00:00:00Z", periodEnd: "2026-01-08T00:00:00Z", metrics: [] }) { servingPerf { id } }', 'input.deployment', 'deployments', 'deployment'],
    ['linkDerivedFrom(input: { asset: "Models/churn-xgb", from: "models/base" }) { asset { id } }', 'input.asset', 'Models', 'models'],
    ['updateAsset(input: { id: "runs/run-1", tag: "x" }) { asset { id } }', 'input.id', 'runs', 'run'],
  ])('%s: %s names the collection it likely meant, or shows an id of its kind', async (mutation, field, typed, meant) => {
    api.store.reset();
    const error = onlyError(await api.execute(`mutation { ${mutation} }`));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toContain(typed === null ? `such as "${meant}"` : `no collection "${typed}" in`);
    if (typed !== null) expect(error.message).toContain(`did you mean "${meant}"?`);
    expect(api.store.calls).toEqual([]);
  });

  test('deleting or updating an unknown asset is NOT_FOUND', async () => {
    const deleted = onlyError(await api.execute(`mutation { deleteAsset(input: { id: "models/missing" }) { deletedId } }`));
    expect(deleted.extensions).toEqual({ code: 'NOT_FOUND', field: 'input.id' });
    const updated = onlyError(
      await api.execute(`mutation { updateAsset(input: { id: "models/missing", tag: "x" }) { asset { id } } }`),
    );
    expect(updated.extensions).toEqual({ code: 'NOT_FOUND', field: 'input.id' });
  });

  test('a featureset needs at least one dataset', async () => {
    const error = onlyError(
      await api.execute(`mutation { registerFeatureset(input: { name: "f", datasets: [] }) { featureset { id } } }`),
    );
    expect(error.message).toBe('input.datasets: expected at least one dataset id, received none');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.datasets' });
  });

  test('an asset cannot be derived from itself', async () => {
    const error = onlyError(
      await api.execute(`mutation { linkDerivedFrom(input: { asset: "${PIPELINE.model}", from: "${PIPELINE.model}" }) { asset { id } } }`),
    );
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.from' });
  });
});
