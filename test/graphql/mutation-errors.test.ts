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

  test('an id of the wrong kind is BAD_USER_INPUT naming the field', async () => {
    const error = onlyError(
      await api.execute(`mutation { registerModel(input: { name: "m", project: "${PIPELINE.model}" }) { model { id } } }`),
    );
    expect(error.message).toBe(
      'input.project: expected the id of a project asset, received "models/churn-xgb" (a models asset)',
    );
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.project' });
  });

  test('a malformed id is BAD_USER_INPUT naming the field', async () => {
    const error = onlyError(await api.execute(`mutation { deleteAsset(input: { id: "churn-xgb" }) { deletedId } }`));
    expect(error.message).toBe('input.id: expected an asset id such as "models/my-model", received "churn-xgb"');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.id' });
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
