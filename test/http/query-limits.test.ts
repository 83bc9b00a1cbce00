import { memoryStore, CATALOGUE } from '../helpers/assets.js';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { EXAMPLE_OPERATIONS } from '../../src/server/examples.js';
import type { Store } from '../../src/store/store.js';
import { forwardingStore } from '../helpers/counting-store.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * The query limits over HTTP (src/server/query-limits.ts): each refusal
 * before anything runs, with its own code and status, at the defaults and
 * as configured.
 */

let running: RunningServer;
beforeAll(async () => {
  running = await startServer();
  await seedHousingDemo(running.store, CATALOGUE);
});
afterAll(async () => {
  await running.server.stop();
});

const others: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(others.splice(0).map((other) => other.server.stop()));
});
async function serve(env: Record<string, string>, store?: Store): Promise<RunningServer> {
  const other = await startServer(env, store);
  others.push(other);
  return other;
}

/** The one error of a refused request, with its status. */
async function refused(server: RunningServer, body: unknown): Promise<{ status: number; code: string; message: string }> {
  const { status, body: answer } = await server.post(body);
  expect(answer.data).toBeUndefined();
  expect(answer.errors).toHaveLength(1);
  return { status, code: answer.errors[0].extensions.code, message: answer.errors[0].message };
}

describe('depth', () => {
  /** `node` and then `levels` single-valued fields (a run's params, their run, ...), and `id`. */
  const nested = (levels: number) => {
    const fields = Array.from({ length: levels }, (_, i) => (i % 2 === 0 ? 'params' : 'run'));
    return `{ node(id: "run/run-003") { ... on Run { ${fields.map((field) => `${field} { `).join('')}id${' }'.repeat(levels)} } } }`;
  };

  test('a query nesting fields deeper than 12 is QUERY_TOO_DEEP', async () => {
    expect((await running.post({ query: nested(10) })).status).toBe(200); // node + 10 + id = 12
    expect(await refused(running, { query: nested(11) })).toEqual({
      status: 400,
      code: 'QUERY_TOO_DEEP',
      message: 'The operation nests fields 13 deep; the limit is 12',
    });
  });

  test('METALAYER_MAX_QUERY_DEPTH sets the limit', async () => {
    const shallow = await serve({ METALAYER_MAX_QUERY_DEPTH: '3' });
    expect((await refused(shallow, { query: nested(2) })).code).toBe('QUERY_TOO_DEEP');
  });

  test('the full introspection query is answered under the limits', async () => {
    const { status, body } = await running.post({ query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }) });
    expect(status).toBe(200);
    expect(body.data.__schema.queryType.name).toBe('Query');
  });
});

describe('cost', () => {
  test('the README examples are answered', async () => {
    for (const operationName of ['DeployedModelProvenance', 'DatasetImpact', 'CompareRuns']) {
      const { status, body } = await running.post({ query: EXAMPLE_OPERATIONS, operationName });
      expect([operationName, status, body.errors]).toEqual([operationName, 200, undefined]);
    }
  });

  test('a query whose estimate exceeds 1,000,000 is QUERY_TOO_COSTLY, stating the cost and the limit', async () => {
    // assets + edges + 100 × (node + upstream + nodes + a lineage limit of 10,000 × (asset + id))
    const query = '{ assets(first: 100) { edges { node { ... on Asset { upstream(limit: 10000) { nodes { asset { id } } } } } } } }';
    expect(await refused(running, { query })).toEqual({
      status: 400,
      code: 'QUERY_TOO_COSTLY',
      message:
        "The operation's estimated cost is 2000302; the limit is 1000000. Ask for fewer items: a smaller `first`, lineage `limit` or list of ids, or fewer fields priced as lineages (`usage`, `drift`)",
    });
    const smaller = await running.post({ query: query.replace('limit: 10000', 'limit: 1000') });
    expect(smaller.status).toBe(200);
  });

  test('list sizes come from the variables', async () => {
    const query = 'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Asset { upstream(limit: 5000) { nodes { asset { id } } } } } }';
    const few = await running.post({ query, variables: { ids: ['models/housing-gbm'] } });
    expect(few.body.errors).toBeUndefined();
    // nodes + 300 × (upstream + nodes + 5,000 × (asset + id))
    const many = Array.from({ length: 300 }, (_, i) => `models/m-${i}`);
    expect((await refused(running, { query, variables: { ids: many } })).message).toMatch(/^The operation's estimated cost is 3000601;/);
  });

  test('METALAYER_MAX_QUERY_COST sets the limit', async () => {
    const cheap = await serve({ METALAYER_MAX_QUERY_COST: '5' });
    // assets + edges + a default page of 20 × (node + id)
    expect((await refused(cheap, { query: '{ assets { edges { node { id } } } }' })).message).toMatch(/cost is 42; the limit is 5\./);
  });
});

describe('aliases', () => {
  const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: __typename`).join(' ')} }`;

  test('more than 30 aliases is TOO_MANY_ALIASES; fragments count each time they are spread', async () => {
    expect((await running.post({ query: aliased(30) })).status).toBe(200);
    expect(await refused(running, { query: aliased(31) })).toEqual({
      status: 400,
      code: 'TOO_MANY_ALIASES',
      message: 'The operation uses 31 aliases; the limit is 30',
    });
    const spread = `query { node(id: "models/housing-gbm") { ...F ... on Model { ...F } } } fragment F on Node { ${Array.from({ length: 16 }, (_, i) => `i${i}: id`).join(' ')} }`;
    expect((await refused(running, { query: spread })).code).toBe('TOO_MANY_ALIASES');
  });
});

describe('operations', () => {
  const document = (count: number) => Array.from({ length: count }, (_, i) => `query Q${i} { __typename }`).join('\n');

  test('a document of more than 20 operations is TOO_MANY_OPERATIONS, even with an operation name', async () => {
    expect((await running.post({ query: document(20), operationName: 'Q3' })).body).toEqual({ data: { __typename: 'Query' } });
    expect(await refused(running, { query: document(21), operationName: 'Q3' })).toEqual({
      status: 400,
      code: 'TOO_MANY_OPERATIONS',
      message: 'The document holds 21 operations; the limit is 20',
    });
  });

  test('with batching on, a batch of more than METALAYER_MAX_OPERATIONS is refused, and a batch shares one cost budget', async () => {
    const batching = await serve({ METALAYER_HTTP_BATCHING: 'true', METALAYER_MAX_OPERATIONS: '3', METALAYER_MAX_QUERY_COST: '30' });
    const op = { query: '{ assets(first: 10) { edges { cursor } } }' }; // 1 + 1 + 10 × 1 = 12
    const tooMany = await batching.post([op, op, op, op]);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].extensions.code).toBe('TOO_MANY_OPERATIONS');
    const { status, body } = await batching.post([op, op, op]);
    // The operations of a batch share one HTTP status: the refused one makes it 400.
    expect(status).toBe(400);
    expect(body.map((answer: { errors?: { extensions: { code: string } }[] }) => answer.errors?.[0]?.extensions.code ?? 'ok').sort()).toEqual([
      'QUERY_TOO_COSTLY',
      'ok',
      'ok',
    ]);
  });
});

describe('execution timeout', () => {
  /**
   * The SQLite store, answering every read 1.5 s late; writes are on time.
   * The deadline is 1 s: far enough apart that a loaded machine's scheduling
   * delays cannot move a call to the other side of it.
   */
  function slowStore(): Store {
    const inner = memoryStore();
    const late = <T>(value: Promise<T>) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 1500));
    return forwardingStore(inner, {
      getAssets: (ids) => late(inner.getAssets(ids)),
      neighbors: (requests) => late(inner.neighbors(requests)),
      owners: (ids) => late(inner.owners(ids)),
      traverse: (requests) => late(inner.traverse(requests)),
      listAssets: (query) => late(inner.listAssets(query)),
      rankRuns: (query) => late(inner.rankRuns(query)),
      usage: (requests) => late(inner.usage(requests)),
      rankUsage: (query) => late(inner.rankUsage(query)),
      duplicates: (query) => late(inner.duplicates(query)),
    });
  }

  async function slowServer(): Promise<{ server: RunningServer; store: Store }> {
    const store = slowStore();
    await seedHousingDemo(store, CATALOGUE);
    return { server: await serve({ METALAYER_EXECUTION_TIMEOUT_MS: '1000' }, store), store };
  }

  test('a query still making store calls after the deadline is answered 503 EXECUTION_TIMEOUT alone', async () => {
    const { server } = await slowServer();
    const { status, body } = await server.post({
      query: '{ node(id: "models/housing-gbm") { id ... on Model { producedBy { id datasets { id } } } } }',
    });
    expect(status).toBe(503);
    expect(body).toEqual({
      errors: [
        {
          message:
            'The operation did not finish within the time the server allows; ask for less (a smaller limit or page) and try again',
          extensions: { code: 'EXECUTION_TIMEOUT' },
        },
      ],
    });
    // One store call fits in the time: answered as usual.
    expect((await server.post({ query: '{ node(id: "models/housing-gbm") { id } }' })).status).toBe(200);
  });

  test('a mutation refused by the deadline writes nothing, and its response says which mutations were written', async () => {
    const { server, store } = await slowServer();
    const { status, body } = await server.post({
      query: `mutation {
        first: updateAsset(input: { id: "models/housing-gbm", tag: "a" }) { asset { id ... on Model { producedBy { id } } } }
        second: updateAsset(input: { id: "models/housing-linear", tag: "b" }) { asset { id } }
      }`,
    });
    expect(status).toBe(200);
    expect(body.errors).toEqual([expect.objectContaining({ path: ['second'], extensions: { code: 'EXECUTION_TIMEOUT' } })]);
    const [gbm, linear] = await store.getAssets(['models/housing-gbm', 'models/housing-linear']);
    expect([gbm?.tag, linear?.tag]).toEqual(['a', null]);
  });
});
