import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { CATALOGUE } from '../helpers/assets.js';
import { runCli, runCliInTerminal, type CliProcess } from '../helpers/cli.js';

/**
 * `metalayer serve --workers 2`, as a user runs it: a primary and two worker
 * processes on one port and one SQLite file. Requests land on both workers
 * (their request logs say which), a subscription sees what either wrote, a
 * mixed read/write load finishes without a failed request or SQLITE_BUSY, a
 * worker that dies is replaced, and SIGTERM drains every worker.
 */

interface Reply {
  status: number;
  body: any;
}

/**
 * One HTTP request on a connection of its own, or of `agent`'s: the primary
 * hands each new connection to the next worker, so separate connections
 * reach both.
 */
function send(url: string, method: 'GET' | 'POST', body?: unknown, agent: Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, agent, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const LOG_RUN = `mutation ($input: LogRunInput!) { logRun(input: $input) { run { id } } }`;
const READS = [
  `{ node(id: "models/housing-gbm-tuned") { ... on Model { upstream { nodes { degree asset { id name } } } } } }`,
  `{ node(id: "run/run-003") { id ... on Run { params { params } devPerf { metrics { name value } } } } }`,
  `{ assets(kind: RUN, first: 50) { edges { node { id } } pageInfo { hasNextPage } } }`,
];

/** The newest sequence of the change log, read from the file as another process would. */
async function lastSequence(path: string): Promise<string | null> {
  const store = openSqliteStore({ path, catalogue: CATALOGUE });
  try {
    return await store.lastChangeSequence();
  } finally {
    await store.close();
  }
}

const logsOf = (cli: CliProcess) => cli.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, any>);
const requestLogs = (cli: CliProcess, path: string) => logsOf(cli).filter((log) => log['msg'] === 'request' && log['path'] === path);

/** The request log lines of `path` after the first `skip`, once `count` have come: a worker logs a request after answering it. */
async function requestsLogged(cli: CliProcess, path: string, skip: number, count: number): Promise<Record<string, any>[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const logged = requestLogs(cli, path).slice(skip);
    if (logged.length >= count || Date.now() > deadline) return logged;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('serve --workers 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metalayer-workers-'));
  const db = join(dir, 'metalayer.db');
  let cli: CliProcess;
  let url: string;
  beforeAll(async () => {
    cli = runCli(['serve', '--demo', '--workers', '2', '--port', '0', '--db', db], { METALAYER_SUBSCRIPTION_POLL_MS: '50' });
    url = JSON.parse(await cli.waitForLine(/metalayer is serving/, 60_000)).url.replace(/\/graphql$/, '');
  }, 70_000);
  afterAll(() => {
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds once in the primary, serves from both workers, and names the worker in /healthz and in every log line', async () => {
    const serving = logsOf(cli).find((log) => log['msg'] === 'metalayer is serving');
    expect(serving).toMatchObject({ worker: 0, workers: 2, store: 'sqlite' });
    expect(logsOf(cli).filter((log) => log['msg'] === 'demo pipeline loaded into the empty store')).toEqual([
      expect.objectContaining({ worker: 0, assets: 24 }),
    ]);
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(`${url}/healthz`, 'GET')));
    expect(answers.every((answer) => answer.status === 200 && answer.body.status === 'ok')).toBe(true);
    const workers = new Map(answers.map(({ body }) => [body.worker.id as number, body.worker.pid as number]));
    expect([...workers.keys()].sort()).toEqual([1, 2]);
    expect(new Set(workers.values()).size).toBe(2);
    const logged = await requestsLogged(cli, '/healthz', 0, answers.length);
    expect(logged.map((log) => log['worker']).sort()).toEqual(answers.map(({ body }) => body.worker.id).sort());
    expect(logsOf(cli).filter((log) => typeof log['worker'] !== 'number')).toEqual([]);
  });

  it('delivers to a subscription the changes written through either worker', async () => {
    const client = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const head = await lastSequence(db);
      const changes = client.iterate<{ changes: { operation: string; assetId: string } }>({
        query: 'subscription ($after: String) { changes(afterSequence: $after) { operation assetId } }',
        variables: { after: head },
      });
      const before = requestLogs(cli, '/graphql').length;
      const keys = Array.from({ length: 6 }, (_, i) => `sub-${i}`);
      for (const key of keys) {
        const written = await send(`${url}/graphql`, 'POST', { query: `mutation { registerDataset(input: { key: "${key}", name: "${key}" }) { dataset { id } } }` });
        expect(written.body.errors).toBeUndefined();
      }
      const delivered: string[] = [];
      for await (const next of changes) {
        delivered.push(`${next.data?.changes.operation} ${next.data?.changes.assetId}`);
        if (delivered.length === keys.length) break;
      }
      expect(delivered).toEqual(keys.map((key) => `CREATE datasets/${key}`));
      const writers = (await requestsLogged(cli, '/graphql', before, keys.length)).map((log) => log['worker']);
      expect(new Set(writers)).toEqual(new Set([1, 2]));
    } finally {
      await client.dispose();
    }
  });

  it('answers a mixed read/write load with no failed request, no SQLITE_BUSY and every acknowledged write stored', async () => {
    const CLIENTS = 6;
    const PER_CLIENT = 50;
    const failures: unknown[] = [];
    const acknowledged: string[] = [];
    const before = requestLogs(cli, '/graphql').length;
    const client = async (c: number) => {
      // One keep-alive connection per client: the clients' connections are spread over the workers.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; i < PER_CLIENT; i++) {
        const runId = `load-${c}-${i}`;
        const write = i % 10 < 4;
        const body = write
          ? { query: LOG_RUN, variables: { input: { runId, model: 'models/housing-linear', params: { i }, metrics: [{ name: 'rmse', value: i }] } } }
          : { query: READS[i % READS.length] };
        const reply = await send(`${url}/graphql`, 'POST', body, agent);
        if (reply.status !== 200 || reply.body.errors) failures.push(reply);
        else if (write) acknowledged.push(`run/${runId}`);
      }
      agent.destroy();
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    expect(failures).toEqual([]);
    expect(acknowledged).toHaveLength(CLIENTS * PER_CLIENT * 0.4);
    const served = await requestsLogged(cli, '/graphql', before, CLIENTS * PER_CLIENT);
    expect(served).toHaveLength(CLIENTS * PER_CLIENT);
    expect(new Set(served.map((log) => log['worker']))).toEqual(new Set([1, 2]));
    expect(`${cli.lines.join('\n')}\n${cli.stderr()}`).not.toMatch(/SQLITE_BUSY|database is locked/i);

    const store = openSqliteStore({ path: db, catalogue: CATALOGUE });
    try {
      expect((await store.getAssets(acknowledged)).filter((asset) => asset === null)).toHaveLength(0);
    } finally {
      await store.close();
    }
  });

  it('replaces a worker that dies, then drains every worker on SIGTERM and exits 0', async () => {
    const { body } = await send(`${url}/healthz`, 'GET');
    process.kill(body.worker.pid, 'SIGKILL');
    const exited = JSON.parse(await cli.waitForLine(/a worker exited unexpectedly/));
    expect(exited).toMatchObject({ worker: 0, exitedWorker: body.worker.id, signal: 'SIGKILL' });
    await cli.waitForLine(/a worker was replaced/, 60_000);
    const answers = await Promise.all(Array.from({ length: 4 }, () => send(`${url}/healthz`, 'GET')));
    expect(new Set(answers.map((answer) => answer.body.worker.id))).toEqual(new Set([body.worker.id === 1 ? 2 : 1, 3]));

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const stopping = logsOf(cli).filter((log) => String(log['msg']).startsWith('shutting down'));
    expect(stopping.map((log) => log['worker']).sort()).toEqual([0, body.worker.id === 1 ? 2 : 1, 3].sort());
    expect(cli.stderr()).toBe('');
  }, 70_000);
});

describe('serve --workers 2 in a terminal', () => {
  it('prints the line for people once, saying how many workers serve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-workers-'));
    try {
      const cli = runCliInTerminal(['serve', '--workers', '2', '--port', '0', '--db', join(dir, 'metalayer.db')]);
      const line = await cli.waitForLine(/^metalayer \S+ serving /, 60_000);
      expect(line).toMatch(/^metalayer \S+ serving http:\/\/127\.0\.0\.1:\d+ with 2 workers — explorer at \/, GraphQL at \/graphql, health at \/healthz$/);
      await send(`${line.split(' ')[3]}/healthz`, 'GET');
      expect(cli.lines.filter((printed) => printed.startsWith('metalayer '))).toEqual([line]);
      cli.child.kill('SIGTERM');
      await cli.exited;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 70_000);
});

describe('serve --workers 2 that cannot start', () => {
  it('ends with the one-line reason and exit code 2 when the port is in use', async () => {
    const holder = createServer();
    const port = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-workers-'));
    try {
      const cli = runCli(['serve', '--workers', '2', '--port', String(port), '--db', join(dir, 'metalayer.db')]);
      expect(await cli.exited).toBe(2);
      expect(cli.stderr()).toBe(
        `metalayer: cannot listen on 127.0.0.1:${port}: the port is in use; stop what holds it, or choose another with --port or PORT (EADDRINUSE)\n`,
      );
    } finally {
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
