import { randomUUID } from 'node:crypto';
import type { NewKey } from '../domain/commands.js';
import { DEFAULT_LINEAGE_CAPS, type LineageCaps } from '../domain/lineage.js';
import type { Store } from '../store/store.js';
import { createLoaders, type Loaders } from './loaders.js';

/** What every resolver receives: the store port, this request's loaders and the server's settings. */
export interface Context {
  store: Store;
  loaders: Loaders;
  lineageCaps: LineageCaps;
  /** Names the assets a client registers without a key. */
  newKey: NewKey;
}

export interface ContextDeps {
  store: Store;
  /** Server-side bounds on lineage; `DEFAULT_LINEAGE_CAPS` when not given. */
  lineageCaps?: LineageCaps;
  /** Defaults to random UUIDs, which are valid ArangoDB keys. */
  newKey?: NewKey;
}

/** Builds the context of one request. Call it once per request: the loaders cache that request's reads. */
export function createContext(deps: ContextDeps): Context {
  return {
    store: deps.store,
    loaders: createLoaders(deps.store),
    lineageCaps: deps.lineageCaps ?? DEFAULT_LINEAGE_CAPS,
    newKey: deps.newKey ?? randomUUID,
  };
}
