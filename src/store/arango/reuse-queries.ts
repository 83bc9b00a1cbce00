import type { AqlQuery } from 'arangojs/aql';
import { USAGE_KINDS, type DuplicateKind } from '../../domain/reuse.js';
import type { UsageRankQuery } from '../store.js';
import { ARANGOPIPE_BOOKKEEPING, COMMON_ATTRIBUTES } from './attributes.js';
import { Bindings } from './bindings.js';
import type { ArangoNames } from './catalogue.js';
import { visibleLines, WHOLE_LINEAGE_DEPTH } from './queries.js';

/**
 * The queries of reusable steps (Store.usage, rankUsage, duplicates). The
 * ArangoDB engine keeps no cache of usage: each query walks the downstream
 * lineage of the assets it counts, whole (no visit limit), as
 * `rankRuns`'s `downstreamOf` does.
 */

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
 * `/* rankUsage *\/`: a page of the assets of the kind the scope may see
 * with at least `minModels` models downstream, by models descending then
 * id, after the position, and one more row. Every asset of the kind is
 * counted for every page: no index holds usage on this engine.
 */
export function rankUsageQuery(names: ArangoNames, query: UsageRankQuery): AqlQuery {
  const b = new Bindings();
  const v: Bind = (name, value) => b.bind(name, value);
  const visible =
    query.scope === null ? [] : visibleLines(names, 'a._id', v('assetOwnerCollections', names.ownerCollections), v('assetScope', query.scope));
  const after =
    query.after === null
      ? []
      : [
          `FILTER usage.models < ${v('afterModels', query.after.models)} OR (usage.models == @afterModels AND a._id > ${v('afterId', query.after.id)})`,
        ];
  return b.query([
    '/* rankUsage */',
    `WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`,
    `FOR a IN ${names.identifier(names.collection(query.kind))}`,
    ...visible.map((line) => `  ${line}`),
    ...usageLines(names, v, 'a._id', query.scope).map((line) => `  ${line}`),
    `  FILTER usage.models >= ${v('minModels', query.minModels)}`,
    ...after.map((line) => `  ${line}`),
    '  SORT usage.models DESC, a._id',
    `  LIMIT ${v('take', query.first + 1)}`,
    '  RETURN { asset: a, usage }',
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
