import type { AqlQuery } from 'arangojs/aql';
import type { Database } from 'arangojs';
import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../src/domain/catalogue.js';
import { ArangoNames } from '../../src/store/arango/catalogue.js';
import {
  appendBaselineStatement,
  appendChangesStatement,
  authorsQuery,
  changeKey,
  changesQuery,
  closeSpansStatement,
  historyStartQuery,
  lastChangeSequenceQuery,
  openSpansStatement,
  pruneChangesStatement,
  pruneSpansStatement,
  purgeChangesStatement,
  unseenAssetsQuery,
  unseenEdgesQuery,
} from '../../src/store/arango/changes.js';
import { baselineUnseen } from '../../src/store/arango/baseline.js';
import { ArangoHistory } from '../../src/store/arango/history.js';
import { makeChangeSelection, type ChangeQuery } from '../../src/store/store.js';
import { rejection } from '../helpers/assets.js';

/** Every AQL text the change log sends, pinned with its bind variables (written against the ArangoDB 3.12 AQL documentation). */

const names = new ArangoNames(builtinCatalogue());

/** Trims a template's common indentation, as the engine's lines carry none. */
function aql(strings: TemplateStringsArray, ...values: string[]): string {
  const lines = strings.raw.map((part, i) => part + (values[i] ?? '')).join('').replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join('\n');
}

function expectWellFormed(query: AqlQuery, name: string): void {
  expect(query.query.startsWith(`/* ${name} */\n`)).toBe(true);
  const referenced = [...new Set([...query.query.matchAll(/@([A-Za-z][A-Za-z0-9_]*)/g)].map((m) => m[1] as string))].sort();
  expect(referenced).toEqual(Object.keys(query.bindVars).sort());
}

const OWNER_TRAVERSAL =
  'INBOUND project_models, INBOUND run_models, INBOUND run_modelparams, INBOUND run_devperf, OUTBOUND deployment_model, INBOUND deployment_servingperf';

const query = (overrides: Partial<ChangeQuery> = {}, selection = makeChangeSelection()): ChangeQuery => ({
  selection,
  afterSequence: null,
  first: 20,
  scope: null,
  ...overrides,
});

describe('arango change log: the writer’s statements', () => {
  it('appendChanges numbers a unit’s changes after the counter, at the later of its instant and the last change’s, and moves the counter', () => {
    const change = {
      operation: 'CREATE' as const,
      assetId: 'models/m',
      kind: 'MODEL' as const,
      before: null,
      after: { name: 'm' },
      relation: null,
      from: null,
      to: null,
      actor: 'alice',
      source: 'registerModel',
    };
    const statement = appendChangesStatement([change], '2026-03-01T00:00:00.000Z');
    expectWellFormed(statement, 'appendChanges');
    expect(statement.query).toBe(aql`
      /* appendChanges */
      LET counter = DOCUMENT(@counterId)
      LET last = NOT_NULL(counter.seq, 0)
      LET unitAt = @at
      LET at = counter.at != null AND counter.at > unitAt ? counter.at : unitAt
      LET changes = @changes
      LET written = (
        FOR i IN 0..LENGTH(changes) - 1
          LET seq = last + i + 1
          LET stored = { _key: RIGHT(CONCAT("0000000000000000", seq), 16), seq, sequence: TO_STRING(seq), at, transaction: TO_STRING(last + 1) }
          INSERT MERGE(changes[i], stored) INTO metalayer_changes
          RETURN seq
      )
      UPSERT { _key: @counterKey }
        INSERT { _key: @counterKey, seq: last + LENGTH(written), at }
        UPDATE { seq: last + LENGTH(written), at }
        IN metalayer_meta
      RETURN { first: last + 1, at }
    `);
    expect(statement.bindVars).toEqual({
      counterKey: 'changes',
      counterId: 'metalayer_meta/changes',
      at: '2026-03-01T00:00:00.000Z',
      changes: [change],
    });
    expect(changeKey(42)).toBe('0000000000000042');
  });

  it('openSpans opens a span per relation linked; closeSpans closes the open span linked before the unlink', () => {
    const spans = [{ from: 'models/m', to: 'run/r', relation: 'run_models', seq: 12 }];
    const open = openSpansStatement(spans);
    expectWellFormed(open, 'openSpans');
    expect(open.query).toBe(aql`
      /* openSpans */
      FOR s IN @spans
        INSERT { _from: s.from, _to: s.to, relation: s.relation, linked: s.seq, unlinked: null } INTO metalayer_edge_spans
    `);
    expect(open.bindVars).toEqual({ spans });
    const close = closeSpansStatement(spans);
    expectWellFormed(close, 'closeSpans');
    expect(close.query).toBe(aql`
      /* closeSpans */
      FOR s IN @spans
        FOR span IN metalayer_edge_spans
          FILTER span._from == s.from AND span.relation == s.relation AND span.linked < s.seq
          FILTER span._to == s.to AND span.unlinked == null
          UPDATE span WITH { unlinked: s.seq } IN metalayer_edge_spans
    `);
    expect(close.bindVars).toEqual({ spans });
  });
});

describe('arango change log: the baseline of what the log has not seen', () => {
  it('unseenAssets and unseenEdges find, oldest first, documents without a change and relations without an open span', () => {
    const assets = unseenAssetsQuery(names, 'models', 100);
    expectWellFormed(assets, 'unseenAssets');
    expect(assets.query).toBe(aql`
      /* unseenAssets */
      FOR d IN models
        FILTER LENGTH(FOR c IN metalayer_changes FILTER c.assetId == d._id LIMIT 1 RETURN 1) == 0
        SORT d.created_at, d._key
        LIMIT @limit
        RETURN d
    `);
    expect(assets.bindVars).toEqual({ limit: 100 });
    const edges = unseenEdgesQuery(names, 'run_models', 100);
    expectWellFormed(edges, 'unseenEdges');
    expect(edges.query).toBe(aql`
      /* unseenEdges */
      FOR e IN run_models
        FILTER LENGTH(FOR s IN metalayer_edge_spans FILTER s._from == e._from AND s._to == e._to
          AND s.relation == @relation AND s.unlinked == null LIMIT 1 RETURN 1) == 0
        SORT e.seq, e._key
        LIMIT @limit
        RETURN { from: e._from, to: e._to, createdAt: e.created_at }
    `);
    expect(edges.bindVars).toEqual({ relation: 'run_models', limit: 100 });
  });

  it('appendBaseline logs each change at its own instant, never before the last change', () => {
    const statement = appendBaselineStatement([]);
    expectWellFormed(statement, 'appendBaseline');
    expect(statement.query).toBe(aql`
      /* appendBaseline */
      LET counter = DOCUMENT(@counterId)
      LET last = NOT_NULL(counter.seq, 0)
      LET floor = NOT_NULL(counter.at, "")
      LET changes = @changes
      LET written = (
        FOR i IN 0..LENGTH(changes) - 1
          LET seq = last + i + 1
          LET at = MAX([floor, changes[i].at])
          INSERT MERGE(changes[i], { _key: RIGHT(CONCAT("0000000000000000", seq), 16), seq, sequence: TO_STRING(seq), at }) INTO metalayer_changes
          RETURN at
      )
      UPSERT { _key: @counterKey }
        INSERT { _key: @counterKey, seq: last + LENGTH(written), at: MAX(written) }
        UPDATE { seq: last + LENGTH(written), at: MAX(APPEND(written, [floor])) }
        IN metalayer_meta
      RETURN { first: last + 1 }
    `);
  });

  it('logs an arangopipe document and relation once, by unknown, at their creation, each chunk in a transaction', async () => {
    const log: string[] = [];
    const bound: Record<string, unknown>[] = [];
    let served = false;
    const db = {
      query: async (statement: AqlQuery) => {
        const name = /^\/\* (\w+) \*\//.exec(statement.query)?.[1] ?? '?';
        log.push(name + (name.startsWith('unseen') ? ` ${statement.query.split('\n')[1]?.split(' ')[3]}` : ''));
        bound.push(statement.bindVars);
        const first = !served;
        const answer = (): unknown[] => {
          if (name === 'unseenAssets' && statement.query.includes('FOR d IN models') && first) {
            served = true;
            return [{ _id: 'models/m', _key: 'm', name: 'price', created_at: '2019-06-06 12:52:11.190048' }];
          }
          if (name === 'unseenEdges' && statement.query.includes('FOR e IN run_models') && !log.includes('openSpans')) {
            return [{ from: 'models/m', to: 'run/r', createdAt: null }];
          }
          if (name === 'appendBaseline') return [{ first: 1 }];
          return [];
        };
        return { all: async () => answer() };
      },
      beginTransaction: async () => ({
        step: <T>(callback: () => Promise<T>) => callback(),
        commit: async () => void log.push('commit'),
        abort: async () => void log.push('abort'),
      }),
    };
    expect(await baselineUnseen(db as unknown as Database, {}, names)).toBe(2);
    const appended = bound.filter((vars) => Array.isArray(vars['changes'])).map((vars) => vars['changes']);
    expect(appended).toEqual([
      [
        expect.objectContaining({
          operation: 'CREATE',
          assetId: 'models/m',
          kind: 'MODEL',
          actor: 'unknown',
          source: 'baseline',
          at: '2019-06-06T12:52:11.190Z',
          after: expect.objectContaining({ name: 'price' }),
        }),
      ],
      [expect.objectContaining({ operation: 'LINK', assetId: 'models/m', relation: 'run_models', to: 'run/r', at: '1970-01-01T00:00:00.000Z' })],
    ]);
    expect(log.filter((line) => !line.startsWith('unseen') && line !== 'commit')).toEqual(['appendBaseline', 'appendBaseline', 'openSpans']);
  });
});

describe('arango change log: the readers’ queries', () => {
  it('changes reads the log in key order from each query’s position, every filter bound per query', () => {
    const statement = changesQuery(names, [
      query({ afterSequence: '41', first: 2 }, makeChangeSelection({ actor: 'alice', kinds: ['MODEL'], operations: ['UPDATE'], since: 'a', until: 'b' })),
    ]);
    expectWellFormed(statement, 'changes');
    expect(statement.query).toBe(aql`
      /* changes */
      FOR q IN @queries
        RETURN (
          FOR c IN metalayer_changes
            FILTER c._key > q.afterKey
            FILTER q.assets == null OR c.assetId IN q.assets OR c.to IN q.assets
            FILTER q.actor == null OR c.actor == q.actor
            FILTER q.kinds == null OR c.kind IN q.kinds
            FILTER q.operations == null OR c.operation IN q.operations
            FILTER q.since == null OR c.at >= q.since
            FILTER q.until == null OR c.at <= q.until
            SORT c._key
            LIMIT q.take
            RETURN UNSET(c, '_key', '_id', '_rev', 'seq')
        )
    `);
    expect(statement.bindVars).toEqual({
      queries: [
        {
          after: 41,
          afterKey: '0000000000000041',
          take: 3,
          scope: null,
          actor: 'alice',
          assets: null,
          kinds: ['MODEL'],
          operations: ['UPDATE'],
          since: 'a',
          until: 'b',
        },
      ],
    });
  });

  it('changes reads histories through the asset and `to` indexes, and a scoped query sees a change only when it sees both ends', () => {
    const statement = changesQuery(names, [
      query({ scope: ['project/p'] }, makeChangeSelection({ assets: ['models/m'] })),
      query({}, makeChangeSelection({ assets: ['datasets/d'] })),
    ]);
    expectWellFormed(statement, 'changes');
    expect(statement.query).toBe(aql`
      /* changes */
      WITH project, datasets, featuresets, models, run, modelparams, devperf, deployment, servingperf
      FOR q IN @queries
        RETURN (
          FOR c IN UNION_DISTINCT(
            (FOR id IN q.assets FOR c IN metalayer_changes FILTER c.assetId == id AND c.seq > q.after RETURN c),
            (FOR id IN q.assets FOR c IN metalayer_changes FILTER c.to == id AND c.seq > q.after RETURN c)
          )
            FILTER q.actor == null OR c.actor == q.actor
            FILTER q.kinds == null OR c.kind IN q.kinds
            FILTER q.operations == null OR c.operation IN q.operations
            FILTER q.since == null OR c.at >= q.since
            FILTER q.until == null OR c.at <= q.until
            LET seen = q.scope == null OR (DOCUMENT(c.assetId) != null AND FIRST(
              LET owners = (
                FOR o IN 0..3 ANY c.assetId ${OWNER_TRAVERSAL}
                  OPTIONS { order: "bfs", uniqueVertices: "global" }
                  FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @ownerCollections
                  SORT o._id
                  RETURN o._id
              )
              RETURN LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, q.scope)) > 0
            ))
            LET seenTo = q.scope == null OR (DOCUMENT(NOT_NULL(c.to, c.assetId)) != null AND FIRST(
              LET owners = (
                FOR o IN 0..3 ANY NOT_NULL(c.to, c.assetId) ${OWNER_TRAVERSAL}
                  OPTIONS { order: "bfs", uniqueVertices: "global" }
                  FILTER o != null AND PARSE_IDENTIFIER(o._id).collection IN @ownerCollections
                  SORT o._id
                  RETURN o._id
              )
              RETURN LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, q.scope)) > 0
            ))
            FILTER seen AND seenTo
            SORT c.seq
            LIMIT q.take
            RETURN UNSET(c, '_key', '_id', '_rev', 'seq')
        )
    `);
    expect(statement.bindVars['ownerCollections']).toEqual(['project']);
    expect((statement.bindVars['queries'] as { scope: unknown; assets: unknown }[]).map((q) => [q.scope, q.assets])).toEqual([
      [['project/p'], ['models/m']],
      [null, ['datasets/d']],
    ]);
  });

  it('authors reads each asset’s oldest CREATE and newest CREATE or UPDATE through the asset index', () => {
    const statement = authorsQuery(['models/m', 'run/r']);
    expectWellFormed(statement, 'authors');
    expect(statement.query).toBe(aql`
      /* authors */
      FOR id IN @ids
        LET createdBy = FIRST(
          FOR c IN metalayer_changes
            FILTER c.assetId == id AND c.operation == "CREATE"
            SORT c.seq
            LIMIT 1
            RETURN c.actor
        )
        LET updatedBy = FIRST(
          FOR c IN metalayer_changes
            FILTER c.assetId == id AND c.operation IN ["CREATE", "UPDATE"]
            SORT c.seq DESC
            LIMIT 1
            RETURN c.actor
        )
        RETURN { createdBy: NOT_NULL(createdBy, "unknown"), updatedBy: NOT_NULL(updatedBy, "unknown") }
    `);
    expect(statement.bindVars).toEqual({ ids: ['models/m', 'run/r'] });

    // As of an instant: only the changes up to its sequence.
    const past = authorsQuery(['models/m'], '2026-03-01T02:00:00.000Z');
    expectWellFormed(past, 'authors');
    expect(past.query).toBe(aql`
      /* authors */
      LET seq = NOT_NULL(FIRST(
        FOR c IN metalayer_changes
          FILTER c.at > @asOf
          SORT c.at, c.seq
          LIMIT 1
          RETURN c.seq - 1
      ), DOCUMENT("metalayer_meta/changes").seq, 0)
      FOR id IN @ids
        LET createdBy = FIRST(
          FOR c IN metalayer_changes
            FILTER c.assetId == id AND c.seq <= seq AND c.operation == "CREATE"
            SORT c.seq
            LIMIT 1
            RETURN c.actor
        )
        LET updatedBy = FIRST(
          FOR c IN metalayer_changes
            FILTER c.assetId == id AND c.seq <= seq AND c.operation IN ["CREATE", "UPDATE"]
            SORT c.seq DESC
            LIMIT 1
            RETURN c.actor
        )
        RETURN { createdBy: NOT_NULL(createdBy, "unknown"), updatedBy: NOT_NULL(updatedBy, "unknown") }
    `);
    expect(past.bindVars).toEqual({ asOf: '2026-03-01T02:00:00.000Z', ids: ['models/m'] });
  });

  it('lastChangeSequence reads the counter every appending transaction moves, null before the first change', () => {
    const newest = lastChangeSequenceQuery();
    expectWellFormed(newest, 'lastChangeSequence');
    expect(newest.query).toBe('/* lastChangeSequence */\nRETURN DOCUMENT(@id).seq');
    expect(newest.bindVars).toEqual({ id: 'metalayer_meta/changes' });
  });

  it('historyStart, pruneChanges, pruneSpans and purgeChanges', () => {
    const start = historyStartQuery();
    expectWellFormed(start, 'historyStart');
    expect(start.query).toBe('/* historyStart */\nRETURN DOCUMENT(@id).start');
    expect(start.bindVars).toEqual({ id: 'metalayer_meta/history' });

    const prune = pruneChangesStatement('2026-01-01T00:00:00.000Z');
    expectWellFormed(prune, 'pruneChanges');
    expect(prune.query).toBe(aql`
      /* pruneChanges */
      LET removed = (
        FOR c IN metalayer_changes
          FILTER c.at < @before
          REMOVE c IN metalayer_changes
          RETURN OLD.seq
      )
      UPSERT { _key: @key }
        INSERT { _key: @key, start: @before }
        UPDATE { start: OLD.start > @before ? OLD.start : @before }
        IN metalayer_meta
      RETURN { last: NOT_NULL(MAX(removed), 0), count: LENGTH(removed) }
    `);
    expect(prune.bindVars).toEqual({ key: 'history', before: '2026-01-01T00:00:00.000Z' });

    const spans = pruneSpansStatement(9);
    expectWellFormed(spans, 'pruneSpans');
    expect(spans.query).toBe(aql`
      /* pruneSpans */
      FOR s IN metalayer_edge_spans
        FILTER s.unlinked != null AND s.unlinked <= @last
        REMOVE s IN metalayer_edge_spans
    `);
    expect(spans.bindVars).toEqual({ last: 9 });

    const purge = purgeChangesStatement('datasets/d');
    expectWellFormed(purge, 'purgeChanges');
    expect(purge.query).toBe(aql`
      /* purgeChanges */
      LET exists = DOCUMENT(@id) != null
      LET held = LENGTH(FOR c IN metalayer_changes FILTER c.assetId == @id OR c.to == @id LIMIT 1 RETURN 1) > 0
      LET purged = (
        FOR c IN metalayer_changes
          FILTER NOT exists AND c.assetId == @id
          FILTER (c.before != null AND c.before != { purged: true }) OR (c.after != null AND c.after != { purged: true })
          UPDATE c WITH {
            before: c.before == null ? null : { purged: true },
            after: c.after == null ? null : { purged: true }
          } IN metalayer_changes OPTIONS { mergeObjects: false }
          RETURN 1
      )
      RETURN { exists, held, purged: LENGTH(purged) }
    `);
    expect(purge.bindVars).toEqual({ id: 'datasets/d' });
  });
});

describe('arango change log: the engine around its queries', () => {
  /** A database answering each query by its name, logging the names and transactions. */
  function scripted(answer: (name: string) => unknown[]) {
    const log: string[] = [];
    const db = {
      query: async (statement: AqlQuery) => {
        const name = /^\/\* (\w+) \*\//.exec(statement.query)?.[1] ?? '?';
        log.push(name);
        return { all: async () => answer(name) };
      },
      beginTransaction: async (collections: { write: string[] }) => {
        log.push(`begin write=${collections.write.join(',')}`);
        return {
          step: <T>(callback: () => Promise<T>) => callback(),
          commit: async () => void log.push('commit'),
          abort: async () => void log.push('abort'),
        };
      },
    };
    return { log, history: new ArangoHistory(db as unknown as Database, {}, names) };
  }

  it('answers many histories with one query, cutting each page to its size', async () => {
    const change = (sequence: string) => ({ sequence });
    const { log, history } = scripted(() => [[change('1'), change('2'), change('3')], []]);
    const pages = await history.histories([query({ first: 2 }, makeChangeSelection({ assets: ['a'] })), query({}, makeChangeSelection({ assets: ['b'] }))]);
    expect(pages).toEqual([
      { changes: [change('1'), change('2')], hasNextPage: true },
      { changes: [], hasNextPage: false },
    ]);
    expect(log).toEqual(['changes']);
    expect(await history.histories([])).toEqual([]);
    expect(log).toEqual(['changes']);
  });

  it('prunes in one transaction, the spans only when changes went', async () => {
    const pruned = scripted((name) => (name === 'pruneChanges' ? [{ last: 9, count: 4 }] : []));
    expect(await pruned.history.pruneHistory('2026-01-01T00:00:00.000Z')).toBe(4);
    expect(pruned.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta', 'pruneChanges', 'pruneSpans', 'commit']);
    const none = scripted(() => [{ last: 0, count: 0 }]);
    expect(await none.history.pruneHistory('2026-01-01T00:00:00.000Z')).toBe(0);
    expect(none.log).toEqual(['begin write=metalayer_changes,metalayer_edge_spans,metalayer_meta', 'pruneChanges', 'commit']);
  });

  it('refuses to purge an asset that exists (CONFLICT) or that the log never held (NOT_FOUND)', async () => {
    const exists = scripted(() => [{ exists: true, held: true, purged: 0 }]);
    expect(await rejection(() => exists.history.purgeHistory('datasets/d'))).toMatchObject({ code: 'CONFLICT', field: ['asset'] });
    const unknown = scripted(() => [{ exists: false, held: false, purged: 0 }]);
    expect(await rejection(() => unknown.history.purgeHistory('datasets/d'))).toMatchObject({ code: 'NOT_FOUND', field: ['asset'] });
    const purged = scripted(() => [{ exists: false, held: true, purged: 3 }]);
    expect(await purged.history.purgeHistory('datasets/d')).toBe(3);
  });
});
