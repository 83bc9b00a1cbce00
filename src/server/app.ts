import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { DEFAULT_CHANGE_FEED_SETTINGS } from '../app/live-changes.js';
import type { Core, CoreSettings } from '../app/session.js';
import {
  apolloBaseOptions,
  costModel,
  NoSubgraphSdlRule,
  ResponseErrorCode,
  servedSchema,
  type ApolloBaseOptions,
  type Context,
  type ExecutorName,
} from '../graphql/index.js';
import { anonymousGatePlugin, createAuthenticator } from './authenticate.js';
import { createPersistedQueries, type PersistedQueries } from './persisted-queries.js';
import type { Config } from './config.js';
import { healthHandler, type WorkerIdentity } from './health.js';
import type { Logger } from './logger.js';
import { OPENLINEAGE_PATH, openLineageRoutes } from './openlineage/route.js';
import { limitBatches, queryLimitsPlugin } from './query-limits.js';
import { serveSubscriptions } from './subscriptions.js';
import { builtUiDirectory, explorerRoutes, graphiqlPage } from './ui.js';

export interface MetalayerServer {
  httpServer: Server;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** Closes subscriptions (1001), stops taking requests, lets those in flight finish, and closes the store. */
  stop(): Promise<void>;
}

/** What the core of a server takes from its configuration; live changes report failed polls to `logger`. */
export function coreSettings(
  config: Config,
  logger?: Logger,
): Pick<CoreSettings, 'lineageCaps' | 'executionTimeoutMs' | 'maxResultAssets' | 'changeFeed'> {
  return {
    changeFeed: {
      ...DEFAULT_CHANGE_FEED_SETTINGS,
      pollMs: config.subscriptions.pollMs,
      ...(logger ? { onPollError: (error: unknown) => logger.warn({ err: error }, 'live changes: reading the newest change failed; the next poll retries') } : {}),
    },
    lineageCaps: config.lineageCaps,
    executionTimeoutMs: config.queryLimits.executionTimeoutMs,
    maxResultAssets: config.queryLimits.maxResultAssets,
  };
}

/**
 * The HTTP server: Apollo Server 5 on Express 5 at /graphql, subscriptions
 * over WebSocket on the same path (subscriptions.ts), OpenLineage
 * ingestion at /api/v1/lineage, and /healthz, with, when the explorer is
 * on, GraphiQL for browsers at /graphql and the lineage explorer at /
 * (ui.ts), over the application core: each request opens a session of it
 * as the viewer its token names. A worker of a cluster passes its identity,
 * which /healthz reports.
 */
export async function createMetalayerServer(
  config: Config,
  core: Core,
  logger: Logger,
  options: { worker?: WorkerIdentity } = {},
): Promise<MetalayerServer> {
  const { store } = core;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const persisted = createPersistedQueries();
  const executors = executorsOfRequests();
  const base = apolloBaseOptions(core.catalogue, (error) => logger.error({ err: error }, 'internal error in a GraphQL operation'), {
    relayNode: config.relayNode,
    executor: config.executor,
    onExecuted: executors.record,
    onFallback: (operationName, reason) =>
      logger.warn({ executorFallback: true, operationName, reason }, 'graphql-jit cannot compile this operation; it runs on graphql-js'),
  });
  const apollo = createApollo(config, base, httpServer, persisted);
  await apollo.start();
  warnWhenAuthenticationIsOff(config, logger);
  const authenticate = createAuthenticator(config.auth);
  const subscriptions = serveSubscriptions({
    httpServer,
    schema: servedSchema(base),
    core,
    authenticate,
    introspection: config.introspection,
    limits: config.queryLimits,
    costModel: costModel(config.lineageCaps),
    formatError: base.formatError,
    settings: config.subscriptions,
    maxPayload: config.bodyLimit,
    logger,
  });

  app.use(requestLogging(logger, executors));
  app.get('/healthz', healthHandler(store, options.worker ?? null));
  // The browser side (ui.ts): GraphiQL for a browser's GET /graphql, the explorer at /.
  const uiDirectory = config.explorer ? builtUiDirectory() : null;
  if (config.explorer) app.get('/graphql', graphiqlPage(uiDirectory));
  app.use(
    '/graphql',
    noStore,
    express.json({ limit: config.bodyLimit }),
    config.httpBatching ? limitBatches(config.queryLimits.maxOperations) : refuseBatches,
    persisted.scope,
    expressMiddleware(apollo, {
      // The one place a request gets its viewer: an unknown token stops it here, with 401.
      context: async ({ req, res }) => {
        const viewer = authenticate(req.get('authorization'));
        res.locals['viewer'] = viewer.name;
        persisted.identify(viewer);
        return executors.open(core.openSession(viewer), res.locals);
      },
    }),
  );
  app.post(
    OPENLINEAGE_PATH,
    noStore,
    ...openLineageRoutes({ core, authenticate, namespaces: config.openLineageNamespaces, bodyLimit: config.bodyLimit, logger }),
  );
  if (config.explorer) app.use(explorerRoutes(uiDirectory));
  app.use(jsonErrors(logger, config.bodyLimit));

  return {
    httpServer,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : config.port);
        });
      }),
    stop: async () => {
      core.feed.close();
      await subscriptions.close();
      await apollo.stop();
      await store.close();
    },
  };
}

/**
 * Apollo Server as metalayer runs it. Besides the settings from `config`:
 *
 * - CSRF prevention stays on (Apollo's default, stated here so it is not
 *   lost): a GET, or a POST with a "simple" content type, must carry a
 *   header a browser would preflight (`apollo-require-preflight`,
 *   `x-apollo-operation-name`, or a JSON content type).
 * - Automatic persisted queries use a bounded in-memory LRU cache (about
 *   30 MiB), so clients cannot grow the server's memory without limit,
 *   keyed by viewer, and none for anonymous requests (persisted-queries.ts).
 * - What every host of the schema shares (apolloBaseOptions): the error
 *   formatter, no stack traces, no inline traces, no cache-control hints.
 * - With introspection off, the subgraph SDL (`_service`) is refused too.
 * - Without `relayNode`, `Query.node` and `nodes` are left out, for a
 *   supergraph in which another subgraph owns them.
 * - Apollo Server's own SIGINT and SIGTERM handlers stay off: the command
 *   line's shutdown calls `stop` (subscriptions first, then Apollo). Apollo's
 *   handler would start a second stop, and a `stop` called while another
 *   drains waits for a signal Apollo never sends once it succeeds: a worker
 *   of a cluster, whose drain waits on its primary, hung there for good.
 * - An anonymous request on a server that does not allow anonymous reads
 *   may only introspect (authenticate.ts); the query limits refuse what is
 *   too big before it runs (query-limits.ts).
 */
function createApollo(config: Config, base: BaseOptions, httpServer: Server, persisted: PersistedQueries): ApolloServer<Context> {
  return new ApolloServer<Context>({
    ...base,
    introspection: config.introspection,
    validationRules: config.introspection ? [] : [NoSubgraphSdlRule],
    csrfPrevention: true,
    stopOnTerminationSignals: false,
    cache: 'bounded',
    persistedQueries: { cache: persisted.cache },
    allowBatchedHttpRequests: config.httpBatching,
    plugins: [
      ...base.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      anonymousGatePlugin(),
      queryLimitsPlugin(config.queryLimits, costModel(config.lineageCaps)),
      // Browsers get the bundled GraphiQL (ui.ts) before Apollo Server sees the request.
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
}

type BaseOptions = ApolloBaseOptions;

/**
 * Which executors ran a request's operations, for its log line: the
 * executor reports each operation by its context (the request's session),
 * and the request's `res.locals` carry the answer to the log. Apollo Server
 * hands each operation a shallow copy of the context, so a request is known
 * by its session's deadline, the one object every copy (and every view at
 * another instant) of the request's session shares.
 */
interface RequestExecutors {
  /** Links a request's session to its `res.locals`; answers the session. */
  open(session: Context, locals: Record<string, unknown>): Context;
  record(session: Context, executor: ExecutorName): void;
  /** The executors of a request's operations, in the order first used: one unless a batch mixed them. */
  of(locals: Record<string, unknown>): ExecutorName[];
}

function executorsOfRequests(): RequestExecutors {
  const localsOf = new WeakMap<object, Record<string, unknown>>();
  const used = new WeakMap<Record<string, unknown>, ExecutorName[]>();
  return {
    open(session, locals) {
      localsOf.set(session.deadline, locals);
      return session;
    },
    record(session, executor) {
      const locals = localsOf.get(session.deadline);
      if (!locals) return;
      const names = used.get(locals) ?? [];
      if (!names.includes(executor)) used.set(locals, [...names, executor]);
    },
    of: (locals) => used.get(locals) ?? [],
  };
}

/** GraphQL responses are per request and per viewer: never stored by a cache. */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('cache-control', 'no-store');
  next();
};

/**
 * With batching off, a JSON array body is refused before Apollo Server sees
 * it, with a message that says what to send instead (Apollo's own is
 * "Operation batching disabled.").
 */
const refuseBatches: RequestHandler = (req, res, next) => {
  if (!Array.isArray(req.body)) return next();
  res.status(400).json({
    errors: [
      {
        message: 'Batched requests (a JSON array of operations) are turned off on this server; send one operation per request',
        extensions: { code: ResponseErrorCode.BAD_REQUEST },
      },
    ],
  });
};

/**
 * Without tokens, every request acts as an unscoped admin: right for a
 * laptop, wrong for a shared server, so the start says so, loudly in
 * production.
 */
function warnWhenAuthenticationIsOff(config: Config, logger: Logger): void {
  if (config.auth.tokens.length > 0) return;
  const message =
    'authentication is off: no tokens are configured (METALAYER_TOKENS_FILE or METALAYER_TOKENS), so every request may read and write everything';
  if (config.environment === 'production') logger.error({ security: 'authentication-off' }, `${message}. Configure tokens before exposing this server`);
  else logger.warn({ security: 'authentication-off' }, message);
}

/**
 * One JSON log line per request, under a request id that the response
 * echoes, naming the viewer (the token's name, never the token) once the
 * GraphQL context has authenticated the request, and the executor that ran
 * its operations (`jit` or `graphql-js`; `jit,graphql-js` for a batch that
 * used both), absent when none ran (a refused or invalid request).
 */
function requestLogging(logger: Logger, executors: RequestExecutors): RequestHandler {
  return (req, res, next) => {
    const header = req.get('x-request-id');
    const requestId = header && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      logger.info(
        {
          requestId,
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ...(typeof res.locals['viewer'] === 'string' ? { viewer: res.locals['viewer'] } : {}),
          ...executorField(executors.of(res.locals)),
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}

function executorField(names: readonly ExecutorName[]): { executor?: string } {
  return names.length > 0 ? { executor: names.join(',') } : {};
}

/**
 * Body-parser failures (too large, malformed JSON) answered as GraphQL-shaped
 * JSON; anything else is an internal error, logged and never described.
 */
function jsonErrors(logger: Logger, bodyLimit: number): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const type = (error as { type?: unknown }).type;
    const reply = (status: number, code: string, message: string) =>
      res.status(status).json({ errors: [{ message, extensions: { code } }] });
    if (type === 'entity.too.large') {
      return reply(413, ResponseErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than the limit of ${bodyLimit} bytes`);
    }
    if (type === 'entity.parse.failed') return reply(400, ResponseErrorCode.BAD_REQUEST, 'The request body is not valid JSON');
    logger.error({ err: error }, 'internal error in the HTTP layer');
    return reply(500, ResponseErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}
