import { readFileSync } from 'node:fs';
import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import { ArangoError, FetchFailedError, HttpError } from 'arangojs/errors';
import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../src/domain/catalogue.js';
import { MetalayerError, type FieldPath } from '../../src/domain/errors.js';
import type { AssetContent } from '../../src/domain/kinds.js';
import type { RelationName } from '../../src/domain/relations.js';
import { firstObservedRun } from '../../src/domain/runs.js';
import { checkEdge, type WriteOp } from '../../src/domain/writes.js';
import { ArangoBulkImport, IMPORT_BYTE_BUDGET } from '../../src/store/arango/bulk.js';
import { ArangoNames } from '../../src/store/arango/catalogue.js';
import { SequenceClock } from '../../src/store/arango/edges.js';
import { createArangoStore } from '../../src/store/arango/index.js';
import type { StoredDocument } from '../../src/store/arango/attributes.js';
import { toDocument } from '../../src/store/arango/documents.js';
import { isUnavailable, translateError } from '../../src/store/arango/errors.js';
import { sharedSecret } from '../../src/store/arango/meta.js';
import { ArangoReads } from '../../src/store/arango/reads.js';
import { ArangoReuse } from '../../src/store/arango/reuse.js';
import { fingerprint } from '../../src/domain/reuse.js';
import { ArangoWrites } from '../../src/store/arango/writes.js';
import { makeListQuery } from '../../src/store/store.js';
import { content, rejection } from '../helpers/assets.js';

/**
 * The engine's own logic around its queries, with a scripted stand-in for
 * the database: one query per read, answers put back in order, the unit of
 * work's transaction, revision, retries and error mapping.
 */

type Answer = unknown[] | Error;

/** A database that answers each query by its name (`/* putAsset *\/`) from a script, and logs what it is asked. */
class ScriptedDatabase {
  readonly log: string[] = [];
  readonly queries: AqlQuery[] = [];

  constructor(private readonly script: (name: string, query: AqlQuery) => Answer) {}

  async query(query: AqlQuery): Promise<{ all: () => Promise<unknown[]> }> {
    const name = /^\/\* (\w+) \*\//.exec(query.query)?.[1] ?? '?';
    this.log.push(name);
    this.queries.push(query);
    const answer = this.script(name, query);
    if (answer instanceof Error) throw answer;
    return { all: async () => answer };
  }

  async beginTransaction(collections: { write: string[]; read: string[] }) {
    this.log.push(`begin write=${collections.write.join(',')} read=${collections.read.join(',')}`);
    return {
      step: <T>(callback: () => Promise<T>) => callback(),
      commit: async () => void this.log.push('commit'),
      abort: async () => void this.log.push('abort'),
    };
  }

  /** The bind variables of the first query named `name`. */
  bound(name: string): Record<string, unknown> | undefined {
    return this.queries.find((query) => query.query.startsWith(`/* ${name} */`))?.bindVars;
  }

  get db(): Database {
    return this as unknown as Database;
  }
}

const catalogue = builtinCatalogue();
const names = new ArangoNames(catalogue);

/** The clock of bulk imports and of relations' `seq`; a commit is stamped with its own instant, AT. */
const NOW = new Date('2026-03-01T00:00:00.000Z');
const clock = () => NOW;
const AT = '2026-03-02T00:00:00.000Z';

const arangoError = (errorNum: number, code = 409) =>
  new ArangoError({ errorNum, errorMessage: 'raw server text', code });
const networkError = () =>
  new FetchFailedError('fetch failed', new Request('http://127.0.0.1:8529/_api/cursor'), {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/arango/arangopipe-documents.json', import.meta.url), 'utf8'),
) as Record<string, StoredDocument[]>;
const arangopipeDoc = (collection: string): StoredDocument => fixture[collection]?.[0] as StoredDocument;

/** A document as ArangoDB returns it for `content`, written at NOW. */
function storedOf(asset: AssetContent): StoredDocument {
  return { ...toDocument(catalogue, asset, NOW.toISOString(), NOW.toISOString()), _id: asset.id, _rev: '_r1' };
}

const putAsset = (asset: AssetContent, field: FieldPath = ['key']): WriteOp => ({
  type: 'putAsset',
  content: asset,
  field,
});
const putEdge = (relation: RelationName, from: string, to: string, field: FieldPath = ['input']): WriteOp => ({
  type: 'putEdge',
  edge: { relation, from, to },
  field,
});

/** A unit of work of `ops`, made at AT. */
const unit = (...ops: WriteOp[]) => ({ ops, actor: 'tester', source: 'test', at: AT });
const writes = (fake: ScriptedDatabase) => new ArangoWrites(fake.db, {}, names, new SequenceClock(clock));

/**
 * Answers a commit's last steps: its changes appended from sequence 11, the
 * spans, and the revision after it (7 before, 8 after counting it).
 */
const revisionAnswer = (name: string): Answer | null => {
  if (name === 'appendChanges') return [{ first: 11, at: AT }];
  if (name === 'openSpans' || name === 'closeSpans') return [];
  return name === 'nextRevision' ? [8] : name === 'revision' ? [7] : null;
};

describe('arango engine: reads', () => {
  const reads = (fake: ScriptedDatabase) => new ArangoReads(fake.db, {}, names);

  it('asks one query per call and puts answers back in request order, null for malformed ids', async () => {
    const m1 = storedOf(content('MODEL', 'm1'));
    const fake = new ScriptedDatabase(() => [m1, null]);
    const records = await reads(fake).getAssets(['models/m1', 'not-an-id', 'models/missing', 'bogus/x']);
    expect(records.map((r) => r?.id ?? null)).toEqual(['models/m1', null, null, null]);
    expect(fake.log).toEqual(['getAssets']);
    expect(fake.queries[0]?.bindVars).toEqual({ ids: ['models/m1', 'models/missing'] });
    expect(await reads(fake).getAssets(['nope'])).toEqual([null]);
    expect(fake.log).toHaveLength(1);
  });

  it('answers neighbours per request from the grouped answer', async () => {
    const r1 = storedOf(content('RUN', 'r1'));
    const r2 = storedOf(content('RUN', 'r2'));
    const m = storedOf(content('MODEL', 'm'));
    const fake = new ScriptedDatabase(() => [[[[r2, r1], []], [[m]]]]);
    const answers = await reads(fake).neighbors([
      { id: 'models/m', relation: 'run_models', direction: 'OUT', asOf: null },
      { id: 'run/r1', relation: 'run_models', direction: 'IN', asOf: null },
      { id: 'models/n', relation: 'run_models', direction: 'OUT', asOf: null },
      { id: 'bad', relation: 'run_models', direction: 'OUT', asOf: null },
    ]);
    expect(answers.map((list) => list.map((a) => a.id))).toEqual([['run/r2', 'run/r1'], ['models/m'], [], []]);
    expect(fake.log).toEqual(['neighbors']);
  });

  it('orders lineage nodes by (degree, id) and edges by (from, relation, to), with nothing for a missing start', async () => {
    const row = {
      nodes: [
        { asset: storedOf(content('RUN', 'r2')), degree: 1 },
        { asset: storedOf(content('DATASET', 'd3')), degree: 2 },
        { asset: storedOf(content('MODEL', 'm1')), degree: 1 },
        { asset: null, degree: 2 },
      ],
      edges: [
        { relation: 'run_models', from: 'models/m2', to: 'run/r2' },
        { relation: 'derived_from', from: 'models/m2', to: 'models/m1' },
        { relation: 'run_datasets', from: 'run/r2', to: 'datasets/d3' },
      ],
      truncated: true,
    };
    const fake = new ScriptedDatabase(() => [[[row]]]);
    const request = { direction: 'UPSTREAM', depth: 2, limit: 3, kinds: null, visitLimit: 100, asOf: null, scope: null } as const;
    const [lineage, missing] = await reads(fake).traverse([
      { ...request, start: 'models/m2' },
      { ...request, start: 'not/an/id' },
    ]);
    expect(lineage?.nodes.map((n) => [n.asset.id, n.degree])).toEqual([
      ['models/m1', 1],
      ['run/r2', 1],
      ['datasets/d3', 2],
    ]);
    expect(lineage?.edges.map((e) => e.relation)).toEqual(['derived_from', 'run_models', 'run_datasets']);
    expect(lineage?.truncated).toBe(true);
    expect(missing).toEqual({ nodes: [], edges: [], truncated: false });
    expect(fake.log).toEqual(['traverse']);
  });

  it('answers owners of a batch with one query, in order, without asking for malformed ids', async () => {
    const fake = new ScriptedDatabase(() => [['project/a'], ['project/a', 'project/b']]);
    const owners = await reads(fake).owners(['models/m1', 'not-an-id', 'run/r1']);
    expect(owners).toEqual([['project/a'], [], ['project/a', 'project/b']]);
    expect(fake.log).toEqual(['owners']);
    expect(fake.queries[0]?.bindVars['ids']).toEqual(['models/m1', 'run/r1']);
  });

  it('tells whether another page follows from the one extra asset asked for', async () => {
    const docs = ['a', 'b', 'c'].map((key) => storedOf(content('DATASET', key)));
    const fake = new ScriptedDatabase(() => docs);
    const page = await reads(fake).listAssets(makeListQuery({ first: 2 }));
    expect(page.assets.map((a) => a.id)).toEqual(['datasets/a', 'datasets/b']);
    expect(page.positions).toEqual([
      { createdAt: NOW.toISOString(), id: 'datasets/a' },
      { createdAt: NOW.toISOString(), id: 'datasets/b' },
    ]);
    expect(page.hasNextPage).toBe(true);
    expect(fake.queries[0]?.bindVars).toEqual({ take: 3 });
  });

  it('lists documents whose stored creation time is not ISO 8601, positioned by the stored text', async () => {
    const docs: StoredDocument[] = [
      arangopipeDoc('project'),
      { ...arangopipeDoc('models'), created_at: '2019-06-06 12:52:11' },
      { ...arangopipeDoc('datasets'), created_at: 'June 6th, 2019' },
    ];
    const fake = new ScriptedDatabase(() => docs);
    const page = await reads(fake).listAssets(makeListQuery({ first: 3 }));
    expect(page.assets.map((a) => [a.id, a.createdAt])).toEqual([
      ['project/1001', '1970-01-01T00:00:00.000Z'],
      ['models/4001', '2019-06-06T12:52:11.000Z'],
      ['datasets/2001', 'June 6th, 2019'],
    ]);
    expect(page.positions).toEqual([
      { createdAt: '1970-01-01T00:00:00.000Z', id: 'project/1001' },
      { createdAt: '2019-06-06 12:52:11', id: 'models/4001' },
      { createdAt: 'June 6th, 2019', id: 'datasets/2001' },
    ]);
    expect(page.hasNextPage).toBe(false);

    // The next page starts after the stored text, exactly where the database sorts it.
    const [last] = page.positions.slice(-1);
    await reads(fake).listAssets(makeListQuery({ first: 3, after: last ?? null }));
    expect(fake.queries[1]?.bindVars).toMatchObject({ afterCreatedAt: 'June 6th, 2019', afterId: 'datasets/2001' });
  });

  it('reads as of an instant with one query per call, each asset made of its state in the change log', async () => {
    const asOf = '2026-01-01T00:00:00.000Z';
    const state = (id: string, tag: string) => ({
      id,
      kind: 'RUN',
      after: { name: id, version: null, tag, properties: { a: 1 }, runId: id, status: 'COMPLETED', startedAt: null, endedAt: null, deploymentTag: null },
      createdAt: '2025-12-01T00:00:00.000Z',
      updatedAt: '2025-12-02T00:00:00.000Z',
    });
    const fake = new ScriptedDatabase((name) => {
      if (name === 'getAssetsAsOf') return [state('run/r1', 'then'), null];
      if (name === 'neighborsAsOf') return [[[[state('run/r1', 'then')]]]];
      if (name === 'ownersAsOf') return [['project/p']];
      if (name === 'traverseAsOf') return [[[{ nodes: [{ asset: state('run/r1', 'then'), degree: 1 }], edges: [{ relation: 'run_models', from: 'models/m', to: 'run/r1' }], truncated: false }]]];
      if (name === 'listAssetsAsOf') return [state('run/r1', 'then'), state('run/r2', 'then')];
      return new Error(`unexpected ${name}`);
    });
    const [r1, gone, malformed] = await reads(fake).getAssets(['run/r1', 'run/gone', 'bad'], asOf);
    expect(r1).toEqual({
      kind: 'RUN',
      id: 'run/r1',
      key: 'r1',
      name: 'run/r1',
      version: null,
      tag: 'then',
      properties: { a: 1 },
      runId: 'run/r1',
      status: 'COMPLETED',
      startedAt: null,
      endedAt: null,
      deploymentTag: null,
      createdAt: '2025-12-01T00:00:00.000Z',
      updatedAt: '2025-12-02T00:00:00.000Z',
    });
    expect([gone, malformed]).toEqual([null, null]);
    expect(fake.bound('getAssetsAsOf')).toEqual({ asOf, ids: ['run/r1', 'run/gone'] });

    const [runs] = await reads(fake).neighbors([{ id: 'models/m', relation: 'run_models', direction: 'OUT', asOf }]);
    expect(runs?.map((r) => `${r.id} ${r.tag}`)).toEqual(['run/r1 then']);
    expect(await reads(fake).owners(['run/r1'], asOf)).toEqual([['project/p']]);
    const [lineage] = await reads(fake).traverse([
      { start: 'models/m', direction: 'UPSTREAM', depth: 1, limit: 1, kinds: null, visitLimit: 10, asOf, scope: null },
    ]);
    expect(lineage?.nodes.map((n) => [n.asset.id, n.asset.tag, n.degree])).toEqual([['run/r1', 'then', 1]]);
    const page = await reads(fake).listAssets(makeListQuery({ kind: 'RUN', first: 1, asOf }));
    expect(page.assets.map((a) => a.id)).toEqual(['run/r1']);
    expect(page.positions).toEqual([{ createdAt: '2025-12-01T00:00:00.000Z', id: 'run/r1' }]);
    expect(page.hasNextPage).toBe(true);
    expect(fake.log).toEqual(['getAssetsAsOf', 'neighborsAsOf', 'ownersAsOf', 'traverseAsOf', 'listAssetsAsOf']);
  });

  it('answers a batch mixing instants with one query per instant, in request order', async () => {
    const fake = new ScriptedDatabase((name, query) =>
      name === 'ownersAsOf' ? [[`project/${String(query.bindVars['asOf']).slice(0, 4)}`]] : [['project/now']],
    );
    const owners = await Promise.all([reads(fake).owners(['models/m']), reads(fake).owners(['models/m'], '2025-01-01T00:00:00.000Z')]);
    expect(owners).toEqual([[['project/now']], [['project/2025']]]);
    const request = { start: 'models/m', direction: 'UPSTREAM', depth: 1, limit: 1, kinds: null, visitLimit: 10, scope: null } as const;
    const mixed = new ScriptedDatabase((name) => [[[{ nodes: [], edges: [], truncated: name === 'traverseAsOf' }]]]);
    const lineages = await reads(mixed).traverse([
      { ...request, asOf: '2025-01-01T00:00:00.000Z' },
      { ...request, asOf: null },
    ]);
    expect(lineages.map((l) => l.truncated)).toEqual([true, false]);
    expect(mixed.log).toEqual(['traverseAsOf', 'traverse']);
  });

  it('refuses, before asking, a listing of what lies upstream of a project as of an instant', async () => {
    const fake = new ScriptedDatabase(() => []);
    const refusal = await rejection(() =>
      reads(fake).listAssets(makeListQuery({ project: 'project/p', asOf: '2026-01-01T00:00:00.000Z' })),
    );
    expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT', field: ['filter', 'project'] });
    expect(fake.log).toEqual([]);
    await reads(fake).listAssets(makeListQuery({ project: 'project/p', kind: 'RUN', asOf: '2026-01-01T00:00:00.000Z' }));
    expect(fake.log).toEqual(['listAssetsAsOf']);
  });

  it('reports an unreachable database as STORE_UNAVAILABLE, without its message', async () => {
    const fake = new ScriptedDatabase(() => networkError());
    const error = await rejection(() => reads(fake).getAssets(['models/m']));
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', message: 'The store is unavailable; try again later' });
    expect((error as Error).cause).toBeInstanceOf(FetchFailedError);
  });

  it.each([
    ['its memory limit (32)', 32, 500],
    ['its run-time limit (1500)', 1500, 410],
  ])('answers a query stopped at %s with QUERY_TOO_EXPENSIVE, keeping the cause for the log', async (_, num, status) => {
    const failure = arangoError(num, status);
    const fake = new ScriptedDatabase(() => failure);
    const error = await rejection(() =>
      new ArangoReads(fake.db, {}, names).traverse([
        { start: 'models/m', direction: 'UPSTREAM', depth: 5, limit: 10, kinds: null, visitLimit: 100, asOf: null, scope: null },
      ]),
    );
    expect(error).toMatchObject({
      code: 'QUERY_TOO_EXPENSIVE',
      message:
        'The operation needed more memory or time than the database allows one query; ask for less (a smaller depth, limit or page) and try again',
    });
    expect((error as Error).cause).toBe(failure);
  });

  it('passes the configured query limits with every query', async () => {
    const seen: unknown[] = [];
    const fake = new ScriptedDatabase(() => [null]);
    const original = fake.query.bind(fake);
    fake.query = async (query: AqlQuery, options?: unknown) => {
      seen.push(options);
      return original(query);
    };
    await new ArangoReads(fake.db, { memoryLimit: 1024, maxRuntime: 5 }, names).getAssets(['models/m']);
    expect(seen).toEqual([{ memoryLimit: 1024, maxRuntime: 5 }]);
  });
});

describe('arango engine: the unit of work', () => {
  const inserted = (query: AqlQuery) => [
    {
      existing: null,
      taken: null,
      inserted: { ...(query.bindVars.doc as object), _id: query.bindVars.id, _rev: '_r' },
    },
  ];
  const edgeRow = (fromFound: boolean, toFound: boolean) => [
    { fromFound, toFound, existing: null, inserted: fromFound && toFound ? 'x' : null },
  ];

  it('runs every op as a step of one transaction declaring its collections, counts it in the revision, then commits', async () => {
    const fake = new ScriptedDatabase(
      (name, query) => revisionAnswer(name) ?? (name === 'putAsset' ? inserted(query) : edgeRow(true, true)),
    );
    const result = await writes(fake).commit(
      unit(
        putAsset(content('MODEL', 'm', { task: 'regression' })),
        putAsset(content('RUN', 'r')),
        putEdge('run_models', 'models/m', 'run/r'),
      ),
    );
    expect(fake.log).toEqual([
      'begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,models,run,run_models read=',
      'putAsset',
      'putAsset',
      'putEdge',
      'appendChanges',
      'openSpans',
      'nextRevision',
      'commit',
    ]);
    expect(result.revision).toBe('8');
    expect(result.assets.get('models/m')).toMatchObject({ task: 'regression', createdAt: AT, updatedAt: AT });
    expect(fake.bound('putEdge')?.edge).toEqual({
      _key: 'm-r',
      _from: 'models/m',
      _to: 'run/r',
      created_at: AT,
      seq: NOW.getTime() * 1000,
    });
  });

  it('appends the unit’s changes in op order with who, through what and one transaction id, and opens the spans of its links', async () => {
    const fake = new ScriptedDatabase(
      (name, query) => revisionAnswer(name) ?? (name === 'putAsset' ? inserted(query) : edgeRow(true, true)),
    );
    await writes(fake).commit(unit(putAsset(content('MODEL', 'm')), putAsset(content('RUN', 'r')), putEdge('run_models', 'models/m', 'run/r')));
    const changes = fake.bound('appendChanges')?.['changes'] as Record<string, unknown>[];
    expect(changes.map((c) => [c['operation'], c['assetId'], c['kind'], c['actor'], c['source']])).toEqual([
      ['CREATE', 'models/m', 'MODEL', 'tester', 'test'],
      ['CREATE', 'run/r', 'RUN', 'tester', 'test'],
      ['LINK', 'models/m', 'MODEL', 'tester', 'test'],
    ]);
    expect(changes[0]).toMatchObject({ before: null, after: { name: 'm', task: null, properties: {} } });
    expect(changes[2]).toMatchObject({ relation: 'run_models', from: 'models/m', to: 'run/r', before: null, after: null });
    // The statement gives them the unit's transaction id, the first change's sequence.
    expect(changes.every((c) => !('transaction' in c))).toBe(true);
    expect(fake.bound('appendChanges')?.['at']).toBe(AT);
    expect(fake.bound('openSpans')?.['spans']).toEqual([{ from: 'models/m', to: 'run/r', relation: 'run_models', seq: 13 }]);
  });

  it('stores nothing and appends nothing for an update that changes nothing', async () => {
    const stored = storedOf(content('MODEL', 'm', { tag: 't' }));
    const fake = new ScriptedDatabase((name) => revisionAnswer(name) ?? [stored]);
    const result = await writes(fake).commit(unit({ type: 'updateAsset', id: 'models/m', patch: { tag: 't' }, field: ['id'] }));
    expect(result.revision).toBe('7');
    expect(fake.log.slice(1)).toEqual(['readAsset', 'revision', 'commit']);
  });

  it('answers a unit that changed nothing with the revision as it is, without counting it', async () => {
    const asset = content('DATASET', 'd1', { properties: { a: 1 } });
    const stored = {
      ...storedOf(asset),
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    };
    const fake = new ScriptedDatabase(
      (name) =>
        revisionAnswer(name) ??
        (name === 'putAsset' ? [{ existing: stored, taken: null, inserted: null }] : edgeRow(true, true)),
    );
    const again = await writes(fake).commit(unit(putAsset(asset)));
    expect(again.revision).toBe('7');
    expect(again.assets.get('datasets/d1')?.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(fake.log).toEqual(['begin write=datasets,metalayer_changes,metalayer_edge_spans,metalayer_meta read=', 'putAsset', 'revision', 'commit']);

    const existingEdge = new ScriptedDatabase(
      (name) =>
        revisionAnswer(name) ?? [{ fromFound: true, toFound: true, existing: 'run_models/m-r', inserted: null }],
    );
    expect((await writes(existingEdge).commit(unit(putEdge('run_models', 'models/m', 'run/r')))).revision).toBe('7');
    expect(existingEdge.log).toContain('revision');
    expect(existingEdge.log).not.toContain('nextRevision');

    const empty = new ScriptedDatabase((name) => revisionAnswer(name) ?? []);
    const nothing = await writes(empty).commit(unit());
    expect(nothing).toEqual({ assets: new Map(), deleted: new Map(), revision: '7' });
    expect(empty.log).toEqual(['revision']);
  });

  it('aborts on a missing end and names the op’s field', async () => {
    const fake = new ScriptedDatabase(
      (name, query) => revisionAnswer(name) ?? (name === 'putAsset' ? inserted(query) : edgeRow(true, false)),
    );
    const error = await rejection(() =>
      writes(fake).commit(
        unit(putAsset(content('RUN', 'r')), putEdge('run_datasets', 'run/r', 'datasets/missing', ['datasets', 1])),
      ),
    );
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      field: ['datasets', 1],
      detail: 'no asset with id "datasets/missing"',
    });
    expect(fake.log.at(-1)).toBe('abort');
    expect(fake.log).not.toContain('commit');
    expect(fake.log).not.toContain('nextRevision');
  });

  it('refuses a relation between the wrong kinds after reading its ends, with the domain’s message, writing nothing', async () => {
    const edge = { relation: 'run_datasets', from: 'models/m', to: 'datasets/d' } as const;
    const fake = new ScriptedDatabase((name) => revisionAnswer(name) ?? edgeRow(true, true));
    const error = await rejection(() =>
      writes(fake).commit(unit(putEdge(edge.relation, edge.from, edge.to, ['derivedFrom']))),
    );
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['derivedFrom'],
      detail: 'run_datasets relates run to datasets, received models "models/m" to datasets "datasets/d"',
    });
    expect(() => checkEdge(catalogue, edge, 'MODEL', 'DATASET', ['derivedFrom'])).toThrow(error.message);
    expect(fake.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,run_datasets read=datasets,models', 'putEdge', 'abort']);

    // A missing end is NOT_FOUND before the kinds are looked at, as on every engine.
    const missing = new ScriptedDatabase((name) => revisionAnswer(name) ?? edgeRow(false, true));
    const notFound = await rejection(() => writes(missing).commit(unit(putEdge(edge.relation, edge.from, edge.to))));
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', detail: 'no asset with id "models/m"' });
  });

  it('removes a relation in one step, and answers a missing one with NOT_FOUND naming the field, writing nothing', async () => {
    const removeEdge = (from: string, to: string): WriteOp => ({
      type: 'removeEdge',
      edge: { relation: 'derived_from', from, to },
      field: ['derivedFrom'],
    });
    const fake = new ScriptedDatabase((name) => revisionAnswer(name) ?? ['derived_from/x']);
    expect((await writes(fake).commit(unit(removeEdge('models/m2', 'models/m1')))).revision).toBe('8');
    expect(fake.log).toEqual(['begin write=derived_from,metalayer_changes,metalayer_edge_spans,metalayer_meta read=', 'removeEdge', 'appendChanges', 'closeSpans', 'nextRevision', 'commit']);

    const none = new ScriptedDatabase((name) => revisionAnswer(name) ?? []);
    const error = await rejection(() => writes(none).commit(unit(removeEdge('models/m2', 'models/m1'))));
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      field: ['derivedFrom'],
      detail: 'no derived_from relation from "models/m2" to "models/m1"',
    });
    expect(none.log).toEqual(['begin write=derived_from,metalayer_changes,metalayer_edge_spans,metalayer_meta read=', 'removeEdge', 'abort']);

    const outside = new ScriptedDatabase((name) => revisionAnswer(name) ?? []);
    expect(await rejection(() => writes(outside).commit(unit(removeEdge('widgets/w', 'models/m1'))))).toMatchObject({ code: 'NOT_FOUND' });
    expect(outside.log).toEqual(['begin write=derived_from,metalayer_changes,metalayer_edge_spans,metalayer_meta read=', 'abort']);

    // With fromField (linkAssets), a refusal reads whether `from` exists, to name the missing end.
    const named = (from: string): WriteOp => ({
      type: 'removeEdge',
      edge: { relation: 'derived_from', from, to: 'models/m1' },
      field: ['input', 'to'],
      fromField: ['input', 'from'],
    });
    const noFrom = new ScriptedDatabase((name) => revisionAnswer(name) ?? (name === 'readAsset' ? [null] : []));
    expect(await rejection(() => writes(noFrom).commit(unit(named('models/m2'))))).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'from'] });
    expect(noFrom.log.slice(1)).toEqual(['removeEdge', 'readAsset', 'abort']);
    const noEdge = new ScriptedDatabase((name) => revisionAnswer(name) ?? (name === 'readAsset' ? [{ _key: 'm2' }] : []));
    expect(await rejection(() => writes(noEdge).commit(unit(named('models/m2'))))).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'to'] });
    expect(noEdge.log.slice(1)).toEqual(['removeEdge', 'readAsset', 'abort']);
  });

  it('refuses an asset related to itself before asking anything, with the domain’s message', async () => {
    const fake = new ScriptedDatabase((name) => revisionAnswer(name) ?? edgeRow(true, true));
    const error = await rejection(() =>
      writes(fake).commit(unit(putEdge('derived_from', 'models/m', 'models/m', ['derivedFrom']))),
    );
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['derivedFrom'],
      detail: 'an asset cannot be related to itself ("models/m")',
    });
    expect(fake.log).toEqual(['begin write=derived_from,metalayer_changes,metalayer_edge_spans,metalayer_meta read=models', 'abort']);
  });

  it('reports an end outside the catalogue as NOT_FOUND, the first missing end as the domain orders them', async () => {
    const found = new ScriptedDatabase((name) => revisionAnswer(name) ?? [storedOf(content('MODEL', 'm'))]);
    const to = await rejection(() => writes(found).commit(unit(putEdge('run_models', 'models/m', 'widgets/w'))));
    expect(to).toMatchObject({ code: 'NOT_FOUND', detail: 'no asset with id "widgets/w"' });
    expect(found.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,run_models read=models', 'readAsset', 'abort']);

    const gone = new ScriptedDatabase((name) => revisionAnswer(name) ?? [null]);
    const from = await rejection(() => writes(gone).commit(unit(putEdge('run_models', 'models/m', 'widgets/w'))));
    expect(from).toMatchObject({ code: 'NOT_FOUND', detail: 'no asset with id "models/m"' });

    const unknown = new ScriptedDatabase((name) => revisionAnswer(name) ?? []);
    const first = await rejection(() => writes(unknown).commit(unit(putEdge('run_models', 'widgets/w', 'run/r'))));
    expect(first).toMatchObject({ code: 'NOT_FOUND', detail: 'no asset with id "widgets/w"' });
    expect(unknown.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,run_models read=run', 'abort']);
  });

  it('answers a repeated put with the stored record, and a different one with CONFLICT naming the key’s field', async () => {
    const asset = content('DATASET', 'd1', { properties: { a: 1 } });
    const stored = {
      ...storedOf(asset),
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    };
    const fake = new ScriptedDatabase(
      (name) => revisionAnswer(name) ?? [{ existing: stored, taken: null, inserted: null }],
    );
    const error = await rejection(() =>
      writes(fake).commit(unit(putAsset(content('DATASET', 'd1', { source: 'changed' }), ['datasets', 0, 'key']))),
    );
    expect(error).toMatchObject({
      code: 'CONFLICT',
      field: ['datasets', 0, 'key'],
      detail: '"datasets/d1" already exists with different content',
    });
  });

  it('refuses a taken (name, version), naming the holder', async () => {
    const fake = new ScriptedDatabase(
      (name) => revisionAnswer(name) ?? [{ existing: null, taken: 'models/m1', inserted: null }],
    );
    const error = await rejection(() => writes(fake).commit(unit(putAsset(content('MODEL', 'm2', { name: 'price' })))));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      field: ['name'],
      detail: 'a models asset named "price" with no version already exists ("models/m1"); give a distinct version',
    });
  });

  it('retries a unit of work that hit a write-write conflict, whole', async () => {
    let calls = 0;
    const fake = new ScriptedDatabase(
      (name, query) => revisionAnswer(name) ?? (++calls === 1 ? arangoError(1200) : inserted(query)),
    );
    const result = await writes(fake).commit(unit(putAsset(content('MODEL', 'm'))));
    expect(result.assets.has('models/m')).toBe(true);
    expect(fake.log).toEqual([
      'begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,models read=',
      'putAsset',
      'abort',
      'begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,models read=',
      'putAsset',
      'appendChanges',
      'nextRevision',
      'commit',
    ]);
  });

  it('retries a unit whose revision step collided with a concurrent commit', async () => {
    let counted = 0;
    const fake = new ScriptedDatabase((name, query) =>
      name === 'nextRevision' ? (++counted === 1 ? arangoError(1200) : [12]) : inserted(query),
    );
    const result = await writes(fake).commit(unit(putAsset(content('MODEL', 'm'))));
    expect(result.revision).toBe('12');
    expect(fake.log.filter((l) => l === 'abort')).toHaveLength(1);
    expect(fake.log.slice(-2)).toEqual(['nextRevision', 'commit']);
  });

  it('gives up after three collisions with CONFLICT, a late unique violation included', async () => {
    for (const errorNum of [1200, 1210]) {
      const colliding = new ScriptedDatabase(() => arangoError(errorNum));
      const error = await rejection(() =>
        writes(colliding).commit(unit(putAsset(content('MODEL', 'm', { name: 'price' })))),
      );
      expect(error).toMatchObject({ code: 'CONFLICT', message: 'The write collided with a concurrent one; try again' });
      expect(colliding.log.filter((l) => l === 'abort')).toHaveLength(3);
    }
  });

  it('retries a unit of work whose transaction the server aborted (1654), whole', async () => {
    let calls = 0;
    const fake = new ScriptedDatabase(
      (name, query) => (++calls === 1 ? arangoError(1654, 400) : (revisionAnswer(name) ?? inserted(query))),
    );
    const result = await writes(fake).commit(unit(putAsset(content('MODEL', 'm'))));
    expect(result.assets.has('models/m')).toBe(true);
    expect(fake.log).toEqual([
      'begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,models read=',
      'putAsset',
      'abort',
      'begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,models read=',
      'putAsset',
      'appendChanges',
      'nextRevision',
      'commit',
    ]);
  });

  it('answers a transaction lost for good (1654 three times, or 1655 once) with a retryable STORE_UNAVAILABLE', async () => {
    const lost = 'The database dropped the write before it was committed, so nothing was written; try again';
    const aborted = new ScriptedDatabase(() => arangoError(1654, 400));
    const abortedError = await rejection(() => writes(aborted).commit(unit(putAsset(content('MODEL', 'm')))));
    expect(abortedError).toMatchObject({ code: 'STORE_UNAVAILABLE', message: lost });
    expect(aborted.log.filter((l) => l.startsWith('begin'))).toHaveLength(3);

    // An expired transaction (its idle timeout passed) is gone: the unit of work is not tried again here.
    const expired = arangoError(1655, 404);
    const gone = new ScriptedDatabase(() => expired);
    const goneError = await rejection(() => writes(gone).commit(unit(putAsset(content('MODEL', 'm')))));
    expect(goneError).toMatchObject({ code: 'STORE_UNAVAILABLE', message: lost });
    expect((goneError as Error).cause).toBe(expired);
    expect(gone.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,models read=', 'putAsset', 'abort']);
  });

  it('answers a write statement stopped at a query limit with QUERY_TOO_EXPENSIVE, without retrying', async () => {
    const fake = new ScriptedDatabase(() => arangoError(1500, 410));
    const error = await rejection(() => writes(fake).commit(unit(putAsset(content('MODEL', 'm')))));
    expect(error.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(error.message).not.toContain('raw server text');
    expect(fake.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,models read=', 'putAsset', 'abort']);
  });

  it('updates through the revision it read, merging properties and keeping createdAt', async () => {
    const current = {
      ...storedOf(content('MODEL', 'm', { properties: { a: 1, b: 2 }, tag: 'x' })),
      created_at: '2026-01-01T00:00:00.000Z',
      _rev: '_seen',
    };
    const fake = new ScriptedDatabase(
      (name, query) =>
        revisionAnswer(name) ??
        (name === 'readAsset'
          ? [current]
          : [{ taken: null, replaced: { ...(query.bindVars.doc as object), _id: 'models/m', _rev: '_new' } }]),
    );
    const op: WriteOp = {
      type: 'updateAsset',
      id: 'models/m',
      patch: { name: 'renamed', tag: null, properties: { b: null, c: 3 } },
      field: ['id'],
    };
    const result = await writes(fake).commit(unit(op));
    expect(fake.log).toEqual([
      'begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,models read=',
      'readAsset',
      'replaceAsset',
      'appendChanges',
      'nextRevision',
      'commit',
    ]);
    expect(fake.bound('replaceAsset')).toMatchObject({
      name: 'renamed',
      versionKey: '',
      doc: { _key: 'm', _rev: '_seen', name: 'renamed', tag: null, a: 1, c: 3, created_at: '2026-01-01T00:00:00.000Z' },
    });
    expect(fake.bound('replaceAsset')?.doc).not.toHaveProperty('b');
    expect(result.assets.get('models/m')).toMatchObject({
      name: 'renamed',
      tag: null,
      properties: { a: 1, c: 3 },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: AT,
    });
  });

  it('writes arangopipe’s flat documents back flat on update, with their stored creation time', async () => {
    const updated = async (stored: StoredDocument, patch: Extract<WriteOp, { type: 'updateAsset' }>['patch']) => {
      const fake = new ScriptedDatabase(
        (name, query) =>
          revisionAnswer(name) ??
          (name === 'readAsset'
            ? [stored]
            : [{ taken: null, replaced: { ...(query.bindVars.doc as object), _id: stored._id, _rev: '_new' } }]),
      );
      const result = await writes(fake).commit(unit({ type: 'updateAsset', id: stored._id, patch, field: ['id'] }));
      return { doc: fake.bound('replaceAsset')?.doc, record: result.assets.get(stored._id) };
    };
    const RUN_KEY = '0ef73d9edf08487793c77a1742f4033e';
    const params = await updated(
      { ...arangopipeDoc('modelparams'), created_at: '2019-06-06 12:52:11' },
      { tag: 'best' },
    );
    expect(params.doc).toEqual({
      _key: RUN_KEY,
      _rev: '_hA1-006---',
      name: RUN_KEY,
      version: null,
      tag: 'best',
      l1_ratio: 0.1,
      alpha: 0.2,
      run_id: RUN_KEY,
      created_at: '2019-06-06 12:52:11',
      updated_at: AT,
    });
    expect(params.record).toMatchObject({
      params: { l1_ratio: 0.1, alpha: 0.2 },
      createdAt: '2019-06-06T12:52:11.000Z',
    });

    const perf = await updated(arangopipeDoc('devperf'), { properties: { note: 'baseline' } });
    expect(perf.doc).toEqual({
      _key: RUN_KEY,
      _rev: '_hA1-007---',
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
      created_at: null,
      updated_at: AT,
    });
    expect(perf.record).toMatchObject({
      metrics: { rmse: 0.7836984021909766, r2: 0.20673590971167466, mae: 0.6142020452688988 },
    });
  });

  it('deletes with every edge collection declared, and NOT_FOUND when nothing was there', async () => {
    const edges = [
      { relation: 'run_models', from: 'models/m', to: 'run/r' },
      { relation: 'deployment_model', from: 'deployment/d', to: 'models/m' },
    ];
    const fake = new ScriptedDatabase((name) => revisionAnswer(name) ?? [{ asset: storedOf(content('MODEL', 'm')), edges }]);
    const result = await writes(fake).commit(unit({ type: 'deleteAsset', id: 'models/m', field: ['id'] }));
    expect(result.deleted.get('models/m')).toMatchObject({ asset: { id: 'models/m' }, relations: 2 });
    expect(result.revision).toBe('8');
    expect(fake.log[0]).toContain('derived_from');
    expect(fake.log.slice(1)).toEqual(['deleteAsset', 'appendChanges', 'closeSpans', 'nextRevision', 'commit']);
    const changes = fake.bound('appendChanges')?.['changes'] as { operation: string; assetId: string; kind: string }[];
    expect(changes.map((c) => [c.operation, c.assetId, c.kind])).toEqual([
      ['UNLINK', 'models/m', 'MODEL'],
      ['UNLINK', 'deployment/d', 'DEPLOYMENT'],
      ['DELETE', 'models/m', 'MODEL'],
    ]);
    expect(fake.bound('closeSpans')?.['spans']).toEqual([
      { from: 'models/m', to: 'run/r', relation: 'run_models', seq: 11 },
      { from: 'deployment/d', to: 'models/m', relation: 'deployment_model', seq: 12 },
    ]);

    const empty = new ScriptedDatabase((name) => revisionAnswer(name) ?? [{ asset: null, edges: [] }]);
    const error = await rejection(() =>
      writes(empty).commit(unit({ type: 'deleteAsset', id: 'models/none', field: ['id'] })),
    );
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: ['id'] });
    expect(empty.log.at(-1)).toBe('abort');
  });

  it('reports an unreachable database as STORE_UNAVAILABLE and anything else unknown as it is', async () => {
    const down = new ScriptedDatabase(() => networkError());
    const unavailable = await rejection(() => writes(down).commit(unit(putAsset(content('MODEL', 'm')))));
    expect(unavailable.code).toBe('STORE_UNAVAILABLE');

    const broken = new ScriptedDatabase(() => arangoError(1579, 400));
    const internal = await rejection(() => writes(broken).commit(unit(putAsset(content('MODEL', 'm')))));
    expect(internal).toBeInstanceOf(ArangoError);
    expect(internal).not.toBeInstanceOf(MetalayerError);
  });
});

describe('arango engine: shared secrets', () => {
  it('makes a secret of 32 random bytes the first time, and answers the kept one after', async () => {
    const kept = new Map<string, string>();
    const fake = new ScriptedDatabase((_name, query) => {
      const doc = query.bindVars.doc as { _key: string; value: string };
      if (!kept.has(doc._key)) kept.set(doc._key, doc.value);
      return [kept.get(doc._key)];
    });
    const first = await sharedSecret(fake.db, {}, 'cursor');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect(fake.queries[0]?.bindVars).toEqual({
      id: 'metalayer_meta/secret_cursor',
      doc: { _key: 'secret_cursor', value: first },
    });
    expect(await sharedSecret(fake.db, {}, 'cursor')).toBe(first);
    expect(await sharedSecret(fake.db, {}, 'other')).not.toBe(first);
    expect(fake.log).toEqual(['keepSecret', 'keepSecret', 'keepSecret']);
  });

  it('reads the secret again when a concurrent first call inserted it first', async () => {
    let calls = 0;
    const fake = new ScriptedDatabase(() => (++calls === 1 ? arangoError(1210) : ['theirs']));
    expect(await sharedSecret(fake.db, {}, 'cursor')).toBe('theirs');
    expect(fake.log).toEqual(['keepSecret', 'keepSecret']);

    const down = new ScriptedDatabase(() => networkError());
    expect(await rejection(() => sharedSecret(down.db, {}, 'cursor'))).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(down.log).toHaveLength(1);
  });
});

describe('arango engine: failures', () => {
  it('tells unavailability from other failures', () => {
    expect(isUnavailable(networkError())).toBe(true);
    expect(isUnavailable(arangoError(1478, 503))).toBe(true);
    expect(isUnavailable(arangoError(30, 503))).toBe(true);
    expect(
      isUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' })),
    ).toBe(true);
    expect(isUnavailable(arangoError(1210))).toBe(false);
    expect(isUnavailable(arangoError(11, 401))).toBe(false);
    expect(isUnavailable(new Error('boom'))).toBe(false);
    const gateway = new HttpError(
      Object.assign(new Response('', { status: 502 }), { request: new Request('http://x') }) as never,
    );
    expect(isUnavailable(gateway)).toBe(true);
    const original = arangoError(1228, 404);
    expect(translateError(original)).toBe(original);
    const codes = [32, 1500, 1654, 1655, 1200].map((num) => {
      const translated = translateError(arangoError(num));
      return translated instanceof MetalayerError ? translated.code : null;
    });
    expect(codes).toEqual(['QUERY_TOO_EXPENSIVE', 'QUERY_TOO_EXPENSIVE', 'STORE_UNAVAILABLE', 'STORE_UNAVAILABLE', null]);
  });

  it('fails to open on a server that does not answer, closing its connection', async () => {
    await expect(
      createArangoStore({
        urls: ['http://127.0.0.1:1'],
        database: 'metalayer',
        auth: { username: 'root', password: '' },
        catalogue,
      }),
    ).rejects.toThrow();
    await expect(
      createArangoStore({ urls: [], database: 'metalayer', auth: { username: 'root', password: '' }, catalogue }),
    ).rejects.toThrow(/at least one URL/);
  });
});

describe('arango engine: bulk import', () => {
  const bulk = (fake: ScriptedDatabase) => new ArangoBulkImport(fake.db, {}, names, clock, new SequenceClock(clock));

  it('inserts assets, then relations, one statement per collection in one transaction', async () => {
    const fake = new ScriptedDatabase((name) =>
      name === 'importEdges' ? [{ missing: null, inserted: 1 }] : name === 'appendChanges' ? [{ first: 21, at: AT }] : [],
    );
    const count = await bulk(fake).importBulk({
      assets: [content('DATASET', 'd1'), content('RUN', 'r1'), content('DATASET', 'd2')],
      edges: [
        { relation: 'run_datasets', from: 'run/r1', to: 'datasets/d1' },
        { relation: 'derived_from', from: 'datasets/d2', to: 'datasets/d0' },
      ],
      actor: 'loader',
    });
    expect(count).toEqual({ assets: 3, edges: 2 });
    expect(fake.log).toEqual([
      'begin write=datasets,derived_from,metalayer_changes,metalayer_edge_spans,metalayer_meta,run,run_datasets read=',
      'importAssets',
      'importAssets',
      'importEdges',
      'importEdges',
      'appendChanges',
      'openSpans',
      'commit',
    ]);
    // The changes follow the batch's order, assets then relations, as one unit of work of source import.
    const changes = fake.bound('appendChanges')?.['changes'] as { operation: string; assetId: string; actor: string; source: string; transaction: string }[];
    expect(changes.map((c) => [c.operation, c.assetId, c.actor, c.source])).toEqual([
      ['CREATE', 'datasets/d1', 'loader', 'import'],
      ['CREATE', 'run/r1', 'loader', 'import'],
      ['CREATE', 'datasets/d2', 'loader', 'import'],
      ['LINK', 'run/r1', 'loader', 'import'],
      ['LINK', 'datasets/d2', 'loader', 'import'],
    ]);
    expect(changes.every((c) => !('transaction' in c))).toBe(true);
    expect(fake.bound('appendChanges')?.['at']).toBe(NOW.toISOString());
    expect(fake.bound('openSpans')?.['spans']).toEqual([
      { from: 'run/r1', to: 'datasets/d1', relation: 'run_datasets', seq: 24 },
      { from: 'datasets/d2', to: 'datasets/d0', relation: 'derived_from', seq: 25 },
    ]);
    expect((fake.queries[0]?.bindVars.docs as { _key: string }[]).map((d) => d._key)).toEqual(['d1', 'd2']);
    expect(fake.queries[3]?.bindVars.edges).toEqual([
      {
        _key: 'datasets:d2-datasets:d0',
        _from: 'datasets/d2',
        _to: 'datasets/d0',
        created_at: NOW.toISOString(),
        seq: expect.any(Number),
      },
    ]);
  });

  it('names the relation with a missing end, writing nothing', async () => {
    const fake = new ScriptedDatabase((name, query) =>
      query.query.includes('INTO run_datasets')
        ? [{ missing: { from: 'run/r1', to: 'datasets/none', fromFound: true }, inserted: 0 }]
        : name === 'importEdges'
          ? [{ missing: null, inserted: 1 }]
          : [],
    );
    const error = await rejection(() =>
      bulk(fake).importBulk({
        assets: [content('RUN', 'r1')],
        edges: [
          { relation: 'run_models', from: 'models/m', to: 'run/r1' },
          { relation: 'run_datasets', from: 'run/r1', to: 'datasets/none' },
        ],
      }),
    );
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: ['edges', 1] });
    expect(error.message).toContain('datasets/none');
    expect(fake.log.at(-1)).toBe('abort');
  });

  it('diagnoses a unique violation after the abort: an existing id, or the asset holding a name', async () => {
    const existing = new ScriptedDatabase((name) =>
      name === 'importAssets' ? arangoError(1210) : name === 'existingKeys' ? ['d0'] : [],
    );
    const taken = await rejection(() =>
      bulk(existing).importBulk({ assets: [content('DATASET', 'new'), content('DATASET', 'd0')], edges: [] }),
    );
    expect(taken).toMatchObject({ code: 'CONFLICT', field: ['assets', 1] });
    expect(taken.message).toContain('"datasets/d0" already exists');
    expect(existing.log).toEqual(['begin write=datasets,metalayer_changes,metalayer_edge_spans,metalayer_meta read=', 'importAssets', 'abort', 'existingKeys']);

    const named = new ScriptedDatabase((name, query) =>
      query.query.includes('INTO datasets')
        ? arangoError(1210)
        : name === 'takenNames'
          ? [{ name: 'd0', versionKey: '', holder: 'datasets/d0' }]
          : [],
    );
    const error = await rejection(() =>
      bulk(named).importBulk({
        assets: [content('MODEL', 'm9'), content('DATASET', 'other', { name: 'd0' })],
        edges: [],
      }),
    );
    expect(error).toMatchObject({
      code: 'CONFLICT',
      field: ['assets', 1],
      detail: 'a datasets asset named "d0" with no version already exists ("datasets/d0"); give a distinct version',
    });
  });

  it('refuses a batch whose documents exceed the byte budget before sending anything', async () => {
    const fake = new ScriptedDatabase(() => []);
    const assets = [content('DATASET', 'd1', { properties: { blob: 'x'.repeat(600) } }), content('DATASET', 'd2')];
    const docBytes = assets.map((a) => Buffer.byteLength(JSON.stringify(toDocument(catalogue, a, NOW.toISOString(), NOW.toISOString()))));
    const total = docBytes.reduce((sum, n) => sum + n, 0);
    const budgeted = (budget: number) => new ArangoBulkImport(fake.db, {}, names, clock, new SequenceClock(clock), budget);

    const error = await rejection(() => budgeted(total - 1).importBulk({ assets, edges: [] }));
    expect(error).toMatchObject({
      code: 'QUERY_TOO_EXPENSIVE',
      message: 'The batch holds 0.0 MiB of documents; one import writes at most 0.0 MiB: split it into smaller batches',
    });
    expect(fake.log).toEqual([]);

    expect(await budgeted(total).importBulk({ assets, edges: [] })).toEqual({ assets: 2, edges: 0 });
    expect(fake.log).toEqual(['begin write=datasets,metalayer_changes,metalayer_edge_spans,metalayer_meta read=', 'importAssets', 'appendChanges', 'commit']);
    expect(IMPORT_BYTE_BUDGET).toBe(32 * 2 ** 20);
  });

  it('names the sizes when a batch is over the default budget', async () => {
    const fake = new ScriptedDatabase(() => []);
    // 40 documents of about 1 MiB each: 40 MiB of JSON, over 32 MiB.
    const assets = Array.from({ length: 40 }, (_, i) => content('DATASET', `d${i}`, { properties: { blob: 'x'.repeat(2 ** 20) } }));
    const error = await rejection(() => bulk(fake).importBulk({ assets, edges: [] }));
    expect(error).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE' });
    expect(error.message).toMatch(/^The batch holds 40\.\d MiB of documents; one import writes at most 32\.0 MiB: split it into smaller batches$/);
    expect(fake.log).toEqual([]);
  });

  it('answers a transaction the server found too large (32) with QUERY_TOO_EXPENSIVE, writing nothing', async () => {
    const failure = arangoError(32, 500);
    const fake = new ScriptedDatabase((name) => (name === 'importEdges' ? failure : []));
    const error = await rejection(() =>
      bulk(fake).importBulk({
        assets: [content('RUN', 'r1')],
        edges: [{ relation: 'run_models', from: 'models/m', to: 'run/r1' }],
      }),
    );
    expect(error).toMatchObject({
      code: 'QUERY_TOO_EXPENSIVE',
      message: 'The batch is larger than the database lets one import write: split it into smaller batches',
    });
    expect((error as Error).cause).toBe(failure);
    expect(fake.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,run,run_models read=models', 'importAssets', 'importEdges', 'abort']);
  });

  it('answers an import whose transaction expired (1655) or was aborted (1654) with a retryable STORE_UNAVAILABLE', async () => {
    for (const num of [1654, 1655]) {
      const fake = new ScriptedDatabase(() => arangoError(num, 404));
      const error = await rejection(() => bulk(fake).importBulk({ assets: [content('MODEL', 'm')], edges: [] }));
      expect(error).toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: 'The database dropped the write before it was committed, so nothing was written; try again',
      });
      expect(fake.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,models read=', 'importAssets', 'abort']);
    }
  });

  it('refuses what the database cannot see before sending anything: repeats and misfit relations', async () => {
    const fake = new ScriptedDatabase(() => []);
    const twice = await rejection(() =>
      bulk(fake).importBulk({ assets: [content('MODEL', 'm'), content('MODEL', 'm')], edges: [] }),
    );
    expect(twice).toMatchObject({ code: 'CONFLICT', field: ['assets', 1] });
    const sameName = await rejection(() =>
      bulk(fake).importBulk({
        assets: [content('MODEL', 'a', { name: 'n' }), content('MODEL', 'b', { name: 'n' })],
        edges: [],
      }),
    );
    expect(sameName).toMatchObject({ code: 'CONFLICT', field: ['assets', 1] });
    const misfit = await rejection(() =>
      bulk(fake).importBulk({ assets: [], edges: [{ relation: 'run_datasets', from: 'models/m', to: 'datasets/d' }] }),
    );
    expect(misfit).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['edges', 0],
      detail: 'run_datasets relates run to datasets, received models "models/m" to datasets "datasets/d"',
    });
    const itself = await rejection(() =>
      bulk(fake).importBulk({ assets: [], edges: [{ relation: 'derived_from', from: 'models/m', to: 'models/m' }] }),
    );
    expect(itself).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['edges', 0],
      detail: 'an asset cannot be related to itself ("models/m")',
    });
    const outside = await rejection(() =>
      bulk(fake).importBulk({ assets: [], edges: [{ relation: 'run_models', from: 'models/m', to: 'widgets/w' }] }),
    );
    expect(outside).toMatchObject({ code: 'NOT_FOUND', field: ['edges', 0], detail: 'no asset with id "widgets/w"' });
    expect(fake.log).toEqual([]);
  });
});

describe('arango engine: run lifecycle and metric series', () => {
  const running = content('RUN', 'r', { status: 'RUNNING', startedAt: '2026-03-01T09:00:00.000Z' });
  const replaced = (query: AqlQuery) => {
    const doc = query.bindVars.doc as { _key: string };
    return [{ taken: null, replaced: { ...doc, _id: query.query.includes('IN run ') ? `run/${doc._key}` : `devperf/${doc._key}` } }];
  };

  it('updateRun reads the run, lets the domain decide, and replaces it with its _rev', async () => {
    const fake = new ScriptedDatabase(
      (name, query) => revisionAnswer(name) ?? (name === 'readAsset' ? [storedOf(running)] : replaced(query)),
    );
    const result = await writes(fake).commit(
      unit({ type: 'updateRun', id: 'run/r', change: { status: 'COMPLETED' }, field: ['run'] }),
    );
    expect(fake.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,run read=', 'readAsset', 'replaceAsset', 'appendChanges', 'nextRevision', 'commit']);
    expect(fake.bound('replaceAsset')?.['doc']).toMatchObject({ _key: 'r', _rev: '_r1', status: 'COMPLETED', ended_at: AT, updated_at: AT });
    expect(result.assets.get('run/r')).toMatchObject({ status: 'COMPLETED', endedAt: AT });
  });

  it('updateRun that would move a status back aborts with CONFLICT before writing', async () => {
    const failed = { ...running, status: 'FAILED' as const, endedAt: AT };
    const fake = new ScriptedDatabase((name) => revisionAnswer(name) ?? [storedOf(failed)]);
    const error = await rejection(() =>
      writes(fake).commit(unit({ type: 'updateRun', id: 'run/r', change: { status: 'COMPLETED' }, field: ['run'] })),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', field: ['status'] });
    expect(fake.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,run read=', 'readAsset', 'abort']);
  });

  it('updateRun of a missing run puts the run its first observation makes, in the same transaction', async () => {
    const observation = { origin: 'openlineage:ns', at: AT, status: 'RUNNING' as const, starts: true, groups: {} };
    const create = firstObservedRun({ id: 'run/o', key: 'o', name: 'job' }, observation);
    const fake = new ScriptedDatabase((name, query) => {
      if (name === 'readAsset') return [null];
      if (name === 'putAsset') return [{ existing: null, taken: null, inserted: { ...(query.bindVars.doc as object), _id: 'run/o', _rev: '_r' } }];
      return revisionAnswer(name) ?? [];
    });
    const result = await writes(fake).commit(
      unit({ type: 'updateRun', id: 'run/o', change: { observation }, field: ['run', 'runId'], create }),
    );
    expect(fake.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta,run read=', 'readAsset', 'putAsset', 'appendChanges', 'nextRevision', 'commit']);
    expect(fake.bound('putAsset')?.['doc']).toMatchObject({ _key: 'o', status: 'RUNNING', started_at: AT, ended_at: null });
    expect(result.assets.get('run/o')).toMatchObject({ status: 'RUNNING', startedAt: AT, properties: { observed: { origin: 'openlineage:ns', at: AT } } });
  });

  const devPerf = content('DEV_PERF', 'r', { metrics: {}, recordedAt: null });
  const record = (key: string | null): WriteOp => ({
    type: 'recordMetrics',
    devPerf,
    points: [
      { name: 'loss', value: 0.5, step: 2, at: null },
      { name: 'loss', value: 0.9, step: 1, at: null },
    ],
    key,
    field: ['key'],
  });

  it('recordMetrics puts a missing performance with the latest values, then inserts the points with their seq', async () => {
    const fake = new ScriptedDatabase((name, query) => {
      if (name === 'metricFacts') return [{ devPerf: null, prior: [], latest: [] }];
      if (name === 'putAsset') return [{ existing: null, taken: null, inserted: { ...(query.bindVars.doc as object), _id: 'devperf/r' } }];
      return revisionAnswer(name) ?? [];
    });
    const result = await writes(fake).commit(unit(record('k')));
    expect(fake.log).toEqual([
      'begin write=devperf,metalayer_changes,metalayer_edge_spans,metalayer_meta,metalayer_metric_points read=',
      'metricFacts',
      'putAsset',
      'insertMetricPoints',
      'appendChanges',
      'nextRevision',
      'commit',
    ]);
    expect(fake.bound('metricFacts')).toEqual({ devPerf: 'devperf/r', key: 'k', names: ['loss'] });
    expect(fake.bound('putAsset')?.['doc']).toMatchObject({ _key: 'r', metrics: { loss: 0.5 }, recorded_at: AT });
    const points = fake.bound('insertMetricPoints')?.['points'] as { seq: number }[];
    expect(points.map(({ seq: _seq, ...point }) => point)).toEqual([
      { devperf: 'devperf/r', name: 'loss', value: 0.5, step: 2, at: AT, key: 'k' },
      { devperf: 'devperf/r', name: 'loss', value: 0.9, step: 1, at: AT, key: 'k' },
    ]);
    expect(points[1]!.seq).toBeGreaterThan(points[0]!.seq);
    expect(result.assets.get('devperf/r')).toMatchObject({ metrics: { loss: 0.5 } });
  });

  it('recordMetrics keeps a later stored point as the latest and replaces the performance with its _rev', async () => {
    const stored = storedOf({ ...devPerf, metrics: { loss: 0.1 } });
    const later = { name: 'loss', value: 0.1, step: 9, at: '2027-01-01T00:00:00.000Z', seq: 1 };
    const fake = new ScriptedDatabase((name, query) => {
      if (name === 'metricFacts') return [{ devPerf: stored, prior: [], latest: [later] }];
      if (name === 'replaceAsset') return replaced(query);
      return revisionAnswer(name) ?? [];
    });
    await writes(fake).commit(unit(record(null)));
    expect(fake.log).toEqual([
      'begin write=devperf,metalayer_changes,metalayer_edge_spans,metalayer_meta,metalayer_metric_points read=',
      'metricFacts',
      'replaceAsset',
      'insertMetricPoints',
      'appendChanges',
      'nextRevision',
      'commit',
    ]);
    expect(fake.bound('replaceAsset')?.['doc']).toMatchObject({ _rev: '_r1', metrics: { loss: 0.1 }, recorded_at: AT });
  });

  it('a keyed retry of the same points writes nothing; other points are a CONFLICT naming the field', async () => {
    const stored = storedOf({ ...devPerf, metrics: { loss: 0.5 } });
    const prior = [
      { name: 'loss', value: 0.5, step: 2, at: AT, seq: 1 },
      { name: 'loss', value: 0.9, step: 1, at: AT, seq: 2 },
    ];
    const fake = new ScriptedDatabase((name) => (name === 'metricFacts' ? [{ devPerf: stored, prior, latest: [] }] : revisionAnswer(name) ?? []));
    await writes(fake).commit(unit(record('k')));
    expect(fake.log).toEqual(['begin write=devperf,metalayer_changes,metalayer_edge_spans,metalayer_meta,metalayer_metric_points read=', 'metricFacts', 'revision', 'commit']);

    const other = new ScriptedDatabase((name) =>
      name === 'metricFacts' ? [{ devPerf: stored, prior: prior.slice(0, 1), latest: [] }] : revisionAnswer(name) ?? [],
    );
    expect(await rejection(() => writes(other).commit(unit(record('k'))))).toMatchObject({ code: 'CONFLICT', field: ['key'] });
    expect(other.log.at(-1)).toBe('abort');
  });

  it('metricSeries is one query for every request, answered in order, empty for malformed ids without asking', async () => {
    const point = { at: AT, value: 1, step: null };
    const fake = new ScriptedDatabase(() => [[point], []]);
    const answers = await new ArangoReads(fake.db, {}, names).metricSeries([
      { devPerf: 'devperf/a', name: 'loss', asOf: null },
      { devPerf: 'bogus', name: 'loss', asOf: null },
      { devPerf: 'devperf/b', name: 'loss', asOf: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(answers).toEqual([[point], [], []]);
    expect(fake.log).toEqual(['metricSeries']);
    expect(fake.bound('metricSeries')).toEqual({
      requests: [
        { devPerf: 'devperf/a', name: 'loss', asOf: null },
        { devPerf: 'devperf/b', name: 'loss', asOf: '2026-01-01T00:00:00.000Z' },
      ],
    });
  });
});

describe('arango engine: reusable steps', () => {
  const usage = (runs: number, models: number, deployments: number) => ({ runs, models, deployments });
  const fresh = { valid: 7, last: 7, many: false, changed: [] };

  it('usage answers cached counts, counts the rest by one traversal per scope and caches them, zeros for malformed ids unasked', async () => {
    const fake = new ScriptedDatabase((name, query) => {
      if (name === 'usageStale') return [fresh];
      if (name === 'usageCached') return query.bindVars['scope'] === '' ? [usage(7, 8, 9)] : [null, usage(4, 5, 6)];
      if (name === 'usage') return [[[usage(1, 2, 3)]]];
      return [];
    });
    const answers = await new ArangoReuse(fake.db, {}, names).usage([
      { id: 'datasets/d1', scope: ['project/p1'], asOf: null },
      { id: 'not an id', scope: null, asOf: null },
      { id: 'datasets/d1', scope: null, asOf: null },
      { id: 'featuresets/f1', scope: ['project/p1'], asOf: null },
    ]);
    expect(answers).toEqual([usage(1, 2, 3), usage(0, 0, 0), usage(7, 8, 9), usage(4, 5, 6)]);
    expect(fake.log).toEqual(['usageStale', 'usageCached', 'usage', 'usageStore', 'usageCached']);
    expect(fake.queries[1]?.bindVars).toMatchObject({ scope: '["project/p1"]', ids: ['datasets/d1', 'featuresets/f1'] });
    expect(fake.bound('usage')).toMatchObject({ g0_ids: ['datasets/d1'], g0_scope: ['project/p1'] });
    expect(fake.bound('usageStore')).toEqual({
      scope: '["project/p1"]',
      entries: [{ asset: 'datasets/d1', kind: 'DATASET', ...usage(1, 2, 3) }],
    });
  });

  it('settling drops every scoped count and the unscoped counts upstream of the changed ends, then moves the valid sequence', async () => {
    const fake = new ScriptedDatabase((name) =>
      name === 'usageStale' ? [{ valid: 3, last: 9, many: false, changed: ['run/r1', 'datasets/d1'] }] : name === 'usageCached' ? [usage(1, 1, 0)] : [],
    );
    await new ArangoReuse(fake.db, {}, names).usage([{ id: 'datasets/d1', scope: null, asOf: null }]);
    expect(fake.log).toEqual(['usageStale', 'usageDropScoped', 'usageDropUpstream', 'usageValid', 'usageCached']);
    expect(fake.bound('usageDropUpstream')).toMatchObject({ ends: ['run/r1', 'datasets/d1'] });
    expect(fake.bound('usageValid')).toEqual({ key: 'usage', seq: 9 });
  });

  it('settling drops every count when many changed or the log is behind the cache, and only moves the sequence when nothing it counts changed', async () => {
    const many = new ScriptedDatabase((name) => (name === 'usageStale' ? [{ valid: 0, last: 5000, many: true, changed: ['run/r1'] }] : [usage(0, 0, 0)]));
    await new ArangoReuse(many.db, {}, names).usage([{ id: 'datasets/d1', scope: null, asOf: null }]);
    expect(many.log).toEqual(['usageStale', 'usageDropAll', 'usageValid', 'usageCached']);
    const emptied = new ScriptedDatabase((name) => (name === 'usageStale' ? [{ valid: 40, last: 2, many: false, changed: [] }] : [usage(0, 0, 0)]));
    await new ArangoReuse(emptied.db, {}, names).usage([{ id: 'datasets/d1', scope: null, asOf: null }]);
    expect(emptied.log).toEqual(['usageStale', 'usageDropAll', 'usageValid', 'usageCached']);
    expect(emptied.bound('usageValid')).toEqual({ key: 'usage', seq: 2 });
    const created = new ScriptedDatabase((name) => (name === 'usageStale' ? [{ valid: 4, last: 6, many: false, changed: [] }] : [usage(0, 0, 0)]));
    await new ArangoReuse(created.db, {}, names).usage([{ id: 'datasets/d1', scope: null, asOf: null }]);
    expect(created.log).toEqual(['usageStale', 'usageValid', 'usageCached']);
  });

  it('rankUsage on a counted kind is one page query, read back as every read does, a next page told by the extra row', async () => {
    const dataset = (key: string) => storedOf(content('DATASET', key));
    const fake = new ScriptedDatabase((name) => {
      if (name === 'usageStale') return [fresh];
      if (name === 'usageUncounted') return [];
      return [
        { asset: dataset('a'), usage: usage(3, 2, 0) },
        { asset: null, usage: usage(9, 9, 9) },
        { asset: dataset('b'), usage: usage(2, 2, 1) },
      ];
    });
    const page = await new ArangoReuse(fake.db, {}, names).rankUsage({ kind: 'DATASET', minModels: 2, first: 1, after: null, scope: null, asOf: null });
    expect(fake.log).toEqual(['usageStale', 'usageUncounted', 'rankUsage']);
    expect(page.entries.map((entry) => [entry.asset.id, entry.usage])).toEqual([['datasets/a', usage(3, 2, 0)]]);
    expect(page.hasNextPage).toBe(true);
  });

  it('rankUsage counts a few uncounted assets by traversal and caches them before the page', async () => {
    const fake = new ScriptedDatabase((name) => {
      if (name === 'usageStale') return [fresh];
      if (name === 'usageUncounted') return ['datasets/d2', 'datasets/d1'];
      if (name === 'usage') return [[[usage(1, 1, 0), usage(2, 1, 1)]]];
      return [];
    });
    await new ArangoReuse(fake.db, {}, names).rankUsage({ kind: 'DATASET', minModels: 2, first: 10, after: null, scope: null, asOf: null });
    expect(fake.log).toEqual(['usageStale', 'usageUncounted', 'usage', 'usageStore', 'rankUsage']);
    expect(fake.bound('usageStore')).toEqual({
      scope: '',
      entries: [
        { asset: 'datasets/d2', kind: 'DATASET', ...usage(1, 1, 0) },
        { asset: 'datasets/d1', kind: 'DATASET', ...usage(2, 1, 1) },
      ],
    });
  });

  it('rankUsage counts many uncounted assets in memory from the lineage relations read once, exactly, a diamond counted once', async () => {
    // d0 ← d1 ← … ← d250 (derived_from), featuresets fa and fb from d250, one run on both, a model from the run, a deployment of it;
    // a second run on d0 directly; a run on d3 that the scope hides.
    const datasets = Array.from({ length: 251 }, (_, i) => `datasets/d${i}`);
    const edges: Record<string, [string, string][]> = {
      derived_from: datasets.slice(1).map((id, i) => [id, datasets[i] ?? '']),
      featureset_dataset: [
        ['featuresets/fa', 'datasets/d250'],
        ['featuresets/fb', 'datasets/d250'],
      ],
      run_featuresets: [
        ['run/r1', 'featuresets/fa'],
        ['run/r1', 'featuresets/fb'],
      ],
      run_datasets: [
        ['run/r2', 'datasets/d0'],
        ['run/hidden', 'datasets/d3'],
      ],
      run_models: [['models/m1', 'run/r1']],
      deployment_model: [['deployment/x', 'models/m1']],
    };
    const newestFirst = [...datasets].reverse();
    const script = (scoped: boolean) => (name: string, query: AqlQuery) => {
      if (name === 'usageStale') return [fresh];
      if (name === 'usageUncounted') return newestFirst;
      if (name === 'usageLineageEdges') return edges[/FOR e IN (\w+)/.exec(query.query)?.[1] ?? ''] ?? [];
      if (name === 'usageVisibleCounted') return scoped ? ['run/r1', 'run/r2', 'models/m1', 'deployment/x'] : [];
      return [];
    };
    const stored = (fake: ScriptedDatabase) =>
      new Map(
        fake.queries
          .filter((query) => query.query.startsWith('/* usageStore */'))
          .flatMap((query) => query.bindVars['entries'] as { asset: string; runs: number; models: number; deployments: number }[])
          .map(({ asset, runs, models, deployments }) => [asset, usage(runs, models, deployments)]),
      );

    const unscoped = new ScriptedDatabase(script(false));
    await new ArangoReuse(unscoped.db, {}, names).rankUsage({ kind: 'DATASET', minModels: 2, first: 10, after: null, scope: null, asOf: null });
    const lineage = catalogue.lineageSteps('DOWNSTREAM').length;
    expect(unscoped.log).toEqual(['usageStale', 'usageUncounted', ...Array<string>(lineage).fill('usageLineageEdges'), 'usageStore', 'rankUsage']);
    const counts = stored(unscoped);
    expect(counts.size).toBe(251);
    expect(counts.get('datasets/d250')).toEqual(usage(1, 1, 1));
    expect(counts.get('datasets/d4')).toEqual(usage(1, 1, 1));
    expect(counts.get('datasets/d3')).toEqual(usage(2, 1, 1));
    expect(counts.get('datasets/d0')).toEqual(usage(3, 1, 1));

    const scoped = new ScriptedDatabase(script(true));
    await new ArangoReuse(scoped.db, {}, names).rankUsage({ kind: 'DATASET', minModels: 2, first: 10, after: null, scope: ['project/p1'], asOf: null });
    expect(scoped.log).toContain('usageVisibleCounted');
    expect(scoped.bound('usageStore')).toMatchObject({ scope: '["project/p1"]' });
    expect(stored(scoped).get('datasets/d3')).toEqual(usage(1, 1, 1));
    expect(stored(scoped).get('datasets/d0')).toEqual(usage(2, 1, 1));
  });

  it('duplicates fingerprints each member with the domain’s rule, regroups, and orders groups largest first', async () => {
    const params = (key: string, values: Record<string, number>) => storedOf(content('MODEL_PARAMS', key, { params: values }));
    const fake = new ScriptedDatabase(() => [
      [
        { doc: params('b', { lr: 0.1, depth: 3 }), datasets: [] },
        { doc: params('a', { depth: 3, lr: 0.1 }), datasets: [] },
      ],
      [
        { doc: params('c', { x: 1 }), datasets: [] },
        { doc: params('d', { x: 1 }), datasets: [] },
        { doc: params('e', { x: 1 }), datasets: [] },
      ],
      [
        { doc: params('f', {}), datasets: [] },
        { doc: params('g', {}), datasets: [] },
      ],
    ]);
    const groups = await new ArangoReuse(fake.db, {}, names).duplicates({ kind: 'MODEL_PARAMS', limit: 20, scope: null, asOf: null });
    expect(groups.map((group) => [group.fingerprint, group.assets.map((asset) => asset.id)])).toEqual([
      [fingerprint('MODEL_PARAMS', { x: 1 }), ['modelparams/c', 'modelparams/d', 'modelparams/e']],
      [fingerprint('MODEL_PARAMS', { depth: 3, lr: 0.1 }), ['modelparams/a', 'modelparams/b']],
    ]);
    const one = await new ArangoReuse(fake.db, {}, names).duplicates({ kind: 'MODEL_PARAMS', limit: 1, scope: null, asOf: null });
    expect(one).toHaveLength(1);
  });
});
