import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_LINEAGE_CAPS, lineageOptions } from '../../src/domain/lineage.js';
import { refreshAfterWrite } from '../../src/app/loaders.js';
import { createCore } from '../../src/app/session.js';
import { CATALOGUE, content, putAsset, commitOps, memoryStore } from '../helpers/assets.js';
import { countingStore, type CountingStore } from '../helpers/counting-store.js';
import { seedFleet } from '../helpers/fleet.js';

let store: CountingStore;
beforeEach(async () => {
  store = countingStore(memoryStore());
  await seedFleet(store, 3);
  store.reset();
});
afterEach(() => store.close());

const openSession = () => createCore({ store, catalogue: CATALOGUE, cursorKey: 'test' }).openSession();

describe('per-request loaders', () => {
  test('each session has its own loaders', async () => {
    const a = openSession();
    const b = openSession();
    expect(a.loaders).not.toBe(b.loaders);
    await a.loaders.assets.load('models/m-000');
    await b.loaders.assets.load('models/m-000');
    expect(store.count('getAssets')).toBe(2);
  });

  test('neighbour requests of different relations and directions share one batch, and repeats are cached', async () => {
    const { loaders } = openSession();
    const [runs, project, deployments] = await Promise.all([
      loaders.neighbors.load({ id: 'models/m-001', relation: 'run_models', direction: 'OUT' }),
      loaders.neighbors.load({ id: 'models/m-001', relation: 'project_models', direction: 'IN' }),
      loaders.neighbors.load({ id: 'models/m-001', relation: 'deployment_model', direction: 'IN' }),
      loaders.neighbors.load({ id: 'models/m-001', relation: 'run_models', direction: 'OUT' }),
    ]);
    await loaders.neighbors.load({ id: 'models/m-001', relation: 'run_models', direction: 'OUT' });
    expect(store.calls).toEqual([{ operation: 'neighbors', batch: 3 }]);
    expect([runs, project, deployments].map((list) => list.map((a) => a.id))).toEqual([
      ['run/r-001'],
      ['project/fleet'],
      ['deployment/dep-001'],
    ]);
  });

  test('neighbours and lineages prime the by-id loader', async () => {
    const { loaders } = openSession();
    await loaders.neighbors.load({ id: 'project/fleet', relation: 'project_models', direction: 'OUT' });
    await loaders.lineage.load({ start: 'models/m-002', ...lineageOptions('UPSTREAM', {}, DEFAULT_LINEAGE_CAPS), scope: null });
    const assets = await loaders.assets.loadMany(['models/m-000', 'models/m-001', 'run/r-002', 'datasets/base']);
    expect(assets.map((a) => (a instanceof Error || !a ? a : a.id))).toEqual([
      'models/m-000',
      'models/m-001',
      'run/r-002',
      'datasets/base',
    ]);
    expect(store.calls.map((c) => c.operation)).toEqual(['neighbors', 'traverse']);
  });

  test('a write replaces the written assets, forgets deleted ones and clears relations and lineages', async () => {
    const { loaders } = openSession();
    const before = await loaders.assets.load('models/m-000');
    await loaders.neighbors.load({ id: 'project/fleet', relation: 'project_models', direction: 'OUT' });
    const result = await commitOps(store, [
      putAsset(content('MODEL', 'm-new')),
      { type: 'updateAsset', id: 'models/m-000', patch: { tag: 'gold' }, field: ['id'] },
      { type: 'deleteAsset', id: 'models/m-001', field: ['id'] },
    ]);
    refreshAfterWrite(loaders, result);
    store.reset();

    const [updated, deleted, created] = await loaders.assets.loadMany(['models/m-000', 'models/m-001', 'models/m-new']);
    expect(before).toMatchObject({ tag: null });
    expect(updated).toMatchObject({ id: 'models/m-000', tag: 'gold' });
    expect(deleted).toBeNull();
    expect(created).toMatchObject({ id: 'models/m-new' });
    const models = await loaders.neighbors.load({ id: 'project/fleet', relation: 'project_models', direction: 'OUT' });
    expect(models.map((m) => m.id)).toEqual(['models/m-000', 'models/m-002']);
    expect(store.calls.map((c) => c.operation)).toEqual(['neighbors']);
  });
});
