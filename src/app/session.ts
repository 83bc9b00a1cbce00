import { randomUUID } from 'node:crypto';
import { UNRESTRICTED_VIEWER, type Viewer } from '../domain/access.js';
import type { Catalogue } from '../domain/catalogue.js';
import type { NewKey } from '../domain/commands.js';
import { DEFAULT_LINEAGE_CAPS, type LineageCaps } from '../domain/lineage.js';
import type { Store } from '../store/store.js';
import { startResultBudget, type ResultBudget } from './budget.js';
import { createCursorCodec, type CursorCodec } from './cursors.js';
import { startDeadline, storeWithDeadline, type Deadline } from './deadline.js';
import { createChangeFeed, DEFAULT_CHANGE_FEED_SETTINGS, type ChangeFeed, type ChangeFeedSettings } from './live-changes.js';
import { createLoaders, type Loaders } from './loaders.js';
import { createReadAccess, type ReadAccess } from './read-access.js';

/**
 * The application core's two lifetimes. A `Core` is made once per server
 * from the store, the catalogue and the settings; a `Session` once per
 * request, for one viewer: it holds that request's loaders (its view of the
 * store), what the viewer may read, the request's deadline and result
 * budget, and the instant it reads at. Every adapter (GraphQL, HTTP
 * endpoints) opens a session per request and hands it to the use cases.
 */
export interface Session {
  readonly viewer: Viewer;
  /** The instant the request reads at; null reads the store as it is now. */
  readonly asOf: string | null;
  readonly catalogue: Catalogue;
  /** The store port, behind the request's deadline. */
  readonly store: Store;
  readonly loaders: Loaders;
  readonly access: ReadAccess;
  readonly deadline: Deadline;
  /** What relation lists and lineages may still return (see budget.ts). */
  readonly budget: ResultBudget;
  readonly lineageCaps: LineageCaps;
  /** Names the assets a client registers without a key. */
  readonly newKey: NewKey;
  /** The instant a commit records. */
  now(): string;
  readonly cursors: CursorCodec;
  /** Live changes: followed by subscriptions, told of every commit (commit.ts). */
  readonly feed: ChangeFeed;
  /**
   * This request reading at `asOf` (null: now): the same viewer, deadline,
   * budget and cursors, with loaders and access of that instant, made once
   * per instant and request. The instant is not checked here (`readAt` does).
   */
  at(asOf: string | null): Session;
  /**
   * The view of this request that read `value` (an asset or a lineage edge
   * it returned), so that what hangs off a record read as of T is read as
   * of T too; a value read any other way belongs to the present.
   */
  viewOf(value: object): Session;
  /** The history horizon (Store.historyStart), asked once per request. */
  historyStart(): Promise<string | null>;
}

export interface CoreSettings {
  store: Store;
  catalogue: Catalogue;
  /** The key that seals listing cursors: the store's shared secret, so every server on the store accepts them. */
  cursorKey: string;
  /** Milliseconds after which a request's store calls stop (see deadline.ts); none when not given. */
  executionTimeoutMs?: number;
  /** The most assets relation lists and lineages may return in one request (see budget.ts); no bound when not given. */
  maxResultAssets?: number;
  /** Server-side bounds on lineage; `DEFAULT_LINEAGE_CAPS` when not given. */
  lineageCaps?: LineageCaps;
  /** Defaults to random UUIDs, which are valid ArangoDB keys. */
  newKey?: NewKey;
  /** The clock commits are stamped with; the system clock when not given. */
  clock?: () => Date;
  /** How live changes are followed (see live-changes.ts); `DEFAULT_CHANGE_FEED_SETTINGS` when not given. */
  changeFeed?: ChangeFeedSettings;
}

export interface Core {
  readonly store: Store;
  readonly catalogue: Catalogue;
  /** Live changes, shared by every session of the core. */
  readonly feed: ChangeFeed;
  /** Opens the session of one request; `viewer` is an unscoped admin (authentication off) when not given. */
  openSession(viewer?: Viewer): Session;
}

/** Makes the core of a server; reads the cursor key from the store once. */
export async function startCore(settings: Omit<CoreSettings, 'cursorKey'> & { cursorKey?: string }): Promise<Core> {
  return createCore({ ...settings, cursorKey: settings.cursorKey ?? (await settings.store.sharedSecret('cursor-key')) });
}

export function createCore(settings: CoreSettings): Core {
  const cursors = createCursorCodec(settings.cursorKey, settings.catalogue);
  const clock = settings.clock ?? (() => new Date());
  const feed = createChangeFeed(settings.store, settings.changeFeed ?? DEFAULT_CHANGE_FEED_SETTINGS);
  return {
    store: settings.store,
    catalogue: settings.catalogue,
    feed,
    openSession: (viewer = UNRESTRICTED_VIEWER) => openRequest(settings, viewer, clock, cursors, feed),
  };
}

/** One request: its views by instant share everything but their loaders and access. */
function openRequest(
  settings: CoreSettings,
  viewer: Viewer,
  clock: () => Date,
  cursors: CursorCodec,
  feed: ChangeFeed,
): Session {
  const deadline = startDeadline(settings.executionTimeoutMs ?? Infinity);
  const store = settings.executionTimeoutMs === undefined ? settings.store : storeWithDeadline(settings.store, deadline);
  const budget = startResultBudget(settings.maxResultAssets ?? Infinity);
  const views = new Map<string | null, Session>();
  // Only values read in the past are marked: unmarked ones belong to the present.
  const readAt = new WeakMap<object, Session>();
  let horizon: Promise<string | null> | undefined;

  const view = (asOf: string | null): Session => {
    const known = views.get(asOf);
    if (known) return known;
    const loaders = createLoaders(store, asOf, asOf === null ? undefined : (value) => readAt.set(value, session));
    const session: Session = {
      viewer,
      asOf,
      catalogue: settings.catalogue,
      store,
      loaders,
      access: createReadAccess(viewer, loaders, settings.catalogue),
      deadline,
      budget,
      lineageCaps: settings.lineageCaps ?? DEFAULT_LINEAGE_CAPS,
      newKey: settings.newKey ?? randomUUID,
      now: () => clock().toISOString(),
      cursors,
      feed,
      at: view,
      viewOf: (value) => readAt.get(value) ?? view(null),
      historyStart: () => (horizon ??= store.historyStart()),
    };
    views.set(asOf, session);
    return session;
  };
  return view(null);
}
