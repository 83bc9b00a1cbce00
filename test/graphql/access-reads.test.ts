import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { ANONYMOUS_READER, ANONYMOUS_WITHOUT_READS, BETA_ONLY, seedTwoProjects, TWO, viewer } from '../helpers/projects.js';

/**
 * What a viewer scoped to projects may read (src/domain/access.ts,
 * src/graphql/access.ts), in-process: refused lookups, filtered lists and
 * relations, restricted lineages, and nothing of another project leaking
 * into any answer.
 */

let api: TestApi;
beforeEach(async () => {
  api = createTestApi({ viewer: viewer('reader', TWO.alpha) });
  await seedTwoProjects(api.store);
  api.store.reset();
});
afterEach(() => api.close());

const ALL = viewer('reader');

/** Fails when any id of project beta appears anywhere in the answer. */
function expectNoBeta(answer: unknown): void {
  const text = JSON.stringify(answer);
  for (const id of BETA_ONLY) expect(text).not.toContain(id);
  expect(text).not.toContain('secret');
}

describe('node, nodes and entities', () => {
  test("node of another project's asset is FORBIDDEN, naming the id and nothing of the asset", async () => {
    const result = await api.execute(`{ node(id: "${TWO.betaModel}") { id ... on Model { name framework } } }`);
    expect(result.data).toEqual({ node: null });
    expect(onlyError(result)).toEqual({
      message: `"${TWO.betaModel}" belongs to a project outside the token's scope`,
      locations: [{ line: 1, column: 3 }],
      path: ['node'],
      extensions: { code: 'FORBIDDEN' },
    });
  });

  test.each([
    ['its own project', TWO.alpha],
    ["its project's model", TWO.alphaModel],
    ["its model's run records", TWO.alphaPerf],
    ['a shared dataset', TWO.sharedV2],
    ['a shared featureset', TWO.sharedFs],
    ['a model in no project', TWO.orphanModel],
    ["that model's run", TWO.orphanRun],
  ])('node answers %s', async (_what, id) => {
    expect(await api.data(`{ node(id: "${id}") { id } }`)).toEqual({ node: { id } });
  });

  test.each([TWO.beta, TWO.betaRun, TWO.betaParams, TWO.betaPerf, TWO.betaDeployment, TWO.betaServing])(
    'node refuses %s, owned through its chain',
    async (id) => {
      const result = await api.execute(`{ node(id: "${id}") { id } }`);
      expect(onlyError(result).extensions).toEqual({ code: 'FORBIDDEN' });
    },
  );

  test('nodes answers null with a FORBIDDEN error on the path of each refused id, and the rest in order', async () => {
    const result = await api.execute(`{ nodes(ids: ["${TWO.alphaModel}", "${TWO.betaModel}", "models/missing", "${TWO.sharedV1}", "${TWO.betaRun}"]) { id } }`);
    expect(result.data).toEqual({ nodes: [{ id: TWO.alphaModel }, null, null, { id: TWO.sharedV1 }, null] });
    expect(result.errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual([
      [['nodes', 1], 'FORBIDDEN'],
      [['nodes', 4], 'FORBIDDEN'],
    ]);
  });

  test("a gateway's reference to another project's asset resolves to null, without an error", async () => {
    const result = await api.execute(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Asset { id } } }`,
      { r: [{ __typename: 'Model', id: TWO.betaModel }, { __typename: 'Asset', id: TWO.alphaModel }, { __typename: 'Asset', id: TWO.betaRun }] },
    );
    expect(result).toEqual({ data: { _entities: [null, { id: TWO.alphaModel }, null] }, errors: undefined });
  });

  test('an unscoped reader sees every project', async () => {
    const data = await api.data(`{ nodes(ids: ["${TWO.betaModel}", "${TWO.betaServing}"]) { id } }`, undefined, ALL);
    expect(data).toEqual({ nodes: [{ id: TWO.betaModel }, { id: TWO.betaServing }] });
  });
});

describe('listing', () => {
  test("assets leaves out another project's assets", async () => {
    const data = await api.data<{ assets: { edges: { node: { id: string } }[] } }>(`{ assets(kind: MODEL) { edges { node { id } } } }`);
    expect(data.assets.edges.map((edge) => edge.node.id).sort()).toEqual([TWO.alphaModel, TWO.alphaTuned, TWO.orphanModel]);
  });

  test('a filter on a project outside the scope is FORBIDDEN, naming the filter', async () => {
    const result = await api.execute(`{ assets(kind: MODEL, filter: { project: "${TWO.beta}" }) { edges { node { id } } } }`);
    expect(onlyError(result)).toMatchObject({ extensions: { code: 'FORBIDDEN', field: 'filter.project' } });
  });

  test('paging one asset at a time reaches every visible asset, and no cursor names an unseen one', async () => {
    const seen: string[] = [];
    const cursors: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 40; page += 1) {
      const data: { assets: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } =
        await api.data(`query ($after: String) { assets(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, {
          after,
        });
      seen.push(...data.assets.edges.map((edge) => edge.node.id));
      expectNoBeta(data);
      if (data.assets.pageInfo.endCursor) cursors.push(data.assets.pageInfo.endCursor);
      if (!data.assets.pageInfo.hasNextPage) break;
      after = data.assets.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual(
      Object.values(TWO)
        .filter((id) => !BETA_ONLY.includes(id))
        .sort(),
    );
    // Paging is over visible assets only: one page per visible asset, each cursor sealed and of one length.
    expect(cursors.length).toBe(seen.length);
    expect(new Set(cursors.map((cursor) => cursor.length)).size).toBe(1);
    expect(cursors.every((cursor) => cursor.startsWith('s.'))).toBe(true);
  });

  test('a sealed cursor that this process did not issue is refused as any bad cursor', async () => {
    const result = await api.execute(`{ assets(after: "s.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") { edges { cursor } } }`);
    expect(onlyError(result)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
  });
});

describe('relation fields', () => {
  test("leave out another project's neighbours, at every level", async () => {
    const data = await api.data(`{
      dataset: node(id: "${TWO.sharedV2}") { ... on Dataset { runs { id model { id } } featuresets { id deployments { id } runs { id } } } }
      v1: node(id: "${TWO.sharedV1}") { ... on Dataset { derivatives { id } runs { id } } }
    }`);
    expect(data).toEqual({
      dataset: {
        runs: [{ id: TWO.alphaRun, model: { id: TWO.alphaModel } }],
        featuresets: [{ id: TWO.sharedFs, deployments: [], runs: [{ id: TWO.alphaRun }] }],
      },
      v1: { derivatives: [{ id: TWO.sharedV2 }], runs: [{ id: TWO.orphanRun }] },
    });
  });

  test("derivedFrom leaves out the other project's base model", async () => {
    const data = await api.data(`{ node(id: "${TWO.alphaTuned}") { ... on Model { derivedFrom { id } project { id } } } }`);
    expect(data).toEqual({ node: { derivedFrom: [], project: { id: TWO.alpha } } });
  });

  test('an unscoped reader gets every neighbour', async () => {
    const data = await api.data(`{ node(id: "${TWO.sharedV2}") { ... on Dataset { runs { id } } } }`, undefined, ALL);
    expect(data).toEqual({ node: { runs: [{ id: TWO.alphaRun }, { id: TWO.betaRun }] } });
  });
});

describe('lineage', () => {
  const UPSTREAM = `{ node(id: "${TWO.alphaTuned}") { ... on Model {
    upstream { restricted truncated nodes { degree asset { id name ... on Model { framework } } } edges { kind from { id name } to { id name } } }
  } } }`;

  interface Upstream {
    node: {
      upstream: {
        restricted: number;
        truncated: boolean;
        nodes: { degree: number; asset: { id: string } }[];
        edges: { kind: string; from: { id: string }; to: { id: string } }[];
      };
    };
  }

  test("through another project's model: its assets are left out, not counted, and nothing of them leaks", async () => {
    const data = await api.data<Upstream>(UPSTREAM);
    const { upstream } = data.node;
    // alpha-tuned → beta-m → beta-r → {shared-v2, shared-fs, modelparams/beta-r} → shared-v1
    expect(upstream.nodes.map((node) => [node.asset.id, node.degree])).toEqual([
      [TWO.sharedV2, 3],
      [TWO.sharedFs, 3],
      [TWO.sharedV1, 4],
    ]);
    // The store scopes the lineage: nothing hidden is counted (restricted is always 0).
    expect(upstream.restricted).toBe(0);
    expect(upstream.truncated).toBe(false);
    // Only edges among what is shown: the derivations that lead through beta are gone.
    expect(upstream.edges.map((edge) => [edge.kind, edge.from.id, edge.to.id]).sort()).toEqual([
      ['derived_from', TWO.sharedV2, TWO.sharedV1],
      ['featureset_dataset', TWO.sharedFs, TWO.sharedV2],
    ]);
    expectNoBeta(data);
  });

  test('downstream of a shared dataset shows only what the viewer may see', async () => {
    const data = await api.data<{ node: { downstream: { restricted: number; nodes: { asset: { id: string } }[] } } }>(
      `{ node(id: "${TWO.sharedV1}") { ... on Dataset { downstream { restricted nodes { asset { id } } edges { from { id } to { id } } } } } }`,
    );
    expect(data.node.downstream.nodes.map((node) => node.asset.id).sort()).toEqual(
      [TWO.sharedV2, TWO.sharedFs, TWO.alphaRun, TWO.alphaModel, TWO.alphaPerf, TWO.alphaTuned, TWO.orphanRun, TWO.orphanModel].sort(),
    );
    expect(data.node.downstream.restricted).toBe(0); // beta-r, beta-m, devperf/beta-r, beta-dep, beta-sp are not counted
    expectNoBeta(data);
  });

  test('an unscoped viewer sees the whole lineage, with restricted 0', async () => {
    const data = await api.data<Upstream>(UPSTREAM, undefined, ALL);
    expect(data.node.upstream.restricted).toBe(0);
    expect(data.node.upstream.nodes).toHaveLength(6);
  });
});

describe('anonymous viewers', () => {
  test('without anonymous reads, reading is UNAUTHENTICATED', async () => {
    const result = await api.execute(`{ node(id: "${TWO.sharedV1}") { id } }`, undefined, ANONYMOUS_WITHOUT_READS);
    expect(onlyError(result)).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(api.store.calls).toEqual([]);
  });

  test('with anonymous reads, an anonymous viewer reads as an unscoped reader', async () => {
    const data = await api.data(`{ node(id: "${TWO.betaModel}") { id } }`, undefined, ANONYMOUS_READER);
    expect(data).toEqual({ node: { id: TWO.betaModel } });
  });
});
