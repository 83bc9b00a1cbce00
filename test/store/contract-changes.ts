import { describe, expect, it } from 'vitest';
import { assetState, type ChangeRecord } from '../../src/domain/changes.js';
import type { WriteOp } from '../../src/domain/writes.js';
import { makeChangeSelection, type ChangeQuery, type ChangeSelection, type Store } from '../../src/store/store.js';
import { content, putAsset, putEdge, rejection } from '../helpers/assets.js';
import { customContent, EXTENDED_CATALOGUE } from '../helpers/extensions.js';

/** A model put with its project: the ownership scoped readers see it by. */
const projectOf = (key: string, project: string): WriteOp[] => [
  putAsset(content('MODEL', key)),
  putEdge('project_models', project, `models/${key}`),
];

const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-02T10:00:00.000Z';
const T3 = '2026-03-03T10:00:00.000Z';

const query = (selection: Partial<ChangeSelection> = {}, overrides: Partial<ChangeQuery> = {}): ChangeQuery => ({
  selection: makeChangeSelection(selection),
  afterSequence: null,
  first: 100,
  scope: null,
  ...overrides,
});

/** The parts of changes a test compares: what happened to what, by whom. */
const brief = (changes: ChangeRecord[]) =>
  changes.map((c) => [c.operation, c.assetId, ...(c.relation ? [c.relation, c.to] : []), c.actor, c.source].join(' '));

const commit = (store: Store, ops: readonly WriteOp[], at: string, actor = 'alice', source = 'test') =>
  store.commit({ ops, actor, source, at });

export function changesContract(store: () => Store): void {
  describe('change log: what a unit of work appends', () => {
    it('appends one change per asset created, updated or deleted and per relation added or removed, in commit order', async () => {
      await commit(store(), [putAsset(content('MODEL', 'm', { tag: 'a' })), putAsset(content('RUN', 'r')), putEdge('run_models', 'models/m', 'run/r')], T1);
      await commit(store(), [{ type: 'updateAsset', id: 'models/m', patch: { tag: 'b' }, field: ['id'] }], T2, 'bob', 'updateAsset');
      await commit(store(), [{ type: 'removeEdge', edge: { relation: 'run_models', from: 'models/m', to: 'run/r' }, field: ['to'] }], T2);
      await commit(store(), [putEdge('run_models', 'models/m', 'run/r'), { type: 'deleteAsset', id: 'run/r', field: ['id'] }], T3, 'carol', 'deleteAsset');
      const page = await store().changes(query());
      expect(brief(page.changes)).toEqual([
        'CREATE models/m alice test',
        'CREATE run/r alice test',
        'LINK models/m run_models run/r alice test',
        'UPDATE models/m bob updateAsset',
        'UNLINK models/m run_models run/r alice test',
        'LINK models/m run_models run/r carol deleteAsset',
        'UNLINK models/m run_models run/r carol deleteAsset',
        'DELETE run/r carol deleteAsset',
      ]);
      expect(page.hasNextPage).toBe(false);
      const sequences = page.changes.map((c) => Number(c.sequence));
      expect(sequences.every((s, i) => i === 0 || s > (sequences[i - 1] ?? 0))).toBe(true);
      expect(page.changes.map((c) => c.at)).toEqual([T1, T1, T1, T2, T2, T3, T3, T3]);
      const [first, , , update] = page.changes;
      expect(first?.transaction).toBe(page.changes[2]?.transaction);
      // A unit's transaction id is its first change's sequence: unique, and the same in every run of the same writes.
      expect(page.changes.map((c) => c.transaction)).toEqual(['1', '1', '1', '4', '5', '6', '6', '6'].map((n) => String(Number(n) - 1 + Number(first?.sequence))));
      expect(update?.transaction).not.toBe(first?.transaction);
      expect(update).toMatchObject({
        kind: 'MODEL',
        before: { name: 'm', tag: 'a', version: null, properties: {}, task: null },
        after: { name: 'm', tag: 'b', version: null, properties: {}, task: null },
        relation: null,
        from: null,
        to: null,
      });
      expect(page.changes[7]).toMatchObject({ kind: 'RUN', before: { runId: 'r', status: 'COMPLETED' }, after: null });
      expect(page.changes[2]).toMatchObject({ kind: 'MODEL', before: null, after: null, from: 'models/m', to: 'run/r' });
    });

    it('appends nothing for a failed unit, nor for a retry or an update that changes nothing', async () => {
      await commit(store(), [putAsset(content('MODEL', 'm')), putAsset(content('DATASET', 'd'))], T1);
      await commit(store(), [putAsset(content('MODEL', 'm')), putEdge('derived_from', 'models/m', 'datasets/d')], T2);
      await commit(store(), [putEdge('derived_from', 'models/m', 'datasets/d'), { type: 'updateAsset', id: 'models/m', patch: { name: 'm' }, field: ['id'] }], T2);
      await rejection(() => commit(store(), [putAsset(content('MODEL', 'n')), putEdge('run_models', 'models/n', 'run/missing')], T3));
      expect(brief((await store().changes(query())).changes)).toEqual([
        'CREATE models/m alice test',
        'CREATE datasets/d alice test',
        'LINK models/m derived_from datasets/d alice test',
      ]);
      const [m] = await store().getAssets(['models/m']);
      expect(m?.updatedAt).toBe(T1);
    });

    it('logs a unit stamped earlier than the last change at the last change’s instant, keeping its own stamps on the assets', async () => {
      await commit(store(), [putAsset(content('MODEL', 'm'))], T2);
      const late = await commit(store(), [putAsset(content('MODEL', 'n'))], T1);
      expect(late.assets.get('models/n')?.createdAt).toBe(T1);
      expect((await store().changes(query())).changes.map((c) => c.at)).toEqual([T2, T2]);
    });

    it('logs a bulk import as one unit of source import, assets then relations', async () => {
      await store().importBulk({
        assets: [content('DATASET', 'd1'), content('DATASET', 'd2')],
        edges: [{ relation: 'derived_from', from: 'datasets/d2', to: 'datasets/d1' }],
        actor: 'loader',
      });
      await store().importBulk({ assets: [content('DATASET', 'd3')], edges: [] });
      const { changes } = await store().changes(query());
      expect(brief(changes)).toEqual([
        'CREATE datasets/d1 loader import',
        'CREATE datasets/d2 loader import',
        'LINK datasets/d2 derived_from datasets/d1 loader import',
        'CREATE datasets/d3 unknown import',
      ]);
      expect(changes[0]?.after).toMatchObject({ name: 'd1', description: null, properties: {}, version: null });
      expect(new Set(changes.slice(0, 3).map((c) => c.transaction)).size).toBe(1);
      const failed = await rejection(() => store().importBulk({ assets: [content('DATASET', 'd4'), content('DATASET', 'd1')], edges: [] }));
      expect(failed.code).toBe('CONFLICT');
      expect((await store().changes(query())).changes).toHaveLength(4);
    });
  });

  describe('change log: an imported asset’s CREATE', () => {
    const imported = content('DATASET', 'd', { description: 'first', source: 's3://d', properties: { rows: 3 } });
    const createdOf = async (id: string) => (await store().changes(query({ assets: [id], operations: ['CREATE'] }))).changes.map((c) => c.after);

    it('reads back with its whole state, as a commit records it, custom kinds included', async () => {
      const evaluation = customContent(EXTENDED_CATALOGUE, 'Evaluation', 'e', { score: 0.91, split: 'test' });
      await store().importBulk({ assets: [imported, evaluation], edges: [] });
      expect(await createdOf('datasets/d')).toEqual([assetState(imported)]);
      expect(await createdOf('evaluations/e')).toEqual([{ name: 'e', version: null, tag: null, properties: {}, score: 0.91, split: 'test' }]);
    });

    it('keeps the state it created after the asset is updated twice, deleted and purged', async () => {
      await store().importBulk({ assets: [imported, content('DATASET', 'e')], edges: [{ relation: 'derived_from', from: 'datasets/d', to: 'datasets/e' }] });
      const update = (tag: string): WriteOp => ({ type: 'updateAsset', id: 'datasets/d', patch: { tag }, field: ['id'] });
      await commit(store(), [update('second')], T1);
      await commit(store(), [update('third')], T2);
      expect(await createdOf('datasets/d')).toEqual([assetState(imported)]);
      const states = async () => (await store().changes(query({ assets: ['datasets/d'], operations: ['CREATE', 'UPDATE', 'DELETE'] }))).changes;
      expect((await states()).map((c) => [c.operation, c.before, c.after])).toEqual([
        ['CREATE', null, assetState(imported)],
        ['UPDATE', assetState(imported), { ...assetState(imported), tag: 'second' }],
        ['UPDATE', { ...assetState(imported), tag: 'second' }, { ...assetState(imported), tag: 'third' }],
      ]);
      await commit(store(), [{ type: 'deleteAsset', id: 'datasets/d', field: ['id'] }], T3);
      expect(await createdOf('datasets/d')).toEqual([assetState(imported)]);
      // The CREATE held a state too: four changes are erased, and nothing of the asset is left.
      expect(await store().purgeHistory('datasets/d')).toBe(4);
      expect((await states()).map((c) => [c.operation, c.before, c.after])).toEqual([
        ['CREATE', null, { purged: true }],
        ['UPDATE', { purged: true }, { purged: true }],
        ['UPDATE', { purged: true }, { purged: true }],
        ['DELETE', { purged: true }, null],
      ]);
      expect(await store().purgeHistory('datasets/d')).toBe(0);
    });

    it('reads the state it created, not a later one, once the asset is deleted and imported again', async () => {
      await store().importBulk({ assets: [imported], edges: [] });
      await commit(store(), [{ type: 'deleteAsset', id: 'datasets/d', field: ['id'] }], T1);
      const again = content('DATASET', 'd', { description: 'again' });
      await store().importBulk({ assets: [again], edges: [] });
      expect(await createdOf('datasets/d')).toEqual([assetState(imported), assetState(again)]);
    });
  });

  describe('change log: reading it', () => {
    async function seed() {
      await commit(store(), [putAsset(content('MODEL', 'm')), putAsset(content('DATASET', 'd'))], T1, 'alice');
      await commit(store(), [putEdge('derived_from', 'models/m', 'datasets/d')], T2, 'bob');
      await commit(store(), [{ type: 'updateAsset', id: 'datasets/d', patch: { tag: 'x' }, field: ['id'] }], T3, 'carol');
    }

    it('pages in sequence order after a sequence', async () => {
      await seed();
      const first = await store().changes(query({}, { first: 2 }));
      expect(brief(first.changes)).toEqual(['CREATE models/m alice test', 'CREATE datasets/d alice test']);
      expect(first.hasNextPage).toBe(true);
      const next = await store().changes(query({}, { first: 2, afterSequence: first.changes[1]?.sequence ?? null }));
      expect(brief(next.changes)).toEqual(['LINK models/m derived_from datasets/d bob test', 'UPDATE datasets/d carol test']);
      expect(next.hasNextPage).toBe(false);
    });

    it('filters by actor, assets (either end of a relation), kinds, operations and instants', async () => {
      await seed();
      const of = async (selection: Partial<ChangeSelection>) => brief((await store().changes(query(selection))).changes);
      expect(await of({ actor: 'bob' })).toEqual(['LINK models/m derived_from datasets/d bob test']);
      expect(await of({ assets: ['datasets/d'] })).toEqual([
        'CREATE datasets/d alice test',
        'LINK models/m derived_from datasets/d bob test',
        'UPDATE datasets/d carol test',
      ]);
      expect(await of({ kinds: ['MODEL'] })).toEqual(['CREATE models/m alice test', 'LINK models/m derived_from datasets/d bob test']);
      expect(await of({ operations: ['UPDATE', 'LINK'], since: T3 })).toEqual(['UPDATE datasets/d carol test']);
      expect(await of({ until: T1 })).toEqual(['CREATE models/m alice test', 'CREATE datasets/d alice test']);
    });

    it('answers many histories in one call, in query order', async () => {
      await seed();
      const pages = await store().histories([query({ assets: ['models/m'] }), query({ assets: ['datasets/none'] }), query({ assets: ['datasets/d'] }, { first: 1 })]);
      expect(pages.map((p) => [brief(p.changes), p.hasNextPage])).toEqual([
        [['CREATE models/m alice test', 'LINK models/m derived_from datasets/d bob test'], false],
        [[], false],
        [['CREATE datasets/d alice test'], true],
      ]);
    });

    it('names who created and who last updated each asset', async () => {
      await seed();
      expect(await store().authors(['datasets/d', 'models/m', 'models/none'])).toEqual([
        { createdBy: 'alice', updatedBy: 'carol' },
        { createdBy: 'alice', updatedBy: 'alice' },
        { createdBy: 'unknown', updatedBy: 'unknown' },
      ]);
    });

    it('names the authors of an asset as it stood at an instant: none of a later change', async () => {
      await seed();
      expect(await store().authors(['datasets/d', 'models/m'], T2)).toEqual([
        { createdBy: 'alice', updatedBy: 'alice' },
        { createdBy: 'alice', updatedBy: 'alice' },
      ]);
      expect(await store().authors(['datasets/d'], T3)).toEqual([{ createdBy: 'alice', updatedBy: 'carol' }]);
      expect(await store().authors(['datasets/d'], '2026-02-01T00:00:00.000Z')).toEqual([{ createdBy: 'unknown', updatedBy: 'unknown' }]);
    });

    it('keeps a deleted asset’s changes readable to an unscoped reader, and shows a scoped one only what it may see', async () => {
      const [p1, p2] = ['project/p1', 'project/p2'];
      await commit(store(), [putAsset(content('PROJECT', 'p1')), putAsset(content('PROJECT', 'p2')), putAsset(content('DATASET', 'd'))], T1);
      await commit(store(), [...projectOf('m1', p1), ...projectOf('m2', p2)], T1);
      await commit(store(), [putEdge('derived_from', 'models/m2', 'datasets/d'), putEdge('derived_from', 'models/m1', 'datasets/d')], T2);
      const scoped = async (selection: Partial<ChangeSelection> = {}) =>
        brief((await store().changes(query(selection, { scope: [p1] }))).changes);
      expect(await scoped({ assets: ['datasets/d'] })).toEqual(['CREATE datasets/d alice test', 'LINK models/m1 derived_from datasets/d alice test']);
      expect(await scoped({ kinds: ['MODEL'] })).toEqual(['CREATE models/m1 alice test', 'LINK models/m1 derived_from datasets/d alice test']);
      expect(await scoped({ kinds: ['PROJECT'] })).toEqual(['CREATE project/p1 alice test', 'LINK project/p1 project_models models/m1 alice test']);
      const all = await store().changes(query({}, { scope: [p1] }));
      expect(JSON.stringify(all.changes)).not.toContain('m2');
      await commit(store(), [{ type: 'removeEdge', edge: { relation: 'derived_from', from: 'models/m1', to: 'datasets/d' }, field: ['to'] }, { type: 'deleteAsset', id: 'models/m1', field: ['id'] }], T3);
      expect(brief((await store().changes(query({ assets: ['models/m1'], operations: ['DELETE'] }))).changes)).toEqual(['DELETE models/m1 alice test']);
      expect(await scoped({ assets: ['models/m1'] })).toEqual([]);
    });
  });

  describe('change log: retention and erasure', () => {
    it('prunes changes before an instant, keeps the start, and never moves it back', async () => {
      await commit(store(), [putAsset(content('DATASET', 'd'))], T1);
      await commit(store(), [{ type: 'updateAsset', id: 'datasets/d', patch: { tag: 'x' }, field: ['id'] }], T3);
      expect(await store().historyStart()).toBeNull();
      expect(await store().pruneHistory(T2)).toBe(1);
      expect(await store().historyStart()).toBe(T2);
      expect(brief((await store().changes(query())).changes)).toEqual(['UPDATE datasets/d alice test']);
      expect(await store().pruneHistory(T1)).toBe(0);
      expect(await store().historyStart()).toBe(T2);
      expect(await store().authors(['datasets/d'])).toEqual([{ createdBy: 'unknown', updatedBy: 'alice' }]);
    });

    it('purges a deleted asset’s states, leaving tombstones, and refuses an asset that exists or that the log never held', async () => {
      await commit(store(), [putAsset(content('DATASET', 'd', { description: 'secret' })), putAsset(content('DATASET', 'e'))], T1);
      await commit(store(), [putEdge('derived_from', 'datasets/d', 'datasets/e'), { type: 'deleteAsset', id: 'datasets/d', field: ['id'] }], T2);
      expect(await rejection(() => store().purgeHistory('datasets/e'))).toMatchObject({ code: 'CONFLICT' });
      expect(await rejection(() => store().purgeHistory('datasets/none'))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await store().purgeHistory('datasets/d')).toBe(2);
      const { changes } = await store().changes(query({ assets: ['datasets/d'] }));
      expect(brief(changes)).toEqual(['CREATE datasets/d alice test', 'LINK datasets/d derived_from datasets/e alice test', 'UNLINK datasets/d derived_from datasets/e alice test', 'DELETE datasets/d alice test']);
      expect(changes.map((c) => [c.before, c.after])).toEqual([
        [null, { purged: true }],
        [null, null],
        [null, null],
        [{ purged: true }, null],
      ]);
      expect(JSON.stringify(changes)).not.toContain('secret');
      // A second purge finds nothing left to erase, and counts nothing.
      expect(await store().purgeHistory('datasets/d')).toBe(0);
    });
  });

  describe('change log: its newest sequence', () => {
    it('is null before the first change, then the newest sequence ever given, which a retry and pruning leave as they are', async () => {
      expect(await store().lastChangeSequence()).toBeNull();
      await commit(store(), [putAsset(content('MODEL', 'm')), putAsset(content('RUN', 'r'))], T1);
      const [, second] = (await store().changes(query())).changes;
      expect(await store().lastChangeSequence()).toBe(second?.sequence);
      await commit(store(), [putAsset(content('MODEL', 'm'))], T2);
      expect(await store().lastChangeSequence()).toBe(second?.sequence);
      await commit(store(), [{ type: 'updateAsset', id: 'models/m', patch: { tag: 't' }, field: ['id'] }], T2);
      const newest = (await store().changes(query({}, { afterSequence: second?.sequence ?? null }))).changes;
      expect(newest).toHaveLength(1);
      expect(await store().lastChangeSequence()).toBe(newest[0]?.sequence);
      await store().pruneHistory(T3);
      expect((await store().changes(query())).changes).toEqual([]);
      expect(await store().lastChangeSequence()).toBe(newest[0]?.sequence);
    });
  });
}
