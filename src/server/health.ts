import type { RequestHandler } from 'express';
import type { Store } from '../store/store.js';

const PING_TIMEOUT_MS = 2000;

/** Which process of a cluster answered: its worker id and process id. */
export interface WorkerIdentity {
  id: number;
  pid: number;
}

/**
 * `/healthz`: 200 when the store answers a ping within two seconds, 503
 * otherwise. The body names the engine, never the failure's details, and,
 * with several workers, the worker that answered: each has its own store
 * connection, so a balancer's probes check one worker at a time.
 */
export function healthHandler(store: Store, worker: WorkerIdentity | null = null): RequestHandler {
  return async (_req, res) => {
    const healthy = await withTimeout(store.ping(), PING_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
    res.setHeader('cache-control', 'no-store');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unavailable', store: store.engine, ...(worker ? { worker } : {}) });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
