import { scopeOf } from '../domain/access.js';
import { badInput, type FieldPath } from '../domain/errors.js';
import { parseId, tryParseId } from '../domain/ids.js';
import type { AssetRecord } from '../domain/kinds.js';
import { lineageOptions, type LineageArgs, type ViewedLineage } from '../domain/lineage.js';
import type { EdgeDirection, LineageDirection, RelationName } from '../domain/relations.js';
import type { MetricPoint } from '../domain/runs.js';
import type { ListQuery } from '../store/store.js';
import type { Session } from './session.js';

/**
 * The read use cases, each as the viewer of the session may see it. Every
 * store read goes through the session's loaders, so reads started together
 * (every field at one level of a GraphQL query) share one store call.
 */

/**
 * The view of the request at a client's instant, given as the argument
 * `field`; without one, `fallback` (the present, or the instant the parent
 * record was read at). "As of T" is after every change whose `at` is at or
 * before T; an instant before the history the store keeps, or after now,
 * cannot be answered and is BAD_USER_INPUT naming the field. The horizon is
 * asked for once per request, and only when an instant is given.
 */
export async function viewAt(
  session: Session,
  asOf: string | null | undefined,
  field: FieldPath,
  fallback: Session = session,
): Promise<Session> {
  if (asOf === null || asOf === undefined) return fallback;
  const now = session.now();
  if (asOf > now) throw badInput(field, `expected an instant no later than now (${now}), received ${asOf}`);
  const start = await session.historyStart();
  if (start !== null && asOf < start) {
    throw badInput(field, `expected an instant from ${start}, where the kept history starts, to now, received ${asOf}`);
  }
  return session.at(asOf);
}

/**
 * An asset by id, or null. A malformed id names no asset, so it answers
 * null like an unknown one, without asking the store: federation's entity
 * references resolve this way.
 */
export function loadAsset(session: Session, id: string): Promise<AssetRecord | null> | null {
  session.access.requireReader();
  return tryParseId(id, session.catalogue) ? session.loaders.assets.load(id) : null;
}

/**
 * An asset by an id a client gave as the argument `field`: a malformed id is
 * BAD_USER_INPUT naming the field (and the collection it likely meant), an
 * asset the viewer may not see is FORBIDDEN; a well-formed id of no asset is
 * null.
 */
export function loadVisibleAsset(session: Session, id: string, field: FieldPath): Promise<AssetRecord | null> | null {
  session.access.requireReader();
  parseId(id, field, session.catalogue);
  const asset = loadAsset(session, id);
  return asset && asset.then((record) => session.access.visibleOrForbidden(record, id));
}

/**
 * The one-hop neighbours of `parent` along one relation in one direction
 * that the viewer may see, oldest relation first, counted against the
 * request's result budget. The deadline is checked here too, not only at
 * the store: nested relation lists are answered from the request's cache
 * once their first levels are loaded, and would otherwise run on past it.
 */
export async function relatedAssets(
  session: Session,
  parent: AssetRecord,
  relation: RelationName,
  direction: EdgeDirection,
): Promise<AssetRecord[]> {
  session.deadline.check();
  // A parent read as of an instant has its relations read as of that instant.
  const view = session.viewOf(parent);
  const neighbours = await view.loaders.neighbors.load({ id: parent.id, relation, direction });
  // Only what the viewer sees counts against the budget: RESULT_TOO_LARGE never counts hidden assets.
  const visible = await view.access.visibleOnly(neighbours);
  session.budget.spend(visible.length);
  return visible;
}

/**
 * The lineage of `asset` towards `direction`, as the viewer may see it: the
 * store applies the viewer's scope (TraverseRequest.scope), so `limit` and
 * `truncated` are over visible assets and none is left to remove here.
 * The lineages of every asset asked for at once are one `traverse` call
 * (the lineage loader batches them), and the loader primes the by-id
 * loader with every asset returned; the start is primed too, as an edge
 * may end at it. `asOf` reads the lineage at that instant (`viewAt`); by
 * default it is read at the instant `asset` was read at.
 */
export async function readLineage(
  session: Session,
  asset: AssetRecord,
  direction: LineageDirection,
  args: LineageArgs & { asOf?: string | null },
): Promise<ViewedLineage> {
  const options = lineageOptions(direction, args, session.lineageCaps);
  // By default the lineage is read at the instant the asset was read at.
  const own = session.viewOf(asset);
  const view = await viewAt(session, args.asOf, ['asOf'], own);
  view.deadline.check();
  // The start as read is the start at the lineage's instant only when both are the same.
  if (view === own) view.loaders.prime([asset]);
  const lineage = await view.loaders.lineage.load({ start: asset.id, ...options, scope: scopeOf(view.viewer) });
  session.budget.spend(lineage.nodes.length);
  return { ...lineage, restricted: 0 };
}

export interface AssetListing {
  edges: { cursor: string; node: AssetRecord }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * A page of the assets the viewer may see. The store applies the viewer's
 * scope before filters, order and paging (ListQuery.scope), so every asset
 * of the page, `hasNextPage` and the end cursor (the last listed asset's
 * position) depend on visible assets only.
 */
export async function listAssets(session: Session, query: Omit<ListQuery, 'asOf' | 'scope'>): Promise<AssetListing> {
  session.access.requireListing(query.project);
  const page = await session.store.listAssets({ ...query, asOf: session.asOf, scope: scopeOf(session.viewer) });
  session.loaders.prime(page.assets);
  const edges = page.assets.flatMap((node, i) => {
    const position = page.positions[i];
    return position ? [{ cursor: session.cursors.encode(position), node }] : [];
  });
  // The last edge's cursor is the page's end: sealing it again would give the same text.
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

/**
 * One metric's series on a development performance the viewer has been
 * shown, oldest first. The series of every performance asked for at once
 * are one `metricSeries` call (the series loader batches them).
 */
export function metricSeries(session: Session, devPerf: AssetRecord, name: string): Promise<MetricPoint[]> {
  session.deadline.check();
  return session.viewOf(devPerf).loaders.series.load({ devPerf: devPerf.id, name });
}
