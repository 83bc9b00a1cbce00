import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import type { QueryOptions } from 'arangojs/queries';
import type { Catalogue } from '../../domain/catalogue.js';
import { tryParseId } from '../../domain/ids.js';
import type { AssetRecord } from '../../domain/kinds.js';
import { traverseKey, type Lineage, type LineageNode, type TraverseRequest } from '../../domain/lineage.js';
import type { EdgeRecord } from '../../domain/relations.js';
import type { MetricPoint } from '../../domain/runs.js';
import { badInput } from '../../domain/errors.js';
import { ownerChain } from '../../domain/catalogue.js';
import { recordOfState, type AssetState } from '../states.js';
import {
  requirePresent,
  type AssetPage,
  type ListPosition,
  type ListQuery,
  type NeighborRequest,
  type RankPage,
  type RankQuery,
  type SeriesRequest,
} from '../store.js';
import { EPOCH, type StoredDocument } from './attributes.js';
import type { ArangoNames } from './catalogue.js';
import { toRecord } from './documents.js';
import { queryAll } from './errors.js';
import { getAssetsAsOfQuery, listAssetsAsOfQuery, neighborsAsOfQuery, ownersAsOfQuery, traverseAsOfQuery } from './as-of.js';
import { metricSeriesQuery } from './metrics.js';
import {
  getAssetsQuery,
  listAssetsQuery,
  rankRunsQuery,
  neighborsQuery,
  ownersQuery,
  traverseQuery,
  type LineageGroup,
  type NeighborGroup,
} from './queries.js';

/**
 * The engine's reads: each port call is at most one AQL query, whatever its
 * batch; the answers are put back in request order here. A malformed id (or
 * an unknown relation) never reaches a query: its answer is empty. A read
 * as of an instant is one query too, over the change log (as-of.ts); the
 * batch of one session's loaders holds one instant, and a batch mixing
 * instants is one query per instant.
 */
export class ArangoReads {
  private readonly catalogue: Catalogue;

  constructor(
    private readonly db: Database,
    private readonly options: QueryOptions,
    private readonly names: ArangoNames,
  ) {
    this.catalogue = names.catalogue;
  }

  async getAssets(ids: readonly string[], asOf: string | null = null): Promise<(AssetRecord | null)[]> {
    const valid = ids.filter((id) => tryParseId(id, this.catalogue) !== null);
    if (valid.length === 0) return ids.map(() => null);
    const found = new Map<string, AssetRecord | null>();
    if (asOf === null) {
      const docs = await this.all<StoredDocument | null>(getAssetsQuery(valid));
      valid.forEach((id, i) => {
        const doc = docs[i];
        found.set(id, doc ? toRecord(this.catalogue, doc) : null);
      });
    } else {
      const rows = await this.all<StateRow>(getAssetsAsOfQuery(valid, asOf));
      valid.forEach((id, i) => found.set(id, recordOfRow(this.catalogue, rows[i] ?? null)));
    }
    return ids.map((id) => found.get(id) ?? null);
  }

  async neighbors(requests: readonly NeighborRequest[]): Promise<AssetRecord[][]> {
    return byInstant(requests, (asOf, group) => this.neighborsAt(asOf, group));
  }

  private async neighborsAt(asOf: string | null, requests: readonly NeighborRequest[]): Promise<AssetRecord[][]> {
    const { groups, places } = groupNeighborRequests(this.catalogue, requests);
    if (groups.length === 0) return requests.map(() => []);
    if (asOf !== null) {
      const [answer] = await this.all<StateRow[][][]>(neighborsAsOfQuery(groups, asOf));
      return places.map((place) =>
        (place ? (answer?.[place.group]?.[place.index] ?? []) : []).flatMap((row) => recordOfRow(this.catalogue, row) ?? []),
      );
    }
    const [answer] = await this.all<StoredDocument[][][]>(neighborsQuery(this.names, groups));
    return places.map((place) => {
      const docs = place ? answer?.[place.group]?.[place.index] : undefined;
      return (docs ?? []).flatMap((doc) => toRecord(this.catalogue, doc) ?? []);
    });
  }

  /** One query for the batch; malformed ids have no owners and are not asked. */
  async owners(ids: readonly string[], asOf: string | null = null): Promise<string[][]> {
    const valid = ids.filter((id) => tryParseId(id, this.catalogue) !== null);
    if (valid.length === 0) return ids.map(() => []);
    const rows = await this.all<string[]>(asOf === null ? ownersQuery(this.names, valid) : ownersAsOfQuery(this.names, valid, asOf));
    const found = new Map<string, string[]>();
    valid.forEach((id, i) => found.set(id, rows[i] ?? []));
    return ids.map((id) => [...(found.get(id) ?? [])]);
  }

  async traverse(requests: readonly TraverseRequest[]): Promise<Lineage[]> {
    return byInstant(requests, (asOf, group) => this.traverseAt(asOf, group));
  }

  private async traverseAt(asOf: string | null, requests: readonly TraverseRequest[]): Promise<Lineage[]> {
    const { groups, places } = groupTraverseRequests(this.catalogue, requests);
    if (groups.length === 0) return requests.map(emptyLineage);
    const lineagesOf = async <A>(query: AqlQuery, recordOf: (asset: A) => AssetRecord | null): Promise<Lineage[]> => {
      const [answer] = await this.all<LineageRow<A>[][]>(query);
      return places.map((place) => {
        const row = place ? answer?.[place.group]?.[place.index] : undefined;
        return row ? toLineage(this.catalogue, row, recordOf) : emptyLineage();
      });
    };
    if (asOf !== null) return lineagesOf<StateRow>(traverseAsOfQuery(this.names, groups, asOf), (asset) => recordOfRow(this.catalogue, asset));
    return lineagesOf<StoredDocument | null>(traverseQuery(this.names, groups), (asset) => (asset ? toRecord(this.catalogue, asset) : null));
  }

  /**
   * A page, with each asset's position as the query orders it: the stored
   * `created_at` text, `EPOCH` for none. As of an instant, a project filter
   * on the kinds no project owns is refused (as-of.ts).
   */
  async listAssets(query: ListQuery): Promise<AssetPage> {
    if (query.asOf !== null) return this.listAssetsAsOf({ ...query, asOf: query.asOf });
    const aql = listAssetsQuery(this.names, query);
    if (!aql) return { assets: [], positions: [], hasNextPage: false };
    const docs = await this.all<StoredDocument>(aql);
    const listed = docs
      .flatMap((doc) => {
        const asset = toRecord(this.catalogue, doc);
        return asset ? [{ asset, position: listPosition(doc) }] : [];
      })
      .slice(0, query.first);
    return {
      assets: listed.map(({ asset }) => asset),
      positions: listed.map(({ position }) => position),
      hasNextPage: docs.length > query.first,
    };
  }

  private async listAssetsAsOf(query: ListQuery & { asOf: string }): Promise<AssetPage> {
    const shared = (query.kind === null ? this.catalogue.kinds.map((spec) => spec.kind) : [query.kind]).some(
      (kind) => ownerChain(this.catalogue, kind) === 'shared',
    );
    if (query.project !== null && shared) {
      throw badInput(
        ['filter', 'project'],
        'listing what lies upstream of a project as of an instant is not available on ArangoDB: give `kind` of a kind a project owns',
      );
    }
    const rows = await this.all<AssetState>(listAssetsAsOfQuery(this.names, query));
    const assets = rows.slice(0, query.first).map(recordOfState);
    return {
      assets,
      positions: assets.map(({ createdAt, id }) => ({ createdAt, id })),
      hasNextPage: rows.length > query.first,
    };
  }

  /** One query (queries.ts); the page's documents read back as every read does. */
  async rankRuns(query: RankQuery): Promise<RankPage> {
    requirePresent(query.asOf);
    const rows = await this.all<{ run: StoredDocument; value: number }>(rankRunsQuery(this.names, query));
    const runs = rows.flatMap(({ run, value }) => {
      const asset = toRecord(this.catalogue, run);
      return asset ? [{ run: asset, value }] : [];
    });
    return { runs: runs.slice(0, query.first), hasNextPage: rows.length > query.first };
  }

  /** One query for every request; a request for an id outside the catalogue is answered empty without asking. */
  async metricSeries(requests: readonly SeriesRequest[]): Promise<MetricPoint[][]> {
    const asked = requests.filter((request) => tryParseId(request.devPerf, this.catalogue) !== null);
    if (asked.length === 0) return requests.map(() => []);
    const answers = await this.all<MetricPoint[]>(metricSeriesQuery(asked.map(({ devPerf, name, asOf }) => ({ devPerf, name, asOf }))));
    const byRequest = new Map(asked.map((request, i) => [request, answers[i] ?? []]));
    return requests.map((request) => byRequest.get(request) ?? []);
  }

  private all<T>(query: AqlQuery): Promise<T[]> {
    return queryAll<T>(this.db, query, this.options);
  }
}

/** A listed document's place in the listing order, which sorts on the stored attribute as it is. */
function listPosition(doc: StoredDocument): ListPosition {
  return { createdAt: typeof doc.created_at === 'string' ? doc.created_at : EPOCH, id: doc._id };
}

/** Where a request's answer is in a grouped query's result; null for requests never asked. */
export interface Place {
  group: number;
  index: number;
}

/**
 * Groups neighbour requests by (relation, direction), the parts of a query
 * that are text rather than bind variables, in order of first appearance.
 */
export function groupNeighborRequests(
  catalogue: Catalogue,
  requests: readonly NeighborRequest[],
): {
  groups: NeighborGroup[];
  places: (Place | null)[];
} {
  const groups: (NeighborGroup & { ids: string[] })[] = [];
  const byKey = new Map<string, number>();
  const places = requests.map((request): Place | null => {
    if (!tryParseId(request.id, catalogue) || !catalogue.isRelationName(request.relation)) return null;
    if (request.direction !== 'OUT' && request.direction !== 'IN') return null;
    const key = `${request.relation} ${request.direction}`;
    let group = byKey.get(key);
    if (group === undefined) {
      group = groups.push({ relation: request.relation, direction: request.direction, ids: [] }) - 1;
      byKey.set(key, group);
    }
    const ids = groups[group]?.ids;
    if (!ids) return null;
    return { group, index: ids.push(request.id) - 1 };
  });
  return { groups, places };
}

/**
 * Groups traversal requests by everything but their start: a group's
 * direction is query text, its bounds are bind variables used in `LIMIT`,
 * which AQL evaluates once per query.
 */
export function groupTraverseRequests(
  catalogue: Catalogue,
  requests: readonly TraverseRequest[],
): {
  groups: LineageGroup[];
  places: (Place | null)[];
} {
  const groups: (LineageGroup & { starts: string[] })[] = [];
  const byKey = new Map<string, number>();
  const places = requests.map((request): Place | null => {
    if (!tryParseId(request.start, catalogue)) return null;
    const key = traverseKey({ ...request, start: '' });
    let group = byKey.get(key);
    if (group === undefined) {
      const { direction, depth, limit, kinds, visitLimit, scope } = request;
      group = groups.push({ direction, depth, limit, kinds, visitLimit, scope, starts: [] }) - 1;
      byKey.set(key, group);
    }
    const starts = groups[group]?.starts;
    if (!starts) return null;
    return { group, index: starts.push(request.start) - 1 };
  });
  return { groups, places };
}

/** A lineage as the traversal query answers it: nodes hold documents now, or states as of an instant. */
interface LineageRow<A> {
  nodes: { asset: A; degree: number }[];
  edges: { relation: string; from: string; to: string }[];
  truncated: boolean;
}

/**
 * A query row as a lineage, each node's asset read by `recordOf`, nodes by
 * (degree, id) and edges by (from, relation, to) in code-unit order.
 */
function toLineage<A>(catalogue: Catalogue, row: LineageRow<A>, recordOf: (asset: A) => AssetRecord | null): Lineage {
  const nodes = row.nodes.flatMap((node): LineageNode[] => {
    const asset = recordOf(node.asset);
    return asset ? [{ asset, degree: node.degree }] : [];
  });
  nodes.sort((a, b) => a.degree - b.degree || compare(a.asset.id, b.asset.id));
  const edges = row.edges.flatMap((edge): EdgeRecord[] =>
    catalogue.isRelationName(edge.relation) ? [{ relation: edge.relation, from: edge.from, to: edge.to }] : [],
  );
  edges.sort((a, b) => compare(a.from, b.from) || compare(a.relation, b.relation) || compare(a.to, b.to));
  return { nodes, edges, truncated: row.truncated };
}

/**
 * An asset as a read as of an instant answers it (as-of.ts): its state, or
 * the document as it is now (unchanged within the kept history), or null.
 */
type StateRow = AssetState | { document: StoredDocument | null } | null;

function recordOfRow(catalogue: Catalogue, row: StateRow): AssetRecord | null {
  if (row === null) return null;
  if ('document' in row) return row.document ? toRecord(catalogue, row.document) : null;
  return recordOfState(row);
}

/**
 * Answers a batch instant by instant, one query each (a batch from one
 * session's loaders has one), and puts the answers back in request order.
 */
async function byInstant<Q extends { asOf: string | null }, A>(
  requests: readonly Q[],
  answer: (asOf: string | null, group: Q[]) => Promise<A[]>,
): Promise<A[]> {
  const groups = new Map<string | null, number[]>();
  requests.forEach((request, i) => groups.set(request.asOf, [...(groups.get(request.asOf) ?? []), i]));
  const answers = new Array<A>(requests.length);
  for (const [asOf, indexes] of groups) {
    const answered = await answer(asOf, indexes.flatMap((i) => requests[i] ?? []));
    indexes.forEach((request, j) => (answers[request] = answered[j] as A));
  }
  return answers;
}

function emptyLineage(): Lineage {
  return { nodes: [], edges: [], truncated: false };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
