import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/graphql.js';
import { seedTwoProjects, TWO, viewer } from '../helpers/projects.js';

/**
 * The change log through GraphQL: the audit trail, an asset's history, who
 * created and last updated it, a change by id, their cursors and their cost
 * in store calls.
 */

let api: TestApi;
let clock = 0;
const instant = (n: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, n)).toISOString();
beforeEach(() => {
  clock = 0;
  api = createTestApi({ now: () => new Date(instant(++clock)) });
});
afterEach(() => api.close());

const alice = viewer('writer');
const bob = { ...viewer('writer'), name: 'bob' };

const CHANGE_FIELDS = 'id sequence at actor operation assetId kind before after relation from to source transaction asset { id }';

async function registerModel(key: string, as = alice) {
  await api.data(`mutation ($key: String!) { registerModel(input: { key: $key, name: $key, tag: "draft" }) { model { id } } }`, { key }, as);
}

describe('who changed what', () => {
  test('lists who changed a model’s tag and what it was before', async () => {
    await registerModel('price');
    await api.data(`mutation { updateAsset(input: { id: "models/price", tag: "production" }) { asset { id } } }`, undefined, bob);
    const data = await api.data<{ node: { createdBy: string; updatedBy: string; history: { edges: { node: Record<string, unknown> }[] } } }>(
      `{ node(id: "models/price") { ... on Model { createdBy updatedBy history { edges { node { ${CHANGE_FIELDS} } } } } } }`,
    );
    expect(data.node.createdBy).toBe('writer-all');
    expect(data.node.updatedBy).toBe('bob');
    const [create, update] = data.node.history.edges.map((edge) => edge.node);
    expect(create).toMatchObject({ operation: 'CREATE', actor: 'writer-all', source: 'registerModel', before: null, at: instant(1) });
    expect(update).toEqual({
      id: `metalayer_changes/${String(update?.['sequence'])}`,
      sequence: '2',
      at: instant(2),
      actor: 'bob',
      operation: 'UPDATE',
      assetId: 'models/price',
      kind: 'MODEL',
      before: expect.objectContaining({ tag: 'draft', name: 'price' }),
      after: expect.objectContaining({ tag: 'production', name: 'price' }),
      relation: null,
      from: null,
      to: null,
      source: 'updateAsset',
      transaction: expect.any(String),
      asset: { id: 'models/price' },
    });
  });

  test('reads a deleted dataset’s history from the audit trail, its asset null, and resolves a change by id', async () => {
    await api.data(`mutation { registerDataset(input: { key: "census", name: "census" }) { dataset { id } } }`);
    await api.data(`mutation { registerDataset(input: { key: "census-2", name: "census", version: "2" }) { dataset { id } } }`);
    await api.data(`mutation { linkDerivedFrom(input: { asset: "datasets/census-2", from: "datasets/census" }) { asset { id } } }`);
    await api.data(`mutation { deleteAsset(input: { id: "datasets/census" }) { deletedId } }`);
    const data = await api.data<{ changes: { edges: { cursor: string; node: { operation: string; assetId: string; asset: unknown; id: string } }[] } }>(
      `{ changes(filter: { assets: ["datasets/census"] }) { edges { cursor node { id operation assetId asset { id } } } } }`,
    );
    expect(data.changes.edges.map((e) => [e.node.operation, e.node.assetId, e.node.asset])).toEqual([
      ['CREATE', 'datasets/census', null],
      ['LINK', 'datasets/census-2', { id: 'datasets/census-2' }],
      ['UNLINK', 'datasets/census-2', { id: 'datasets/census-2' }],
      ['DELETE', 'datasets/census', null],
    ]);
    const deletion = data.changes.edges.at(-1)?.node.id;
    const byId = await api.data<{ node: unknown; nodes: unknown[] }>(
      `query ($id: ID!) { node(id: $id) { __typename ... on Change { operation source } } nodes(ids: [$id, "metalayer_changes/999"]) { id } }`,
      { id: deletion },
    );
    expect(byId).toEqual({ node: { __typename: 'Change', operation: 'DELETE', source: 'deleteAsset' }, nodes: [{ id: deletion }, null] });
  });
});

describe('paging the audit trail', () => {
  test('pages with sealed cursors or after a sequence, filtered by actor, kind, operation and instants', async () => {
    for (const key of ['a', 'b', 'c']) await registerModel(key);
    await registerModel('d', bob);
    const page = async (args: string) =>
      api.data<{ changes: { edges: { cursor: string; node: { sequence: string; assetId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
        `{ changes(${args}) { edges { cursor node { sequence assetId } } pageInfo { hasNextPage endCursor } } }`,
      );
    const first = await page('first: 2');
    expect(first.changes.edges.map((e) => e.node.assetId)).toEqual(['models/a', 'models/b']);
    expect(first.changes.pageInfo.hasNextPage).toBe(true);
    expect(first.changes.pageInfo.endCursor).toMatch(/^s\./);
    const next = await page(`first: 2, after: "${String(first.changes.pageInfo.endCursor)}"`);
    expect(next.changes.edges.map((e) => e.node.assetId)).toEqual(['models/c', 'models/d']);
    expect(next.changes.pageInfo.hasNextPage).toBe(false);
    expect((await page('afterSequence: "3"')).changes.edges.map((e) => e.node.assetId)).toEqual(['models/d']);
    expect((await page('filter: { actor: "bob" }')).changes.edges.map((e) => e.node.assetId)).toEqual(['models/d']);
    expect((await page(`filter: { since: "${instant(2)}", until: "${instant(3)}", kinds: [MODEL], operations: [CREATE] }`)).changes.edges.map((e) => e.node.assetId)).toEqual(['models/b', 'models/c']);
    expect((await page('filter: { kinds: [RUN] }')).changes.edges).toEqual([]);
  });

  test('refuses what names no position, and both positions at once', async () => {
    const refused = async (args: string) => (await api.execute(`{ changes(${args}) { edges { cursor } } }`)).errors?.[0];
    expect(await refused('first: 0')).toMatchObject({ message: 'first: expected a page size from 1 to 100, received 0', extensions: { code: 'BAD_USER_INPUT' } });
    expect(await refused('after: "nope"')).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    expect(await refused('afterSequence: "x1"')).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'afterSequence' } });
    expect(await refused('afterSequence: "1", after: "s.x"')).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'afterSequence' } });
    expect(await refused('filter: { assets: ["model/x"] }')).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.assets.0' } });
    // A listing cursor is not a change-log cursor.
    await registerModel('a');
    const listing = await api.data<{ assets: { pageInfo: { endCursor: string } } }>(`{ assets { pageInfo { endCursor } } }`);
    expect(await refused(`after: "${listing.assets.pageInfo.endCursor}"`)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('store calls', () => {
  test('the history, createdBy and updatedBy of a page of assets: one histories and one authors call', async () => {
    for (const key of ['a', 'b', 'c', 'd', 'e']) await registerModel(key);
    api.store.reset();
    const data = await api.data<{ assets: { edges: { node: { createdBy: string; history: { edges: unknown[] } } }[] } }>(
      `{ assets(kind: MODEL) { edges { node { createdBy updatedBy history(first: 5) { edges { node { operation } } } } } } }`,
    );
    expect(data.assets.edges).toHaveLength(5);
    expect(data.assets.edges.every((edge) => edge.node.createdBy === 'writer-all' && edge.node.history.edges.length === 1)).toBe(true);
    expect(api.store.calls).toEqual([
      { operation: 'listAssets', batch: 1 },
      { operation: 'authors', batch: 5 },
      { operation: 'histories', batch: 5 },
    ]);
  });
});

describe('scopes', () => {
  test('a scoped token sees only the changes of assets it may see, never another project’s ids', async () => {
    await seedTwoProjects(api.store);
    const alphaReader = viewer('reader', TWO.alpha);
    const all = await api.data<{ changes: { edges: { node: Record<string, unknown> }[] } }>(
      `{ changes(first: 100) { edges { node { ${CHANGE_FIELDS} } } } }`,
      undefined,
      alphaReader,
    );
    const text = JSON.stringify(all);
    for (const hidden of [TWO.beta, TWO.betaModel, TWO.betaRun, TWO.betaParams, TWO.betaPerf, TWO.betaDeployment, TWO.betaServing]) {
      expect(text).not.toContain(hidden);
    }
    expect(all.changes.edges.map((e) => e.node['assetId'])).toContain(TWO.alphaModel);
    const history = await api.data<{ node: { history: { edges: { node: { from: string | null } }[] } } }>(
      `{ node(id: "${TWO.sharedV2}") { ... on Dataset { history(first: 100) { edges { node { operation from } } } } } }`,
      undefined,
      alphaReader,
    );
    expect(history.node.history.edges.map((e) => e.node.from)).toEqual([null, TWO.sharedV2, TWO.sharedFs, TWO.alphaRun]);
  });
});
