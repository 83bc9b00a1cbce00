import type { Store, StoreOperation } from '../../src/store/store.js';

/**
 * Wraps a store and records every call to the port, with the size of its
 * batch: the way to pin the round-trip contract down.
 */
export interface StoreCall {
  operation: StoreOperation;
  batch: number;
}

export interface CountingStore extends Store {
  readonly calls: StoreCall[];
  reset(): void;
  count(operation?: StoreOperation): number;
}

export function countingStore(inner: Store): CountingStore {
  const calls: StoreCall[] = [];
  const record = (operation: StoreOperation, batch: number) => calls.push({ operation, batch });
  return {
    engine: inner.engine,
    calls,
    reset: () => void calls.splice(0),
    count: (operation) => (operation ? calls.filter((c) => c.operation === operation).length : calls.length),
    getAssets: (ids, asOf) => (record('getAssets', ids.length), inner.getAssets(ids, asOf)),
    neighbors: (requests) => (record('neighbors', requests.length), inner.neighbors(requests)),
    owners: (ids, asOf) => (record('owners', ids.length), inner.owners(ids, asOf)),
    traverse: (requests) => (record('traverse', requests.length), inner.traverse(requests)),
    listAssets: (query) => (record('listAssets', 1), inner.listAssets(query)),
    rankRuns: (query) => (record('rankRuns', 1), inner.rankRuns(query)),
    metricSeries: (requests) => (record('metricSeries', requests.length), inner.metricSeries(requests)),
    usage: (requests) => (record('usage', requests.length), inner.usage(requests)),
    rankUsage: (query) => (record('rankUsage', 1), inner.rankUsage(query)),
    duplicates: (query) => (record('duplicates', 1), inner.duplicates(query)),
    commit: (unit) => (record('commit', unit.ops.length), inner.commit(unit)),
    importBulk: (batch) => (record('importBulk', batch.assets.length + batch.edges.length), inner.importBulk(batch)),
    changes: (query) => (record('changes', 1), inner.changes(query)),
    lastChangeSequence: () => (record('lastChangeSequence', 1), inner.lastChangeSequence()),
    histories: (queries) => (record('histories', queries.length), inner.histories(queries)),
    authors: (ids, asOf) => (record('authors', ids.length), inner.authors(ids, asOf)),
    historyStart: () => (record('historyStart', 1), inner.historyStart()),
    pruneHistory: (before) => (record('pruneHistory', 1), inner.pruneHistory(before)),
    purgeHistory: (id) => (record('purgeHistory', 1), inner.purgeHistory(id)),
    sharedSecret: (name) => (record('sharedSecret', 1), inner.sharedSecret(name)),
    ping: () => (record('ping', 1), inner.ping()),
    close: () => inner.close(),
  };
}

/** A store that forwards every port call to `inner` but those of `overrides`: the stand-in for a test that changes one behaviour. */
export function forwardingStore(inner: Store, overrides: Partial<Store> = {}): Store {
  const { calls: _calls, reset: _reset, count: _count, ...forwarding } = countingStore(inner);
  return { ...forwarding, ...overrides };
}
