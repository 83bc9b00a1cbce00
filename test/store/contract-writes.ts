import { describe, expect, it } from 'vitest';
import { dottedPath } from '../../src/domain/errors.js';
import { firstObservedRun } from '../../src/domain/runs.js';
import type { WriteOp } from '../../src/domain/writes.js';
import type { Store } from '../../src/store/store.js';
import { content, link, putAll, putAsset, putEdge, rejection, commitOps } from '../helpers/assets.js';

const AT = '2026-03-01T10:00:00.000Z';

export function writesContract(store: () => Store): void {
  describe('write: putAsset', () => {
    it('returns the stored records of a unit of work', async () => {
      const result = await commitOps(store(), [putAsset(content('MODEL', 'm1', { task: 'regression' }))]);
      expect(result.assets.get('models/m1')).toMatchObject({ id: 'models/m1', kind: 'MODEL', task: 'regression' });
      expect(result.deleted.size).toBe(0);
    });

    it('is idempotent for the same content and keeps the first timestamps', async () => {
      const first = await commitOps(store(), [putAsset(content('DATASET', 'd1', { properties: { a: 1, b: [1] } }))]);
      const again = await commitOps(store(), [putAsset(content('DATASET', 'd1', { properties: { b: [1], a: 1 } }))]);
      expect(again.assets.get('datasets/d1')).toEqual(first.assets.get('datasets/d1'));
    });

    it('refuses the same id with different content, and writes nothing of the unit', async () => {
      await putAll(store(), 'DATASET:d1');
      const error = await rejection(() =>
        commitOps(store(), [putAsset(content('MODEL', 'm1')), putAsset(content('DATASET', 'd1', { source: 'changed' }))]),
      );
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain('datasets/d1');
      expect(await store().getAssets(['models/m1', 'datasets/d1'])).toMatchObject([null, { source: null }]);
    });

    it('refuses a taken name of a named kind unless the version differs', async () => {
      await commitOps(store(), [putAsset(content('MODEL', 'm1', { name: 'price' }))]);
      const error = await rejection(() => commitOps(store(), [putAsset(content('MODEL', 'm2', { name: 'price' }))]));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toMatch(/named "price".*models\/m1/);
      await commitOps(store(), [
        putAsset(content('MODEL', 'm3', { name: 'price', version: '2' })),
        putAsset(content('DATASET', 'd1', { name: 'price' })),
        putAsset(content('RUN', 'r1', { name: 'same' })),
        putAsset(content('RUN', 'r2', { name: 'same' })),
      ]);
      const error2 = await rejection(() =>
        commitOps(store(), [putAsset(content('MODEL', 'm4', { name: 'price', version: '2' }))]),
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
      const [out] = await store().neighbors([{ id: m!, relation: 'run_models', direction: 'OUT', asOf: null }]);
      expect(out?.map((a) => a.id)).toEqual([r]);
    });

    it('sees assets put earlier in the same unit', async () => {
      await commitOps(store(), [
        putAsset(content('MODEL', 'm')),
        putAsset(content('RUN', 'r')),
        putEdge('run_models', 'models/m', 'run/r'),
      ]);
      const [out] = await store().neighbors([{ id: 'models/m', relation: 'run_models', direction: 'OUT', asOf: null }]);
      expect(out?.map((a) => a.id)).toEqual(['run/r']);
    });

    it('fails with NOT_FOUND naming the field when an end is missing, writing nothing', async () => {
      await putAll(store(), 'MODEL:m');
      const error = await rejection(() =>
        commitOps(store(), [
          putAsset(content('RUN', 'r')),
          putEdge('run_models', 'models/m', 'run/r', ['model']),
          putEdge('run_datasets', 'run/r', 'datasets/missing', ['datasets', 1]),
        ]),
      );
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: ['datasets', 1] });
      expect(error.message).toContain('datasets/missing');
      expect(await store().getAssets(['run/r'])).toEqual([null]);
      const [out] = await store().neighbors([{ id: 'models/m', relation: 'run_models', direction: 'OUT', asOf: null }]);
      expect(out).toEqual([]);
    });
  });

  describe('write: removeEdge', () => {
    const removeEdge = (relation: 'run_models' | 'derived_from', from: string, to: string): WriteOp => ({
      type: 'removeEdge',
      edge: { relation, from, to },
      field: ['input', 'to'],
    });

    it('removes a relation and leaves both ends as they were', async () => {
      await commitOps(store(), [putAsset(content('MODEL', 'm')), putAsset(content('RUN', 'r')), putAsset(content('RUN', 'r2'))], AT);
      await link(store(), ['run_models', 'models/m', 'run/r'], ['run_models', 'models/m', 'run/r2']);
      const before = await store().getAssets(['models/m', 'run/r']);
      const result = await commitOps(store(), [removeEdge('run_models', 'models/m', 'run/r')], '2026-03-05T00:00:00.000Z');
      expect(result.assets.size).toBe(0);
      expect(result.deleted.size).toBe(0);
      const [out] = await store().neighbors([{ id: 'models/m', relation: 'run_models', direction: 'OUT', asOf: null }]);
      expect(out?.map((a) => a.id)).toEqual(['run/r2']);
      expect(await store().getAssets(['models/m', 'run/r'])).toEqual(before);
    });

    it('answers a relation that does not exist with NOT_FOUND naming the field, writing nothing of the unit', async () => {
      await putAll(store(), 'DATASET:d1', 'DATASET:d2');
      const first = await commitOps(store(), [putAsset(content('MODEL', 'm'))]);
      const error = await rejection(() =>
        commitOps(store(), [putEdge('derived_from', 'datasets/d2', 'datasets/d1'), removeEdge('derived_from', 'models/m', 'datasets/d1')]),
      );
      expect(error).toMatchObject({
        code: 'NOT_FOUND',
        field: ['input', 'to'],
        message: 'input.to: no derived_from relation from "models/m" to "datasets/d1"',
      });
      const [out] = await store().neighbors([{ id: 'datasets/d2', relation: 'derived_from', direction: 'OUT', asOf: null }]);
      expect(out).toEqual([]);
      const missingEnd = await rejection(() => commitOps(store(), [removeEdge('derived_from', 'models/none', 'datasets/d1')]));
      expect(missingEnd).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'to'] });
      const again = await commitOps(store(), []);
      expect(again.revision).toBe(first.revision);
    });

    it('names fromField when the from asset is missing, field when only the relation is', async () => {
      await putAll(store(), 'DATASET:d1');
      const linked: WriteOp = { type: 'removeEdge', edge: { relation: 'derived_from', from: 'models/none', to: 'datasets/d1' }, field: ['input', 'to'], fromField: ['input', 'from'] };
      expect(await rejection(() => commitOps(store(), [linked]))).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'from'], message: 'input.from: no asset with id "models/none"' });
      const put: WriteOp = { type: 'putEdge', edge: { relation: 'derived_from', from: 'models/none', to: 'datasets/d1' }, field: ['input', 'to'], fromField: ['input', 'from'] };
      expect(await rejection(() => commitOps(store(), [put]))).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'from'] });
      const noRelation: WriteOp = { type: 'removeEdge', edge: { relation: 'derived_from', from: 'datasets/d1', to: 'datasets/none' }, field: ['input', 'to'], fromField: ['input', 'from'] };
      expect(await rejection(() => commitOps(store(), [noRelation]))).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'to'] });
    });

    it('advances the revision, and a second removal of the same relation is NOT_FOUND', async () => {
      await putAll(store(), 'DATASET:d1', 'DATASET:d2');
      await link(store(), ['derived_from', 'datasets/d2', 'datasets/d1']);
      const before = await commitOps(store(), []);
      const removed = await commitOps(store(), [removeEdge('derived_from', 'datasets/d2', 'datasets/d1')]);
      expect(Number(removed.revision)).toBe(Number(before.revision) + 1);
      const again = await rejection(() => commitOps(store(), [removeEdge('derived_from', 'datasets/d2', 'datasets/d1')]));
      expect(again.code).toBe('NOT_FOUND');
    });
  });

  describe('write: the rules every engine answers alike', () => {
    it('refuses a relation between kinds it does not join, with the same message on every engine, writing nothing', async () => {
      await putAll(store(), 'RUN:r', 'DATASET:d');
      const error = await rejection(() =>
        commitOps(store(), [putAsset(content('MODEL', 'm')), putEdge('run_models', 'run/r', 'datasets/d', ['model'])]),
      );
      expect(error).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: ['model'],
        message: 'model: run_models relates models to run, received run "run/r" to datasets "datasets/d"',
      });
      expect(await store().getAssets(['models/m'])).toEqual([null]);
    });

    it('refuses an asset related to itself', async () => {
      await putAll(store(), 'DATASET:d');
      const error = await rejection(() => commitOps(store(), [putEdge('derived_from', 'datasets/d', 'datasets/d', ['from'])]));
      expect(error).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: ['from'],
        message: 'from: an asset cannot be related to itself ("datasets/d")',
      });
    });

    it('answers a put of other content under a taken id with CONFLICT naming the key field, and a taken name naming the holder', async () => {
      await commitOps(store(), [putAsset(content('MODEL', 'm1', { name: 'price' }))]);
      const changed = await rejection(() => commitOps(store(), [putAsset(content('MODEL', 'm1', { name: 'other' }), ['runId'])]));
      expect(changed).toMatchObject({ code: 'CONFLICT', field: ['runId'], message: 'runId: "models/m1" already exists with different content' });
      const taken = await rejection(() => commitOps(store(), [putAsset(content('MODEL', 'm2', { name: 'price' }))]));
      expect(taken).toMatchObject({
        code: 'CONFLICT',
        field: ['name'],
        message: 'name: a models asset named "price" with no version already exists ("models/m1"); give a distinct version',
      });
    });

    it('stamps what a unit creates and updates with its instant', async () => {
      const created = await commitOps(store(), [putAsset(content('MODEL', 'm'))], AT);
      expect(created.assets.get('models/m')).toMatchObject({ createdAt: AT, updatedAt: AT });
      const later = '2026-03-02T10:00:00.000Z';
      const updated = await commitOps(store(), [{ type: 'updateAsset', id: 'models/m', patch: { tag: 't' }, field: ['id'] }], later);
      expect(updated.assets.get('models/m')).toMatchObject({ createdAt: AT, updatedAt: later });
    });

    it('advances the revision with every unit that writes, and not for one that changes nothing', async () => {
      const first = await commitOps(store(), [putAsset(content('MODEL', 'm'))]);
      const retry = await commitOps(store(), [putAsset(content('MODEL', 'm'))]);
      const second = await commitOps(store(), [putAsset(content('DATASET', 'd'))]);
      const relinked = await commitOps(store(), [putEdge('derived_from', 'models/m', 'datasets/d'), putEdge('derived_from', 'models/m', 'datasets/d')]);
      const again = await commitOps(store(), [putEdge('derived_from', 'models/m', 'datasets/d')]);
      const revisions = [first, retry, second, relinked, again].map((result) => Number(result.revision));
      expect(revisions.slice(1).map((r, i) => r - (revisions[i] ?? 0))).toEqual([0, 1, 1, 0]);
    });
  });

  describe('sharedSecret', () => {
    it('makes a secret once and answers the same one afterwards, one per name', async () => {
      const cursor = await store().sharedSecret('cursor-key');
      expect(cursor).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await store().sharedSecret('cursor-key')).toBe(cursor);
      expect(await store().sharedSecret('other')).not.toBe(cursor);
    });
  });

  describe('write: updateAsset', () => {
    it('changes name, version and tag, merges properties and removes null ones', async () => {
      await commitOps(store(), [putAsset(content('MODEL', 'm', { properties: { a: 1, b: 2 }, tag: 'x' }))]);
      const result = await commitOps(store(), [
        {
          type: 'updateAsset',
          id: 'models/m',
          patch: { name: 'renamed', version: '2', tag: null, properties: { b: null, c: { d: 3 } } },
          field: ['id'],
        },
      ]);
      const updated = result.assets.get('models/m');
      expect(updated).toMatchObject({ name: 'renamed', version: '2', tag: null, properties: { a: 1, c: { d: 3 } } });
      expect((updated?.updatedAt ?? '') >= (updated?.createdAt ?? '~')).toBe(true);
      expect(await store().getAssets(['models/m'])).toEqual([updated]);
    });

    it('fails with NOT_FOUND for a missing asset and CONFLICT for a taken name', async () => {
      await commitOps(store(), [putAsset(content('MODEL', 'a', { name: 'A' })), putAsset(content('MODEL', 'b', { name: 'B' }))]);
      const missing = await rejection(() =>
        commitOps(store(), [{ type: 'updateAsset', id: 'models/zz', patch: { name: 'x' }, field: ['id'] }]),
      );
      expect(missing).toMatchObject({ code: 'NOT_FOUND', field: ['id'] });
      const taken = await rejection(() =>
        commitOps(store(), [{ type: 'updateAsset', id: 'models/b', patch: { name: 'A' }, field: ['id'] }]),
      );
      expect(taken.code).toBe('CONFLICT');
      expect(await store().getAssets(['models/b'])).toMatchObject([{ name: 'B' }]);
    });

    it('replaces a dataset’s statistics, removes them with null, and refuses them for another kind', async () => {
      const statistics = { rows: 2, features: { x: { type: 'numeric', bins: [0, 1], counts: [2], missing: 0 } } };
      await commitOps(store(), [putAsset(content('DATASET', 'd', { statistics: { rows: 1 } })), putAsset(content('MODEL', 'm'))]);
      const patch = (id: string, value: typeof statistics | null) =>
        commitOps(store(), [{ type: 'updateAsset', id, patch: { statistics: value }, field: ['id'] }]);
      expect((await patch('datasets/d', statistics)).assets.get('datasets/d')).toMatchObject({ statistics });
      expect(await store().getAssets(['datasets/d'])).toMatchObject([{ statistics }]);
      await patch('datasets/d', null);
      expect(await store().getAssets(['datasets/d'])).toMatchObject([{ statistics: null }]);
      expect(await rejection(() => patch('models/m', statistics))).toMatchObject({ code: 'BAD_USER_INPUT', field: ['statistics'] });
    });

    it('stores serving performance statistics', async () => {
      const statistics = { features: { city: { type: 'categorical', counts: { Paris: 3 }, missing: 1 } } };
      await commitOps(store(), [putAsset(content('SERVING_PERF', 'p', { statistics, metrics: { auc: 0.5 } }))]);
      expect(await store().getAssets(['servingperf/p'])).toMatchObject([{ statistics, metrics: { auc: 0.5 } }]);
    });
  });

  describe('write: updateRun', () => {
    const running = () => content('RUN', 'r', { status: 'RUNNING', startedAt: '2026-03-01T09:00:00.000Z' });

    it('moves a run to a final status, ending it at the unit’s instant, and stores its typed fields', async () => {
      await commitOps(store(), [putAsset(running())], '2026-03-01T09:00:00.000Z');
      const result = await commitOps(
        store(),
        [{ type: 'updateRun', id: 'run/r', change: { status: 'COMPLETED', properties: { gpu: 1 } }, field: ['run'] }],
        AT,
      );
      const expected = { status: 'COMPLETED', endedAt: AT, properties: { gpu: 1 }, updatedAt: AT, createdAt: '2026-03-01T09:00:00.000Z' };
      expect(result.assets.get('run/r')).toMatchObject(expected);
      expect(await store().getAssets(['run/r'])).toMatchObject([expected]);
    });

    it('refuses a status moving back with CONFLICT naming status, and writes nothing of the unit', async () => {
      await commitOps(store(), [putAsset({ ...running(), status: 'FAILED', endedAt: AT })]);
      const error = await rejection(() =>
        commitOps(store(), [
          putAsset(content('MODEL', 'm')),
          { type: 'updateRun', id: 'run/r', change: { status: 'RUNNING' }, field: ['run'] },
        ]),
      );
      expect(error).toMatchObject({ code: 'CONFLICT', field: ['status'] });
      expect(await store().getAssets(['models/m'])).toEqual([null]);
    });

    it('changes nothing, not even updatedAt, when the change changes nothing; NOT_FOUND naming the field for a missing run', async () => {
      await commitOps(store(), [putAsset(running())], '2026-03-01T09:00:00.000Z');
      const same = await commitOps(store(), [{ type: 'updateRun', id: 'run/r', change: { status: 'RUNNING' }, field: ['run'] }], AT);
      expect(same.assets.get('run/r')?.updatedAt).toBe('2026-03-01T09:00:00.000Z');
      const error = await rejection(() =>
        commitOps(store(), [{ type: 'updateRun', id: 'run/nope', change: {}, field: ['run'] }]),
      );
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: ['run'] });
    });
  });

  describe('write: observed runs and reported datasets', () => {
    const observation = (status: 'RUNNING' | 'COMPLETED', at: string, starts: boolean) => ({
      origin: 'openlineage:ns',
      at,
      status,
      starts,
      groups: { runFacets: { [status]: at } },
    });
    const observe = (obs: ReturnType<typeof observation>) => ({
      type: 'updateRun' as const,
      id: 'run/o',
      change: { observation: obs },
      field: ['run', 'runId'],
      create: firstObservedRun({ id: 'run/o', key: 'o', name: 'job' }, obs),
    });

    it('puts a missing run from its first observation, then merges later ones whatever their order', async () => {
      const done = observation('COMPLETED', '2026-03-01T10:05:00.000Z', false);
      const start = observation('RUNNING', '2026-03-01T10:00:00.000Z', true);
      const created = await commitOps(store(), [observe(done)], AT);
      expect(created.assets.get('run/o')).toMatchObject({ status: 'COMPLETED', startedAt: null, endedAt: done.at, createdAt: AT });
      await commitOps(store(), [observe(start)], '2026-03-01T11:00:00.000Z');
      const [merged] = await store().getAssets(['run/o']);
      expect(merged).toMatchObject({
        status: 'COMPLETED',
        startedAt: start.at,
        endedAt: done.at,
        properties: {
          runFacets: { COMPLETED: done.at, RUNNING: start.at },
          observed: { origin: 'openlineage:ns', at: done.at },
        },
      });
      const replay = await commitOps(store(), [observe(start)], '2026-03-01T12:00:00.000Z');
      expect(replay.assets.get('run/o')).toEqual(merged);
    });

    it('keeps a stored dataset as it is when it is reported again with other content', async () => {
      await commitOps(store(), [putAsset(content('DATASET', 'd', { version: '1' }))], AT);
      const again = await commitOps(store(), [
        { type: 'putAsset', content: content('DATASET', 'd', { version: '2' }), field: ['inputs', 0], repeat: { same: 'identity' } },
      ]);
      expect(again.assets.get('datasets/d')).toMatchObject({ version: '1', updatedAt: AT });
    });
  });

  describe('write: putAsset of parameters set once', () => {
    const params = (values: Record<string, number>) => content('MODEL_PARAMS', 'r', { name: 'other name', params: values });
    const once = (values: Record<string, number>) => ({ ...putAsset(params(values), ['params']), repeat: { same: 'params' as const } });

    it('is a retry when only the parameters are the same, a CONFLICT naming the field otherwise', async () => {
      await commitOps(store(), [putAsset(content('MODEL_PARAMS', 'r', { params: { lr: 1 } }))]);
      const retry = await commitOps(store(), [once({ lr: 1 })]);
      expect(retry.assets.get('modelparams/r')).toMatchObject({ name: 'r', params: { lr: 1 } });
      const error = await rejection(() => commitOps(store(), [once({ lr: 2 })]));
      expect(error).toMatchObject({ code: 'CONFLICT', field: ['params'] });
    });
  });

  describe('write: recordMetrics', () => {
    const devPerf = content('DEV_PERF', 'r', { metrics: {}, recordedAt: null });
    const record = (points: { name: string; value: number; step?: number; at?: string }[], key: string | null = null) => ({
      type: 'recordMetrics' as const,
      devPerf,
      points: points.map((p) => ({ name: p.name, value: p.value, step: p.step ?? null, at: p.at ?? null })),
      key,
      field: ['key'],
    });
    const series = (name: string) => store().metricSeries([{ devPerf: 'devperf/r', name, asOf: null }]);

    it('puts the performance when missing, stores points in order, and keeps the latest value of each name', async () => {
      const result = await commitOps(
        store(),
        [record([{ name: 'loss', value: 2, step: 2, at: '2026-01-01T00:00:00.000Z' }, { name: 'loss', value: 1, step: 1 }, { name: 'acc', value: 0.5 }])],
        AT,
      );
      expect(result.assets.get('devperf/r')).toMatchObject({ metrics: { loss: 1, acc: 0.5 }, recordedAt: AT, createdAt: AT });
      expect(await series('loss')).toEqual([
        [
          { at: '2026-01-01T00:00:00.000Z', value: 2, step: 2 },
          { at: AT, value: 1, step: 1 },
        ],
      ]);
      await commitOps(store(), [record([{ name: 'loss', value: 3, step: 0, at: '2025-12-31T00:00:00.000Z' }])], AT);
      expect(await store().getAssets(['devperf/r'])).toMatchObject([{ metrics: { loss: 1, acc: 0.5 } }]);
    });

    it('answers a keyed retry without writing; other points under the key are a CONFLICT naming the field', async () => {
      await commitOps(store(), [record([{ name: 'loss', value: 1, step: 1 }], 'k')], AT);
      await commitOps(store(), [record([{ name: 'loss', value: 1, step: 1 }], 'k')], '2026-03-02T00:00:00.000Z');
      expect(await series('loss')).toEqual([[{ at: AT, value: 1, step: 1 }]]);
      const error = await rejection(() => commitOps(store(), [record([{ name: 'loss', value: 2, step: 1 }], 'k')]));
      expect(error).toMatchObject({ code: 'CONFLICT', field: ['key'] });
      expect(await series('loss')).toEqual([[{ at: AT, value: 1, step: 1 }]]);
    });

    it('writes nothing, points included, when a later op of the unit fails', async () => {
      const error = await rejection(() =>
        commitOps(store(), [record([{ name: 'loss', value: 1 }]), putEdge('run_devperf', 'run/missing', 'devperf/r', ['run'])]),
      );
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: ['run'] });
      expect(await store().getAssets(['devperf/r'])).toEqual([null]);
      expect(await series('loss')).toEqual([[]]);
    });

    it('deleting the performance deletes its series', async () => {
      await commitOps(store(), [record([{ name: 'loss', value: 1 }])], AT);
      await commitOps(store(), [{ type: 'deleteAsset', id: 'devperf/r', field: ['id'] }]);
      await commitOps(store(), [record([{ name: 'loss', value: 2 }])], AT);
      expect(await series('loss')).toEqual([[{ at: AT, value: 2, step: null }]]);
    });

    it('answers many series in one call, in request order, empty for none', async () => {
      await commitOps(store(), [record([{ name: 'a', value: 1 }, { name: 'b', value: 2 }])], AT);
      expect(
        await store().metricSeries([
          { devPerf: 'devperf/r', name: 'b', asOf: null },
          { devPerf: 'devperf/other', name: 'a', asOf: null },
          { devPerf: 'devperf/r', name: 'a', asOf: null },
        ]),
      ).toEqual([[{ at: AT, value: 2, step: null }], [], [{ at: AT, value: 1, step: null }]]);
    });
  });

  describe('write: deleteAsset', () => {
    it('removes the asset and its relations in both directions, keeping the other ends', async () => {
      const [m, r, d, dep] = await putAll(store(), 'MODEL:m', 'RUN:r', 'DATASET:d', 'DEPLOYMENT:dep');
      await link(store(), ['run_models', m!, r!], ['run_datasets', r!, d!], ['deployment_model', dep!, m!]);
      const result = await commitOps(store(), [{ type: 'deleteAsset', id: m!, field: ['id'] }]);
      expect(result.deleted.get(m!)).toMatchObject({ asset: { id: m }, relations: 2 });
      expect(await store().getAssets([m!, r!, dep!])).toMatchObject([null, { id: r }, { id: dep }]);
      const answers = await store().neighbors([
        { id: r!, relation: 'run_models', direction: 'IN', asOf: null },
        { id: dep!, relation: 'deployment_model', direction: 'OUT', asOf: null },
        { id: r!, relation: 'run_datasets', direction: 'OUT', asOf: null },
      ]);
      expect(answers.map((list) => list.map((a) => a.id))).toEqual([[], [], [d]]);
    });

    it('fails with NOT_FOUND for a missing asset', async () => {
      const error = await rejection(() => commitOps(store(), [{ type: 'deleteAsset', id: 'models/none', field: ['id'] }]));
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: ['id'] });
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
        { start: 'models/m1', direction: 'UPSTREAM', depth: 10, limit: 10, kinds: null, visitLimit: 100, asOf: null, scope: null },
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
      expect({ code: error.code, field: error.field && dottedPath(error.field) }).toEqual({ code, field });
      expect(await store().getAssets(['models/m9', 'datasets/other', 'run/r1'])).toEqual([null, null, null]);
    });
  });
}
