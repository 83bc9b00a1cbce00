import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * Fault injection: the server process is killed with SIGKILL while clients
 * stream logRun mutations at it. After a restart, every write the server
 * acknowledged is there, and no run is there in part; every write stored
 * has its changes in the log, and no change names what is not stored.
 */
const LOG_RUN = `mutation ($input: LogRunInput!) { logRun(input: $input) { run { id } } }`;
const WORKERS = 4;
const STREAM_MS = 1500;

async function graphql(url: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

describe('durability under SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metalayer-kill-'));
  const db = join(dir, 'metalayer.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged logRun and no partial one', async () => {
    const first = runCli(['serve', '--demo', '--port', '0', '--db', db]);
    const url = JSON.parse(await first.waitForLine(/metalayer is serving/)).url as string;

    const acknowledged: string[] = [];
    const attempted: string[] = [];
    let killed = false;
    const worker = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const runId = `kill-${w}-${i}`;
        attempted.push(runId);
        try {
          const result = await graphql(url, LOG_RUN, {
            input: {
              runId,
              model: 'models/housing-gbm',
              datasets: ['datasets/census-1990-v2', 'datasets/census-1990-v3'],
              featuresets: ['featuresets/housing-geo'],
              params: { seed: i, worker: w },
              metrics: [{ name: 'rmse', value: 1000 + i }],
            },
          });
          if (result.data?.logRun?.run?.id === `run/${runId}`) acknowledged.push(runId);
          else if (!killed) throw new Error(`unexpected answer: ${JSON.stringify(result)}`);
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    await new Promise((resolve) => setTimeout(resolve, STREAM_MS));
    killed = true;
    first.child.kill('SIGKILL');
    await first.exited;
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThan(10);

    // The store, read directly: every run whole, or absent.
    const raw = new BetterSqlite3(db, { readonly: true });
    const runs = raw.prepare(`SELECT key FROM assets WHERE kind = 'RUN' AND key LIKE 'kill-%'`).pluck().all() as string[];
    const partial = raw
      .prepare(
        `SELECT a.key FROM assets a WHERE a.kind = 'RUN' AND a.key LIKE 'kill-%' AND (
           NOT EXISTS (SELECT 1 FROM assets p WHERE p.id = 'modelparams/' || a.key)
        OR NOT EXISTS (SELECT 1 FROM assets d WHERE d.id = 'devperf/' || a.key)
        OR (SELECT count(*) FROM edges e WHERE e.from_id = a.id) <> 5
        OR (SELECT count(*) FROM edges e WHERE e.to_id = a.id AND e.relation = 'run_models') <> 1)`,
      )
      .pluck()
      .all();
    const orphans = raw
      .prepare(
        `SELECT id FROM assets a WHERE a.kind IN ('MODEL_PARAMS', 'DEV_PERF') AND a.key LIKE 'kill-%'
         AND NOT EXISTS (SELECT 1 FROM assets r WHERE r.id = 'run/' || a.key)`,
      )
      .pluck()
      .all();
    // The change log, read directly: every stored asset and relation of a run has its change, in the
    // run's one transaction, and no change names an asset or a relation that is not stored.
    const unlogged = raw
      .prepare(
        `SELECT a.id FROM assets a WHERE a.key LIKE 'kill-%'
           AND (SELECT count(*) FROM changes c WHERE c.asset_id = a.id AND c.operation = 'CREATE') <> 1
         UNION ALL
         SELECT e.from_id || ' ' || e.relation || ' ' || e.to_id FROM edges e
         WHERE (e.from_id LIKE 'run/kill-%' OR e.to_id LIKE 'run/kill-%') AND NOT EXISTS (
           SELECT 1 FROM changes c WHERE c.operation = 'LINK' AND c.from_id = e.from_id AND c.relation = e.relation AND c.to_id = e.to_id)`,
      )
      .pluck()
      .all();
    const unwritten = raw
      .prepare(
        `SELECT c.sequence FROM changes c WHERE c.asset_id LIKE '%/kill-%' AND c.operation = 'CREATE'
           AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.id = c.asset_id)
         UNION ALL
         SELECT c.sequence FROM changes c WHERE c.operation = 'LINK' AND (c.from_id LIKE 'run/kill-%' OR c.to_id LIKE 'run/kill-%')
           AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.from_id = c.from_id AND e.relation = c.relation AND e.to_id = c.to_id)`,
      )
      .pluck()
      .all();
    const transactions = raw
      .prepare(
        `SELECT count(DISTINCT c.tx) FROM changes c
         WHERE c.asset_id IN ('run/' || ?, 'modelparams/' || ?, 'devperf/' || ?) OR c.to_id = 'run/' || ?`,
      )
      .pluck();
    const splitRuns = runs.filter((key) => transactions.get(key, key, key, key) !== 1);
    const spans = raw.prepare(`SELECT count(*) FROM edge_spans WHERE unlinked IS NULL AND (from_id LIKE 'run/kill-%' OR to_id LIKE 'run/kill-%')`).pluck().get();
    raw.close();
    expect(unlogged).toEqual([]);
    expect(unwritten).toEqual([]);
    expect(splitRuns).toEqual([]);
    expect(spans).toBe(runs.length * 6);
    console.info(
      `durability: ${attempted.length} logRuns sent, ${acknowledged.length} acknowledged, ${runs.length} stored at SIGKILL`,
    );
    expect(partial).toEqual([]);
    expect(orphans).toEqual([]);
    expect(runs).toEqual(expect.arrayContaining(acknowledged));
    expect(runs.every((run) => attempted.includes(run))).toBe(true);

    // And through the API after a restart.
    const second = runCli(['serve', '--port', '0', '--db', db]);
    const url2 = JSON.parse(await second.waitForLine(/metalayer is serving/)).url as string;
    const ids = acknowledged.map((runId) => `run/${runId}`);
    const result = await graphql(
      url2,
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Run { runId params { id } devPerf { id } model { id } datasets { id } } } }`,
      { ids },
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(result.errors).toBeUndefined();
    expect(result.data.nodes).toHaveLength(acknowledged.length);
    for (const [i, node] of (result.data.nodes as any[]).entries()) {
      expect(node).toEqual({
        runId: acknowledged[i],
        params: { id: `modelparams/${acknowledged[i]}` },
        devPerf: { id: `devperf/${acknowledged[i]}` },
        model: { id: 'models/housing-gbm' },
        datasets: [{ id: 'datasets/census-1990-v2' }, { id: 'datasets/census-1990-v3' }],
      });
    }
  });
});
