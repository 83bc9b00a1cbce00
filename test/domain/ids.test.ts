import { describe, expect, it } from 'vitest';
import { dottedPath, MetalayerError } from '../../src/domain/errors.js';
import { nearestCollection, parseId } from '../../src/domain/ids.js';
import type { AssetKind } from '../../src/domain/kinds.js';
import { CATALOGUE } from '../helpers/assets.js';

const COLLECTION_NAMES = CATALOGUE.kinds.map((spec) => spec.collection);

const COLLECTIONS = 'The collections are project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf';

/** The BAD_USER_INPUT parseId throws, as field and message. */
function refusal(id: string, field: string, expected?: readonly AssetKind[]): { field: string | undefined; message: string } {
  try {
    parseId(id, field.split('.'), CATALOGUE, expected);
  } catch (error) {
    if (error instanceof MetalayerError && error.code === 'BAD_USER_INPUT') return { field: error.field && dottedPath(error.field), message: error.message };
    throw error;
  }
  throw new Error(`expected "${id}" to be refused`);
}

describe('parseId', () => {
  it('parses a well-formed id of any kind, or of the kind expected', () => {
    expect(parseId('models/churn-xgb', ['input', 'model'], CATALOGUE, ['MODEL'])).toEqual({ kind: 'MODEL', collection: 'models', key: 'churn-xgb' });
    expect(parseId('run/run-0042', ['id'], CATALOGUE)).toEqual({ kind: 'RUN', collection: 'run', key: 'run-0042' });
  });

  it('names an unknown collection, suggests the nearest one, and lists them all', () => {
    expect(refusal('model/churn-xgb', 'input.model', ['MODEL'])).toEqual({
      field: 'input.model',
      message: `input.model: no collection "model" in "model/churn-xgb"; did you mean "models"? ${COLLECTIONS}`,
    });
    expect(refusal('nocollection/x', 'id').message).toBe(`id: no collection "nocollection" in "nocollection/x". ${COLLECTIONS}`);
  });

  it('shows an example id of the kind the field expects', () => {
    expect(refusal('churn', 'input.project', ['PROJECT']).message).toBe(
      'input.project: expected an id "collection/key" such as "project/churn", received "churn"',
    );
    expect(refusal('churn-xgb', 'input.model', ['MODEL']).message).toBe(
      'input.model: expected an id "collection/key" such as "models/churn-xgb", received "churn-xgb"',
    );
    expect(refusal('/x', 'input.deployment', ['DEPLOYMENT']).message).toBe(
      'input.deployment: expected an id "collection/key" such as "deployment/churn-prod", received "/x"',
    );
    expect(refusal('models/churn-xgb', 'input.project', ['PROJECT']).message).toBe(
      'input.project: expected the id of a project asset such as "project/churn", received "models/churn-xgb" (a models asset)',
    );
  });

  it('refuses a key ArangoDB would refuse, naming the characters allowed', () => {
    expect(refusal('models/', 'id').message).toBe(
      `id: expected a key of 1 to 254 letters, digits or _-:.@()+,=;$!*'% after "models/", received "models/"`,
    );
    expect(refusal('run/run-1/x', 'id').field).toBe('id');
    expect(refusal('models/a b', 'id').field).toBe('id');
  });
});

describe('nearestCollection', () => {
  it.each([
    ['model', 'models'],
    ['runs', 'run'],
    ['Dataset', 'datasets'],
    ['projects', 'project'],
    ['deployments', 'deployment'],
    ['model_params', 'modelparams'],
    ['MODEL_PARAMS', 'modelparams'],
    ['dev-perf', 'devperf'],
    ['servingperfs', 'servingperf'],
    ['featureset', 'featuresets'],
    ['modles', 'models'],
  ])('reads "%s" as "%s"', (typed, meant) => {
    expect(nearestCollection(COLLECTION_NAMES, typed)).toBe(meant);
  });

  it('suggests nothing when no collection is close', () => {
    expect(nearestCollection(COLLECTION_NAMES, 'nocollection')).toBeNull();
    expect(nearestCollection(COLLECTION_NAMES, 'x')).toBeNull();
    expect(nearestCollection(COLLECTION_NAMES, 'users')).toBeNull();
  });
});
