import { createServer, type Server } from 'node:http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { startCore, type Session } from '../../src/app/session.js';
import { costModel, createErrorFormatter } from '../../src/graphql/index.js';
import { createAuthenticator } from '../../src/server/authenticate.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../../src/server/query-limits.js';
import { DEFAULT_SUBSCRIPTION_SETTINGS, serveSubscriptions, type SubscriptionServer, type SubscriptionSettings } from '../../src/server/subscriptions.js';
import { hashToken, newToken } from '../../src/server/tokens.js';
import { DEFAULT_LINEAGE_CAPS } from '../../src/domain/lineage.js';
import { CATALOGUE, memoryStore } from '../helpers/assets.js';
import { RawClient, sleep } from '../helpers/websocket.js';

/**
 * The WebSocket transport (src/server/subscriptions.ts) over a schema built
 * here, so that what it owns is tested apart from what a subscription
 * delivers: authentication in connection_init, the query limits, one
 * session per event, the slow-consumer cutoff, the origin check, shutdown.
 */

const TYPE_DEFS = /* GraphQL */ `
  type Query {
    ok: Boolean
  }
  type Subscription {
    "Ticks 1..upTo, each padded with size characters; upTo 0 waits for ever."
    ticks(upTo: Int!, size: Int = 0): Tick!
  }
  type Tick {
    n: Int!
    viewer: String!
    session: Int!
    padding: String!
    next: Tick
  }
`;

interface TickSource {
  pulled: number;
  ended: boolean;
}

/** Every tick stream started, in order, with how far it was read and whether it was ended. */
let sources: TickSource[] = [];

function ticks(upTo: number, size: number): AsyncIterableIterator<{ n: number; padding: string }> {
  const source: TickSource = { pulled: 0, ended: false };
  sources.push(source);
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const iterator: AsyncIterableIterator<{ n: number; padding: string }> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      if (source.ended || (upTo > 0 && source.pulled >= upTo)) return { value: undefined, done: true };
      if (upTo === 0) {
        await stopped;
        return { value: undefined, done: true };
      }
      source.pulled += 1;
      return { value: { n: source.pulled, padding: 'x'.repeat(size) }, done: false };
    },
    return: async () => {
      source.ended = true;
      stop();
      return { value: undefined, done: true };
    },
  };
  return iterator;
}

const sessionIds = new WeakMap<Session, number>();
let sessionsSeen = 0;
const sessionId = (session: Session) => {
  if (!sessionIds.has(session)) sessionIds.set(session, (sessionsSeen += 1));
  return sessionIds.get(session);
};

const schema = makeExecutableSchema<Session>({
  typeDefs: TYPE_DEFS,
  resolvers: {
    Subscription: {
      ticks: {
        subscribe: (_root: unknown, args: { upTo: number; size: number }) => ticks(args.upTo, args.size),
        resolve: (tick: unknown) => tick,
      },
    },
    Tick: {
      viewer: (_tick: unknown, _args: unknown, session: Session) => session.viewer.name,
      session: (_tick: unknown, _args: unknown, session: Session) => sessionId(session),
      next: () => null,
    },
  },
});

const tokens = { reader: newToken(), none: newToken() };
const TOKENS = [{ name: 'rita', sha256: hashToken(tokens.reader), role: 'reader' as const }];

interface Running {
  url: string;
  server: Server;
  subscriptions: SubscriptionServer;
  logs: Record<string, unknown>[];
}

const running: Running[] = [];
afterEach(async () => {
  for (const { subscriptions, server } of running.splice(0)) {
    await subscriptions.close();
    await new Promise((resolve) => server.close(resolve));
  }
  sources = [];
});

async function start(
  options: { tokens?: typeof TOKENS; anonymousReads?: boolean; introspection?: boolean; limits?: Partial<QueryLimits>; settings?: Partial<SubscriptionSettings> } = {},
): Promise<Running> {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const core = await startCore({ store: memoryStore(), catalogue: CATALOGUE });
  const server = createServer((_req, res) => res.writeHead(404).end());
  const subscriptions = serveSubscriptions({
    httpServer: server,
    schema,
    core,
    authenticate: createAuthenticator({ tokens: options.tokens ?? [], anonymousReads: options.anonymousReads ?? false }),
    introspection: options.introspection ?? true,
    limits: { ...DEFAULT_QUERY_LIMITS, ...options.limits },
    costModel: costModel(DEFAULT_LINEAGE_CAPS),
    formatError: createErrorFormatter((error) => logs.push({ internal: String(error) })),
    settings: { ...DEFAULT_SUBSCRIPTION_SETTINGS, ...options.settings },
    maxPayload: 64 * 1024,
    logger,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const started = { url: `ws://127.0.0.1:${port}/graphql`, server, subscriptions, logs };
  running.push(started);
  return started;
}

const TICKS = 'subscription { ticks(upTo: 3) { n viewer } }';

describe('authentication in connection_init', () => {
  test('with authentication off, every connection is the unrestricted viewer', async () => {
    const { url } = await start();
    const client = await RawClient.connect(url);
    client.subscribe('1', TICKS);
    await client.waitFor((message) => message['type'] === 'complete');
    expect(client.messages).toEqual([
      { type: 'connection_ack' },
      { id: '1', type: 'next', payload: { data: { ticks: { n: 1, viewer: 'anyone' } } } },
      { id: '1', type: 'next', payload: { data: { ticks: { n: 2, viewer: 'anyone' } } } },
      { id: '1', type: 'next', payload: { data: { ticks: { n: 3, viewer: 'anyone' } } } },
      { id: '1', type: 'complete' },
    ]);
  });

  test('a known token names the viewer; the scheme is case-insensitive as over HTTP', async () => {
    const { url } = await start({ tokens: TOKENS });
    const client = await RawClient.connect(url, { authorization: `bearer ${tokens.reader}` });
    client.subscribe('1', 'subscription { ticks(upTo: 1) { viewer } }');
    expect(await client.waitFor((message) => message['type'] === 'next')).toEqual({
      id: '1',
      type: 'next',
      payload: { data: { ticks: { viewer: 'rita' } } },
    });
  });

  test('an unknown or malformed token, or none where one is needed, closes with 4401 and the reason', async () => {
    const { url } = await start({ tokens: TOKENS });
    const cases: [Record<string, unknown> | undefined, string][] = [
      [{ authorization: `Bearer ${tokens.none}` }, 'Unauthorized: The token is not valid'],
      [{ authorization: `Basic ${tokens.reader}` }, 'Unauthorized: Expected "Authorization: Bearer <token>"'],
      [{ authorization: 42 }, 'Unauthorized: "authorization" in connection_init must be a string "Bearer <token>"'],
      [undefined, 'Unauthorized: this server needs a token: send {"authorization": "Bearer <token>"} in connection_init'],
    ];
    for (const [payload, reason] of cases) {
      const client = await RawClient.connect(url, payload);
      expect(await client.closed).toEqual({ code: 4401, reason });
      expect(client.messages).toEqual([]);
    }
  });

  test('anonymous connections read when anonymous reads are on', async () => {
    const { url } = await start({ tokens: TOKENS, anonymousReads: true });
    const client = await RawClient.connect(url);
    client.subscribe('1', 'subscription { ticks(upTo: 1) { viewer } }');
    expect((await client.waitFor((message) => message['type'] === 'next'))['payload']).toEqual({ data: { ticks: { viewer: 'anonymous' } } });
  });

  test('a subscribe before connection_init is refused with 4401', async () => {
    const { url } = await start();
    const client = await RawClient.connect(url, null);
    client.subscribe('1', TICKS);
    expect(await client.closed).toEqual({ code: 4401, reason: 'Unauthorized' });
  });
});

describe('the same limits and rules as over HTTP', () => {
  async function refusal(query: string, options: Parameters<typeof start>[0] = {}, variables?: Record<string, unknown>) {
    const { url } = await start(options);
    const client = await RawClient.connect(url);
    client.subscribe('1', query, variables);
    const message = await client.waitFor((m) => m['type'] === 'error' || m['type'] === 'next');
    expect(sources).toEqual([]);
    return message;
  }

  test('depth, aliases and cost are measured as over HTTP, and refused with their codes before anything runs', async () => {
    expect(await refusal('subscription { ticks(upTo: 1) { next { next { next { n } } } } }', { limits: { maxDepth: 3 } })).toEqual({
      id: '1',
      type: 'error',
      payload: [{ message: 'The operation nests fields 5 deep; the limit is 3', extensions: { code: 'QUERY_TOO_DEEP' } }],
    });
    const aliased = await refusal('subscription { ticks(upTo: 1) { a: n b: n } }', { limits: { maxAliases: 1 } });
    expect(aliased['payload']).toEqual([{ message: 'The operation uses 2 aliases; the limit is 1', extensions: { code: 'TOO_MANY_ALIASES' } }]);
    const costly = await refusal('subscription { ticks(upTo: 1) { n viewer session padding } }', { limits: { maxCost: 2 } });
    expect(costly['payload'][0].extensions).toEqual({ code: 'QUERY_TOO_COSTLY' });
    expect(costly['payload'][0].message).toMatch(/^The operation's estimated cost is \d+; the limit is 2\./);
  });

  test('parse, validation, operation and variable failures carry their codes', async () => {
    expect((await refusal('subscription {'))['payload'][0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    expect((await refusal('subscription { nope }'))['payload']).toEqual([
      { message: 'Cannot query field "nope" on type "Subscription".', locations: [{ line: 1, column: 16 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
    expect((await refusal('subscription A { ticks(upTo: 1) { n } } subscription B { ticks(upTo: 1) { n } }'))['payload']).toEqual([
      { message: 'Could not tell which operation to run: name it in operationName', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } },
    ]);
    expect((await refusal('subscription ($n: Int!) { ticks(upTo: $n) { n } }', {}, { n: 'three' }))['payload'][0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
    });
    expect((await refusal('{ ok }'))['payload']).toEqual([
      { message: 'Only subscriptions are served over WebSocket; send a query to /graphql over HTTP', extensions: { code: 'BAD_REQUEST' } },
    ]);
  });

  test('with introspection off, introspection is refused here too', async () => {
    const refused = await refusal('subscription { ticks(upTo: 1) { n } __schema { queryType { name } } }', { introspection: false });
    expect(refused['payload'].map((error: { extensions: unknown }) => error.extensions)).toContainEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  test('a connection holds at most maxPerConnection subscriptions at once', async () => {
    const { url } = await start({ settings: { maxPerConnection: 2 } });
    const client = await RawClient.connect(url);
    for (const id of ['1', '2', '3']) client.subscribe(id, 'subscription { ticks(upTo: 0) { n } }');
    expect(await client.waitFor((m) => m['type'] === 'error')).toEqual({
      id: '3',
      type: 'error',
      payload: [{ message: 'The connection holds 2 subscriptions; the limit is 2', extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }],
    });
    expect(sources).toHaveLength(2);
    client.send({ id: '1', type: 'complete' });
    await sleep(50);
    expect(sources.map((source) => source.ended)).toEqual([true, false]);
    client.subscribe('4', 'subscription { ticks(upTo: 0) { n } }');
    await sleep(50);
    expect(sources).toHaveLength(3);
  });
});

describe('events', () => {
  test('each event executes in a session of its own', async () => {
    const { url } = await start();
    const client = await RawClient.connect(url);
    client.subscribe('1', 'subscription { ticks(upTo: 3) { session } }');
    await client.waitFor((message) => message['type'] === 'complete');
    const ids = client.nexts('1').map((payload) => payload['data'].ticks.session);
    expect(new Set(ids).size).toBe(3);
  });
});

describe('slow consumers', () => {
  test('a consumer that stops reading is closed with 4008 before the server holds more than a message per subscription', async () => {
    const { url, logs } = await start({ settings: { sendTimeoutMs: 300, maxBufferedBytes: 1024 * 1024 } });
    const client = await RawClient.connect(url);
    await client.waitFor((message) => message['type'] === 'connection_ack');
    client.pause();
    // 100 KiB a tick, 2,000 ticks: 200 MB if the server queued them all.
    client.subscribe('1', 'subscription { ticks(upTo: 2000, size: 102400) { n padding } }');
    const deadline = Date.now() + 20_000;
    while (!logs.some((line) => line['code'] === 4008) && Date.now() < deadline) await sleep(50);
    const cut = logs.find((line) => line['code'] === 4008);
    expect(cut).toMatchObject({ msg: 'websocket closed', reason: 'consumer too slow: a message waited 300 ms to be sent' });
    const [source] = sources;
    expect(source?.ended).toBe(true);
    // The kernel's socket buffers take some ticks; the server held no queue beyond them.
    expect(source?.pulled).toBeLessThan(400);
    client.resume();
    expect(await client.closed).toEqual({ code: 4008, reason: 'consumer too slow: a message waited 300 ms to be sent' });
    const delivered = client.nexts('1').map((payload) => payload['data'].ticks.n);
    expect(delivered).toEqual(Array.from({ length: delivered.length }, (_, i) => i + 1));
  }, 30_000);

  test('a connection holding more than maxBufferedBytes unsent is cut off at once', async () => {
    const { url, logs } = await start({ settings: { sendTimeoutMs: 60_000, maxBufferedBytes: 256 * 1024, maxPerConnection: 20 } });
    const client = await RawClient.connect(url);
    await client.waitFor((message) => message['type'] === 'connection_ack');
    client.pause();
    for (let i = 1; i <= 20; i += 1) client.subscribe(String(i), 'subscription { ticks(upTo: 2000, size: 102400) { n padding } }');
    const deadline = Date.now() + 20_000;
    while (!logs.some((line) => line['code'] === 4008) && Date.now() < deadline) await sleep(50);
    const cut = logs.find((line) => line['code'] === 4008);
    expect(String(cut?.['reason'])).toMatch(/^consumer too slow: \d+ bytes wait to be sent; the limit is 262144$/);
    expect(sources.every((source) => source.ended)).toBe(true);
    // Subscriptions the client asked for after the cutoff were never started.
    expect(sources.length).toBeLessThanOrEqual(20);
    expect(sources.reduce((sum, source) => sum + source.pulled, 0)).toBeLessThan(400);
    client.resume();
    expect((await client.closed).code).toBe(4008);
  }, 30_000);
});

describe('the upgrade', () => {
  test('a browser page of another origin is refused; the same origin and non-browser clients are served', async () => {
    const { url } = await start();
    const host = new URL(url).host;
    await expect(RawClient.connect(url, undefined, { origin: 'https://evil.example' })).rejects.toThrow('Unexpected server response: 403');
    const same = await RawClient.connect(url, undefined, { origin: `http://${host}` });
    expect(await same.waitFor((message) => message['type'] === 'connection_ack')).toEqual({ type: 'connection_ack' });
    await expect(RawClient.connect(url.replace('/graphql', '/other'))).rejects.toThrow('Unexpected server response: 404');
  });

  test('closing the server closes every connection with 1001 and ends its subscriptions', async () => {
    const started = await start();
    const client = await RawClient.connect(started.url);
    client.subscribe('1', 'subscription { ticks(upTo: 0) { n } }');
    await client.waitFor((message) => message['type'] === 'connection_ack');
    await sleep(50);
    expect(sources).toEqual([{ pulled: 0, ended: false }]);
    await started.subscriptions.close();
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(sources).toEqual([{ pulled: 0, ended: true }]);
  });
});
