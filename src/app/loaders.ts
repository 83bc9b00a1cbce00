import DataLoader from 'dataloader';
import type { AssetRecord } from '../domain/kinds.js';
import { traverseKey, type Lineage, type TraverseRequest } from '../domain/lineage.js';
import type { Usage } from '../domain/reuse.js';
import type { MetricPoint } from '../domain/runs.js';
import type { WriteResult } from '../domain/writes.js';
import type { AssetAuthors, ChangePage, ChangeQuery, NeighborRequest, Store, UsageRequest } from '../store/store.js';

/**
 * The per-request DataLoaders: every store read the use cases make goes
 * through one of them, so all requests for one kind of read made at one level
 * of a query become one store call. Created with each request's session and
 * never shared across requests: their caches are that request's view of the
 * store, at one instant (`asOf`, which every store call they make carries, so
 * reads at different instants never share a cache entry).
 *
 * The store's batch functions answer in key order with `null` (or an empty
 * list) for what is missing, which is exactly DataLoader's batch contract;
 * DataLoader rejects every key of a batch whose answer has the wrong length.
 */
export interface Loaders {
  /**
   * Every asset this request has loaded or been primed with, for reading
   * synchronously what is certainly at hand (a lineage's edge ends): a
   * promise per field is the largest cost of resolving large lineages.
   * Written only here, by loading, priming and refreshAfterWrite.
   */
  known: Map<string, AssetRecord>;
  /** Caches assets this request received another way (a listing, a lineage's start). */
  prime(records: Iterable<AssetRecord>): void;
  /** Assets by id; `null` when none exists. */
  assets: DataLoader<string, AssetRecord | null>;
  /**
   * One-hop neighbours. Requests for different ids, relations and directions
   * share one batch, so every relation field at one level costs one call.
   */
  neighbors: DataLoader<NeighborStep, AssetRecord[], string>;
  /** Multi-hop lineage, keyed by `traverseKey`. */
  lineage: DataLoader<Omit<TraverseRequest, 'asOf'>, Lineage, string>;
  /**
   * The projects owning each asset, by id (Store.owners): empty for a
   * shared asset. Read only for project-scoped viewers, and only for assets
   * the store did not scope itself (by-id reads, relation fields, write
   * checks): every asset asked for at one level of a query is one `owners` call.
   */
  owners: OwnersLookup;
  /** Metric series: every series asked for at one level of a query is one `metricSeries` call. */
  series: DataLoader<SeriesKey, MetricPoint[], string>;
  /** Pages of assets' histories: every history asked for at one level of a query is one `histories` call. */
  histories: DataLoader<ChangeQuery, ChangePage, string>;
  /** Who created and last updated each asset: every asset asked for at one level is one `authors` call. */
  authors: DataLoader<string, AssetAuthors>;
  /** Usage counts: every usage asked for at one level of a query is one `usage` call. */
  usage: DataLoader<Omit<UsageRequest, 'asOf'>, Usage, string>;
}

/** A series: one metric of a development performance. */
export interface SeriesKey {
  devPerf: string;
  name: string;
}

/** A one-hop neighbour request; the loaders add their instant. */
export type NeighborStep = Omit<NeighborRequest, 'asOf'>;

/**
 * The loaders of one instant. `mark`, when given, is told of every asset
 * and lineage edge they return or are primed with, so a session can tell
 * which instant a record was read at (Session.viewOf).
 */
export function createLoaders(store: Store, asOf: string | null = null, mark?: (value: object) => void): Loaders {
  const known = new Map<string, AssetRecord>();
  const assets = new DataLoader<string, AssetRecord | null>(async (ids) => {
    const records = await store.getAssets(ids, asOf);
    for (const record of records) {
      if (!record) continue;
      mark?.(record);
      if (!known.has(record.id)) known.set(record.id, record);
    }
    return records;
  });

  // Priming never replaces a cached value, so an asset loaded earlier in the
  // request keeps the identity it was first seen with.
  const prime = (records: Iterable<AssetRecord>) => {
    for (const record of records) {
      mark?.(record);
      assets.prime(record.id, record);
      if (!known.has(record.id)) known.set(record.id, record);
    }
  };

  const neighbors = new DataLoader<NeighborStep, AssetRecord[], string>(
    async (requests) => {
      const answers = await store.neighbors(requests.map((request) => ({ ...request, asOf })));
      answers.forEach(prime);
      return answers;
    },
    { cacheKeyFn: neighborKey },
  );

  const lineage = new DataLoader<Omit<TraverseRequest, 'asOf'>, Lineage, string>(
    async (requests) => {
      const answers = await store.traverse(requests.map((request) => ({ ...request, asOf })));
      for (const answer of answers) {
        prime(answer.nodes.map((node) => node.asset));
        if (mark) for (const edge of answer.edges) mark(edge);
      }
      return answers;
    },
    { cacheKeyFn: (request) => traverseKey({ ...request, asOf }) },
  );

  const series = new DataLoader<SeriesKey, MetricPoint[], string>(
    (requests) => store.metricSeries(requests.map((request) => ({ ...request, asOf }))),
    { cacheKeyFn: ({ devPerf, name }) => JSON.stringify([devPerf, name]) },
  );

  const histories = new DataLoader<ChangeQuery, ChangePage, string>((queries) => store.histories(queries), {
    cacheKeyFn: (query) => JSON.stringify(query),
  });
  const authors = new DataLoader<string, AssetAuthors>((ids) => store.authors(ids, asOf));
  const usage = new DataLoader<Omit<UsageRequest, 'asOf'>, Usage, string>(
    (requests) => store.usage(requests.map((request) => ({ ...request, asOf }))),
    { cacheKeyFn: ({ id, scope }) => JSON.stringify([id, scope]) },
  );

  return { assets, known, prime, neighbors, lineage, owners: createOwnersLoader(store, asOf), series, histories, authors, usage };
}

function neighborKey({ id, relation, direction }: NeighborStep): string {
  return JSON.stringify([id, relation, direction]);
}

export type OwnersLookup = DataLoader<string, ReadonlySet<string>>;

/** Owners by id through the store's `owners`: every id asked for at once is one call. */
function createOwnersLoader(store: Store, asOf: string | null): OwnersLookup {
  return new DataLoader<string, ReadonlySet<string>>(async (ids) => {
    const owners = await store.owners(ids, asOf);
    return owners.map((list) => new Set(list));
  });
}

/**
 * Brings the caches up to date after a unit of work: the assets it put or
 * updated replace their cached copies, deleted ones load as `null`. Any write
 * may add or remove relations, and copies of changed assets sit inside
 * cached neighbour lists and lineages, and may change who owns what, so
 * those caches are cleared wholesale; a mutation is followed by few reads,
 * so nothing is lost.
 */
export function refreshAfterWrite(loaders: Loaders, result: WriteResult): void {
  for (const [id, record] of result.assets) {
    loaders.assets.clear(id).prime(id, record);
    loaders.known.set(id, record);
  }
  for (const id of result.deleted.keys()) {
    loaders.assets.clear(id).prime(id, null);
    loaders.known.delete(id);
  }
  loaders.neighbors.clearAll();
  loaders.lineage.clearAll();
  loaders.series.clearAll();
  loaders.usage.clearAll();
  loaders.owners.clearAll();
  loaders.histories.clearAll();
  loaders.authors.clearAll();
}
