import { describe, expect, test } from 'vitest';
import { startDeadline, storeWithDeadline } from '../../src/app/deadline.js';
import { rejection, commitOps, memoryStore } from '../helpers/assets.js';
import { countingStore } from '../helpers/counting-store.js';

describe('the execution deadline', () => {
  test('store calls pass until the deadline, then fail with EXECUTION_TIMEOUT before reaching the engine', async () => {
    let now = 0;
    const deadline = startDeadline(100, () => now);
    const inner = countingStore(memoryStore());
    const store = storeWithDeadline(inner, deadline);
    try {
      now = 100;
      await store.getAssets(['models/m']);
      expect(deadline.tripped).toBe(false);
      now = 101;
      expect(await rejection(() => store.neighbors([{ id: 'models/m', relation: 'run_models', direction: 'OUT', asOf: null }]))).toMatchObject({
        code: 'EXECUTION_TIMEOUT',
      });
      expect(await rejection(() => commitOps(store, []))).toMatchObject({ code: 'EXECUTION_TIMEOUT' });
      expect(deadline.tripped).toBe(true);
      expect(inner.calls.map((call) => call.operation)).toEqual(['getAssets']);
      await store.ping(); // health checks are not the request's work
    } finally {
      await store.close();
    }
  });

  test('an infinite deadline never passes', () => {
    const deadline = startDeadline(Infinity, () => Number.MAX_SAFE_INTEGER);
    expect(() => deadline.check()).not.toThrow();
  });
});
