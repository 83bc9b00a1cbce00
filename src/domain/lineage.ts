import { badInput } from './errors.js';
import type { AssetKind, AssetRecord } from './kinds.js';
import type { EdgeRecord, LineageDirection } from './relations.js';

/**
 * Lineage semantics, shared by every engine:
 *
 * - Breadth-first from `start` along the lineage relations towards
 *   `direction`; each asset is visited once, and its degree is its shortest
 *   hop count from the start. Cycles terminate.
 * - Levels 1..depth are explored. `kinds`, when given, selects which kinds are
 *   returned; the traversal still passes through the others.
 * - At most `limit` assets are returned: those of smallest degree, ties broken
 *   by id. The start itself is never among them.
 * - `truncated` is true when a bound cut the result: more selected assets than
 *   `limit`, an asset lying one level beyond `depth`, or more than
 *   `visitLimit` assets visited (the server's guard on work per request).
 *   When the visit limit cuts, the level that crossed it is left out whole,
 *   so the result never depends on the order within a level.
 * - `edges` are the lineage relations whose two ends are both among the
 *   returned assets and the start.
 * - Ties "by id" compare ids as byte strings (ids are ASCII).
 */
export interface LineageOptions {
  direction: LineageDirection;
  depth: number;
  limit: number;
  kinds: readonly AssetKind[] | null;
  visitLimit: number;
}

export interface TraverseRequest extends LineageOptions {
  start: string;
  /**
   * The projects of a scoped viewer (sorted), or null for an unscoped one.
   * With a scope, only visible assets (shared, or owned by one of these
   * projects) are selected, counted against `limit` and make the result
   * `truncated` by lying beyond `depth`; the traversal still passes through
   * hidden assets, so degrees are those of the whole graph. The visit limit
   * counts every asset visited.
   */
  scope: readonly string[] | null;
  /** The instant read at; null for now. */
  asOf: string | null;
}

export interface LineageNode {
  asset: AssetRecord;
  degree: number;
}

export interface Lineage {
  nodes: LineageNode[];
  edges: EdgeRecord[];
  truncated: boolean;
}

/**
 * A lineage as one viewer sees it: the assets the viewer may not see are
 * left out of `nodes`, with every edge touching them, and `restricted`
 * counts them.
 */
export interface ViewedLineage extends Lineage {
  restricted: number;
}

/** Server-side bounds on lineage, whatever a client asks. */
export interface LineageCaps {
  defaultDepth: number;
  maxDepth: number;
  defaultLimit: number;
  maxLimit: number;
  visitLimit: number;
}

export const DEFAULT_LINEAGE_CAPS: LineageCaps = {
  defaultDepth: 100,
  maxDepth: 100,
  defaultLimit: 1000,
  maxLimit: 10_000,
  visitLimit: 100_000,
};

export interface LineageArgs {
  depth?: number | null;
  limit?: number | null;
  kinds?: readonly AssetKind[] | null;
}

/** Applies defaults and caps to a client's lineage arguments. */
export function lineageOptions(direction: LineageDirection, args: LineageArgs, caps: LineageCaps): LineageOptions {
  const depth = args.depth ?? caps.defaultDepth;
  if (!Number.isInteger(depth) || depth < 1 || depth > caps.maxDepth) {
    throw badInput(['depth'], `expected an integer from 1 to ${caps.maxDepth}, received ${depth}`);
  }
  const limit = args.limit ?? caps.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > caps.maxLimit) {
    throw badInput(['limit'], `expected an integer from 1 to ${caps.maxLimit}, received ${limit}`);
  }
  const kinds = args.kinds && args.kinds.length > 0 ? [...new Set(args.kinds)].sort() : null;
  return { direction, depth, limit, kinds, visitLimit: caps.visitLimit };
}

/** A stable key for a traversal request, for caching and batching. */
export function traverseKey(request: TraverseRequest): string {
  const { start, direction, depth, limit, kinds, visitLimit, asOf, scope } = request;
  return JSON.stringify([start, direction, depth, limit, kinds, visitLimit, asOf, scope]);
}
