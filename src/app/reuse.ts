import { scopeOf } from '../domain/access.js';
import { badInput } from '../domain/errors.js';
import { tryParseId } from '../domain/ids.js';
import type { AssetKind, AssetRecord } from '../domain/kinds.js';
import { DEFAULT_DUPLICATE_GROUPS, duplicateKind, MAX_DUPLICATE_GROUPS, type Usage } from '../domain/reuse.js';
import type { DuplicateGroup } from '../store/store.js';
import type { Session } from './session.js';

/**
 * Reusable steps (domain/reuse.ts) as the viewer of the session may see
 * them: every count, rank and group is the store's, with the viewer's
 * scope applied there first, so nothing of an answer depends on assets the
 * viewer may not see (beyond the paths a lineage passes through).
 */

export const DEFAULT_REUSE_SIZE = 20;
export const MAX_REUSE_SIZE = 100;

/** An asset's usage; every usage asked for at one level of a query is one `usage` call. */
export function assetUsage(session: Session, asset: AssetRecord): Promise<Usage> {
  session.deadline.check();
  return session.loaders.usage.load({ id: asset.id, scope: scopeOf(session.viewer) });
}

export interface ReuseArgs {
  kind: AssetKind;
  minModels: number | null;
  first: number | null;
  after: string | null;
}

export interface ReuseRecord {
  asset: AssetRecord;
  usage: Usage;
}

export interface ReuseEdgeRecord {
  cursor: string;
  node: ReuseRecord;
}

export interface ReuseConnection {
  edges: ReuseEdgeRecord[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * A page of the assets of `kind` used by at least `minModels` distinct
 * models, most used first (models descending, then id), ranked and paged
 * in the store; the page's assets and usages prime the loaders, so
 * `asset { usage }` costs nothing more.
 */
export async function reuse(session: Session, args: ReuseArgs): Promise<ReuseConnection> {
  const first = args.first ?? DEFAULT_REUSE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_REUSE_SIZE) {
    throw badInput(['first'], `expected a page size from 1 to ${MAX_REUSE_SIZE}, received ${first}`);
  }
  const minModels = args.minModels ?? 0;
  if (!Number.isInteger(minModels) || minModels < 0) {
    throw badInput(['minModels'], `expected a non-negative integer, received ${minModels}`);
  }
  const after = args.after === null ? null : session.cursors.decodeReuse(args.after);
  if (args.after !== null && after === null) {
    throw badInput(['after'], `expected a cursor from pageInfo.endCursor, received ${JSON.stringify(args.after)}`);
  }
  const cursorKind = after === null ? null : tryParseId(after.id, session.catalogue)?.kind;
  if (cursorKind && cursorKind !== args.kind) {
    throw badInput(['after'], `expected a cursor of the ${args.kind} listing, received a cursor of the ${cursorKind} listing`);
  }
  const scope = scopeOf(session.viewer);
  const page = await session.store.rankUsage({ kind: args.kind, minModels, first, after, scope, asOf: session.asOf });
  session.loaders.prime(page.entries.map((entry) => entry.asset));
  for (const { asset, usage } of page.entries) session.loaders.usage.prime({ id: asset.id, scope }, usage);
  session.budget.spend(page.entries.length);
  const edges = page.entries.map((node) => ({ cursor: session.cursors.encodeReuse({ models: node.usage.models, id: node.asset.id }), node }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

export interface DuplicatesArgs {
  kind: AssetKind;
  limit: number | null;
}

/** The groups of assets of `kind` doing the same work, grouped in the store (Store.duplicates). */
export async function duplicates(session: Session, args: DuplicatesArgs): Promise<DuplicateGroup[]> {
  const kind = duplicateKind(args.kind, 'kind');
  const limit = args.limit ?? DEFAULT_DUPLICATE_GROUPS;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DUPLICATE_GROUPS) {
    throw badInput(['limit'], `expected a number of groups from 1 to ${MAX_DUPLICATE_GROUPS}, received ${limit}`);
  }
  const groups = await session.store.duplicates({ kind, limit, scope: scopeOf(session.viewer), asOf: session.asOf });
  for (const group of groups) {
    session.loaders.prime(group.assets);
    session.budget.spend(group.assets.length);
  }
  return groups;
}
