import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApolloServerOptions } from '@apollo/server';
import type { RequestHandler } from 'express';
import type { Viewer } from '../domain/access.js';
import type { Context } from '../graphql/index.js';

/**
 * Automatic persisted queries, one cache per viewer. Apollo Server keeps
 * registered query texts in a cache keyed by their hash; shared by every
 * viewer, a hash lookup tells anyone whether someone already sent an exact
 * query text. Here every key is prefixed with the viewer's name (the
 * token's name, `anyone` with authentication off), so a viewer finds only
 * what it registered itself; an anonymous request neither finds nor
 * registers anything (it must send the query text every time), so it learns
 * nothing about the cache.
 *
 * Apollo's cache interface carries no request, so the viewer reaches it
 * through an AsyncLocalStorage: `scope` opens an empty slot around each
 * request, the GraphQL context function fills it once the request is
 * authenticated (`identify`), which Apollo does before it reads the cache.
 *
 * Bounded like Apollo's default: least recently used entries are dropped
 * past `maxBytes` of query text.
 */
type ApqCache = NonNullable<Exclude<ApolloServerOptions<Context>['persistedQueries'], false | undefined>['cache']>;

export interface PersistedQueries {
  cache: ApqCache;
  /** Express middleware opening the request's slot; must run before Apollo's. */
  scope: RequestHandler;
  /** Records the request's viewer in its slot. */
  identify(viewer: Viewer): void;
}

interface Slot {
  viewer: Viewer | null;
}

/** About Apollo's default bound (30 MiB), counted in characters of query text. */
const DEFAULT_MAX_BYTES = 30 * 1024 * 1024;

export function createPersistedQueries(maxBytes = DEFAULT_MAX_BYTES): PersistedQueries {
  const slots = new AsyncLocalStorage<Slot>();
  const entries = new Map<string, string>();
  let size = 0;
  const keyOf = (key: string): string | null => {
    const viewer = slots.getStore()?.viewer;
    if (!viewer || viewer.anonymous) return null;
    return `${JSON.stringify(viewer.name)}:${key}`;
  };
  const remove = (key: string) => {
    const value = entries.get(key);
    if (value === undefined) return;
    entries.delete(key);
    size -= value.length;
  };
  const cache: ApqCache = {
    get: async (key) => {
      const owned = keyOf(key);
      const value = owned === null ? undefined : entries.get(owned);
      if (owned !== null && value !== undefined) {
        entries.delete(owned);
        entries.set(owned, value);
      }
      return value;
    },
    set: async (key, value) => {
      const owned = keyOf(key);
      if (owned === null || value.length > maxBytes) return;
      remove(owned);
      entries.set(owned, value);
      size += value.length;
      for (const oldest of entries.keys()) {
        if (size <= maxBytes) break;
        remove(oldest);
      }
    },
    delete: async (key) => {
      const owned = keyOf(key);
      if (owned !== null) remove(owned);
      return true;
    },
  };
  return {
    cache,
    scope: (_req, _res, next) => slots.run({ viewer: null }, next),
    identify: (viewer) => {
      const slot = slots.getStore();
      if (slot) slot.viewer = viewer;
    },
  };
}
