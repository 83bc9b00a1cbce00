import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { content, link, putAll, putAsset, putEdge, rejection } from '../helpers/assets.js';

export function writesContract(store: () => Store): void {
  describe('write: putAsset', () => {
    it('returns the stored records of a unit of work', async () => {
      const result = await store().write([putAsset(content('MODEL', 'm1', { task: 'regression' }))]);
      expect(result.assets.get('models/m1')).toMatchObject({ id: 'models/m1', kind: 'MODEL', task: 'regression' });
      expect(result.deleted.size).toBe(0);
    });

    it('is idempotent for the same content and keeps the first timestamps', async () => {
      const first = await store().write([putAsset(content('DATASET', 'd1', { properties: { a: 1, b: [1] } }))]);
      const again = await store().write([putAsset(content('DATASET', 'd1', { properties: { b: [1], a: 1 } }))]);
      expect(again.assets.get('datasets/d1')).toEqual(first.assets.get('datasets/d1'));
    });

    it('refuses the same id with different content, and writes nothing of the unit', async () => {
      await putAll(store(), 'DATASET:d1');
      const error = await rejection(() =>
        store().write([putAsset(content('MODEL', 'm1')), putAsset(content('DATASET', 'd1', { source: 'changed' }))]),
      );
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain('datasets/d1');
      expect(await store().getAssets(['models/m1', 'datasets/d1'])).toMatchObject([null, { source: null }]);
    });

    it('refuses a taken name of a named kind unless the version differs', async () => {
      await store().write([putAsset(content('MODEL', 'm1', { name: 'price' }))]);
      const error = await rejection(() => store().write([putAsset(content('MODEL', 'm2', { name: 'price' }))]));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toMatch(/named "price".*models\/m1/);
      await store().write([
        putAsset(content('MODEL', 'm3', { name: 'price', version: '2' })),
        putAsset(content('DATASET', 'd1', { name: 'price' })),
        putAsset(content('RUN', 'r1', { name: 'same' })),
        putAsset(content('RUN', 'r2', { name: 'same' })),
      ]);
      const error2 = await rejection(() =>
        store().write([putAsset(content('MODEL', 'm4', { name: 'price', version: '2' }))]),
      );
      expect(error2.code).toBe('CONFLICT');
      expect(await store().getAssets(['models/m2', 'models/m4'])).toEqual([null, null]);
    });
  });

  describe('write: putEdge', () => {
    it('inserts a relation once, however often it is put', async () => {
      const [m, r] = await putAll(store(), 'MODEL:m', 'RUN:r');
      await link(store(), ['run_models', m!, r!]);
      await link(store(), ['run_models', m!, r!]);
      const [out] = await store().neighbors([{ id: m!, relation: 'run_models', direction: 'OUT' }]);
      expect(out?.map((a) => a.id)).toEqual([r]);
    });

    it('sees assets put earlier in the same unit', async () => {
      await store().write([
        putAsset(content('MODEL', 'm')),
        putAsset(content('RUN', 'r')),
        putEdge('run_models', 'models/m', 'run/r'),
      ]);
      const [out] = await store().neighbors([{ id: 'models/m', relation: 'run_models', direction: 'OUT' }]);
      expect(out?.map((a) => a.id)).toEqual(['run/r']);
    });

    it('fails with NOT_FOUND naming the field when an end is missing, writing nothing', async () => {
      await putAll(store(), 'MODEL:m');
      const error = await rejection(() =>
        store().write([
          putAsset(content('RUN', 'r')),
          putEdge('run_models', 'models/m', 'run/r', 'input.model'),
          putEdge('run_datasets', 'run/r', 'datasets/missing', 'input.datasets.1'),
        ]),
      );
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'input.datasets.1' });
      expect(error.message).toContain('datasets/missing');
      expect(await store().getAssets(['run/r'])).toEqual([null]);
      const [out] = await store().neighbors([{ id: 'models/m', relation: 'run_models', direction: 'OUT' }]);
      expect(out).toEqual([]);
    });
  });

  describe('write: updateAsset', () => {
    it('changes name, version and tag, merges properties and removes null ones', async () => {
      await store().write([putAsset(content('MODEL', 'm', { properties: { a: 1, b: 2 }, tag: 'x' }))]);
      const result = await store().write([
        {
          type: 'updateAsset',
          id: 'models/m',
          patch: { name: 'renamed', version: '2', tag: null, properties: { b: null, c: { d: 3 } } },
          field: 'input.id',
        },
      ]);
      const updated = result.assets.get('models/m');
      expect(updated).toMatchObject({ name: 'renamed', version: '2', tag: null, properties: { a: 1, c: { d: 3 } } });
      expect((updated?.updatedAt ?? '') >= (updated?.createdAt ?? '~')).toBe(true);
      expect(await store().getAssets(['models/m'])).toEqual([updated]);
    });

    it('fails with NOT_FOUND for a missing asset and CONFLICT for a taken name', async () => {
      await store().write([putAsset(content('MODEL', 'a', { name: 'A' })), putAsset(content('MODEL', 'b', { name: 'B' }))]);
      const missing = await rejection(() =>
        store().write([{ type: 'updateAsset', id: 'models/zz', patch: { name: 'x' }, field: 'input.id' }]),
      );
      expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
      const taken = await rejection(() =>
        store().write([{ type: 'updateAsset', id: 'models/b', patch: { name: 'A' }, field: 'input.id' }]),
      );
      expect(taken.code).toBe('CONFLICT');
      expect(await store().getAssets(['models/b'])).toMatchObject([{ name: 'B' }]);
    });
  });

  describe('write: deleteAsset', () => {
    it('removes the asset and its relations in both directions, keeping the other ends', async () => {
      const [m, r, d, dep] = await putAll(store(), 'MODEL:m', 'RUN:r', 'DATASET:d', 'DEPLOYMENT:dep');
      await link(store(), ['run_models', m!, r!], ['run_datasets', r!, d!], ['deployment_model', dep!, m!]);
      const result = await store().write([{ type: 'deleteAsset', id: m!, field: 'input.id' }]);
      expect(result.deleted.get(m!)).toMatchObject({ asset: { id: m }, relations: 2 });
      expect(await store().getAssets([m!, r!, dep!])).toMatchObject([null, { id: r }, { id: dep }]);
      const answers = await store().neighbors([
        { id: r!, relation: 'run_models', direction: 'IN' },
        { id: dep!, relation: 'deployment_model', direction: 'OUT' },
        { id: r!, relation: 'run_datasets', direction: 'OUT' },
      ]);
      expect(answers.map((list) => list.map((a) => a.id))).toEqual([[], [], [d]]);
    });

    it('fails with NOT_FOUND for a missing asset', async () => {
      const error = await rejection(() => store().write([{ type: 'deleteAsset', id: 'models/none', field: 'input.id' }]));
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    });
  });

  describe('importBulk', () => {
    it('inserts assets and relations in one unit, relations may refer to assets of the batch', async () => {
      await putAll(store(), 'DATASET:d0');
      const count = await store().importBulk({
        assets: [content('DATASET', 'd1', { version: '1' }), content('RUN', 'r1'), content('MODEL', 'm1')],
        edges: [
          { relation: 'derived_from', from: 'datasets/d1', to: 'datasets/d0' },
          { relation: 'run_datasets', from: 'run/r1', to: 'datasets/d1' },
          { relation: 'run_models', from: 'models/m1', to: 'run/r1' },
        ],
      });
      expect(count).toEqual({ assets: 3, edges: 3 });
      expect(await store().getAssets(['datasets/d1', 'run/r1'])).toMatchObject([{ version: '1' }, { runId: 'r1' }]);
      const [lineage] = await store().traverse([
        { start: 'models/m1', direction: 'UPSTREAM', depth: 10, limit: 10, kinds: null, visitLimit: 100 },
      ]);
      expect(lineage?.nodes.map((n) => [n.asset.id, n.degree])).toEqual([
        ['run/r1', 1],
        ['datasets/d1', 2],
        ['datasets/d0', 3],
      ]);
    });

    it.each([
      ['an existing id', [content('DATASET', 'd0')], [], 'CONFLICT', 'assets.0'],
      ['a taken name', [content('MODEL', 'm9'), content('DATASET', 'other', { name: 'd0' })], [], 'CONFLICT', 'assets.1'],
      ['a missing end', [content('RUN', 'r1')], [{ relation: 'run_datasets', from: 'run/r1', to: 'datasets/none' }], 'NOT_FOUND', 'edges.0'],
      ['a relation between the wrong kinds', [content('RUN', 'r1')], [{ relation: 'run_models', from: 'run/r1', to: 'datasets/d0' }], 'BAD_USER_INPUT', 'edges.0'],
    ] as const)('refuses %s and writes nothing of the batch', async (_case, assets, edgeList, code, field) => {
      await putAll(store(), 'DATASET:d0');
      const error = await rejection(() => store().importBulk({ assets, edges: edgeList }));
      expect(error).toMatchObject({ code, field });
      expect(await store().getAssets(['models/m9', 'datasets/other', 'run/r1'])).toEqual([null, null, null]);
    });
  });
}
