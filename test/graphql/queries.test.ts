import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { steppingClock } from '../helpers/clock.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { PIPELINE, seedPipeline } from '../helpers/pipeline.js';

let api: TestApi;
beforeEach(async () => {
  // One second per write: the seed's eight writes are stamped 00:00:00 to 00:00:07.
  api = createTestApi({ now: steppingClock('2026-03-01T00:00:00.000Z') });
  await seedPipeline(api);
  api.store.reset();
});
afterEach(() => api.close());

const ASSET_FIELDS = `__typename id kind name version tag properties createdAt updatedAt`;

describe('node and nodes', () => {
  test('node returns an asset of any kind with its typed fields', async () => {
    const data = await api.data(`{
      run: node(id: "${PIPELINE.run}") { ... on Asset { ${ASSET_FIELDS} } ... on Run { runId status startedAt endedAt deploymentTag } }
      perf: node(id: "${PIPELINE.servingPerf}") { ... on ServingPerf { periodStart periodEnd metrics { name value } } }
    }`);
    expect(data).toEqual({
      run: {
        __typename: 'Run',
        id: PIPELINE.run,
        kind: 'RUN',
        name: 'run-1',
        version: null,
        tag: null,
        properties: {},
        createdAt: '2026-03-01T00:00:05.000Z',
        updatedAt: '2026-03-01T00:00:05.000Z',
        runId: 'run-1',
        status: 'COMPLETED',
        startedAt: '2026-01-10T09:00:00.000Z',
        endedAt: '2026-01-10T10:30:00.000Z',
        deploymentTag: 'v1',
      },
      perf: {
        periodStart: '2026-01-12T00:00:00.000Z',
        periodEnd: '2026-01-19T00:00:00.000Z',
        metrics: [{ name: 'auc', value: 0.87 }],
      },
    });
  });

  test('__typename follows the kind for all nine kinds', async () => {
    const ids = Object.values(PIPELINE);
    const data = await api.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Asset { kind } } }`, { ids });
    expect(data).toEqual({
      nodes: [
        { __typename: 'Project', kind: 'PROJECT' },
        { __typename: 'Dataset', kind: 'DATASET' },
        { __typename: 'Dataset', kind: 'DATASET' },
        { __typename: 'Featureset', kind: 'FEATURESET' },
        { __typename: 'Model', kind: 'MODEL' },
        { __typename: 'Run', kind: 'RUN' },
        { __typename: 'ModelParams', kind: 'MODEL_PARAMS' },
        { __typename: 'DevPerf', kind: 'DEV_PERF' },
        { __typename: 'Deployment', kind: 'DEPLOYMENT' },
        { __typename: 'ServingPerf', kind: 'SERVING_PERF' },
      ],
    });
    expect(api.store.calls).toEqual([{ operation: 'getAssets', batch: ids.length }]);
  });

  test('nodes answers in order, null where no asset exists, in one store call', async () => {
    const data = await api.data(`{ nodes(ids: ["${PIPELINE.model}", "models/missing", "${PIPELINE.project}", "${PIPELINE.model}"]) { id } }`);
    expect(data).toEqual({ nodes: [{ id: PIPELINE.model }, null, { id: PIPELINE.project }, { id: PIPELINE.model }] });
    expect(api.store.calls).toEqual([{ operation: 'getAssets', batch: 3 }]);
  });

  test('a malformed id is BAD_USER_INPUT naming the collection it likely meant, without asking the store', async () => {
    const result = await api.execute(`{ a: node(id: "model/churn-xgb") { id } b: node(id: "churn-xgb") { id } c: node(id: "models/") { id } }`);
    expect(result.data).toEqual({ a: null, b: null, c: null });
    expect(result.errors?.map((error) => [error.path, error.message, error.extensions])).toEqual([
      [
        ['a'],
        'id: no collection "model" in "model/churn-xgb"; did you mean "models"? The collections are project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf',
        { code: 'BAD_USER_INPUT', field: 'id' },
      ],
      [['b'], 'id: expected an id "collection/key" such as "models/churn-xgb", received "churn-xgb"', { code: 'BAD_USER_INPUT', field: 'id' }],
      [
        ['c'],
        `id: expected a key of 1 to 254 letters, digits or _-:.@()+,=;$!*'% after "models/", received "models/"`,
        { code: 'BAD_USER_INPUT', field: 'id' },
      ],
    ]);
    expect(api.store.calls).toEqual([]);
  });

  test('nodes answers a malformed id with null and an error at its position, and the others as usual', async () => {
    const result = await api.execute(`{ nodes(ids: ["${PIPELINE.model}", "deployments/prod", "models/missing"]) { id } }`);
    expect(result.data).toEqual({ nodes: [{ id: PIPELINE.model }, null, null] });
    expect(onlyError(result)).toMatchObject({
      path: ['nodes', 1],
      message: expect.stringMatching(/^ids\.1: no collection "deployments" in "deployments\/prod"; did you mean "deployment"\?/),
      extensions: { code: 'BAD_USER_INPUT', field: 'ids.1' },
    });
    expect(api.store.calls).toEqual([{ operation: 'getAssets', batch: 2 }]);
  });

  test('nodes refuses more than 1,000 ids without asking the store', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `models/m${i}`);
    const error = onlyError(await api.execute(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'ids' });
    expect(error.message).toBe('ids: expected at most 1000 ids, received 1001');
    expect(api.store.calls).toEqual([]);
  });
});

interface Page {
  assets: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const PAGE = `edges { cursor node { id } } pageInfo { hasNextPage endCursor }`;

describe('assets', () => {
  test('lists every asset oldest first, 20 to a page by default', async () => {
    const data = await api.data<Page>(`{ assets { ${PAGE} } }`);
    expect(data.assets.edges.map((e) => e.node.id)).toEqual([
      PIPELINE.project,
      PIPELINE.datasetV1,
      PIPELINE.datasetV2,
      PIPELINE.featureset,
      PIPELINE.model,
      PIPELINE.devPerf,
      PIPELINE.params,
      PIPELINE.run,
      PIPELINE.deployment,
      PIPELINE.servingPerf,
    ]);
    expect(data.assets.pageInfo).toEqual({ hasNextPage: false, endCursor: data.assets.edges.at(-1)?.cursor });
  });

  test('pages through with first and after', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const data: Page = await api.data<Page>(`query ($after: String) { assets(first: 3, after: $after) { ${PAGE} } }`, { after });
      seen.push(...data.assets.edges.map((e) => e.node.id));
      if (!data.assets.pageInfo.hasNextPage) break;
      after = data.assets.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(api.store.count('listAssets')).toBe(4);
  });

  test('an empty page has no end cursor', async () => {
    const data = await api.data(`{ assets(kind: MODEL, filter: { tag: "none" }) { ${PAGE} } }`);
    expect(data).toEqual({ assets: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } });
  });

  test('filters by kind, name, tag, project and creation time', async () => {
    // Created at 00:00:08, so after the window below (createdBefore excludes its instant).
    await api.data(`mutation { registerModel(input: { key: "other", name: "Other model", tag: "beta" }) { model { id } } }`);
    const ids = async (args: string) =>
      (await api.data<Page>(`{ assets(${args}) { ${PAGE} } }`)).assets.edges.map((e) => e.node.id);
    expect(await ids('kind: MODEL')).toEqual([PIPELINE.model, 'models/other']);
    expect(await ids('filter: { nameContains: "CUSTOMER" }')).toEqual([
      PIPELINE.datasetV1,
      PIPELINE.datasetV2,
      PIPELINE.featureset,
    ]);
    expect(await ids('filter: { tag: "beta" }')).toEqual(['models/other']);
    // What the project owns, and the shared data upstream of its model (v1 through v2's derived_from).
    expect(await ids(`filter: { project: "${PIPELINE.project}" }`)).toEqual([
      PIPELINE.datasetV1,
      PIPELINE.datasetV2,
      PIPELINE.featureset,
      PIPELINE.model,
      // Logged together: one instant, so in id order.
      PIPELINE.devPerf,
      PIPELINE.params,
      PIPELINE.run,
      PIPELINE.deployment,
      PIPELINE.servingPerf,
    ]);
    expect(await ids(`kind: MODEL, filter: { project: "${PIPELINE.project}" }`)).toEqual([PIPELINE.model]);
    expect(await ids(`kind: DATASET, filter: { project: "${PIPELINE.project}" }`)).toEqual([PIPELINE.datasetV1, PIPELINE.datasetV2]);
    expect(await ids(`kind: SERVING_PERF, filter: { project: "${PIPELINE.project}" }`)).toEqual([PIPELINE.servingPerf]);
    expect(await ids('filter: { environment: "production" }')).toEqual([PIPELINE.deployment]);
    expect(await ids('kind: MODEL, filter: { environment: "production" }')).toEqual([]);
    expect(await ids('filter: { environment: "staging" }')).toEqual([]);
    expect(
      await ids('filter: { createdAfter: "2026-03-01T00:00:06Z", createdBefore: "2026-03-01T01:00:08.000+01:00" }'),
    ).toEqual([PIPELINE.deployment, PIPELINE.servingPerf]);
  });

  test.each([
    ['first: 0', 'first: expected a page size from 1 to 100, received 0', 'first'],
    ['first: 101', 'first: expected a page size from 1 to 100, received 101', 'first'],
    ['after: "bm9wZQ"', 'after: expected a cursor from pageInfo.endCursor, received "bm9wZQ"', 'after'],
    ['after: "not a cursor!"', 'after: expected a cursor from pageInfo.endCursor, received "not a cursor!"', 'after'],
    [
      `filter: { project: "${PIPELINE.model}" }`,
      'filter.project: expected the id of a project asset such as "project/churn", received "models/churn-xgb" (a models asset)',
      'filter.project',
    ],
  ])('%s is BAD_USER_INPUT', async (args, message, field) => {
    const error = onlyError(await api.execute(`{ assets(${args}) { ${PAGE} } }`));
    expect(error.message).toBe(message);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(api.store.calls).toEqual([]);
  });

  test.each([
    ['a number for a time', [42, 'models/x']],
    ['an id of no collection', ['2026-01-01T00:00:00.000Z', 'nope/x']],
    ['three parts', ['2026-01-01T00:00:00.000Z', 'models/x', 1]],
    ['an overlong time', ['2'.repeat(65), 'models/x']],
  ])('a cursor whose position is not a listing position (%s) is refused', async (_case, position) => {
    const forged = Buffer.from(JSON.stringify(position)).toString('base64url');
    const error = onlyError(await api.execute(`{ assets(after: "${forged}") { ${PAGE} } }`));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});
