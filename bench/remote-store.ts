import type { Store } from '../src/store/store.js';

/**
 * A store behind a simulated network: every port call first holds one of
 * `connections` links for `roundTripMs`, as a client of a database server
 * does, then the engine answers. With one connection the calls queue, as on
 * one database connection (or an embedded engine, which runs one statement
 * at a time); with more, up to that many round trips overlap, as with a
 * connection pool.
 *
 * Timers have millisecond resolution, so the wait is made precise by polling
 * the clock from the event loop (setImmediate), which lets every other
 * callback run meanwhile.
 */
export interface Link {
  roundTripMs: number;
  connections: number;
}

export function remoteStore(inner: Store, link: Link): Store {
  const clock = createClock();
  const freeAt: number[] = Array.from({ length: link.connections }, () => 0);
  const call = async <T>(answer: () => Promise<T>): Promise<T> => {
    let connection = 0;
    freeAt.forEach((at, i) => {
      if (at < (freeAt[connection] ?? 0)) connection = i;
    });
    const due = Math.max(performance.now(), freeAt[connection] ?? 0) + link.roundTripMs;
    freeAt[connection] = due;
    await clock.until(due);
    try {
      return await answer();
    } finally {
      freeAt[connection] = Math.max(freeAt[connection] ?? 0, performance.now());
    }
  };
  return {
    engine: inner.engine,
    getAssets: (ids, asOf) => call(() => inner.getAssets(ids, asOf)),
    neighbors: (requests) => call(() => inner.neighbors(requests)),
    owners: (ids, asOf) => call(() => inner.owners(ids, asOf)),
    traverse: (requests) => call(() => inner.traverse(requests)),
    listAssets: (query) => call(() => inner.listAssets(query)),
    rankRuns: (query) => call(() => inner.rankRuns(query)),
    commit: (unit) => call(() => inner.commit(unit)),
    importBulk: (batch) => call(() => inner.importBulk(batch)),
    metricSeries: (requests) => call(() => inner.metricSeries(requests)),
    changes: (query) => call(() => inner.changes(query)),
    lastChangeSequence: () => call(() => inner.lastChangeSequence()),
    histories: (queries) => call(() => inner.histories(queries)),
    authors: (ids) => call(() => inner.authors(ids)),
    historyStart: () => call(() => inner.historyStart()),
    pruneHistory: (before) => call(() => inner.pruneHistory(before)),
    purgeHistory: (id) => call(() => inner.purgeHistory(id)),
    usage: (requests) => call(() => inner.usage(requests)),
    rankUsage: (query) => call(() => inner.rankUsage(query)),
    duplicates: (query) => call(() => inner.duplicates(query)),
    sharedSecret: (name) => call(() => inner.sharedSecret(name)),
    ping: () => call(() => inner.ping()),
    close: () => inner.close(),
  };
}

/** Resolves waiters at their due instants (performance.now() milliseconds), earliest first. */
function createClock() {
  const waiters: { due: number; resolve: () => void }[] = [];
  let polling = false;
  const poll = () => {
    const now = performance.now();
    while (waiters.length > 0 && (waiters[0]?.due ?? Infinity) <= now) waiters.shift()?.resolve();
    polling = waiters.length > 0;
    if (polling) setImmediate(poll);
  };
  return {
    until(due: number): Promise<void> {
      return new Promise((resolve) => {
        let i = waiters.length;
        while (i > 0 && (waiters[i - 1]?.due ?? 0) > due) i--;
        waiters.splice(i, 0, { due, resolve });
        if (!polling) {
          polling = true;
          setImmediate(poll);
        }
      });
    },
  };
}
