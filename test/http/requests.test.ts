import { memoryStore, CATALOGUE } from '../helpers/assets.js';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { countingStore } from '../helpers/counting-store.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * Request shapes beyond one JSON operation: automatic persisted queries
 * (Apollo Server's APQ, on its bounded in-memory cache) and HTTP batching
 * (off unless METALAYER_HTTP_BATCHING is on).
 */

let running: RunningServer;
beforeAll(async () => {
  running = await startServer();
  await seedHousingDemo(running.store, CATALOGUE);
});
afterAll(async () => {
  await running.server.stop();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

describe('automatic persisted queries', () => {
  const query = 'query ModelName($id: ID!) { node(id: $id) { ... on Model { name version } } }';
  const variables = { id: 'models/housing-gbm-tuned' };
  const answer = { data: { node: { name: 'Housing gradient boosting', version: 'tuned' } } };

  test('a hash alone is unknown, then registered with its query, then answered alone, also by GET', async () => {
    const hash = sha256(query);

    const unknown = await running.post({ variables, extensions: persisted(hash) });
    expect(unknown.body.errors).toEqual([
      { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
    ]);

    const registered = await running.post({ query, variables, extensions: persisted(hash) });
    expect(registered.status).toBe(200);
    expect(registered.body).toEqual(answer);

    const byHash = await running.post({ variables, extensions: persisted(hash) });
    expect(byHash.status).toBe(200);
    expect(byHash.body).toEqual(answer);

    // GET makes the request cacheable by a CDN; CSRF prevention still wants its preflight header.
    const params = new URLSearchParams({ variables: JSON.stringify(variables), extensions: JSON.stringify(persisted(hash)) });
    const get = await fetch(`${running.url}/graphql?${params}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual(answer);
  });

  test('a query sent with a hash that is not its own is refused', async () => {
    const { status, body } = await running.post({ query, variables, extensions: persisted(sha256('{ __typename }')) });
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }]);
  });
});

describe('HTTP batching', () => {
  const batch = [{ query: '{ node(id: "models/housing-gbm") { id } }' }, { query: '{ node(id: "run/run-002") { id } }' }];

  test('is off by default: a JSON array body is refused with 400 and says what to send', async () => {
    const { status, body } = await running.post(batch);
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          message: 'Batched requests (a JSON array of operations) are turned off on this server; send one operation per request',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  test('METALAYER_HTTP_BATCHING=true answers each operation of the array, in order, sharing the request loaders', async () => {
    const store = countingStore(memoryStore());
    const batching = await startServer({ METALAYER_HTTP_BATCHING: 'true' }, store);
    try {
      await seedHousingDemo(store, CATALOGUE);
      store.reset();
      const { status, body } = await batching.post(batch);
      expect(status).toBe(200);
      expect(body).toEqual([{ data: { node: { id: 'models/housing-gbm' } } }, { data: { node: { id: 'run/run-002' } } }]);
      // Apollo Server runs a batch's operations concurrently with one context: their reads share a store call.
      expect(store.calls).toEqual([{ operation: 'getAssets', batch: 2 }]);
    } finally {
      await batching.server.stop();
    }
  });
});
