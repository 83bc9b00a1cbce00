import { afterEach, describe, expect, test } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { forwardingStore } from '../helpers/counting-store.js';
import { content, putAsset, putEdge, commitOps, memoryStore } from '../helpers/assets.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';

/**
 * A dataset shared by many runs: nested relation lists over it grow as
 * runs^levels while every level past the second is answered from the
 * request's cache, so neither the cost estimate nor the store sees them.
 */
const RUNS = 30;
const NESTED = `{ node(id: "datasets/shared") { ... on Dataset { runs { datasets { runs { datasets { runs { id } } } } } } } }`;

async function sharedDataset(store: Store): Promise<void> {
  const runs = Array.from({ length: RUNS }, (_, i) => content('RUN', `r${i}`));
  await commitOps(store, [
    putAsset(content('DATASET', 'shared')),
    ...runs.map((c) => putAsset(c)),
    ...runs.map((run) => putEdge('run_datasets', run.id, 'datasets/shared')),
  ]);
}

let api: TestApi | undefined;
afterEach(() => api?.close());

describe('the result budget', () => {
  test('nested relation lists stop with RESULT_TOO_LARGE once they would return more assets than the budget', async () => {
    api = createTestApi({ maxResultAssets: 10_000 });
    await sharedDataset(api.store);
    // runs (30) + datasets (30) + runs (900) + datasets (900) + runs (27,000) passes 10,000 on the last level.
    const result = await api.execute(NESTED);
    expect(onlyError(result)).toMatchObject({
      message: expect.stringMatching(/^The response would hold more than 10000 assets/),
      extensions: { code: 'RESULT_TOO_LARGE' },
    });
  });

  test('the same query within the budget is answered whole', async () => {
    api = createTestApi({ maxResultAssets: 30_000 });
    await sharedDataset(api.store);
    const result = await api.execute<{ node: { runs: { datasets: { runs: unknown[] }[] }[] } }>(NESTED);
    expect(result.errors).toBeUndefined();
    expect(result.data?.node.runs).toHaveLength(RUNS);
    expect(result.data?.node.runs[0]?.datasets[0]?.runs).toHaveLength(RUNS);
  });

  test('lineages count against the budget too', async () => {
    api = createTestApi({ maxResultAssets: 20 });
    await sharedDataset(api.store);
    const error = onlyError(await api.execute(`{ node(id: "datasets/shared") { ... on Asset { downstream { nodes { degree } } } } }`));
    expect(error.extensions?.['code']).toBe('RESULT_TOO_LARGE');
  });
});

describe('the deadline on cached relation lists', () => {
  test('levels answered from the request cache still stop at the deadline', async () => {
    const inner = memoryStore();
    await sharedDataset(inner);
    // The second level's store call takes longer than the whole deadline; the levels after it need no store call.
    let neighborCalls = 0;
    const slow = forwardingStore(inner, {
      neighbors: async (requests) => {
        neighborCalls++;
        if (neighborCalls === 2) await new Promise((resolve) => setTimeout(resolve, 80));
        return inner.neighbors(requests);
      },
    });
    api = createTestApi({ store: slow, executionTimeoutMs: 40 });
    const result = await api.execute(NESTED);
    expect(neighborCalls).toBe(2);
    expect(result.errors?.map((e) => e.extensions?.['code'])).toContain('EXECUTION_TIMEOUT');
  });
});
