import { memoryStore } from '../helpers/assets.js';
import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, test } from 'vitest';
import { badInput, MetalayerError, notFound, queryTooExpensive, storeUnavailable } from '../../src/domain/errors.js';
import { createErrorFormatter } from '../../src/graphql/errors.js';
import type { Store } from '../../src/store/store.js';
import { forwardingStore } from '../helpers/counting-store.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';

describe('createErrorFormatter', () => {
  const logged: unknown[] = [];
  const format = createErrorFormatter((error) => logged.push(error));
  afterEach(() => void logged.splice(0));

  const located = { locations: [{ line: 2, column: 3 }], path: ['node', 'upstream'] };

  test('a MetalayerError wrapped by graphql-js answers with its message, code and field', () => {
    const error = new GraphQLError('ignored', { originalError: badInput(['input', 'name'], 'expected a name') });
    const formatted = format({ message: 'ignored', ...located, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] } }, error);
    expect(formatted).toEqual({
      message: 'input.name: expected a name',
      ...located,
      extensions: { code: 'BAD_USER_INPUT', field: 'input.name' },
    });
    expect(logged).toEqual([]);
  });

  test('a MetalayerError deeper in the chain is still found; one without a field has none', () => {
    const inner = new GraphQLError('wrapped', { originalError: notFound('models/x') });
    const formatted = format({ message: 'outer' }, new GraphQLError('outer', { originalError: inner }));
    expect(formatted).toEqual({ message: 'No asset with id "models/x"', extensions: { code: 'NOT_FOUND' } });
  });

  test('request errors pass through with their code and nothing else', () => {
    const codes = ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'PERSISTED_QUERY_NOT_FOUND'];
    const limits = ['QUERY_TOO_DEEP', 'QUERY_TOO_COSTLY', 'TOO_MANY_ALIASES', 'TOO_MANY_OPERATIONS'];
    for (const code of [...codes, ...limits]) {
      const error = new GraphQLError('Syntax Error: Expected Name, found <EOF>.', { extensions: { code } });
      const formatted = format(
        { message: error.message, locations: [{ line: 1, column: 2 }], extensions: { code, stacktrace: ['at parse'], http: { status: 400 } } },
        error,
      );
      expect(formatted).toEqual({ message: error.message, locations: [{ line: 1, column: 2 }], extensions: { code } });
    }
    expect(logged).toEqual([]);
  });

  test("Apollo Server's uncoded request error with a 4xx status is BAD_REQUEST; without the status it is internal", () => {
    const mismatch = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
    expect(format({ message: mismatch.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, mismatch)).toEqual({
      message: 'provided sha does not match query',
      extensions: { code: 'BAD_REQUEST' },
    });
    const uncoded = new GraphQLError('something broke');
    expect(format({ message: uncoded.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, uncoded)).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toEqual([uncoded]);
  });

  test('anything else is masked and logged in full', () => {
    const secret = new Error('SQLITE_CORRUPT: database disk image is malformed at /var/lib/secret.db');
    const error = new GraphQLError(secret.message, { originalError: secret });
    const formatted = format({ message: secret.message, ...located, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at db'] } }, error);
    expect(formatted).toEqual({ message: 'Internal server error', ...located, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toEqual([secret]);
  });

  test('a request-error code on a non-GraphQL error is not trusted', () => {
    const thrown = Object.assign(new Error('db said no'), { extensions: { code: 'BAD_USER_INPUT' } });
    const formatted = format({ message: 'db said no', extensions: { code: 'BAD_USER_INPUT' } }, new GraphQLError('db said no', { originalError: thrown }));
    expect(formatted).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  test('a thrown non-error value and a failing logger are still answered', () => {
    const failing = createErrorFormatter(() => {
      throw new Error('logger down');
    });
    expect(failing({ message: 'Unexpected error value: "boom"' }, 'boom')).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    const formatted = format({ message: 'x' }, new MetalayerError('CONFLICT', 'taken'));
    expect(formatted).toEqual({ message: 'taken', extensions: { code: 'CONFLICT' } });
  });
});

describe('errors in responses', () => {
  let api: TestApi;
  afterEach(() => api.close());

  /** The SQLite store, except that reading assets by id fails with `failure`. */
  function corruptStore(failure: () => Error = () => new Error('SQLITE_CORRUPT: secret text')): Store {
    const inner = memoryStore();
    return forwardingStore(inner, {
      engine: 'corrupt',
      getAssets: async () => {
        throw failure();
      },
    });
  }

  test('a store failure is INTERNAL_SERVER_ERROR without its text, and is logged', async () => {
    api = createTestApi({ store: corruptStore() });
    const result = await api.execute(`{ node(id: "models/m") { id } }`);
    expect(result.data).toEqual({ node: null });
    expect(onlyError(result)).toEqual({
      message: 'Internal server error',
      locations: [{ line: 1, column: 3 }],
      path: ['node'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(result)).not.toContain('SQLITE');
    expect(api.logged).toHaveLength(1);
    expect(String(api.logged[0])).toContain('SQLITE_CORRUPT: secret text');
  });

  test('an unavailable store is STORE_UNAVAILABLE for the client, and its reason is logged for the operator', async () => {
    const unreachable = () => {
      const error = storeUnavailable();
      error.cause = new Error('connect ECONNREFUSED 127.0.0.1:8529');
      return error;
    };
    api = createTestApi({ store: corruptStore(unreachable) });
    const error = onlyError(await api.execute(`{ node(id: "models/m") { id } }`));
    expect(error).toMatchObject({ message: 'The store is unavailable; try again later', extensions: { code: 'STORE_UNAVAILABLE' } });
    expect(JSON.stringify(error)).not.toContain('ECONNREFUSED');
    expect(api.logged.map(String)).toEqual(['Error: connect ECONNREFUSED 127.0.0.1:8529']);
  });

  test('a query the database stopped at its limits is QUERY_TOO_EXPENSIVE for the client, and its reason is logged', async () => {
    const stopped = () => {
      const error = queryTooExpensive();
      error.cause = new Error('AQL: query would use more memory than allowed (while executing)');
      return error;
    };
    api = createTestApi({ store: corruptStore(stopped) });
    const result = await api.execute(`{ node(id: "models/m") { id } }`);
    expect(onlyError(result)).toEqual({
      message:
        'The operation needed more memory or time than the database allows one query; ask for less (a smaller depth, limit or page) and try again',
      locations: [{ line: 1, column: 3 }],
      path: ['node'],
      extensions: { code: 'QUERY_TOO_EXPENSIVE' },
    });
    expect(JSON.stringify(result)).not.toContain('AQL');
    expect(api.logged.map(String)).toEqual(['Error: AQL: query would use more memory than allowed (while executing)']);
  });

  test('a parse error keeps its message and code', async () => {
    api = createTestApi();
    const error = onlyError(await api.execute(`{ node(id: "x") { id }`));
    expect(error).toEqual({
      message: 'Syntax Error: Expected Name, found <EOF>.',
      locations: [{ line: 1, column: 23 }],
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  });

  test('a subscription sent as a request is BAD_REQUEST saying where subscriptions run, and nothing is logged', async () => {
    api = createTestApi();
    const error = onlyError(await api.execute(`subscription { changes { sequence } }`));
    expect(error).toEqual({
      message: 'Subscriptions run over WebSocket (the graphql-ws protocol) at the same path; a request over HTTP cannot carry one',
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(api.logged).toEqual([]);
  });

  test('a validation error keeps its message and code', async () => {
    api = createTestApi();
    const error = onlyError(await api.execute(`{ node(id: "x") { name } }`));
    expect(error.message).toContain('Cannot query field "name" on type "Node"');
    expect(error.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  test('a variable of the wrong type is BAD_USER_INPUT', async () => {
    api = createTestApi();
    const error = onlyError(await api.execute(`query ($first: Int) { assets(first: $first) { pageInfo { hasNextPage } } }`, { first: 'ten' }));
    expect(error.message).toBe('Variable "$first" got invalid value "ten"; Int cannot represent non-integer value: "ten"');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
