import { canSee, requireRole, type Viewer } from '../domain/access.js';
import { forbidden } from '../domain/errors.js';
import type { AssetRecord } from '../domain/kinds.js';
import type { Lineage, ViewedLineage } from '../domain/lineage.js';
import type { Loaders } from './loaders.js';

/**
 * What the viewer of one request may read, applied to what the use cases
 * load (the rules are in domain/access.ts). Created with the request's session.
 *
 * For a viewer that is not scoped to projects every check answers at once,
 * without a store call or an extra promise, so such requests keep their
 * exact round trips. For a scoped viewer, ownership comes from the owners
 * loader: the checks of every asset at one level of a query share its
 * batches (at most three `neighbors` calls).
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
  /** The lineage without the assets the viewer may not see and the edges touching them. */
  restrictLineage(lineage: Lineage, start: string): MaybePromise<ViewedLineage>;
  /** Whether the viewer may see each asset, in order (scoped viewers; always true otherwise). */
  canSeeAll(assets: readonly AssetRecord[]): MaybePromise<boolean[]>;
}

export type MaybePromise<T> = T | Promise<T>;

export function createReadAccess(viewer: Viewer, loaders: Loaders): ReadAccess {
  const canSeeAll = (assets: readonly AssetRecord[]): MaybePromise<boolean[]> => {
    if (viewer.projects === null) return assets.map(() => true);
    return Promise.all(assets.map(async (asset) => canSee(viewer, await loaders.owners.load(asset.id))));
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
    canSeeAll,
    visibleOrForbidden: (asset, id) => {
      if (viewer.projects === null || asset === null) return asset;
      return loaders.owners.load(asset.id).then((owners) => {
        if (!canSee(viewer, owners)) throw forbidden(`"${id}" belongs to a project outside the token's scope`);
        return asset;
      });
    },
    visibleOrNull: (asset) => {
      if (viewer.projects === null || asset === null) return asset;
      return loaders.owners.load(asset.id).then((owners) => (canSee(viewer, owners) ? asset : null));
    },
    visibleOnly: (assets) => {
      if (viewer.projects === null || assets.length === 0) return assets;
      return Promise.resolve(canSeeAll(assets)).then((visible) => assets.filter((_, i) => visible[i]));
    },
    restrictLineage: (lineage, start) => {
      if (viewer.projects === null) return { ...lineage, restricted: 0 };
      return Promise.resolve(canSeeAll(lineage.nodes.map((node) => node.asset))).then((visible) =>
        restrict(lineage, start, visible),
      );
    },
  };
}

/** The start is always visible: the viewer reached the lineage through it. */
function restrict(lineage: Lineage, start: string, visible: boolean[]): ViewedLineage {
  const nodes = lineage.nodes.filter((_, i) => visible[i]);
  const shown = new Set([start, ...nodes.map((node) => node.asset.id)]);
  return {
    nodes,
    edges: lineage.edges.filter((edge) => shown.has(edge.from) && shown.has(edge.to)),
    truncated: lineage.truncated,
    restricted: lineage.nodes.length - nodes.length,
  };
}
