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
    expect(query.query).toContain('FOR x26 IN (go6 ? f5 : [])');
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
        LET change = FIRST(FOR c1 IN metalayer_changes FILTER c1.assetId == id AND c1.seq <= seq AND c1.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c1.seq DESC LIMIT 1 RETURN c1)
        RETURN change == null || change.operation == "DELETE" ? null : { id: id, kind: change.kind, after: change.after, createdAt: FIRST(FOR k2 IN metalayer_changes FILTER k2.assetId == id AND k2.seq <= change.seq AND k2.operation == "CREATE" SORT k2.seq DESC LIMIT 1 RETURN k2.at), updatedAt: change.at }
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
              LET change = FIRST(FOR c1 IN metalayer_changes FILTER c1.assetId == s._to AND c1.seq <= seq AND c1.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c1.seq DESC LIMIT 1 RETURN c1)
              FILTER change != null AND change.operation != "DELETE"
              RETURN change == null || change.operation == "DELETE" ? null : { id: s._to, kind: change.kind, after: change.after, createdAt: FIRST(FOR k2 IN metalayer_changes FILTER k2.assetId == s._to AND k2.seq <= change.seq AND k2.operation == "CREATE" SORT k2.seq DESC LIMIT 1 RETURN k2.at), updatedAt: change.at }
          )
      )
      LET g1 = (
        FOR id IN @g1_ids
          RETURN (
            FOR s IN metalayer_edge_spans
              FILTER s._to == id AND s.relation == @g1_relation AND s.linked <= seq AND (s.unlinked == null OR s.unlinked > seq)
              SORT s.linked
              LET change = FIRST(FOR c3 IN metalayer_changes FILTER c3.assetId == s._from AND c3.seq <= seq AND c3.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c3.seq DESC LIMIT 1 RETURN c3)
              FILTER change != null AND change.operation != "DELETE"
              RETURN change == null || change.operation == "DELETE" ? null : { id: s._from, kind: change.kind, after: change.after, createdAt: FIRST(FOR k4 IN metalayer_changes FILTER k4.assetId == s._from AND k4.seq <= change.seq AND k4.operation == "CREATE" SORT k4.seq DESC LIMIT 1 RETURN k4.at), updatedAt: change.at }
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
        LET existed = FIRST(FOR c1 IN metalayer_changes FILTER c1.assetId == id AND c1.seq <= seq AND c1.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c1.seq DESC LIMIT 1 RETURN c1.operation) IN ["CREATE", "UPDATE"]
        LET collection2 = PARSE_IDENTIFIER(id).collection
        LET owners = SORTED_UNIQUE(APPEND(collection2 IN ["project"] ? [id] : [], FLATTEN([
          (FOR a3 IN (collection2 == "models" ? [id] : [])
            FOR span4 IN metalayer_edge_spans
              FILTER span4._to == a3 AND span4.relation == "project_models" AND span4.linked <= seq AND (span4.unlinked == null OR span4.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span4._from).collection == "project" AND FIRST(FOR c5 IN metalayer_changes FILTER c5.assetId == span4._from AND c5.seq <= seq AND c5.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c5.seq DESC LIMIT 1 RETURN c5.operation) IN ["CREATE", "UPDATE"]
              RETURN span4._from),
          (FOR a6 IN (collection2 == "run" ? [id] : [])
            FOR span7 IN metalayer_edge_spans
              FILTER span7._to == a6 AND span7.relation == "run_models" AND span7.linked <= seq AND (span7.unlinked == null OR span7.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span7._from).collection == "models" AND FIRST(FOR c8 IN metalayer_changes FILTER c8.assetId == span7._from AND c8.seq <= seq AND c8.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c8.seq DESC LIMIT 1 RETURN c8.operation) IN ["CREATE", "UPDATE"]
              FOR span9 IN metalayer_edge_spans
                FILTER span9._to == span7._from AND span9.relation == "project_models" AND span9.linked <= seq AND (span9.unlinked == null OR span9.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span9._from).collection == "project" AND FIRST(FOR c10 IN metalayer_changes FILTER c10.assetId == span9._from AND c10.seq <= seq AND c10.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c10.seq DESC LIMIT 1 RETURN c10.operation) IN ["CREATE", "UPDATE"]
                RETURN span9._from),
          (FOR a11 IN (collection2 == "modelparams" ? [id] : [])
            FOR span12 IN metalayer_edge_spans
              FILTER span12._to == a11 AND span12.relation == "run_modelparams" AND span12.linked <= seq AND (span12.unlinked == null OR span12.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span12._from).collection == "run" AND FIRST(FOR c13 IN metalayer_changes FILTER c13.assetId == span12._from AND c13.seq <= seq AND c13.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c13.seq DESC LIMIT 1 RETURN c13.operation) IN ["CREATE", "UPDATE"]
              FOR span14 IN metalayer_edge_spans
                FILTER span14._to == span12._from AND span14.relation == "run_models" AND span14.linked <= seq AND (span14.unlinked == null OR span14.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span14._from).collection == "models" AND FIRST(FOR c15 IN metalayer_changes FILTER c15.assetId == span14._from AND c15.seq <= seq AND c15.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c15.seq DESC LIMIT 1 RETURN c15.operation) IN ["CREATE", "UPDATE"]
                FOR span16 IN metalayer_edge_spans
                  FILTER span16._to == span14._from AND span16.relation == "project_models" AND span16.linked <= seq AND (span16.unlinked == null OR span16.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span16._from).collection == "project" AND FIRST(FOR c17 IN metalayer_changes FILTER c17.assetId == span16._from AND c17.seq <= seq AND c17.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c17.seq DESC LIMIT 1 RETURN c17.operation) IN ["CREATE", "UPDATE"]
                  RETURN span16._from),
          (FOR a18 IN (collection2 == "devperf" ? [id] : [])
            FOR span19 IN metalayer_edge_spans
              FILTER span19._to == a18 AND span19.relation == "run_devperf" AND span19.linked <= seq AND (span19.unlinked == null OR span19.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span19._from).collection == "run" AND FIRST(FOR c20 IN metalayer_changes FILTER c20.assetId == span19._from AND c20.seq <= seq AND c20.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c20.seq DESC LIMIT 1 RETURN c20.operation) IN ["CREATE", "UPDATE"]
              FOR span21 IN metalayer_edge_spans
                FILTER span21._to == span19._from AND span21.relation == "run_models" AND span21.linked <= seq AND (span21.unlinked == null OR span21.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span21._from).collection == "models" AND FIRST(FOR c22 IN metalayer_changes FILTER c22.assetId == span21._from AND c22.seq <= seq AND c22.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c22.seq DESC LIMIT 1 RETURN c22.operation) IN ["CREATE", "UPDATE"]
                FOR span23 IN metalayer_edge_spans
                  FILTER span23._to == span21._from AND span23.relation == "project_models" AND span23.linked <= seq AND (span23.unlinked == null OR span23.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span23._from).collection == "project" AND FIRST(FOR c24 IN metalayer_changes FILTER c24.assetId == span23._from AND c24.seq <= seq AND c24.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c24.seq DESC LIMIT 1 RETURN c24.operation) IN ["CREATE", "UPDATE"]
                  RETURN span23._from),
          (FOR a25 IN (collection2 == "deployment" ? [id] : [])
            FOR span26 IN metalayer_edge_spans
              FILTER span26._from == a25 AND span26.relation == "deployment_model" AND span26.linked <= seq AND (span26.unlinked == null OR span26.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span26._to).collection == "models" AND FIRST(FOR c27 IN metalayer_changes FILTER c27.assetId == span26._to AND c27.seq <= seq AND c27.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c27.seq DESC LIMIT 1 RETURN c27.operation) IN ["CREATE", "UPDATE"]
              FOR span28 IN metalayer_edge_spans
                FILTER span28._to == span26._to AND span28.relation == "project_models" AND span28.linked <= seq AND (span28.unlinked == null OR span28.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span28._from).collection == "project" AND FIRST(FOR c29 IN metalayer_changes FILTER c29.assetId == span28._from AND c29.seq <= seq AND c29.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c29.seq DESC LIMIT 1 RETURN c29.operation) IN ["CREATE", "UPDATE"]
                RETURN span28._from),
          (FOR a30 IN (collection2 == "servingperf" ? [id] : [])
            FOR span31 IN metalayer_edge_spans
              FILTER span31._to == a30 AND span31.relation == "deployment_servingperf" AND span31.linked <= seq AND (span31.unlinked == null OR span31.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span31._from).collection == "deployment" AND FIRST(FOR c32 IN metalayer_changes FILTER c32.assetId == span31._from AND c32.seq <= seq AND c32.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c32.seq DESC LIMIT 1 RETURN c32.operation) IN ["CREATE", "UPDATE"]
              FOR span33 IN metalayer_edge_spans
                FILTER span33._from == span31._from AND span33.relation == "deployment_model" AND span33.linked <= seq AND (span33.unlinked == null OR span33.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span33._to).collection == "models" AND FIRST(FOR c34 IN metalayer_changes FILTER c34.assetId == span33._to AND c34.seq <= seq AND c34.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c34.seq DESC LIMIT 1 RETURN c34.operation) IN ["CREATE", "UPDATE"]
                FOR span35 IN metalayer_edge_spans
                  FILTER span35._to == span33._to AND span35.relation == "project_models" AND span35.linked <= seq AND (span35.unlinked == null OR span35.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span35._from).collection == "project" AND FIRST(FOR c36 IN metalayer_changes FILTER c36.assetId == span35._from AND c36.seq <= seq AND c36.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c36.seq DESC LIMIT 1 RETURN c36.operation) IN ["CREATE", "UPDATE"]
                  RETURN span35._from)
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
              FILTER FIRST(FOR c5 IN metalayer_changes FILTER c5.assetId == id4 AND c5.seq <= seq AND c5.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c5.seq DESC LIMIT 1 RETURN c5.operation) IN ["CREATE", "UPDATE"]
              RETURN id4
          )
          LET v1 = APPEND(v0, f1)
          LET crossed1 = go1 AND LENGTH(v1) - 1 > @g0_visitLimit
          LET sel1 = crossed1 ? [] : f1[* FILTER PARSE_IDENTIFIER(CURRENT).collection IN @g0_collections]
          LET e1 = APPEND(e0, sel1[* RETURN { id: CURRENT, degree: 1 }])
          LET over1 = over0 OR crossed1
          LET go2 = go1 AND LENGTH(f1) > 0 AND NOT crossed1 AND LENGTH(e1) <= @g0_limit
          LET f2 = (
            FOR id9 IN MINUS(UNIQUE(FLATTEN(FOR x6 IN (go2 ? f1 : []) RETURN APPEND(
                (FOR span7 IN metalayer_edge_spans FILTER span7._from == x6 AND span7.relation IN @g0_out AND span7.linked <= seq AND (span7.unlinked == null OR span7.unlinked > seq) RETURN span7._to),
                (FOR span8 IN metalayer_edge_spans FILTER span8._to == x6 AND span8.relation IN @g0_in AND span8.linked <= seq AND (span8.unlinked == null OR span8.unlinked > seq) RETURN span8._from)
              ))), v1)
              FILTER FIRST(FOR c10 IN metalayer_changes FILTER c10.assetId == id9 AND c10.seq <= seq AND c10.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c10.seq DESC LIMIT 1 RETURN c10.operation) IN ["CREATE", "UPDATE"]
              RETURN id9
          )
          LET beyond = LENGTH(f2) > 0
          LET selected = e1
          LET chosen = (
            FOR m IN selected
              SORT m.degree, m.id
              LIMIT @g0_limit
              RETURN m
          )
          LET members = APPEND([start], chosen[*].id)
          LET edges = (
            FOR id IN members
              FOR s IN metalayer_edge_spans
                FILTER s._from == id AND s.relation IN @lineageRelations AND s.linked <= seq AND (s.unlinked == null OR s.unlinked > seq) AND s._to IN members
                RETURN DISTINCT { relation: s.relation, from: s._from, to: s._to }
          )
          RETURN {
            nodes: (FOR m IN chosen LET change = FIRST(FOR c11 IN metalayer_changes FILTER c11.assetId == m.id AND c11.seq <= seq AND c11.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c11.seq DESC LIMIT 1 RETURN c11) RETURN { asset: change == null || change.operation == "DELETE" ? null : { id: m.id, kind: change.kind, after: change.after, createdAt: FIRST(FOR k12 IN metalayer_changes FILTER k12.assetId == m.id AND k12.seq <= change.seq AND k12.operation == "CREATE" SORT k12.seq DESC LIMIT 1 RETURN k12.at), updatedAt: change.at }, degree: m.degree }),
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
              FILTER FIRST(FOR c5 IN metalayer_changes FILTER c5.assetId == id4 AND c5.seq <= seq AND c5.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c5.seq DESC LIMIT 1 RETURN c5.operation) IN ["CREATE", "UPDATE"]
              RETURN id4
          )
          LET v1 = APPEND(v0, f1)
          LET crossed1 = go1 AND LENGTH(v1) - 1 > @g0_visitLimit
          LET sel1 = crossed1 ? [] : f1
          LET e1 = APPEND(e0, sel1[* RETURN { id: CURRENT, degree: 1 }])
          LET over1 = over0 OR crossed1
          LET go2 = go1 AND LENGTH(f1) > 0 AND NOT crossed1
          LET f2 = (
            FOR id9 IN MINUS(UNIQUE(FLATTEN(FOR x6 IN (go2 ? f1 : []) RETURN APPEND(
                (FOR span7 IN metalayer_edge_spans FILTER span7._from == x6 AND span7.relation IN @g0_out AND span7.linked <= seq AND (span7.unlinked == null OR span7.unlinked > seq) RETURN span7._to),
                (FOR span8 IN metalayer_edge_spans FILTER span8._to == x6 AND span8.relation IN @g0_in AND span8.linked <= seq AND (span8.unlinked == null OR span8.unlinked > seq) RETURN span8._from)
              ))), v1)
              FILTER FIRST(FOR c10 IN metalayer_changes FILTER c10.assetId == id9 AND c10.seq <= seq AND c10.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c10.seq DESC LIMIT 1 RETURN c10.operation) IN ["CREATE", "UPDATE"]
              RETURN id9
          )
          LET beyond = LENGTH((FOR member11 IN f2
                LET collection13 = PARSE_IDENTIFIER(member11).collection
                LET owners12 = SORTED_UNIQUE(APPEND(collection13 IN ["project"] ? [member11] : [], FLATTEN([
                  (FOR a14 IN (collection13 == "models" ? [member11] : [])
            FOR span15 IN metalayer_edge_spans
              FILTER span15._to == a14 AND span15.relation == "project_models" AND span15.linked <= seq AND (span15.unlinked == null OR span15.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span15._from).collection == "project" AND FIRST(FOR c16 IN metalayer_changes FILTER c16.assetId == span15._from AND c16.seq <= seq AND c16.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c16.seq DESC LIMIT 1 RETURN c16.operation) IN ["CREATE", "UPDATE"]
              RETURN span15._from),
                  (FOR a17 IN (collection13 == "run" ? [member11] : [])
            FOR span18 IN metalayer_edge_spans
              FILTER span18._to == a17 AND span18.relation == "run_models" AND span18.linked <= seq AND (span18.unlinked == null OR span18.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span18._from).collection == "models" AND FIRST(FOR c19 IN metalayer_changes FILTER c19.assetId == span18._from AND c19.seq <= seq AND c19.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c19.seq DESC LIMIT 1 RETURN c19.operation) IN ["CREATE", "UPDATE"]
              FOR span20 IN metalayer_edge_spans
                FILTER span20._to == span18._from AND span20.relation == "project_models" AND span20.linked <= seq AND (span20.unlinked == null OR span20.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span20._from).collection == "project" AND FIRST(FOR c21 IN metalayer_changes FILTER c21.assetId == span20._from AND c21.seq <= seq AND c21.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c21.seq DESC LIMIT 1 RETURN c21.operation) IN ["CREATE", "UPDATE"]
                RETURN span20._from),
                  (FOR a22 IN (collection13 == "modelparams" ? [member11] : [])
            FOR span23 IN metalayer_edge_spans
              FILTER span23._to == a22 AND span23.relation == "run_modelparams" AND span23.linked <= seq AND (span23.unlinked == null OR span23.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span23._from).collection == "run" AND FIRST(FOR c24 IN metalayer_changes FILTER c24.assetId == span23._from AND c24.seq <= seq AND c24.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c24.seq DESC LIMIT 1 RETURN c24.operation) IN ["CREATE", "UPDATE"]
              FOR span25 IN metalayer_edge_spans
                FILTER span25._to == span23._from AND span25.relation == "run_models" AND span25.linked <= seq AND (span25.unlinked == null OR span25.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span25._from).collection == "models" AND FIRST(FOR c26 IN metalayer_changes FILTER c26.assetId == span25._from AND c26.seq <= seq AND c26.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c26.seq DESC LIMIT 1 RETURN c26.operation) IN ["CREATE", "UPDATE"]
                FOR span27 IN metalayer_edge_spans
                  FILTER span27._to == span25._from AND span27.relation == "project_models" AND span27.linked <= seq AND (span27.unlinked == null OR span27.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span27._from).collection == "project" AND FIRST(FOR c28 IN metalayer_changes FILTER c28.assetId == span27._from AND c28.seq <= seq AND c28.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c28.seq DESC LIMIT 1 RETURN c28.operation) IN ["CREATE", "UPDATE"]
                  RETURN span27._from),
                  (FOR a29 IN (collection13 == "devperf" ? [member11] : [])
            FOR span30 IN metalayer_edge_spans
              FILTER span30._to == a29 AND span30.relation == "run_devperf" AND span30.linked <= seq AND (span30.unlinked == null OR span30.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span30._from).collection == "run" AND FIRST(FOR c31 IN metalayer_changes FILTER c31.assetId == span30._from AND c31.seq <= seq AND c31.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c31.seq DESC LIMIT 1 RETURN c31.operation) IN ["CREATE", "UPDATE"]
              FOR span32 IN metalayer_edge_spans
                FILTER span32._to == span30._from AND span32.relation == "run_models" AND span32.linked <= seq AND (span32.unlinked == null OR span32.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span32._from).collection == "models" AND FIRST(FOR c33 IN metalayer_changes FILTER c33.assetId == span32._from AND c33.seq <= seq AND c33.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c33.seq DESC LIMIT 1 RETURN c33.operation) IN ["CREATE", "UPDATE"]
                FOR span34 IN metalayer_edge_spans
                  FILTER span34._to == span32._from AND span34.relation == "project_models" AND span34.linked <= seq AND (span34.unlinked == null OR span34.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span34._from).collection == "project" AND FIRST(FOR c35 IN metalayer_changes FILTER c35.assetId == span34._from AND c35.seq <= seq AND c35.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c35.seq DESC LIMIT 1 RETURN c35.operation) IN ["CREATE", "UPDATE"]
                  RETURN span34._from),
                  (FOR a36 IN (collection13 == "deployment" ? [member11] : [])
            FOR span37 IN metalayer_edge_spans
              FILTER span37._from == a36 AND span37.relation == "deployment_model" AND span37.linked <= seq AND (span37.unlinked == null OR span37.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span37._to).collection == "models" AND FIRST(FOR c38 IN metalayer_changes FILTER c38.assetId == span37._to AND c38.seq <= seq AND c38.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c38.seq DESC LIMIT 1 RETURN c38.operation) IN ["CREATE", "UPDATE"]
              FOR span39 IN metalayer_edge_spans
                FILTER span39._to == span37._to AND span39.relation == "project_models" AND span39.linked <= seq AND (span39.unlinked == null OR span39.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span39._from).collection == "project" AND FIRST(FOR c40 IN metalayer_changes FILTER c40.assetId == span39._from AND c40.seq <= seq AND c40.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c40.seq DESC LIMIT 1 RETURN c40.operation) IN ["CREATE", "UPDATE"]
                RETURN span39._from),
                  (FOR a41 IN (collection13 == "servingperf" ? [member11] : [])
            FOR span42 IN metalayer_edge_spans
              FILTER span42._to == a41 AND span42.relation == "deployment_servingperf" AND span42.linked <= seq AND (span42.unlinked == null OR span42.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span42._from).collection == "deployment" AND FIRST(FOR c43 IN metalayer_changes FILTER c43.assetId == span42._from AND c43.seq <= seq AND c43.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c43.seq DESC LIMIT 1 RETURN c43.operation) IN ["CREATE", "UPDATE"]
              FOR span44 IN metalayer_edge_spans
                FILTER span44._from == span42._from AND span44.relation == "deployment_model" AND span44.linked <= seq AND (span44.unlinked == null OR span44.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span44._to).collection == "models" AND FIRST(FOR c45 IN metalayer_changes FILTER c45.assetId == span44._to AND c45.seq <= seq AND c45.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c45.seq DESC LIMIT 1 RETURN c45.operation) IN ["CREATE", "UPDATE"]
                FOR span46 IN metalayer_edge_spans
                  FILTER span46._to == span44._to AND span46.relation == "project_models" AND span46.linked <= seq AND (span46.unlinked == null OR span46.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span46._from).collection == "project" AND FIRST(FOR c47 IN metalayer_changes FILTER c47.assetId == span46._from AND c47.seq <= seq AND c47.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c47.seq DESC LIMIT 1 RETURN c47.operation) IN ["CREATE", "UPDATE"]
                  RETURN span46._from)
                ])))
                FILTER LENGTH(owners12) == 0 OR LENGTH(INTERSECTION(owners12, @g0_scope)) > 0
                RETURN member11)) > 0
          LET selected = (FOR member48 IN e1
                LET collection50 = PARSE_IDENTIFIER(member48.id).collection
                LET owners49 = SORTED_UNIQUE(APPEND(collection50 IN ["project"] ? [member48.id] : [], FLATTEN([
                  (FOR a51 IN (collection50 == "models" ? [member48.id] : [])
            FOR span52 IN metalayer_edge_spans
              FILTER span52._to == a51 AND span52.relation == "project_models" AND span52.linked <= seq AND (span52.unlinked == null OR span52.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span52._from).collection == "project" AND FIRST(FOR c53 IN metalayer_changes FILTER c53.assetId == span52._from AND c53.seq <= seq AND c53.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c53.seq DESC LIMIT 1 RETURN c53.operation) IN ["CREATE", "UPDATE"]
              RETURN span52._from),
                  (FOR a54 IN (collection50 == "run" ? [member48.id] : [])
            FOR span55 IN metalayer_edge_spans
              FILTER span55._to == a54 AND span55.relation == "run_models" AND span55.linked <= seq AND (span55.unlinked == null OR span55.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span55._from).collection == "models" AND FIRST(FOR c56 IN metalayer_changes FILTER c56.assetId == span55._from AND c56.seq <= seq AND c56.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c56.seq DESC LIMIT 1 RETURN c56.operation) IN ["CREATE", "UPDATE"]
              FOR span57 IN metalayer_edge_spans
                FILTER span57._to == span55._from AND span57.relation == "project_models" AND span57.linked <= seq AND (span57.unlinked == null OR span57.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span57._from).collection == "project" AND FIRST(FOR c58 IN metalayer_changes FILTER c58.assetId == span57._from AND c58.seq <= seq AND c58.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c58.seq DESC LIMIT 1 RETURN c58.operation) IN ["CREATE", "UPDATE"]
                RETURN span57._from),
                  (FOR a59 IN (collection50 == "modelparams" ? [member48.id] : [])
            FOR span60 IN metalayer_edge_spans
              FILTER span60._to == a59 AND span60.relation == "run_modelparams" AND span60.linked <= seq AND (span60.unlinked == null OR span60.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span60._from).collection == "run" AND FIRST(FOR c61 IN metalayer_changes FILTER c61.assetId == span60._from AND c61.seq <= seq AND c61.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c61.seq DESC LIMIT 1 RETURN c61.operation) IN ["CREATE", "UPDATE"]
              FOR span62 IN metalayer_edge_spans
                FILTER span62._to == span60._from AND span62.relation == "run_models" AND span62.linked <= seq AND (span62.unlinked == null OR span62.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span62._from).collection == "models" AND FIRST(FOR c63 IN metalayer_changes FILTER c63.assetId == span62._from AND c63.seq <= seq AND c63.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c63.seq DESC LIMIT 1 RETURN c63.operation) IN ["CREATE", "UPDATE"]
                FOR span64 IN metalayer_edge_spans
                  FILTER span64._to == span62._from AND span64.relation == "project_models" AND span64.linked <= seq AND (span64.unlinked == null OR span64.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span64._from).collection == "project" AND FIRST(FOR c65 IN metalayer_changes FILTER c65.assetId == span64._from AND c65.seq <= seq AND c65.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c65.seq DESC LIMIT 1 RETURN c65.operation) IN ["CREATE", "UPDATE"]
                  RETURN span64._from),
                  (FOR a66 IN (collection50 == "devperf" ? [member48.id] : [])
            FOR span67 IN metalayer_edge_spans
              FILTER span67._to == a66 AND span67.relation == "run_devperf" AND span67.linked <= seq AND (span67.unlinked == null OR span67.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span67._from).collection == "run" AND FIRST(FOR c68 IN metalayer_changes FILTER c68.assetId == span67._from AND c68.seq <= seq AND c68.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c68.seq DESC LIMIT 1 RETURN c68.operation) IN ["CREATE", "UPDATE"]
              FOR span69 IN metalayer_edge_spans
                FILTER span69._to == span67._from AND span69.relation == "run_models" AND span69.linked <= seq AND (span69.unlinked == null OR span69.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span69._from).collection == "models" AND FIRST(FOR c70 IN metalayer_changes FILTER c70.assetId == span69._from AND c70.seq <= seq AND c70.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c70.seq DESC LIMIT 1 RETURN c70.operation) IN ["CREATE", "UPDATE"]
                FOR span71 IN metalayer_edge_spans
                  FILTER span71._to == span69._from AND span71.relation == "project_models" AND span71.linked <= seq AND (span71.unlinked == null OR span71.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span71._from).collection == "project" AND FIRST(FOR c72 IN metalayer_changes FILTER c72.assetId == span71._from AND c72.seq <= seq AND c72.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c72.seq DESC LIMIT 1 RETURN c72.operation) IN ["CREATE", "UPDATE"]
                  RETURN span71._from),
                  (FOR a73 IN (collection50 == "deployment" ? [member48.id] : [])
            FOR span74 IN metalayer_edge_spans
              FILTER span74._from == a73 AND span74.relation == "deployment_model" AND span74.linked <= seq AND (span74.unlinked == null OR span74.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span74._to).collection == "models" AND FIRST(FOR c75 IN metalayer_changes FILTER c75.assetId == span74._to AND c75.seq <= seq AND c75.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c75.seq DESC LIMIT 1 RETURN c75.operation) IN ["CREATE", "UPDATE"]
              FOR span76 IN metalayer_edge_spans
                FILTER span76._to == span74._to AND span76.relation == "project_models" AND span76.linked <= seq AND (span76.unlinked == null OR span76.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span76._from).collection == "project" AND FIRST(FOR c77 IN metalayer_changes FILTER c77.assetId == span76._from AND c77.seq <= seq AND c77.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c77.seq DESC LIMIT 1 RETURN c77.operation) IN ["CREATE", "UPDATE"]
                RETURN span76._from),
                  (FOR a78 IN (collection50 == "servingperf" ? [member48.id] : [])
            FOR span79 IN metalayer_edge_spans
              FILTER span79._to == a78 AND span79.relation == "deployment_servingperf" AND span79.linked <= seq AND (span79.unlinked == null OR span79.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span79._from).collection == "deployment" AND FIRST(FOR c80 IN metalayer_changes FILTER c80.assetId == span79._from AND c80.seq <= seq AND c80.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c80.seq DESC LIMIT 1 RETURN c80.operation) IN ["CREATE", "UPDATE"]
              FOR span81 IN metalayer_edge_spans
                FILTER span81._from == span79._from AND span81.relation == "deployment_model" AND span81.linked <= seq AND (span81.unlinked == null OR span81.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span81._to).collection == "models" AND FIRST(FOR c82 IN metalayer_changes FILTER c82.assetId == span81._to AND c82.seq <= seq AND c82.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c82.seq DESC LIMIT 1 RETURN c82.operation) IN ["CREATE", "UPDATE"]
                FOR span83 IN metalayer_edge_spans
                  FILTER span83._to == span81._to AND span83.relation == "project_models" AND span83.linked <= seq AND (span83.unlinked == null OR span83.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span83._from).collection == "project" AND FIRST(FOR c84 IN metalayer_changes FILTER c84.assetId == span83._from AND c84.seq <= seq AND c84.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c84.seq DESC LIMIT 1 RETURN c84.operation) IN ["CREATE", "UPDATE"]
                  RETURN span83._from)
                ])))
                FILTER LENGTH(owners49) == 0 OR LENGTH(INTERSECTION(owners49, @g0_scope)) > 0
                RETURN member48)
          LET chosen = (
            FOR m IN selected
              SORT m.degree, m.id
              LIMIT @g0_limit
              RETURN m
          )
          LET members = APPEND([start], chosen[*].id)
          LET edges = (
            FOR id IN members
              FOR s IN metalayer_edge_spans
                FILTER s._from == id AND s.relation IN @lineageRelations AND s.linked <= seq AND (s.unlinked == null OR s.unlinked > seq) AND s._to IN members
                RETURN DISTINCT { relation: s.relation, from: s._from, to: s._to }
          )
          RETURN {
            nodes: (FOR m IN chosen LET change = FIRST(FOR c85 IN metalayer_changes FILTER c85.assetId == m.id AND c85.seq <= seq AND c85.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c85.seq DESC LIMIT 1 RETURN c85) RETURN { asset: change == null || change.operation == "DELETE" ? null : { id: m.id, kind: change.kind, after: change.after, createdAt: FIRST(FOR k86 IN metalayer_changes FILTER k86.assetId == m.id AND k86.seq <= change.seq AND k86.operation == "CREATE" SORT k86.seq DESC LIMIT 1 RETURN k86.at), updatedAt: change.at }, degree: m.degree }),
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
        FILTER FIRST(FOR later36 IN metalayer_changes FILTER later36.assetId == k.assetId AND later36.seq > k.seq AND later36.seq <= seq AND later36.operation == "CREATE" LIMIT 1 RETURN 1) == null
        LET change = FIRST(FOR c37 IN metalayer_changes FILTER c37.assetId == k.assetId AND c37.seq <= seq AND c37.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c37.seq DESC LIMIT 1 RETURN c37)
        FILTER change != null AND change.operation != "DELETE"
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
              FILTER PARSE_IDENTIFIER(span3._from).collection == "project" AND FIRST(FOR c4 IN metalayer_changes FILTER c4.assetId == span3._from AND c4.seq <= seq AND c4.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c4.seq DESC LIMIT 1 RETURN c4.operation) IN ["CREATE", "UPDATE"]
              RETURN span3._from),
          (FOR a5 IN (collection1 == "run" ? [k.assetId] : [])
            FOR span6 IN metalayer_edge_spans
              FILTER span6._to == a5 AND span6.relation == "run_models" AND span6.linked <= seq AND (span6.unlinked == null OR span6.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span6._from).collection == "models" AND FIRST(FOR c7 IN metalayer_changes FILTER c7.assetId == span6._from AND c7.seq <= seq AND c7.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c7.seq DESC LIMIT 1 RETURN c7.operation) IN ["CREATE", "UPDATE"]
              FOR span8 IN metalayer_edge_spans
                FILTER span8._to == span6._from AND span8.relation == "project_models" AND span8.linked <= seq AND (span8.unlinked == null OR span8.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span8._from).collection == "project" AND FIRST(FOR c9 IN metalayer_changes FILTER c9.assetId == span8._from AND c9.seq <= seq AND c9.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c9.seq DESC LIMIT 1 RETURN c9.operation) IN ["CREATE", "UPDATE"]
                RETURN span8._from),
          (FOR a10 IN (collection1 == "modelparams" ? [k.assetId] : [])
            FOR span11 IN metalayer_edge_spans
              FILTER span11._to == a10 AND span11.relation == "run_modelparams" AND span11.linked <= seq AND (span11.unlinked == null OR span11.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span11._from).collection == "run" AND FIRST(FOR c12 IN metalayer_changes FILTER c12.assetId == span11._from AND c12.seq <= seq AND c12.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c12.seq DESC LIMIT 1 RETURN c12.operation) IN ["CREATE", "UPDATE"]
              FOR span13 IN metalayer_edge_spans
                FILTER span13._to == span11._from AND span13.relation == "run_models" AND span13.linked <= seq AND (span13.unlinked == null OR span13.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span13._from).collection == "models" AND FIRST(FOR c14 IN metalayer_changes FILTER c14.assetId == span13._from AND c14.seq <= seq AND c14.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c14.seq DESC LIMIT 1 RETURN c14.operation) IN ["CREATE", "UPDATE"]
                FOR span15 IN metalayer_edge_spans
                  FILTER span15._to == span13._from AND span15.relation == "project_models" AND span15.linked <= seq AND (span15.unlinked == null OR span15.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span15._from).collection == "project" AND FIRST(FOR c16 IN metalayer_changes FILTER c16.assetId == span15._from AND c16.seq <= seq AND c16.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c16.seq DESC LIMIT 1 RETURN c16.operation) IN ["CREATE", "UPDATE"]
                  RETURN span15._from),
          (FOR a17 IN (collection1 == "devperf" ? [k.assetId] : [])
            FOR span18 IN metalayer_edge_spans
              FILTER span18._to == a17 AND span18.relation == "run_devperf" AND span18.linked <= seq AND (span18.unlinked == null OR span18.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span18._from).collection == "run" AND FIRST(FOR c19 IN metalayer_changes FILTER c19.assetId == span18._from AND c19.seq <= seq AND c19.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c19.seq DESC LIMIT 1 RETURN c19.operation) IN ["CREATE", "UPDATE"]
              FOR span20 IN metalayer_edge_spans
                FILTER span20._to == span18._from AND span20.relation == "run_models" AND span20.linked <= seq AND (span20.unlinked == null OR span20.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span20._from).collection == "models" AND FIRST(FOR c21 IN metalayer_changes FILTER c21.assetId == span20._from AND c21.seq <= seq AND c21.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c21.seq DESC LIMIT 1 RETURN c21.operation) IN ["CREATE", "UPDATE"]
                FOR span22 IN metalayer_edge_spans
                  FILTER span22._to == span20._from AND span22.relation == "project_models" AND span22.linked <= seq AND (span22.unlinked == null OR span22.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span22._from).collection == "project" AND FIRST(FOR c23 IN metalayer_changes FILTER c23.assetId == span22._from AND c23.seq <= seq AND c23.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c23.seq DESC LIMIT 1 RETURN c23.operation) IN ["CREATE", "UPDATE"]
                  RETURN span22._from),
          (FOR a24 IN (collection1 == "deployment" ? [k.assetId] : [])
            FOR span25 IN metalayer_edge_spans
              FILTER span25._from == a24 AND span25.relation == "deployment_model" AND span25.linked <= seq AND (span25.unlinked == null OR span25.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span25._to).collection == "models" AND FIRST(FOR c26 IN metalayer_changes FILTER c26.assetId == span25._to AND c26.seq <= seq AND c26.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c26.seq DESC LIMIT 1 RETURN c26.operation) IN ["CREATE", "UPDATE"]
              FOR span27 IN metalayer_edge_spans
                FILTER span27._to == span25._to AND span27.relation == "project_models" AND span27.linked <= seq AND (span27.unlinked == null OR span27.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span27._from).collection == "project" AND FIRST(FOR c28 IN metalayer_changes FILTER c28.assetId == span27._from AND c28.seq <= seq AND c28.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c28.seq DESC LIMIT 1 RETURN c28.operation) IN ["CREATE", "UPDATE"]
                RETURN span27._from),
          (FOR a29 IN (collection1 == "servingperf" ? [k.assetId] : [])
            FOR span30 IN metalayer_edge_spans
              FILTER span30._to == a29 AND span30.relation == "deployment_servingperf" AND span30.linked <= seq AND (span30.unlinked == null OR span30.unlinked > seq)
              FILTER PARSE_IDENTIFIER(span30._from).collection == "deployment" AND FIRST(FOR c31 IN metalayer_changes FILTER c31.assetId == span30._from AND c31.seq <= seq AND c31.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c31.seq DESC LIMIT 1 RETURN c31.operation) IN ["CREATE", "UPDATE"]
              FOR span32 IN metalayer_edge_spans
                FILTER span32._from == span30._from AND span32.relation == "deployment_model" AND span32.linked <= seq AND (span32.unlinked == null OR span32.unlinked > seq)
                FILTER PARSE_IDENTIFIER(span32._to).collection == "models" AND FIRST(FOR c33 IN metalayer_changes FILTER c33.assetId == span32._to AND c33.seq <= seq AND c33.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c33.seq DESC LIMIT 1 RETURN c33.operation) IN ["CREATE", "UPDATE"]
                FOR span34 IN metalayer_edge_spans
                  FILTER span34._to == span32._to AND span34.relation == "project_models" AND span34.linked <= seq AND (span34.unlinked == null OR span34.unlinked > seq)
                  FILTER PARSE_IDENTIFIER(span34._from).collection == "project" AND FIRST(FOR c35 IN metalayer_changes FILTER c35.assetId == span34._from AND c35.seq <= seq AND c35.operation IN ["CREATE", "UPDATE", "DELETE"] SORT c35.seq DESC LIMIT 1 RETURN c35.operation) IN ["CREATE", "UPDATE"]
                  RETURN span34._from)
        ])))
        FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, @scope)) > 0
        FILTER @project IN owners
        SORT k.at, k.assetId
        LIMIT @take
        RETURN { id: k.assetId, kind: change.kind, after: change.after, createdAt: k.at, updatedAt: change.at }
    `;
