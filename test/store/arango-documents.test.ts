import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../src/domain/catalogue.js';
import { parseId } from '../../src/domain/ids.js';
import { contentOf, type AssetContent, type AssetRecord } from '../../src/domain/kinds.js';
import { RELATION_NAMES, type RelationName } from '../../src/domain/relations.js';
import { patched } from '../../src/domain/writes.js';
import { EPOCH, type AssetDocument, type StoredDocument } from '../../src/store/arango/attributes.js';
import { ArangoNames } from '../../src/store/arango/catalogue.js';
import * as documents from '../../src/store/arango/documents.js';
import { SequenceClock, edgeKey, hashedEdgeKey } from '../../src/store/arango/edges.js';
import { content } from '../helpers/assets.js';

const catalogue = builtinCatalogue();
const toRecord = (doc: StoredDocument) => documents.toRecord(catalogue, doc);
const toDocument = (asset: AssetContent, createdAt: string, updatedAt: string) =>
  documents.toDocument(catalogue, asset, createdAt, updatedAt);

/** Documents as arangopipe writes them, and metalayer's own, both ways. */

interface Fixture {
  [collection: string]: StoredDocument[] | Record<string, { _key: string; _from: string; _to: string }[]> | string;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/arango/arangopipe-documents.json', import.meta.url), 'utf8'),
) as Fixture;

const arangopipeDoc = (collection: string): StoredDocument => {
  const docs = fixture[collection] as StoredDocument[];
  return docs[0] as StoredDocument;
};

const RUN_KEY = '0ef73d9edf08487793c77a1742f4033e';
const epoch = { createdAt: EPOCH, updatedAt: EPOCH };

describe('arango documents: reading what arangopipe wrote', () => {
  it('maps a project, a dataset and a model, keeping unknown attributes as properties', () => {
    expect(toRecord(arangopipeDoc('project'))).toEqual({
      kind: 'PROJECT',
      id: 'project/1001',
      key: '1001',
      name: 'Wine-Quality-Regression-Modelling',
      version: null,
      tag: null,
      properties: {},
      description: null,
      ...epoch,
    });
    expect(toRecord(arangopipeDoc('datasets'))).toEqual({
      kind: 'DATASET',
      id: 'datasets/2001',
      key: '2001',
      name: 'wine_dataset',
      version: null,
      tag: null,
      properties: {},
      description: 'Wine quality ratings',
      source: 'UCI ML Repository',
      statistics: null,
      ...epoch,
    });
    expect(toRecord(arangopipeDoc('models'))).toMatchObject({
      kind: 'MODEL',
      name: 'elastic_net_wine_model',
      task: null,
      framework: null,
      properties: { type: 'elastic net regression' },
    });
  });

  it('keeps a featureset’s flat column → dtype attributes as properties', () => {
    expect(toRecord(arangopipeDoc('featuresets'))).toMatchObject({
      kind: 'FEATURESET',
      name: 'wine_no_transformations',
      features: [],
      properties: {
        'fixed acidity': 'float64',
        'volatile acidity': 'float64',
        pH: 'float64',
        alcohol: 'float64',
        quality: 'int64',
      },
    });
  });

  it('names a run by its run_id and reads its timestamp as the end of a completed run', () => {
    expect(toRecord(arangopipeDoc('run'))).toEqual({
      kind: 'RUN',
      id: `run/${RUN_KEY}`,
      key: RUN_KEY,
      name: RUN_KEY,
      version: null,
      tag: null,
      runId: RUN_KEY,
      status: 'COMPLETED',
      startedAt: null,
      endedAt: '2019-06-06T12:52:11.190Z',
      deploymentTag: 'Wine_Elastic_Net_Regression',
      properties: { timestamp: '2019-06-06 12:52:11.190048', pipeline: 'Wine-Regression-Pipeline' },
      ...epoch,
    });
  });

  it('reads modelparams (keyed by run id) as its parameters, devperf and servingperf as their metrics', () => {
    expect(toRecord(arangopipeDoc('modelparams'))).toMatchObject({
      kind: 'MODEL_PARAMS',
      id: `modelparams/${RUN_KEY}`,
      name: RUN_KEY,
      params: { l1_ratio: 0.1, alpha: 0.2 },
      properties: { run_id: RUN_KEY },
    });
    expect(toRecord(arangopipeDoc('devperf'))).toMatchObject({
      kind: 'DEV_PERF',
      metrics: { rmse: 0.7836984021909766, r2: 0.20673590971167466, mae: 0.6142020452688988 },
      recordedAt: '2019-06-06T12:52:11.190Z',
      properties: { run_id: RUN_KEY, timestamp: '2019-06-06 12:52:11.190048' },
    });
    expect(toRecord(arangopipeDoc('servingperf'))).toEqual({
      kind: 'SERVING_PERF',
      id: 'servingperf/6001',
      key: '6001',
      name: '6001',
      version: null,
      tag: null,
      metrics: { rmse: 0.822242, r2: 0.12678, mae: 0.62787 },
      periodStart: '2019-05-07T09:00:00.000Z',
      periodEnd: '2019-06-06T09:00:00.000Z',
      statistics: null,
      properties: { from_date: '2019-05-07 09:00:00.000001', to_date: '2019-06-06 09:00:00.000001' },
      ...epoch,
    });
  });

  it('names a deployment, which arangopipe gives only a tag, by its tag', () => {
    expect(toRecord(arangopipeDoc('deployment'))).toMatchObject({
      kind: 'DEPLOYMENT',
      name: 'Wine_Elastic_Net_Regression',
      tag: 'Wine_Elastic_Net_Regression',
      environment: null,
      properties: {},
    });
  });

  it('keeps values that do not fit their typed field, and refuses documents outside the catalogue', () => {
    const record = toRecord({
      _id: 'run/r9',
      _key: 'r9',
      name: 42,
      status: 'EXPLODED',
      started_at: 'yesterday',
      deployment_tag: ['a'],
      created_at: '2026-03-01T00:00:00.000Z',
    });
    expect(record).toMatchObject({
      name: 'r9',
      status: 'COMPLETED',
      startedAt: null,
      deploymentTag: null,
      properties: { name: 42, status: 'EXPLODED', started_at: 'yesterday', deployment_tag: ['a'] },
      createdAt: '2026-03-01T00:00:00.000Z',
      updatedAt: '2026-03-01T00:00:00.000Z',
    });
    expect(toRecord({ _id: 'widgets/x', _key: 'x' })).toBeNull();
    expect(toRecord({ _id: 'models/x', _key: 'y' })).toBeNull();
  });

  it('has an arangopipe edge key for every edge collection it writes', () => {
    const edges = fixture.edges as Record<string, unknown[]>;
    const metalayerOwn = ['derived_from', 'run_outputs'];
    expect(Object.keys(edges).sort()).toEqual(RELATION_NAMES.filter((r) => !metalayerOwn.includes(r)).sort());
  });
});

/** Every kind with every typed field set. */
const FULL: AssetContent[] = [
  content('PROJECT', 'p1', { description: 'Housing', tag: 't', version: '1', properties: { team: 'data' } }),
  content('DATASET', 'd1', { source: 's3://x', description: 'raw', statistics: { rows: 10, cols: ['a'] } }),
  content('FEATURESET', 'f1', { features: [{ name: 'rooms', dtype: 'int64' }], description: 'f' }),
  content('MODEL', 'm1', { task: 'regression', framework: 'sklearn', uri: 'file:///m', description: 'm' }),
  content('RUN', 'r1', {
    name: 'nightly',
    status: 'FAILED',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T01:00:00.000Z',
    deploymentTag: 'dep-1',
    properties: { gpu: true, nested: { a: [1, 2, { b: null }] } },
  }),
  content('MODEL_PARAMS', 'r1', { params: { alpha: 0.1, layers: [64, 32] }, properties: { note: 'grid' } }),
  content('MODEL_PARAMS', 'r2', { params: {} }),
  content('DEV_PERF', 'r1', { metrics: { rmse: 1.5, r2: 0.75 }, recordedAt: '2026-01-01T01:00:00.000Z' }),
  content('DEV_PERF', 'r2', { metrics: {}, recordedAt: null, properties: { timestamp: 'whenever', extra: 3 } }),
  content('DEPLOYMENT', 'dep1', { environment: 'production' }),
  content('SERVING_PERF', 'sp1', {
    metrics: { rmse: 2 },
    periodStart: '2026-02-01T00:00:00.000Z',
    periodEnd: '2026-02-02T00:00:00.000Z',
    properties: { from_date: 'x', count: 7 },
  }),
];

/** A document as ArangoDB would return it after metalayer wrote it. */
function stored(doc: ReturnType<typeof toDocument>, id: string): StoredDocument {
  return { ...doc, _id: id, _rev: '_rev1' };
}

describe('arango documents: metalayer’s own, both ways', () => {
  it.each(FULL.map((c) => [c.id, c] as const))('%s round-trips through its document', (_id, asset) => {
    const doc = toDocument(asset, '2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z');
    const record = toRecord(stored(doc, asset.id)) as AssetRecord;
    expect(contentOf(record)).toEqual(asset);
    expect(record.createdAt).toBe('2026-03-01T00:00:00.000Z');
    expect(record.updatedAt).toBe('2026-03-02T00:00:00.000Z');
  });

  it('writes the flat, snake_case shape arangopipe reads, with the name index’s version_key', () => {
    const run = FULL.find((c) => c.kind === 'RUN') as AssetContent;
    expect(toDocument(run, '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z')).toEqual({
      _key: 'r1',
      name: 'nightly',
      version: null,
      tag: null,
      run_id: 'r1',
      status: 'FAILED',
      started_at: '2026-01-01T00:00:00.000Z',
      ended_at: '2026-01-01T01:00:00.000Z',
      deployment_tag: 'dep-1',
      gpu: true,
      nested: { a: [1, 2, { b: null }] },
      created_at: '2026-03-01T00:00:00.000Z',
      updated_at: '2026-03-01T00:00:00.000Z',
    });
    const model = toDocument(content('MODEL', 'm1', { name: 'price' }), 't', 't');
    expect(model).toMatchObject({ name: 'price', version: null, version_key: '', task: null, uri: null });
    expect(toDocument(content('MODEL', 'm2', { version: '3' }), 't', 't').version_key).toBe('3');
  });

  it('keeps properties named like a typed attribute, or starting with "_", under metalayer_properties', () => {
    const asset = content('DATASET', 'd1', {
      properties: { source: 'shadow', _key: 'k', _rev: 'r', created_at: 'c', metalayer_properties: 1, '': 0, task: 'ok' },
    });
    const doc = toDocument(asset, 't', 't');
    expect(doc).toMatchObject({
      _key: 'd1',
      source: null,
      task: 'ok',
      metalayer_properties: { source: 'shadow', _key: 'k', _rev: 'r', created_at: 'c', metalayer_properties: 1, '': 0 },
    });
    expect(contentOf(toRecord(stored(doc, asset.id)) as AssetRecord)).toEqual(asset);
  });

  it('stores an epoch creation time (an adopted arangopipe document) as null, where missing ones sort', () => {
    const doc = toDocument(content('PROJECT', 'p'), EPOCH, '2026-03-01T00:00:00.000Z');
    expect(doc.created_at).toBeNull();
    expect(toRecord(stored(doc, 'project/p'))).toMatchObject({ createdAt: EPOCH, updatedAt: '2026-03-01T00:00:00.000Z' });
  });
});

describe('arango documents: an update writes a document back in the layout it had', () => {
  const AT = '2026-03-02T00:00:00.000Z';
  /** The document replacing `stored` after `patch`, and the record it reads back as. */
  const update = (stored: StoredDocument, patch: Parameters<typeof patched>[1]) => {
    const next = patched(toRecord(stored) as AssetRecord, patch);
    const doc: AssetDocument = documents.replacementDocument(catalogue, next, stored, AT);
    return { doc, record: toRecord({ ...doc, _id: stored._id }) };
  };

  it('writes a dataset’s statistics as its `statistics` attribute, and serving performance’s beside its metrics', () => {
    const statistics = { rows: 2, features: { x: { type: 'numeric', bins: [0, 1], counts: [2], missing: 0 } } };
    const dataset = update(arangopipeDoc('datasets'), { statistics });
    expect(dataset.doc['statistics']).toEqual(statistics);
    expect(dataset.record).toMatchObject({ kind: 'DATASET', statistics });
    const perf = toDocument(content('SERVING_PERF', 'p', { metrics: { rmse: 1 }, statistics }), AT, AT);
    expect(perf).toMatchObject({ metrics: { rmse: 1 }, statistics, period_start: '2026-01-01T00:00:00.000Z' });
    expect(toRecord({ ...perf, _id: 'servingperf/p' })).toMatchObject({ metrics: { rmse: 1 }, statistics, properties: {} });
  });

  it('keeps arangopipe’s flat hyperparameters flat, where arangopipe reads them', () => {
    const { doc, record } = update(arangopipeDoc('modelparams'), { tag: 'best' });
    expect(doc).toEqual({
      _key: RUN_KEY,
      name: RUN_KEY,
      version: null,
      tag: 'best',
      l1_ratio: 0.1,
      alpha: 0.2,
      run_id: RUN_KEY,
      created_at: null,
      updated_at: AT,
    });
    expect(record).toMatchObject({ params: { l1_ratio: 0.1, alpha: 0.2 }, properties: { run_id: RUN_KEY }, tag: 'best' });
  });

  it('keeps flat metrics flat, with a property that would read as a metric kept aside', () => {
    const { doc, record } = update(arangopipeDoc('devperf'), { properties: { note: 'baseline', score: 3 } });
    expect(doc).toEqual({
      _key: RUN_KEY,
      name: RUN_KEY,
      version: null,
      tag: null,
      recorded_at: '2019-06-06T12:52:11.190Z',
      rmse: 0.7836984021909766,
      r2: 0.20673590971167466,
      mae: 0.6142020452688988,
      run_id: RUN_KEY,
      timestamp: '2019-06-06 12:52:11.190048',
      note: 'baseline',
      metalayer_properties: { score: 3 },
      created_at: null,
      updated_at: AT,
    });
    expect(record).toMatchObject({
      metrics: { rmse: 0.7836984021909766, r2: 0.20673590971167466, mae: 0.6142020452688988 },
      properties: { run_id: RUN_KEY, timestamp: '2019-06-06 12:52:11.190048', note: 'baseline', score: 3 },
    });
    const serving = update(arangopipeDoc('servingperf'), { name: 'june' });
    expect(serving.doc).toEqual({
      _key: '6001',
      name: 'june',
      version: null,
      tag: null,
      period_start: '2019-05-07T09:00:00.000Z',
      period_end: '2019-06-06T09:00:00.000Z',
      statistics: null,
      rmse: 0.822242,
      r2: 0.12678,
      mae: 0.62787,
      from_date: '2019-05-07 09:00:00.000001',
      to_date: '2019-06-06 09:00:00.000001',
      created_at: null,
      updated_at: AT,
    });
    expect(serving.record).toMatchObject({ metrics: { rmse: 0.822242, r2: 0.12678, mae: 0.62787 } });
  });

  it('keeps nested parameters nested, and the stored creation time as it is', () => {
    const asset = content('MODEL_PARAMS', 'r1', { params: { alpha: 0.1 } });
    const stored = { ...toDocument(asset, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), _id: asset.id };
    const { doc } = update({ ...stored, created_at: '2019-06-06 12:52:11' }, { properties: { beta: 2 } });
    expect(doc).toMatchObject({ params: { alpha: 0.1 }, beta: 2, created_at: '2019-06-06 12:52:11', updated_at: AT });
    expect(doc).not.toHaveProperty('alpha');
  });
});

describe('arango documents: instants', () => {
  const run = (attributes: Record<string, unknown>) => toRecord({ _id: 'run/r', _key: 'r', ...attributes });

  it.each([
    ['2026-01-31T12:00:00.000Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000Z'],
    ['2019-06-06 12:52:11.190048', '2019-06-06T12:52:11.190Z'],
    ['2019-06-06 12:52:11', '2019-06-06T12:52:11.000Z'],
    ['2019-06-06', '2019-06-06T00:00:00.000Z'],
    ['2019-06-06T14:00:00+02:00', '2019-06-06T12:00:00.000Z'],
    ['2019-06-06 14:00:00.5+0200', '2019-06-06T12:00:00.500Z'],
  ])('reads %s as %s, wherever an instant is stored', (text, instant) => {
    expect(run({ started_at: text, created_at: text, updated_at: text })).toMatchObject({
      startedAt: instant,
      createdAt: instant,
      updatedAt: instant,
      properties: {},
    });
  });

  it.each(['yesterday', '06/06/2019', '2019-13-45T99:00:00Z', '2019-02-30', ''])(
    'keeps %j as a property where a typed instant cannot hold it',
    (text) => {
      expect(run({ started_at: text })).toMatchObject({ startedAt: null, properties: { started_at: text } });
    },
  );

  it('reads arangopipe’s creation time, and keeps one no reading makes sense of as its text, never failing', () => {
    expect(run({ created_at: '2019-06-06 12:52:11' })).toMatchObject({
      createdAt: '2019-06-06T12:52:11.000Z',
      updatedAt: '2019-06-06T12:52:11.000Z',
    });
    expect(run({ created_at: 'June 6th, 2019', updated_at: '2026-03-01T00:00:00Z' })).toMatchObject({
      createdAt: 'June 6th, 2019',
      updatedAt: '2026-03-01T00:00:00.000Z',
      properties: {},
    });
    expect(run({ created_at: 'June 6th, 2019' })).toMatchObject({ createdAt: 'June 6th, 2019', updatedAt: 'June 6th, 2019' });
  });
});

describe('arango edges: keys', () => {
  const names = new ArangoNames(catalogue);
  const key = (relation: RelationName, from: string, to: string) =>
    edgeKey(names, relation, parseId(from, ['from'], catalogue), parseId(to, ['to'], catalogue));

  it('keys an edge <fromKey>-<toKey> as arangopipe does', () => {
    expect(key('featureset_dataset', 'featuresets/3001', 'datasets/2001')).toBe('3001-2001');
    expect(key('run_models', 'models/m1', 'run/r1')).toBe('m1-r1');
  });

  it('prefixes the collections where a relation spans several, so keys stay unique per collection', () => {
    expect(key('derived_from', 'models/x', 'datasets/x')).toBe('models:x-datasets:x');
    expect(key('derived_from', 'datasets/x', 'models/x')).toBe('datasets:x-models:x');
  });

  it('escapes "-" and "%" so the one raw "-" separates the ends', () => {
    expect(key('run_datasets', 'run/a-b', 'datasets/c')).toBe('a%2Db-c');
    expect(key('run_datasets', 'run/a', 'datasets/b-c')).toBe('a-b%2Dc');
    expect(key('run_datasets', 'run/a%2Db', 'datasets/c')).toBe('a%252Db-c');
    const keys = [key('run_datasets', 'run/a-b', 'datasets/c'), key('run_datasets', 'run/a', 'datasets/b-c')];
    expect(new Set(keys).size).toBe(2);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9_\-:.@()+,=;$!*'%]{1,254}$/);
  });

  it('hashes keys that would be longer than ArangoDB allows', () => {
    const long = 'k'.repeat(200);
    const hashed = key('run_datasets', `run/${long}`, `datasets/${long}`);
    expect(hashed).toBe(hashedEdgeKey(`run/${long}`, `datasets/${long}`));
    expect(hashed).toMatch(/^h--[0-9a-f]{64}$/);
  });

  it('orders relations put within one millisecond', () => {
    const clock = new SequenceClock(() => new Date('2026-01-01T00:00:00.000Z'));
    const readings = [clock.next(), clock.next(), clock.next()];
    expect(readings[0]).toBe(Date.parse('2026-01-01T00:00:00.000Z') * 1000);
    expect(readings).toEqual([...readings].sort((a, b) => a - b));
    expect(new Set(readings).size).toBe(3);
  });
});
