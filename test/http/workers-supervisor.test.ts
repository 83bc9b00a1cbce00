import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/cli/workers.js';

/**
 * The primary's supervision, with workers that crash as soon as they listen
 * (a fixture, not the server): each is replaced until more exit within the
 * window than the limit allows; then the primary stops and reports failure
 * rather than loop.
 */
describe('the primary of serve --workers', () => {
  it('replaces a worker that dies, and gives up with exit code 1 when they keep dying', async () => {
    const logs: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    cluster.setupPrimary({ exec: fileURLToPath(new URL('../fixtures/workers/crashing-worker.mjs', import.meta.url)), args: [], silent: true });

    const workers = await startWorkers(2, logger, { exits: 3, windowMs: 60_000 });
    expect(workers.port).toBe(1234);
    expect(await workers.done).toBe(1);

    const messages = logs.map((log) => log['msg']);
    expect(messages.filter((msg) => msg === 'a worker exited unexpectedly')).toHaveLength(4);
    expect(messages.filter((msg) => msg === 'workers keep exiting: stopping rather than replacing them again')).toHaveLength(1);
    expect(logs.find((log) => log['level'] === 60)).toMatchObject({ exits: 4, withinMs: 60_000 });
    expect(Object.keys(cluster.workers ?? {})).toEqual([]);
  });
});
