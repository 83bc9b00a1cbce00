import { performance } from 'node:perf_hooks';
import { executionTimeout } from '../domain/errors.js';
import type { Store } from '../store/store.js';

/**
 * A request's execution deadline, enforced at the store port: once it has
 * passed, every further store call of the request fails with
 * EXECUTION_TIMEOUT before it reaches the engine, so a runaway operation
 * stops making calls and a mutation that has not written yet writes
 * nothing. A call under way when the deadline passes finishes (an engine
 * call cannot be interrupted; ArangoDB's own query limits bound those).
 * `tripped` tells the server to answer the request with the timeout alone.
 */
export interface Deadline {
  /** True once a store call has been refused because the deadline had passed. */
  readonly tripped: boolean;
  /** Throws EXECUTION_TIMEOUT when the deadline has passed. */
  check(): void;
}

/** A deadline `ms` milliseconds from now, on the monotonic clock; `Infinity` never passes. */
export function startDeadline(ms: number, now: () => number = () => performance.now()): Deadline {
  const at = now() + ms;
  let tripped = false;
  return {
    get tripped() {
      return tripped;
    },
    check() {
      if (now() <= at) return;
      tripped = true;
      throw executionTimeout();
    },
  };
}

/** The store, with the deadline checked before every call. */
export function storeWithDeadline(store: Store, deadline: Deadline): Store {
  return {
    engine: store.engine,
    getAssets: async (ids, asOf) => (deadline.check(), store.getAssets(ids, asOf)),
    neighbors: async (requests) => (deadline.check(), store.neighbors(requests)),
    owners: async (ids, asOf) => (deadline.check(), store.owners(ids, asOf)),
    traverse: async (requests) => (deadline.check(), store.traverse(requests)),
    listAssets: async (query) => (deadline.check(), store.listAssets(query)),
    rankRuns: async (query) => (deadline.check(), store.rankRuns(query)),
    metricSeries: async (requests) => (deadline.check(), store.metricSeries(requests)),
    usage: async (requests) => (deadline.check(), store.usage(requests)),
    rankUsage: async (query) => (deadline.check(), store.rankUsage(query)),
    duplicates: async (query) => (deadline.check(), store.duplicates(query)),
    commit: async (unit) => (deadline.check(), store.commit(unit)),
    importBulk: async (batch) => (deadline.check(), store.importBulk(batch)),
    changes: async (query) => (deadline.check(), store.changes(query)),
    lastChangeSequence: async () => (deadline.check(), store.lastChangeSequence()),
    histories: async (queries) => (deadline.check(), store.histories(queries)),
    authors: async (ids, asOf) => (deadline.check(), store.authors(ids, asOf)),
    historyStart: async () => (deadline.check(), store.historyStart()),
    pruneHistory: async (before) => (deadline.check(), store.pruneHistory(before)),
    purgeHistory: async (id) => (deadline.check(), store.purgeHistory(id)),
    sharedSecret: (name) => store.sharedSecret(name),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
