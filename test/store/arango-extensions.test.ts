import type { Database } from 'arangojs';
import { CollectionType } from 'arangojs/collections';
import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../src/domain/catalogue.js';
import type { CustomContent } from '../../src/domain/kinds.js';
import type { RelationName } from '../../src/domain/relations.js';
import type { StoredDocument } from '../../src/store/arango/attributes.js';
import { ArangoNames } from '../../src/store/arango/catalogue.js';
import { toDocument, toRecord } from '../../src/store/arango/documents.js';
import { ensureLayout, widened } from '../../src/store/arango/layout.js';
import { listAssetsQuery, ownersQuery, traverseQuery } from '../../src/store/arango/queries.js';
import { groupTraverseRequests } from '../../src/store/arango/reads.js';
import { deleteAssetStatement, putAssetStatement, removeEdgeStatement } from '../../src/store/arango/statements.js';
import { nameClaim, transactionCollections } from '../../src/store/arango/writes.js';
import { makeListQuery } from '../../src/store/store.js';
import { traverseRequest } from '../helpers/assets.js';
import { customContent, EXTENDED_CATALOGUE as CAT, kindOf } from '../helpers/extensions.js';

/**
 * The ArangoDB engine with the example extensions (examples/extensions/):
 * the names, AQL and documents of custom kinds and relations, pinned as the
 * built-in ones are in arango-queries.test.ts, and the layout they add to
 * arangopipe's named graph, against a scripted database.
 */
const names = new ArangoNames(CAT);
const rel = (name: string): RelationName => {
  if (!CAT.isRelationName(name)) throw new Error(`no relation ${name}`);
  return name;
};
const EVALUATION = kindOf(CAT, 'Evaluation');

const VERTICES = 'project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf, evaluations, model_cards';

describe('arango names with extensions', () => {
  it('adds a collection per custom kind and an edge collection per custom relation, in declaration order', () => {
    expect(names.vertexCollections.slice(9)).toEqual(['evaluations', 'model_cards']);
    expect(names.edgeCollections.slice(13)).toEqual(['evaluation_model', 'evaluation_datasets', 'model_card_model']);
    expect(names.namedCollections).not.toContain('evaluations');
  });

  it('declares each custom relation in the graph, and lets derived_from join the custom kinds too', () => {
    const definitions = names.edgeDefinitions();
    expect(definitions.slice(13)).toEqual([
      { collection: 'evaluation_model', from: ['evaluations'], to: ['models'] },
      { collection: 'evaluation_datasets', from: ['evaluations'], to: ['datasets'] },
      { collection: 'model_card_model', from: ['model_cards'], to: ['models'] },
    ]);
    const derived = definitions.find((d) => d.collection === 'derived_from');
    expect(derived?.from).toEqual(VERTICES.split(', '));
    expect(derived?.to).toEqual(VERTICES.split(', '));
  });

  it('steps along custom lineage relations with their own directions, and up the owner relation', () => {
    expect(names.lineageEdgeList('UPSTREAM').endsWith(
      'OUTBOUND derived_from, INBOUND run_outputs, OUTBOUND evaluation_model, OUTBOUND evaluation_datasets, OUTBOUND model_card_model',
    )).toBe(true);
    expect(names.lineageEdgeList('DOWNSTREAM').endsWith(
      'INBOUND derived_from, OUTBOUND run_outputs, INBOUND evaluation_model, INBOUND evaluation_datasets, INBOUND model_card_model',
    )).toBe(true);
    expect(names.ownerEdgeList()).toBe(
      'INBOUND project_models, INBOUND run_models, INBOUND run_modelparams, INBOUND run_devperf, OUTBOUND deployment_model, ' +
        'INBOUND deployment_servingperf, OUTBOUND model_card_model',
    );
    expect(names.ownerDepth).toBe(3);
  });
});

describe('arango queries with extensions', () => {
  it('traverses with every collection in WITH and a custom kind filter bound as its collection', () => {
    const { groups } = groupTraverseRequests(CAT, [traverseRequest('models/m', { direction: 'DOWNSTREAM', kinds: [EVALUATION] })]);
    const query = traverseQuery(names, groups);
    expect(query.query.split('\n').slice(0, 5)).toEqual([
      '/* traverse */',
      `WITH ${VERTICES}`,
      'LET g0 = (',
      '  FOR start IN @g0_starts',
      '    LET visited = (',
    ]);
    expect(query.query).toContain(`ANY start\n        ${names.lineageEdgeList('DOWNSTREAM')}\n        PRUNE v == null\n`);
    expect(query.query).toContain(
      'FOR w, f IN 1..1 OUTBOUND id run_models, run_modelparams, run_datasets, run_featuresets, run_devperf, featureset_dataset, ' +
        'deployment_model, deployment_modelparams, deployment_featureset, deployment_servingperf, derived_from, run_outputs, ' +
        'evaluation_model, evaluation_datasets, model_card_model\n',
    );
    expect(query.bindVars['g0_collections']).toEqual(['evaluations']);
  });

  it('finds owners through the owner relation', () => {
    expect(ownersQuery(names, ['model_cards/c'])).toEqual({
      query: [
        '/* owners */',
        `WITH ${VERTICES}`,
        'FOR id IN @ids',
        '  LET owners = (',
        `    FOR o IN 0..3 ANY id ${names.ownerEdgeList()}`,
        '      OPTIONS { order: "bfs", uniqueVertices: "global" }',
        '      FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @ownerCollections',
        '      SORT o._id',
        '      RETURN o._id',
        '  )',
        '  RETURN owners',
      ].join('\n'),
      bindVars: { ids: ['model_cards/c'], ownerCollections: ['project'] },
    });
  });

  it('lists a custom kind from its own collection, its name from `name` alone', () => {
    const query = listAssetsQuery(names, makeListQuery({ kind: EVALUATION, nameContains: 'holdout' }));
    if (query === null) throw new Error('expected a query');
    expect([...query.query.matchAll(/^ {4}FOR d IN (\w+)$/gm)].map((m) => m[1])).toEqual(['evaluations']);
    expect(query.query).toContain('LET assetName = NOT_NULL(FIRST([d.name][* FILTER IS_STRING(CURRENT) AND CURRENT != ""]), d._key)');
  });
});

describe('arango statements with extensions', () => {
  const evaluation = customContent(CAT, 'Evaluation', 'e', { score: 0.9 });

  it('registers a custom asset in one transaction over its collection and its relations’ edge collections', () => {
    expect(
      transactionCollections(names, [
        { type: 'putAsset', content: evaluation, field: ['key'] },
        { type: 'putEdge', edge: { relation: rel('evaluation_model'), from: 'evaluations/e', to: 'models/m' }, field: ['model'] },
      ]),
    ).toEqual({ write: ['evaluation_model', 'evaluations', 'metalayer_changes', 'metalayer_edge_spans', 'metalayer_meta'], read: ['models'] });
  });

  it('puts a custom asset without a name claim, and a custom relation by its own edge collection', () => {
    const doc = toDocument(CAT, evaluation, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
    const put = putAssetStatement(names, 'evaluations', 'evaluations/e', doc, nameClaim(CAT, evaluation));
    expect(put.query).toBe(
      [
        '/* putAsset */',
        'LET existing = DOCUMENT(@id)',
        'LET taken = null',
        'LET inserted = (',
        '  FOR doc IN (existing == null AND taken == null ? [@doc] : [])',
        '    INSERT doc INTO evaluations',
        '    RETURN NEW',
        ')',
        'RETURN { existing, taken, inserted: FIRST(inserted) }',
      ].join('\n'),
    );
    expect(put.bindVars).toEqual({ id: 'evaluations/e', doc });
    const removal = removeEdgeStatement(names, rel('evaluation_model'), 'evaluations/e', 'models/m');
    expect(removal.query).toBe(
      ['/* removeEdge */', 'FOR e IN evaluation_model', '  FILTER e._from == @from AND e._to == @to', '  REMOVE e IN evaluation_model', '  RETURN OLD._id'].join('\n'),
    );
    const deletion = deleteAssetStatement(names, 'evaluations', 'evaluations/e', 'e');
    expect(deletion.query).toContain('LET evaluation_model_removed = (FOR e IN evaluation_model FILTER e._from == @id OR e._to == @id SORT e.seq, e._key ' +
        'REMOVE e IN evaluation_model RETURN { relation: "evaluation_model", from: OLD._from, to: OLD._to })');
    expect(deletion.query).toContain('evaluation_model_removed, evaluation_datasets_removed, model_card_model_removed]) }');
  });
});

describe('arango documents of custom kinds', () => {
  const card: CustomContent = {
    ...customContent(CAT, 'ModelCard', 'c', { risk: 'HIGH', reviewedAt: '2026-01-02T00:00:00.000Z', limitations: ['tabular only'] }),
    properties: { owner: 'ml-team', risk: 'shadowed' },
  };

  it('keeps the typed fields as top-level attributes of their own names; a property named like one goes under metalayer_properties', () => {
    expect(toDocument(CAT, card, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')).toEqual({
      _key: 'c',
      name: 'c',
      version: null,
      tag: null,
      risk: 'HIGH',
      reviewedAt: '2026-01-02T00:00:00.000Z',
      limitations: ['tabular only'],
      owner: 'ml-team',
      metalayer_properties: { risk: 'shadowed' },
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('reads back what it wrote', () => {
    const doc = toDocument(CAT, card, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
    expect(toRecord(CAT, { ...doc, _id: 'model_cards/c' })).toEqual({
      ...card,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('reads a document another tool wrote: values of the wrong type stay properties, other attributes too', () => {
    const doc: StoredDocument = { _id: 'evaluations/x', _key: 'x', _rev: '1', name: 'nightly', score: 'high', split: 'test', notes: 'by hand' };
    expect(toRecord(CAT, doc)).toEqual({
      kind: EVALUATION,
      id: 'evaluations/x',
      key: 'x',
      name: 'nightly',
      version: null,
      tag: null,
      fields: { split: 'test' },
      properties: { score: 'high', notes: 'by hand' },
      createdAt: '1970-01-01T00:00:00.000Z',
      updatedAt: '1970-01-01T00:00:00.000Z',
    });
  });

  it('serves nothing of a collection the catalogue does not declare', () => {
    expect(toRecord(builtinCatalogue(), { _id: 'evaluations/x', _key: 'x', score: 0.5 })).toBeNull();
  });
});

describe('arango layout with extensions', () => {
  it('widens an edge definition by what it lacks, never narrowing it', () => {
    const existing = { collection: 'derived_from', from: ['models', 'legacy'], to: ['models'] };
    expect(widened(existing, { collection: 'derived_from', from: ['models', 'evaluations'], to: ['evaluations'] })).toEqual({
      collection: 'derived_from',
      from: ['models', 'legacy', 'evaluations'],
      to: ['models', 'evaluations'],
    });
    expect(widened(existing, { collection: 'derived_from', from: ['models'], to: ['models'] })).toBeNull();
  });

  it('creates the custom collections and adds their edge definitions to an existing arangopipe graph, as its admin API does', async () => {
    const builtin = new ArangoNames(builtinCatalogue());
    const calls: string[] = [];
    const graphDefinitions = builtin.edgeDefinitions();
    const db = {
      listCollections: async () => [
        ...builtin.vertexCollections.map((name) => ({ name, type: CollectionType.DOCUMENT_COLLECTION })),
        ...builtin.edgeCollections.map((name) => ({ name, type: CollectionType.EDGE_COLLECTION })),
      ],
      createCollection: async (name: string) => calls.push(`createCollection ${name}`),
      createEdgeCollection: async (name: string) => calls.push(`createEdgeCollection ${name}`),
      createGraph: async () => calls.push('createGraph'),
      graph: () => ({
        exists: async () => true,
        get: async () => ({ edgeDefinitions: graphDefinitions }),
        addEdgeDefinition: async (d: { collection: string; from: string[]; to: string[] }) =>
          calls.push(`addEdgeDefinition ${d.collection} ${d.from.join(',')} -> ${d.to.join(',')}`),
        replaceEdgeDefinition: async (d: { collection: string; from: string[] }) =>
          calls.push(`replaceEdgeDefinition ${d.collection} from ${d.from.length} collections`),
      }),
      collection: () => ({ ensureIndex: async () => ({}) }),
    };
    // A scripted stand-in: ensureLayout calls only these methods.
    await ensureLayout(db as unknown as Database, { graphName: 'enterprise_ml_graph', catalogue: CAT });
    expect(calls).toEqual([
      'createCollection evaluations',
      'createCollection model_cards',
      'createCollection metalayer_meta',
      'createCollection metalayer_metric_points',
      'createCollection metalayer_changes',
      'createCollection metalayer_usage',
      'createEdgeCollection evaluation_model',
      'createEdgeCollection evaluation_datasets',
      'createEdgeCollection model_card_model',
      'createEdgeCollection metalayer_edge_spans',
      'replaceEdgeDefinition derived_from from 11 collections',
      'addEdgeDefinition evaluation_model evaluations -> models',
      'addEdgeDefinition evaluation_datasets evaluations -> datasets',
      'addEdgeDefinition model_card_model model_cards -> models',
    ]);
  });
});
