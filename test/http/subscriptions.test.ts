import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import type { ChangeRecord } from '../../src/domain/changes.js';
import { hashToken, newToken, type TokenEntry } from '../../src/server/tokens.js';
import { makeChangeSelection, type Store } from '../../src/store/store.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { CATALOGUE, commitOps, content, putAsset } from '../helpers/assets.js';
import { BETA_ONLY, seedTwoProjects, TWO } from '../helpers/projects.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { RawClient, sleep } from '../helpers/websocket.js';

/**
 * `Subscription.changes` over the real server and a real graphql-ws client:
 * replay then live, resuming across a reconnect while writes go on, the
 * token in connection_init, scopes, limits, the slow-consumer cutoff and
 * shutdown. Sequences are compared with what the store's log holds.
 */

const tokens = { admin: newToken(), alpha: newToken() };
const TOKENS: TokenEntry[] = [
  { name: 'ada', sha256: hashToken(tokens.admin), role: 'admin' },
  { name: 'alma', sha256: hashToken(tokens.alpha), role: 'reader', projects: [TWO.alpha] },
];
const WITH_TOKENS = { METALAYER_TOKENS: JSON.stringify(TOKENS) };
/** Other processes' writes (here: straight through the store) are found within 50 ms. */
const FAST_POLL = { METALAYER_SUBSCRIPTION_POLL_MS: '50' };

const CHANGES = /* GraphQL */ `
  subscription Follow($after: String, $filter: ChangeFilter) {
    changes(afterSequence: $after, filter: $filter) { sequence operation assetId actor }
  }
`;

const servers: RunningServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  await Promise.all(servers.splice(0).map((running) => running.server.stop()));
});

async function serve(env: Record<string, string> = {}): Promise<RunningServer> {
  const running = await startServer({ ...FAST_POLL, ...env });
  servers.push(running);
  return running;
}

function connect(running: RunningServer, token?: string): Client {
  const client = createClient({
    url: `${running.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token === undefined ? undefined : { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

type Delivered = Pick<ChangeRecord, 'sequence' | 'operation' | 'assetId' | 'actor'>;

/** Reads `count` changes from a subscription, failing after `timeoutMs`. */
async function take(iterator: AsyncIterator<{ data?: unknown; errors?: unknown }>, count: number, timeoutMs = 5000): Promise<Delivered[]> {
  const taken: Delivered[] = [];
  const deadline = Date.now() + timeoutMs;
  while (taken.length < count) {
    const remaining = deadline - Date.now();
    const next = await Promise.race([iterator.next(), sleep(Math.max(remaining, 0)).then(() => 'timeout' as const)]);
    if (next === 'timeout') throw new Error(`timed out after ${taken.length} of ${count} changes: ${JSON.stringify(taken)}`);
    if (next.done) break;
    const { data, errors } = next.value;
    if (errors) throw new Error(JSON.stringify(errors));
    taken.push((data as { changes: Delivered }).changes);
  }
  return taken;
}

/** What the log holds after `after`, as a subscription delivers it. */
async function logged(store: Store, after: string | null, scope: readonly string[] | null = null): Promise<Delivered[]> {
  const page = await store.changes({ selection: makeChangeSelection(), afterSequence: after, first: 1000, scope });
  return page.changes.map(({ sequence, operation, assetId, actor }) => ({ sequence, operation, assetId, actor }));
}

const register = (running: RunningServer, key: string, headers: Record<string, string> = {}) =>
  running.post({ query: `mutation { registerDataset(input: { key: "${key}", name: "${key}" }) { dataset { id } } }` }, headers);

/** The error a subscription ends with: the protocol's errors, or the socket's close event. */
async function failure(iterator: AsyncIterator<unknown>): Promise<unknown> {
  try {
    await iterator.next();
  } catch (error) {
    return error;
  }
  throw new Error('expected the subscription to fail');
}

describe('replay, then live', () => {
  test('replays the log after afterSequence, then delivers each commit as it happens, in sequence order', async () => {
    const running = await serve();
    for (const key of ['d1', 'd2', 'd3']) expect((await register(running, key)).status).toBe(200);
    const [first] = await logged(running.store, null);
    const changes = connect(running).iterate({ query: CHANGES, variables: { after: first?.sequence } });
    const replayed = await take(changes, 2);
    expect(replayed).toEqual((await logged(running.store, null)).slice(1));
    expect(replayed.map((change) => change.assetId)).toEqual(['datasets/d2', 'datasets/d3']);

    await register(running, 'd4');
    await register(running, 'd5');
    const live = await take(changes, 2);
    expect([...replayed, ...live]).toEqual(await logged(running.store, first?.sequence ?? null));
    expect(live.map((change) => [change.operation, change.assetId, change.actor])).toEqual([
      ['CREATE', 'datasets/d4', 'anyone'],
      ['CREATE', 'datasets/d5', 'anyone'],
    ]);
  });

  test('without afterSequence, starts after the newest change, and takes a filter', async () => {
    const running = await serve();
    await register(running, 'old');
    const changes = connect(running).iterate({ query: CHANGES, variables: { filter: { operations: ['UPDATE'] } } });
    // The subscription starts once the server has read the newest sequence: give it the time to.
    await sleep(300);
    await register(running, 'new');
    await running.post({ query: 'mutation { updateAsset(input: { id: "datasets/old", tag: "t" }) { asset { id } } }' });
    const [update] = await take(changes, 1);
    expect(update).toMatchObject({ operation: 'UPDATE', assetId: 'datasets/old' });
    expect(update?.sequence).toBe((await logged(running.store, null)).at(-1)?.sequence);
  });

  test('a client resuming with the last sequence it saw misses and repeats nothing while writes go on', async () => {
    const running = await serve();
    await register(running, 'seed');
    const start = await running.store.lastChangeSequence();
    const writes = 40;
    const writer = (async () => {
      for (let i = 0; i < writes; i += 1) {
        await register(running, `w${i}`);
        await sleep(5);
      }
    })();

    const firstClient = connect(running);
    const before = await take(firstClient.iterate({ query: CHANGES, variables: { after: start } }), 12);
    await firstClient.dispose();
    const resumed = connect(running).iterate({ query: CHANGES, variables: { after: before.at(-1)?.sequence } });
    const after = await take(resumed, writes - before.length, 15_000);
    await writer;

    const expected = await logged(running.store, start);
    expect(expected).toHaveLength(writes);
    expect([...before, ...after]).toEqual(expected);
  }, 30_000);
});

describe('another server on the same database', () => {
  test('its commits reach this server\'s subscribers through the poll, in sequence order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-live-'));
    try {
      const path = join(dir, 'metalayer.db');
      const here = await startServer(FAST_POLL, openSqliteStore({ path, catalogue: CATALOGUE }));
      servers.push(here);
      const there = await startServer({}, openSqliteStore({ path, catalogue: CATALOGUE }));
      servers.push(there);
      await register(there, 'first');
      const start = await here.store.lastChangeSequence();
      const changes = connect(here).iterate({ query: CHANGES, variables: { after: start } });
      for (const key of ['a', 'b', 'c']) await register(there, key);
      await register(here, 'd');
      const delivered = await take(changes, 4);
      expect(delivered.map((change) => change.assetId)).toEqual(['datasets/a', 'datasets/b', 'datasets/c', 'datasets/d']);
      expect(delivered).toEqual(await logged(there.store, start));
    } finally {
      await Promise.all(servers.splice(0).map((running) => running.server.stop()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('authentication, scopes and limits, as over HTTP', () => {
  test('an unknown token closes the connection with 4401 and the reason', async () => {
    const running = await serve(WITH_TOKENS);
    const closed = await failure(connect(running, newToken()).iterate({ query: CHANGES }));
    expect(closed).toMatchObject({ code: 4401, reason: 'Unauthorized: The token is not valid' });
    const none = await failure(connect(running).iterate({ query: CHANGES }));
    expect(none).toMatchObject({ code: 4401 });
  });

  test('a token scoped to a project receives only the changes of assets it may see, exactly as the scoped log', async () => {
    const running = await serve(WITH_TOKENS);
    await seedTwoProjects(running.store);
    const start = await running.store.lastChangeSequence();
    const scoped = connect(running, tokens.alpha).iterate({ query: CHANGES, variables: { after: start } });
    const all = connect(running, tokens.admin).iterate({ query: CHANGES, variables: { after: start } });
    const tag = (id: string, value: string) => ({ type: 'updateAsset' as const, id, patch: { tag: value }, field: ['id'] });
    await commitOps(running.store, [tag(TWO.betaModel, 'b1')]);
    await commitOps(running.store, [tag(TWO.alphaModel, 'a1'), tag(TWO.betaRun, 'b2')]);
    await commitOps(running.store, [tag(TWO.sharedV2, 's1')]);

    const everything = await take(all, 4);
    expect(everything.map((change) => change.assetId)).toEqual([TWO.betaModel, TWO.alphaModel, TWO.betaRun, TWO.sharedV2]);
    const seen = await take(scoped, 2);
    expect(seen).toEqual(await logged(running.store, start, [TWO.alpha]));
    expect(seen.map((change) => change.assetId)).toEqual([TWO.alphaModel, TWO.sharedV2]);
    expect(seen.some((change) => BETA_ONLY.includes(change.assetId))).toBe(false);
  });

  test('the query limits refuse a subscription before it starts, with their codes', async () => {
    const running = await serve({ METALAYER_MAX_QUERY_DEPTH: '2' });
    const refused = await failure(connect(running).iterate({ query: 'subscription { changes { asset { id } } }' }));
    expect(refused).toEqual([{ message: 'The operation nests fields 3 deep; the limit is 2', extensions: { code: 'QUERY_TOO_DEEP' } }]);
  });

  test('a malformed afterSequence is BAD_USER_INPUT', async () => {
    const running = await serve();
    const changes = connect(running).iterate({ query: CHANGES, variables: { after: 'yesterday' } });
    const next = await changes.next();
    expect(next.value).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});

describe('slow consumers and shutdown', () => {
  test('a subscriber that stops reading is closed with 4008 and the reason, and what it got is in sequence order', async () => {
    const running = await serve({ METALAYER_SUBSCRIPTION_SEND_TIMEOUT_MS: '300' });
    await commitOps(running.store, [putAsset(content('DATASET', 'seed'))]);
    const start = await running.store.lastChangeSequence();
    const client = await RawClient.connect(`${running.url.replace('http', 'ws')}/graphql`);
    client.pause();
    client.subscribe('1', 'subscription ($after: String) { changes(afterSequence: $after) { sequence after } }', { after: start });
    // 150 changes of about 100 KB each: 15 MB, more than the sockets' buffers hold.
    const padding = 'x'.repeat(100_000);
    for (let batch = 0; batch < 3; batch += 1) {
      const ops = Array.from({ length: 50 }, (_, i) => putAsset(content('DATASET', `big-${batch}-${i}`, { properties: { padding } })));
      await commitOps(running.store, ops);
    }
    const deadline = Date.now() + 20_000;
    while (!running.logs.some((line) => line['code'] === 4008) && Date.now() < deadline) await sleep(50);
    client.resume();
    expect(await client.closed).toEqual({ code: 4008, reason: 'consumer too slow: a message waited 300 ms to be sent' });
    const received = client.nexts('1').map((payload) => payload['data'].changes.sequence as string);
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(150);
    const expected = (await logged(running.store, start)).map((change) => change.sequence);
    expect(received).toEqual(expected.slice(0, received.length));
  }, 30_000);

  test('health is unaffected by subscribers, and stopping the server closes them with 1001', async () => {
    const running = await startServer(FAST_POLL);
    const client = await RawClient.connect(`${running.url.replace('http', 'ws')}/graphql`);
    client.subscribe('1', CHANGES);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    await running.server.stop();
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
