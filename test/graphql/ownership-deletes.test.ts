import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { seedTwoProjects, TWO, viewer } from '../helpers/projects.js';

/**
 * Ownership survives deletes (domain/writes.ts, refuseOrphaningDelete): an
 * asset others take their project from cannot be deleted while they exist,
 * so no delete turns a project's records into shared assets.
 */

let api: TestApi;
beforeEach(async () => {
  api = createTestApi({ viewer: viewer('writer', TWO.alpha) });
  await seedTwoProjects(api.store);
  api.store.reset();
});
afterEach(() => api.close());

const BETA_READER = viewer('reader', TWO.beta);
const ALPHA_ADMIN = viewer('admin', TWO.alpha);
const UNSCOPED_ADMIN = viewer('admin');

const remove = (id: string, as = viewer('writer', TWO.alpha)) =>
  api.execute<{ deleteAsset: { deletedId: string; deletedRelations: number } }>(
    `mutation ($id: ID!) { deleteAsset(input: { id: $id }) { deletedId deletedRelations } }`,
    { id },
    as,
  );

/** Every asset id a viewer finds by paging the whole listing. */
async function visibleTo(as: ReturnType<typeof viewer>): Promise<string[]> {
  const data = await api.data<{ assets: { edges: { node: { id: string } }[] } }>(`{ assets(first: 100) { edges { node { id } } } }`, undefined, as);
  return data.assets.edges.map((edge) => edge.node.id).sort();
}

describe('deleting an asset others take their project from', () => {
  test('a model with a run is refused with CONFLICT naming its dependents, and nothing is written', async () => {
    const result = await remove(TWO.alphaModel);
    expect(onlyError(result)).toMatchObject({
      message: `input.id: "${TWO.alphaModel}" cannot be deleted while assets take their project from it (1 RUN): delete them first`,
      extensions: { code: 'CONFLICT', field: 'input.id' },
    });
    expect(api.store.count('commit')).toBe(0);
  });

  test('a run with parameters and performance names both kinds', async () => {
    const result = await remove(TWO.alphaRun);
    expect(onlyError(result).message).toBe(
      `input.id: "${TWO.alphaRun}" cannot be deleted while assets take their project from it (1 MODEL_PARAMS, 1 DEV_PERF): delete them first`,
    );
  });

  test('a project with models is refused too', async () => {
    const result = await remove(TWO.alpha, ALPHA_ADMIN);
    expect(onlyError(result).message).toBe(
      `input.id: "${TWO.alpha}" cannot be deleted while assets take their project from it (2 MODEL): delete them first`,
    );
  });

  test('deleted from the leaves up, every delete is allowed, and another project’s token never sees more', async () => {
    const before = await visibleTo(BETA_READER);
    for (const id of [TWO.alphaParams, TWO.alphaPerf, TWO.alphaRun, TWO.alphaModel, TWO.alphaTuned]) {
      const result = await remove(id);
      expect(result.errors).toBeUndefined();
      const now = await visibleTo(BETA_READER);
      expect(now.filter((seen) => !before.includes(seen))).toEqual([]);
    }
    expect((await remove(TWO.alpha, ALPHA_ADMIN)).errors).toBeUndefined();
    expect(await visibleTo(BETA_READER)).toEqual(before.filter((id) => id !== TWO.alpha));
  });

  test('datasets and featuresets, which nothing takes a project from, are deleted as before', async () => {
    const result = await remove(TWO.sharedV1, viewer('writer'));
    expect(result.data?.deleteAsset).toEqual({ deletedId: TWO.sharedV1, deletedRelations: 2 });
  });
});

describe('unlinking a relation an asset takes its project from', () => {
  const unlink = (relation: string, from: string, to: string, as = viewer('writer', TWO.alpha)) =>
    api.execute(
      `mutation ($input: LinkAssetsInput!) { unlinkAssets(input: $input) { relation from { id } to { id } } }`,
      { input: { relation, from, to } },
      as,
    );

  test("a model's last project is refused with CONFLICT, for an admin too, and the model stays hidden from other projects", async () => {
    for (const as of [viewer('writer', TWO.alpha), ALPHA_ADMIN]) {
      expect(onlyError(await unlink('project_models', TWO.alpha, TWO.alphaModel, as))).toMatchObject({
        message:
          `input.to: unlinking "${TWO.alphaModel}" from "${TWO.alpha}" would leave it in no project, ` +
          'visible to every scoped token: link it to another project first, or delete it',
        extensions: { code: 'CONFLICT', field: 'input.to' },
      });
    }
    expect(api.store.count('commit')).toBe(0);
    expect(await visibleTo(BETA_READER)).not.toContain(TWO.alphaModel);
  });

  test("a run's only model (an owner step leading to the model end) is refused the same way", async () => {
    expect(onlyError(await unlink('run_models', TWO.alphaModel, TWO.alphaRun))).toMatchObject({
      extensions: { code: 'CONFLICT', field: 'input.to' },
    });
  });

  test('a model in two projects may leave one of them, and stays hidden from projects it is in no longer', async () => {
    await api.data(`mutation { linkAssets(input: { relation: "project_models", from: "${TWO.alpha}", to: "${TWO.betaModel}" }) { relation } }`, undefined, UNSCOPED_ADMIN);
    expect((await unlink('project_models', TWO.beta, TWO.betaModel, UNSCOPED_ADMIN)).errors).toBeUndefined();
    expect(await visibleTo(BETA_READER)).not.toContain(TWO.betaModel);
    expect(await visibleTo(viewer('reader', TWO.alpha))).toContain(TWO.betaModel);
  });

  test('a relation that decides no ownership is unlinked as before', async () => {
    await api.data(`mutation { linkDerivedFrom(input: { asset: "${TWO.alphaTuned}", from: "${TWO.alphaModel}" }) { asset { id } } }`);
    expect((await unlink('derived_from', TWO.alphaTuned, TWO.alphaModel)).errors).toBeUndefined();
  });
});
