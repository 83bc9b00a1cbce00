import DataLoader from 'dataloader';
import type { AssetRecord } from '../domain/kinds.js';
import { traverseKey, type Lineage, type TraverseRequest } from '../domain/lineage.js';
import type { WriteResult } from '../domain/writes.js';
import type { NeighborRequest, Store } from '../store/store.js';

/**
 * The per-request DataLoaders: every store read the resolvers make goes
 * through one of them, so all requests for one kind of read made at one level
 * of a query become one store call. Created by `createContext` for each
 * request and never shared across requests: their caches are that request's
 * view of the store.
 *
 * The store's batch functions answer in key order with `null` (or an empty
 * list) for what is missing, which is exactly DataLoader's batch contract;
 * DataLoader rejects every key of a batch whose answer has the wrong length.
 */
export interface Loaders {
  /** Assets by id; `null` when none exists. */
  assets: DataLoader<string, AssetRecord | null>;
  /**
   * One-hop neighbours. Requests for different ids, relations and directions
   * share one batch, so every relation field at one level costs one call.
   */
  neighbors: DataLoader<NeighborRequest, AssetRecord[], string>;
  /** Multi-hop lineage, keyed by `traverseKey`. */
  lineage: DataLoader<TraverseRequest, Lineage, string>;
}

export function createLoaders(store: Store): Loaders {
  const assets = new DataLoader<string, AssetRecord | null>((ids) => store.getAssets(ids));

  // Priming never replaces a cached value, so an asset loaded earlier in the
  // request keeps the identity it was first seen with.
  const prime = (records: Iterable<AssetRecord>) => {
    for (const record of records) assets.prime(record.id, record);
  };

  const neighbors = new DataLoader<NeighborRequest, AssetRecord[], string>(
    async (requests) => {
      const answers = await store.neighbors(requests);
      answers.forEach(prime);
      return answers;
    },
    { cacheKeyFn: neighborKey },
  );

  const lineage = new DataLoader<TraverseRequest, Lineage, string>(
    async (requests) => {
      const answers = await store.traverse(requests);
      for (const answer of answers) prime(answer.nodes.map((node) => node.asset));
      return answers;
    },
    { cacheKeyFn: traverseKey },
  );

  return { assets, neighbors, lineage };
}

function neighborKey({ id, relation, direction }: NeighborRequest): string {
  return JSON.stringify([id, relation, direction]);
}

/**
 * Brings the caches up to date after a unit of work: the assets it put or
 * updated replace their cached copies, deleted ones load as `null`. Any write
 * may add or remove relations, and copies of changed assets sit inside
 * cached neighbour lists and lineages, so those two caches are cleared
 * wholesale; a mutation is followed by few reads, so nothing is lost.
 */
export function refreshAfterWrite(loaders: Loaders, result: WriteResult): void {
  for (const [id, record] of result.assets) loaders.assets.clear(id).prime(id, record);
  for (const id of result.deleted.keys()) loaders.assets.clear(id).prime(id, null);
  loaders.neighbors.clearAll();
  loaders.lineage.clearAll();
}
