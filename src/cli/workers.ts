import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../server/logger.js';
import { StartFailure } from './start.js';

/**
 * `serve --workers N`: N server processes on one port with `node:cluster`.
 * The primary starts the workers and supervises them; it serves nothing
 * itself. Each worker runs the normal server on its own store connection
 * (SQLite in WAL mode: readers in parallel, writers one at a time), and the
 * primary hands it connections in turn (the cluster's round-robin).
 *
 * A worker tells the primary over the cluster's channel when it listens, or
 * why its start failed, so that a failure (a busy port, an unreadable
 * database) ends the command with one line, printed once, as with one
 * process.
 */

type WorkerMessage = { type: 'listening'; port: number } | { type: 'failed'; message: string };

/** Unexpected exits tolerated within `windowMs` before the primary stops replacing workers and gives up. */
export interface RestartLimit {
  exits: number;
  windowMs: number;
}

export const DEFAULT_RESTART_LIMIT: RestartLimit = { exits: 5, windowMs: 60_000 };

/** This process's worker id: 1 and up in a worker (a replacement takes the next), 0 in the primary. */
export function workerId(): number {
  return cluster.worker?.id ?? 0;
}

export function isWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: the server listens on `port`. */
export function reportListening(port: number): void {
  send({ type: 'listening', port });
}

/** In a worker: why the start failed; resolves once the primary has the message, so the worker may exit. */
export function reportStartFailure(message: string): Promise<void> {
  return new Promise((resolve) => send({ type: 'failed', message }, resolve));
}

function send(message: WorkerMessage, sent?: () => void): void {
  if (!process.send) throw new Error('not a worker of a cluster');
  process.send(message, undefined, {}, () => sent?.());
}

export interface Workers {
  /** The port every worker listens on (the one chosen when asked for port 0). */
  port: number;
  /** Asks every worker to drain (SIGTERM) and stops replacing them. */
  stop(signal: string): void;
  /** Resolves once every worker has exited: 0 when all stopped cleanly, 1 otherwise. */
  done: Promise<number>;
}

/**
 * Forks `count` workers and resolves once every one listens. If one fails
 * to start, the others are stopped and the start fails with its reason.
 */
export async function startWorkers(count: number, logger: Logger, limit: RestartLimit = DEFAULT_RESTART_LIMIT): Promise<Workers> {
  const supervisor = new Supervisor(logger, limit);
  const starts = Array.from({ length: count }, () => supervisor.fork());
  const outcomes = await Promise.allSettled(starts);
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    supervisor.stop('start failed');
    await supervisor.done;
    throw failed.reason;
  }
  const port = outcomes.find((outcome) => outcome.status === 'fulfilled')?.value ?? 0;
  supervisor.started = true;
  return { port, stop: (signal) => supervisor.stop(signal), done: supervisor.done };
}

class Supervisor {
  /** Set once the first workers all listen: from then on, a worker that exits unasked is replaced. */
  started = false;
  readonly done: Promise<number>;
  private readonly live = new Set<Worker>();
  private readonly exits: number[] = [];
  private stopping = false;
  private clean = true;
  private finish: (code: number) => void = () => undefined;

  constructor(
    private readonly logger: Logger,
    private readonly limit: RestartLimit,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Forks one worker; resolves with its port once it listens, rejects with a StartFailure if it cannot. */
  fork(): Promise<number> {
    const worker = cluster.fork();
    this.live.add(worker);
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'listening') {
          listening = true;
          resolve(message.port);
        }
        if (message.type === 'failed') reject(new StartFailure(message.message));
      });
      worker.on('exit', (code, signal) => {
        this.live.delete(worker);
        if (!listening) reject(new StartFailure(`worker ${worker.id} exited before it listened (${describeExit(code, signal)})`));
        this.exited(worker, code, signal, listening);
      });
    });
  }

  stop(signal: string): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.started) this.logger.info({ signal, workers: this.live.size }, 'shutting down: every worker finishes its requests in flight');
    for (const worker of this.live) worker.process.kill('SIGTERM');
    this.settleIfDone();
  }

  /**
   * A worker exited. Unless the primary is stopping, or the worker never
   * listened while the first ones start (a start failure, which stops them
   * all), it is replaced.
   */
  private exited(worker: Worker, code: number | null, signal: string | null, listened: boolean): void {
    if (this.stopping || (!this.started && !listened)) {
      if (code !== 0) this.clean = false;
      this.settleIfDone();
      return;
    }
    this.logger.error({ exitedWorker: worker.id, pid: worker.process.pid, code, signal }, 'a worker exited unexpectedly');
    if (this.crashLooping()) {
      this.logger.fatal(
        { exits: this.exits.length, withinMs: this.limit.windowMs },
        'workers keep exiting: stopping rather than replacing them again',
      );
      this.clean = false;
      this.stop('crash loop');
      return;
    }
    this.fork().then(
      (port) => this.logger.info({ port }, 'a worker was replaced'),
      (error: unknown) => {
        if (!this.stopping) this.logger.error({ err: error }, 'a replacement worker failed to start');
      },
    );
  }

  private crashLooping(): boolean {
    const now = Date.now();
    this.exits.push(now);
    while (this.exits.length > 0 && (this.exits[0] ?? now) < now - this.limit.windowMs) this.exits.shift();
    return this.exits.length > this.limit.exits;
  }

  private settleIfDone(): void {
    if (this.stopping && this.live.size === 0) this.finish(this.clean ? 0 : 1);
  }
}

function describeExit(code: number | null, signal: string | null): string {
  return signal === null ? `code ${code ?? 'unknown'}` : `signal ${signal}`;
}
