import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Probes } from '../data/generate.js';
import { logRunBody, operation, pointLookupBody, type Body, type HttpOptions, type HttpRun } from './throughput.js';

/**
 * W4 and a mixed read/write load over HTTP with one worker and with two:
 * the command line's own server (`metalayer serve --workers N`, src/cli.ts,
 * NODE_ENV=production), as users run it, on the benchmark's SQLite file.
 * Both servers run at once and their rounds alternate, so a change in the
 * machine's speed hits both alike; the idle one costs nothing.
 *
 * The load generator (autocannon, in this process) shares the machine's
 * cores with the workers: on 2 cores, two workers and autocannon compete
 * for them, so the ratio is lower than a client on another machine would
 * see.
 */
export interface WorkersFigures {
  cpus: number;
  /** One in MIXED_WRITE_EVERY requests of the mixed load is a W5 logRun; the rest are W4 lookups. */
  mixedWriteShare: number;
  pointLookup: Compared;
  mixed: Compared;
  /** The 1, 5 and 15 minute load averages before and after, as `uptime` prints them: how busy the machine was. */
  loadBefore: number[];
  loadAfter: number[];
}

export interface Compared {
  one: HttpRun;
  two: HttpRun;
  /** Requests per second with two workers over one. */
  ratio: number;
}

const MIXED_WRITE_EVERY = 5;

export async function measureWorkers(db: string, probes: Probes, options: HttpOptions): Promise<WorkersFigures> {
  const loadBefore = loadavg();
  const servers = await Promise.all([startCli(db, 1), startCli(db, 2)]);
  try {
    const [one, two] = servers.map((server) => ({
      pointLookup: operation(server.url, pointLookupBody(probes), options),
      mixed: operation(server.url, mixedBody(probes, `workers${server.workers}-${Date.now().toString(36)}`), options),
    }));
    if (!one || !two) throw new Error('expected two servers');
    for (const kind of ['pointLookup', 'mixed'] as const) {
      await one[kind].warmUp();
      await two[kind].warmUp();
      for (let round = 0; round < options.rounds; round++) {
        await one[kind].round();
        await two[kind].round();
      }
    }
    const compare = (kind: 'pointLookup' | 'mixed'): Compared => {
      const [a, b] = [one[kind].result(), two[kind].result()];
      return { one: a, two: b, ratio: a.requestsPerSecond > 0 ? b.requestsPerSecond / a.requestsPerSecond : 0 };
    };
    return {
      cpus: availableParallelism(),
      mixedWriteShare: 1 / MIXED_WRITE_EVERY,
      pointLookup: compare('pointLookup'),
      mixed: compare('mixed'),
      loadBefore,
      loadAfter: loadavg(),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

function mixedBody(probes: Probes, prefix: string): Body {
  const read = pointLookupBody(probes);
  const write = logRunBody(probes, prefix);
  return (i) => (i % MIXED_WRITE_EVERY === 0 ? write(i) : read(i));
}

interface CliServer {
  workers: number;
  url: string;
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/**
 * `metalayer serve --workers N` on a free port, its logs discarded as a
 * collector would take them; ready once /healthz has answered from every
 * worker.
 */
async function startCli(db: string, workers: number): Promise<CliServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'serve', '--workers', String(workers), '--port', String(port), '--host', '127.0.0.1', '--db', db],
    { env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await untilEveryWorkerAnswers(`http://127.0.0.1:${port}/healthz`, workers, exited);
  return {
    workers,
    url: `http://127.0.0.1:${port}/graphql`,
    stop: () => stopCli(child, exited),
  };
}

async function stopCli(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`metalayer serve exited with ${code} on SIGTERM`);
}

async function untilEveryWorkerAnswers(url: string, workers: number, exited: Promise<number | null>): Promise<void> {
  const seen = new Set<number>();
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 120_000;
  while (seen.size < workers) {
    if (gone) throw new Error(`metalayer serve --workers ${workers} exited before it served`);
    if (Date.now() > deadline) throw new Error(`metalayer serve --workers ${workers} did not answer within two minutes`);
    const worker = await healthz(url).catch(() => null);
    if (worker !== null) seen.add(worker);
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The id of the worker that answered /healthz (0 without workers), on a connection of its own. */
function healthz(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`healthz answered ${res.statusCode}`));
        const body = JSON.parse(text) as { worker?: { id: number } };
        resolve(body.worker?.id ?? 0);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
