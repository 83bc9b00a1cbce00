import type { AqlQuery } from 'arangojs/aql';
import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../src/domain/catalogue.js';
import {
  getAssetsAsOfQuery,
  listAssetsAsOfQuery,
  neighborsAsOfQuery,
  ownersAsOfQuery,
  traverseAsOfQuery,
} from '../../src/store/arango/as-of.js';
import { ArangoNames } from '../../src/store/arango/catalogue.js';
import type { LineageGroup } from '../../src/store/arango/queries.js';
import { makeListQuery } from '../../src/store/store.js';

const names = new ArangoNames(builtinCatalogue());
const T = '2026-03-01T02:00:00.000Z';

/**
 * Every AQL query the ArangoDB engine sends to read as of an instant, pinned
 * down as text and bind variables (no server runs here), written against
 * the ArangoDB 3.12 AQL documentation.
 */

/** A template literal without its common indentation and its first and last line breaks. */
function aql(strings: TemplateStringsArray, ...values: string[]): string {
  const text = strings.raw.map((s, i) => s + (values[i] ?? '')).join('');
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** Every bind variable the text refers to is bound, and every one bound is referred to (else error 1551/1552). */
function expectWellFormed(query: AqlQuery, name: string): void {
  expect(query.query.startsWith(`/* ${name} */\n`)).toBe(true);
  const referenced = [...new Set([...query.query.matchAll(/@([A-Za-z][A-Za-z0-9_]*)/g)].map((m) => m[1] as string))].sort();
  expect(referenced).toEqual(Object.keys(query.bindVars).sort());
  // Parentheses and brackets balance, so no subquery is left open.
  for (const [open, close] of [['(', ')'], ['[', ']'], ['{', '}']] as const) {
    expect(query.query.split(open).length).toBe(query.query.split(close).length);
  }
}

/**
 * The instant's sequence opens every query: just before the first change
 * after it (one seek of the `at` index), else the counter's, which counts
 * pruned changes too.
 */
const SEQUENCE_LINES = `LET seq = NOT_NULL(FIRST(
  FOR c IN metalayer_changes
    FILTER c.at > @asOf
    SORT c.at, c.seq
    LIMIT 1
    RETURN c.seq - 1
), DOCUMENT("metalayer_meta/changes").seq, 0)`;

const group = (overrides: Partial<LineageGroup> = {}): LineageGroup => ({
  direction: 'UPSTREAM',
  depth: 1,
  limit: 10,
  kinds: null,
  visitLimit: 100,
  scope: null,
  starts: ['models/m'],
  ...overrides,
});

describe('arango queries as of an instant: assets', () => {
  it('getAssetsAsOf reads each id\'s last state change up to the instant, and its last creation', () => {
    const query = getAssetsAsOfQuery(['models/m'], T);
    expectWellFormed(query, 'getAssetsAsOf');
    expect(query.query).toBe(GET_ASSETS);
    expect(query.query).toContain(SEQUENCE_LINES);
    expect(query.bindVars).toEqual({ asOf: T, ids: ['models/m'] });
  });

  it('neighborsAsOf follows the spans that existed then, oldest link first, to assets that existed then', () => {
    const query = neighborsAsOfQuery(
      [
        { relation: 'run_models', direction: 'OUT', ids: ['models/m'] },
        { relation: 'run_models', direction: 'IN', ids: ['run/r'] },
      ],
      T,
    );
    expectWellFormed(query, 'neighborsAsOf');
    expect(query.query).toBe(NEIGHBORS);
    expect(query.bindVars).toEqual({
      asOf: T,
      g0_ids: ['models/m'],
      g0_relation: 'run_models',
      g1_ids: ['run/r'],
      g1_relation: 'run_models',
    });
  });

  it('ownersAsOf walks each kind\'s ownership chain along the spans and assets of the instant', () => {
    const query = ownersAsOfQuery(names, ['run/r'], T);
    expectWellFormed(query, 'ownersAsOf');
    expect(query.query).toBe(OWNERS);
    expect(query.bindVars).toEqual({ asOf: T, ids: ['run/r'] });
  });
});

describe('arango queries as of an instant: traverseAsOf', () => {
  it('writes out the breadth-first search level by level, depth + 1 levels, with a kinds filter', () => {
    const query = traverseAsOfQuery(names, [group({ kinds: ['DATASET'] })], T);
    expectWellFormed(query, 'traverseAsOf');
    expect(query.query).toBe(TRAVERSE);
    expect(query.bindVars).toEqual({
      asOf: T,
      lineageRelations: [
        'run_models',
        'run_modelparams',
        'run_datasets',
        'run_featuresets',
        'run_devperf',
        'featureset_dataset',
        'deployment_model',
        'deployment_modelparams',
        'deployment_featureset',
        'deployment_servingperf',
        'derived_from',
        'run_outputs',
      ],
      g0_out: [
        'run_models',
        'run_modelparams',
        'run_datasets',
        'run_featuresets',
        'featureset_dataset',
        'deployment_model',
        'deployment_modelparams',
        'deployment_featureset',
        'derived_from',
      ],
      g0_in: ['run_devperf', 'deployment_servingperf', 'run_outputs'],
      g0_limit: 10,
      g0_visitLimit: 100,
      g0_collections: ['datasets'],
      g0_starts: ['models/m'],
    });
  });

  it('reads the ownership of a scoped viewer once, over the explored assets, and for the level beyond the depth', () => {
    const query = traverseAsOfQuery(names, [group({ direction: 'DOWNSTREAM', scope: ['project/p'], starts: ['datasets/d'] })], T);
    expectWellFormed(query, 'traverseAsOf');
    expect(query.query).toBe(SCOPED_TRAVERSE);
    expect(query.bindVars).toMatchObject({
      g0_out: ['run_devperf', 'deployment_servingperf', 'run_outputs'],
      g0_scope: ['project/p'],
      g0_starts: ['datasets/d'],
    });
  });

  it('has depth + 1 levels, each explored only while the one before was, and answers every group in one query', () => {
    const query = traverseAsOfQuery(names, [group({ depth: 5 }), group({ depth: 2, direction: 'DOWNSTREAM', starts: ['datasets/d'] })], T);
    expectWellFormed(query, 'traverseAsOf');
    expect([...query.query.matchAll(/^    LET f(\d+) = \($/gm)].map((m) => Number(m[1]))).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3]);
    expect(query.query).toMatch(/FOR x\d+ IN \(go6 \? f5 : \[\]\)/);
    expect(query.query).toContain('LET go6 = go5 AND LENGTH(f5) > 0 AND NOT crossed5 AND LENGTH(e5) <= @g0_limit');
    expect(query.query).toContain('truncated: over5 OR beyond OR LENGTH(selected) > @g0_limit');
    expect(query.query).toContain('truncated: over2 OR beyond OR LENGTH(selected) > @g1_limit');
    expect(query.query.endsWith('RETURN [g0, g1]')).toBe(true);
    // Only the first query opens with the sequence; no bind variable is bound twice.
    expect(query.query.split('LET seq =').length).toBe(2);
  });

  it('keeps every value a client gives in bind variables', () => {
    const evil = 'x` RETURN 1 //';
    const query = traverseAsOfQuery(names, [group({ starts: [evil], scope: [evil] })], evil);
    expect(query.query).not.toContain(evil);
    expect(query.bindVars).toMatchObject({ asOf: evil, g0_starts: [evil], g0_scope: [evil] });
  });
});

describe('arango queries as of an instant: listAssetsAsOf', () => {
  it('reads the creations of the assets of the instant in (at, id) order, filtering their state and ownership then', () => {
    const query = listAssetsAsOfQuery(names, {
      ...makeListQuery({
        kind: 'MODEL',
        tag: 'x',
        nameContains: 'n',
        createdAfter: '2025-01-01T00:00:00.000Z',
        createdBefore: '2027-01-01T00:00:00.000Z',
        project: 'project/p',
        scope: ['project/p'],
        after: { createdAt: '2026-01-01T00:00:00.000Z', id: 'models/a' },
      }),
      asOf: T,
    });
    expectWellFormed(query, 'listAssetsAsOf');
    expect(query.query).toBe(LIST);
    expect(query.bindVars).toEqual({
      asOf: T,
      kind: 'MODEL',
      nameContains: 'n',
      tag: 'x',
      createdAfter: '2025-01-01T00:00:00.000Z',
      createdBefore: '2027-01-01T00:00:00.000Z',
      scope: ['project/p'],
      project: 'project/p',
      afterCreatedAt: '2026-01-01T00:00:00.000Z',
      afterId: 'models/a',
      take: 21,
    });
  });

  it('starts before every creation without a position, and filters nothing it was not asked to', () => {
    const query = listAssetsAsOfQuery(names, { ...makeListQuery({ first: 5 }), asOf: T });
    expectWellFormed(query, 'listAssetsAsOf');
    expect(query.bindVars).toEqual({ asOf: T, afterCreatedAt: '', afterId: '', take: 6 });
    expect(query.query).not.toContain('owners');
  });
});

const GET_ASSETS = aql`
      /* getAssetsAsOf */
      LET seq = NOT_NULL(FIRST(
        FOR c IN metalayer_changes
          FILTER c.at > @asOf
          SORT c.at, c.seq
          LIMIT 1
          RETURN c.seq - 1
      ), DOCUMENT("metalayer_meta/changes").seq, 0)
      FOR id IN @ids
        LET change = NOT_NULL(FIRST(FOR c1 IN metalayer_changes FILTER c1.assetId == id AND c1.seq <= seq AND c1.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c1.seq DESC LIMIT 1 RETURN c1), FIRST(FOR d2 IN metalayer_changes FILTER d2.assetId == id AND d2.seq > seq AND d2.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d2.seq LIMIT 1 RETURN d2.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d2.kind, after: d2.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(id).created_at }), { operation: "CURRENT" })
        RETURN change.operation == "DELETE" OR change.after == { purged: true } ? null : change.operation == "CURRENT" ? { document: DOCUMENT(id) } : { id: id, kind: change.kind, after: change.after, createdAt: NOT_NULL(change.created, FIRST(FOR k3 IN metalayer_changes FILTER k3.assetId == id AND k3.seq <= change.seq AND k3.operation == "CREATE" SORT k3.seq DESC LIMIT 1 RETURN k3.at)), updatedAt: change.at }
    `;

const NEIGHBORS = aql`
      /* neighborsAsOf */
      LET seq = NOT_NULL(FIRST(
        FOR c IN metalayer_changes
          FILTER c.at > @asOf
          SORT c.at, c.seq
          LIMIT 1
          RETURN c.seq - 1
      ), DOCUMENT("metalayer_meta/changes").seq, 0)
      LET g0 = (
        FOR id IN @g0_ids
          RETURN (
            FOR s IN metalayer_edge_spans
              FILTER s._from == id AND s.relation == @g0_relation AND s.linked <= seq AND (s.unlinked == null OR s.unlinked > seq)
              SORT s.linked
              LET change = NOT_NULL(FIRST(FOR c1 IN metalayer_changes FILTER c1.assetId == s._to AND c1.seq <= seq AND c1.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c1.seq DESC LIMIT 1 RETURN c1), FIRST(FOR d2 IN metalayer_changes FILTER d2.assetId == s._to AND d2.seq > seq AND d2.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d2.seq LIMIT 1 RETURN d2.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d2.kind, after: d2.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(s._to).created_at }), { operation: "CURRENT" })
              FILTER change.operation != "DELETE" AND NOT (change.after == { purged: true })
              RETURN change.operation == "DELETE" OR change.after == { purged: true } ? null : change.operation == "CURRENT" ? { document: DOCUMENT(s._to) } : { id: s._to, kind: change.kind, after: change.after, createdAt: NOT_NULL(change.created, FIRST(FOR k3 IN metalayer_changes FILTER k3.assetId == s._to AND k3.seq <= change.seq AND k3.operation == "CREATE" SORT k3.seq DESC LIMIT 1 RETURN k3.at)), updatedAt: change.at }
          )
      )
      LET g1 = (
        FOR id IN @g1_ids
          RETURN (
            FOR s IN metalayer_edge_spans
              FILTER s._to == id AND s.relation == @g1_relation AND s.linked <= seq AND (s.unlinked == null OR s.unlinked > seq)
              SORT s.linked
              LET change = NOT_NULL(FIRST(FOR c4 IN metalayer_changes FILTER c4.assetId == s._from AND c4.seq <= seq AND c4.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c4.seq DESC LIMIT 1 RETURN c4), FIRST(FOR d5 IN metalayer_changes FILTER d5.assetId == s._from AND d5.seq > seq AND d5.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d5.seq LIMIT 1 RETURN d5.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d5.kind, after: d5.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(s._from).created_at }), { operation: "CURRENT" })
              FILTER change.operation != "DELETE" AND NOT (change.after == { purged: true })
              RETURN change.operation == "DELETE" OR change.after == { purged: true } ? null : change.operation == "CURRENT" ? { document: DOCUMENT(s._from) } : { id: s._from, kind: change.kind, after: change.after, createdAt: NOT_NULL(change.created, FIRST(FOR k6 IN metalayer_changes FILTER k6.assetId == s._from AND k6.seq <= change.seq AND k6.operation == "CREATE" SORT k6.seq DESC LIMIT 1 RETURN k6.at)), updatedAt: change.at }
          )
      )
      RETURN [g0, g1]
    `;

const OWNERS = aql`
      /* ownersAsOf */
      LET seq = NOT_NULL(FIRST(
        FOR c IN metalayer_changes
          FILTER c.at > @asOf
          SORT c.at, c.seq
          LIMIT 1
          RETURN c.seq - 1
      ), DOCUMENT("metalayer_meta/changes").seq, 0)
      FOR id IN @ids
        LET existed = FIRST(FOR st1 IN [NOT_NULL(FIRST(FOR c2 IN metalayer_changes FILTER c2.assetId == id AND c2.seq <= seq AND c2.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c2.seq DESC LIMIT 1 RETURN c2), FIRST(FOR d3 IN metalayer_changes FILTER d3.assetId == id AND d3.seq > seq AND d3.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d3.seq LIMIT 1 RETURN d3.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d3.kind, after: d3.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(id).created_at }), { operation: "CURRENT" })] RETURN st1.operation IN ["CREATE", "UPDATE"] OR (st1.operation == "CURRENT" AND DOCUMENT(id) != null))
        LET collection4 = PARSE_IDENTIFIER(id).collection
        LET owners = SORTED_UNIQUE(APPEND(collection4 IN ["project"] ? [id] : [], FLATTEN([
          (FOR a5 IN (collection4 == "models" ? [id] : [])
            FOR span6 IN metalayer_edge_spans
              FILTER span6._to == a5 AND span6.relation == "project_models" AND span6.linked <= seq AND (span6.unlinked == null OR span6.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span6._from).collection == "project" AND FIRST(FOR st7 IN [NOT_NULL(FIRST(FOR c8 IN metalayer_changes FILTER c8.assetId == span6._from AND c8.seq <= seq AND c8.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c8.seq DESC LIMIT 1 RETURN c8), FIRST(FOR d9 IN metalayer_changes FILTER d9.assetId == span6._from AND d9.seq > seq AND d9.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d9.seq LIMIT 1 RETURN d9.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d9.kind, after: d9.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span6._from).created_at }), { operation: "CURRENT" })] RETURN st7.operation IN ["CREATE", "UPDATE"] OR (st7.operation == "CURRENT" AND DOCUMENT(span6._from) != null))
              RETURN span6._from),
          (FOR a10 IN (collection4 == "run" ? [id] : [])
            FOR span11 IN metalayer_edge_spans
              FILTER span11._to == a10 AND span11.relation == "run_models" AND span11.linked <= seq AND (span11.unlinked == null OR span11.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span11._from).collection == "models" AND FIRST(FOR st12 IN [NOT_NULL(FIRST(FOR c13 IN metalayer_changes FILTER c13.assetId == span11._from AND c13.seq <= seq AND c13.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c13.seq DESC LIMIT 1 RETURN c13), FIRST(FOR d14 IN metalayer_changes FILTER d14.assetId == span11._from AND d14.seq > seq AND d14.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d14.seq LIMIT 1 RETURN d14.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d14.kind, after: d14.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span11._from).created_at }), { operation: "CURRENT" })] RETURN st12.operation IN ["CREATE", "UPDATE"] OR (st12.operation == "CURRENT" AND DOCUMENT(span11._from) != null))
              FOR span15 IN metalayer_edge_spans
                FILTER span15._to == span11._from AND span15.relation == "project_models" AND span15.linked <= seq AND (span15.unlinked == null OR span15.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span15._from).collection == "project" AND FIRST(FOR st16 IN [NOT_NULL(FIRST(FOR c17 IN metalayer_changes FILTER c17.assetId == span15._from AND c17.seq <= seq AND c17.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c17.seq DESC LIMIT 1 RETURN c17), FIRST(FOR d18 IN metalayer_changes FILTER d18.assetId == span15._from AND d18.seq > seq AND d18.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d18.seq LIMIT 1 RETURN d18.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d18.kind, after: d18.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span15._from).created_at }), { operation: "CURRENT" })] RETURN st16.operation IN ["CREATE", "UPDATE"] OR (st16.operation == "CURRENT" AND DOCUMENT(span15._from) != null))
                RETURN span15._from),
          (FOR a19 IN (collection4 == "modelparams" ? [id] : [])
            FOR span20 IN metalayer_edge_spans
              FILTER span20._to == a19 AND span20.relation == "run_modelparams" AND span20.linked <= seq AND (span20.unlinked == null OR span20.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span20._from).collection == "run" AND FIRST(FOR st21 IN [NOT_NULL(FIRST(FOR c22 IN metalayer_changes FILTER c22.assetId == span20._from AND c22.seq <= seq AND c22.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c22.seq DESC LIMIT 1 RETURN c22), FIRST(FOR d23 IN metalayer_changes FILTER d23.assetId == span20._from AND d23.seq > seq AND d23.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d23.seq LIMIT 1 RETURN d23.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d23.kind, after: d23.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span20._from).created_at }), { operation: "CURRENT" })] RETURN st21.operation IN ["CREATE", "UPDATE"] OR (st21.operation == "CURRENT" AND DOCUMENT(span20._from) != null))
              FOR span24 IN metalayer_edge_spans
                FILTER span24._to == span20._from AND span24.relation == "run_models" AND span24.linked <= seq AND (span24.unlinked == null OR span24.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span24._from).collection == "models" AND FIRST(FOR st25 IN [NOT_NULL(FIRST(FOR c26 IN metalayer_changes FILTER c26.assetId == span24._from AND c26.seq <= seq AND c26.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c26.seq DESC LIMIT 1 RETURN c26), FIRST(FOR d27 IN metalayer_changes FILTER d27.assetId == span24._from AND d27.seq > seq AND d27.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d27.seq LIMIT 1 RETURN d27.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d27.kind, after: d27.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span24._from).created_at }), { operation: "CURRENT" })] RETURN st25.operation IN ["CREATE", "UPDATE"] OR (st25.operation == "CURRENT" AND DOCUMENT(span24._from) != null))
                FOR span28 IN metalayer_edge_spans
                  FILTER span28._to == span24._from AND span28.relation == "project_models" AND span28.linked <= seq AND (span28.unlinked == null OR span28.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span28._from).collection == "project" AND FIRST(FOR st29 IN [NOT_NULL(FIRST(FOR c30 IN metalayer_changes FILTER c30.assetId == span28._from AND c30.seq <= seq AND c30.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c30.seq DESC LIMIT 1 RETURN c30), FIRST(FOR d31 IN metalayer_changes FILTER d31.assetId == span28._from AND d31.seq > seq AND d31.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d31.seq LIMIT 1 RETURN d31.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d31.kind, after: d31.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span28._from).created_at }), { operation: "CURRENT" })] RETURN st29.operation IN ["CREATE", "UPDATE"] OR (st29.operation == "CURRENT" AND DOCUMENT(span28._from) != null))
                  RETURN span28._from),
          (FOR a32 IN (collection4 == "devperf" ? [id] : [])
            FOR span33 IN metalayer_edge_spans
              FILTER span33._to == a32 AND span33.relation == "run_devperf" AND span33.linked <= seq AND (span33.unlinked == null OR span33.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span33._from).collection == "run" AND FIRST(FOR st34 IN [NOT_NULL(FIRST(FOR c35 IN metalayer_changes FILTER c35.assetId == span33._from AND c35.seq <= seq AND c35.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c35.seq DESC LIMIT 1 RETURN c35), FIRST(FOR d36 IN metalayer_changes FILTER d36.assetId == span33._from AND d36.seq > seq AND d36.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d36.seq LIMIT 1 RETURN d36.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d36.kind, after: d36.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span33._from).created_at }), { operation: "CURRENT" })] RETURN st34.operation IN ["CREATE", "UPDATE"] OR (st34.operation == "CURRENT" AND DOCUMENT(span33._from) != null))
              FOR span37 IN metalayer_edge_spans
                FILTER span37._to == span33._from AND span37.relation == "run_models" AND span37.linked <= seq AND (span37.unlinked == null OR span37.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span37._from).collection == "models" AND FIRST(FOR st38 IN [NOT_NULL(FIRST(FOR c39 IN metalayer_changes FILTER c39.assetId == span37._from AND c39.seq <= seq AND c39.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c39.seq DESC LIMIT 1 RETURN c39), FIRST(FOR d40 IN metalayer_changes FILTER d40.assetId == span37._from AND d40.seq > seq AND d40.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d40.seq LIMIT 1 RETURN d40.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d40.kind, after: d40.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span37._from).created_at }), { operation: "CURRENT" })] RETURN st38.operation IN ["CREATE", "UPDATE"] OR (st38.operation == "CURRENT" AND DOCUMENT(span37._from) != null))
                FOR span41 IN metalayer_edge_spans
                  FILTER span41._to == span37._from AND span41.relation == "project_models" AND span41.linked <= seq AND (span41.unlinked == null OR span41.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span41._from).collection == "project" AND FIRST(FOR st42 IN [NOT_NULL(FIRST(FOR c43 IN metalayer_changes FILTER c43.assetId == span41._from AND c43.seq <= seq AND c43.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c43.seq DESC LIMIT 1 RETURN c43), FIRST(FOR d44 IN metalayer_changes FILTER d44.assetId == span41._from AND d44.seq > seq AND d44.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d44.seq LIMIT 1 RETURN d44.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d44.kind, after: d44.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span41._from).created_at }), { operation: "CURRENT" })] RETURN st42.operation IN ["CREATE", "UPDATE"] OR (st42.operation == "CURRENT" AND DOCUMENT(span41._from) != null))
                  RETURN span41._from),
          (FOR a45 IN (collection4 == "deployment" ? [id] : [])
            FOR span46 IN metalayer_edge_spans
              FILTER span46._from == a45 AND span46.relation == "deployment_model" AND span46.linked <= seq AND (span46.unlinked == null OR span46.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span46._to).collection == "models" AND FIRST(FOR st47 IN [NOT_NULL(FIRST(FOR c48 IN metalayer_changes FILTER c48.assetId == span46._to AND c48.seq <= seq AND c48.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c48.seq DESC LIMIT 1 RETURN c48), FIRST(FOR d49 IN metalayer_changes FILTER d49.assetId == span46._to AND d49.seq > seq AND d49.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d49.seq LIMIT 1 RETURN d49.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d49.kind, after: d49.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span46._to).created_at }), { operation: "CURRENT" })] RETURN st47.operation IN ["CREATE", "UPDATE"] OR (st47.operation == "CURRENT" AND DOCUMENT(span46._to) != null))
              FOR span50 IN metalayer_edge_spans
                FILTER span50._to == span46._to AND span50.relation == "project_models" AND span50.linked <= seq AND (span50.unlinked == null OR span50.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span50._from).collection == "project" AND FIRST(FOR st51 IN [NOT_NULL(FIRST(FOR c52 IN metalayer_changes FILTER c52.assetId == span50._from AND c52.seq <= seq AND c52.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c52.seq DESC LIMIT 1 RETURN c52), FIRST(FOR d53 IN metalayer_changes FILTER d53.assetId == span50._from AND d53.seq > seq AND d53.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d53.seq LIMIT 1 RETURN d53.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d53.kind, after: d53.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span50._from).created_at }), { operation: "CURRENT" })] RETURN st51.operation IN ["CREATE", "UPDATE"] OR (st51.operation == "CURRENT" AND DOCUMENT(span50._from) != null))
                RETURN span50._from),
          (FOR a54 IN (collection4 == "servingperf" ? [id] : [])
            FOR span55 IN metalayer_edge_spans
              FILTER span55._to == a54 AND span55.relation == "deployment_servingperf" AND span55.linked <= seq AND (span55.unlinked == null OR span55.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span55._from).collection == "deployment" AND FIRST(FOR st56 IN [NOT_NULL(FIRST(FOR c57 IN metalayer_changes FILTER c57.assetId == span55._from AND c57.seq <= seq AND c57.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c57.seq DESC LIMIT 1 RETURN c57), FIRST(FOR d58 IN metalayer_changes FILTER d58.assetId == span55._from AND d58.seq > seq AND d58.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d58.seq LIMIT 1 RETURN d58.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d58.kind, after: d58.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span55._from).created_at }), { operation: "CURRENT" })] RETURN st56.operation IN ["CREATE", "UPDATE"] OR (st56.operation == "CURRENT" AND DOCUMENT(span55._from) != null))
              FOR span59 IN metalayer_edge_spans
                FILTER span59._from == span55._from AND span59.relation == "deployment_model" AND span59.linked <= seq AND (span59.unlinked == null OR span59.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span59._to).collection == "models" AND FIRST(FOR st60 IN [NOT_NULL(FIRST(FOR c61 IN metalayer_changes FILTER c61.assetId == span59._to AND c61.seq <= seq AND c61.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c61.seq DESC LIMIT 1 RETURN c61), FIRST(FOR d62 IN metalayer_changes FILTER d62.assetId == span59._to AND d62.seq > seq AND d62.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d62.seq LIMIT 1 RETURN d62.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d62.kind, after: d62.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span59._to).created_at }), { operation: "CURRENT" })] RETURN st60.operation IN ["CREATE", "UPDATE"] OR (st60.operation == "CURRENT" AND DOCUMENT(span59._to) != null))
                FOR span63 IN metalayer_edge_spans
                  FILTER span63._to == span59._to AND span63.relation == "project_models" AND span63.linked <= seq AND (span63.unlinked == null OR span63.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span63._from).collection == "project" AND FIRST(FOR st64 IN [NOT_NULL(FIRST(FOR c65 IN metalayer_changes FILTER c65.assetId == span63._from AND c65.seq <= seq AND c65.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c65.seq DESC LIMIT 1 RETURN c65), FIRST(FOR d66 IN metalayer_changes FILTER d66.assetId == span63._from AND d66.seq > seq AND d66.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d66.seq LIMIT 1 RETURN d66.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d66.kind, after: d66.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span63._from).created_at }), { operation: "CURRENT" })] RETURN st64.operation IN ["CREATE", "UPDATE"] OR (st64.operation == "CURRENT" AND DOCUMENT(span63._from) != null))
                  RETURN span63._from)
        ])))
        RETURN existed ? owners : []
    `;

const TRAVERSE = aql`
      /* traverseAsOf */
      LET seq = NOT_NULL(FIRST(
        FOR c IN metalayer_changes
          FILTER c.at > @asOf
          SORT c.at, c.seq
          LIMIT 1
          RETURN c.seq - 1
      ), DOCUMENT("metalayer_meta/changes").seq, 0)
      LET g0 = (
        FOR start IN @g0_starts
          LET f0 = [start]
          LET v0 = [start]
          LET e0 = []
          LET go1 = true
          LET over0 = false
          LET f1 = (
            FOR id4 IN MINUS(UNIQUE(FLATTEN(FOR x1 IN (go1 ? f0 : []) RETURN APPEND(
                (FOR span2 IN metalayer_edge_spans FILTER span2._from == x1 AND span2.relation IN @g0_out AND span2.linked <= seq AND (span2.unlinked == null OR span2.unlinked > seq) RETURN span2._to),
                (FOR span3 IN metalayer_edge_spans FILTER span3._to == x1 AND span3.relation IN @g0_in AND span3.linked <= seq AND (span3.unlinked == null OR span3.unlinked > seq) RETURN span3._from)
              ))), v0)
              FILTER FIRST(FOR st5 IN [NOT_NULL(FIRST(FOR c6 IN metalayer_changes FILTER c6.assetId == id4 AND c6.seq <= seq AND c6.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c6.seq DESC LIMIT 1 RETURN c6), FIRST(FOR d7 IN metalayer_changes FILTER d7.assetId == id4 AND d7.seq > seq AND d7.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d7.seq LIMIT 1 RETURN d7.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d7.kind, after: d7.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(id4).created_at }), { operation: "CURRENT" })] RETURN st5.operation IN ["CREATE", "UPDATE"] OR (st5.operation == "CURRENT" AND DOCUMENT(id4) != null))
              RETURN id4
          )
          LET v1 = APPEND(v0, f1)
          LET crossed1 = go1 AND LENGTH(v1) - 1 > @g0_visitLimit
          LET sel1 = crossed1 ? [] : f1[* FILTER PARSE_IDENTIFIER(CURRENT).collection IN @g0_collections]
          LET e1 = APPEND(e0, sel1[* RETURN { id: CURRENT, degree: 1 }])
          LET over1 = over0 OR crossed1
          LET go2 = go1 AND LENGTH(f1) > 0 AND NOT crossed1 AND LENGTH(e1) <= @g0_limit
          LET f2 = (
            FOR id11 IN MINUS(UNIQUE(FLATTEN(FOR x8 IN (go2 ? f1 : []) RETURN APPEND(
                (FOR span9 IN metalayer_edge_spans FILTER span9._from == x8 AND span9.relation IN @g0_out AND span9.linked <= seq AND (span9.unlinked == null OR span9.unlinked > seq) RETURN span9._to),
                (FOR span10 IN metalayer_edge_spans FILTER span10._to == x8 AND span10.relation IN @g0_in AND span10.linked <= seq AND (span10.unlinked == null OR span10.unlinked > seq) RETURN span10._from)
              ))), v1)
              FILTER FIRST(FOR st12 IN [NOT_NULL(FIRST(FOR c13 IN metalayer_changes FILTER c13.assetId == id11 AND c13.seq <= seq AND c13.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c13.seq DESC LIMIT 1 RETURN c13), FIRST(FOR d14 IN metalayer_changes FILTER d14.assetId == id11 AND d14.seq > seq AND d14.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d14.seq LIMIT 1 RETURN d14.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d14.kind, after: d14.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(id11).created_at }), { operation: "CURRENT" })] RETURN st12.operation IN ["CREATE", "UPDATE"] OR (st12.operation == "CURRENT" AND DOCUMENT(id11) != null))
              RETURN id11
          )
          LET beyond = LENGTH(f2) > 0
          LET selected = e1
          LET chosen = (
            FOR m IN selected
              SORT m.degree, m.id
              LIMIT @g0_limit
              RETURN m
          )
          LET kept = (
            FOR m IN chosen
              LET change = NOT_NULL(FIRST(FOR c15 IN metalayer_changes FILTER c15.assetId == m.id AND c15.seq <= seq AND c15.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c15.seq DESC LIMIT 1 RETURN c15), FIRST(FOR d16 IN metalayer_changes FILTER d16.assetId == m.id AND d16.seq > seq AND d16.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d16.seq LIMIT 1 RETURN d16.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d16.kind, after: d16.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(m.id).created_at }), { operation: "CURRENT" })
              FILTER NOT (change.after == { purged: true })
              RETURN { id: m.id, degree: m.degree, change }
          )
          LET members = APPEND([start], kept[*].id)
          LET edges = (
            FOR id IN members
              FOR s IN metalayer_edge_spans
                FILTER s._from == id AND s.relation IN @lineageRelations AND s.linked <= seq AND (s.unlinked == null OR s.unlinked > seq) AND s._to IN members
                RETURN DISTINCT { relation: s.relation, from: s._from, to: s._to }
          )
          RETURN {
            nodes: (FOR m IN kept RETURN { asset: m.change.operation == "DELETE" OR m.change.after == { purged: true } ? null : m.change.operation == "CURRENT" ? { document: DOCUMENT(m.id) } : { id: m.id, kind: m.change.kind, after: m.change.after, createdAt: NOT_NULL(m.change.created, FIRST(FOR k17 IN metalayer_changes FILTER k17.assetId == m.id AND k17.seq <= m.change.seq AND k17.operation == "CREATE" SORT k17.seq DESC LIMIT 1 RETURN k17.at)), updatedAt: m.change.at }, degree: m.degree }),
            edges,
            truncated: over1 OR beyond OR LENGTH(selected) > @g0_limit
          }
      )
      RETURN [g0]
    `;

const SCOPED_TRAVERSE = aql`
      /* traverseAsOf */
      LET seq = NOT_NULL(FIRST(
        FOR c IN metalayer_changes
          FILTER c.at > @asOf
          SORT c.at, c.seq
          LIMIT 1
          RETURN c.seq - 1
      ), DOCUMENT("metalayer_meta/changes").seq, 0)
      LET g0 = (
        FOR start IN @g0_starts
          LET f0 = [start]
          LET v0 = [start]
          LET e0 = []
          LET go1 = true
          LET over0 = false
          LET f1 = (
            FOR id4 IN MINUS(UNIQUE(FLATTEN(FOR x1 IN (go1 ? f0 : []) RETURN APPEND(
                (FOR span2 IN metalayer_edge_spans FILTER span2._from == x1 AND span2.relation IN @g0_out AND span2.linked <= seq AND (span2.unlinked == null OR span2.unlinked > seq) RETURN span2._to),
                (FOR span3 IN metalayer_edge_spans FILTER span3._to == x1 AND span3.relation IN @g0_in AND span3.linked <= seq AND (span3.unlinked == null OR span3.unlinked > seq) RETURN span3._from)
              ))), v0)
              FILTER FIRST(FOR st5 IN [NOT_NULL(FIRST(FOR c6 IN metalayer_changes FILTER c6.assetId == id4 AND c6.seq <= seq AND c6.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c6.seq DESC LIMIT 1 RETURN c6), FIRST(FOR d7 IN metalayer_changes FILTER d7.assetId == id4 AND d7.seq > seq AND d7.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d7.seq LIMIT 1 RETURN d7.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d7.kind, after: d7.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(id4).created_at }), { operation: "CURRENT" })] RETURN st5.operation IN ["CREATE", "UPDATE"] OR (st5.operation == "CURRENT" AND DOCUMENT(id4) != null))
              RETURN id4
          )
          LET v1 = APPEND(v0, f1)
          LET crossed1 = go1 AND LENGTH(v1) - 1 > @g0_visitLimit
          LET sel1 = crossed1 ? [] : f1
          LET e1 = APPEND(e0, sel1[* RETURN { id: CURRENT, degree: 1 }])
          LET over1 = over0 OR crossed1
          LET go2 = go1 AND LENGTH(f1) > 0 AND NOT crossed1
          LET f2 = (
            FOR id11 IN MINUS(UNIQUE(FLATTEN(FOR x8 IN (go2 ? f1 : []) RETURN APPEND(
                (FOR span9 IN metalayer_edge_spans FILTER span9._from == x8 AND span9.relation IN @g0_out AND span9.linked <= seq AND (span9.unlinked == null OR span9.unlinked > seq) RETURN span9._to),
                (FOR span10 IN metalayer_edge_spans FILTER span10._to == x8 AND span10.relation IN @g0_in AND span10.linked <= seq AND (span10.unlinked == null OR span10.unlinked > seq) RETURN span10._from)
              ))), v1)
              FILTER FIRST(FOR st12 IN [NOT_NULL(FIRST(FOR c13 IN metalayer_changes FILTER c13.assetId == id11 AND c13.seq <= seq AND c13.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c13.seq DESC LIMIT 1 RETURN c13), FIRST(FOR d14 IN metalayer_changes FILTER d14.assetId == id11 AND d14.seq > seq AND d14.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d14.seq LIMIT 1 RETURN d14.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d14.kind, after: d14.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(id11).created_at }), { operation: "CURRENT" })] RETURN st12.operation IN ["CREATE", "UPDATE"] OR (st12.operation == "CURRENT" AND DOCUMENT(id11) != null))
              RETURN id11
          )
          LET beyond = LENGTH((FOR member15 IN f2
                LET collection17 = PARSE_IDENTIFIER(member15).collection
                LET owners16 = SORTED_UNIQUE(APPEND(collection17 IN ["project"] ? [member15] : [], FLATTEN([
                  (FOR a18 IN (collection17 == "models" ? [member15] : [])
            FOR span19 IN metalayer_edge_spans
              FILTER span19._to == a18 AND span19.relation == "project_models" AND span19.linked <= seq AND (span19.unlinked == null OR span19.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span19._from).collection == "project" AND FIRST(FOR st20 IN [NOT_NULL(FIRST(FOR c21 IN metalayer_changes FILTER c21.assetId == span19._from AND c21.seq <= seq AND c21.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c21.seq DESC LIMIT 1 RETURN c21), FIRST(FOR d22 IN metalayer_changes FILTER d22.assetId == span19._from AND d22.seq > seq AND d22.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d22.seq LIMIT 1 RETURN d22.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d22.kind, after: d22.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span19._from).created_at }), { operation: "CURRENT" })] RETURN st20.operation IN ["CREATE", "UPDATE"] OR (st20.operation == "CURRENT" AND DOCUMENT(span19._from) != null))
              RETURN span19._from),
                  (FOR a23 IN (collection17 == "run" ? [member15] : [])
            FOR span24 IN metalayer_edge_spans
              FILTER span24._to == a23 AND span24.relation == "run_models" AND span24.linked <= seq AND (span24.unlinked == null OR span24.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span24._from).collection == "models" AND FIRST(FOR st25 IN [NOT_NULL(FIRST(FOR c26 IN metalayer_changes FILTER c26.assetId == span24._from AND c26.seq <= seq AND c26.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c26.seq DESC LIMIT 1 RETURN c26), FIRST(FOR d27 IN metalayer_changes FILTER d27.assetId == span24._from AND d27.seq > seq AND d27.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d27.seq LIMIT 1 RETURN d27.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d27.kind, after: d27.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span24._from).created_at }), { operation: "CURRENT" })] RETURN st25.operation IN ["CREATE", "UPDATE"] OR (st25.operation == "CURRENT" AND DOCUMENT(span24._from) != null))
              FOR span28 IN metalayer_edge_spans
                FILTER span28._to == span24._from AND span28.relation == "project_models" AND span28.linked <= seq AND (span28.unlinked == null OR span28.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span28._from).collection == "project" AND FIRST(FOR st29 IN [NOT_NULL(FIRST(FOR c30 IN metalayer_changes FILTER c30.assetId == span28._from AND c30.seq <= seq AND c30.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c30.seq DESC LIMIT 1 RETURN c30), FIRST(FOR d31 IN metalayer_changes FILTER d31.assetId == span28._from AND d31.seq > seq AND d31.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d31.seq LIMIT 1 RETURN d31.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d31.kind, after: d31.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span28._from).created_at }), { operation: "CURRENT" })] RETURN st29.operation IN ["CREATE", "UPDATE"] OR (st29.operation == "CURRENT" AND DOCUMENT(span28._from) != null))
                RETURN span28._from),
                  (FOR a32 IN (collection17 == "modelparams" ? [member15] : [])
            FOR span33 IN metalayer_edge_spans
              FILTER span33._to == a32 AND span33.relation == "run_modelparams" AND span33.linked <= seq AND (span33.unlinked == null OR span33.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span33._from).collection == "run" AND FIRST(FOR st34 IN [NOT_NULL(FIRST(FOR c35 IN metalayer_changes FILTER c35.assetId == span33._from AND c35.seq <= seq AND c35.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c35.seq DESC LIMIT 1 RETURN c35), FIRST(FOR d36 IN metalayer_changes FILTER d36.assetId == span33._from AND d36.seq > seq AND d36.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d36.seq LIMIT 1 RETURN d36.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d36.kind, after: d36.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span33._from).created_at }), { operation: "CURRENT" })] RETURN st34.operation IN ["CREATE", "UPDATE"] OR (st34.operation == "CURRENT" AND DOCUMENT(span33._from) != null))
              FOR span37 IN metalayer_edge_spans
                FILTER span37._to == span33._from AND span37.relation == "run_models" AND span37.linked <= seq AND (span37.unlinked == null OR span37.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span37._from).collection == "models" AND FIRST(FOR st38 IN [NOT_NULL(FIRST(FOR c39 IN metalayer_changes FILTER c39.assetId == span37._from AND c39.seq <= seq AND c39.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c39.seq DESC LIMIT 1 RETURN c39), FIRST(FOR d40 IN metalayer_changes FILTER d40.assetId == span37._from AND d40.seq > seq AND d40.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d40.seq LIMIT 1 RETURN d40.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d40.kind, after: d40.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span37._from).created_at }), { operation: "CURRENT" })] RETURN st38.operation IN ["CREATE", "UPDATE"] OR (st38.operation == "CURRENT" AND DOCUMENT(span37._from) != null))
                FOR span41 IN metalayer_edge_spans
                  FILTER span41._to == span37._from AND span41.relation == "project_models" AND span41.linked <= seq AND (span41.unlinked == null OR span41.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span41._from).collection == "project" AND FIRST(FOR st42 IN [NOT_NULL(FIRST(FOR c43 IN metalayer_changes FILTER c43.assetId == span41._from AND c43.seq <= seq AND c43.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c43.seq DESC LIMIT 1 RETURN c43), FIRST(FOR d44 IN metalayer_changes FILTER d44.assetId == span41._from AND d44.seq > seq AND d44.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d44.seq LIMIT 1 RETURN d44.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d44.kind, after: d44.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span41._from).created_at }), { operation: "CURRENT" })] RETURN st42.operation IN ["CREATE", "UPDATE"] OR (st42.operation == "CURRENT" AND DOCUMENT(span41._from) != null))
                  RETURN span41._from),
                  (FOR a45 IN (collection17 == "devperf" ? [member15] : [])
            FOR span46 IN metalayer_edge_spans
              FILTER span46._to == a45 AND span46.relation == "run_devperf" AND span46.linked <= seq AND (span46.unlinked == null OR span46.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span46._from).collection == "run" AND FIRST(FOR st47 IN [NOT_NULL(FIRST(FOR c48 IN metalayer_changes FILTER c48.assetId == span46._from AND c48.seq <= seq AND c48.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c48.seq DESC LIMIT 1 RETURN c48), FIRST(FOR d49 IN metalayer_changes FILTER d49.assetId == span46._from AND d49.seq > seq AND d49.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d49.seq LIMIT 1 RETURN d49.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d49.kind, after: d49.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span46._from).created_at }), { operation: "CURRENT" })] RETURN st47.operation IN ["CREATE", "UPDATE"] OR (st47.operation == "CURRENT" AND DOCUMENT(span46._from) != null))
              FOR span50 IN metalayer_edge_spans
                FILTER span50._to == span46._from AND span50.relation == "run_models" AND span50.linked <= seq AND (span50.unlinked == null OR span50.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span50._from).collection == "models" AND FIRST(FOR st51 IN [NOT_NULL(FIRST(FOR c52 IN metalayer_changes FILTER c52.assetId == span50._from AND c52.seq <= seq AND c52.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c52.seq DESC LIMIT 1 RETURN c52), FIRST(FOR d53 IN metalayer_changes FILTER d53.assetId == span50._from AND d53.seq > seq AND d53.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d53.seq LIMIT 1 RETURN d53.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d53.kind, after: d53.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span50._from).created_at }), { operation: "CURRENT" })] RETURN st51.operation IN ["CREATE", "UPDATE"] OR (st51.operation == "CURRENT" AND DOCUMENT(span50._from) != null))
                FOR span54 IN metalayer_edge_spans
                  FILTER span54._to == span50._from AND span54.relation == "project_models" AND span54.linked <= seq AND (span54.unlinked == null OR span54.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span54._from).collection == "project" AND FIRST(FOR st55 IN [NOT_NULL(FIRST(FOR c56 IN metalayer_changes FILTER c56.assetId == span54._from AND c56.seq <= seq AND c56.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c56.seq DESC LIMIT 1 RETURN c56), FIRST(FOR d57 IN metalayer_changes FILTER d57.assetId == span54._from AND d57.seq > seq AND d57.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d57.seq LIMIT 1 RETURN d57.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d57.kind, after: d57.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span54._from).created_at }), { operation: "CURRENT" })] RETURN st55.operation IN ["CREATE", "UPDATE"] OR (st55.operation == "CURRENT" AND DOCUMENT(span54._from) != null))
                  RETURN span54._from),
                  (FOR a58 IN (collection17 == "deployment" ? [member15] : [])
            FOR span59 IN metalayer_edge_spans
              FILTER span59._from == a58 AND span59.relation == "deployment_model" AND span59.linked <= seq AND (span59.unlinked == null OR span59.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span59._to).collection == "models" AND FIRST(FOR st60 IN [NOT_NULL(FIRST(FOR c61 IN metalayer_changes FILTER c61.assetId == span59._to AND c61.seq <= seq AND c61.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c61.seq DESC LIMIT 1 RETURN c61), FIRST(FOR d62 IN metalayer_changes FILTER d62.assetId == span59._to AND d62.seq > seq AND d62.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d62.seq LIMIT 1 RETURN d62.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d62.kind, after: d62.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span59._to).created_at }), { operation: "CURRENT" })] RETURN st60.operation IN ["CREATE", "UPDATE"] OR (st60.operation == "CURRENT" AND DOCUMENT(span59._to) != null))
              FOR span63 IN metalayer_edge_spans
                FILTER span63._to == span59._to AND span63.relation == "project_models" AND span63.linked <= seq AND (span63.unlinked == null OR span63.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span63._from).collection == "project" AND FIRST(FOR st64 IN [NOT_NULL(FIRST(FOR c65 IN metalayer_changes FILTER c65.assetId == span63._from AND c65.seq <= seq AND c65.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c65.seq DESC LIMIT 1 RETURN c65), FIRST(FOR d66 IN metalayer_changes FILTER d66.assetId == span63._from AND d66.seq > seq AND d66.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d66.seq LIMIT 1 RETURN d66.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d66.kind, after: d66.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span63._from).created_at }), { operation: "CURRENT" })] RETURN st64.operation IN ["CREATE", "UPDATE"] OR (st64.operation == "CURRENT" AND DOCUMENT(span63._from) != null))
                RETURN span63._from),
                  (FOR a67 IN (collection17 == "servingperf" ? [member15] : [])
            FOR span68 IN metalayer_edge_spans
              FILTER span68._to == a67 AND span68.relation == "deployment_servingperf" AND span68.linked <= seq AND (span68.unlinked == null OR span68.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span68._from).collection == "deployment" AND FIRST(FOR st69 IN [NOT_NULL(FIRST(FOR c70 IN metalayer_changes FILTER c70.assetId == span68._from AND c70.seq <= seq AND c70.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c70.seq DESC LIMIT 1 RETURN c70), FIRST(FOR d71 IN metalayer_changes FILTER d71.assetId == span68._from AND d71.seq > seq AND d71.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d71.seq LIMIT 1 RETURN d71.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d71.kind, after: d71.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span68._from).created_at }), { operation: "CURRENT" })] RETURN st69.operation IN ["CREATE", "UPDATE"] OR (st69.operation == "CURRENT" AND DOCUMENT(span68._from) != null))
              FOR span72 IN metalayer_edge_spans
                FILTER span72._from == span68._from AND span72.relation == "deployment_model" AND span72.linked <= seq AND (span72.unlinked == null OR span72.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span72._to).collection == "models" AND FIRST(FOR st73 IN [NOT_NULL(FIRST(FOR c74 IN metalayer_changes FILTER c74.assetId == span72._to AND c74.seq <= seq AND c74.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c74.seq DESC LIMIT 1 RETURN c74), FIRST(FOR d75 IN metalayer_changes FILTER d75.assetId == span72._to AND d75.seq > seq AND d75.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d75.seq LIMIT 1 RETURN d75.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d75.kind, after: d75.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span72._to).created_at }), { operation: "CURRENT" })] RETURN st73.operation IN ["CREATE", "UPDATE"] OR (st73.operation == "CURRENT" AND DOCUMENT(span72._to) != null))
                FOR span76 IN metalayer_edge_spans
                  FILTER span76._to == span72._to AND span76.relation == "project_models" AND span76.linked <= seq AND (span76.unlinked == null OR span76.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span76._from).collection == "project" AND FIRST(FOR st77 IN [NOT_NULL(FIRST(FOR c78 IN metalayer_changes FILTER c78.assetId == span76._from AND c78.seq <= seq AND c78.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c78.seq DESC LIMIT 1 RETURN c78), FIRST(FOR d79 IN metalayer_changes FILTER d79.assetId == span76._from AND d79.seq > seq AND d79.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d79.seq LIMIT 1 RETURN d79.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d79.kind, after: d79.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span76._from).created_at }), { operation: "CURRENT" })] RETURN st77.operation IN ["CREATE", "UPDATE"] OR (st77.operation == "CURRENT" AND DOCUMENT(span76._from) != null))
                  RETURN span76._from)
                ])))
                FILTER LENGTH(owners16) == 0 OR LENGTH(INTERSECTION(owners16, @g0_scope)) > 0
                RETURN member15)) > 0
          LET selected = (FOR member80 IN e1
                LET collection82 = PARSE_IDENTIFIER(member80.id).collection
                LET owners81 = SORTED_UNIQUE(APPEND(collection82 IN ["project"] ? [member80.id] : [], FLATTEN([
                  (FOR a83 IN (collection82 == "models" ? [member80.id] : [])
            FOR span84 IN metalayer_edge_spans
              FILTER span84._to == a83 AND span84.relation == "project_models" AND span84.linked <= seq AND (span84.unlinked == null OR span84.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span84._from).collection == "project" AND FIRST(FOR st85 IN [NOT_NULL(FIRST(FOR c86 IN metalayer_changes FILTER c86.assetId == span84._from AND c86.seq <= seq AND c86.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c86.seq DESC LIMIT 1 RETURN c86), FIRST(FOR d87 IN metalayer_changes FILTER d87.assetId == span84._from AND d87.seq > seq AND d87.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d87.seq LIMIT 1 RETURN d87.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d87.kind, after: d87.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span84._from).created_at }), { operation: "CURRENT" })] RETURN st85.operation IN ["CREATE", "UPDATE"] OR (st85.operation == "CURRENT" AND DOCUMENT(span84._from) != null))
              RETURN span84._from),
                  (FOR a88 IN (collection82 == "run" ? [member80.id] : [])
            FOR span89 IN metalayer_edge_spans
              FILTER span89._to == a88 AND span89.relation == "run_models" AND span89.linked <= seq AND (span89.unlinked == null OR span89.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span89._from).collection == "models" AND FIRST(FOR st90 IN [NOT_NULL(FIRST(FOR c91 IN metalayer_changes FILTER c91.assetId == span89._from AND c91.seq <= seq AND c91.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c91.seq DESC LIMIT 1 RETURN c91), FIRST(FOR d92 IN metalayer_changes FILTER d92.assetId == span89._from AND d92.seq > seq AND d92.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d92.seq LIMIT 1 RETURN d92.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d92.kind, after: d92.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span89._from).created_at }), { operation: "CURRENT" })] RETURN st90.operation IN ["CREATE", "UPDATE"] OR (st90.operation == "CURRENT" AND DOCUMENT(span89._from) != null))
              FOR span93 IN metalayer_edge_spans
                FILTER span93._to == span89._from AND span93.relation == "project_models" AND span93.linked <= seq AND (span93.unlinked == null OR span93.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span93._from).collection == "project" AND FIRST(FOR st94 IN [NOT_NULL(FIRST(FOR c95 IN metalayer_changes FILTER c95.assetId == span93._from AND c95.seq <= seq AND c95.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c95.seq DESC LIMIT 1 RETURN c95), FIRST(FOR d96 IN metalayer_changes FILTER d96.assetId == span93._from AND d96.seq > seq AND d96.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d96.seq LIMIT 1 RETURN d96.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d96.kind, after: d96.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span93._from).created_at }), { operation: "CURRENT" })] RETURN st94.operation IN ["CREATE", "UPDATE"] OR (st94.operation == "CURRENT" AND DOCUMENT(span93._from) != null))
                RETURN span93._from),
                  (FOR a97 IN (collection82 == "modelparams" ? [member80.id] : [])
            FOR span98 IN metalayer_edge_spans
              FILTER span98._to == a97 AND span98.relation == "run_modelparams" AND span98.linked <= seq AND (span98.unlinked == null OR span98.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span98._from).collection == "run" AND FIRST(FOR st99 IN [NOT_NULL(FIRST(FOR c100 IN metalayer_changes FILTER c100.assetId == span98._from AND c100.seq <= seq AND c100.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c100.seq DESC LIMIT 1 RETURN c100), FIRST(FOR d101 IN metalayer_changes FILTER d101.assetId == span98._from AND d101.seq > seq AND d101.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d101.seq LIMIT 1 RETURN d101.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d101.kind, after: d101.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span98._from).created_at }), { operation: "CURRENT" })] RETURN st99.operation IN ["CREATE", "UPDATE"] OR (st99.operation == "CURRENT" AND DOCUMENT(span98._from) != null))
              FOR span102 IN metalayer_edge_spans
                FILTER span102._to == span98._from AND span102.relation == "run_models" AND span102.linked <= seq AND (span102.unlinked == null OR span102.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span102._from).collection == "models" AND FIRST(FOR st103 IN [NOT_NULL(FIRST(FOR c104 IN metalayer_changes FILTER c104.assetId == span102._from AND c104.seq <= seq AND c104.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c104.seq DESC LIMIT 1 RETURN c104), FIRST(FOR d105 IN metalayer_changes FILTER d105.assetId == span102._from AND d105.seq > seq AND d105.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d105.seq LIMIT 1 RETURN d105.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d105.kind, after: d105.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span102._from).created_at }), { operation: "CURRENT" })] RETURN st103.operation IN ["CREATE", "UPDATE"] OR (st103.operation == "CURRENT" AND DOCUMENT(span102._from) != null))
                FOR span106 IN metalayer_edge_spans
                  FILTER span106._to == span102._from AND span106.relation == "project_models" AND span106.linked <= seq AND (span106.unlinked == null OR span106.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span106._from).collection == "project" AND FIRST(FOR st107 IN [NOT_NULL(FIRST(FOR c108 IN metalayer_changes FILTER c108.assetId == span106._from AND c108.seq <= seq AND c108.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c108.seq DESC LIMIT 1 RETURN c108), FIRST(FOR d109 IN metalayer_changes FILTER d109.assetId == span106._from AND d109.seq > seq AND d109.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d109.seq LIMIT 1 RETURN d109.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d109.kind, after: d109.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span106._from).created_at }), { operation: "CURRENT" })] RETURN st107.operation IN ["CREATE", "UPDATE"] OR (st107.operation == "CURRENT" AND DOCUMENT(span106._from) != null))
                  RETURN span106._from),
                  (FOR a110 IN (collection82 == "devperf" ? [member80.id] : [])
            FOR span111 IN metalayer_edge_spans
              FILTER span111._to == a110 AND span111.relation == "run_devperf" AND span111.linked <= seq AND (span111.unlinked == null OR span111.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span111._from).collection == "run" AND FIRST(FOR st112 IN [NOT_NULL(FIRST(FOR c113 IN metalayer_changes FILTER c113.assetId == span111._from AND c113.seq <= seq AND c113.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c113.seq DESC LIMIT 1 RETURN c113), FIRST(FOR d114 IN metalayer_changes FILTER d114.assetId == span111._from AND d114.seq > seq AND d114.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d114.seq LIMIT 1 RETURN d114.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d114.kind, after: d114.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span111._from).created_at }), { operation: "CURRENT" })] RETURN st112.operation IN ["CREATE", "UPDATE"] OR (st112.operation == "CURRENT" AND DOCUMENT(span111._from) != null))
              FOR span115 IN metalayer_edge_spans
                FILTER span115._to == span111._from AND span115.relation == "run_models" AND span115.linked <= seq AND (span115.unlinked == null OR span115.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span115._from).collection == "models" AND FIRST(FOR st116 IN [NOT_NULL(FIRST(FOR c117 IN metalayer_changes FILTER c117.assetId == span115._from AND c117.seq <= seq AND c117.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c117.seq DESC LIMIT 1 RETURN c117), FIRST(FOR d118 IN metalayer_changes FILTER d118.assetId == span115._from AND d118.seq > seq AND d118.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d118.seq LIMIT 1 RETURN d118.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d118.kind, after: d118.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span115._from).created_at }), { operation: "CURRENT" })] RETURN st116.operation IN ["CREATE", "UPDATE"] OR (st116.operation == "CURRENT" AND DOCUMENT(span115._from) != null))
                FOR span119 IN metalayer_edge_spans
                  FILTER span119._to == span115._from AND span119.relation == "project_models" AND span119.linked <= seq AND (span119.unlinked == null OR span119.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span119._from).collection == "project" AND FIRST(FOR st120 IN [NOT_NULL(FIRST(FOR c121 IN metalayer_changes FILTER c121.assetId == span119._from AND c121.seq <= seq AND c121.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c121.seq DESC LIMIT 1 RETURN c121), FIRST(FOR d122 IN metalayer_changes FILTER d122.assetId == span119._from AND d122.seq > seq AND d122.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d122.seq LIMIT 1 RETURN d122.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d122.kind, after: d122.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span119._from).created_at }), { operation: "CURRENT" })] RETURN st120.operation IN ["CREATE", "UPDATE"] OR (st120.operation == "CURRENT" AND DOCUMENT(span119._from) != null))
                  RETURN span119._from),
                  (FOR a123 IN (collection82 == "deployment" ? [member80.id] : [])
            FOR span124 IN metalayer_edge_spans
              FILTER span124._from == a123 AND span124.relation == "deployment_model" AND span124.linked <= seq AND (span124.unlinked == null OR span124.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span124._to).collection == "models" AND FIRST(FOR st125 IN [NOT_NULL(FIRST(FOR c126 IN metalayer_changes FILTER c126.assetId == span124._to AND c126.seq <= seq AND c126.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c126.seq DESC LIMIT 1 RETURN c126), FIRST(FOR d127 IN metalayer_changes FILTER d127.assetId == span124._to AND d127.seq > seq AND d127.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d127.seq LIMIT 1 RETURN d127.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d127.kind, after: d127.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span124._to).created_at }), { operation: "CURRENT" })] RETURN st125.operation IN ["CREATE", "UPDATE"] OR (st125.operation == "CURRENT" AND DOCUMENT(span124._to) != null))
              FOR span128 IN metalayer_edge_spans
                FILTER span128._to == span124._to AND span128.relation == "project_models" AND span128.linked <= seq AND (span128.unlinked == null OR span128.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span128._from).collection == "project" AND FIRST(FOR st129 IN [NOT_NULL(FIRST(FOR c130 IN metalayer_changes FILTER c130.assetId == span128._from AND c130.seq <= seq AND c130.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c130.seq DESC LIMIT 1 RETURN c130), FIRST(FOR d131 IN metalayer_changes FILTER d131.assetId == span128._from AND d131.seq > seq AND d131.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d131.seq LIMIT 1 RETURN d131.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d131.kind, after: d131.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span128._from).created_at }), { operation: "CURRENT" })] RETURN st129.operation IN ["CREATE", "UPDATE"] OR (st129.operation == "CURRENT" AND DOCUMENT(span128._from) != null))
                RETURN span128._from),
                  (FOR a132 IN (collection82 == "servingperf" ? [member80.id] : [])
            FOR span133 IN metalayer_edge_spans
              FILTER span133._to == a132 AND span133.relation == "deployment_servingperf" AND span133.linked <= seq AND (span133.unlinked == null OR span133.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span133._from).collection == "deployment" AND FIRST(FOR st134 IN [NOT_NULL(FIRST(FOR c135 IN metalayer_changes FILTER c135.assetId == span133._from AND c135.seq <= seq AND c135.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c135.seq DESC LIMIT 1 RETURN c135), FIRST(FOR d136 IN metalayer_changes FILTER d136.assetId == span133._from AND d136.seq > seq AND d136.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d136.seq LIMIT 1 RETURN d136.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d136.kind, after: d136.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span133._from).created_at }), { operation: "CURRENT" })] RETURN st134.operation IN ["CREATE", "UPDATE"] OR (st134.operation == "CURRENT" AND DOCUMENT(span133._from) != null))
              FOR span137 IN metalayer_edge_spans
                FILTER span137._from == span133._from AND span137.relation == "deployment_model" AND span137.linked <= seq AND (span137.unlinked == null OR span137.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span137._to).collection == "models" AND FIRST(FOR st138 IN [NOT_NULL(FIRST(FOR c139 IN metalayer_changes FILTER c139.assetId == span137._to AND c139.seq <= seq AND c139.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c139.seq DESC LIMIT 1 RETURN c139), FIRST(FOR d140 IN metalayer_changes FILTER d140.assetId == span137._to AND d140.seq > seq AND d140.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d140.seq LIMIT 1 RETURN d140.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d140.kind, after: d140.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span137._to).created_at }), { operation: "CURRENT" })] RETURN st138.operation IN ["CREATE", "UPDATE"] OR (st138.operation == "CURRENT" AND DOCUMENT(span137._to) != null))
                FOR span141 IN metalayer_edge_spans
                  FILTER span141._to == span137._to AND span141.relation == "project_models" AND span141.linked <= seq AND (span141.unlinked == null OR span141.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span141._from).collection == "project" AND FIRST(FOR st142 IN [NOT_NULL(FIRST(FOR c143 IN metalayer_changes FILTER c143.assetId == span141._from AND c143.seq <= seq AND c143.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c143.seq DESC LIMIT 1 RETURN c143), FIRST(FOR d144 IN metalayer_changes FILTER d144.assetId == span141._from AND d144.seq > seq AND d144.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d144.seq LIMIT 1 RETURN d144.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d144.kind, after: d144.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span141._from).created_at }), { operation: "CURRENT" })] RETURN st142.operation IN ["CREATE", "UPDATE"] OR (st142.operation == "CURRENT" AND DOCUMENT(span141._from) != null))
                  RETURN span141._from)
                ])))
                FILTER LENGTH(owners81) == 0 OR LENGTH(INTERSECTION(owners81, @g0_scope)) > 0
                RETURN member80)
          LET chosen = (
            FOR m IN selected
              SORT m.degree, m.id
              LIMIT @g0_limit
              RETURN m
          )
          LET kept = (
            FOR m IN chosen
              LET change = NOT_NULL(FIRST(FOR c145 IN metalayer_changes FILTER c145.assetId == m.id AND c145.seq <= seq AND c145.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c145.seq DESC LIMIT 1 RETURN c145), FIRST(FOR d146 IN metalayer_changes FILTER d146.assetId == m.id AND d146.seq > seq AND d146.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d146.seq LIMIT 1 RETURN d146.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d146.kind, after: d146.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(m.id).created_at }), { operation: "CURRENT" })
              FILTER NOT (change.after == { purged: true })
              RETURN { id: m.id, degree: m.degree, change }
          )
          LET members = APPEND([start], kept[*].id)
          LET edges = (
            FOR id IN members
              FOR s IN metalayer_edge_spans
                FILTER s._from == id AND s.relation IN @lineageRelations AND s.linked <= seq AND (s.unlinked == null OR s.unlinked > seq) AND s._to IN members
                RETURN DISTINCT { relation: s.relation, from: s._from, to: s._to }
          )
          RETURN {
            nodes: (FOR m IN kept RETURN { asset: m.change.operation == "DELETE" OR m.change.after == { purged: true } ? null : m.change.operation == "CURRENT" ? { document: DOCUMENT(m.id) } : { id: m.id, kind: m.change.kind, after: m.change.after, createdAt: NOT_NULL(m.change.created, FIRST(FOR k147 IN metalayer_changes FILTER k147.assetId == m.id AND k147.seq <= m.change.seq AND k147.operation == "CREATE" SORT k147.seq DESC LIMIT 1 RETURN k147.at)), updatedAt: m.change.at }, degree: m.degree }),
            edges,
            truncated: over1 OR beyond OR LENGTH(selected) > @g0_limit
          }
      )
      RETURN [g0]
    `;

const LIST = aql`
      /* listAssetsAsOf */
      LET seq = NOT_NULL(FIRST(
        FOR c IN metalayer_changes
          FILTER c.at > @asOf
          SORT c.at, c.seq
          LIMIT 1
          RETURN c.seq - 1
      ), DOCUMENT("metalayer_meta/changes").seq, 0)
      FOR k IN metalayer_changes
        FILTER k.operation == "CREATE" AND k.seq <= seq
        FILTER k.at > @afterCreatedAt OR (k.at == @afterCreatedAt AND k.assetId > @afterId)
        FILTER FIRST(FOR later64 IN metalayer_changes FILTER later64.assetId == k.assetId AND later64.seq > k.seq AND later64.seq <= seq AND later64.operation == "CREATE" LIMIT 1 RETURN 1) == null
        LET change = NOT_NULL(FIRST(FOR c65 IN metalayer_changes FILTER c65.assetId == k.assetId AND c65.seq <= seq AND c65.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c65.seq DESC LIMIT 1 RETURN c65), FIRST(FOR d66 IN metalayer_changes FILTER d66.assetId == k.assetId AND d66.seq > seq AND d66.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d66.seq LIMIT 1 RETURN d66.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d66.kind, after: d66.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(k.assetId).created_at }), { operation: "CURRENT" })
        FILTER change.operation IN ["CREATE", "UPDATE"] AND NOT (change.after == { purged: true })
        FILTER k.kind == @kind
        FILTER k.kind NOT IN ["PROJECT"]
        FILTER CONTAINS(LOWER(change.after.name), LOWER(@nameContains))
        FILTER change.after.tag == @tag
        FILTER k.at >= @createdAfter
        FILTER k.at < @createdBefore
        LET collection1 = PARSE_IDENTIFIER(k.assetId).collection
        LET owners = SORTED_UNIQUE(APPEND(collection1 IN ["project"] ? [k.assetId] : [], FLATTEN([
          (FOR a2 IN (collection1 == "models" ? [k.assetId] : [])
            FOR span3 IN metalayer_edge_spans
              FILTER span3._to == a2 AND span3.relation == "project_models" AND span3.linked <= seq AND (span3.unlinked == null OR span3.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span3._from).collection == "project" AND FIRST(FOR st4 IN [NOT_NULL(FIRST(FOR c5 IN metalayer_changes FILTER c5.assetId == span3._from AND c5.seq <= seq AND c5.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c5.seq DESC LIMIT 1 RETURN c5), FIRST(FOR d6 IN metalayer_changes FILTER d6.assetId == span3._from AND d6.seq > seq AND d6.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d6.seq LIMIT 1 RETURN d6.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d6.kind, after: d6.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span3._from).created_at }), { operation: "CURRENT" })] RETURN st4.operation IN ["CREATE", "UPDATE"] OR (st4.operation == "CURRENT" AND DOCUMENT(span3._from) != null))
              RETURN span3._from),
          (FOR a7 IN (collection1 == "run" ? [k.assetId] : [])
            FOR span8 IN metalayer_edge_spans
              FILTER span8._to == a7 AND span8.relation == "run_models" AND span8.linked <= seq AND (span8.unlinked == null OR span8.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span8._from).collection == "models" AND FIRST(FOR st9 IN [NOT_NULL(FIRST(FOR c10 IN metalayer_changes FILTER c10.assetId == span8._from AND c10.seq <= seq AND c10.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c10.seq DESC LIMIT 1 RETURN c10), FIRST(FOR d11 IN metalayer_changes FILTER d11.assetId == span8._from AND d11.seq > seq AND d11.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d11.seq LIMIT 1 RETURN d11.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d11.kind, after: d11.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span8._from).created_at }), { operation: "CURRENT" })] RETURN st9.operation IN ["CREATE", "UPDATE"] OR (st9.operation == "CURRENT" AND DOCUMENT(span8._from) != null))
              FOR span12 IN metalayer_edge_spans
                FILTER span12._to == span8._from AND span12.relation == "project_models" AND span12.linked <= seq AND (span12.unlinked == null OR span12.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span12._from).collection == "project" AND FIRST(FOR st13 IN [NOT_NULL(FIRST(FOR c14 IN metalayer_changes FILTER c14.assetId == span12._from AND c14.seq <= seq AND c14.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c14.seq DESC LIMIT 1 RETURN c14), FIRST(FOR d15 IN metalayer_changes FILTER d15.assetId == span12._from AND d15.seq > seq AND d15.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d15.seq LIMIT 1 RETURN d15.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d15.kind, after: d15.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span12._from).created_at }), { operation: "CURRENT" })] RETURN st13.operation IN ["CREATE", "UPDATE"] OR (st13.operation == "CURRENT" AND DOCUMENT(span12._from) != null))
                RETURN span12._from),
          (FOR a16 IN (collection1 == "modelparams" ? [k.assetId] : [])
            FOR span17 IN metalayer_edge_spans
              FILTER span17._to == a16 AND span17.relation == "run_modelparams" AND span17.linked <= seq AND (span17.unlinked == null OR span17.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span17._from).collection == "run" AND FIRST(FOR st18 IN [NOT_NULL(FIRST(FOR c19 IN metalayer_changes FILTER c19.assetId == span17._from AND c19.seq <= seq AND c19.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c19.seq DESC LIMIT 1 RETURN c19), FIRST(FOR d20 IN metalayer_changes FILTER d20.assetId == span17._from AND d20.seq > seq AND d20.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d20.seq LIMIT 1 RETURN d20.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d20.kind, after: d20.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span17._from).created_at }), { operation: "CURRENT" })] RETURN st18.operation IN ["CREATE", "UPDATE"] OR (st18.operation == "CURRENT" AND DOCUMENT(span17._from) != null))
              FOR span21 IN metalayer_edge_spans
                FILTER span21._to == span17._from AND span21.relation == "run_models" AND span21.linked <= seq AND (span21.unlinked == null OR span21.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span21._from).collection == "models" AND FIRST(FOR st22 IN [NOT_NULL(FIRST(FOR c23 IN metalayer_changes FILTER c23.assetId == span21._from AND c23.seq <= seq AND c23.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c23.seq DESC LIMIT 1 RETURN c23), FIRST(FOR d24 IN metalayer_changes FILTER d24.assetId == span21._from AND d24.seq > seq AND d24.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d24.seq LIMIT 1 RETURN d24.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d24.kind, after: d24.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span21._from).created_at }), { operation: "CURRENT" })] RETURN st22.operation IN ["CREATE", "UPDATE"] OR (st22.operation == "CURRENT" AND DOCUMENT(span21._from) != null))
                FOR span25 IN metalayer_edge_spans
                  FILTER span25._to == span21._from AND span25.relation == "project_models" AND span25.linked <= seq AND (span25.unlinked == null OR span25.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span25._from).collection == "project" AND FIRST(FOR st26 IN [NOT_NULL(FIRST(FOR c27 IN metalayer_changes FILTER c27.assetId == span25._from AND c27.seq <= seq AND c27.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c27.seq DESC LIMIT 1 RETURN c27), FIRST(FOR d28 IN metalayer_changes FILTER d28.assetId == span25._from AND d28.seq > seq AND d28.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d28.seq LIMIT 1 RETURN d28.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d28.kind, after: d28.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span25._from).created_at }), { operation: "CURRENT" })] RETURN st26.operation IN ["CREATE", "UPDATE"] OR (st26.operation == "CURRENT" AND DOCUMENT(span25._from) != null))
                  RETURN span25._from),
          (FOR a29 IN (collection1 == "devperf" ? [k.assetId] : [])
            FOR span30 IN metalayer_edge_spans
              FILTER span30._to == a29 AND span30.relation == "run_devperf" AND span30.linked <= seq AND (span30.unlinked == null OR span30.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span30._from).collection == "run" AND FIRST(FOR st31 IN [NOT_NULL(FIRST(FOR c32 IN metalayer_changes FILTER c32.assetId == span30._from AND c32.seq <= seq AND c32.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c32.seq DESC LIMIT 1 RETURN c32), FIRST(FOR d33 IN metalayer_changes FILTER d33.assetId == span30._from AND d33.seq > seq AND d33.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d33.seq LIMIT 1 RETURN d33.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d33.kind, after: d33.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span30._from).created_at }), { operation: "CURRENT" })] RETURN st31.operation IN ["CREATE", "UPDATE"] OR (st31.operation == "CURRENT" AND DOCUMENT(span30._from) != null))
              FOR span34 IN metalayer_edge_spans
                FILTER span34._to == span30._from AND span34.relation == "run_models" AND span34.linked <= seq AND (span34.unlinked == null OR span34.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span34._from).collection == "models" AND FIRST(FOR st35 IN [NOT_NULL(FIRST(FOR c36 IN metalayer_changes FILTER c36.assetId == span34._from AND c36.seq <= seq AND c36.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c36.seq DESC LIMIT 1 RETURN c36), FIRST(FOR d37 IN metalayer_changes FILTER d37.assetId == span34._from AND d37.seq > seq AND d37.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d37.seq LIMIT 1 RETURN d37.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d37.kind, after: d37.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span34._from).created_at }), { operation: "CURRENT" })] RETURN st35.operation IN ["CREATE", "UPDATE"] OR (st35.operation == "CURRENT" AND DOCUMENT(span34._from) != null))
                FOR span38 IN metalayer_edge_spans
                  FILTER span38._to == span34._from AND span38.relation == "project_models" AND span38.linked <= seq AND (span38.unlinked == null OR span38.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span38._from).collection == "project" AND FIRST(FOR st39 IN [NOT_NULL(FIRST(FOR c40 IN metalayer_changes FILTER c40.assetId == span38._from AND c40.seq <= seq AND c40.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c40.seq DESC LIMIT 1 RETURN c40), FIRST(FOR d41 IN metalayer_changes FILTER d41.assetId == span38._from AND d41.seq > seq AND d41.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d41.seq LIMIT 1 RETURN d41.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d41.kind, after: d41.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span38._from).created_at }), { operation: "CURRENT" })] RETURN st39.operation IN ["CREATE", "UPDATE"] OR (st39.operation == "CURRENT" AND DOCUMENT(span38._from) != null))
                  RETURN span38._from),
          (FOR a42 IN (collection1 == "deployment" ? [k.assetId] : [])
            FOR span43 IN metalayer_edge_spans
              FILTER span43._from == a42 AND span43.relation == "deployment_model" AND span43.linked <= seq AND (span43.unlinked == null OR span43.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span43._to).collection == "models" AND FIRST(FOR st44 IN [NOT_NULL(FIRST(FOR c45 IN metalayer_changes FILTER c45.assetId == span43._to AND c45.seq <= seq AND c45.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c45.seq DESC LIMIT 1 RETURN c45), FIRST(FOR d46 IN metalayer_changes FILTER d46.assetId == span43._to AND d46.seq > seq AND d46.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d46.seq LIMIT 1 RETURN d46.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d46.kind, after: d46.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span43._to).created_at }), { operation: "CURRENT" })] RETURN st44.operation IN ["CREATE", "UPDATE"] OR (st44.operation == "CURRENT" AND DOCUMENT(span43._to) != null))
              FOR span47 IN metalayer_edge_spans
                FILTER span47._to == span43._to AND span47.relation == "project_models" AND span47.linked <= seq AND (span47.unlinked == null OR span47.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span47._from).collection == "project" AND FIRST(FOR st48 IN [NOT_NULL(FIRST(FOR c49 IN metalayer_changes FILTER c49.assetId == span47._from AND c49.seq <= seq AND c49.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c49.seq DESC LIMIT 1 RETURN c49), FIRST(FOR d50 IN metalayer_changes FILTER d50.assetId == span47._from AND d50.seq > seq AND d50.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d50.seq LIMIT 1 RETURN d50.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d50.kind, after: d50.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span47._from).created_at }), { operation: "CURRENT" })] RETURN st48.operation IN ["CREATE", "UPDATE"] OR (st48.operation == "CURRENT" AND DOCUMENT(span47._from) != null))
                RETURN span47._from),
          (FOR a51 IN (collection1 == "servingperf" ? [k.assetId] : [])
            FOR span52 IN metalayer_edge_spans
              FILTER span52._to == a51 AND span52.relation == "deployment_servingperf" AND span52.linked <= seq AND (span52.unlinked == null OR span52.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span52._from).collection == "deployment" AND FIRST(FOR st53 IN [NOT_NULL(FIRST(FOR c54 IN metalayer_changes FILTER c54.assetId == span52._from AND c54.seq <= seq AND c54.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c54.seq DESC LIMIT 1 RETURN c54), FIRST(FOR d55 IN metalayer_changes FILTER d55.assetId == span52._from AND d55.seq > seq AND d55.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d55.seq LIMIT 1 RETURN d55.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d55.kind, after: d55.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span52._from).created_at }), { operation: "CURRENT" })] RETURN st53.operation IN ["CREATE", "UPDATE"] OR (st53.operation == "CURRENT" AND DOCUMENT(span52._from) != null))
              FOR span56 IN metalayer_edge_spans
                FILTER span56._from == span52._from AND span56.relation == "deployment_model" AND span56.linked <= seq AND (span56.unlinked == null OR span56.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span56._to).collection == "models" AND FIRST(FOR st57 IN [NOT_NULL(FIRST(FOR c58 IN metalayer_changes FILTER c58.assetId == span56._to AND c58.seq <= seq AND c58.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c58.seq DESC LIMIT 1 RETURN c58), FIRST(FOR d59 IN metalayer_changes FILTER d59.assetId == span56._to AND d59.seq > seq AND d59.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d59.seq LIMIT 1 RETURN d59.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d59.kind, after: d59.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span56._to).created_at }), { operation: "CURRENT" })] RETURN st57.operation IN ["CREATE", "UPDATE"] OR (st57.operation == "CURRENT" AND DOCUMENT(span56._to) != null))
                FOR span60 IN metalayer_edge_spans
                  FILTER span60._to == span56._to AND span60.relation == "project_models" AND span60.linked <= seq AND (span60.unlinked == null OR span60.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span60._from).collection == "project" AND FIRST(FOR st61 IN [NOT_NULL(FIRST(FOR c62 IN metalayer_changes FILTER c62.assetId == span60._from AND c62.seq <= seq AND c62.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c62.seq DESC LIMIT 1 RETURN c62), FIRST(FOR d63 IN metalayer_changes FILTER d63.assetId == span60._from AND d63.seq > seq AND d63.operation IN ["CREATE", "UPDATE", "DELETE"] SORT d63.seq LIMIT 1 RETURN d63.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: d63.kind, after: d63.before, seq: seq, at: DOCUMENT("metalayer_meta/history").start, created: DOCUMENT(span60._from).created_at }), { operation: "CURRENT" })] RETURN st61.operation IN ["CREATE", "UPDATE"] OR (st61.operation == "CURRENT" AND DOCUMENT(span60._from) != null))
                  RETURN span60._from)
        ])))
        FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, @scope)) > 0
        FILTER @project IN owners
        SORT k.at, k.assetId
        LIMIT @take
        RETURN { id: k.assetId, kind: change.kind, after: change.after, createdAt: k.at, updatedAt: change.at }
    `;
