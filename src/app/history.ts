import { scopeOf } from '../domain/access.js';
import { isSequence, sequenceOfChangeId, type ChangeOperation, type ChangeRecord } from '../domain/changes.js';
import { badInput } from '../domain/errors.js';
import { parseId } from '../domain/ids.js';
import type { AssetKind, AssetRecord } from '../domain/kinds.js';
import { makeChangeSelection, type AssetAuthors, type ChangePage, type ChangeQuery, type ChangeSelection } from '../store/store.js';
import type { Session } from './session.js';

/**
 * The history use cases: the audit trail, an asset's history, who created
 * and last updated an asset, a change by id. The scope of a viewer scoped
 * to projects is applied by the store before the filters and the page
 * (Store.changes), so every cursor names a change that viewer sees.
 */

export interface ChangeEdgeRecord {
  cursor: string;
  node: ChangeRecord;
}

export interface ChangePageRecord {
  edges: ChangeEdgeRecord[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const DEFAULT_CHANGE_PAGE = 20;
export const MAX_CHANGE_PAGE = 100;
/** The most assets one audit query may name. */
export const MAX_FILTER_ASSETS = 100;

export interface ChangeFilterInput {
  actor?: string | null;
  assets?: readonly string[] | null;
  kinds?: readonly AssetKind[] | null;
  operations?: readonly ChangeOperation[] | null;
  since?: string | null;
  until?: string | null;
}

export interface AuditArgs {
  filter?: ChangeFilterInput | null;
  first?: number | null;
  after?: string | null;
  afterSequence?: string | null;
}

/** `Query.changes`: the audit trail in sequence order, one page. */
export async function auditTrail(session: Session, args: AuditArgs): Promise<ChangePageRecord> {
  session.access.requireReader();
  const query: ChangeQuery = {
    selection: selectionOf(session, args.filter ?? {}),
    afterSequence: startOf(session, args),
    first: pageSize(args.first),
    scope: scopeOf(session.viewer),
  };
  return connection(session, await session.store.changes(query));
}

/** `Asset.history`: the changes of one asset, relations at either end included, oldest first; batched per query level. */
export async function assetHistory(
  session: Session,
  asset: AssetRecord,
  args: { first?: number | null; after?: string | null },
): Promise<ChangePageRecord> {
  session.access.requireReader();
  const query: ChangeQuery = {
    selection: makeChangeSelection({ assets: [asset.id] }),
    afterSequence: args.after === null || args.after === undefined ? null : decodeAfter(session, args.after),
    first: pageSize(args.first),
    scope: scopeOf(session.viewer),
  };
  return connection(session, await session.loaders.histories.load(query));
}

/**
 * Who created and who last updated an asset, as of the instant it was read
 * at (its changes up to then); batched per query level.
 */
export function assetAuthors(session: Session, asset: AssetRecord): Promise<AssetAuthors> {
  return session.viewOf(asset).loaders.authors.load(asset.id);
}

/** A change by its id (`metalayer_changes/<sequence>`), or null when none is kept that the viewer may see. */
export async function loadChange(session: Session, id: string): Promise<ChangeRecord | null> {
  session.access.requireReader();
  const sequence = sequenceOfChangeId(id);
  if (sequence === null) return null;
  const page = await session.store.changes({
    selection: makeChangeSelection(),
    afterSequence: String(Number(sequence) - 1),
    first: 1,
    scope: scopeOf(session.viewer),
  });
  const [change] = page.changes;
  return change && change.sequence === sequence ? change : null;
}

/** The asset a change is about, as it is now: null once deleted, or when the viewer may not see it. */
export async function changedAsset(session: Session, change: ChangeRecord): Promise<AssetRecord | null> {
  const asset = await session.loaders.assets.load(change.assetId);
  return session.access.visibleOrNull(asset);
}

function connection(session: Session, page: ChangePage): ChangePageRecord {
  const edges = page.changes.map((node) => ({ cursor: session.cursors.encodeChange(node.sequence), node }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_CHANGE_PAGE;
  if (size < 1 || size > MAX_CHANGE_PAGE) {
    throw badInput(['first'], `expected a page size from 1 to ${MAX_CHANGE_PAGE}, received ${size}`);
  }
  return size;
}

/** Where the audit trail starts: after a cursor, or after a sequence, never both. */
function startOf(session: Session, args: AuditArgs): string | null {
  const after = args.after ?? null;
  const afterSequence = args.afterSequence ?? null;
  if (after !== null && afterSequence !== null) {
    throw badInput(['afterSequence'], 'give `after` or `afterSequence`, not both');
  }
  if (after !== null) return decodeAfter(session, after);
  return afterSequence === null ? null : checkedAfterSequence(afterSequence);
}

/** An `afterSequence` argument: a `Change.sequence`, or `0` for before the first change. */
export function checkedAfterSequence(afterSequence: string): string {
  if (afterSequence !== '0' && !isSequence(afterSequence)) {
    throw badInput(['afterSequence'], `expected a Change.sequence (decimal digits), received ${JSON.stringify(afterSequence)}`);
  }
  return afterSequence;
}

function decodeAfter(session: Session, cursor: string): string {
  const sequence = session.cursors.decodeChange(cursor);
  if (sequence === null) {
    throw badInput(['after'], `expected a cursor from pageInfo.endCursor, received ${JSON.stringify(cursor)}`);
  }
  return sequence;
}

/** A `ChangeFilter` as the store's selection; BAD_USER_INPUT naming the field at fault. */
export function selectionOf(session: Session, filter: ChangeFilterInput): ChangeSelection {
  const assets = filter.assets ?? null;
  if (assets !== null && assets.length > MAX_FILTER_ASSETS) {
    throw badInput(['filter', 'assets'], `expected at most ${MAX_FILTER_ASSETS} assets, received ${assets.length}`);
  }
  assets?.forEach((id, i) => parseId(id, ['filter', 'assets', i], session.catalogue));
  // since and until are DateTime scalars, parsed and normalised already.
  return makeChangeSelection({
    actor: filter.actor ?? null,
    assets,
    kinds: filter.kinds ?? null,
    operations: filter.operations ?? null,
    since: filter.since ?? null,
    until: filter.until ?? null,
  });
}
