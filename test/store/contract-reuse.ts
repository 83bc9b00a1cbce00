import { beforeEach, describe, expect, it } from 'vitest';
import { fingerprint, type Usage } from '../../src/domain/reuse.js';
import type { WriteOp } from '../../src/domain/writes.js';
import type { DuplicateGroup, Store, UsageRankQuery } from '../../src/store/store.js';
import { commitOps, content, putAsset, putEdge } from '../helpers/assets.js';

/**
 * A diamond, and more: dataset d1 feeds featuresets f1 and f2 and the
 * derived dataset d2; run r1 (model m1) uses f1, f2 and d2, so it lies
 * downstream of d1 along three paths; r2 (m1) uses f1, r3 (m2) d2, r4 (m3)
 * f2. m4 is fine-tuned from m1. dep1 serves m1 with f1; dep3 serves m3.
 * Projects: p1 owns m1, m2, m4; p2 owns m3.
 */
export async function seedDiamond(store: Store): Promise<void> {
  const run = (key: string, model: string, uses: [string, string][]): WriteOp[] => [
    putAsset(content('RUN', key)),
    putEdge('run_models', `models/${model}`, `run/${key}`),
    putAsset(content('DEV_PERF', key, { metrics: { auc: 0.5 } })),
    putEdge('run_devperf', `run/${key}`, `devperf/${key}`),
    ...uses.map(([relation, to]) => putEdge(relation === 'd' ? 'run_datasets' : 'run_featuresets', `run/${key}`, to)),
  ];
  await commitOps(
    store,
    [
      putAsset(content('PROJECT', 'p1')),
      putAsset(content('PROJECT', 'p2')),
      ...['m1', 'm2', 'm3', 'm4'].map((m) => putAsset(content('MODEL', m))),
      putEdge('project_models', 'project/p1', 'models/m1'),
      putEdge('project_models', 'project/p1', 'models/m2'),
      putEdge('project_models', 'project/p2', 'models/m3'),
      putEdge('project_models', 'project/p1', 'models/m4'),
      putEdge('derived_from', 'models/m4', 'models/m1'),
      putAsset(content('DATASET', 'd1')),
      putAsset(content('DATASET', 'd2')),
      putEdge('derived_from', 'datasets/d2', 'datasets/d1'),
      putAsset(content('FEATURESET', 'f1')),
      putAsset(content('FEATURESET', 'f2')),
      putEdge('featureset_dataset', 'featuresets/f1', 'datasets/d1'),
      putEdge('featureset_dataset', 'featuresets/f2', 'datasets/d1'),
      ...run('r1', 'm1', [['f', 'featuresets/f1'], ['f', 'featuresets/f2'], ['d', 'datasets/d2']]),
      ...run('r2', 'm1', [['f', 'featuresets/f1']]),
      ...run('r3', 'm2', [['d', 'datasets/d2']]),
      ...run('r4', 'm3', [['f', 'featuresets/f2']]),
      putAsset(content('DEPLOYMENT', 'dep1')),
      putEdge('deployment_model', 'deployment/dep1', 'models/m1'),
      putEdge('deployment_featureset', 'deployment/dep1', 'featuresets/f1'),
      putAsset(content('DEPLOYMENT', 'dep3')),
      putEdge('deployment_model', 'deployment/dep3', 'models/m3'),
    ],
    '2026-01-01T00:00:00.000Z',
  );
}

const usage = (runs: number, models: number, deployments: number): Usage => ({ runs, models, deployments });

/** The diamond's usage, unscoped, and for a viewer of p2 (who sees m3, r4, dep3 and the shared data). */
export const DIAMOND_USAGE: Record<string, { all: Usage; p2: Usage }> = {
  'datasets/d1': { all: usage(4, 4, 2), p2: usage(1, 1, 1) },
  'datasets/d2': { all: usage(2, 3, 1), p2: usage(0, 0, 0) },
  'featuresets/f1': { all: usage(2, 2, 1), p2: usage(0, 0, 0) },
  'featuresets/f2': { all: usage(2, 3, 2), p2: usage(1, 1, 1) },
  'models/m1': { all: usage(0, 1, 1), p2: usage(0, 0, 0) },
  'run/r1': { all: usage(0, 2, 1), p2: usage(0, 0, 0) },
  'deployment/dep3': { all: usage(0, 0, 0), p2: usage(0, 0, 0) },
};

function rankQuery(overrides: Partial<UsageRankQuery>): UsageRankQuery {
  return { kind: 'DATASET', minModels: 0, first: 20, after: null, scope: null, asOf: null, ...overrides };
}

async function ranking(store: Store, query: UsageRankQuery): Promise<[string, Usage][]> {
  return (await store.rankUsage(query)).entries.map(({ asset, usage: counts }) => [asset.id, counts]);
}

const at = (ms: number) => new Date(Date.UTC(2026, 1, 1, 0, 0, 0, ms)).toISOString();

/** Assets doing the same work under other names, and some that differ by a little. */
async function seedDuplicates(store: Store): Promise<void> {
  const statistics = { rows: 10, columns: ['a', 'b'] };
  await commitOps(
    store,
    [
      putAsset(content('DATASET', 'census', { source: 's3://census.csv', statistics })),
      putAsset(content('DATASET', 'census-copy', { source: 's3://census.csv', statistics: { columns: ['a', 'b'], rows: 10 } })),
      putAsset(content('DATASET', 'census-2', { source: 's3://census.csv', statistics: { rows: 11, columns: ['a', 'b'] } })),
      putAsset(content('DATASET', 'bare-1')),
      putAsset(content('DATASET', 'bare-2')),
      putAsset(content('FEATURESET', 'fa', { features: [{ name: 'x', dtype: 'int' }, { name: 'y', dtype: 'float' }] })),
      putAsset(content('FEATURESET', 'fb', { features: [{ name: 'y', dtype: 'float' }, { name: 'x', dtype: 'int' }] })),
      putAsset(content('FEATURESET', 'fc', { features: [{ name: 'x', dtype: 'int' }, { name: 'y', dtype: 'float' }] })),
      putEdge('featureset_dataset', 'featuresets/fa', 'datasets/census'),
      putEdge('featureset_dataset', 'featuresets/fb', 'datasets/census'),
      putEdge('featureset_dataset', 'featuresets/fc', 'datasets/census-2'),
      putAsset(content('PROJECT', 'p1')),
      putAsset(content('PROJECT', 'p2')),
      putAsset(content('MODEL', 'm1')),
      putAsset(content('MODEL', 'm2')),
      putEdge('project_models', 'project/p1', 'models/m1'),
      putEdge('project_models', 'project/p2', 'models/m2'),
      ...[
        ['pa', 'm1', { lr: 0.1, depth: 3 }],
        ['pb', 'm2', { depth: 3, lr: 0.1 }],
        ['pc', 'm1', { depth: 3, lr: 0.1 }],
        ['pd', 'm1', { depth: 4, lr: 0.1 }],
        ['pe', 'm1', {}],
        ['pf', 'm2', {}],
      ].flatMap(([key, model, params]) => [
        putAsset(content('RUN', String(key))),
        putEdge('run_models', `models/${String(model)}`, `run/${String(key)}`),
        putAsset(content('MODEL_PARAMS', String(key), { params: params as Record<string, number> })),
        putEdge('run_modelparams', `run/${String(key)}`, `modelparams/${String(key)}`),
      ]),
    ],
    at(0),
  );
}

const ids = (groups: DuplicateGroup[]) => groups.map((group) => group.assets.map((asset) => asset.id));

export function reuseContract(store: () => Store): void {
  describe('usage', () => {
    beforeEach(async () => {
      await seedDiamond(store());
    });

    it('counts distinct runs, models and deployments downstream, once each along a diamond', async () => {
      const asked = Object.keys(DIAMOND_USAGE);
      const answers = await store().usage(asked.map((id) => ({ id, scope: null, asOf: null })));
      expect(Object.fromEntries(asked.map((id, i) => [id, answers[i]]))).toEqual(
        Object.fromEntries(asked.map((id) => [id, DIAMOND_USAGE[id]?.all])),
      );
    });

    it('counts only what a scope may see, while passing through the rest', async () => {
      const asked = Object.keys(DIAMOND_USAGE);
      const answers = await store().usage(asked.map((id) => ({ id, scope: ['project/p2'], asOf: null })));
      expect(answers).toEqual(asked.map((id) => DIAMOND_USAGE[id]?.p2));
    });

    it('answers zeros for a missing or malformed id, in request order, and mixes scopes in one call', async () => {
      const answers = await store().usage([
        { id: 'datasets/missing', scope: null, asOf: null },
        { id: 'not an id', scope: null, asOf: null },
        { id: 'datasets/d1', scope: ['project/p2'], asOf: null },
        { id: 'datasets/d1', scope: null, asOf: null },
      ]);
      expect(answers).toEqual([usage(0, 0, 0), usage(0, 0, 0), usage(1, 1, 1), usage(4, 4, 2)]);
    });

    it('follows writes: a relation added or an asset deleted changes the counts upstream of it', async () => {
      const before = await store().usage(['datasets/d1', 'featuresets/f1', 'featuresets/f2'].map((id) => ({ id, scope: null, asOf: null })));
      expect(before).toEqual([usage(4, 4, 2), usage(2, 2, 1), usage(2, 3, 2)]);
      await store().rankUsage(rankQuery({ kind: 'FEATURESET' }));
      await commitOps(store(), [putAsset(content('RUN', 'r5')), putEdge('run_models', 'models/m2', 'run/r5'), putEdge('run_featuresets', 'run/r5', 'featuresets/f1')], at(1));
      await commitOps(store(), [{ type: 'deleteAsset', id: 'run/r4', field: ['id'] }], at(2));
      const after = await store().usage(['datasets/d1', 'featuresets/f1', 'featuresets/f2'].map((id) => ({ id, scope: null, asOf: null })));
      // r5 adds a run of m2 below f1 (and d1); deleting r4 takes m3 and dep3 out of d1's and f2's lineage.
      expect(after).toEqual([usage(4, 3, 1), usage(3, 3, 1), usage(1, 2, 1)]);
      expect(await ranking(store(), rankQuery({ kind: 'FEATURESET' }))).toEqual([
        ['featuresets/f1', usage(3, 3, 1)],
        ['featuresets/f2', usage(1, 2, 1)],
      ]);
    });
  });

  describe('rankUsage', () => {
    beforeEach(async () => {
      await seedDiamond(store());
    });

    it('ranks an asset of the kind registered after an earlier ranking', async () => {
      expect(await ranking(store(), rankQuery({ kind: 'FEATURESET', minModels: 1 }))).toHaveLength(2);
      await commitOps(
        store(),
        [
          putAsset(content('FEATURESET', 'f3')),
          putEdge('featureset_dataset', 'featuresets/f3', 'datasets/d2'),
          putAsset(content('RUN', 'r6')),
          putEdge('run_models', 'models/m3', 'run/r6'),
          putEdge('run_featuresets', 'run/r6', 'featuresets/f3'),
        ],
        at(4),
      );
      expect(await ranking(store(), rankQuery({ kind: 'FEATURESET', minModels: 1 }))).toEqual([
        ['featuresets/f2', usage(2, 3, 2)],
        ['featuresets/f1', usage(2, 2, 1)],
        ['featuresets/f3', usage(1, 1, 1)],
      ]);
      // d2 now reaches m3 through f3 and r6, as d1 did already.
      expect(await ranking(store(), rankQuery({ kind: 'DATASET', minModels: 4 }))).toEqual([
        ['datasets/d1', usage(5, 4, 2)],
        ['datasets/d2', usage(3, 4, 2)],
      ]);
    });

    it('ranks a kind by models descending, then id, keeping those used by at least minModels', async () => {
      expect(await ranking(store(), rankQuery({ kind: 'FEATURESET', minModels: 2 }))).toEqual([
        ['featuresets/f2', usage(2, 3, 2)],
        ['featuresets/f1', usage(2, 2, 1)],
      ]);
      expect(await ranking(store(), rankQuery({ kind: 'FEATURESET', minModels: 3 }))).toEqual([['featuresets/f2', usage(2, 3, 2)]]);
      expect(await ranking(store(), rankQuery({ kind: 'MODEL', minModels: 0 }))).toEqual([
        ['models/m1', usage(0, 1, 1)],
        ['models/m2', usage(0, 0, 0)],
        ['models/m3', usage(0, 0, 1)],
        ['models/m4', usage(0, 0, 0)],
      ]);
    });

    it('pages after a position, telling whether another page follows', async () => {
      const first = await store().rankUsage(rankQuery({ kind: 'DATASET', first: 1 }));
      expect(first.entries.map((entry) => entry.asset.id)).toEqual(['datasets/d1']);
      expect(first.hasNextPage).toBe(true);
      const second = await store().rankUsage(rankQuery({ kind: 'DATASET', first: 1, after: { models: 4, id: 'datasets/d1' } }));
      expect(second.entries.map((entry) => [entry.asset.id, entry.usage])).toEqual([['datasets/d2', usage(2, 3, 1)]]);
      expect(second.hasNextPage).toBe(false);
      const tie = await store().rankUsage(rankQuery({ kind: 'MODEL', first: 2, after: { models: 0, id: 'models/m2' } }));
      expect(tie.entries.map((entry) => entry.asset.id)).toEqual(['models/m3', 'models/m4']);
    });

    it('ranks and counts for a scope only what it may see', async () => {
      expect(await ranking(store(), rankQuery({ kind: 'DATASET', scope: ['project/p2'] }))).toEqual([
        ['datasets/d1', usage(1, 1, 1)],
        ['datasets/d2', usage(0, 0, 0)],
      ]);
      expect(await ranking(store(), rankQuery({ kind: 'MODEL', scope: ['project/p2'] }))).toEqual([['models/m3', usage(0, 0, 1)]]);
    });
  });

  describe('duplicates', () => {
    beforeEach(async () => {
      await seedDuplicates(store());
    });

    it('groups datasets with the same source and statistics, whatever the order of their keys', async () => {
      const groups = await store().duplicates({ kind: 'DATASET', limit: 20, scope: null, asOf: null });
      expect(ids(groups)).toEqual([['datasets/census', 'datasets/census-copy']]);
      expect(groups[0]?.fingerprint).toBe(fingerprint('DATASET', { source: 's3://census.csv', statistics: { rows: 10, columns: ['a', 'b'] } }));
    });

    it('groups featuresets with the same features from the same datasets', async () => {
      const groups = await store().duplicates({ kind: 'FEATURESET', limit: 20, scope: null, asOf: null });
      expect(ids(groups)).toEqual([['featuresets/fa', 'featuresets/fb']]);
      expect(groups[0]?.fingerprint).toBe(
        fingerprint('FEATURESET', {
          features: [
            { name: 'x', dtype: 'int' },
            { name: 'y', dtype: 'float' },
          ],
          datasets: ['datasets/census'],
        }),
      );
    });

    it('groups equal params, largest group first, never empty ones; a scope groups what it may see', async () => {
      const all = await store().duplicates({ kind: 'MODEL_PARAMS', limit: 20, scope: null, asOf: null });
      expect(ids(all)).toEqual([['modelparams/pa', 'modelparams/pb', 'modelparams/pc']]);
      expect(all[0]?.fingerprint).toBe(fingerprint('MODEL_PARAMS', { depth: 3, lr: 0.1 }));
      const scoped = await store().duplicates({ kind: 'MODEL_PARAMS', limit: 20, scope: ['project/p1'], asOf: null });
      expect(ids(scoped)).toEqual([['modelparams/pa', 'modelparams/pc']]);
      expect(await store().duplicates({ kind: 'MODEL_PARAMS', limit: 20, scope: ['project/p2'], asOf: null })).toEqual([]);
    });

    it('answers at most limit groups', async () => {
      await commitOps(store(), [putAsset(content('DATASET', 'other-1', { source: 'x' })), putAsset(content('DATASET', 'other-2', { source: 'x' }))], at(3));
      const two = await store().duplicates({ kind: 'DATASET', limit: 20, scope: null, asOf: null });
      expect(two).toHaveLength(2);
      const one = await store().duplicates({ kind: 'DATASET', limit: 1, scope: null, asOf: null });
      expect(one).toEqual(two.slice(0, 1));
    });
  });
}
