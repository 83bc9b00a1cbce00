import { describe, expect, it } from 'vitest';
import { commitPlan } from '../../src/app/commit.js';
import { startCore } from '../../src/app/session.js';
import { planRunEvent } from '../../src/domain/openlineage.js';
import { parseRunEvent } from '../../src/server/openlineage/body.js';
import { featuresEvent, IDS } from '../fixtures/openlineage/pipeline.js';
import { CATALOGUE, memoryStore, rejection } from '../helpers/assets.js';
import { viewer } from '../helpers/projects.js';

/**
 * The core's write rules for a run an update records when missing (the
 * OpenLineage plan): such a run hangs from no model, so it is shared, and a
 * writer scoped to projects may not record it, whatever adapter asks.
 */
describe('observed runs and write access', () => {
  const plan = () => planRunEvent(parseRunEvent(featuresEvent('START', '2026-01-10T02:10:00.000Z')));

  it('refuses a scoped writer before the store sees the plan, and writes nothing', async () => {
    const store = memoryStore();
    const core = await startCore({ store, catalogue: CATALOGUE });
    const error = await rejection(() => commitPlan(core.openSession(viewer('writer', 'project/alpha')), 'openlineage:START', plan()));
    expect(error).toMatchObject({ code: 'FORBIDDEN', field: ['project'] });
    expect(await store.getAssets([`run/${IDS.features}`])).toEqual([null]);
  });

  it('lets an unscoped writer record it', async () => {
    const store = memoryStore();
    const core = await startCore({ store, catalogue: CATALOGUE });
    await commitPlan(core.openSession(viewer('writer')), 'openlineage:START', plan());
    expect((await store.getAssets([`run/${IDS.features}`]))[0]).toMatchObject({ status: 'RUNNING', name: 'customer_features.execute_insert_into_hadoop_fs_relation_command.features_customer_features' });
  });
});
