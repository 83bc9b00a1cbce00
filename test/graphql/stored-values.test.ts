import { afterEach, describe, expect, test } from 'vitest';
import type { AssetRecord } from '../../src/domain/kinds.js';
import type { Store } from '../../src/store/store.js';
import { memoryStore, putAll } from '../helpers/assets.js';
import { createTestApi, type TestApi } from '../helpers/graphql.js';

/**
 * What other tools stored is read as far as it can be: a creation time in a
 * form no reading makes sense of is a field error naming the asset, with its
 * own code, and never an internal error or a broken listing.
 */

const UNREADABLE = 'sometime in June';

/** A store whose `models/odd` carries an unreadable creation time, as a hand-edited database can. */
function storeWithOddCreationTime(): Store {
  const inner = memoryStore();
  const odd = (record: AssetRecord | null) => (record?.id === 'models/odd' ? { ...record, createdAt: UNREADABLE } : record);
  return Object.assign(Object.create(inner) as Store, {
    getAssets: async (ids: readonly string[], asOf?: string | null) => (await inner.getAssets(ids, asOf)).map(odd),
    listAssets: async (query: Parameters<Store['listAssets']>[0]) => {
      const page = await inner.listAssets(query);
      return { ...page, assets: page.assets.map((asset) => odd(asset) ?? asset) };
    },
  });
}

let api: TestApi;
afterEach(() => api.close());

describe('unreadable stored values', () => {
  test('an unreadable creation time is a field error naming the asset, and the rest of the asset is answered', async () => {
    api = createTestApi({ store: storeWithOddCreationTime() });
    await putAll(api.store, 'MODEL:odd', 'MODEL:fine');
    const result = await api.execute<{ node: unknown }>(`{ node(id: "models/odd") { id ... on Model { name createdAt } } }`);
    expect(result.errors).toEqual([
      {
        message: 'The stored creation time of "models/odd" cannot be read: "sometime in June" is not a date-time',
        locations: [{ line: 1, column: 51 }],
        path: ['node', 'createdAt'],
        extensions: { code: 'UNREADABLE_STORED_VALUE' },
      },
    ]);
    expect(api.logged).toEqual([]);
  });

  test('a listing pages past it, and asking for the time itself names the asset rather than failing internally', async () => {
    api = createTestApi({ store: storeWithOddCreationTime() });
    await putAll(api.store, 'MODEL:odd', 'MODEL:fine');
    const first = await api.data<{ assets: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string } } }>(
      `{ assets(kind: MODEL, first: 1) { edges { node { id name } } pageInfo { endCursor } } }`,
    );
    const second = await api.data<{ assets: { edges: { node: { id: string } }[] } }>(
      `query ($after: String) { assets(kind: MODEL, first: 1, after: $after) { edges { node { id name } } } }`,
      { after: first.assets.pageInfo.endCursor },
    );
    expect([...first.assets.edges, ...second.assets.edges].map((edge) => edge.node.id).sort()).toEqual(['models/fine', 'models/odd']);
    const withTimes = await api.execute(`{ assets(kind: MODEL) { edges { node { id createdAt } } } }`);
    expect(withTimes.errors?.map((error) => error.extensions?.['code'])).toEqual(['UNREADABLE_STORED_VALUE']);
    expect(api.logged).toEqual([]);
  });
});
