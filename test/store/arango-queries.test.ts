import type { AqlQuery } from 'arangojs/aql';
import { describe, expect, it } from 'vitest';
import { BUILTIN_KINDS, BUILTIN_RELATIONS, builtinCatalogue, createCatalogue } from '../../src/domain/catalogue.js';
import type { AssetContent } from '../../src/domain/kinds.js';
import type { TraverseRequest } from '../../src/domain/lineage.js';
import type { RelationName } from '../../src/domain/relations.js';
import { ArangoNames } from '../../src/store/arango/catalogue.js';
import { toDocument as toDocumentOf } from '../../src/store/arango/documents.js';
import { keepSecretStatement, nextRevisionStatement, revisionStatement } from '../../src/store/arango/meta.js';
import {
  getAssetsQuery,
  listAssetsQuery,
  rankRunsQuery,
  nameExpression,
  neighborsQuery,
  ownersQuery,
  traverseQuery,
} from '../../src/store/arango/queries.js';
import { groupNeighborRequests, groupTraverseRequests } from '../../src/store/arango/reads.js';
import {
  deleteAssetStatement,
  existingKeysStatement,
  importAssetsStatement,
  importEdgesStatement,
  putAssetStatement,
  takenNamesStatement,
  putEdgeStatement,
  removeEdgeStatement,
  readAssetStatement,
  replaceAssetStatement,
} from '../../src/store/arango/statements.js';
import { insertMetricPointsStatement, metricFactsStatement, metricSeriesQuery } from '../../src/store/arango/metrics.js';
import {
  duplicatesQuery,
  rankUsageQuery,
  USAGE_INDEXES,
  usageCachedQuery,
  usageDropStatement,
  usageDropUpstreamStatement,
  usageLineageEdgesQuery,
  usageQuery,
  usageStaleQuery,
  usageStoreStatement,
  usageUncountedQuery,
  usageValidStatement,
  usageVisibleCountedQuery,
} from '../../src/store/arango/reuse-queries.js';
import { transactionCollections } from '../../src/store/arango/writes.js';
import { makeListQuery } from '../../src/store/store.js';
import { content } from '../helpers/assets.js';

const catalogue = builtinCatalogue();
const names = new ArangoNames(catalogue);
const toDocument = (asset: AssetContent, createdAt: string, updatedAt: string) =>
  toDocumentOf(catalogue, asset, createdAt, updatedAt);

/**
 * Every AQL query the ArangoDB engine sends, pinned down as text and bind
 * variables (no server runs here), written against the ArangoDB 3.12 AQL
 * documentation.
 */

/** A template literal without its common indentation and its first and last line breaks. */
function aql(strings: TemplateStringsArray, ...values: string[]): string {
  const text = strings.raw.map((s, i) => s + (values[i] ?? '')).join('');
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** The bind variables a query's text refers to; they must be exactly those bound (else error 1551/1552). */
function referencedVariables(query: AqlQuery): string[] {
  return [...new Set([...query.query.matchAll(/@([A-Za-z][A-Za-z0-9_]*)/g)].map((m) => m[1] as string))].sort();
}

function expectWellFormed(query: AqlQuery, name: string): void {
  expect(query.query.startsWith(`/* ${name} */\n`)).toBe(true);
  expect(referencedVariables(query)).toEqual(Object.keys(query.bindVars).sort());
}

const UPSTREAM_EDGES =
  'OUTBOUND run_models, OUTBOUND run_modelparams, OUTBOUND run_datasets, OUTBOUND run_featuresets, ' +
  'INBOUND run_devperf, OUTBOUND featureset_dataset, OUTBOUND deployment_model, OUTBOUND deployment_modelparams, ' +
  'OUTBOUND deployment_featureset, INBOUND deployment_servingperf, OUTBOUND derived_from, INBOUND run_outputs';

const DOWNSTREAM_EDGES =
  'INBOUND run_models, INBOUND run_modelparams, INBOUND run_datasets, INBOUND run_featuresets, ' +
  'OUTBOUND run_devperf, INBOUND featureset_dataset, INBOUND deployment_model, INBOUND deployment_modelparams, ' +
  'INBOUND deployment_featureset, OUTBOUND deployment_servingperf, INBOUND derived_from, OUTBOUND run_outputs';

const LINEAGE_COLLECTIONS =
  'run_models, run_modelparams, run_datasets, run_featuresets, run_devperf, featureset_dataset, ' +
  'deployment_model, deployment_modelparams, deployment_featureset, deployment_servingperf, derived_from, run_outputs';

const MALICIOUS = ['x` RETURN 1 //', '" RETURN 1 //', "') REMOVE d IN models //", '@@collection', '*/ RETURN 1 /*'];

describe('arango queries: getAssets', () => {
  it('reads every id with DOCUMENT, in order, one row each', () => {
    const query = getAssetsQuery(['models/m1', 'datasets/d1', 'models/m1']);
    expectWellFormed(query, 'getAssets');
    expect(query.query).toBe(aql`
      /* getAssets */
      FOR id IN @ids
        RETURN DOCUMENT(id)
    `);
    expect(query.bindVars).toEqual({ ids: ['models/m1', 'datasets/d1', 'models/m1'] });
  });
});

describe('arango queries: neighbors', () => {
  it('answers a batch with one subquery per (relation, direction), oldest relation first', () => {
    const { groups, places } = groupNeighborRequests(catalogue, [
      { id: 'models/m', relation: 'run_models', direction: 'OUT', asOf: null },
      { id: 'run/r1', relation: 'run_models', direction: 'IN', asOf: null },
      { id: 'models/n', relation: 'run_models', direction: 'OUT', asOf: null },
      { id: 'not-an-id', relation: 'run_models', direction: 'OUT', asOf: null },
      { id: 'run/r1', relation: 'no_such_relation' as RelationName, direction: 'OUT', asOf: null },
    ]);
    expect(groups).toEqual([
      { relation: 'run_models', direction: 'OUT', ids: ['models/m', 'models/n'] },
      { relation: 'run_models', direction: 'IN', ids: ['run/r1'] },
    ]);
    expect(places).toEqual([{ group: 0, index: 0 }, { group: 1, index: 0 }, { group: 0, index: 1 }, null, null]);

    const query = neighborsQuery(names, groups);
    expectWellFormed(query, 'neighbors');
    expect(query.query).toBe(aql`
      /* neighbors */
      LET g0 = (
        FOR id IN @g0_ids
          RETURN (
            FOR e IN run_models
              FILTER e._from == id
              SORT e.seq, e._key
              LET asset = DOCUMENT(e._to)
              FILTER asset != null
              RETURN asset
          )
      )
      LET g1 = (
        FOR id IN @g1_ids
          RETURN (
            FOR e IN run_models
              FILTER e._to == id
              SORT e.seq, e._key
              LET asset = DOCUMENT(e._from)
              FILTER asset != null
              RETURN asset
          )
      )
      RETURN [g0, g1]
    `);
    expect(query.bindVars).toEqual({ g0_ids: ['models/m', 'models/n'], g1_ids: ['run/r1'] });
  });

  it('never writes a relation outside the catalogue into the query', () => {
    expect(() =>
      neighborsQuery(names, [{ relation: 'run_models RETURN 1' as RelationName, direction: 'OUT', ids: ['models/m'] }]),
    ).toThrow(/not a collection/);
  });
});

describe('arango queries: traverse', () => {
  const request = (start: string, options: Partial<TraverseRequest> = {}): TraverseRequest => ({
    start,
    direction: 'UPSTREAM',
    depth: 3,
    limit: 10,
    kinds: null,
    visitLimit: 1000,
    asOf: null,
    scope: null,
    ...options,
  });

  it('steps upstream along every lineage collection with its own direction, never containment', () => {
    expect(names.lineageEdgeList('UPSTREAM')).toBe(UPSTREAM_EDGES);
    expect(names.lineageEdgeList('DOWNSTREAM')).toBe(DOWNSTREAM_EDGES);
    expect(UPSTREAM_EDGES).not.toContain('project_models');
  });

  it('traverses upstream breadth-first with a kinds filter, depth, limit and visit limit', () => {
    const { groups } = groupTraverseRequests(catalogue, [
      request('models/m2', { kinds: ['DATASET', 'MODEL'], depth: 4, limit: 5, visitLimit: 100 }),
      request('models/m1', { kinds: ['DATASET', 'MODEL'], depth: 4, limit: 5, visitLimit: 100 }),
    ]);
    const query = traverseQuery(names, groups);
    expectWellFormed(query, 'traverse');
    expect(query.query).toBe(aql`
      /* traverse */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      LET g0 = (
        FOR start IN @g0_starts
          LET visited = (
            FOR v, e, p IN 1..@g0_explore ANY start
              ${UPSTREAM_EDGES}
              PRUNE v == null
              OPTIONS { order: "bfs", uniqueVertices: "global" }
              FILTER v != null AND v._id != start
              LIMIT @g0_visitCap
              RETURN { id: v._id, degree: LENGTH(p.edges) }
          )
          LET overVisitLimit = LENGTH(visited) > @g0_visitLimit
          LET complete = overVisitLimit ? visited[* FILTER CURRENT.degree < LAST(visited).degree] : visited
          LET explored = complete[* FILTER CURRENT.degree <= @g0_depth]
          LET selected = explored[* FILTER PARSE_IDENTIFIER(CURRENT.id).collection IN @g0_collections]
          LET chosen = (
            FOR n IN selected
              SORT n.degree, n.id
              LIMIT @g0_limit
              RETURN n
          )
          LET members = APPEND([start], chosen[*].id)
          LET edges = (
            FOR id IN members
              FOR w, f IN 1..1 OUTBOUND id ${LINEAGE_COLLECTIONS}
                FILTER f._to IN members
                RETURN DISTINCT { relation: PARSE_IDENTIFIER(f._id).collection, from: f._from, to: f._to }
          )
          RETURN {
            nodes: (FOR n IN chosen RETURN { asset: DOCUMENT(n.id), degree: n.degree }),
            edges,
            truncated: overVisitLimit OR LAST(visited).degree > @g0_depth OR LENGTH(selected) > @g0_limit
          }
      )
      RETURN [g0]
    `);
    expect(query.bindVars).toEqual({
      g0_starts: ['models/m2', 'models/m1'],
      g0_explore: 5,
      g0_visitCap: 101,
      g0_visitLimit: 100,
      g0_depth: 4,
      g0_limit: 5,
      g0_collections: ['datasets', 'models'],
    });
  });

  it('stops at the missing end of a dangling edge instead of expanding from it, and leaves it out', () => {
    const { groups } = groupTraverseRequests(catalogue, [request('models/m1'), request('datasets/d1', { direction: 'DOWNSTREAM' })]);
    const query = traverseQuery(names, groups);
    for (const [g, edges] of [[0, UPSTREAM_EDGES], [1, DOWNSTREAM_EDGES]] as const) {
      // PRUNE belongs between the edge collections and OPTIONS; the FILTER drops what PRUNE still emits.
      expect(query.query).toContain(
        `FOR v, e, p IN 1..@g${g}_explore ANY start\n        ${edges}\n        PRUNE v == null\n` +
          '        OPTIONS { order: "bfs", uniqueVertices: "global" }\n' +
          '        FILTER v != null AND v._id != start\n',
      );
    }
    expect(query.query.match(/PRUNE/g)).toHaveLength(2);
  });

  it('traverses downstream with the reversed directions and no kind filter', () => {
    const { groups } = groupTraverseRequests(catalogue, [request('datasets/d1', { direction: 'DOWNSTREAM' })]);
    const query = traverseQuery(names, groups);
    expectWellFormed(query, 'traverse');
    expect(query.query).toContain(`FOR v, e, p IN 1..@g0_explore ANY start\n        ${DOWNSTREAM_EDGES}\n`);
    expect(query.query).toContain('LET selected = explored\n');
    expect(query.query).not.toContain('g0_collections');
    expect(query.bindVars).toMatchObject({ g0_starts: ['datasets/d1'], g0_explore: 4, g0_depth: 3, g0_limit: 10 });
  });

  it('answers a mixed batch in one query, one subquery per option set, skipping malformed starts', () => {
    const { groups, places } = groupTraverseRequests(catalogue, [
      request('models/m2'),
      request('datasets/d1', { direction: 'DOWNSTREAM', kinds: ['DEPLOYMENT'] }),
      request('bogus/x'),
      request('models/m1'),
      request('datasets/d2', { direction: 'DOWNSTREAM', kinds: ['DEPLOYMENT'] }),
      request('models/m3', { depth: 1 }),
    ]);
    expect(groups.map((g) => [g.direction, g.depth, g.kinds, g.starts])).toEqual([
      ['UPSTREAM', 3, null, ['models/m2', 'models/m1']],
      ['DOWNSTREAM', 3, ['DEPLOYMENT'], ['datasets/d1', 'datasets/d2']],
      ['UPSTREAM', 1, null, ['models/m3']],
    ]);
    expect(places).toEqual([
      { group: 0, index: 0 },
      { group: 1, index: 0 },
      null,
      { group: 0, index: 1 },
      { group: 1, index: 1 },
      { group: 2, index: 0 },
    ]);
    const query = traverseQuery(names, groups);
    expectWellFormed(query, 'traverse');
    expect(query.query.match(/^WITH /gm)).toHaveLength(1);
    expect(query.query).toContain(`IN 1..@g0_explore ANY start\n        ${UPSTREAM_EDGES}\n`);
    expect(query.query).toContain(`IN 1..@g1_explore ANY start\n        ${DOWNSTREAM_EDGES}\n`);
    expect(query.query).toContain(`IN 1..@g2_explore ANY start\n        ${UPSTREAM_EDGES}\n`);
    expect(query.query.endsWith('\nRETURN [g0, g1, g2]')).toBe(true);
    expect(query.bindVars).toMatchObject({ g1_collections: ['deployment'], g2_depth: 1, g2_explore: 2 });
  });
});

describe('arango queries: listAssets', () => {
  const list = makeListQuery;

  it('applies every filter and the cursor to each collection it can match, then merges by (createdAt, id)', () => {
    const query = listAssetsQuery(
      names,
      list({
        kind: 'MODEL',
        nameContains: 'Price',
        tag: 'prod',
        project: 'project/p1',
        createdAfter: '2026-01-01T00:00:00.000Z',
        createdBefore: '2027-01-01T00:00:00.000Z',
        first: 2,
        after: { createdAt: '2026-02-01T00:00:00.000Z', id: 'models/m1' },
      }),
    ) as AqlQuery;
    expectWellFormed(query, 'listAssets');
    expect(query.query).toBe(aql`
      /* listAssets */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      FOR branch IN [
        (
          FOR d IN models
            LET assetName = NOT_NULL(FIRST([d.name][* FILTER IS_STRING(CURRENT) AND CURRENT != ""]), d._key)
            FILTER CONTAINS(LOWER(assetName), LOWER(@nameContains))
            FILTER d.tag == @tag
            FILTER d.created_at >= @createdAfter
            FILTER d.created_at < @createdBefore
            FILTER d.created_at > @afterCreatedAt OR (d.created_at == @afterCreatedAt AND d._id > @afterId)
            LET projects = (
              FOR o IN 0..3 ANY d._id INBOUND project_models, INBOUND run_models, INBOUND run_modelparams, INBOUND run_devperf, OUTBOUND deployment_model, INBOUND deployment_servingperf
                OPTIONS { order: "bfs", uniqueVertices: "global" }
                FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @ownerCollections
                SORT o._id
                RETURN o._id
            )
            FILTER @project IN projects
            SORT d.created_at, d._key
            LIMIT @take
            RETURN d
        )
      ]
        FOR asset IN branch
          SORT asset.created_at, asset._id
          LIMIT @take
          RETURN asset
    `);
    expect(query.bindVars).toEqual({
      take: 3,
      nameContains: 'Price',
      tag: 'prod',
      createdAfter: '2026-01-01T00:00:00.000Z',
      createdBefore: '2027-01-01T00:00:00.000Z',
      afterCreatedAt: '2026-02-01T00:00:00.000Z',
      afterId: 'models/m1',
      project: 'project/p1',
      ownerCollections: ['project'],
    });
  });

  it('keeps datasets upstream of the project’s models, at any depth, and deployments by environment', () => {
    const query = listAssetsQuery(names, list({ kind: 'DATASET', project: 'project/p1' })) as AqlQuery;
    expectWellFormed(query, 'listAssets');
    expect(query.query).toBe(aql`
      /* listAssets */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      LET projectUpstream = UNIQUE(FLATTEN(
        FOR e IN project_models
          FILTER e._from == @project
          RETURN (
            FOR v IN 0..@lineageDepth ANY e._to OUTBOUND run_models, OUTBOUND run_modelparams, OUTBOUND run_datasets, OUTBOUND run_featuresets, INBOUND run_devperf, OUTBOUND featureset_dataset, OUTBOUND deployment_model, OUTBOUND deployment_modelparams, OUTBOUND deployment_featureset, INBOUND deployment_servingperf, OUTBOUND derived_from, INBOUND run_outputs
              OPTIONS { order: "bfs", uniqueVertices: "global" }
              RETURN v._id
          )
      ))
      FOR branch IN [
        (
          FOR d IN datasets
            FILTER d._id IN projectUpstream
            SORT d.created_at, d._key
            LIMIT @take
            RETURN d
        )
      ]
        FOR asset IN branch
          SORT asset.created_at, asset._id
          LIMIT @take
          RETURN asset
    `);
    expect(query.bindVars).toEqual({ take: 21, project: 'project/p1', lineageDepth: 100_000 });

    const deployments = listAssetsQuery(names, list({ environment: 'production' })) as AqlQuery;
    expectWellFormed(deployments, 'listAssets');
    expect([...deployments.query.matchAll(/^ {4}FOR d IN (\w+)$/gm)].map((m) => m[1])).toEqual(['deployment']);
    expect(deployments.query).toContain('      FILTER d.environment == @environment\n');
    expect(deployments.bindVars).toEqual({ take: 21, environment: 'production' });
  });

  it('reads all nine collections when no kind is given, each by its name with its fallbacks', () => {
    const query = listAssetsQuery(names, list({ nameContains: 'x' })) as AqlQuery;
    expectWellFormed(query, 'listAssets');
    const collections = [...query.query.matchAll(/^ {4}FOR d IN (\w+)$/gm)].map((m) => m[1]);
    expect(collections).toEqual([
      'project',
      'datasets',
      'featuresets',
      'models',
      'run',
      'modelparams',
      'devperf',
      'deployment',
      'servingperf',
    ]);
    expect(query.query).toContain(`LET assetName = ${nameExpression('RUN', 'd')}`);
    expect(nameExpression('RUN', 'd')).toBe(
      'NOT_NULL(FIRST([d.name, d.run_id][* FILTER IS_STRING(CURRENT) AND CURRENT != ""]), d._key)',
    );
    expect(nameExpression('DEPLOYMENT', 'd')).toContain('[d.name, d.tag]');
    expect(query.query).not.toContain('projectModels');
  });

  it('binds a cursor at the epoch (documents without created_at) as null, which sorts first', () => {
    const query = listAssetsQuery(
      names,
      list({ after: { createdAt: '1970-01-01T00:00:00.000Z', id: 'run/r1' }, createdAfter: '1960-01-01T00:00:00.000Z' }),
    ) as AqlQuery;
    expect(query.bindVars).toEqual({ take: 21, afterCreatedAt: null, afterId: 'run/r1' });
    expect(query.query).not.toContain('@createdAfter');
  });

  it('binds a position’s stored creation time as it is, even when it is not ISO 8601', () => {
    for (const createdAt of ['2019-06-06 12:52:11', '06/06/2019 12:52', '1969-12-31T23:59:59.000Z']) {
      const query = listAssetsQuery(names, list({ after: { createdAt, id: 'run/r1' } })) as AqlQuery;
      expect(query.bindVars).toEqual({ take: 21, afterCreatedAt: createdAt, afterId: 'run/r1' });
    }
  });

  it('asks nothing when no asset can match', () => {
    expect(listAssetsQuery(names, list({ kind: 'PROJECT', project: 'project/p1' }))).toBeNull();
    expect(listAssetsQuery(names, list({ kind: 'MODEL', environment: 'production' }))).toBeNull();
    expect(listAssetsQuery(names, list({ createdBefore: '1970-01-01T00:00:00.000Z' }))).toBeNull();
  });
});

describe('arango statements', () => {
  it('putAsset inserts unless the key exists or a named kind’s (name, version) is taken', () => {
    const model = content('MODEL', 'm1', { name: 'price', version: '2' });
    const doc = toDocument(model, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
    const query = putAssetStatement(names, 'models', model.id, doc, { name: 'price', versionKey: '2' });
    expectWellFormed(query, 'putAsset');
    expect(query.query).toBe(aql`
      /* putAsset */
      LET existing = DOCUMENT(@id)
      LET taken = FIRST(
        FOR d IN models
          FILTER d.name == @name
            AND d.version_key == @versionKey
          FILTER d._key != @key
          LIMIT 1
          RETURN d._id
      )
      LET inserted = (
        FOR doc IN (existing == null AND taken == null ? [@doc] : [])
          INSERT doc INTO models
          RETURN NEW
      )
      RETURN { existing, taken, inserted: FIRST(inserted) }
    `);
    expect(query.bindVars).toEqual({ id: 'models/m1', name: 'price', versionKey: '2', key: 'm1', doc });
  });

  it('putAsset of a kind identified by key alone checks no name', () => {
    const run = content('RUN', 'r1');
    const query = putAssetStatement(names, 'run', run.id, toDocument(run, 't', 't'), null);
    expectWellFormed(query, 'putAsset');
    expect(query.query).toContain('\nLET taken = null\n');
    expect(query.query).toContain('INSERT doc INTO run\n');
    expect(Object.keys(query.bindVars).sort()).toEqual(['doc', 'id']);
  });

  it('readAsset and replaceAsset update through the revision read, checking the new name', () => {
    expect(readAssetStatement('models/m1')).toEqual({
      query: '/* readAsset */\nRETURN DOCUMENT(@id)',
      bindVars: { id: 'models/m1' },
    });
    const doc = { ...toDocument(content('MODEL', 'm1', { name: 'renamed' }), 'c', 'u'), _rev: '_abc' };
    const query = replaceAssetStatement(names, 'models', doc, { name: 'renamed', versionKey: '' });
    expectWellFormed(query, 'replaceAsset');
    expect(query.query).toBe(aql`
      /* replaceAsset */
      LET taken = FIRST(
        FOR d IN models
          FILTER d.name == @name
            AND d.version_key == @versionKey
          FILTER d._key != @key
          LIMIT 1
          RETURN d._id
      )
      LET replaced = (
        FOR doc IN (taken == null ? [@doc] : [])
          REPLACE doc IN models OPTIONS { ignoreRevs: false }
          RETURN NEW
      )
      RETURN { taken, replaced: FIRST(replaced) }
    `);
    expect(query.bindVars).toEqual({ name: 'renamed', versionKey: '', key: 'm1', doc });
  });

  it('putEdge checks both ends and an existing edge by its ends, inserting under a spare key if its key is taken', () => {
    const edge = { _key: 'm1-r1', _from: 'models/m1', _to: 'run/r1', created_at: 't', seq: 42 };
    const query = putEdgeStatement(names, 'run_models', edge, 'h--abc');
    expectWellFormed(query, 'putEdge');
    expect(query.query).toBe(aql`
      /* putEdge */
      LET fromFound = DOCUMENT(@from) != null
      LET toFound = DOCUMENT(@to) != null
      LET existing = FIRST(
        FOR e IN run_models
          FILTER e._from == @from AND e._to == @to
          LIMIT 1
          RETURN e._id
      )
      LET keyTaken = DOCUMENT(@keyId) != null
      LET inserted = (
        FOR edge IN (fromFound AND toFound AND existing == null ? [@edge] : [])
          INSERT MERGE(edge, { _key: keyTaken ? @spareKey : edge._key }) INTO run_models
          RETURN NEW._id
      )
      RETURN { fromFound, toFound, existing, inserted: FIRST(inserted) }
    `);
    expect(query.bindVars).toEqual({
      from: 'models/m1',
      to: 'run/r1',
      keyId: 'run_models/m1-r1',
      edge,
      spareKey: 'h--abc',
    });
  });

  it('removeEdge removes the relations between the two ends in its collection, returning their ids', () => {
    const query = removeEdgeStatement(names, 'derived_from', 'models/m2', 'models/m1');
    expectWellFormed(query, 'removeEdge');
    expect(query.query).toBe(aql`
      /* removeEdge */
      FOR e IN derived_from
        FILTER e._from == @from AND e._to == @to
        REMOVE e IN derived_from
        RETURN OLD._id
    `);
    expect(query.bindVars).toEqual({ from: 'models/m2', to: 'models/m1' });
  });

  it('deleteAsset removes the vertex and its edges in every edge collection, returning the relations removed, oldest first', () => {
    const query = deleteAssetStatement(names, 'models', 'models/m1', 'm1');
    expectWellFormed(query, 'deleteAsset');
    const lines = query.query.split('\n');
    expect(lines[1]).toBe('LET removed = (FOR d IN models FILTER d._key == @key REMOVE d IN models RETURN OLD)');
    expect(lines[2]).toBe(
      'LET project_models_removed = (FOR e IN project_models FILTER e._from == @id OR e._to == @id SORT e.seq, e._key ' +
        'REMOVE e IN project_models RETURN { relation: "project_models", from: OLD._from, to: OLD._to })',
    );
    const removal = /^LET (\w+)_removed = \(FOR e IN \1 FILTER .* SORT e.seq, e._key REMOVE e IN \1 RETURN \{ relation: "\1", from: OLD._from, to: OLD._to \}\)$/;
    expect(lines.filter((l) => removal.test(l))).toHaveLength(13);
    expect(lines.at(-1)).toMatch(/^RETURN \{ asset: FIRST\(removed\), edges: FLATTEN\(\[project_models_removed, /);
    expect(lines.at(-1)).toContain('derived_from_removed, run_outputs_removed]) }');
    expect(query.bindVars).toEqual({ id: 'models/m1', key: 'm1' });
  });

  it('importAssets inserts a whole chunk in one statement, and importEdges only when every end exists', () => {
    const doc = toDocument(content('DATASET', 'd1'), 't', 't');
    const assets = importAssetsStatement(names, 'datasets', [doc]);
    expectWellFormed(assets, 'importAssets');
    expect(assets.query).toBe('/* importAssets */\nFOR doc IN @docs\n  INSERT doc INTO datasets');
    expect(assets.bindVars).toEqual({ docs: [doc] });

    const edge = { _key: 'r1-d1', _from: 'run/r1', _to: 'datasets/d1', created_at: 't', seq: 1 };
    const edges = importEdgesStatement(names, 'run_datasets', [edge]);
    expectWellFormed(edges, 'importEdges');
    expect(edges.query).toBe(aql`
      /* importEdges */
      LET missing = FIRST(
        FOR edge IN @edges
          FILTER DOCUMENT(edge._from) == null OR DOCUMENT(edge._to) == null
          LIMIT 1
          RETURN { from: edge._from, to: edge._to, fromFound: DOCUMENT(edge._from) != null }
      )
      LET inserted = (
        FOR edge IN (missing == null ? @edges : [])
          INSERT edge INTO run_datasets
          RETURN 1
      )
      RETURN { missing, inserted: LENGTH(inserted) }
    `);
    expect(edges.bindVars).toEqual({ edges: [edge] });
  });

  it('diagnoses a failed import by the keys and names the collection holds', () => {
    const keys = existingKeysStatement(names, 'models', ['m1', 'm2']);
    expectWellFormed(keys, 'existingKeys');
    expect(keys.query).toBe('/* existingKeys */\nFOR d IN models\n  FILTER d._key IN @keys\n  RETURN d._key');
    const taken = takenNamesStatement(names, 'models', [{ name: 'price', versionKey: '' }]);
    expectWellFormed(taken, 'takenNames');
    expect(taken.query).toBe(aql`
      /* takenNames */
      FOR claim IN @claims
        LET holder = FIRST(
          FOR d IN models
            FILTER d.name != null AND d.version_key != null
              AND d.name == claim.name AND d.version_key == claim.versionKey
            LIMIT 1
            RETURN d._id
        )
        FILTER holder != null
        RETURN { name: claim.name, versionKey: claim.versionKey, holder }
    `);
    expect(taken.bindVars).toEqual({ claims: [{ name: 'price', versionKey: '' }] });
  });

  it('takenNames excludes null from both name-index attributes before comparing them with loop values', () => {
    const lines = takenNamesStatement(names, 'datasets', [{ name: 'd', versionKey: '1' }]).query.split('\n');
    const nonNull = lines.findIndex((l) => l.trim() === 'FILTER d.name != null AND d.version_key != null');
    const equal = lines.findIndex((l) => l.trim() === 'AND d.name == claim.name AND d.version_key == claim.versionKey');
    expect(nonNull).toBeGreaterThan(0);
    expect(equal).toBe(nonNull + 1);
    // Bound values are constants the optimizer sees are not null: the single-asset checks need no such filter.
    expect(putAssetStatement(names, 'models', 'models/m', { _key: 'm' }, { name: 'n', versionKey: '' }).query).not.toContain('!= null');
  });

  it('declares every collection a unit of work touches when its transaction begins, and the revision’s', () => {
    expect(
      transactionCollections(names, [
        { type: 'putAsset', content: content('RUN', 'r'), field: ['key'] },
        { type: 'putEdge', edge: { relation: 'run_models', from: 'models/m', to: 'run/r' }, field: ['model'] },
        { type: 'updateAsset', id: 'datasets/d', patch: {}, field: ['id'] },
      ]),
    ).toEqual({ write: ['datasets', 'metalayer_changes', 'metalayer_edge_spans', 'metalayer_meta', 'run', 'run_models'], read: ['models'] });
    const removal = transactionCollections(names, [
      { type: 'removeEdge', edge: { relation: 'derived_from', from: 'models/m2', to: 'models/m1' }, field: ['from'] },
    ]);
    expect(removal).toEqual({ write: ['derived_from', 'metalayer_changes', 'metalayer_edge_spans', 'metalayer_meta'], read: [] });
    const deletion = transactionCollections(names, [{ type: 'deleteAsset', id: 'models/m', field: ['id'] }]);
    expect(deletion.write).toHaveLength(17);
    expect(deletion.write).toContain('metalayer_meta');
    expect(deletion.write).toContain('derived_from');
    expect(deletion.write).toContain('run_outputs');
    expect(deletion.write).toContain('models');
  });
});

describe('arango statements: metalayer’s own documents', () => {
  it('counts a commit that wrote something in one upsert, which creates the revision at 1', () => {
    const next = nextRevisionStatement();
    expectWellFormed(next, 'nextRevision');
    expect(next.query).toBe(aql`
      /* nextRevision */
      UPSERT { _key: @key }
        INSERT { _key: @key, value: 1 }
        UPDATE { value: OLD.value + 1 }
        IN metalayer_meta
        RETURN NEW.value
    `);
    expect(next.bindVars).toEqual({ key: 'revision' });
  });

  it('reads the revision as it is, 0 before the first commit', () => {
    const current = revisionStatement();
    expectWellFormed(current, 'revision');
    expect(current.query).toBe('/* revision */\nRETURN NOT_NULL(DOCUMENT(@id).value, 0)');
    expect(current.bindVars).toEqual({ id: 'metalayer_meta/revision' });
  });

  it('keeps a secret: inserts it only when none is kept, and answers the kept one', () => {
    const doc = { _key: 'secret_cursor', value: 'c2VjcmV0' };
    const query = keepSecretStatement(doc);
    expectWellFormed(query, 'keepSecret');
    expect(query.query).toBe(aql`
      /* keepSecret */
      LET kept = DOCUMENT(@id)
      LET made = (
        FOR doc IN (kept == null ? [@doc] : [])
          INSERT doc INTO metalayer_meta
          RETURN NEW.value
      )
      RETURN kept == null ? FIRST(made) : kept.value
    `);
    expect(query.bindVars).toEqual({ id: 'metalayer_meta/secret_cursor', doc });
  });
});

describe('arango names: derived from the catalogue value', () => {
  const projectsOnly = createCatalogue(
    BUILTIN_KINDS.filter((spec) => spec.kind === 'PROJECT' || spec.kind === 'MODEL'),
    BUILTIN_RELATIONS.filter((relation) => relation.name === 'project_models'),
  );

  it('names only the catalogue’s collections, in queries and edge definitions', () => {
    const small = new ArangoNames(projectsOnly);
    expect(small.vertexCollections).toEqual(['project', 'models']);
    expect(small.edgeCollections).toEqual(['project_models']);
    expect(small.namedCollections).toEqual(['project', 'models']);
    expect(small.edgeDefinitions()).toEqual([{ collection: 'project_models', from: ['project'], to: ['models'] }]);
    expect(small.lineageEdgeList('UPSTREAM')).toBe('');
    expect(() => small.identifier('datasets')).toThrow(/not a collection of metalayer's catalogue/);
    const query = listAssetsQuery(small, makeListQuery()) as AqlQuery;
    expect([...query.query.matchAll(/^ {4}FOR d IN (\w+)$/gm)].map((m) => m[1])).toEqual(['project', 'models']);
    expect(deleteAssetStatement(small, 'models', 'models/m', 'm').query.match(/_removed = /g)).toHaveLength(1);
  });

  it('refuses a catalogue that claims metalayer’s own collection or a name AQL cannot hold as it is', () => {
    const claiming = (collection: string) =>
      createCatalogue(
        BUILTIN_KINDS.map((spec) => (spec.kind === 'DEPLOYMENT' ? { ...spec, collection } : spec)),
        BUILTIN_RELATIONS,
      );
    expect(() => new ArangoNames(claiming('metalayer_meta'))).toThrow(/"metalayer_meta" cannot be used/);
    expect(() => new ArangoNames(claiming('deploy-ments'))).toThrow(/"deploy-ments" cannot be used/);
  });
});

describe('arango queries: user input stays in bind variables', () => {
  it.each(MALICIOUS)('%s never reaches the query text', (evil) => {
    const queries: AqlQuery[] = [
      getAssetsQuery([evil]),
      neighborsQuery(names, [{ relation: 'run_models', direction: 'OUT', ids: [evil] }]),
      traverseQuery(names, [
        { direction: 'UPSTREAM', depth: 2, limit: 3, kinds: ['MODEL'], visitLimit: 10, starts: [`models/${evil}`], scope: [evil] },
      ]),
      listAssetsQuery(names, {
        kind: null,
        nameContains: evil,
        tag: evil,
        project: evil,
        environment: evil,
        createdAfter: `2026${evil}`,
        createdBefore: `2027${evil}`,
        first: 5,
        after: { createdAt: `2026${evil}`, id: evil },
        asOf: null,
        scope: [evil],
      }) as AqlQuery,
      rankRunsQuery(names, {
        metric: evil,
        order: 'ASC',
        selection: { project: evil, model: evil, downstreamOf: evil, tag: evil, status: 'COMPLETED', since: evil, until: evil },
        bestPerModel: true,
        first: 5,
        after: { value: 1, id: evil },
        asOf: null,
        scope: [evil],
      }),
      usageQuery(names, [{ ids: [evil], scope: [evil] }]),
      rankUsageQuery(names, { kind: 'MODEL', minModels: 1, first: 5, after: { models: 1, id: evil }, scope: [evil], asOf: null }),
      usageDropUpstreamStatement(names, [evil]),
      usageCachedQuery([evil], [evil]),
      usageUncountedQuery(names, 'DATASET', [evil]),
      usageVisibleCountedQuery(names, [evil]),
      usageStoreStatement([evil], [{ asset: evil, kind: evil, runs: 0, models: 0, deployments: 0 }]),
      duplicatesQuery(names, 'MODEL_PARAMS', [evil]),
      putAssetStatement(
        names,
        'models',
        evil,
        toDocument(content('MODEL', 'k', { name: evil, version: evil, tag: evil, properties: { [evil]: evil } }), 't', 't'),
        { name: evil, versionKey: evil },
      ),
      readAssetStatement(evil),
      replaceAssetStatement(names, 'models', { _key: evil, _rev: evil, name: evil }, { name: evil, versionKey: evil }),
      putEdgeStatement(names, 'derived_from', { _key: evil, _from: evil, _to: evil, created_at: evil, seq: 1 }, evil),
      deleteAssetStatement(names, 'models', evil, evil),
      importAssetsStatement(names, 'models', [{ _key: evil, name: evil }]),
      importEdgesStatement(names, 'run_models', [{ _key: evil, _from: evil, _to: evil, created_at: evil, seq: 1 }]),
      existingKeysStatement(names, 'models', [evil]),
      takenNamesStatement(names, 'models', [{ name: evil, versionKey: evil }]),
      keepSecretStatement({ _key: evil, value: evil }),
    ];
    for (const query of queries) {
      expect(query.query).not.toContain(evil);
      expect(JSON.stringify(query.bindVars)).toContain(JSON.stringify(evil).slice(1, -1));
      expect(referencedVariables(query)).toEqual(Object.keys(query.bindVars).sort());
    }
  });

  it('refuses identifiers outside the catalogue', () => {
    expect(names.identifier('models')).toBe('models');
    expect(() => names.identifier('models RETURN 1')).toThrow();
    expect(() => names.identifier('_graphs')).toThrow();
    expect(() => names.identifier('metalayer_meta')).toThrow();
  });
});

describe('metric series statements', () => {
  it('metricFacts reads the performance, the points of a keyed call and each name’s latest point, on the series index', () => {
    const query = metricFactsStatement('devperf/r', 'k', ['loss', 'acc']);
    expectWellFormed(query, 'metricFacts');
    expect(query.query).toBe(aql`
      /* metricFacts */
      LET prior = (
        FOR p IN metalayer_metric_points
          FILTER p.devperf == @devPerf AND p.key == @key AND p.key != null
          SORT p.seq
          RETURN KEEP(p, "name", "value", "step", "at", "seq")
      )
      LET latest = (
        FOR name IN @names
          LET point = FIRST(
            FOR p IN metalayer_metric_points
              FILTER p.devperf == @devPerf AND p.name == name
              SORT p.at DESC, p.step DESC, p.seq DESC
              LIMIT 1
              RETURN KEEP(p, "name", "value", "step", "at", "seq")
          )
          FILTER point != null
          RETURN point
      )
      RETURN { devPerf: DOCUMENT(@devPerf), prior, latest }
    `);
    expect(query.bindVars).toEqual({ devPerf: 'devperf/r', key: 'k', names: ['loss', 'acc'] });
    expect(metricFactsStatement('devperf/r', null, []).bindVars).toEqual({ devPerf: 'devperf/r', key: null, names: [] });
  });

  it('insertMetricPoints inserts a call’s points in one statement', () => {
    const point = { devperf: 'devperf/r', name: 'loss', at: '2026-01-01T00:00:00.000Z', step: 1, value: 0.5, seq: 7, key: null };
    const query = insertMetricPointsStatement([point]);
    expectWellFormed(query, 'insertMetricPoints');
    expect(query.query).toBe('/* insertMetricPoints */\nFOR point IN @points\n  INSERT point INTO metalayer_metric_points');
    expect(query.bindVars).toEqual({ points: [point] });
  });

  it('metricSeries answers every requested series in one query, oldest first', () => {
    const query = metricSeriesQuery([
      { devPerf: 'devperf/a', name: 'loss', asOf: null },
      { devPerf: 'devperf/b', name: 'loss', asOf: '2026-01-01T00:00:00.000Z' },
    ]);
    expectWellFormed(query, 'metricSeries');
    expect(query.query).toBe(aql`
      /* metricSeries */
      FOR r IN @requests
        RETURN (
          FOR p IN metalayer_metric_points
            FILTER p.devperf == r.devPerf AND p.name == r.name AND (r.asOf == null OR p.at <= r.asOf)
            SORT p.at, p.step, p.seq
            RETURN { at: p.at, value: p.value, step: p.step }
        )
    `);
    expect(query.bindVars).toEqual({
      requests: [
        { devPerf: 'devperf/a', name: 'loss', asOf: null },
        { devPerf: 'devperf/b', name: 'loss', asOf: '2026-01-01T00:00:00.000Z' },
      ],
    });
  });

  it('deleting a development performance removes its points; other kinds leave the points collection alone', () => {
    const query = deleteAssetStatement(names, 'devperf', 'devperf/r', 'r');
    expectWellFormed(query, 'deleteAsset');
    const lines = query.query.split('\n');
    expect(lines.at(-2)).toBe(
      'LET points_removed = (FOR p IN metalayer_metric_points FILTER p.devperf == @id REMOVE p IN metalayer_metric_points RETURN 1)',
    );
    expect(deleteAssetStatement(names, 'run', 'run/r', 'r').query).not.toContain('metalayer_metric_points');
    expect(transactionCollections(names, [{ type: 'deleteAsset', id: 'devperf/r', field: ['id'] }]).write).toContain(
      'metalayer_metric_points',
    );
    expect(transactionCollections(names, [{ type: 'deleteAsset', id: 'run/r', field: ['id'] }]).write).not.toContain(
      'metalayer_metric_points',
    );
  });

  it('declares the collections of updateRun and recordMetrics', () => {
    expect(
      transactionCollections(names, [
        { type: 'updateRun', id: 'run/r', change: { status: 'COMPLETED' }, field: ['run'] },
        {
          type: 'recordMetrics',
          devPerf: content('DEV_PERF', 'r'),
          points: [{ name: 'loss', value: 1, step: null, at: null }],
          key: null,
          field: ['key'],
        },
        { type: 'putEdge', edge: { relation: 'run_devperf', from: 'run/r', to: 'devperf/r' }, field: ['run'] },
      ]),
    ).toEqual({
      write: ['devperf', 'metalayer_changes', 'metalayer_edge_spans', 'metalayer_meta', 'metalayer_metric_points', 'run', 'run_devperf'],
      read: [],
    });
  });
});

describe('arango queries: ownership and scope', () => {
  const OWNER_EDGES =
    'INBOUND project_models, INBOUND run_models, INBOUND run_modelparams, INBOUND run_devperf, OUTBOUND deployment_model, INBOUND deployment_servingperf';
  const VERTICES = 'project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf';

  it('steps up every ownership relation with the direction of its chain, never along lineage', () => {
    expect(names.ownerEdgeList()).toBe(OWNER_EDGES);
    expect(names.ownerDepth).toBe(3);
    expect(names.ownerCollections).toEqual(['project']);
  });

  it('owners: one traversal per id inside one query, keeping project vertices', () => {
    expect(ownersQuery(names, ['models/m1', 'run/r1'])).toEqual({
      query: [
        '/* owners */',
        `WITH ${VERTICES}`,
        'FOR id IN @ids',
        '  LET owners = (',
        `    FOR o IN 0..3 ANY id ${OWNER_EDGES}`,
        '      OPTIONS { order: "bfs", uniqueVertices: "global" }',
        '      FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @ownerCollections',
        '      SORT o._id',
        '      RETURN o._id',
        '  )',
        '  RETURN owners',
      ].join('\n'),
      bindVars: { ids: ['models/m1', 'run/r1'], ownerCollections: ['project'] },
    });
  });

  it('a scoped listing filters each branch by ownership before its sort and limit', () => {
    expect(listAssetsQuery(names, makeListQuery({ kind: 'MODEL', scope: ['project/a'] }))).toEqual({
      query: [
        '/* listAssets */',
        `WITH ${VERTICES}`,
        'FOR branch IN [',
        '  (',
        '    FOR d IN models',
        '      LET owners = (',
        `        FOR o IN 0..3 ANY d._id ${OWNER_EDGES}`,
        '          OPTIONS { order: "bfs", uniqueVertices: "global" }',
        '          FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @ownerCollections',
        '          SORT o._id',
        '          RETURN o._id',
        '      )',
        '      FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, @scope)) > 0',
        '      SORT d.created_at, d._key',
        '      LIMIT @take',
        '      RETURN d',
        '  )',
        ']',
        '  FOR asset IN branch',
        '    SORT asset.created_at, asset._id',
        '    LIMIT @take',
        '    RETURN asset',
      ].join('\n'),
      bindVars: { take: 21, scope: ['project/a'], ownerCollections: ['project'] },
    });
  });

  it('a scoped listing keeps projects in scope and shared kinds without a subquery', () => {
    const query = listAssetsQuery(names, makeListQuery({ scope: ['project/a'] })) as AqlQuery;
    expect(query.query).toContain(['    FOR d IN project', '      FILTER d._id IN @scope', '      SORT d.created_at, d._key'].join('\n'));
    expect(query.query).toContain(['    FOR d IN datasets', '      SORT d.created_at, d._key'].join('\n'));
    expect(query.query.match(/LET owners/g)).toHaveLength(6);
  });

  it('a scoped lineage selects, limits and truncates over visible assets, all in the one traverse query', () => {
    const query = traverseQuery(names, [
      { direction: 'UPSTREAM', depth: 2, limit: 3, kinds: null, visitLimit: 10, starts: ['models/m1'], scope: ['project/a'] },
    ]);
    const owners = (id: string, indent: string) => [
      `${indent}LET owners = (`,
      `${indent}  FOR o IN 0..3 ANY ${id} ${OWNER_EDGES}`,
      `${indent}    OPTIONS { order: "bfs", uniqueVertices: "global" }`,
      `${indent}    FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @g0_ownerCollections`,
      `${indent}    SORT o._id`,
      `${indent}    RETURN o._id`,
      `${indent})`,
      `${indent}FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, @g0_scope)) > 0`,
    ];
    expect(query.query).toContain(
      [
        '    LET explored = complete[* FILTER CURRENT.degree <= @g0_depth]',
        '    LET visible = (',
        '      FOR n IN explored',
        ...owners('n.id', '        '),
        '        RETURN n',
        '    )',
        '    LET beyond = (',
        '      FOR n IN visited',
        '        FILTER n.degree > @g0_depth',
        ...owners('n.id', '        '),
        '        LIMIT 1',
        '        RETURN 1',
        '    )',
        '    LET selected = visible',
      ].join('\n'),
    );
    expect(query.query).toContain('      truncated: overVisitLimit OR LENGTH(beyond) > 0 OR LENGTH(selected) > @g0_limit');
    expect(query.query.match(/^\/\* /gm)).toHaveLength(1);
    expect(query.bindVars).toEqual({
      g0_starts: ['models/m1'],
      g0_explore: 3,
      g0_visitCap: 11,
      g0_visitLimit: 10,
      g0_depth: 2,
      g0_limit: 3,
      g0_ownerCollections: ['project'],
      g0_scope: ['project/a'],
    });
  });

  it('requests of different scopes never share a traversal group', () => {
    const base = { direction: 'UPSTREAM', depth: 3, limit: 10, kinds: null, visitLimit: 1000, asOf: null } as const;
    const { groups } = groupTraverseRequests(catalogue, [
      { ...base, start: 'models/m1', scope: ['project/a'] },
      { ...base, start: 'models/m2', scope: ['project/b'] },
      { ...base, start: 'models/m3', scope: null },
      { ...base, start: 'models/m4', scope: ['project/a'] },
    ]);
    expect(groups.map((group) => [group.scope, group.starts])).toEqual([
      [['project/a'], ['models/m1', 'models/m4']],
      [['project/b'], ['models/m2']],
      [null, ['models/m3']],
    ]);
  });
});

describe('arango queries: rankRuns', () => {
  const everyRun = { project: null, model: null, downstreamOf: null, tag: null, status: null, since: null, until: null };

  it('sorts the runs of every performance holding the metric by (value, run id), one more than a page', () => {
    const query = rankRunsQuery(names, {
      metric: 'rmse',
      order: 'ASC',
      selection: everyRun,
      bestPerModel: false,
      first: 10,
      after: null,
      asOf: null,
      scope: null,
    });
    expectWellFormed(query, 'rankRuns');
    expect(query.query).toBe(aql`
      /* rankRuns */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      FOR d IN devperf
        LET value = HAS(d, "metrics") ? d.metrics[@metric] : d[@metric]
        FILTER IS_NUMBER(value)
        FOR r IN 1..1 INBOUND d run_devperf
          LET entry = { run: r, value }
          SORT value ASC, r._id
          LIMIT @take
          RETURN entry
    `);
    expect(query.bindVars).toEqual({ metric: 'rmse', take: 11 });
  });

  it('applies the scope, then every selection member, keeps each model’s best, and pages after a position', () => {
    const query = rankRunsQuery(names, {
      metric: 'rmse',
      order: 'DESC',
      selection: {
        project: 'project/p1',
        model: 'models/m1',
        downstreamOf: 'datasets/d1',
        tag: 't',
        status: 'COMPLETED',
        since: '2026-01-01T00:00:00.000Z',
        until: '2027-01-01T00:00:00.000Z',
      },
      bestPerModel: true,
      first: 10,
      after: { value: 1.5, id: 'run/r1' },
      asOf: null,
      scope: ['project/p1'],
    });
    expectWellFormed(query, 'rankRuns');
    expect(query.query).toBe(aql`
      /* rankRuns */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      LET downstream = (
        FOR v IN 1..@lineageDepth ANY @downstreamOf INBOUND run_models, INBOUND run_modelparams, INBOUND run_datasets, INBOUND run_featuresets, OUTBOUND run_devperf, INBOUND featureset_dataset, INBOUND deployment_model, INBOUND deployment_modelparams, INBOUND deployment_featureset, OUTBOUND deployment_servingperf, INBOUND derived_from, OUTBOUND run_outputs
          OPTIONS { order: "bfs", uniqueVertices: "global" }
          RETURN v._id
      )
      LET modelRuns = (FOR e IN run_models FILTER e._from == @model RETURN e._to)
      FOR d IN devperf
        LET value = HAS(d, "metrics") ? d.metrics[@metric] : d[@metric]
        FILTER IS_NUMBER(value)
        FOR r IN 1..1 INBOUND d run_devperf
          LET owners = (
            FOR o IN 0..3 ANY r._id INBOUND project_models, INBOUND run_models, INBOUND run_modelparams, INBOUND run_devperf, OUTBOUND deployment_model, INBOUND deployment_servingperf
              OPTIONS { order: "bfs", uniqueVertices: "global" }
              FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @ownerCollections
              SORT o._id
              RETURN o._id
          )
          FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, @scope)) > 0
          FILTER @project IN owners
          FILTER r._id IN downstream
          FILTER r._id IN modelRuns
          FILTER r.tag == @tag
          FILTER NOT_NULL(r.status, "COMPLETED") == @status
          FILTER r.created_at >= @since
          FILTER r.created_at < @until
          LET model = FIRST(FOR m IN 1..1 INBOUND r run_models RETURN m._id)
          COLLECT group = NOT_NULL(model, r._id) INTO members = { run: r, value }
          LET entry = FIRST(FOR m IN members SORT m.value DESC, m.run._id LIMIT 1 RETURN m)
          FILTER entry.value < @afterValue OR (entry.value == @afterValue AND entry.run._id > @afterId)
          SORT entry.value DESC, entry.run._id
          LIMIT @take
          RETURN entry
    `);
    expect(query.bindVars).toEqual({
      ownerCollections: ['project'],
      lineageDepth: 100_000,
      downstreamOf: 'datasets/d1',
      model: 'models/m1',
      metric: 'rmse',
      scope: ['project/p1'],
      project: 'project/p1',
      tag: 't',
      status: 'COMPLETED',
      since: '2026-01-01T00:00:00.000Z',
      until: '2027-01-01T00:00:00.000Z',
      take: 11,
      afterValue: 1.5,
      afterId: 'run/r1',
    });
  });

  it('pages ascending after a position without bestPerModel', () => {
    const query = rankRunsQuery(names, {
      metric: 'acc',
      order: 'ASC',
      selection: everyRun,
      bestPerModel: false,
      first: 2,
      after: { value: 0.5, id: 'run/r2' },
      asOf: null,
      scope: null,
    });
    expectWellFormed(query, 'rankRuns');
    expect(query.query).toContain(
      '    LET entry = { run: r, value }\n    FILTER entry.value > @afterValue OR (entry.value == @afterValue AND entry.run._id > @afterId)\n    SORT value ASC, r._id\n',
    );
    expect(query.bindVars).toEqual({ metric: 'acc', take: 3, afterValue: 0.5, afterId: 'run/r2' });
  });
});

describe('arango queries: reusable steps', () => {
  const OWNER_EDGES =
    'INBOUND project_models, INBOUND run_models, INBOUND run_modelparams, INBOUND run_devperf, OUTBOUND deployment_model, INBOUND deployment_servingperf';
  const OWNERS = (variable: string, id: string, collections: string) => aql`
    LET ${variable} = (
      FOR o IN 0..3 ANY ${id} INBOUND project_models, INBOUND run_models, INBOUND run_modelparams, INBOUND run_devperf, OUTBOUND deployment_model, INBOUND deployment_servingperf
        OPTIONS { order: "bfs", uniqueVertices: "global" }
        FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN ${collections}
        SORT o._id
        RETURN o._id
    )`;
  const indent = (text: string, by: number) => text.split('\n').map((line) => ' '.repeat(by) + line).join('\n');

  it('usage walks each start’s whole downstream lineage once per group of scope, counting three collections', () => {
    const query = usageQuery(names, [
      { ids: ['datasets/d1'], scope: null },
      { ids: ['datasets/d1', 'featuresets/f1'], scope: ['project/p2'] },
    ]);
    expectWellFormed(query, 'usage');
    expect(query.query).toBe(aql`
      /* usage */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      LET g0 = (
        FOR id IN @g0_ids
          LET reached = (
            FOR w IN 1..@g0_lineageDepth ANY id ${DOWNSTREAM_EDGES}
              PRUNE w == null
              OPTIONS { order: "bfs", uniqueVertices: "global" }
              FILTER w != null AND w._id != id AND PARSE_IDENTIFIER(w._id).collection IN @g0_counted
              RETURN PARSE_IDENTIFIER(w._id).collection
          )
          LET usage = {
            runs: COUNT(reached[* FILTER CURRENT == @g0_runs]),
            models: COUNT(reached[* FILTER CURRENT == @g0_models]),
            deployments: COUNT(reached[* FILTER CURRENT == @g0_deployments])
          }
          RETURN usage
      )
      LET g1 = (
        FOR id IN @g1_ids
          LET reached = (
            FOR w IN 1..@g1_lineageDepth ANY id ${DOWNSTREAM_EDGES}
              PRUNE w == null
              OPTIONS { order: "bfs", uniqueVertices: "global" }
              FILTER w != null AND w._id != id AND PARSE_IDENTIFIER(w._id).collection IN @g1_counted
              LET reachedOwners = (
                FOR o IN 0..3 ANY w._id ${OWNER_EDGES}
                  OPTIONS { order: "bfs", uniqueVertices: "global" }
                  FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @g1_ownerCollections
                  SORT o._id
                  RETURN o._id
              )
              FILTER LENGTH(reachedOwners) == 0 OR LENGTH(INTERSECTION(reachedOwners, @g1_scope)) > 0
              RETURN PARSE_IDENTIFIER(w._id).collection
          )
          LET usage = {
            runs: COUNT(reached[* FILTER CURRENT == @g1_runs]),
            models: COUNT(reached[* FILTER CURRENT == @g1_models]),
            deployments: COUNT(reached[* FILTER CURRENT == @g1_deployments])
          }
          RETURN usage
      )
      RETURN [g0, g1]
    `);
    expect(query.bindVars).toEqual({
      g0_ids: ['datasets/d1'],
      g0_lineageDepth: 100_000,
      g0_counted: ['run', 'models', 'deployment'],
      g0_runs: 'run',
      g0_models: 'models',
      g0_deployments: 'deployment',
      g1_ids: ['datasets/d1', 'featuresets/f1'],
      g1_ownerCollections: ['project'],
      g1_scope: ['project/p2'],
      g1_lineageDepth: 100_000,
      g1_counted: ['run', 'models', 'deployment'],
      g1_runs: 'run',
      g1_models: 'models',
      g1_deployments: 'deployment',
    });
  });

  it('rankUsage reads a page of cached counts by one range of the rank index, one more than a page', () => {
    const query = rankUsageQuery(names, { kind: 'DATASET', minModels: 2, first: 10, after: null, scope: null, asOf: null });
    expectWellFormed(query, 'rankUsage');
    expect(query.query).toBe(aql`
      /* rankUsage */
      FOR u IN metalayer_usage
        FILTER u.scope == @scope AND u.kind == @kind AND u.rank <= @maxRank
        SORT u.rank, u.asset
        LIMIT @take
        RETURN { asset: DOCUMENT(u.asset), usage: { runs: u.runs, models: u.models, deployments: u.deployments } }
    `);
    expect(query.bindVars).toEqual({ scope: '', kind: 'DATASET', maxRank: -2, take: 11 });
    expect(USAGE_INDEXES).toEqual([
      { type: 'persistent', name: 'metalayer_usage_rank', fields: ['scope', 'kind', 'rank', 'asset'], inBackground: true },
    ]);
  });

  it('rankUsage for a scope reads that scope’s counts, its projects sorted, after a position', () => {
    const query = rankUsageQuery(names, {
      kind: 'MODEL',
      minModels: 0,
      first: 10,
      after: { models: 3, id: 'models/m1' },
      scope: ['project/p2', 'project/p1'],
      asOf: null,
    });
    expectWellFormed(query, 'rankUsage');
    expect(query.query).toBe(aql`
      /* rankUsage */
      FOR u IN metalayer_usage
        FILTER u.scope == @scope AND u.kind == @kind AND u.rank <= @maxRank
        FILTER u.rank > @afterRank OR (u.rank == @afterRank AND u.asset > @afterId)
        SORT u.rank, u.asset
        LIMIT @take
        RETURN { asset: DOCUMENT(u.asset), usage: { runs: u.runs, models: u.models, deployments: u.deployments } }
    `);
    expect(query.bindVars).toEqual({
      scope: '["project/p1","project/p2"]',
      kind: 'MODEL',
      maxRank: 0,
      afterRank: -3,
      afterId: 'models/m1',
      take: 11,
    });
  });

  it('usageStale reads the cache’s sequence, the log’s last, and the ends of the relation changes and deletions after it', () => {
    const query = usageStaleQuery(1000);
    expectWellFormed(query, 'usageStale');
    expect(query.query).toBe(aql`
      /* usageStale */
      LET valid = NOT_NULL(DOCUMENT(@validId).seq, 0)
      LET last = NOT_NULL(DOCUMENT(@counterId).seq, 0)
      LET changed = (
        FOR c IN metalayer_changes
          FILTER c._key > RIGHT(CONCAT("0000000000000000", valid), 16)
          FILTER c.operation IN @operations
          LIMIT @take
          RETURN c.operation == "DELETE" ? [c.assetId] : [c.from, c.to]
      )
      RETURN { valid, last, many: LENGTH(changed) > @limit, changed: UNIQUE(FLATTEN(changed)) }
    `);
    expect(query.bindVars).toEqual({
      validId: 'metalayer_meta/usage',
      counterId: 'metalayer_meta/changes',
      operations: ['LINK', 'UNLINK', 'DELETE'],
      take: 1001,
      limit: 1000,
    });
  });

  it('usageDropUpstream removes the unscoped counts of the changed ends and of their whole upstream', () => {
    const query = usageDropUpstreamStatement(names, ['datasets/d1', 'run/r1']);
    expectWellFormed(query, 'usageDropUpstream');
    expect(query.query).toBe(aql`
      /* usageDropUpstream */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      LET stale = UNIQUE(FLATTEN(
        FOR s IN @ends
          RETURN APPEND([s], (
            FOR w IN 1..@lineageDepth ANY s ${UPSTREAM_EDGES}
              PRUNE w == null
              OPTIONS { order: "bfs", uniqueVertices: "global" }
              FILTER w != null
              RETURN w._id
          ))
      ))
      FOR id IN stale
        REMOVE { _key: SHA1(CONCAT("", "\n", id)) } IN metalayer_usage OPTIONS { ignoreErrors: true }
    `);
    expect(query.bindVars).toEqual({ ends: ['datasets/d1', 'run/r1'], lineageDepth: 100_000 });
  });

  it('usageDropScoped, usageDropAll and usageValid: the other steps of settling the cache', () => {
    const scoped = usageDropStatement('scoped');
    expectWellFormed(scoped, 'usageDropScoped');
    expect(scoped.query).toBe(aql`
      /* usageDropScoped */
      FOR u IN metalayer_usage
        FILTER u.scope != ""
        REMOVE u IN metalayer_usage
    `);
    const all = usageDropStatement('all');
    expectWellFormed(all, 'usageDropAll');
    expect(all.query).toBe(aql`
      /* usageDropAll */
      FOR u IN metalayer_usage
        REMOVE u IN metalayer_usage
    `);
    const valid = usageValidStatement(42);
    expectWellFormed(valid, 'usageValid');
    expect(valid.query).toBe(aql`
      /* usageValid */
      UPSERT { _key: @key }
        INSERT { _key: @key, seq: @seq }
        UPDATE { seq: @seq }
        IN metalayer_meta
    `);
    expect(valid.bindVars).toEqual({ key: 'usage', seq: 42 });
  });

  it('usageCached looks each id up by its cache key, in order', () => {
    const query = usageCachedQuery(['project/p1'], ['datasets/d1', 'models/m1']);
    expectWellFormed(query, 'usageCached');
    expect(query.query).toBe(aql`
      /* usageCached */
      FOR id IN @ids
        LET u = DOCUMENT(metalayer_usage, SHA1(CONCAT(@scope, "\n", id)))
        RETURN u == null ? null : { runs: u.runs, models: u.models, deployments: u.deployments }
    `);
    expect(query.bindVars).toEqual({ scope: '["project/p1"]', ids: ['datasets/d1', 'models/m1'] });
  });

  it('usageUncounted answers nothing unscoped when every asset of the kind is counted, else the uncounted ids newest first', () => {
    const unscoped = usageUncountedQuery(names, 'DATASET', null);
    expectWellFormed(unscoped, 'usageUncounted');
    expect(unscoped.query).toBe(aql`
      /* usageUncounted */
      LET counted = LENGTH(FOR u IN metalayer_usage FILTER u.scope == @scopeKey AND u.kind == @kind RETURN 1)
      LET complete = counted == COLLECTION_COUNT(@collection)
      FOR a IN datasets
        FILTER NOT complete
        FILTER DOCUMENT(metalayer_usage, SHA1(CONCAT(@scopeKey, "\n", a._id))) == null
        SORT a.created_at DESC, a._id DESC
        RETURN a._id
    `);
    expect(unscoped.bindVars).toEqual({ scopeKey: '', kind: 'DATASET', collection: 'datasets' });
    const scoped = usageUncountedQuery(names, 'FEATURESET', ['project/p1']);
    expectWellFormed(scoped, 'usageUncounted');
    expect(scoped.query).toBe(aql`
      /* usageUncounted */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      LET complete = false
      FOR a IN featuresets
        FILTER NOT complete
        FILTER DOCUMENT(metalayer_usage, SHA1(CONCAT(@scopeKey, "\n", a._id))) == null
        LET owners = (
          FOR o IN 0..3 ANY a._id ${OWNER_EDGES}
            OPTIONS { order: "bfs", uniqueVertices: "global" }
            FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @ownerCollections
            SORT o._id
            RETURN o._id
        )
        FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, @scope)) > 0
        SORT a.created_at DESC, a._id DESC
        RETURN a._id
    `);
    expect(scoped.bindVars).toEqual({ scopeKey: '["project/p1"]', ownerCollections: ['project'], scope: ['project/p1'] });
  });

  it('usageLineageEdges, usageVisibleCounted and usageStore: what a whole kind is counted from and cached by', () => {
    const edges = usageLineageEdgesQuery(names, 'run_datasets');
    expectWellFormed(edges, 'usageLineageEdges');
    expect(edges.query).toBe(aql`
      /* usageLineageEdges */
      FOR e IN run_datasets
        RETURN [e._from, e._to]
    `);
    const visible = usageVisibleCountedQuery(names, ['project/p1']);
    expectWellFormed(visible, 'usageVisibleCounted');
    expect(visible.query).toBe(aql`
      /* usageVisibleCounted */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      FOR a IN UNION((FOR a IN run RETURN a._id), (FOR a IN models RETURN a._id), (FOR a IN deployment RETURN a._id), [])
        LET owners = (
          FOR o IN 0..3 ANY a ${OWNER_EDGES}
            OPTIONS { order: "bfs", uniqueVertices: "global" }
            FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @ownerCollections
            SORT o._id
            RETURN o._id
        )
        FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, @scope)) > 0
        RETURN a
    `);
    expect(visible.bindVars).toEqual({ ownerCollections: ['project'], scope: ['project/p1'] });
    const entry = { asset: 'datasets/d1', kind: 'DATASET', runs: 1, models: 2, deployments: 0 };
    const store = usageStoreStatement(null, [entry]);
    expectWellFormed(store, 'usageStore');
    expect(store.query).toBe(aql`
      /* usageStore */
      FOR d IN @entries
        FILTER DOCUMENT(d.asset) != null
        INSERT MERGE(d, { _key: SHA1(CONCAT(@scope, "\n", d.asset)), scope: @scope, rank: 0 - d.models })
          INTO metalayer_usage OPTIONS { overwriteMode: "replace" }
    `);
    expect(store.bindVars).toEqual({ scope: '', entries: [entry] });
  });

  it('duplicates groups each kind by what it compares, only groups of two or more leaving the database', () => {
    const datasets = duplicatesQuery(names, 'DATASET', null);
    expectWellFormed(datasets, 'duplicates');
    expect(datasets.query).toBe(aql`
      /* duplicates */
      FOR d IN datasets
        LET linked = []
        LET compared = { source: d.source, statistics: d.statistics }
        COLLECT key = compared INTO members = { doc: d, datasets: linked }
        FILTER LENGTH(members) > 1
        RETURN members
    `);
    expect(datasets.bindVars).toEqual({});
    const featuresets = duplicatesQuery(names, 'FEATURESET', null);
    expectWellFormed(featuresets, 'duplicates');
    expect(featuresets.query).toBe(aql`
      /* duplicates */
      FOR d IN featuresets
        LET linked = (FOR e IN featureset_dataset FILTER e._from == d._id SORT e._to RETURN e._to)
        LET compared = { features: (FOR f IN (IS_ARRAY(d.features) ? d.features : []) SORT f.name, f.dtype RETURN { name: f.name, dtype: f.dtype }), linked }
        COLLECT key = compared INTO members = { doc: d, datasets: linked }
        FILTER LENGTH(members) > 1
        RETURN members
    `);
    const params = duplicatesQuery(names, 'MODEL_PARAMS', ['project/p1']);
    expectWellFormed(params, 'duplicates');
    expect(params.query).toBe(
      [
        '/* duplicates */',
        'WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf',
        'FOR d IN modelparams',
        indent(OWNERS('owners', 'd._id', '@ownerCollections'), 2),
        '  FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, @scope)) > 0',
        '  LET linked = []',
        '  LET compared = HAS(d, "params") ? d.params : UNSET(d, @ignored)',
        '  COLLECT key = compared INTO members = { doc: d, datasets: linked }',
        '  FILTER LENGTH(members) > 1',
        '  RETURN members',
      ].join('\n'),
    );
    expect(params.bindVars).toEqual({
      ownerCollections: ['project'],
      scope: ['project/p1'],
      ignored: ['_id', '_key', '_rev', 'name', 'version', 'tag', 'created_at', 'updated_at', 'version_key', 'metalayer_properties', 'run_id', 'timestamp'],
    });
  });
});
