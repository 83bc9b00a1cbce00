import { describe, expect, it } from 'vitest';
import { type Lineage, type TraverseRequest } from '../../src/domain/lineage.js';
import type { Store } from '../../src/store/store.js';
import { link, putAll, traverseRequest } from '../helpers/assets.js';

/**
 * A small pipeline with every lineage relation:
 *
 *   datasets d1 ← d2 ← d3 (derived_from)        featureset f1 → d3
 *   run r1 → modelparams r1, d3, f1, devperf r1  model m1 → r1
 *   run r2 → d3                                  model m2 → r2, m2 derived_from m1
 *   deployment dep → m2, modelparams r1, f1; dep → servingperf sp1, sp2
 *   project p contains m2 (containment, not lineage)
 */
async function seedPipeline(store: Store): Promise<void> {
  await putAll(
    store,
    'PROJECT:p',
    'DATASET:d1',
    'DATASET:d2',
    'DATASET:d3',
    'FEATURESET:f1',
    'RUN:r1',
    'RUN:r2',
    'MODEL_PARAMS:r1',
    'DEV_PERF:r1',
    'MODEL:m1',
    'MODEL:m2',
    'DEPLOYMENT:dep',
    'SERVING_PERF:sp1',
    'SERVING_PERF:sp2',
  );
  await link(
    store,
    ['project_models', 'project/p', 'models/m2'],
    ['derived_from', 'datasets/d2', 'datasets/d1'],
    ['derived_from', 'datasets/d3', 'datasets/d2'],
    ['featureset_dataset', 'featuresets/f1', 'datasets/d3'],
    ['run_modelparams', 'run/r1', 'modelparams/r1'],
    ['run_datasets', 'run/r1', 'datasets/d3'],
    ['run_featuresets', 'run/r1', 'featuresets/f1'],
    ['run_devperf', 'run/r1', 'devperf/r1'],
    ['run_models', 'models/m1', 'run/r1'],
    ['run_datasets', 'run/r2', 'datasets/d3'],
    ['run_models', 'models/m2', 'run/r2'],
    ['derived_from', 'models/m2', 'models/m1'],
    ['deployment_model', 'deployment/dep', 'models/m2'],
    ['deployment_modelparams', 'deployment/dep', 'modelparams/r1'],
    ['deployment_featureset', 'deployment/dep', 'featuresets/f1'],
    ['deployment_servingperf', 'deployment/dep', 'servingperf/sp1'],
    ['deployment_servingperf', 'deployment/dep', 'servingperf/sp2'],
  );
}

const UPSTREAM_OF_M2 = {
  'models/m1': 1,
  'run/r2': 1,
  'datasets/d3': 2,
  'run/r1': 2,
  'datasets/d2': 3,
  'featuresets/f1': 3,
  'modelparams/r1': 3,
  'datasets/d1': 4,
};

const DOWNSTREAM_OF_D1 = {
  'datasets/d2': 1,
  'datasets/d3': 2,
  'featuresets/f1': 3,
  'run/r1': 3,
  'run/r2': 3,
  'deployment/dep': 4,
  'devperf/r1': 4,
  'models/m1': 4,
  'models/m2': 4,
  'servingperf/sp1': 5,
  'servingperf/sp2': 5,
};

const request = traverseRequest;

/** The nodes as `id → degree`, in the order returned. */
const degrees = (lineage: Lineage | undefined) =>
  Object.fromEntries((lineage?.nodes ?? []).map((n) => [n.asset.id, n.degree]));
const order = (lineage: Lineage | undefined) => (lineage?.nodes ?? []).map((n) => n.asset.id);
const edges = (lineage: Lineage | undefined) =>
  (lineage?.edges ?? []).map((e) => `${e.from} -${e.relation}-> ${e.to}`).sort();

export function lineageContract(store: () => Store): void {
  describe('traverse', () => {
    it('returns the full upstream with shortest degrees, each asset once, nearest first', async () => {
      await seedPipeline(store());
      const [lineage] = await store().traverse([request('models/m2')]);
      expect(degrees(lineage)).toEqual(UPSTREAM_OF_M2);
      expect(order(lineage)).toEqual(Object.keys(UPSTREAM_OF_M2));
      expect(lineage?.truncated).toBe(false);
      expect(lineage?.nodes.find((n) => n.asset.id === 'run/r1')?.asset).toMatchObject({ kind: 'RUN', runId: 'r1' });
    });

    it('returns the lineage relations among the returned assets and the start, never containment', async () => {
      await seedPipeline(store());
      const [lineage] = await store().traverse([request('models/m2')]);
      expect(edges(lineage)).toEqual([
        'datasets/d2 -derived_from-> datasets/d1',
        'datasets/d3 -derived_from-> datasets/d2',
        'featuresets/f1 -featureset_dataset-> datasets/d3',
        'models/m1 -run_models-> run/r1',
        'models/m2 -derived_from-> models/m1',
        'models/m2 -run_models-> run/r2',
        'run/r1 -run_datasets-> datasets/d3',
        'run/r1 -run_featuresets-> featuresets/f1',
        'run/r1 -run_modelparams-> modelparams/r1',
        'run/r2 -run_datasets-> datasets/d3',
      ]);
    });

    it('returns the full downstream impact, through every relation direction', async () => {
      await seedPipeline(store());
      const [lineage] = await store().traverse([request('datasets/d1', { direction: 'DOWNSTREAM' })]);
      expect(degrees(lineage)).toEqual(DOWNSTREAM_OF_D1);
      expect(lineage?.truncated).toBe(false);
      expect(edges(lineage)).toContain('deployment/dep -deployment_servingperf-> servingperf/sp1');
      expect(edges(lineage)).toContain('run/r1 -run_devperf-> devperf/r1');
    });

    it('follows run_outputs with the run upstream of the dataset it produced', async () => {
      await putAll(store(), 'DATASET:src', 'RUN:job', 'DATASET:built', 'RUN:train', 'MODEL:trained');
      await link(
        store(),
        ['run_datasets', 'run/job', 'datasets/src'],
        ['run_outputs', 'run/job', 'datasets/built'],
        ['run_datasets', 'run/train', 'datasets/built'],
        ['run_models', 'models/trained', 'run/train'],
      );
      const [up, down] = await store().traverse([
        request('models/trained'),
        request('datasets/src', { direction: 'DOWNSTREAM' }),
      ]);
      expect(degrees(up)).toEqual({ 'run/train': 1, 'datasets/built': 2, 'run/job': 3, 'datasets/src': 4 });
      expect(degrees(down)).toEqual({ 'run/job': 1, 'datasets/built': 2, 'run/train': 3, 'models/trained': 4 });
      expect(edges(up)).toContain('run/job -run_outputs-> datasets/built');
    });

    it('does not follow containment: a project has no lineage of its own', async () => {
      await seedPipeline(store());
      const [down, up] = await store().traverse([
        request('project/p', { direction: 'DOWNSTREAM' }),
        request('project/p'),
      ]);
      expect(down).toEqual({ nodes: [], edges: [], truncated: false });
      expect(up).toEqual({ nodes: [], edges: [], truncated: false });
    });

    it('filters the kinds returned while traversing through the others', async () => {
      await seedPipeline(store());
      const [deployments, served] = await store().traverse([
        request('datasets/d1', { direction: 'DOWNSTREAM', kinds: ['DEPLOYMENT'] }),
        request('datasets/d1', { direction: 'DOWNSTREAM', kinds: ['DEPLOYMENT', 'SERVING_PERF'] }),
      ]);
      expect(degrees(deployments)).toEqual({ 'deployment/dep': 4 });
      expect(deployments?.edges).toEqual([]);
      expect(deployments?.truncated).toBe(false);
      expect(degrees(served)).toEqual({ 'deployment/dep': 4, 'servingperf/sp1': 5, 'servingperf/sp2': 5 });
      expect(edges(served)).toEqual([
        'deployment/dep -deployment_servingperf-> servingperf/sp1',
        'deployment/dep -deployment_servingperf-> servingperf/sp2',
      ]);
    });

    it('bounds the depth and says when it cut the result', async () => {
      await seedPipeline(store());
      const [two, three, four] = await store().traverse([
        request('models/m2', { depth: 2 }),
        request('models/m2', { depth: 3 }),
        request('models/m2', { depth: 4 }),
      ]);
      expect(degrees(two)).toEqual({ 'models/m1': 1, 'run/r2': 1, 'datasets/d3': 2, 'run/r1': 2 });
      expect(two?.truncated).toBe(true);
      expect(Object.keys(degrees(three))).toHaveLength(7);
      expect(three?.truncated).toBe(true);
      expect(degrees(four)).toEqual(UPSTREAM_OF_M2);
      expect(four?.truncated).toBe(false);
    });

    it('bounds the node count, keeping the nearest assets (ties by id) and saying so', async () => {
      await seedPipeline(store());
      const [three, exact] = await store().traverse([
        request('models/m2', { limit: 3 }),
        request('models/m2', { limit: 8 }),
      ]);
      expect(order(three)).toEqual(['models/m1', 'run/r2', 'datasets/d3']);
      expect(three?.truncated).toBe(true);
      expect(edges(three)).toEqual(['models/m2 -derived_from-> models/m1', 'models/m2 -run_models-> run/r2', 'run/r2 -run_datasets-> datasets/d3']);
      expect(degrees(exact)).toEqual(UPSTREAM_OF_M2);
      expect(exact?.truncated).toBe(false);
    });

    it('stops at the visit limit whatever the kind filter selects', async () => {
      await seedPipeline(store());
      const [lineage] = await store().traverse([
        request('datasets/d1', { direction: 'DOWNSTREAM', kinds: ['SERVING_PERF'], visitLimit: 3 }),
      ]);
      expect(lineage?.truncated).toBe(true);
      expect(lineage?.nodes).toEqual([]);
    });

    it('leaves out whole the level that crossed the visit limit', async () => {
      await seedPipeline(store());
      // Levels of d1's downstream: 1 asset, 1 asset, then 3: the third level crosses a limit of 4.
      const [lineage] = await store().traverse([request('datasets/d1', { direction: 'DOWNSTREAM', visitLimit: 4 })]);
      expect(degrees(lineage)).toEqual({ 'datasets/d2': 1, 'datasets/d3': 2 });
      expect(lineage?.truncated).toBe(true);
      expect(edges(lineage)).toEqual(['datasets/d2 -derived_from-> datasets/d1', 'datasets/d3 -derived_from-> datasets/d2']);
    });

    it('terminates on cycles', async () => {
      const [x, y, z] = await putAll(store(), 'DATASET:x', 'DATASET:y', 'DATASET:z');
      await link(store(), ['derived_from', x!, y!], ['derived_from', y!, z!], ['derived_from', z!, x!]);
      const [up, down] = await store().traverse([request(x!), request(x!, { direction: 'DOWNSTREAM' })]);
      expect(degrees(up)).toEqual({ [y!]: 1, [z!]: 2 });
      expect(degrees(down)).toEqual({ [z!]: 1, [y!]: 2 });
      expect(edges(up)).toHaveLength(3);
    });

    it('answers a batch of starts in order, with nothing for a missing start', async () => {
      await seedPipeline(store());
      const answers = await store().traverse([
        request('models/m2', { depth: 1 }),
        request('models/nope'),
        request('datasets/d1', { direction: 'DOWNSTREAM', kinds: ['DEPLOYMENT'] }),
      ]);
      expect(answers.map(degrees)).toEqual([
        { 'models/m1': 1, 'run/r2': 1 },
        {},
        { 'deployment/dep': 4 },
      ]);
      expect(answers[1]).toEqual({ nodes: [], edges: [], truncated: false });
    });
  });
}
