import type { RequestHandler } from 'express';
import type { Store } from '../store/store.js';

const PING_TIMEOUT_MS = 2000;

/**
 * `/healthz`: 200 when the store answers a ping within two seconds, 503
 * otherwise. The body names the engine, never the failure's details.
 */
export function healthHandler(store: Store): RequestHandler {
  return async (_req, res) => {
    const healthy = await withTimeout(store.ping(), PING_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
    res.setHeader('cache-control', 'no-store');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unavailable', store: store.engine });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
