import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createTestApi, onlyError, type GraphQLResult, type TestApi } from '../helpers/graphql.js';
import { ANONYMOUS_READER, seedTwoProjects, TWO, viewer } from '../helpers/projects.js';

/**
 * Roles and project scopes on mutations (src/graphql/write-access.ts),
 * in-process. Every refusal happens before the store's write: the tests
 * count `write` calls and read the store back.
 */

let api: TestApi;
beforeEach(async () => {
  api = createTestApi({ viewer: viewer('writer', TWO.alpha) });
  await seedTwoProjects(api.store);
  api.store.reset();
});
afterEach(() => api.close());

/** The one error of a refused mutation, after checking that nothing reached the store's write. */
function refusal(result: GraphQLResult<unknown>) {
  expect(api.store.count('commit')).toBe(0);
  const { message, extensions } = onlyError(result);
  return { message, ...extensions };
}

const exists = async (id: string) => (await api.store.getAssets([id]))[0] !== null;

describe('roles', () => {
  test('a reader may not write: FORBIDDEN, naming the role needed', async () => {
    const result = await api.execute(`mutation { registerDataset(input: { key: "d", name: "d" }) { dataset { id } } }`, undefined, viewer('reader'));
    expect(refusal(result)).toEqual({
      message: 'A mutation needs the writer role; the token "reader-all" has the reader role',
      code: 'FORBIDDEN',
    });
    expect(await exists('datasets/d')).toBe(false);
  });

  test('an anonymous reader may not write: UNAUTHENTICATED, asking for a token', async () => {
    const result = await api.execute(`mutation { registerDataset(input: { key: "d", name: "d" }) { dataset { id } } }`, undefined, ANONYMOUS_READER);
    expect(refusal(result)).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('Authorization: Bearer') });
  });

  test('registering a project needs admin', async () => {
    const result = await api.execute(`mutation { registerProject(input: { key: "p", name: "p" }) { project { id } } }`, undefined, viewer('writer'));
    expect(refusal(result)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('needs the admin role') });
    const admin = await api.data(`mutation { registerProject(input: { key: "p", name: "p" }) { project { id } } }`, undefined, viewer('admin'));
    expect(admin).toEqual({ registerProject: { project: { id: 'project/p' } } });
  });

  test('deleting a project needs admin; updating one of its own projects needs writer', async () => {
    const deletion = await api.execute(`mutation { deleteAsset(input: { id: "${TWO.alpha}" }) { deletedId } }`);
    expect(refusal(deletion)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Deleting a project needs the admin role') });
    const update = await api.data(`mutation { updateAsset(input: { id: "${TWO.alpha}", tag: "t" }) { asset { tag } } }`);
    expect(update).toEqual({ updateAsset: { asset: { tag: 't' } } });
  });

  test('an unscoped writer writes anywhere but projects', async () => {
    const writer = viewer('writer');
    await api.data(`mutation { updateAsset(input: { id: "${TWO.betaModel}", tag: "x" }) { asset { id } } }`, undefined, writer);
    await api.data(`mutation { updateAsset(input: { id: "${TWO.sharedV1}", tag: "x" }) { asset { id } } }`, undefined, writer);
    expect(api.store.count('commit')).toBe(2);
  });
});

describe('a writer scoped to project alpha', () => {
  test('registers datasets and featuresets, which are shared, and may retry them', async () => {
    const mutation = `mutation { registerDataset(input: { key: "d", name: "d", derivedFrom: "${TWO.sharedV1}" }) { dataset { id derivedFrom { id } } } }`;
    const expected = { registerDataset: { dataset: { id: 'datasets/d', derivedFrom: [{ id: TWO.sharedV1 }] } } };
    expect(await api.data(mutation)).toEqual(expected);
    expect(await api.data(mutation)).toEqual(expected);
    const featureset = await api.data(`mutation { registerFeatureset(input: { key: "f", name: "f", datasets: ["datasets/d"] }) { featureset { id } } }`);
    expect(featureset).toEqual({ registerFeatureset: { featureset: { id: 'featuresets/f' } } });
  });

  test('registers a model only in one of its projects, naming input.project otherwise', async () => {
    const other = await api.execute(`mutation { registerModel(input: { key: "m", name: "m", project: "${TWO.beta}" }) { model { id } } }`);
    expect(refusal(other)).toEqual({
      message: `input.project: "${TWO.beta}" belongs to a project outside the token's scope`,
      code: 'FORBIDDEN',
      field: 'input.project',
    });
    const none = await api.execute(`mutation { registerModel(input: { key: "m", name: "m" }) { model { id } } }`);
    expect(refusal(none)).toMatchObject({ code: 'FORBIDDEN', field: 'input.project' });
    expect(await exists('models/m')).toBe(false);
    const own = await api.data(`mutation { registerModel(input: { key: "m", name: "m", project: "${TWO.alpha}" }) { model { id project { id } } } }`);
    expect(own).toEqual({ registerModel: { model: { id: 'models/m', project: { id: TWO.alpha } } } });
  });

  test('logs runs against its own models only; a shared model needs an unscoped writer', async () => {
    for (const [model, message] of [
      [TWO.betaModel, 'belongs to a project outside the token\'s scope'],
      [TWO.orphanModel, 'is shared by every project'],
    ] as const) {
      const result = await api.execute(`mutation { logRun(input: { runId: "r", model: "${model}", params: { a: 1 } }) { run { id } } }`);
      expect(refusal(result)).toMatchObject({ code: 'FORBIDDEN', field: 'input.model', message: expect.stringContaining(message) });
    }
    expect(await exists('run/r')).toBe(false);
    expect(await exists('modelparams/r')).toBe(false);
    const own = await api.data(
      `mutation { logRun(input: { runId: "r", model: "${TWO.alphaModel}", datasets: ["${TWO.sharedV2}"], params: { a: 1 }, metrics: [{ name: "auc", value: 1 }] }) { run { id params { id } devPerf { id } } } }`,
    );
    expect(own).toEqual({ logRun: { run: { id: 'run/r', params: { id: 'modelparams/r' }, devPerf: { id: 'devperf/r' } } } });
  });

  test("deploys its own models, and only with parameters it may see", async () => {
    const other = await api.execute(`mutation { registerDeployment(input: { key: "dep", name: "dep", model: "${TWO.betaModel}" }) { deployment { id } } }`);
    expect(refusal(other)).toMatchObject({ code: 'FORBIDDEN', field: 'input.model' });
    const params = await api.execute(
      `mutation { registerDeployment(input: { key: "dep", name: "dep", model: "${TWO.alphaModel}", params: "${TWO.betaParams}" }) { deployment { id } } }`,
    );
    expect(refusal(params)).toMatchObject({ code: 'FORBIDDEN', field: 'input.params' });
    const own = await api.data(
      `mutation { registerDeployment(input: { key: "dep", name: "dep", model: "${TWO.alphaModel}", params: "${TWO.alphaParams}", featureset: "${TWO.sharedFs}" }) { deployment { id } } }`,
    );
    expect(own).toEqual({ registerDeployment: { deployment: { id: 'deployment/dep' } } });
  });

  test("logs serving performance only for its own deployments", async () => {
    const result = await api.execute(
      `mutation { logServingPerf(input: { key: "sp", deployment: "${TWO.betaDeployment}", periodStart: "2026-01-01", periodEnd: "2026-01-02", metrics: [] }) { servingPerf { id } } }`,
    );
    expect(refusal(result)).toMatchObject({ code: 'FORBIDDEN', field: 'input.deployment' });
  });

  test("updates and deletes only its projects' assets, not shared ones", async () => {
    for (const [id, mutation] of [
      [TWO.betaModel, 'updateAsset(input: { id: $id, tag: "x" }) { asset { id } }'],
      [TWO.betaServing, 'deleteAsset(input: { id: $id }) { deletedId }'],
      [TWO.sharedV1, 'updateAsset(input: { id: $id, tag: "x" }) { asset { id } }'],
      [TWO.orphanRun, 'deleteAsset(input: { id: $id }) { deletedId }'],
    ] as const) {
      const result = await api.execute(`mutation ($id: ID!) { ${mutation} }`, { id });
      expect(refusal(result)).toMatchObject({ code: 'FORBIDDEN', field: 'input.id' });
    }
    expect(await exists(TWO.betaServing)).toBe(true);
    const deleted = await api.data(`mutation { deleteAsset(input: { id: "${TWO.alphaPerf}" }) { deletedId } }`);
    expect(deleted).toEqual({ deleteAsset: { deletedId: TWO.alphaPerf } });
  });

  test('links derivations from its own assets to assets it may see', async () => {
    const hidden = await api.execute(`mutation { linkDerivedFrom(input: { asset: "${TWO.alphaModel}", from: "${TWO.betaModel}" }) { asset { id } } }`);
    expect(refusal(hidden)).toMatchObject({ code: 'FORBIDDEN', field: 'input.from' });
    const shared = await api.execute(`mutation { linkDerivedFrom(input: { asset: "${TWO.sharedV1}", from: "${TWO.sharedFs}" }) { asset { id } } }`);
    expect(refusal(shared)).toMatchObject({ code: 'FORBIDDEN', field: 'input.asset' });
    const own = await api.data(`mutation { linkDerivedFrom(input: { asset: "${TWO.alphaTuned}", from: "${TWO.alphaModel}" }) { from { id } } }`);
    expect(own).toEqual({ linkDerivedFrom: { from: { id: TWO.alphaModel } } });
  });

  test('a dataset may not derive from an asset it may not see', async () => {
    const result = await api.execute(`mutation { registerDataset(input: { key: "d", name: "d", derivedFrom: "${TWO.betaParams}" }) { dataset { id } } }`);
    expect(refusal(result)).toMatchObject({ code: 'FORBIDDEN', field: 'input.derivedFrom' });
  });

  test("cannot adopt another project's model by registering it again into its own project", async () => {
    const result = await api.execute(
      `mutation { registerModel(input: { key: "beta-m", name: "beta-m", framework: "secret-framework", project: "${TWO.alpha}" }) { model { id } } }`,
    );
    expect(refusal(result)).toMatchObject({ code: 'FORBIDDEN', field: 'input.key' });
    const models = await api.store.neighbors([{ id: TWO.alpha, relation: 'project_models', direction: 'OUT', asOf: null }]);
    expect(models[0]?.map((model) => model.id)).not.toContain(TWO.betaModel);
  });

  test("cannot read another project's model by registering it again without a project", async () => {
    // An exact retry would answer with the stored model, a wrong guess with CONFLICT: both are refused alike.
    for (const framework of ['secret-framework', 'wrong-guess']) {
      const result = await api.execute(
        `mutation { registerModel(input: { key: "beta-m", name: "beta-m", framework: "${framework}" }) { model { id createdAt } } }`,
      );
      expect(refusal(result)).toEqual({
        code: 'FORBIDDEN',
        field: 'input.key',
        message: expect.not.stringContaining('secret'),
      });
    }
  });

  test('cannot hang its own run from a shared model by logging it again', async () => {
    const result = await api.execute(`mutation { logRun(input: { runId: "alpha-r", model: "${TWO.orphanModel}" }) { run { id } } }`);
    expect(refusal(result)).toMatchObject({ code: 'FORBIDDEN', field: 'input.model' });
  });

  test('a name taken in another project is a CONFLICT that does not name the asset holding it', async () => {
    const result = await api.execute(`mutation { registerModel(input: { key: "m2", name: "beta-m", project: "${TWO.alpha}" }) { model { id } } }`);
    const error = onlyError(result);
    expect(error.extensions).toEqual({ code: 'CONFLICT', field: 'input.name' });
    expect(error.message).not.toContain(TWO.betaModel);
    const unscoped = await api.execute(`mutation { registerModel(input: { key: "m2", name: "beta-m" }) { model { id } } }`, undefined, viewer('writer'));
    expect(onlyError(unscoped).message).toContain(TWO.betaModel);
  });

  test('a missing model is still NOT_FOUND, as for any writer', async () => {
    const result = await api.execute(`mutation { logRun(input: { runId: "r", model: "models/missing" }) { run { id } } }`);
    expect(onlyError(result).extensions).toEqual({ code: 'NOT_FOUND', field: 'input.model' });
  });
});
