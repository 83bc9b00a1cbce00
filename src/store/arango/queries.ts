import type { AqlQuery } from 'arangojs/aql';
import { ownerChain } from '../../domain/catalogue.js';
import type { AssetKind } from '../../domain/kinds.js';
import type { LineageOptions } from '../../domain/lineage.js';
import type { EdgeDirection, RelationName } from '../../domain/relations.js';
import type { ListQuery, RankQuery } from '../store.js';
import { Bindings } from './bindings.js';
import type { ArangoNames } from './catalogue.js';
import { EPOCH, nameSources } from './attributes.js';

/**
 * The engine's read queries, each built by a named function and opening with
 * a comment naming it. One query answers one port call, whatever its batch.
 */

/** `/* getAssets *\/`: the documents of `ids`, one row each, in order, null where missing. */
export function getAssetsQuery(ids: readonly string[]): AqlQuery {
  const b = new Bindings();
  return b.query(['/* getAssets */', `FOR id IN ${b.bind('ids', ids)}`, '  RETURN DOCUMENT(id)']);
}

/**
 * The AQL lines setting `variable` to the owning projects' ids of the asset
 * whose id is the expression `id`, sorted: one traversal over the ownership
 * edge collections only, each with the direction that steps up its chain
 * (`ArangoNames.ownerEdgeList`), from depth 0 (a project owns itself) to the
 * longest chain, keeping the vertices of the owner collections. It runs
 * inside the query that needs it, never as a query of its own.
 */
export function ownersLines(names: ArangoNames, variable: string, id: string, ownerCollections: string): string[] {
  return [
    `LET ${variable} = (`,
    `  FOR o IN 0..${names.ownerDepth} ANY ${id} ${names.ownerEdgeList()}`,
    '    OPTIONS { order: "bfs", uniqueVertices: "global" }',
    `    FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN ${ownerCollections}`,
    '    SORT o._id',
    '    RETURN o._id',
    ')',
  ];
}

/** The AQL lines keeping the asset whose id is `id` when a viewer scoped to `scope` may see it: no owner, or one in scope. */
export function visibleLines(names: ArangoNames, id: string, ownerCollections: string, scope: string, variable = 'owners'): string[] {
  return [
    ...ownersLines(names, variable, id, ownerCollections),
    `FILTER LENGTH(${variable}) == 0 OR LENGTH(INTERSECTION(${variable}, ${scope})) > 0`,
  ];
}

/** `/* owners *\/`: the sorted owning projects of each id, one row each, in order. */
export function ownersQuery(names: ArangoNames, ids: readonly string[]): AqlQuery {
  const b = new Bindings();
  const collections = b.bind('ownerCollections', names.ownerCollections);
  return b.query([
    '/* owners */',
    `WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`,
    `FOR id IN ${b.bind('ids', ids)}`,
    ...ownersLines(names, 'owners', 'id', collections).map((line) => `  ${line}`),
    '  RETURN owners',
  ]);
}

/** The neighbour requests that share a relation and a direction. */
export interface NeighborGroup {
  relation: RelationName;
  direction: EdgeDirection;
  ids: readonly string[];
}

/**
 * `/* neighbors *\/`: one row, an array per group holding an array of
 * neighbour documents per id, oldest relation first (by `seq`; arangopipe's
 * edges, which have none, come first, by key).
 */
export function neighborsQuery(names: ArangoNames, groups: readonly NeighborGroup[]): AqlQuery {
  const b = new Bindings();
  const lines = ['/* neighbors */'];
  groups.forEach((group, g) => {
    const [near, far] = group.direction === 'OUT' ? ['_from', '_to'] : ['_to', '_from'];
    lines.push(
      `LET g${g} = (`,
      `  FOR id IN ${b.bind(`g${g}_ids`, group.ids)}`,
      '    RETURN (',
      `      FOR e IN ${names.identifier(group.relation)}`,
      `        FILTER e.${near} == id`,
      '        SORT e.seq, e._key',
      `        LET asset = DOCUMENT(e.${far})`,
      '        FILTER asset != null',
      '        RETURN asset',
      '    )',
      ')',
    );
  });
  lines.push(`RETURN [${groups.map((_, g) => `g${g}`).join(', ')}]`);
  return b.query(lines);
}

/** The traversal requests that share every option but their start. */
export interface LineageGroup extends LineageOptions {
  starts: readonly string[];
  /** The scoped viewer's projects, or null (TraverseRequest.scope). */
  scope: readonly string[] | null;
}

/**
 * `/* traverse *\/`: the lineage of every start of every group, in one query.
 * One row: an array per group of `{ nodes: [{ asset, degree }], edges, truncated }`
 * per start. The semantics are domain/lineage.ts's:
 *
 * - A breadth-first traversal (`order: "bfs"`, `uniqueVertices: "global"`)
 *   over the lineage collections, each with the direction that steps towards
 *   the group's direction, visits every asset once at its shortest degree,
 *   `LENGTH(p.edges)`, and terminates on cycles. The start is never emitted
 *   (a cycle back to it is filtered out explicitly).
 * - A dangling edge (its vertex removed from the collection directly, which
 *   leaves the edges in place) ends the path: `PRUNE v == null` stops the
 *   traversal there, and the FILTER drops the missing vertex, which PRUNE
 *   still emits. A FILTER alone would go on expanding from it.
 * - It explores depth + 1 levels and stops after visitLimit + 1 assets (a
 *   `LIMIT` the traversal honours lazily). BFS emits levels in order, so the
 *   last asset visited has the greatest degree: one beyond `depth` means an
 *   asset lies past the depth bound. More than visitLimit visited means the
 *   visit limit cut the traversal; the level it cut is then dropped, so only
 *   whole levels are returned and the result does not depend on which part of
 *   a level the database happened to visit first.
 * - `kinds` filters the explored assets after the traversal, which passes
 *   through every kind; the `limit` nearest, ties by id, are returned.
 * - `truncated`: the visit limit was exceeded, or an asset lies beyond the
 *   depth, or more assets were selected than `limit`.
 * - `edges`: every lineage edge leaving one of the returned assets or the
 *   start and reaching another (each edge is found once, from its `_from`).
 *
 * Traversals over collection lists need `WITH` in a cluster.
 */
export function traverseQuery(names: ArangoNames, groups: readonly LineageGroup[]): AqlQuery {
  const b = new Bindings();
  const identifiers = (collections: readonly string[]) => collections.map((name) => names.identifier(name)).join(', ');
  const lines = ['/* traverse */', `WITH ${identifiers(names.vertexCollections)}`];
  const lineageEdges = identifiers(names.lineageCollections);
  groups.forEach((group, g) => {
    const v = (name: string, value: unknown) => b.bind(`g${g}_${name}`, value);
    const starts = v('starts', group.starts);
    const explore = v('explore', group.depth + 1);
    const visitCap = v('visitCap', group.visitLimit + 1);
    const visitLimit = v('visitLimit', group.visitLimit);
    const depth = v('depth', group.depth);
    const limit = v('limit', group.limit);
    const kindSelection = group.kinds
      ? `explored[* FILTER PARSE_IDENTIFIER(CURRENT.id).collection IN ${v('collections', collectionsOf(names, group.kinds))}]`
      : 'explored';
    const scoped = group.scope === null ? null : scopedLineageLines(names, v, kindSelection, group.scope, depth);
    const selection = scoped ? scoped.selection : kindSelection;
    const beyondDepth = scoped ? 'LENGTH(beyond) > 0' : `LAST(visited).degree > ${depth}`;
    lines.push(
      `LET g${g} = (`,
      `  FOR start IN ${starts}`,
      '    LET visited = (',
      `      FOR v, e, p IN 1..${explore} ANY start`,
      `        ${names.lineageEdgeList(group.direction)}`,
      '        PRUNE v == null',
      '        OPTIONS { order: "bfs", uniqueVertices: "global" }',
      '        FILTER v != null AND v._id != start',
      `        LIMIT ${visitCap}`,
      '        RETURN { id: v._id, degree: LENGTH(p.edges) }',
      '    )',
      `    LET overVisitLimit = LENGTH(visited) > ${visitLimit}`,
      '    LET complete = overVisitLimit ? visited[* FILTER CURRENT.degree < LAST(visited).degree] : visited',
      `    LET explored = complete[* FILTER CURRENT.degree <= ${depth}]`,
      ...(scoped ? scoped.lines : []),
      `    LET selected = ${selection}`,
      '    LET chosen = (',
      '      FOR n IN selected',
      '        SORT n.degree, n.id',
      `        LIMIT ${limit}`,
      '        RETURN n',
      '    )',
      '    LET members = APPEND([start], chosen[*].id)',
      '    LET edges = (',
      '      FOR id IN members',
      `        FOR w, f IN 1..1 OUTBOUND id ${lineageEdges}`,
      '          FILTER f._to IN members',
      '          RETURN DISTINCT { relation: PARSE_IDENTIFIER(f._id).collection, from: f._from, to: f._to }',
      '    )',
      '    RETURN {',
      '      nodes: (FOR n IN chosen RETURN { asset: DOCUMENT(n.id), degree: n.degree }),',
      '      edges,',
      `      truncated: overVisitLimit OR ${beyondDepth} OR LENGTH(selected) > ${limit}`,
      '    }',
      ')',
    );
  });
  lines.push(`RETURN [${groups.map((_, g) => `g${g}`).join(', ')}]`);
  return b.query(lines);
}

/**
 * For a scoped group: `visible`, the explored assets of the selected kinds
 * the viewer may see, and `beyond`, one visible asset lying past the depth
 * if any, each filtered by the ownership subquery inside this one query.
 */
function scopedLineageLines(
  names: ArangoNames,
  v: (name: string, value: unknown) => string,
  kindSelection: string,
  scope: readonly string[],
  depth: string,
): { lines: string[]; selection: string } {
  const collections = v('ownerCollections', names.ownerCollections);
  const scopeVar = v('scope', scope);
  const visible = (id: string) => visibleLines(names, id, collections, scopeVar).map((line) => `        ${line}`);
  return {
    selection: 'visible',
    lines: [
      '    LET visible = (',
      `      FOR n IN ${kindSelection}`,
      ...visible('n.id'),
      '        RETURN n',
      '    )',
      '    LET beyond = (',
      `      FOR n IN visited`,
      `        FILTER n.degree > ${depth}`,
      ...visible('n.id'),
      '        LIMIT 1',
      '        RETURN 1',
      '    )',
    ],
  };
}

/**
 * `/* listAssets *\/`: a page of assets in (createdAt, id) order after a
 * keyset position, and one more to tell whether another page follows; null
 * when no asset can match (nothing to ask).
 *
 * Each collection the query can match is read in (created_at, _key) order, the
 * order of its persistent index, up to the page size, and the branches merged.
 * The order and every comparison are on the stored `created_at`, so a
 * document without one (arangopipe's) sorts first, where its `createdAt` of
 * `EPOCH` puts it; a filter instant at or before `EPOCH` is bound as null,
 * which AQL orders before every string, to keep the comparisons consistent.
 * A position holds the stored `created_at` text as it is (`EPOCH` for none,
 * bound as null), so a cursor pages past documents whose stored time is not
 * ISO 8601 too.
 */
export function listAssetsQuery(names: ArangoNames, query: ListQuery): AqlQuery | null {
  const kinds = listedKinds(names, query);
  if (kinds.length === 0 || (query.createdBefore !== null && query.createdBefore <= EPOCH)) return null;
  const b = new Bindings();
  const take = b.bind('take', query.first + 1);
  const filters: string[] = [];
  let scopeFilter: string | null = null;
  if (query.nameContains !== null) {
    filters.push(`FILTER CONTAINS(LOWER(assetName), LOWER(${b.bind('nameContains', query.nameContains)}))`);
  }
  if (query.tag !== null) filters.push(`FILTER d.tag == ${b.bind('tag', query.tag)}`);
  if (query.environment !== null) filters.push(`FILTER d.environment == ${b.bind('environment', query.environment)}`);
  if (query.createdAfter !== null && query.createdAfter > EPOCH) {
    filters.push(`FILTER d.created_at >= ${b.bind('createdAfter', query.createdAfter)}`);
  }
  if (query.createdBefore !== null) {
    filters.push(`FILTER d.created_at < ${b.bind('createdBefore', query.createdBefore)}`);
  }
  if (query.scope !== null) scopeFilter = b.bind('scope', query.scope);
  if (query.after !== null) {
    const createdAt = b.bind('afterCreatedAt', query.after.createdAt === EPOCH ? null : query.after.createdAt);
    const id = b.bind('afterId', query.after.id);
    filters.push(`FILTER d.created_at > ${createdAt} OR (d.created_at == ${createdAt} AND d._id > ${id})`);
  }

  const lines = ['/* listAssets */'];
  const chained = kinds.some((kind) => Array.isArray(ownerChain(names.catalogue, kind)));
  const needsOwners = scopeFilter !== null || (query.project !== null && chained);
  const ownerCollections = needsOwners ? b.bind('ownerCollections', names.ownerCollections) : '';
  if (needsOwners || query.project !== null) lines.push(`WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`);
  const scopeLines = (kind: AssetKind): string[] => {
    if (scopeFilter === null) return [];
    const chain = ownerChain(names.catalogue, kind);
    if (chain === 'shared') return [];
    if (chain === 'self') return [`FILTER d._id IN ${scopeFilter}`];
    return visibleLines(names, 'd._id', ownerCollections, scopeFilter);
  };
  const project = query.project === null ? null : b.bind('project', query.project);
  const projectLines = (kind: AssetKind): string[] => {
    if (project === null) return [];
    const chain = ownerChain(names.catalogue, kind);
    if (chain === 'shared') return ['FILTER d._id IN projectUpstream'];
    return [...ownersLines(names, 'projects', 'd._id', ownerCollections), `FILTER ${project} IN projects`];
  };
  if (project !== null && kinds.some((kind) => ownerChain(names.catalogue, kind) === 'shared')) {
    lines.push(...projectUpstreamLines(names, project, b.bind('lineageDepth', WHOLE_LINEAGE_DEPTH)));
  }
  lines.push('FOR branch IN [');
  kinds.forEach((kind, i) => {
    lines.push(
      '  (',
      `    FOR d IN ${names.identifier(names.collection(kind))}`,
      ...(query.nameContains !== null ? [`      LET assetName = ${nameExpression(kind, 'd')}`] : []),
      ...filters.map((filter) => `      ${filter}`),
      ...scopeLines(kind).map((line) => `      ${line}`),
      ...projectLines(kind).map((line) => `      ${line}`),
      '      SORT d.created_at, d._key',
      `      LIMIT ${take}`,
      '      RETURN d',
      i < kinds.length - 1 ? '  ),' : '  )',
    );
  });
  lines.push(
    ']',
    '  FOR asset IN branch',
    '    SORT asset.created_at, asset._id',
    `    LIMIT ${take}`,
    '    RETURN asset',
  );
  return b.query(lines);
}

/**
 * The kinds a listing can return: the one asked for; only deployments when
 * an environment is given; no projects when a project is (a project owns
 * itself, but is not what it owns).
 */
function listedKinds(names: ArangoNames, query: ListQuery): AssetKind[] {
  const kinds = query.kind ? [query.kind] : names.catalogue.kinds.map((spec) => spec.kind);
  return kinds.filter(
    (kind) =>
      (query.environment === null || kind === 'DEPLOYMENT') &&
      (query.project === null || ownerChain(names.catalogue, kind) !== 'self'),
  );
}

/** The depth bound of a lineage followed "at any depth": beyond any real graph's longest path. */
export const WHOLE_LINEAGE_DEPTH = 100_000;

/**
 * The AQL lines setting `projectUpstream` to the ids of the models of
 * `project` and everything upstream of them, at any depth: what a project
 * filter keeps of the kinds no project owns.
 */
function projectUpstreamLines(names: ArangoNames, project: string, depth: string): string[] {
  return [
    'LET projectUpstream = UNIQUE(FLATTEN(',
    `  FOR e IN ${names.identifier('project_models')}`,
    `    FILTER e._from == ${project}`,
    '    RETURN (',
    `      FOR v IN 0..${depth} ANY e._to ${names.lineageEdgeList('UPSTREAM')}`,
    '        OPTIONS { order: "bfs", uniqueVertices: "global" }',
    '        RETURN v._id',
    '    )',
    '))',
  ];
}

/**
 * `/* rankRuns *\/`: a leaderboard page (Store.rankRuns) and one more row.
 * Each development performance holding the metric (under `metrics`, or
 * among its attributes as arangopipe writes them) gives its runs
 * (`run_devperf`); the scope, then the selection, then `bestPerModel`
 * apply, and the page is one SORT and LIMIT over what remains. Unlike
 * SQLite's, this reads every development performance: no index serves an
 * order on `metrics[@metric]` for any metric name.
 */
export function rankRunsQuery(names: ArangoNames, query: RankQuery): AqlQuery {
  const b = new Bindings();
  const { selection } = query;
  const lines = ['/* rankRuns */', `WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`];
  const needsOwners = query.scope !== null || selection.project !== null;
  const ownerCollections = needsOwners ? b.bind('ownerCollections', names.ownerCollections) : '';
  if (selection.downstreamOf !== null) {
    const depth = b.bind('lineageDepth', WHOLE_LINEAGE_DEPTH);
    lines.push(
      'LET downstream = (',
      `  FOR v IN 1..${depth} ANY ${b.bind('downstreamOf', selection.downstreamOf)} ${names.lineageEdgeList('DOWNSTREAM')}`,
      '    OPTIONS { order: "bfs", uniqueVertices: "global" }',
      '    RETURN v._id',
      ')',
    );
  }
  if (selection.model !== null) {
    lines.push(
      `LET modelRuns = (FOR e IN ${names.identifier('run_models')} FILTER e._from == ${b.bind('model', selection.model)} RETURN e._to)`,
    );
  }
  const metric = b.bind('metric', query.metric);
  const filters: string[] = [];
  // One ownership traversal serves both the scope and the project.
  if (needsOwners) filters.push(...ownersLines(names, 'owners', 'r._id', ownerCollections));
  if (query.scope !== null) filters.push(`FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, ${b.bind('scope', query.scope)})) > 0`);
  if (selection.project !== null) filters.push(`FILTER ${b.bind('project', selection.project)} IN owners`);
  if (selection.downstreamOf !== null) filters.push('FILTER r._id IN downstream');
  if (selection.model !== null) filters.push('FILTER r._id IN modelRuns');
  if (selection.tag !== null) filters.push(`FILTER r.tag == ${b.bind('tag', selection.tag)}`);
  if (selection.status !== null) filters.push(`FILTER NOT_NULL(r.status, "COMPLETED") == ${b.bind('status', selection.status)}`);
  if (selection.since !== null) filters.push(`FILTER r.created_at >= ${b.bind('since', selection.since)}`);
  if (selection.until !== null) filters.push(`FILTER r.created_at < ${b.bind('until', selection.until)}`);
  const direction = query.order === 'ASC' ? 'ASC' : 'DESC';
  const after = (entry: string): string[] => {
    if (query.after === null) return [];
    const value = b.bind('afterValue', query.after.value);
    const id = b.bind('afterId', query.after.id);
    const beyond = query.order === 'ASC' ? '>' : '<';
    return [`FILTER ${entry}.value ${beyond} ${value} OR (${entry}.value == ${value} AND ${entry}.run._id > ${id})`];
  };
  const take = b.bind('take', query.first + 1);
  lines.push(
    `FOR d IN ${names.identifier(names.collection('DEV_PERF'))}`,
    `  LET value = HAS(d, "metrics") ? d.metrics[${metric}] : d[${metric}]`,
    '  FILTER IS_NUMBER(value)',
    `  FOR r IN 1..1 INBOUND d ${names.identifier('run_devperf')}`,
    ...filters.map((line) => `    ${line}`),
  );
  if (!query.bestPerModel) {
    lines.push(
      '    LET entry = { run: r, value }',
      ...after('entry').map((line) => `    ${line}`),
      `    SORT value ${direction}, r._id`,
      `    LIMIT ${take}`,
      '    RETURN entry',
    );
    return b.query(lines);
  }
  lines.push(
    `    LET model = FIRST(FOR m IN 1..1 INBOUND r ${names.identifier('run_models')} RETURN m._id)`,
    '    COLLECT group = NOT_NULL(model, r._id) INTO members = { run: r, value }',
    `    LET entry = FIRST(FOR m IN members SORT m.value ${direction}, m.run._id LIMIT 1 RETURN m)`,
    ...after('entry').map((line) => `    ${line}`),
    `    SORT entry.value ${direction}, entry.run._id`,
    `    LIMIT ${take}`,
    '    RETURN entry',
  );
  return b.query(lines);
}

/**
 * The AQL expression of a document's name, as documents.ts reads it: the
 * first non-empty string among the kind's name sources, else the key.
 */
export function nameExpression(kind: AssetKind, doc: string): string {
  const sources = nameSources(kind).map((attribute) => `${doc}.${attribute}`).join(', ');
  return `NOT_NULL(FIRST([${sources}][* FILTER IS_STRING(CURRENT) AND CURRENT != ""]), ${doc}._key)`;
}

function collectionsOf(names: ArangoNames, kinds: readonly AssetKind[]): string[] {
  return kinds.map((kind) => names.collection(kind));
}
