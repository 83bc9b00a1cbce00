import { canSee, requireRole, type Viewer } from '../domain/access.js';
import type { Catalogue } from '../domain/catalogue.js';
import { forbidden } from '../domain/errors.js';
import type { AssetRecord } from '../domain/kinds.js';
import type { Loaders } from './loaders.js';

/**
 * What the viewer of one request may read, applied to what the use cases
 * load (the rules are in domain/access.ts). Created with the request's session.
 *
 * For a viewer that is not scoped to projects every check answers at once,
 * without a store call or an extra promise, so such requests keep their
 * exact round trips. For a scoped viewer, ownership comes from the owners
 * loader: the checks of every asset at one level of a query share one
 * `owners` call. Listings and lineages are scoped by the store itself.
 */
export interface ReadAccess {
  readonly viewer: Viewer;
  /** Throws unless the viewer may read at all (an anonymous viewer without anonymous reads may not). */
  requireReader(): void;
  /** Throws unless the viewer may list, and list the models of `project` when one is given (`filter.project`). */
  requireListing(project: string | null): void;
  /** The asset itself, or a FORBIDDEN error naming `id` when the viewer may not see it; null stays null. */
  visibleOrForbidden(asset: AssetRecord | null, id: string): MaybePromise<AssetRecord | null>;
  /** The asset, or null when the viewer may not see it (federation references). */
  visibleOrNull<T extends AssetRecord>(asset: T | null): MaybePromise<T | null>;
  /** The assets the viewer may see, in order. */
  visibleOnly<T extends AssetRecord>(assets: T[]): MaybePromise<T[]>;
}

export type MaybePromise<T> = T | Promise<T>;

const NO_OWNERS: ReadonlySet<string> = new Set();

export function createReadAccess(viewer: Viewer, loaders: Loaders, catalogue: Catalogue): ReadAccess {
  // A project owns itself and a shared kind has no owner: only the other kinds ask the store.
  const ownersOf = (asset: AssetRecord): ReadonlySet<string> | Promise<ReadonlySet<string>> => {
    const owner = catalogue.kind(asset.kind).owner;
    if (owner === 'self') return new Set([asset.id]);
    if (owner === 'shared') return NO_OWNERS;
    return loaders.owners.load(asset.id);
  };
  const canSeeAll = (assets: readonly AssetRecord[]): MaybePromise<boolean[]> => {
    if (viewer.projects === null) return assets.map(() => true);
    return Promise.all(assets.map(async (asset) => canSee(viewer, await ownersOf(asset))));
  };

  return {
    viewer,
    requireReader: () => requireRole(viewer, 'reader', 'Reading'),
    requireListing: (project) => {
      requireRole(viewer, 'reader', 'Reading');
      if (project !== null && viewer.projects !== null && !viewer.projects.has(project)) {
        throw forbidden(`"${project}" is not one of the token's projects`, ['filter', 'project']);
      }
    },
    visibleOrForbidden: (asset, id) => {
      if (viewer.projects === null || asset === null) return asset;
      return Promise.resolve(ownersOf(asset)).then((owners) => {
        if (!canSee(viewer, owners)) throw forbidden(`"${id}" belongs to a project outside the token's scope`);
        return asset;
      });
    },
    visibleOrNull: (asset) => {
      if (viewer.projects === null || asset === null) return asset;
      return Promise.resolve(ownersOf(asset)).then((owners) => (canSee(viewer, owners) ? asset : null));
    },
    visibleOnly: (assets) => {
      if (viewer.projects === null || assets.length === 0) return assets;
      return Promise.resolve(canSeeAll(assets)).then((visible) => assets.filter((_, i) => visible[i]));
    },
  };
}
