import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import { ArangoError, FetchFailedError, HttpError } from 'arangojs/errors';
import { describe, expect, it } from 'vitest';
import { MetalayerError } from '../../src/domain/errors.js';
import type { WriteOp } from '../../src/domain/writes.js';
import { ArangoBulkImport, IMPORT_BYTE_BUDGET } from '../../src/store/arango/bulk.js';
import { SequenceClock } from '../../src/store/arango/edges.js';
import { createArangoStore } from '../../src/store/arango/index.js';
import type { StoredDocument } from '../../src/store/arango/attributes.js';
import { toDocument } from '../../src/store/arango/documents.js';
import { isUnavailable, translateError } from '../../src/store/arango/errors.js';
import { ArangoReads } from '../../src/store/arango/reads.js';
import { ArangoWrites } from '../../src/store/arango/writes.js';
import { makeListQuery } from '../../src/store/store.js';
import { content, putAsset, putEdge, rejection } from '../helpers/assets.js';

/**
 * The engine's own logic around its queries, with a scripted stand-in for
 * the database: one query per read, answers put back in order, the unit of
 * work's transaction, retries and error mapping.
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

  get db(): Database {
    return this as unknown as Database;
  }
}

const NOW = new Date('2026-03-01T00:00:00.000Z');
const clock = () => NOW;

const arangoError = (errorNum: number, code = 409) => new ArangoError({ errorNum, errorMessage: 'raw server text', code });
const networkError = () =>
  new FetchFailedError('fetch failed', new Request('http://127.0.0.1:8529/_api/cursor'), {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });

/** A document as ArangoDB returns it for `content`, written at NOW. */
function storedOf(asset: Parameters<typeof toDocument>[0]): StoredDocument {
  return { ...toDocument(asset, NOW.toISOString(), NOW.toISOString()), _id: asset.id, _rev: '_r1' };
}

describe('arango engine: reads', () => {
  it('asks one query per call and puts answers back in request order, null for malformed ids', async () => {
    const m1 = storedOf(content('MODEL', 'm1'));
    const fake = new ScriptedDatabase(() => [m1, null]);
    const reads = new ArangoReads(fake.db, {});
    const records = await reads.getAssets(['models/m1', 'not-an-id', 'models/missing', 'bogus/x']);
    expect(records.map((r) => r?.id ?? null)).toEqual(['models/m1', null, null, null]);
    expect(fake.log).toEqual(['getAssets']);
    expect(fake.queries[0]?.bindVars).toEqual({ ids: ['models/m1', 'models/missing'] });
    expect(await reads.getAssets(['nope'])).toEqual([null]);
    expect(fake.log).toHaveLength(1);
  });

  it('answers neighbours per request from the grouped answer', async () => {
    const r1 = storedOf(content('RUN', 'r1'));
    const r2 = storedOf(content('RUN', 'r2'));
    const m = storedOf(content('MODEL', 'm'));
    const fake = new ScriptedDatabase(() => [[[[r2, r1], []], [[m]]]]);
    const answers = await new ArangoReads(fake.db, {}).neighbors([
      { id: 'models/m', relation: 'run_models', direction: 'OUT' },
      { id: 'run/r1', relation: 'run_models', direction: 'IN' },
      { id: 'models/n', relation: 'run_models', direction: 'OUT' },
      { id: 'bad', relation: 'run_models', direction: 'OUT' },
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
    const request = { direction: 'UPSTREAM', depth: 2, limit: 3, kinds: null, visitLimit: 100 } as const;
    const [lineage, missing] = await new ArangoReads(fake.db, {}).traverse([
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

  it('tells whether another page follows from the one extra asset asked for', async () => {
    const docs = ['a', 'b', 'c'].map((key) => storedOf(content('DATASET', key)));
    const fake = new ScriptedDatabase(() => docs);
    const page = await new ArangoReads(fake.db, {}).listAssets(makeListQuery({ first: 2 }));
    expect(page.assets.map((a) => a.id)).toEqual(['datasets/a', 'datasets/b']);
    expect(page.hasNextPage).toBe(true);
    expect(fake.queries[0]?.bindVars).toEqual({ take: 3 });
  });

  it('reports an unreachable database as STORE_UNAVAILABLE, without its message', async () => {
    const fake = new ScriptedDatabase(() => networkError());
    const error = await rejection(() => new ArangoReads(fake.db, {}).getAssets(['models/m']));
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
      new ArangoReads(fake.db, {}).traverse([
        { start: 'models/m', direction: 'UPSTREAM', depth: 5, limit: 10, kinds: null, visitLimit: 100 },
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
    await new ArangoReads(fake.db, { memoryLimit: 1024, maxRuntime: 5 }).getAssets(['models/m']);
    expect(seen).toEqual([{ memoryLimit: 1024, maxRuntime: 5 }]);
  });
});

describe('arango engine: the unit of work', () => {
  const inserted = (_name: string, query: AqlQuery) => [
    { existing: null, taken: null, inserted: { ...(query.bindVars.doc as object), _id: query.bindVars.id, _rev: '_r' } },
  ];

  it('runs every op as a step of one transaction declaring its collections, then commits', async () => {
    const fake = new ScriptedDatabase((name, query) =>
      name === 'putAsset' ? inserted(name, query) : [{ fromFound: true, toFound: true, existing: null, inserted: 'x' }],
    );
    const result = await new ArangoWrites(fake.db, {}, clock).write([
      putAsset(content('MODEL', 'm', { task: 'regression' })),
      putAsset(content('RUN', 'r')),
      putEdge('run_models', 'models/m', 'run/r'),
    ]);
    expect(fake.log).toEqual(['begin write=models,run,run_models read=', 'putAsset', 'putAsset', 'putEdge', 'commit']);
    expect(result.assets.get('models/m')).toMatchObject({
      task: 'regression',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    expect(fake.queries[2]?.bindVars.edge).toMatchObject({
      _key: 'm-r',
      _from: 'models/m',
      _to: 'run/r',
      created_at: NOW.toISOString(),
      seq: NOW.getTime() * 1000,
    });
  });

  it('aborts on a missing end and names the op’s field', async () => {
    const fake = new ScriptedDatabase((name, query) =>
      name === 'putAsset' ? inserted(name, query) : [{ fromFound: true, toFound: false, existing: null, inserted: null }],
    );
    const error = await rejection(() =>
      new ArangoWrites(fake.db, {}, clock).write([
        putAsset(content('RUN', 'r')),
        putEdge('run_datasets', 'run/r', 'datasets/missing', 'input.datasets.1'),
      ]),
    );
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'input.datasets.1' });
    expect(error.message).toContain('datasets/missing');
    expect(fake.log.at(-1)).toBe('abort');
    expect(fake.log).not.toContain('commit');
  });

  it('answers a repeated put with the stored record, and a different one with CONFLICT', async () => {
    const asset = content('DATASET', 'd1', { properties: { a: 1 } });
    const stored = { ...storedOf(asset), created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' };
    const fake = new ScriptedDatabase(() => [{ existing: stored, taken: null, inserted: null }]);
    const writes = new ArangoWrites(fake.db, {}, clock);
    const again = await writes.write([putAsset(content('DATASET', 'd1', { properties: { a: 1 } }))]);
    expect(again.assets.get('datasets/d1')?.createdAt).toBe('2026-01-01T00:00:00.000Z');
    const error = await rejection(() => writes.write([putAsset(content('DATASET', 'd1', { source: 'changed' }))]));
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'input.key' });
    expect(error.message).toContain('datasets/d1');
  });

  it('refuses a taken (name, version), naming the holder', async () => {
    const fake = new ScriptedDatabase(() => [{ existing: null, taken: 'models/m1', inserted: null }]);
    const error = await rejection(() =>
      new ArangoWrites(fake.db, {}, clock).write([putAsset(content('MODEL', 'm2', { name: 'price' }))]),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    expect(error.message).toMatch(/named "price".*models\/m1/);
  });

  it('retries a unit of work that hit a write-write conflict, whole', async () => {
    let calls = 0;
    const fake = new ScriptedDatabase((name, query) => (++calls === 1 ? arangoError(1200) : inserted(name, query)));
    const result = await new ArangoWrites(fake.db, {}, clock).write([putAsset(content('MODEL', 'm'))]);
    expect(result.assets.has('models/m')).toBe(true);
    expect(fake.log).toEqual([
      'begin write=models read=',
      'putAsset',
      'abort',
      'begin write=models read=',
      'putAsset',
      'commit',
    ]);
  });

  it('gives up after three collisions with CONFLICT, and maps a late unique violation to the taken name', async () => {
    const conflicting = new ScriptedDatabase(() => arangoError(1200));
    const error = await rejection(() => new ArangoWrites(conflicting.db, {}, clock).write([putAsset(content('MODEL', 'm'))]));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).not.toContain('raw server text');
    expect(conflicting.log.filter((l) => l === 'abort')).toHaveLength(3);

    const unique = new ScriptedDatabase(() => arangoError(1210));
    const taken = await rejection(() =>
      new ArangoWrites(unique.db, {}, clock).write([putAsset(content('MODEL', 'm', { name: 'price', version: '2' }))]),
    );
    expect(taken).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    expect(taken.message).toContain('named "price" version "2"');
  });

  it('retries a unit of work whose transaction the server aborted (1654), whole', async () => {
    let calls = 0;
    const fake = new ScriptedDatabase((name, query) => (++calls === 1 ? arangoError(1654, 400) : inserted(name, query)));
    const result = await new ArangoWrites(fake.db, {}, clock).write([putAsset(content('MODEL', 'm'))]);
    expect(result.assets.has('models/m')).toBe(true);
    expect(fake.log).toEqual([
      'begin write=models read=',
      'putAsset',
      'abort',
      'begin write=models read=',
      'putAsset',
      'commit',
    ]);
  });

  it('answers a transaction lost for good (1654 three times, or 1655 once) with a retryable STORE_UNAVAILABLE', async () => {
    const lost = 'The database dropped the write before it was committed, so nothing was written; try again';
    const aborted = new ScriptedDatabase(() => arangoError(1654, 400));
    const abortedError = await rejection(() => new ArangoWrites(aborted.db, {}, clock).write([putAsset(content('MODEL', 'm'))]));
    expect(abortedError).toMatchObject({ code: 'STORE_UNAVAILABLE', message: lost });
    expect(aborted.log.filter((l) => l.startsWith('begin'))).toHaveLength(3);

    // An expired transaction (its idle timeout passed) is gone: the unit of work is not tried again here.
    const expired = arangoError(1655, 404);
    const gone = new ScriptedDatabase(() => expired);
    const goneError = await rejection(() => new ArangoWrites(gone.db, {}, clock).write([putAsset(content('MODEL', 'm'))]));
    expect(goneError).toMatchObject({ code: 'STORE_UNAVAILABLE', message: lost });
    expect((goneError as Error).cause).toBe(expired);
    expect(gone.log).toEqual(['begin write=models read=', 'putAsset', 'abort']);
  });

  it('answers a write statement stopped at a query limit with QUERY_TOO_EXPENSIVE, without retrying', async () => {
    const fake = new ScriptedDatabase(() => arangoError(1500, 410));
    const error = await rejection(() => new ArangoWrites(fake.db, {}, clock).write([putAsset(content('MODEL', 'm'))]));
    expect(error.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(error.message).not.toContain('raw server text');
    expect(fake.log).toEqual(['begin write=models read=', 'putAsset', 'abort']);
  });

  it('updates through the revision it read, merging properties and keeping createdAt', async () => {
    const current = {
      ...storedOf(content('MODEL', 'm', { properties: { a: 1, b: 2 }, tag: 'x' })),
      created_at: '2026-01-01T00:00:00.000Z',
      _rev: '_seen',
    };
    const fake = new ScriptedDatabase((name, query) =>
      name === 'readAsset'
        ? [current]
        : [{ taken: null, replaced: { ...(query.bindVars.doc as object), _id: 'models/m', _rev: '_new' } }],
    );
    const op: WriteOp = {
      type: 'updateAsset',
      id: 'models/m',
      patch: { name: 'renamed', tag: null, properties: { b: null, c: 3 } },
      field: 'input.id',
    };
    const result = await new ArangoWrites(fake.db, {}, clock).write([op]);
    expect(fake.log).toEqual(['begin write=models read=', 'readAsset', 'replaceAsset', 'commit']);
    expect(fake.queries[1]?.bindVars).toMatchObject({
      name: 'renamed',
      versionKey: '',
      doc: { _key: 'm', _rev: '_seen', name: 'renamed', tag: null, a: 1, c: 3, created_at: '2026-01-01T00:00:00.000Z' },
    });
    expect(fake.queries[1]?.bindVars.doc).not.toHaveProperty('b');
    expect(result.assets.get('models/m')).toMatchObject({
      name: 'renamed',
      tag: null,
      properties: { a: 1, c: 3 },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: NOW.toISOString(),
    });
  });

  it('deletes with every edge collection declared, and NOT_FOUND when nothing was there', async () => {
    const fake = new ScriptedDatabase(() => [{ asset: storedOf(content('MODEL', 'm')), relations: 2 }]);
    const result = await new ArangoWrites(fake.db, {}, clock).write([
      { type: 'deleteAsset', id: 'models/m', field: 'input.id' },
    ]);
    expect(result.deleted.get('models/m')).toMatchObject({ asset: { id: 'models/m' }, relations: 2 });
    expect(fake.log[0]).toContain('derived_from');

    const empty = new ScriptedDatabase(() => [{ asset: null, relations: 0 }]);
    const error = await rejection(() =>
      new ArangoWrites(empty.db, {}, clock).write([{ type: 'deleteAsset', id: 'models/none', field: 'input.id' }]),
    );
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    expect(empty.log.at(-1)).toBe('abort');
  });

  it('reports an unreachable database as STORE_UNAVAILABLE and anything else unknown as it is', async () => {
    const down = new ScriptedDatabase(() => networkError());
    const unavailable = await rejection(() => new ArangoWrites(down.db, {}, clock).write([putAsset(content('MODEL', 'm'))]));
    expect(unavailable.code).toBe('STORE_UNAVAILABLE');

    const broken = new ScriptedDatabase(() => arangoError(1579, 400));
    const internal = await rejection(() => new ArangoWrites(broken.db, {}, clock).write([putAsset(content('MODEL', 'm'))]));
    expect(internal).toBeInstanceOf(ArangoError);
    expect(internal).not.toBeInstanceOf(MetalayerError);
  });
});

describe('arango engine: failures', () => {
  it('tells unavailability from other failures', () => {
    expect(isUnavailable(networkError())).toBe(true);
    expect(isUnavailable(arangoError(1478, 503))).toBe(true);
    expect(isUnavailable(arangoError(30, 503))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' }))).toBe(
      true,
    );
    expect(isUnavailable(arangoError(1210))).toBe(false);
    expect(isUnavailable(arangoError(11, 401))).toBe(false);
    expect(isUnavailable(new Error('boom'))).toBe(false);
    const gateway = new HttpError(Object.assign(new Response('', { status: 502 }), { request: new Request('http://x') }) as never);
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
      }),
    ).rejects.toThrow();
    await expect(
      createArangoStore({ urls: [], database: 'metalayer', auth: { username: 'root', password: '' } }),
    ).rejects.toThrow(/at least one URL/);
  });
});

describe('arango engine: bulk import', () => {
  const bulk = (fake: ScriptedDatabase) => new ArangoBulkImport(fake.db, {}, clock, new SequenceClock(clock));

  it('inserts assets, then relations, one statement per collection in one transaction', async () => {
    const fake = new ScriptedDatabase((name) => (name === 'importEdges' ? [{ missing: null, inserted: 1 }] : []));
    const count = await bulk(fake).importBulk({
      assets: [content('DATASET', 'd1'), content('RUN', 'r1'), content('DATASET', 'd2')],
      edges: [
        { relation: 'run_datasets', from: 'run/r1', to: 'datasets/d1' },
        { relation: 'derived_from', from: 'datasets/d2', to: 'datasets/d0' },
      ],
    });
    expect(count).toEqual({ assets: 3, edges: 2 });
    expect(fake.log).toEqual([
      'begin write=datasets,derived_from,run,run_datasets read=',
      'importAssets',
      'importAssets',
      'importEdges',
      'importEdges',
      'commit',
    ]);
    expect((fake.queries[0]?.bindVars.docs as { _key: string }[]).map((d) => d._key)).toEqual(['d1', 'd2']);
    expect(fake.queries[3]?.bindVars.edges).toEqual([
      { _key: 'datasets:d2-datasets:d0', _from: 'datasets/d2', _to: 'datasets/d0', created_at: NOW.toISOString(), seq: expect.any(Number) },
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
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'edges.1' });
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
    expect(taken).toMatchObject({ code: 'CONFLICT', field: 'assets.1' });
    expect(taken.message).toContain('"datasets/d0" already exists');
    expect(existing.log).toEqual(['begin write=datasets read=', 'importAssets', 'abort', 'existingKeys']);

    const named = new ScriptedDatabase((name, query) =>
      query.query.includes('INTO datasets')
        ? arangoError(1210)
        : name === 'takenNames'
          ? [{ name: 'd0', versionKey: '', holder: 'datasets/d0' }]
          : [],
    );
    const error = await rejection(() =>
      bulk(named).importBulk({ assets: [content('MODEL', 'm9'), content('DATASET', 'other', { name: 'd0' })], edges: [] }),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'assets.1' });
    expect(error.message).toMatch(/named "d0".*datasets\/d0/);
  });

  it('refuses a batch whose documents exceed the byte budget before sending anything', async () => {
    const fake = new ScriptedDatabase(() => []);
    const assets = [content('DATASET', 'd1', { properties: { blob: 'x'.repeat(600) } }), content('DATASET', 'd2')];
    const docBytes = assets.map((a) => Buffer.byteLength(JSON.stringify(toDocument(a, NOW.toISOString(), NOW.toISOString()))));
    const total = docBytes.reduce((sum, n) => sum + n, 0);
    const budgeted = (budget: number) => new ArangoBulkImport(fake.db, {}, clock, new SequenceClock(clock), budget);

    const error = await rejection(() => budgeted(total - 1).importBulk({ assets, edges: [] }));
    expect(error).toMatchObject({
      code: 'QUERY_TOO_EXPENSIVE',
      message: 'The batch holds 0.0 MiB of documents; one import writes at most 0.0 MiB: split it into smaller batches',
    });
    expect(fake.log).toEqual([]);

    expect(await budgeted(total).importBulk({ assets, edges: [] })).toEqual({ assets: 2, edges: 0 });
    expect(fake.log).toEqual(['begin write=datasets read=', 'importAssets', 'commit']);
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
    expect(fake.log).toEqual(['begin write=run,run_models read=models', 'importAssets', 'importEdges', 'abort']);
  });

  it('answers an import whose transaction expired (1655) or was aborted (1654) with a retryable STORE_UNAVAILABLE', async () => {
    for (const num of [1654, 1655]) {
      const fake = new ScriptedDatabase(() => arangoError(num, 404));
      const error = await rejection(() => bulk(fake).importBulk({ assets: [content('MODEL', 'm')], edges: [] }));
      expect(error).toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: 'The database dropped the write before it was committed, so nothing was written; try again',
      });
      expect(fake.log).toEqual(['begin write=models read=', 'importAssets', 'abort']);
    }
  });

  it('refuses what the database cannot see before sending anything: repeats and misfit relations', async () => {
    const fake = new ScriptedDatabase(() => []);
    const twice = await rejection(() =>
      bulk(fake).importBulk({ assets: [content('MODEL', 'm'), content('MODEL', 'm')], edges: [] }),
    );
    expect(twice).toMatchObject({ code: 'CONFLICT', field: 'assets.1' });
    const sameName = await rejection(() =>
      bulk(fake).importBulk({ assets: [content('MODEL', 'a', { name: 'n' }), content('MODEL', 'b', { name: 'n' })], edges: [] }),
    );
    expect(sameName).toMatchObject({ code: 'CONFLICT', field: 'assets.1' });
    const misfit = await rejection(() =>
      bulk(fake).importBulk({ assets: [], edges: [{ relation: 'run_datasets', from: 'models/m', to: 'datasets/d' }] }),
    );
    expect(misfit).toMatchObject({ code: 'BAD_USER_INPUT', field: 'edges.0' });
    expect(fake.log).toEqual([]);
  });
});
