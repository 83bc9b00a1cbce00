import { ApolloServer } from '@apollo/server';
import { buildSchema, GraphQLError, type FormattedExecutionResult, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { describe, expect, test } from 'vitest';
import { createCore } from '../../src/app/session.js';
import { ErrorCode, MetalayerError } from '../../src/domain/errors.js';
import { apolloBaseOptions, createErrorFormatter, type Context, type ExecutorName } from '../../src/graphql/index.js';
import { compiledExecutorGateway } from '../../src/graphql/executor.js';
import { CATALOGUE, memoryStore } from '../helpers/assets.js';
import { createTestApi } from '../helpers/graphql.js';
import { PIPELINE, seedPipeline } from '../helpers/pipeline.js';

/**
 * The compiled executor (src/graphql/executor.ts) on a tiny schema, beside
 * graphql-js on the same schema: what graphql-jit answers differently on
 * its own (errors without extensions, rejected list items, one error per
 * propagated null) is answered as graphql-js answers it. The fallback and
 * its reports run on the real schema.
 */
const TYPE_DEFS = /* GraphQL */ `
  type Query {
    box: Box
    items(fail: [Int!]!): [Item]
    strictItems(fail: [Int!]!): [Item!]
  }
  type Box { plain: String coded: String missing: String! fine: String }
  type Item { n: Int! }
`;

function tinySchema(): GraphQLSchema {
  const schema = buildSchema(TYPE_DEFS);
  const resolve = (typeName: string, field: string, resolver: GraphQLFieldResolver<unknown, unknown>) => {
    const type = schema.getType(typeName);
    if (!type || !('getFields' in type)) throw new Error(`no type ${typeName}`);
    const definition = type.getFields()[field];
    if (!definition || !('resolve' in definition)) throw new Error(`no field ${typeName}.${field}`);
    definition.resolve = resolver;
  };
  const items = (_: unknown, { fail }: { fail: number[] }) =>
    [0, 1, 2, 3].map((n) => (fail.includes(n) ? Promise.reject(new MetalayerError(ErrorCode.NOT_FOUND, `item ${n} refused`)) : Promise.resolve({ n })));
  resolve('Query', 'box', () => ({}));
  resolve('Query', 'items', items);
  resolve('Query', 'strictItems', items);
  resolve('Box', 'plain', () => {
    throw new Error('SQLITE_CORRUPT: database disk image is malformed');
  });
  resolve('Box', 'coded', () => {
    throw new GraphQLError('box: expected a box', { extensions: { code: 'BAD_USER_INPUT' } });
  });
  resolve('Box', 'missing', () => null);
  resolve('Box', 'fine', () => 'ok');
  return schema;
}

interface Served {
  run(query: string): Promise<FormattedExecutionResult>;
  /** The errors each execution answered, before formatting. */
  raw: GraphQLError[][];
  logged: unknown[];
}

function serve(executor: ExecutorName): Served {
  const schema = tinySchema();
  const raw: GraphQLError[][] = [];
  const logged: unknown[] = [];
  const shared = {
    formatError: createErrorFormatter((error) => logged.push(error)),
    includeStacktraceInErrorResponses: false,
    plugins: [{ requestDidStart: async () => ({ didEncounterErrors: async ({ errors }: { errors: readonly GraphQLError[] }) => void raw.push([...errors]) }) }],
  };
  const server =
    executor === 'jit' ? new ApolloServer({ ...shared, gateway: compiledExecutorGateway(schema) }) : new ApolloServer({ ...shared, schema });
  return {
    raw,
    logged,
    async run(query) {
      const response = await server.executeOperation({ query });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult;
    },
  };
}

async function bothWays(query: string) {
  const [jit, js] = [serve('jit'), serve('graphql-js')];
  return { jit: await jit.run(query), js: await js.run(query), served: { jit, js } };
}

describe('the compiled executor beside graphql-js', () => {
  test('answers field errors, masked or coded, and a non-null violation exactly as graphql-js does', async () => {
    const { jit, js, served } = await bothWays('{ box { plain coded fine } other: box { missing fine } }');
    expect(jit).toEqual(js);
    expect(jit).toEqual({
      data: { box: { plain: null, coded: null, fine: 'ok' }, other: null },
      errors: [
        { message: 'Internal server error', locations: [{ line: 1, column: 9 }], path: ['box', 'plain'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        { message: 'box: expected a box', locations: [{ line: 1, column: 15 }], path: ['box', 'coded'], extensions: { code: 'BAD_USER_INPUT' } },
        // "Cannot return null for non-nullable field Box.missing.", masked by either executor.
        { message: 'Internal server error', locations: [{ line: 1, column: 41 }], path: ['other', 'missing'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ],
    });
    // The database text reached the log, as graphql-js's error does, and not the client.
    expect(served.jit.logged.map(String)).toEqual(served.js.logged.map(String));
    expect(String(served.jit.logged[0])).toMatch(/SQLITE_CORRUPT/);
  });

  test('rebuilds every error graphql-jit answers as a GraphQLError with nodes, path, original error and extensions', async () => {
    const jit = serve('jit');
    await jit.run('{ box { plain coded missing } }');
    const errors = jit.raw.flat();
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect(error.nodes?.map((node) => node.kind)).toEqual(['Field']);
      expect(error.path?.[0]).toBe('box');
      expect(error.extensions).toBeTypeOf('object');
    }
    const byField = new Map(errors.map((error) => [String(error.path?.[1]), error]));
    expect(byField.get('plain')?.originalError?.message).toMatch(/SQLITE_CORRUPT/);
    expect(byField.get('coded')?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(byField.get('missing')?.message).toBe('Cannot return null for non-nullable field Box.missing.');
    expect(byField.get('missing')?.extensions).toEqual({});
  });

  test('places a rejected list item at its own position, as null, without growing the list', async () => {
    const { jit, js } = await bothWays('{ items(fail: [1, 3]) { n } }');
    expect(jit).toEqual(js);
    // Errors first, as graphql-js serialises them.
    expect(JSON.stringify(jit)).toBe(JSON.stringify(js));
    expect(jit.data).toEqual({ items: [{ n: 0 }, null, { n: 2 }, null] });
    expect(jit.errors).toEqual([
      { message: 'item 1 refused', locations: [{ line: 1, column: 3 }], path: ['items', 1], extensions: { code: 'NOT_FOUND' } },
      { message: 'item 3 refused', locations: [{ line: 1, column: 3 }], path: ['items', 3], extensions: { code: 'NOT_FOUND' } },
    ]);
  });

  test('reports one error when several items of a non-null list null the same list', async () => {
    const { jit, js } = await bothWays('{ strictItems(fail: [1, 2, 3]) { n } }');
    expect(jit).toEqual(js);
    expect(jit).toEqual({
      data: { strictItems: null },
      errors: [{ message: 'item 1 refused', locations: [{ line: 1, column: 3 }], path: ['strictItems', 1], extensions: { code: 'NOT_FOUND' } }],
    });
  });
});

describe('the fallback to graphql-js', () => {
  /** A JSON literal with a variable inside: graphql-jit would read the literal once, without the variable. */
  const NESTED_VARIABLE = `mutation ($owner: String) { registerProject(input: { name: "p", properties: { owner: $owner } }) { project { properties } } }`;

  function reporting(cacheSize?: number) {
    const executed: ExecutorName[] = [];
    const fallbacks: { operationName: string | null; reason: string }[] = [];
    const catalogue = CATALOGUE;
    const server = new ApolloServer<Context>(
      apolloBaseOptions(catalogue, () => undefined, {
        executor: 'jit',
        onExecuted: (_context, executor) => executed.push(executor),
        onFallback: (operationName, reason) => fallbacks.push({ operationName, reason }),
        ...(cacheSize ? { cacheSize } : {}),
      }),
    );
    const core = createCore({ store: memoryStore(), catalogue, cursorKey: 'test cursor key' });
    const run = async (query: string, variables?: Record<string, unknown>) => {
      const response = await server.executeOperation({ query, variables }, { contextValue: core.openSession() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult;
    };
    return { executed, fallbacks, run };
  }

  test('runs an operation graphql-jit cannot compile on graphql-js, reported once per document and counted per execution', async () => {
    const { executed, fallbacks, run } = reporting();
    const first = await run(NESTED_VARIABLE, { owner: 'ana' });
    const second = await run(NESTED_VARIABLE, { owner: 'bo' });
    await run('{ assets { edges { node { id } } } }');
    expect(first.data).toEqual({ registerProject: { project: { properties: { owner: 'ana' } } } });
    expect(second.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect(executed).toEqual(['graphql-js', 'graphql-js', 'jit']);
    expect(fallbacks).toEqual([{ operationName: null, reason: 'a JSON literal holds a variable, which graphql-jit would read as unset' }]);
  });

  test('keeps a bounded number of compiled operations, the least recently used dropped first', async () => {
    const { fallbacks, run } = reporting(1);
    const named = (name: string) => NESTED_VARIABLE.replace('mutation', `mutation ${name}`);
    await run(named('A'));
    await run(named('A'));
    await run(named('B'));
    await run(named('A'));
    expect(fallbacks.map((fallback) => fallback.operationName)).toEqual(['A', 'B', 'A']);
  });

  test('a variable graphql-js refuses is answered with graphql-js message, and nothing runs', async () => {
    const api = createTestApi({ executor: 'jit' });
    const js = createTestApi({ executor: 'graphql-js', store: api.store });
    await seedPipeline(api);
    const query = 'query ($at: DateTime!, $id: ID!) { node(id: $id, asOf: $at) { id } }';
    const calls = api.store.calls.length;
    const refused = await api.execute(query, { at: 'yesterday', id: PIPELINE.model });
    expect(refused).toEqual(await js.execute(query, { at: 'yesterday', id: PIPELINE.model }));
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Variable "\$at" got invalid value "yesterday"; DateTime: expected an ISO 8601 date-time/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(api.store.calls.length).toBe(calls);
    await api.close();
  });
});
