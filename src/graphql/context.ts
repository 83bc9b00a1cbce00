import { randomUUID } from 'node:crypto';
import { UNRESTRICTED_VIEWER, type Viewer } from '../domain/access.js';
import type { NewKey } from '../domain/commands.js';
import { DEFAULT_LINEAGE_CAPS, type LineageCaps } from '../domain/lineage.js';
import type { Store } from '../store/store.js';
import { createReadAccess, type ReadAccess } from './access.js';
import { startResultBudget, type ResultBudget } from './budget.js';
import { startDeadline, storeWithDeadline, type Deadline } from './deadline.js';
import { createLoaders, type Loaders } from './loaders.js';

/**
 * What every resolver receives: the store port (behind the request's
 * deadline), this request's loaders, who is asking and what they may read,
 * and the server's settings.
 */
export interface Context {
  store: Store;
  loaders: Loaders;
  viewer: Viewer;
  access: ReadAccess;
  deadline: Deadline;
  /** What relation lists and lineages may still return (see budget.ts). */
  budget: ResultBudget;
  lineageCaps: LineageCaps;
  /** Names the assets a client registers without a key. */
  newKey: NewKey;
}

export interface ContextDeps {
  store: Store;
  /** Who is asking; authenticated by the server. Unscoped admin (authentication off) when not given. */
  viewer?: Viewer;
  /** Milliseconds after which the request's store calls stop (see deadline.ts); none when not given. */
  executionTimeoutMs?: number;
  /** The most assets relation lists and lineages may return in one request (see budget.ts); no bound when not given. */
  maxResultAssets?: number;
  /** Server-side bounds on lineage; `DEFAULT_LINEAGE_CAPS` when not given. */
  lineageCaps?: LineageCaps;
  /** Defaults to random UUIDs, which are valid ArangoDB keys. */
  newKey?: NewKey;
}

/**
 * Builds the context of one request. Call it once per request: the loaders
 * cache that request's reads, as that request's viewer may see them.
 */
export function createContext(deps: ContextDeps): Context {
  const deadline = startDeadline(deps.executionTimeoutMs ?? Infinity);
  const store = deps.executionTimeoutMs === undefined ? deps.store : storeWithDeadline(deps.store, deadline);
  const viewer = deps.viewer ?? UNRESTRICTED_VIEWER;
  const loaders = createLoaders(store);
  return {
    store,
    loaders,
    viewer,
    access: createReadAccess(viewer, loaders),
    deadline,
    budget: startResultBudget(deps.maxResultAssets ?? Infinity),
    lineageCaps: deps.lineageCaps ?? DEFAULT_LINEAGE_CAPS,
    newKey: deps.newKey ?? randomUUID,
  };
}
