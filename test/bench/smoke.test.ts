import { describe, expect, it } from 'vitest';
import type { Budget } from '../../bench/measure.js';
import { figure } from '../../bench/results.js';
import { runBench } from '../../bench/run.js';

/**
 * `npm run bench` at 10k assets with tiny iteration counts, so the benchmark
 * keeps working: it asserts the shape of the results, that the naive server
 * answers exactly as metalayer does, and the store calls each variant makes.
 * Never a time: this machine's speed is not under test.
 */
const once: Budget = { warmup: 0, minRuns: 1, maxRuns: 1, ms: 0 };

describe('bench smoke', () => {
  it('runs every workload at 10k assets and counts the store calls', { timeout: 180_000 }, async () => {
    const results = await runBench(
      {
        graph: { assets: 10_000, seed: 42, chunkAssets: 4_000 },
        db: null,
        budget: once,
        remoteBudget: once,
        http: { rounds: 1, seconds: 1, warmupSeconds: 0, connections: 2, lineages: 1 },
        command: 'smoke test',
      },
      () => undefined,
    );

    expect(results.graph.assets).toBeGreaterThanOrEqual(10_000);
    expect(results.graph.byKind.MODEL).toBeGreaterThan(100);
    expect(results.load).toMatchObject({ assets: results.graph.assets, edges: results.graph.edges });
    expect(results.load?.chunks).toBeGreaterThan(1);

    for (const check of results.checks) {
      expect(check.answerAssets, check.workload).toBeGreaterThan(0);
      if (check.naiveAgrees !== null) expect(check.naiveAgrees, check.workload).toBe(true);
      if (check.graphqlJsAgrees !== null) expect(check.graphqlJsAgrees, check.workload).toBe(true);
    }
    const w1 = results.checks.find((c) => c.workload === 'W1');
    expect(w1?.answerAssets).toBeGreaterThan(800);

    // W1–W4 run on both executors, with the same answers (above) and the same store calls.
    expect(results.checks.filter((c) => c.graphqlJsAgrees !== null).map((c) => c.workload)).toEqual(['W1', 'W2', 'W3', 'W4']);
    const calls = (workload: string, variant: 'metalayer' | 'graphql-js' | 'naive' | 'store') =>
      figure(results.reads, workload, 'in-process', variant)?.callsByOperation;
    // The round-trip contract: one traverse for a whole lineage, three calls for W2's 100 models.
    expect(calls('W1', 'metalayer')).toEqual({ getAssets: 1, traverse: 1 });
    expect(calls('W1', 'graphql-js')).toEqual({ getAssets: 1, traverse: 1 });
    expect(calls('W1', 'store')).toEqual({ getAssets: 1, traverse: 1 });
    expect(calls('W2', 'metalayer')).toEqual({ listAssets: 1, neighbors: 2 });
    expect(calls('W2', 'graphql-js')).toEqual({ listAssets: 1, neighbors: 2 });
    expect(calls('W2', 'store')).toEqual({ listAssets: 1, neighbors: 2 });
    expect(calls('W4', 'metalayer')).toEqual({ getAssets: 1 });
    // Drift: the deployment, then one neighbors call per hop (model and periods, runs, datasets).
    expect(calls('W10', 'metalayer')).toEqual({ getAssets: 1, neighbors: 3 });
    expect(calls('W10', 'store')).toEqual({ getAssets: 1, neighbors: 3 });
    // The newest version of three flagship sources, and the deployment's latest week.
    expect(results.checks.find((c) => c.workload === 'W10')?.answerAssets).toBe(4);
    // As of an instant after the load: the same lineages, read from the change log with the same round trips.
    expect(calls('W7', 'metalayer')).toEqual({ historyStart: 1, getAssets: 1, traverse: 1 });
    expect(calls('W7', 'store')).toEqual({ getAssets: 1, traverse: 1 });
    expect(results.checks.find((c) => c.workload === 'W7')?.answerAssets).toBe(w1?.answerAssets);
    expect(results.checks.find((c) => c.workload === 'W7-down')?.answerAssets).toBe(
      results.checks.find((c) => c.workload === 'W3')?.answerAssets,
    );
    // A leaderboard page with its models: the ranking, then one neighbors call.
    expect(calls('W8', 'metalayer')).toEqual({ rankRuns: 1, neighbors: 1 });
    expect(calls('W8', 'store')).toEqual({ rankRuns: 1, neighbors: 1 });
    expect(results.checks.find((c) => c.workload === 'W8')?.answerAssets).toBe(10);
    // Usage of the root dataset: the dataset, then one usage call.
    expect(calls('W9', 'metalayer')).toEqual({ getAssets: 1, usage: 1 });
    expect(calls('W9', 'store')).toEqual({ getAssets: 1, usage: 1 });
    // The naive server: one call per parent and field, one per asset of a lineage.
    expect(calls('W2', 'naive')).toMatchObject({ listAssets: 1 });
    expect(figure(results.reads, 'W2', 'in-process', 'naive')?.calls).toBeGreaterThan(500);
    expect(calls('W1', 'naive')?.neighbors).toBeGreaterThan(w1?.answerAssets ?? Infinity);

    for (const workload of ['W1', 'W2']) {
      for (const link of ['in-process', 'rtt 0.5 ms', 'rtt 0.5 ms, pool of 8']) {
        for (const variant of ['metalayer', 'naive', 'store'] as const) {
          expect(figure(results.reads, workload, link, variant)?.latency.runs, `${workload} ${link} ${variant}`).toBe(1);
        }
      }
    }

    expect(results.http?.floor.requests).toBeGreaterThan(0);
    expect(results.http?.pointLookup.requests).toBeGreaterThan(0);
    expect(results.http?.logRun.requests).toBeGreaterThan(0);
    expect(results.http?.openLineage.requests).toBeGreaterThan(0);
    expect([
      results.http?.floor.failures,
      results.http?.pointLookup.failures,
      results.http?.logRun.failures,
      results.http?.openLineage.failures,
    ]).toEqual([0, 0, 0, 0]);
    expect(results.http?.server.maxRssMiB).toBeGreaterThan(0);
    expect(results.http?.afterLineages.lineages).toBe(2);
    // W4 and the mixed load through the command line's server, with one worker and two.
    for (const compared of [results.workers?.pointLookup, results.workers?.mixed]) {
      expect(compared?.one.requests).toBeGreaterThan(0);
      expect(compared?.two.requests).toBeGreaterThan(0);
      expect([compared?.one.failures, compared?.two.failures]).toEqual([0, 0]);
    }
    expect(results.targets.map((t) => t.id)).toEqual(['W1', 'W2 in-process', 'W2', 'W4', 'workers', 'W6', 'W3', 'W7', 'W8']);
  });
});
