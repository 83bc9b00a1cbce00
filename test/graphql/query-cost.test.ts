import { CATALOGUE } from '../helpers/assets.js';
import { readdirSync, readFileSync } from 'node:fs';
import { getIntrospectionQuery, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, test } from 'vitest';
import { DEFAULT_LINEAGE_CAPS } from '../../src/domain/lineage.js';
import { costModel, measureOperation, type OperationMeasure } from '../../src/graphql/query-cost.js';
import { buildSchema } from '../../src/graphql/schema.js';
import { EXAMPLE_OPERATIONS } from '../../src/server/examples.js';
import { DEFAULT_QUERY_LIMITS } from '../../src/server/query-limits.js';

/**
 * The operation measure behind the query limits (src/graphql/query-cost.ts):
 * depth, aliases and estimated cost, on the real schema.
 */

const schema = buildSchema(CATALOGUE);
const model = costModel(DEFAULT_LINEAGE_CAPS);

/** Every operation of a document, measured with `variables`. */
function measureAll(source: string, variables: Record<string, unknown> = {}): Record<string, OperationMeasure> {
  const document = parse(source);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return Object.fromEntries(
    operations.map((operation) => [operation.name?.value ?? '(anonymous)', measureOperation(schema, document, operation, variables, model)]),
  );
}

const measure = (source: string, variables?: Record<string, unknown>) => Object.values(measureAll(source, variables))[0];

describe('the example operations', () => {
  test("the README's cost at most a quarter of the default limit", () => {
    expect(measureAll(EXAMPLE_OPERATIONS)).toEqual({
      DeployedModelProvenance: { depth: 6, aliases: 0, cost: 11_010 },
      DatasetImpact: { depth: 6, aliases: 0, cost: 9_005 },
      CompareRuns: { depth: 6, aliases: 2, cost: 5_482 },
    });
  });

  test("examples/operations (a lineage UI's) fit the default limits", () => {
    const dir = new URL('../../examples/operations/', import.meta.url);
    const source = readdirSync(dir)
      .map((file) => readFileSync(new URL(file, dir), 'utf8'))
      .join('\n');
    const measures = measureAll(source, { id: 'models/m' });
    expect(measures).toEqual({
      Asset: { depth: 2, aliases: 0, cost: 7 },
      CompareRuns: { depth: 5, aliases: 0, cost: 1_378 },
      DatasetImpact: { depth: 6, aliases: 0, cost: 14_010 },
      ModelProvenance: { depth: 5, aliases: 0, cost: 12_013 },
      SearchAssets: { depth: 4, aliases: 0, cost: 165 },
      TagAsset: { depth: 3, aliases: 0, cost: 8 },
    });
    for (const { depth, aliases, cost } of Object.values(measures)) {
      expect(depth).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxDepth);
      expect(aliases).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxAliases);
      expect(cost).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxCost);
    }
  });
});

describe('cost', () => {
  test('every field costs 1; a relation list multiplies what it selects by the fan-out of 10', () => {
    expect(measure('{ node(id: "x") { id } }')).toEqual({ depth: 2, aliases: 0, cost: 2 });
    // node + producedBy (1 + 10 × (id + datasets (1 + 10 × id)))
    expect(measure('{ node(id: "x") { ... on Model { producedBy { id datasets { id } } } } }')?.cost).toBe(1 + 1 + 10 * (1 + 1 + 10));
  });

  test('page sizes, lineage limits and id lists come from arguments and variables, with the defaults', () => {
    const page = (args: string) => measure(`query ($n: Int) { assets${args} { pageInfo { hasNextPage } edges { node { id } } } }`, { n: 7 })?.cost;
    expect(page('')).toBe(1 + 2 + 1 + 20 * 2);
    expect(page('(first: $n)')).toBe(1 + 2 + 1 + 7 * 2);
    const board = (args: string) =>
      measure(`query ($n: Int) { leaderboard(metric: "rmse", order: ASC${args}) { pageInfo { hasNextPage } edges { node { rank run { id } } } } }`, {
        n: 7,
      })?.cost;
    // leaderboard + pageInfo (2) + edges + each edge: node, rank, run, id.
    expect(board('')).toBe(1 + 2 + 1 + 20 * 4);
    expect(board(', first: $n')).toBe(1 + 2 + 1 + 7 * 4);
    const lineage = (args: string) => measure(`{ node(id: "x") { ... on Asset { upstream${args} { truncated nodes { degree } edges { kind } } } } }`)?.cost;
    expect(lineage('')).toBe(1 + 1 + 1 + (1 + 1000) + (1 + 1000));
    expect(lineage('(limit: 5)')).toBe(1 + 1 + 1 + (1 + 5) + (1 + 5));
    expect(measure('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['a', 'b', 'c'] })?.cost).toBe(1 + 3);
    expect(measure('query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [{}, {}] })?.cost).toBe(1 + 2);
  });

  test('many lineages need a limit: 50 at the default limit pass, 500 are refused, at limit 20 they pass', () => {
    const lineages = (count: number, args: string) => {
      const ids = Array.from({ length: count }, (_, i) => `models/m${i}`);
      const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Model { upstream${args} { nodes { asset { id name } } } } } }`;
      return measure(query, { ids })?.cost ?? Number.NaN;
    };
    expect(lineages(50, '')).toBe(150_101);
    expect(lineages(50, '')).toBeLessThanOrEqual(DEFAULT_QUERY_LIMITS.maxCost);
    expect(lineages(500, '')).toBe(1_501_001);
    expect(lineages(500, '')).toBeGreaterThan(DEFAULT_QUERY_LIMITS.maxCost);
    expect(lineages(500, '(limit: 20)')).toBe(31_001);
  });

  test('fragments on the types of an interface cost as the costliest type, not their sum', () => {
    const cheap = measure('{ node(id: "x") { ... on Model { framework } ... on Run { runId } } }');
    const costly = measure('{ node(id: "x") { ... on Model { framework } ... on Run { runId status startedAt endedAt } } }');
    expect([cheap?.cost, costly?.cost]).toEqual([2, 5]);
    // A fragment on the interface applies to every type.
    expect(measure('{ node(id: "x") { ... on Asset { name } ... on Run { runId } } }')?.cost).toBe(3);
  });

  test('introspection counts 1 and is not measured further', () => {
    expect(measure(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }))).toEqual({ depth: 1, aliases: 0, cost: 1 });
  });

  test('fragments spread many times are counted each time, and measured in time proportional to the text', () => {
    // F9 spreads F8 twice, ... F0 holds one aliased field: 2^9 spreads of F0 in all.
    const fragments = Array.from({ length: 10 }, (_, i) =>
      i === 0 ? 'fragment F0 on Node { a: id }' : `fragment F${i} on Node { ...F${i - 1} ... on Asset { ...F${i - 1} } }`,
    );
    const started = performance.now();
    const bomb = measure(`{ node(id: "x") { ...F9 } } ${fragments.join(' ')}`);
    expect(performance.now() - started).toBeLessThan(500);
    expect(bomb).toEqual({ depth: 2, aliases: 2 ** 9, cost: 1 + 2 ** 9 });
  });
});

describe('depth and aliases', () => {
  test('depth counts fields, not fragments; aliases count every aliased field', () => {
    expect(measure('{ a: node(id: "x") { ... on Run { b: params { c: run { id } } } } d: __typename }')).toEqual({
      depth: 4,
      aliases: 4,
      cost: 5,
    });
  });
});

describe('drift', () => {
  test('each drift field costs what a lineage of the default limit does, besides its selection', () => {
    const walk = model.defaultLineageLimit;
    expect(measure('{ node(id: "deployment/d") { ... on Deployment { drift { drifted features { name score } } } } }')).toEqual({
      depth: 4,
      aliases: 0,
      // node 1 + drift (1 + walk + drifted 1 + features (1 + 10 × 2))
      cost: 1 + 1 + walk + 1 + 1 + 10 * 2,
    });
    expect(measure('{ assets(kind: DEPLOYMENT, first: 20) { edges { node { ... on Deployment { drift { drifted } } } } } }')).toEqual({
      depth: 5,
      aliases: 0,
      cost: 1 + 1 + 20 * (1 + 1 + walk + 1),
    });
    expect(measure('{ node(id: "datasets/d") { ... on Dataset { drift(against: "datasets/e") { drifted } } } }')?.cost).toBe(1 + 1 + walk + 1);
  });
});

describe('the change log', () => {
  test('a change connection is priced by its page size, the default when not given, and histories nest', () => {
    // changes 1 + edges 1 + n × (node 1 + sequence 1)
    expect(measure('{ changes(first: 5) { edges { node { sequence } } } }')?.cost).toBe(2 + 5 * 2);
    expect(measure('{ changes { edges { node { sequence } } } }')?.cost).toBe(2 + 20 * 2);
    // assets 1 + edges 1 + 3 × (node 1 + history 1 + edges 1 + 4 × (node 1 + at 1))
    expect(measure('{ assets(first: 3) { edges { node { history(first: 4) { edges { node { at } } } } } } }')?.cost).toBe(2 + 3 * (3 + 4 * 2));
  });
});

describe('reusable steps', () => {
  test('usage costs what a lineage of the default limit does on every asset; a reuse page too, its own usage 1', () => {
    const walk = model.defaultLineageLimit;
    expect(measure('{ assets(first: 20) { edges { node { ... on Asset { usage { runs models } } } } } }')).toEqual({
      depth: 5,
      aliases: 0,
      // assets 1 + edges (1 + 20 × (node 1 + usage (1 + walk + 2)))
      cost: 1 + 1 + 20 * (1 + 1 + walk + 2),
    });
    expect(measure('{ reuse(kind: DATASET, first: 10) { edges { node { usage { models } asset { id } } } } }')).toEqual({
      depth: 5,
      aliases: 0,
      // reuse (1 + walk) + edges (1 + 10 × (node 1 + usage 2 + asset 2))
      cost: 1 + walk + 1 + 10 * (1 + 2 + 2),
    });
    // duplicates by its limit, each group's assets by the fan-out of any list.
    expect(measure('{ duplicates(kind: DATASET, limit: 5) { fingerprint assets { id } } }')?.cost).toBe(1 + 5 * (1 + 1 + 10 * 1));
    expect(measure('{ duplicates(kind: DATASET) { fingerprint } }')?.cost).toBe(1 + 20 * 1);
  });
});
