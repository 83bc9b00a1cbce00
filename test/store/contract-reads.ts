import { describe, expect, it } from 'vitest';
import type { AssetContent } from '../../src/domain/kinds.js';
import { makeListQuery, type Store } from '../../src/store/store.js';
import { content, link, putAll, putAsset, commitOps } from '../helpers/assets.js';

/** Every kind with every typed field set, to check records round-trip whole. */
const FULL: AssetContent[] = [
  content('PROJECT', 'p1', { description: 'Housing', tag: 't', version: '1', properties: { team: 'data' } }),
  content('DATASET', 'd1', { source: 's3://x', description: 'raw', statistics: { rows: 10, cols: ['a'] } }),
  content('FEATURESET', 'f1', { features: [{ name: 'rooms', dtype: 'int64' }], description: 'f' }),
  content('MODEL', 'm1', { task: 'regression', framework: 'sklearn', uri: 'file:///m', description: 'm' }),
  content('RUN', 'r1', {
    status: 'FAILED',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T01:00:00.000Z',
    deploymentTag: 'dep-1',
    properties: { gpu: true, nested: { a: [1, 2, { b: null }] } },
  }),
  content('MODEL_PARAMS', 'r1', { params: { alpha: 0.1, layers: [64, 32] } }),
  content('DEV_PERF', 'r1', { metrics: { rmse: 1.5, r2: 0.75 }, recordedAt: '2026-01-01T01:00:00.000Z' }),
  content('DEPLOYMENT', 'dep1', { environment: 'production' }),
  content('SERVING_PERF', 'sp1', {
    metrics: { rmse: 2 },
    periodStart: '2026-02-01T00:00:00.000Z',
    periodEnd: '2026-02-02T00:00:00.000Z',
  }),
];

export function readsContract(store: () => Store): void {
  describe('getAssets', () => {
    it('returns every kind with all its fields, in the order asked, null for missing and malformed ids', async () => {
      await commitOps(store(), FULL.map((c) => putAsset(c)));
      const ids = [...FULL.map((c) => c.id)].reverse();
      const records = await store().getAssets([...ids, 'models/missing', 'not-an-id', 'bogus/x', ids[0] as string]);
      expect(records).toHaveLength(ids.length + 4);
      ids.forEach((id, i) => {
        const expected = FULL.find((c) => c.id === id);
        expect(records[i]).toMatchObject(expected as object);
        expect(records[i]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(records[i]?.updatedAt).toBe(records[i]?.createdAt);
      });
      expect(records.slice(ids.length, ids.length + 3)).toEqual([null, null, null]);
      expect(records.at(-1)?.id).toBe(ids[0]);
    });

    it('answers an empty batch with an empty list', async () => {
      expect(await store().getAssets([])).toEqual([]);
    });
  });

  describe('neighbors', () => {
    it('answers many (id, relation, direction) requests in order, oldest relation first', async () => {
      const [m, r1, r2, d1, d2] = await putAll(store(), 'MODEL:m', 'RUN:r1', 'RUN:r2', 'DATASET:d1', 'DATASET:d2');
      await link(store(), ['run_models', m!, r2!], ['run_models', m!, r1!], ['run_datasets', r1!, d2!], ['run_datasets', r1!, d1!]);
      const answers = await store().neighbors([
        { id: m!, relation: 'run_models', direction: 'OUT', asOf: null },
        { id: r1!, relation: 'run_models', direction: 'IN', asOf: null },
        { id: r1!, relation: 'run_datasets', direction: 'OUT', asOf: null },
        { id: d1!, relation: 'run_datasets', direction: 'IN', asOf: null },
        { id: d1!, relation: 'featureset_dataset', direction: 'IN', asOf: null },
        { id: 'models/missing', relation: 'run_models', direction: 'OUT', asOf: null },
      ]);
      expect(answers.map((list) => list.map((a) => a.id))).toEqual([[r2, r1], [m], [d2, d1], [r1], [], []]);
      expect(answers[0]?.[0]).toMatchObject({ kind: 'RUN', runId: 'r2' });
    });
  });

  describe('listAssets', () => {
    const page = (s: Store, query: Partial<Parameters<Store['listAssets']>[0]> = {}) =>
      s.listAssets(makeListQuery(query));

    it('pages through every asset by (createdAt, id) with keyset cursors', async () => {
      const ids = await putAll(store(), 'DATASET:a', 'DATASET:b', 'MODEL:c', 'RUN:d', 'PROJECT:e');
      const seen: string[] = [];
      let after = null;
      for (let i = 0; i < 3; i++) {
        const result: Awaited<ReturnType<Store['listAssets']>> = await page(store(), { first: 2, after });
        seen.push(...result.assets.map((a) => a.id));
        const last = result.assets.at(-1);
        expect(result.hasNextPage).toBe(i < 2);
        after = last ? { createdAt: last.createdAt, id: last.id } : null;
      }
      expect(seen).toHaveLength(5);
      expect([...seen].sort()).toEqual([...ids].sort());
      const all = (await page(store())).assets;
      const order = all.map((a) => [a.createdAt, a.id].join(' '));
      expect(order).toEqual([...order].sort());
      expect(all.map((a) => a.id)).toEqual(seen);
    });

    it('filters by kind, name substring (case-insensitive, wildcards literal), tag, project and time', async () => {
      await commitOps(store(), [
        putAsset(content('MODEL', 'm1', { name: 'House_Price 100%', tag: 'prod' })),
        putAsset(content('MODEL', 'm2', { name: 'houseXprice', tag: 'dev' })),
        putAsset(content('DATASET', 'd1', { name: 'house prices', tag: 'prod' })),
        putAsset(content('PROJECT', 'p1')),
      ]);
      await link(store(), ['project_models', 'project/p1', 'models/m1']);
      const ids = async (query: Parameters<typeof page>[1]) => (await page(store(), query)).assets.map((a) => a.id);
      expect(await ids({ kind: 'MODEL' })).toEqual(expect.arrayContaining(['models/m1', 'models/m2']));
      expect(await ids({ kind: 'MODEL' })).toHaveLength(2);
      expect((await ids({ nameContains: 'HOUSE' })).sort()).toEqual(['datasets/d1', 'models/m1', 'models/m2']);
      expect(await ids({ nameContains: 'e_p' })).toEqual(['models/m1']);
      expect(await ids({ nameContains: '100%' })).toEqual(['models/m1']);
      expect((await ids({ tag: 'prod' })).sort()).toEqual(['datasets/d1', 'models/m1']);
      expect(await ids({ project: 'project/p1' })).toEqual(['models/m1']);
      expect(await ids({ kind: 'DATASET', tag: 'dev' })).toEqual([]);
      const all = (await page(store())).assets;
      const latest = all.at(-1)!.createdAt;
      expect(await ids({ createdAfter: '2999-01-01T00:00:00.000Z' })).toEqual([]);
      expect(await ids({ createdBefore: '2000-01-01T00:00:00.000Z' })).toEqual([]);
      expect((await ids({ createdAfter: latest })).length).toBeGreaterThanOrEqual(1);
      expect(await ids({ createdBefore: latest })).not.toContain(all.at(-1)!.id);
    });
  });

  describe('ping', () => {
    it('resolves while the database answers', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });
  });
}
