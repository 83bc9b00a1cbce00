import { beforeEach, describe, expect, it } from 'vitest';
import type { WriteOp } from '../../src/domain/writes.js';
import type { RankQuery, RunSelection, Store } from '../../src/store/store.js';
import { commitOps, content, putAsset, putEdge } from '../helpers/assets.js';

const NO_SELECTION: RunSelection = {
  project: null,
  model: null,
  downstreamOf: null,
  tag: null,
  status: null,
  since: null,
  until: null,
};

/** A leaderboard query of `rmse`, ascending, 20 to a page, with `overrides` applied. */
function rank(overrides: Partial<RankQuery> = {}): RankQuery {
  return {
    metric: 'rmse',
    order: 'ASC',
    selection: NO_SELECTION,
    bestPerModel: false,
    first: 20,
    after: null,
    asOf: null,
    scope: null,
    ...overrides,
  };
}

/**
 * Projects p1 (models m1, m2) and p2 (model m3); runs with their rmse:
 * a 3 (m1, tag x, trained on d1), b 1 (m1), c 2 (m2, FAILED, on d1), created
 * in January; d 1 (m2, on d2 derived from d1), e 0.5 (m3), f 4 (no model),
 * g (m1, measured only acc), h (m1, no performance), created in February.
 */
async function seed(store: Store): Promise<void> {
  const run = (key: string, model: string | null, metrics: Record<string, number> | null, extra: Partial<Parameters<typeof content<'RUN'>>[2]> = {}): WriteOp[] => [
    putAsset(content('RUN', key, extra)),
    ...(model ? [putEdge('run_models', `models/${model}`, `run/${key}`)] : []),
    ...(metrics ? [putAsset(content('DEV_PERF', key, { metrics })), putEdge('run_devperf', `run/${key}`, `devperf/${key}`)] : []),
  ];
  await commitOps(
    store,
    [
      ...['p1', 'p2'].map((p) => putAsset(content('PROJECT', p))),
      ...['m1', 'm2', 'm3'].map((m) => putAsset(content('MODEL', m))),
      putEdge('project_models', 'project/p1', 'models/m1'),
      putEdge('project_models', 'project/p1', 'models/m2'),
      putEdge('project_models', 'project/p2', 'models/m3'),
      putAsset(content('DATASET', 'd1')),
      putAsset(content('DATASET', 'd2')),
      putEdge('derived_from', 'datasets/d2', 'datasets/d1'),
      ...run('a', 'm1', { rmse: 3 }, { tag: 'x' }),
      ...run('b', 'm1', { rmse: 1 }),
      ...run('c', 'm2', { rmse: 2 }, { status: 'FAILED' }),
      putEdge('run_datasets', 'run/a', 'datasets/d1'),
      putEdge('run_datasets', 'run/c', 'datasets/d1'),
    ],
    '2026-01-01T00:00:00.000Z',
  );
  await commitOps(
    store,
    [
      ...run('d', 'm2', { rmse: 1 }),
      ...run('e', 'm3', { rmse: 0.5 }),
      ...run('f', null, { rmse: 4 }),
      ...run('g', 'm1', { acc: 0.9 }),
      ...run('h', 'm1', null),
      putEdge('run_datasets', 'run/d', 'datasets/d2'),
    ],
    '2026-02-01T00:00:00.000Z',
  );
}

/** The (run id, value) of every run of a page. */
async function board(store: Store, query: RankQuery): Promise<[string, number][]> {
  return (await store.rankRuns(query)).runs.map(({ run, value }) => [run.id, value]);
}

export function rankingContract(store: () => Store): void {
  describe('rankRuns', () => {
    beforeEach(() => seed(store()));

    it('ranks the runs that measured the metric by value, ties by run id, in both orders', async () => {
      expect(await board(store(), rank())).toEqual([
        ['run/e', 0.5],
        ['run/b', 1],
        ['run/d', 1],
        ['run/c', 2],
        ['run/a', 3],
        ['run/f', 4],
      ]);
      expect(await board(store(), rank({ order: 'DESC' }))).toEqual([
        ['run/f', 4],
        ['run/a', 3],
        ['run/c', 2],
        ['run/b', 1],
        ['run/d', 1],
        ['run/e', 0.5],
      ]);
      expect(await board(store(), rank({ metric: 'acc' }))).toEqual([['run/g', 0.9]]);
      expect(await board(store(), rank({ metric: 'unknown' }))).toEqual([]);
    });

    it('pages after a (value, run id) position, inside ties too, and tells whether more follow', async () => {
      const first = await store().rankRuns(rank({ first: 2 }));
      expect(first.runs.map(({ run }) => run.id)).toEqual(['run/e', 'run/b']);
      expect(first.hasNextPage).toBe(true);
      expect(await board(store(), rank({ first: 2, after: { value: 1, id: 'run/b' } }))).toEqual([
        ['run/d', 1],
        ['run/c', 2],
      ]);
      const last = await store().rankRuns(rank({ first: 2, after: { value: 2, id: 'run/c' } }));
      expect(last.runs.map(({ run }) => run.id)).toEqual(['run/a', 'run/f']);
      expect(last.hasNextPage).toBe(false);
      expect(await board(store(), rank({ order: 'DESC', first: 2, after: { value: 1, id: 'run/b' } }))).toEqual([
        ['run/d', 1],
        ['run/e', 0.5],
      ]);
    });

    it('keeps each model’s best run with bestPerModel, a run without a model standing alone', async () => {
      expect(await board(store(), rank({ bestPerModel: true }))).toEqual([
        ['run/e', 0.5],
        ['run/b', 1],
        ['run/d', 1],
        ['run/f', 4],
      ]);
      expect(await board(store(), rank({ bestPerModel: true, order: 'DESC' }))).toEqual([
        ['run/f', 4],
        ['run/a', 3],
        ['run/c', 2],
        ['run/e', 0.5],
      ]);
      expect(await board(store(), rank({ bestPerModel: true, first: 1, after: { value: 1, id: 'run/b' } }))).toEqual([
        ['run/d', 1],
      ]);
    });

    it('applies every member of the selection', async () => {
      const ids = async (selection: Partial<RunSelection>) =>
        (await board(store(), rank({ selection: { ...NO_SELECTION, ...selection } }))).map(([id]) => id);
      expect(await ids({ project: 'project/p1' })).toEqual(['run/b', 'run/d', 'run/c', 'run/a']);
      expect(await ids({ project: 'project/p2' })).toEqual(['run/e']);
      expect(await ids({ model: 'models/m2' })).toEqual(['run/d', 'run/c']);
      expect(await ids({ downstreamOf: 'datasets/d1' })).toEqual(['run/d', 'run/c', 'run/a']);
      expect(await ids({ downstreamOf: 'datasets/d2' })).toEqual(['run/d']);
      // A run is not downstream of itself.
      expect(await ids({ downstreamOf: 'run/a' })).toEqual([]);
      expect(await ids({ tag: 'x' })).toEqual(['run/a']);
      expect(await ids({ status: 'FAILED' })).toEqual(['run/c']);
      expect(await ids({ status: 'COMPLETED' })).toEqual(['run/e', 'run/b', 'run/d', 'run/a', 'run/f']);
      expect(await ids({ since: '2026-02-01T00:00:00.000Z' })).toEqual(['run/e', 'run/d', 'run/f']);
      expect(await ids({ until: '2026-02-01T00:00:00.000Z' })).toEqual(['run/b', 'run/c', 'run/a']);
      expect(await ids({ project: 'project/p1', status: 'COMPLETED', since: '2026-02-01T00:00:00.000Z' })).toEqual(['run/d']);
    });

    it('ranks only what a scoped viewer may see, before paging', async () => {
      const ids = async (query: Partial<RankQuery>) => (await board(store(), rank(query))).map(([id]) => id);
      // f has no model, so no owner: it is shared.
      expect(await ids({ scope: ['project/p1'] })).toEqual(['run/b', 'run/d', 'run/c', 'run/a', 'run/f']);
      expect(await ids({ scope: ['project/p2'] })).toEqual(['run/e', 'run/f']);
      expect(await ids({ scope: [] })).toEqual(['run/f']);
      expect(await ids({ scope: ['project/p1'], first: 1, after: { value: 0, id: 'run/a' } })).toEqual(['run/b']);
      expect(await ids({ scope: ['project/p1'], bestPerModel: true })).toEqual(['run/b', 'run/d', 'run/f']);
    });

    it('follows the latest value as metrics are recorded, and forgets a deleted performance', async () => {
      await commitOps(store(), [
        {
          type: 'recordMetrics',
          devPerf: content('DEV_PERF', 'a'),
          points: [{ name: 'rmse', value: 0.25, step: null, at: '2026-03-01T00:00:00.000Z' }],
          key: null,
          field: ['metrics'],
        },
        { type: 'deleteAsset', id: 'devperf/f', field: ['id'] },
      ]);
      expect(await board(store(), rank())).toEqual([
        ['run/a', 0.25],
        ['run/e', 0.5],
        ['run/b', 1],
        ['run/d', 1],
        ['run/c', 2],
      ]);
    });

    it('ranks what importBulk loads: its performances with their runs, and earlier ones it gives a run', async () => {
      await commitOps(store(), [putAsset(content('DEV_PERF', 'later', { metrics: { rmse: 0.1 } }))]);
      expect(await board(store(), rank({ first: 1 }))).toEqual([['run/e', 0.5]]);
      await store().importBulk({
        assets: [
          content('RUN', 'bulk-1'),
          content('DEV_PERF', 'bulk-1', { metrics: { rmse: 0.3, r2: 0.5 } }),
          content('RUN', 'later'),
          content('DEV_PERF', 'bulk-2', { metrics: { rmse: 0.2 } }),
        ],
        edges: [
          { relation: 'run_devperf', from: 'run/bulk-1', to: 'devperf/bulk-1' },
          { relation: 'run_devperf', from: 'run/later', to: 'devperf/later' },
          // A second run of bulk-1's performance: its oldest relation's run still measured it.
          { relation: 'run_devperf', from: 'run/later', to: 'devperf/bulk-1' },
        ],
      });
      // bulk-2 has no run: it is not ranked.
      expect(await board(store(), rank({ first: 3 }))).toEqual([
        ['run/later', 0.1],
        ['run/bulk-1', 0.3],
        ['run/e', 0.5],
      ]);
      expect(await board(store(), rank({ metric: 'r2' }))).toEqual([['run/bulk-1', 0.5]]);
    });
  });
}
