import type { ChangeOperation, ChangeRecord } from '../domain/changes.js';
import { badInput } from '../domain/errors.js';
import type { AssetContent, AssetKind, AssetRecord, RunStatus } from '../domain/kinds.js';
import type { Lineage, TraverseRequest } from '../domain/lineage.js';
import type { EdgeDirection, EdgeRecord, RelationName } from '../domain/relations.js';
import type { DuplicateKind, Usage } from '../domain/reuse.js';
import type { MetricPoint } from '../domain/runs.js';
import type { CommitResult, UnitOfWork } from '../domain/writes.js';

/**
 * The store port: what the application core needs from a database, and all
 * it may use. Every read is batch-first: it takes many requests and answers
 * them in one call, in request order, with `null` (or an empty list) for what
 * is missing. Every write is one atomic unit of work, committed with who made
 * it, through which operation, and when.
 *
 * Reads take the instant they read at (`asOf`): null reads the store as it
 * is now; an instant T reads it as it stood after every change whose `at`
 * is at or before T (the change log, `domain/changes.ts`). Whether T lies
 * within the kept history (`historyStart`) is the caller's to check.
 */
export interface Store {
  /** The engine's name, for health reports and logs. */
  readonly engine: string;

  /** Assets by id, in the order asked, null where none exists (or the id is malformed). */
  getAssets(ids: readonly string[], asOf?: string | null): Promise<(AssetRecord | null)[]>;

  /**
   * One-hop neighbours: for each request, the assets at the other end of
   * `relation` edges leaving (OUT) or reaching (IN) `id`, oldest relation first.
   */
  neighbors(requests: readonly NeighborRequest[]): Promise<AssetRecord[][]>;

  /**
   * The owning projects of each asset, in the order asked, each list sorted
   * and empty for a shared asset (and for a missing or malformed id): the
   * projects its kind's ownership chain (`catalogue.kind(k).owner`, followed
   * up to `MAX_OWNER_STEPS` steps) ends in. One call answers any batch.
   */
  owners(ids: readonly string[], asOf?: string | null): Promise<string[][]>;

  /** Multi-hop lineage for many starts at once; semantics in `domain/lineage.ts`. */
  traverse(requests: readonly TraverseRequest[]): Promise<Lineage[]>;

  /** A page of assets, oldest first, after a keyset cursor. */
  listAssets(query: ListQuery): Promise<AssetPage>;

  /**
   * A page of a leaderboard: the runs whose development performance holds
   * `metric` (its latest value, `domain/runs.ts`), in (value, run id) order,
   * value ascending or descending and run id ascending, after `after`. The
   * scope, then the selection, then `bestPerModel` apply before the order and
   * the page, all in the store: a page reads an index range, not every run.
   */
  rankRuns(query: RankQuery): Promise<RankPage>;

  /**
   * Metric series: for each request, the points of one name recorded on a
   * development performance, oldest first (by `at`, then `step`, a point
   * without one first, then when received). Reads only that performance's
   * points of that name.
   */
  metricSeries(requests: readonly SeriesRequest[]): Promise<MetricPoint[][]>;

  /**
   * Usage (`domain/reuse.ts`): for each request, the distinct runs, models
   * and deployments downstream of the asset at any depth, exact whatever the
   * lineage's size (no visit limit), counting only what the request's scope
   * may see; zeros for a missing asset. One call answers any batch.
   */
  usage(requests: readonly UsageRequest[]): Promise<Usage[]>;

  /**
   * A page of the assets of `kind` (those the scope may see) used by at
   * least `minModels` models, with their usage, by models descending then
   * id ascending, after `after`: computed in the store, never by loading
   * every asset of the kind into the caller.
   */
  rankUsage(query: UsageRankQuery): Promise<UsagePage>;

  /**
   * Groups of at least two assets of `kind` that do the same work
   * (`domain/reuse.ts` comparedContent), grouped in the store by
   * fingerprint: the largest groups first, then by fingerprint, at most
   * `limit` groups, each group's assets by id. A scoped request groups only
   * the assets its scope may see.
   */
  duplicates(query: DuplicatesQuery): Promise<DuplicateGroup[]>;

  /**
   * Executes a unit of work atomically (semantics and rules in
   * `domain/writes.ts`), stamping what it creates or updates with `unit.at`.
   */
  commit(unit: UnitOfWork): Promise<CommitResult>;

  /**
   * The bulk path, for loading many assets and relations at once (imports,
   * benchmarks): one atomic unit like `commit`, but only inserts, with no
   * idempotent retry: an id or a named kind's (name, version) that exists
   * already is a CONFLICT, a relation whose end is missing a NOT_FOUND, and
   * then nothing of the batch is written. Relations may refer to assets of
   * the same batch.
   */
  importBulk(batch: BulkBatch): Promise<BulkCount>;

  /**
   * The audit trail (`domain/changes.ts`): the changes after `afterSequence`
   * in sequence order, filtered by the selection, one page. With a scope,
   * only the changes a viewer scoped to those projects may see, decided
   * before the filter and the page: those of assets it sees now (so none of
   * a deleted asset), and of relations whose both ends it sees.
   */
  changes(query: ChangeQuery): Promise<ChangePage>;

  /**
   * The sequence of the newest change ever logged (pruned or not); null
   * while nothing was. What a live subscription without `afterSequence`
   * starts after, and what its poll watches for other writers.
   */
  lastChangeSequence(): Promise<string | null>;

  /** `changes` for many queries at once (the histories of a page of assets), answers in query order. */
  histories(queries: readonly ChangeQuery[]): Promise<ChangePage[]>;

  /**
   * Who created and who last updated each asset, from the change log: the
   * actor of its oldest CREATE and of its newest CREATE or UPDATE kept, in
   * the order asked; `unknown` where the log holds none (pruned history).
   * As of an instant, only the changes up to it count: an asset read as it
   * stood then has the authors it had then.
   */
  authors(ids: readonly string[], asOf?: string | null): Promise<AssetAuthors[]>;

  /** The instant before which history was pruned; null while the whole history is kept. */
  historyStart(): Promise<string | null>;

  /**
   * Drops every change before `before` (relations' spans closed before it
   * with them) and records `before` as the history's start, unless a later
   * start is recorded already. Returns how many changes were dropped.
   */
  pruneHistory(before: string): Promise<number>;

  /**
   * Erases a deleted asset's content from the log: its changes keep their
   * sequence, instant, actor, operation and ids, with `before` and `after`
   * emptied (`{ "purged": true }` where there was a state). NOT_FOUND when
   * the log holds nothing of `id`, CONFLICT while the asset exists. Returns
   * how many changes were purged: those that still held a state, so 0 when
   * it was purged already.
   */
  purgeHistory(id: string): Promise<number>;

  /**
   * A random secret made the first time it is asked for and kept in the
   * database, so every server sharing the database, on any host and after
   * any restart, gets the same value (the cursor key).
   */
  sharedSecret(name: string): Promise<string>;

  /** Resolves when the database answers; rejects otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

export interface NeighborRequest {
  id: string;
  relation: RelationName;
  direction: EdgeDirection;
  /** The instant read at; null for now. */
  asOf: string | null;
}

export interface SeriesRequest {
  /** The development performance's id. */
  devPerf: string;
  name: string;
  /** The instant read at; null for now. */
  asOf: string | null;
}

export interface BulkBatch {
  assets: readonly AssetContent[];
  edges: readonly EdgeRecord[];
  /** Who imports, as the change log records it; `unknown` when not given. Its source is `import`. */
  actor?: string;
}

/** Which changes an audit query selects; every member given must hold. */
export interface ChangeSelection {
  actor: string | null;
  /** Changes of these assets: about one of them, or a relation at either end of one. */
  assets: readonly string[] | null;
  kinds: readonly AssetKind[] | null;
  operations: readonly ChangeOperation[] | null;
  /** Changes at or after this instant. */
  since: string | null;
  /** Changes at or before this instant. */
  until: string | null;
}

export interface ChangeQuery {
  selection: ChangeSelection;
  /** The sequence after which the page starts; null from the start. */
  afterSequence: string | null;
  first: number;
  /** As ListQuery.scope. */
  scope: readonly string[] | null;
}

export interface ChangePage {
  changes: ChangeRecord[];
  hasNextPage: boolean;
}

export interface AssetAuthors {
  createdBy: string;
  updatedBy: string;
}

/** A selection of every change. */
export function makeChangeSelection(overrides: Partial<ChangeSelection> = {}): ChangeSelection {
  return { actor: null, assets: null, kinds: null, operations: null, since: null, until: null, ...overrides };
}

export interface BulkCount {
  assets: number;
  edges: number;
}

export interface ListQuery {
  kind: AssetKind | null;
  nameContains: string | null;
  tag: string | null;
  /**
   * Only the assets this project owns, by the ownership of scopes (the
   * catalogue's chains); for kinds no project owns (datasets,
   * featuresets), those upstream of the project's models at any depth.
   */
  project: string | null;
  /** Only the deployments serving in this environment (other kinds have none). */
  environment: string | null;
  createdAfter: string | null;
  createdBefore: string | null;
  /** Page size; the engine returns at most `first` assets. */
  first: number;
  /** Position after which the page starts, as returned in a previous page. */
  after: ListPosition | null;
  /** The instant read at; null for now. */
  asOf: string | null;
  /**
   * The projects of a scoped viewer, or null for an unscoped one. With a
   * scope, the listing holds only the assets that viewer may see (shared,
   * or owned by one of these projects): the engine applies this before
   * every filter, the order, the page size and `after`, so nothing of the
   * answer depends on the assets it may not see.
   */
  scope: readonly string[] | null;
}

/** A listing with no filter from the start, 20 to a page, with `overrides` applied. */
export function makeListQuery(overrides: Partial<ListQuery> = {}): ListQuery {
  return {
    kind: null,
    nameContains: null,
    tag: null,
    project: null,
    environment: null,
    createdAfter: null,
    createdBefore: null,
    first: 20,
    after: null,
    asOf: null,
    scope: null,
    ...overrides,
  };
}

/**
 * Assets are listed by (creation time, id); a cursor encodes one such
 * position. `createdAt` is the creation time as the engine sorts it, which
 * is the asset's `createdAt` except in documents other tools wrote, whose
 * stored text the engine orders by as it is.
 */
export interface ListPosition {
  createdAt: string;
  id: string;
}

export interface AssetPage {
  assets: AssetRecord[];
  /** The position of each asset, in order, for the cursors that page on after it. */
  positions: ListPosition[];
  hasNextPage: boolean;
}

/** Which runs a leaderboard ranks; every member given must hold. */
export interface RunSelection {
  /** Runs this project owns (the ownership of scopes). */
  project: string | null;
  /** Runs of this model (`run_models`). */
  model: string | null;
  /** Runs downstream of this asset, at any depth of lineage. */
  downstreamOf: string | null;
  tag: string | null;
  status: RunStatus | null;
  /** Runs created at or after this instant. */
  since: string | null;
  /** Runs created before this instant. */
  until: string | null;
}

export type RankOrder = 'ASC' | 'DESC';

/** A place in a leaderboard: the (value, run id) of the last run of a page. */
export interface RankPosition {
  value: number;
  id: string;
}

export interface RankQuery {
  metric: string;
  order: RankOrder;
  selection: RunSelection;
  /** Keep each model's best run only (a run without a model stands alone). */
  bestPerModel: boolean;
  first: number;
  after: RankPosition | null;
  /** The instant read at; null for now. */
  asOf: string | null;
  /** As ListQuery.scope: runs the viewer may not see are out before anything else. */
  scope: readonly string[] | null;
}

export interface RankPage {
  runs: { run: AssetRecord; value: number }[];
  hasNextPage: boolean;
}

export interface UsageRequest {
  id: string;
  /** As ListQuery.scope: only assets this scope may see are counted. */
  scope: readonly string[] | null;
  /** The instant read at; null for now. */
  asOf: string | null;
}

/** A place in a reuse ranking: the models count and id of the last asset of a page. */
export interface UsagePosition {
  models: number;
  id: string;
}

export interface UsageRankQuery {
  kind: AssetKind;
  minModels: number;
  first: number;
  after: UsagePosition | null;
  /** As ListQuery.scope: assets the viewer may not see are neither ranked nor counted. */
  scope: readonly string[] | null;
  /** The instant read at; null for now. */
  asOf: string | null;
}

export interface UsagePage {
  entries: { asset: AssetRecord; usage: Usage }[];
  hasNextPage: boolean;
}

export interface DuplicatesQuery {
  kind: DuplicateKind;
  /** The most groups answered. */
  limit: number;
  /** As ListQuery.scope: only assets this scope may see are grouped. */
  scope: readonly string[] | null;
  /** The instant read at; null for now. */
  asOf: string | null;
}

export interface DuplicateGroup {
  fingerprint: string;
  assets: AssetRecord[];
}

/** The names of the port's operations, as counted by an instrumented store. */
export type StoreOperation =
  | 'getAssets'
  | 'neighbors'
  | 'owners'
  | 'traverse'
  | 'listAssets'
  | 'rankRuns'
  | 'metricSeries'
  | 'usage'
  | 'rankUsage'
  | 'duplicates'
  | 'commit'
  | 'importBulk'
  | 'changes'
  | 'lastChangeSequence'
  | 'histories'
  | 'authors'
  | 'historyStart'
  | 'pruneHistory'
  | 'purgeHistory'
  | 'sharedSecret'
  | 'ping';

/** What an engine that answers only the present does with a read's instant: null passes, any other is refused. */
export function requirePresent(asOf: string | null | undefined): void {
  if (asOf !== null && asOf !== undefined) {
    throw badInput(['asOf'], 'this store answers only the present: reading as of an instant is not available');
  }
}
