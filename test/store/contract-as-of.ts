import { describe, expect, it } from 'vitest';
import type { AssetRecord } from '../../src/domain/kinds.js';
import { makeListQuery, type Store } from '../../src/store/store.js';
import { commitOps, content, putAsset, putEdge, traverseRequest } from '../helpers/assets.js';

/**
 * Reads as of an instant: the store after every change whose `at` is at or
 * before it. Each test writes at instants T1 < T3 < T5 and reads at the
 * instants around them.
 */
const T0 = '2026-03-01T00:00:00.000Z';
const T1 = '2026-03-01T01:00:00.000Z';
const T2 = '2026-03-01T02:00:00.000Z';
const T3 = '2026-03-01T03:00:00.000Z';
const T4 = '2026-03-01T04:00:00.000Z';
const T5 = '2026-03-01T05:00:00.000Z';
const T6 = '2026-03-01T06:00:00.000Z';

const summary = (asset: AssetRecord | null) =>
  asset && { id: asset.id, name: asset.name, tag: asset.tag, createdAt: asset.createdAt, updatedAt: asset.updatedAt };

export function asOfContract(store: () => Store): void {
  describe('reading as of an instant', () => {
    it('keeps the whole history on a fresh store', async () => {
      expect(await store().historyStart()).toBeNull();
    });

    it('answers an asset as it stood before and after an update, and nothing before it existed', async () => {
      await commitOps(store(), [putAsset(content('MODEL', 'm', { tag: 'candidate', properties: { lr: 1 } }))], T1);
      await commitOps(store(), [{ type: 'updateAsset', id: 'models/m', patch: { tag: 'production' }, field: ['input'] }], T3);

      const read = async (asOf: string) => (await store().getAssets(['models/m', 'models/none'], asOf)).map(summary);
      expect(await read(T0)).toEqual([null, null]);
      expect(await read(T1)).toEqual([{ id: 'models/m', name: 'm', tag: 'candidate', createdAt: T1, updatedAt: T1 }, null]);
      expect(await read(T2)).toEqual([{ id: 'models/m', name: 'm', tag: 'candidate', createdAt: T1, updatedAt: T1 }, null]);
      expect(await read(T3)).toEqual([{ id: 'models/m', name: 'm', tag: 'production', createdAt: T1, updatedAt: T3 }, null]);
      // The whole record, typed fields and properties included, as it stood.
      const [before] = await store().getAssets(['models/m'], T2);
      expect(before).toEqual({
        kind: 'MODEL',
        id: 'models/m',
        key: 'm',
        name: 'm',
        version: null,
        tag: 'candidate',
        properties: { lr: 1 },
        description: null,
        task: null,
        framework: null,
        uri: null,
        createdAt: T1,
        updatedAt: T1,
      });
    });

    it('answers an imported asset as imported, as each update left it, and nothing once deleted', async () => {
      // The import is stamped with the store's clock; the writes after it come later than any clock reads.
      const later = (day: number) => `2999-01-0${day}T00:00:00.000Z`;
      const [U1, U2, U3, U4, U5] = [later(1), later(2), later(3), later(4), later(5)] as const;
      const imported = content('MODEL', 'm', { tag: 'candidate', description: 'imported', properties: { lr: 1 } });
      await store().importBulk({ assets: [imported, content('MODEL', 'n', { tag: 'candidate' })], edges: [] });
      const [now] = await store().getAssets(['models/m']);
      await commitOps(store(), [{ type: 'updateAsset', id: 'models/m', patch: { tag: 'production' }, field: ['input'] }], U1);
      await commitOps(store(), [{ type: 'updateAsset', id: 'models/m', patch: { tag: 'retired' }, field: ['input'] }], U3);
      await commitOps(store(), [{ type: 'deleteAsset', id: 'models/m', field: ['id'] }], U5);

      const created = now?.createdAt ?? '';
      expect(await store().getAssets(['models/m'], T0)).toEqual([null]);
      // m as its first update found it; n, never changed, as it is.
      expect(await store().getAssets(['models/m', 'models/n'], created)).toEqual([now, ...(await store().getAssets(['models/n']))]);
      expect((await store().getAssets(['models/m'], U2)).map(summary)).toEqual([{ id: 'models/m', name: 'm', tag: 'production', createdAt: created, updatedAt: U1 }]);
      expect((await store().getAssets(['models/m'], U4)).map(summary)).toEqual([{ id: 'models/m', name: 'm', tag: 'retired', createdAt: created, updatedAt: U3 }]);
      expect(await store().getAssets(['models/m'], U5)).toEqual([null]);
      // Listing filters on the state as it stood: the imported tag before the update, none of it after the delete.
      const tagged = async (tag: string, asOf: string) =>
        (await store().listAssets(makeListQuery({ kind: 'MODEL', tag, asOf }))).assets.map((a) => a.id);
      expect(await tagged('candidate', created)).toEqual(['models/m', 'models/n']);
      expect(await tagged('candidate', U2)).toEqual(['models/n']);
      expect(await tagged('production', U2)).toEqual(['models/m']);
      expect(await tagged('retired', U5)).toEqual([]);
      const [listed] = (await store().listAssets(makeListQuery({ kind: 'MODEL', nameContains: 'm', asOf: created }))).assets;
      expect(listed).toEqual(now);
    });

    it('reads a deleted asset as of before its deletion, and lists it then', async () => {
      await commitOps(store(), [putAsset(content('DATASET', 'd')), putAsset(content('DATASET', 'e'))], T1);
      await commitOps(store(), [{ type: 'deleteAsset', id: 'datasets/d', field: ['id'] }], T3);
      await commitOps(store(), [putAsset(content('DATASET', 'f'))], T5);

      expect((await store().getAssets(['datasets/d'])).map(summary)).toEqual([null]);
      expect((await store().getAssets(['datasets/d'], T2)).map(summary)).toEqual([
        { id: 'datasets/d', name: 'd', tag: null, createdAt: T1, updatedAt: T1 },
      ]);
      expect(await store().getAssets(['datasets/d'], T4)).toEqual([null]);

      const listed = async (asOf: string) =>
        (await store().listAssets(makeListQuery({ kind: 'DATASET', asOf }))).assets.map((a) => a.id);
      expect(await listed(T0)).toEqual([]);
      expect(await listed(T2)).toEqual(['datasets/d', 'datasets/e']);
      expect(await listed(T4)).toEqual(['datasets/e']);
      expect(await listed(T6)).toEqual(['datasets/e', 'datasets/f']);
      // Paging as of an instant: one to a page, the position as the present gives it.
      const first = await store().listAssets(makeListQuery({ kind: 'DATASET', asOf: T2, first: 1 }));
      expect(first.assets.map((a) => a.id)).toEqual(['datasets/d']);
      expect(first.hasNextPage).toBe(true);
      const second = await store().listAssets(makeListQuery({ kind: 'DATASET', asOf: T2, first: 1, after: first.positions[0] ?? null }));
      expect(second.assets.map((a) => a.id)).toEqual(['datasets/e']);
      expect(second.hasNextPage).toBe(false);
    });

    it("answers a model's upstream without a derivation before it was linked, and with it after", async () => {
      await commitOps(
        store(),
        [putAsset(content('MODEL', 'base')), putAsset(content('MODEL', 'tuned')), putAsset(content('RUN', 'r'))],
        T1,
      );
      await commitOps(store(), [putEdge('run_models', 'models/tuned', 'run/r')], T1);
      await commitOps(store(), [putEdge('derived_from', 'models/tuned', 'models/base')], T3);

      const upstream = async (asOf: string) => {
        const [lineage] = await store().traverse([traverseRequest('models/tuned', { asOf })]);
        return {
          nodes: lineage?.nodes.map((n) => [n.asset.id, n.degree]),
          edges: lineage?.edges.map((e) => `${e.from} ${e.relation} ${e.to}`),
          truncated: lineage?.truncated,
        };
      };
      expect(await upstream(T2)).toEqual({
        nodes: [['run/r', 1]],
        edges: ['models/tuned run_models run/r'],
        truncated: false,
      });
      expect(await upstream(T3)).toEqual({
        nodes: [
          ['models/base', 1],
          ['run/r', 1],
        ],
        edges: ['models/tuned derived_from models/base', 'models/tuned run_models run/r'],
        truncated: false,
      });
      expect(await upstream(T0)).toEqual({ nodes: [], edges: [], truncated: false });
      // The bounds hold as they do now.
      const [cut] = await store().traverse([traverseRequest('models/tuned', { asOf: T3, limit: 1 })]);
      expect(cut?.nodes.map((n) => n.asset.id)).toEqual(['models/base']);
      expect(cut?.truncated).toBe(true);
    });

    it('answers a relation removed since, with its end as it stood, and not after the removal', async () => {
      await commitOps(store(), [putAsset(content('MODEL', 'm')), putAsset(content('RUN', 'r', { tag: 'first' }))], T1);
      await commitOps(store(), [putEdge('run_models', 'models/m', 'run/r')], T1);
      await commitOps(store(), [{ type: 'updateAsset', id: 'run/r', patch: { tag: 'second' }, field: ['input'] }], T3);
      await commitOps(store(), [{ type: 'deleteAsset', id: 'run/r', field: ['id'] }], T5);

      const runs = async (asOf: string | null) =>
        (await store().neighbors([{ id: 'models/m', relation: 'run_models', direction: 'OUT', asOf }]))[0]?.map(
          (r) => `${r.id} ${r.tag}`,
        );
      expect(await runs(T2)).toEqual(['run/r first']);
      expect(await runs(T4)).toEqual(['run/r second']);
      expect(await runs(T6)).toEqual([]);
      expect(await runs(null)).toEqual([]);
      const [lineage] = await store().traverse([traverseRequest('models/m', { asOf: T4 })]);
      expect(lineage?.nodes.map((n) => `${n.asset.id} ${n.asset.tag}`)).toEqual(['run/r second']);
    });

    it('follows a relation removed since, both ends still there, only up to its removal, and again once relinked', async () => {
      await commitOps(store(), [putAsset(content('MODEL', 'base')), putAsset(content('MODEL', 'tuned'))], T1);
      await commitOps(store(), [putEdge('derived_from', 'models/tuned', 'models/base')], T1);
      await commitOps(store(), [{ type: 'removeEdge', edge: { relation: 'derived_from', from: 'models/tuned', to: 'models/base' }, field: ['input'] }], T3);
      await commitOps(store(), [putEdge('derived_from', 'models/tuned', 'models/base')], T5);

      const upstream = async (asOf: string) =>
        (await store().traverse([traverseRequest('models/tuned', { asOf })]))[0]?.edges.map((e) => `${e.from} ${e.relation} ${e.to}`);
      expect(await upstream(T2)).toEqual(['models/tuned derived_from models/base']);
      expect(await upstream(T4)).toEqual([]);
      expect(await upstream(T6)).toEqual(['models/tuned derived_from models/base']);
      const bases = async (asOf: string) =>
        (await store().neighbors([{ id: 'models/base', relation: 'derived_from', direction: 'IN', asOf }]))[0]?.map((a) => a.id);
      expect([await bases(T2), await bases(T4), await bases(T6)]).toEqual([['models/tuned'], [], ['models/tuned']]);
    });

    it('answers after a prune what stood after the horizon: assets changed since, and unchanged ones as they are', async () => {
      await commitOps(store(), [putAsset(content('DATASET', 'd', { tag: 'a' })), putAsset(content('DATASET', 'e'))], T1);
      await commitOps(store(), [putEdge('derived_from', 'datasets/d', 'datasets/e')], T1);
      await commitOps(store(), [{ type: 'updateAsset', id: 'datasets/d', patch: { tag: 'b' }, field: ['input'] }], T3);
      await commitOps(store(), [putAsset(content('DATASET', 'f'))], T5);
      await store().pruneHistory(T2);

      const tags = async (asOf: string) => (await store().getAssets(['datasets/d', 'datasets/e', 'datasets/f'], asOf)).map((a) => a && a.tag);
      expect(await tags(T2)).toEqual(['a', null, null]);
      expect((await store().getAssets(['datasets/e'], T2))[0]?.id).toBe('datasets/e');
      expect(await tags(T4)).toEqual(['b', null, null]);
      expect((await store().getAssets(['datasets/f'], T6))[0]?.id).toBe('datasets/f');
      const [lineage] = await store().traverse([traverseRequest('datasets/d', { asOf: T2 })]);
      expect(lineage?.nodes.map((n) => n.asset.id)).toEqual(['datasets/e']);
    });

    it('reads an erased asset as absent as of any instant, while lineages still pass through it', async () => {
      await commitOps(
        store(),
        [putAsset(content('DATASET', 'a')), putAsset(content('DATASET', 'b')), putAsset(content('DATASET', 'c'))],
        T1,
      );
      // c derives from b, which derives from a.
      await commitOps(store(), [putEdge('derived_from', 'datasets/c', 'datasets/b'), putEdge('derived_from', 'datasets/b', 'datasets/a')], T1);
      await commitOps(store(), [{ type: 'deleteAsset', id: 'datasets/b', field: ['id'] }], T3);
      await store().purgeHistory('datasets/b');

      expect((await store().getAssets(['datasets/a', 'datasets/b'], T2)).map((a) => a && a.id)).toEqual(['datasets/a', null]);
      const [lineage] = await store().traverse([traverseRequest('datasets/c', { asOf: T2 })]);
      expect(lineage?.nodes.map((n) => [n.asset.id, n.asset.name, n.degree])).toEqual([['datasets/a', 'a', 2]]);
      expect(lineage?.edges).toEqual([]);
      const listed = await store().listAssets(makeListQuery({ kind: 'DATASET', asOf: T2 }));
      expect(listed.assets.map((a) => [a.id, a.name])).toEqual([
        ['datasets/a', 'a'],
        ['datasets/c', 'c'],
      ]);
      const [neighbors] = await store().neighbors([{ id: 'datasets/c', relation: 'derived_from', direction: 'OUT', asOf: T2 }]);
      expect(neighbors).toEqual([]);
    });

    it('answers ownership and scoped lineages as they stood', async () => {
      await commitOps(
        store(),
        [
          putAsset(content('PROJECT', 'p')),
          putAsset(content('PROJECT', 'q')),
          putAsset(content('MODEL', 'm')),
          putAsset(content('RUN', 'r')),
          putAsset(content('DATASET', 'd')),
        ],
        T1,
      );
      await commitOps(store(), [putEdge('run_models', 'models/m', 'run/r'), putEdge('run_datasets', 'run/r', 'datasets/d')], T1);
      await commitOps(store(), [putEdge('project_models', 'project/p', 'models/m')], T3);

      expect(await store().owners(['run/r', 'models/m', 'project/q', 'datasets/d', 'models/none'], T2)).toEqual([
        [],
        [],
        ['project/q'],
        [],
        [],
      ]);
      expect(await store().owners(['run/r', 'models/m'], T4)).toEqual([['project/p'], ['project/p']]);
      expect(await store().owners(['run/r'], T0)).toEqual([[]]);

      // Scoped to q: before p took the model the run was shared and visible; after, it is p's.
      const scoped = async (asOf: string) =>
        (await store().traverse([traverseRequest('datasets/d', { asOf, direction: 'DOWNSTREAM', scope: ['project/q'] })]))[0]?.nodes.map(
          (n) => n.asset.id,
        );
      expect(await scoped(T2)).toEqual(['run/r', 'models/m']);
      expect(await scoped(T4)).toEqual([]);
    });
  });
}
