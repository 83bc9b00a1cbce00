import { CATALOGUE } from '../helpers/assets.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * A bounded load test over loopback: concurrent clients mix lineage reads,
 * lookups, listings and logRun writes against the real server on a file
 * store for a fixed time. No request may fail, no acknowledged write may be
 * lost, and memory must stay flat. Latency is reported, never asserted.
 */
const CLIENTS = 8;
const DURATION_MS = 4000;

const OPERATIONS = {
  lineage: `{ node(id: "models/housing-gbm-tuned") { ... on Model { upstream { nodes { degree asset { id name } } edges { kind } } } } }`,
  lookup: `{ node(id: "run/run-003") { id ... on Run { params { params } devPerf { metrics { name value } } } } }`,
  listing: `{ assets(kind: RUN, first: 50) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
  logRun: `mutation ($input: LogRunInput!) { logRun(input: $input) { run { id } } }`,
};

describe('load over loopback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metalayer-load-'));
  let running: RunningServer;
  beforeAll(async () => {
    const store = openSqliteStore({ path: join(dir, 'metalayer.db'), catalogue: CATALOGUE });
    await seedHousingDemo(store, CATALOGUE);
    running = await startServer({}, store);
  });
  afterAll(async () => {
    await running.server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a mixed read/write load with no error, no lost write and flat memory', async () => {
    const latencies: number[] = [];
    const failures: unknown[] = [];
    const acknowledged: string[] = [];
    const heap: number[] = [];
    const sampler = setInterval(() => heap.push(process.memoryUsage().heapUsed), 250);
    const deadline = Date.now() + DURATION_MS;

    const client = async (c: number) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const write = i % 10 < 3;
        const runId = `load-${c}-${i}`;
        const body = write
          ? { query: OPERATIONS.logRun, variables: { input: { runId, model: 'models/housing-linear', params: { i }, metrics: [{ name: 'rmse', value: i }] } } }
          : { query: [OPERATIONS.lineage, OPERATIONS.lookup, OPERATIONS.listing][i % 3] };
        const started = performance.now();
        const { status, body: answer } = await running.post(body);
        latencies.push(performance.now() - started);
        if (status !== 200 || answer.errors) failures.push({ status, answer });
        else if (write) acknowledged.push(`run/${runId}`);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    clearInterval(sampler);

    expect(failures).toEqual([]);
    const stored = await running.store.getAssets(acknowledged);
    expect(stored.filter((record) => record === null)).toHaveLength(0);

    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(1);
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    const warm = heap[Math.floor(heap.length / 4)] ?? 0;
    const peak = Math.max(...heap.slice(Math.floor(heap.length / 4)));
    console.info(
      `load: ${latencies.length} requests (${acknowledged.length} writes) from ${CLIENTS} clients in ${DURATION_MS} ms; ` +
        `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms; heap after warm-up ${mb(warm)} MiB, peak ${mb(peak)} MiB, ` +
        `rss ${mb(process.memoryUsage().rss)} MiB`,
    );
    expect(latencies.length).toBeGreaterThan(100);
    // Flat memory: the heap after warm-up may breathe with garbage collection, not grow with the request count.
    expect(peak - warm).toBeLessThan(96 * 2 ** 20);
  });
});
