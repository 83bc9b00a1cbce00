import type { AqlQuery } from 'arangojs/aql';
import type { EnsurePersistentIndexOptions } from 'arangojs/indexes';
import { USAGE_KINDS, type DuplicateKind } from '../../domain/reuse.js';
import type { UsageRankQuery } from '../store.js';
import { META_COLLECTION } from './catalogue.js';
import { CHANGE_COUNTER_KEY, CHANGES_COLLECTION } from './changes.js';
import { ARANGOPIPE_BOOKKEEPING, COMMON_ATTRIBUTES } from './attributes.js';
import { Bindings } from './bindings.js';
import type { ArangoNames } from './catalogue.js';
import { visibleLines, WHOLE_LINEAGE_DEPTH } from './queries.js';

/**
 * The queries of reusable steps (Store.usage, rankUsage, duplicates). Usage
 * counts are kept in `metalayer_usage`, one document per (scope, asset)
 * keyed by the SHA-1 of `scope + "\n" + asset` (scope `""` for none, else
 * its projects sorted, as JSON), with `rank` = −models so that one ascending
 * persistent index serves the ranking's order. `metalayer_meta/usage`
 * holds `seq`, the change sequence the counts are valid up to. A batch of
 * assets is counted by a walk of the whole downstream lineage of each (no
 * visit limit), as `rankRuns`'s `downstreamOf` does; a whole kind by the
 * shared in-memory walk over the lineage relations (reuse.ts).
 */

export const USAGE_COLLECTION = 'metalayer_usage';
export const USAGE_VALID_KEY = 'usage';

/** The cache's indexes beside the primary one: a ranking page, in (models descending, asset) order. */
export const USAGE_INDEXES: readonly EnsurePersistentIndexOptions[] = [
  { type: 'persistent', name: 'metalayer_usage_rank', fields: ['scope', 'kind', 'rank', 'asset'], inBackground: true },
];

/** The cache's name for a scope: `""` for none, else its projects sorted, as JSON. */
export function usageScopeKey(scope: readonly string[] | null): string {
  return scope === null ? '' : JSON.stringify([...scope].sort());
}

/** The AQL expression of the cache key of the asset id `asset` for the scope key `scope`. */
const cacheKey = (scope: string, asset: string) => `SHA1(CONCAT(${scope}, "\\n", ${asset}))`;

type Bind = (name: string, value: unknown) => string;

/**
 * The AQL lines setting `usage` to `{ runs, models, deployments }` for the
 * asset whose id is the expression `id`: the distinct assets of the counted
 * kinds one breadth-first walk reaches downstream (each once, the start
 * left out), the hidden ones left out for a scope.
 */
function usageLines(names: ArangoNames, v: Bind, id: string, scope: readonly string[] | null): string[] {
  const counted = Object.entries(USAGE_KINDS).flatMap(([kind]) => {
    const spec = names.catalogue.kinds.find((candidate) => candidate.kind === kind);
    return spec ? [spec.collection] : [];
  });
  const collection = (kind: keyof typeof USAGE_KINDS) =>
    names.catalogue.kinds.find((spec) => spec.kind === kind)?.collection ?? null;
  const visible =
    scope === null ? [] : visibleLines(names, 'w._id', v('ownerCollections', names.ownerCollections), v('scope', scope), 'reachedOwners');
  return [
    'LET reached = (',
    `  FOR w IN 1..${v('lineageDepth', WHOLE_LINEAGE_DEPTH)} ANY ${id} ${names.lineageEdgeList('DOWNSTREAM')}`,
    '    PRUNE w == null',
    '    OPTIONS { order: "bfs", uniqueVertices: "global" }',
    `    FILTER w != null AND w._id != ${id} AND PARSE_IDENTIFIER(w._id).collection IN ${v('counted', counted)}`,
    ...visible.map((line) => `    ${line}`),
    '    RETURN PARSE_IDENTIFIER(w._id).collection',
    ')',
    'LET usage = {',
    `  runs: COUNT(reached[* FILTER CURRENT == ${v('runs', collection('RUN'))}]),`,
    `  models: COUNT(reached[* FILTER CURRENT == ${v('models', collection('MODEL'))}]),`,
    `  deployments: COUNT(reached[* FILTER CURRENT == ${v('deployments', collection('DEPLOYMENT'))}])`,
    '}',
  ];
}

/** The usage requests that share a scope. */
export interface UsageGroup {
  ids: readonly string[];
  scope: readonly string[] | null;
}

/** `/* usage *\/`: one row, an array per group holding `{ runs, models, deployments }` per id, in order. */
export function usageQuery(names: ArangoNames, groups: readonly UsageGroup[]): AqlQuery {
  const b = new Bindings();
  const lines = ['/* usage */', `WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`];
  groups.forEach((group, g) => {
    const v: Bind = (name, value) => b.bind(`g${g}_${name}`, value);
    lines.push(
      `LET g${g} = (`,
      `  FOR id IN ${v('ids', group.ids)}`,
      ...usageLines(names, v, 'id', group.scope).map((line) => `    ${line}`),
      '    RETURN usage',
      ')',
    );
  });
  lines.push(`RETURN [${groups.map((_, g) => `g${g}`).join(', ')}]`);
  return b.query(lines);
}

/**
 * `/* rankUsage *\/`: a page of the counted assets of the kind for the
 * scope with at least `minModels` models downstream, by models descending
 * then id, after the position, and one more row: a range of the
 * `metalayer_usage_rank` index, each asset read by id.
 */
export function rankUsageQuery(names: ArangoNames, query: UsageRankQuery): AqlQuery {
  const b = new Bindings();
  const v: Bind = (name, value) => b.bind(name, value);
  const after =
    query.after === null
      ? []
      : [`  FILTER u.rank > ${v('afterRank', 0 - query.after.models)} OR (u.rank == @afterRank AND u.asset > ${v('afterId', query.after.id)})`];
  return b.query([
    '/* rankUsage */',
    `FOR u IN ${USAGE_COLLECTION}`,
    `  FILTER u.scope == ${v('scope', usageScopeKey(query.scope))} AND u.kind == ${v('kind', query.kind)} AND u.rank <= ${v('maxRank', 0 - query.minModels)}`,
    ...after,
    '  SORT u.rank, u.asset',
    `  LIMIT ${v('take', query.first + 1)}`,
    '  RETURN { asset: DOCUMENT(u.asset), usage: { runs: u.runs, models: u.models, deployments: u.deployments } }',
  ]);
}

/**
 * `/* usageStale *\/`: what the cache must drop before a read, in one
 * snapshot: `valid`, the sequence the counts are valid up to; `last`, the
 * log's last sequence; `changed`, the ids that the relation changes and
 * deletions after `valid` touch (read in the log's key order, its primary
 * index, at most `limit` + 1 of them); `many`, whether more than `limit`.
 */
export function usageStaleQuery(limit: number): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* usageStale */',
    `LET valid = NOT_NULL(DOCUMENT(${b.bind('validId', `${META_COLLECTION}/${USAGE_VALID_KEY}`)}).seq, 0)`,
    `LET last = NOT_NULL(DOCUMENT(${b.bind('counterId', `${META_COLLECTION}/${CHANGE_COUNTER_KEY}`)}).seq, 0)`,
    'LET changed = (',
    `  FOR c IN ${CHANGES_COLLECTION}`,
    '    FILTER c._key > RIGHT(CONCAT("0000000000000000", valid), 16)',
    `    FILTER c.operation IN ${b.bind('operations', ['LINK', 'UNLINK', 'DELETE'])}`,
    `    LIMIT ${b.bind('take', limit + 1)}`,
    '    RETURN c.operation == "DELETE" ? [c.assetId] : [c.from, c.to]',
    ')',
    `RETURN { valid, last, many: LENGTH(changed) > ${b.bind('limit', limit)}, changed: UNIQUE(FLATTEN(changed)) }`,
  ]);
}

/**
 * `/* usageDropUpstream *\/`: removes the unscoped counts of `ends` and of
 * everything upstream of them (one walk each, whole), ignoring those never
 * counted.
 */
export function usageDropUpstreamStatement(names: ArangoNames, ends: readonly string[]): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* usageDropUpstream */',
    `WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`,
    'LET stale = UNIQUE(FLATTEN(',
    `  FOR s IN ${b.bind('ends', ends)}`,
    '    RETURN APPEND([s], (',
    `      FOR w IN 1..${b.bind('lineageDepth', WHOLE_LINEAGE_DEPTH)} ANY s ${names.lineageEdgeList('UPSTREAM')}`,
    '        PRUNE w == null',
    '        OPTIONS { order: "bfs", uniqueVertices: "global" }',
    '        FILTER w != null',
    '        RETURN w._id',
    '    ))',
    '))',
    'FOR id IN stale',
    `  REMOVE { _key: ${cacheKey('""', 'id')} } IN ${USAGE_COLLECTION} OPTIONS { ignoreErrors: true }`,
  ]);
}

/** `/* usageDropScoped *\/`: removes every scoped count (a relation may change what a scope sees); `/* usageDropAll *\/` every count. */
export function usageDropStatement(which: 'scoped' | 'all'): AqlQuery {
  return new Bindings().query(
    which === 'scoped'
      ? ['/* usageDropScoped */', `FOR u IN ${USAGE_COLLECTION}`, '  FILTER u.scope != ""', `  REMOVE u IN ${USAGE_COLLECTION}`]
      : ['/* usageDropAll */', `FOR u IN ${USAGE_COLLECTION}`, `  REMOVE u IN ${USAGE_COLLECTION}`],
  );
}

/** `/* usageValid *\/`: records that the counts are valid up to the sequence `seq`. */
export function usageValidStatement(seq: number): AqlQuery {
  const b = new Bindings();
  const key = b.bind('key', USAGE_VALID_KEY);
  const value = b.bind('seq', seq);
  return b.query([
    '/* usageValid */',
    `UPSERT { _key: ${key} }`,
    `  INSERT { _key: ${key}, seq: ${value} }`,
    `  UPDATE { seq: ${value} }`,
    `  IN ${META_COLLECTION}`,
  ]);
}

/** `/* usageCached *\/`: the cached counts of `ids` for the scope, in order, null where none is cached. */
export function usageCachedQuery(scope: readonly string[] | null, ids: readonly string[]): AqlQuery {
  const b = new Bindings();
  const key = b.bind('scope', usageScopeKey(scope));
  return b.query([
    '/* usageCached */',
    `FOR id IN ${b.bind('ids', ids)}`,
    `  LET u = DOCUMENT(${USAGE_COLLECTION}, ${cacheKey(key, 'id')})`,
    '  RETURN u == null ? null : { runs: u.runs, models: u.models, deployments: u.deployments }',
  ]);
}

/**
 * `/* usageUncounted *\/`: the ids of the assets of the kind the scope may
 * see that have no count yet, newest first. Unscoped, as many counts as
 * assets of the kind means none is missing (a count goes with its asset,
 * dropped when it is deleted): two counts instead of a lookup per asset.
 */
export function usageUncountedQuery(names: ArangoNames, kind: UsageRankQuery['kind'], scope: readonly string[] | null): AqlQuery {
  const b = new Bindings();
  const v: Bind = (name, value) => b.bind(name, value);
  const key = v('scopeKey', usageScopeKey(scope));
  const collection = names.collection(kind);
  const complete =
    scope === null
      ? [
          `LET counted = LENGTH(FOR u IN ${USAGE_COLLECTION} FILTER u.scope == ${key} AND u.kind == ${v('kind', kind)} RETURN 1)`,
          `LET complete = counted == COLLECTION_COUNT(${v('collection', collection)})`,
        ]
      : ['LET complete = false'];
  const visible = scope === null ? [] : visibleLines(names, 'a._id', v('ownerCollections', names.ownerCollections), v('scope', scope));
  return b.query([
    '/* usageUncounted */',
    ...(scope === null ? [] : [`WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`]),
    ...complete,
    `FOR a IN ${names.identifier(collection)}`,
    '  FILTER NOT complete',
    `  FILTER DOCUMENT(${USAGE_COLLECTION}, ${cacheKey(key, 'a._id')}) == null`,
    ...visible.map((line) => `  ${line}`),
    '  SORT a.created_at DESC, a._id DESC',
    '  RETURN a._id',
  ]);
}

/** `/* usageLineageEdges *\/`: every relation of one lineage collection, as `[from, to]`. */
export function usageLineageEdgesQuery(names: ArangoNames, relation: string): AqlQuery {
  return new Bindings().query(['/* usageLineageEdges */', `FOR e IN ${names.identifier(relation)}`, '  RETURN [e._from, e._to]']);
}

/** `/* usageVisibleCounted *\/`: the ids of the runs, models and deployments a scope may see. */
export function usageVisibleCountedQuery(names: ArangoNames, scope: readonly string[]): AqlQuery {
  const b = new Bindings();
  const v: Bind = (name, value) => b.bind(name, value);
  const collections = Object.keys(USAGE_KINDS).flatMap((kind) => {
    const spec = names.catalogue.kinds.find((candidate) => candidate.kind === kind);
    return spec ? [spec.collection] : [];
  });
  return b.query([
    '/* usageVisibleCounted */',
    `WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`,
    `FOR a IN UNION(${collections.map((collection) => `(FOR a IN ${names.identifier(collection)} RETURN a._id)`).join(', ')}, [])`,
    ...visibleLines(names, 'a', v('ownerCollections', names.ownerCollections), v('scope', scope)).map((line) => `  ${line}`),
    '  RETURN a',
  ]);
}

/** A count to cache: the asset, its kind, its usage. */
export interface UsageEntry {
  asset: string;
  kind: string;
  runs: number;
  models: number;
  deployments: number;
}

/** `/* usageStore *\/`: caches the counts of the assets that still exist, replacing any before. */
export function usageStoreStatement(scope: readonly string[] | null, entries: readonly UsageEntry[]): AqlQuery {
  const b = new Bindings();
  const key = b.bind('scope', usageScopeKey(scope));
  return b.query([
    '/* usageStore */',
    `FOR d IN ${b.bind('entries', entries)}`,
    '  FILTER DOCUMENT(d.asset) != null',
    `  INSERT MERGE(d, { _key: ${cacheKey(key, 'd.asset')}, scope: ${key}, rank: 0 - d.models })`,
    `    INTO ${USAGE_COLLECTION} OPTIONS { overwriteMode: "replace" }`,
  ]);
}

/**
 * `/* duplicates *\/`: the documents of the kind the scope may see, grouped
 * by what they compare (an AQL value close to the domain's
 * `comparedContent`; the engine fingerprints each document with the domain
 * and regroups), the groups of two or more only, each with its documents
 * and, for featuresets, their datasets.
 */
export function duplicatesQuery(names: ArangoNames, kind: DuplicateKind, scope: readonly string[] | null): AqlQuery {
  const b = new Bindings();
  const v: Bind = (name, value) => b.bind(name, value);
  const visible = scope === null ? [] : visibleLines(names, 'd._id', v('ownerCollections', names.ownerCollections), v('scope', scope));
  const linked =
    kind === 'FEATURESET'
      ? `(FOR e IN ${names.identifier('featureset_dataset')} FILTER e._from == d._id SORT e._to RETURN e._to)`
      : '[]';
  const compared = (): string => {
    switch (kind) {
      case 'DATASET':
        return '{ source: d.source, statistics: d.statistics }';
      case 'FEATURESET':
        return '{ features: (FOR f IN (IS_ARRAY(d.features) ? d.features : []) SORT f.name, f.dtype RETURN { name: f.name, dtype: f.dtype }), linked }';
      case 'MODEL_PARAMS':
        return `HAS(d, "params") ? d.params : UNSET(d, ${v('ignored', ['_id', '_key', '_rev', ...COMMON_ATTRIBUTES, ...ARANGOPIPE_BOOKKEEPING])})`;
    }
  };
  return b.query([
    '/* duplicates */',
    ...(scope === null ? [] : [`WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`]),
    `FOR d IN ${names.identifier(names.collection(kind))}`,
    ...visible.map((line) => `  ${line}`),
    `  LET linked = ${linked}`,
    `  LET compared = ${compared()}`,
    '  COLLECT key = compared INTO members = { doc: d, datasets: linked }',
    '  FILTER LENGTH(members) > 1',
    '  RETURN members',
  ]);
}
