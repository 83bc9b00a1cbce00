import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Context as ProtocolContext, type SubscribePayload } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { Core, Session } from '../app/session.js';
import type { Viewer } from '../domain/access.js';
import { unauthenticated } from '../domain/errors.js';
import { NoSubgraphSdlRule, ResponseErrorCode, type CostModel, type ErrorFormatter } from '../graphql/index.js';
import type { Authenticate } from './authenticate.js';
import type { Logger } from './logger.js';
import { measureWithinLimits, operationCountRefusal, type QueryLimits } from './query-limits.js';

/**
 * Subscriptions over the GraphQL over WebSocket protocol (`graphql-ws`, on
 * `ws`), on the HTTP server's own port and path. The transport only: what a
 * subscription delivers is the core's (app/live-changes.ts).
 *
 * - The client authenticates in `connection_init`, whose payload carries
 *   `{ "authorization": "Bearer <token>" }`, checked by the same
 *   authenticator as HTTP: a malformed or unknown token, or none on a server
 *   that needs one, closes the socket with 4401 and the reason.
 * - Each subscription is parsed, validated (introspection as over HTTP) and
 *   measured against the same query limits as a request over HTTP, and
 *   refused, before it starts, with the same codes. Only subscriptions are
 *   served here: queries and mutations go over HTTP, where the deadline,
 *   the result budget and persisted queries apply.
 * - Each event executes in a session of its own (fresh loaders, its own
 *   deadline), as the viewer of the connection.
 * - Slow consumers: a subscription sends its next message only when the
 *   socket has taken the previous one, so a consumer that does not read
 *   stalls its own subscriptions, never a queue in the server. A socket that
 *   has not taken a message within `sendTimeoutMs`, or holds more than
 *   `maxBufferedBytes` unsent, is closed with 4008 "consumer too slow: …",
 *   and dropped if it does not close within a few seconds more.
 * - A browser's upgrade from another origin is refused (403): WebSockets
 *   know no CORS, and with authentication off any page could otherwise read
 *   the change log of a server on the reader's machine.
 */
export interface SubscriptionSettings {
  /** How often live subscriptions look for changes written by other processes (app/live-changes.ts). */
  pollMs: number;
  /** Subscriptions one connection may hold at once. */
  maxPerConnection: number;
  /** Unsent bytes a connection may hold before it is cut off as too slow. */
  maxBufferedBytes: number;
  /** How long a message may wait for the socket to take it before the consumer is cut off as too slow. */
  sendTimeoutMs: number;
}

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  pollMs: 1000,
  maxPerConnection: 20,
  maxBufferedBytes: 4 * 1024 * 1024,
  sendTimeoutMs: 10_000,
};

/** The close codes this server uses beyond the protocol's own (graphql-ws `CloseCode`). */
export const SubscriptionCloseCode = {
  /** The consumer did not take what was sent fast enough. */
  ConsumerTooSlow: 4008,
  /** RFC 6455's "going away": the server shuts down. */
  GoingAway: 1001,
} as const;

const PATH = '/graphql';
/** How long a socket told to close may take before it is dropped. */
const CLOSE_GRACE_MS = 3000;
/** Pings keep idle connections open through proxies and find dead peers. */
const KEEP_ALIVE_MS = 12_000;

export interface SubscriptionServerOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  core: Core;
  authenticate: Authenticate;
  introspection: boolean;
  limits: QueryLimits;
  costModel: CostModel;
  formatError: ErrorFormatter;
  settings: SubscriptionSettings;
  /** The largest message a client may send, in bytes (the HTTP body limit). */
  maxPayload: number;
  logger: Logger;
}

export interface SubscriptionServer {
  /** Closes every connection (1001) and stops accepting new ones. */
  close(): Promise<void>;
}

/** What graphql-ws carries for each connection. */
interface Extra {
  connection: Connection;
  request: IncomingMessage;
}

type ProtocolCtx = ProtocolContext<Record<string, unknown> | undefined, Extra>;

export function serveSubscriptions(options: SubscriptionServerOptions): SubscriptionServer {
  const { httpServer, logger } = options;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, handleProtocols });
  const protocol = makeServer<Record<string, unknown> | undefined, Extra>(protocolOptions(options));
  const connections = new Set<Connection>();

  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(request);
    if (refusal !== null) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (websocket) => {
      const connection = new Connection(websocket, options.settings, logger);
      connections.add(connection);
      const closed = protocol.opened(
        {
          protocol: websocket.protocol,
          send: (data) => connection.send(data),
          close: (code, reason) => connection.close(code ?? 1000, reason ?? ''),
          onMessage: (handle) =>
            websocket.on('message', (data) => {
              handle(String(data)).catch((error: unknown) => {
                logger.error({ err: error }, 'internal error in a WebSocket message');
                connection.close(CloseCode.InternalServerError, 'Internal server error');
              });
            }),
        },
        { connection, request },
      );
      connection.onEnd((code, reason) => {
        connections.delete(connection);
        void closed(code, reason);
      });
    });
  };
  httpServer.on('upgrade', upgrade);

  return {
    close: async () => {
      httpServer.off('upgrade', upgrade);
      await Promise.all([...connections].map((connection) => connection.closeAndWait(SubscriptionCloseCode.GoingAway, 'server shutting down')));
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}

/** Why an upgrade is refused, as an HTTP status line; null to accept it. */
function upgradeRefusal(request: IncomingMessage): string | null {
  const path = (request.url ?? '').split('?')[0];
  if (path !== PATH) return '404 Not Found';
  const origin = request.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, request.headers.host)) return '403 Forbidden';
  return null;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function protocolOptions(options: SubscriptionServerOptions): Parameters<typeof makeServer<Record<string, unknown> | undefined, Extra>>[0] {
  const { core, logger, formatError } = options;
  const validationRules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule, NoSubgraphSdlRule];
  return {
    schema: options.schema,
    onConnect: (ctx) => authenticateConnection(ctx, options.authenticate, logger),
    onSubscribe: (ctx, _id, payload) => prepareSubscription(ctx, payload, options, validationRules),
    subscribe: (args) => subscribeWithSessions(args, core),
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) } : undefined,
    onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatError(error.toJSON(), error)),
  };
}

/**
 * `connection_init`: the viewer of the connection, from the payload's
 * `authorization`, or the socket closed with 4401 saying why.
 */
function authenticateConnection(ctx: ProtocolCtx, authenticate: Authenticate, logger: Logger): boolean {
  const { connection } = ctx.extra;
  const authorization = ctx.connectionParams?.['authorization'];
  if (authorization !== undefined && typeof authorization !== 'string') {
    connection.close(CloseCode.Unauthorized, 'Unauthorized: "authorization" in connection_init must be a string "Bearer <token>"');
    return false;
  }
  let viewer: Viewer;
  try {
    viewer = authenticate(authorization);
  } catch (error) {
    connection.close(CloseCode.Unauthorized, `Unauthorized: ${error instanceof Error ? error.message : 'the token is not valid'}`);
    return false;
  }
  if (viewer.role === null) {
    connection.close(CloseCode.Unauthorized, 'Unauthorized: this server needs a token: send {"authorization": "Bearer <token>"} in connection_init');
    return false;
  }
  connection.viewer = viewer;
  logger.info({ viewer: viewer.name }, 'websocket connected');
  return true;
}

/**
 * `subscribe`: the operation parsed, validated and measured as over HTTP,
 * then its execution arguments, with the session it starts in; or the
 * errors that refuse it.
 */
function prepareSubscription(
  ctx: ProtocolCtx,
  payload: SubscribePayload,
  options: SubscriptionServerOptions,
  validationRules: typeof specifiedRules,
): ExecutionArgs | GraphQLError[] {
  const { connection } = ctx.extra;
  const { viewer } = connection;
  if (viewer === null) return [new GraphQLError('The connection is not authenticated', { originalError: unauthenticated('The connection is not authenticated') })];
  // A subscribe read after the server began to close the socket would run with nowhere to send.
  if (connection.isClosing) return [requestError(ResponseErrorCode.BAD_REQUEST, 'The connection is closing')];
  const open = Object.keys(ctx.subscriptions).length;
  if (open > options.settings.maxPerConnection) {
    return [
      requestError(
        ResponseErrorCode.TOO_MANY_SUBSCRIPTIONS,
        `The connection holds ${open - 1} subscriptions; the limit is ${options.settings.maxPerConnection}`,
      ),
    ];
  }
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (error) {
    return [requestError(ResponseErrorCode.GRAPHQL_PARSE_FAILED, error instanceof Error ? error.message : 'Syntax error')];
  }
  const tooMany = operationCountRefusal(options.limits, document);
  if (tooMany) return [tooMany];
  const { schema } = options;
  const invalid = validate(schema, document, validationRules);
  if (invalid.length > 0) return invalid.map((error) => withCode(error, ResponseErrorCode.GRAPHQL_VALIDATION_FAILED));
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) {
    return [requestError(ResponseErrorCode.OPERATION_RESOLUTION_FAILURE, 'Could not tell which operation to run: name it in operationName')];
  }
  if (operation.operation !== 'subscription') {
    return [
      requestError(
        ResponseErrorCode.BAD_REQUEST,
        `Only subscriptions are served over WebSocket; send a ${operation.operation} to ${PATH} over HTTP`,
      ),
    ];
  }
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 10 });
  if (variables.errors) return variables.errors.map((error) => withCode(error, ResponseErrorCode.BAD_USER_INPUT));
  const measured = measureWithinLimits(options.limits, options.costModel, { schema, document, operation, variables: variables.coerced });
  if ('refusal' in measured) return [measured.refusal];
  return {
    schema,
    document,
    operationName: payload.operationName ?? null,
    variableValues: payload.variables ?? null,
    contextValue: options.core.openSession(viewer),
  };
}

/**
 * graphql-js's `subscribe`, except that each event executes in a new
 * session of the subscriber's viewer: a session's loaders cache what they
 * read and its deadline runs from its start, so one per event keeps every
 * event as fresh, and as bounded, as a request. Ending the stream ends the
 * source at once, even while it waits for a change.
 */
async function subscribeWithSessions(args: ExecutionArgs, core: Core): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const source = stream[Symbol.asyncIterator]();
  // The context is the session prepareSubscription opened, whose viewer each event reads as.
  const { viewer } = args.contextValue as Session;
  const events: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => events,
    next: async () => {
      const event = await source.next();
      if (event.done) return { value: undefined, done: true };
      const result = await execute({ ...args, rootValue: event.value, contextValue: core.openSession(viewer) });
      return { value: result, done: false };
    },
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
    throw: async (error: unknown) => {
      await source.return?.();
      throw error;
    },
  };
  return events;
}

/** A close frame's reason holds at most 123 bytes of UTF-8. */
function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let cut = reason.slice(0, 120);
  while (Buffer.byteLength(`${cut}...`) > 123) cut = cut.slice(0, -1);
  return `${cut}...`;
}

function requestError(code: ResponseErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function withCode(error: GraphQLError, code: ResponseErrorCode): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: { code } });
}

/**
 * One WebSocket: its viewer once authenticated, the sends in flight, the
 * slow-consumer rule, keep-alive pings, and one end however it comes (the
 * client, the server, a dead peer).
 */
class Connection {
  viewer: Viewer | null = null;
  private readonly inFlight = new Set<() => void>();
  private readonly endListeners: ((code: number, reason: string) => void)[] = [];
  private ended = false;
  private closing = false;
  private alive = true;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly settings: SubscriptionSettings,
    private readonly logger: Logger,
  ) {
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('error', (error) => logger.warn({ err: error, viewer: this.viewer?.name }, 'websocket error'));
    socket.once('close', (code, reason) => this.end(code, reason.toString()));
    this.keepAlive = setInterval(() => this.ping(), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  get isClosing(): boolean {
    return this.closing || this.socket.readyState !== WebSocket.OPEN;
  }

  onEnd(listener: (code: number, reason: string) => void): void {
    this.endListeners.push(listener);
  }

  /** Sends one message; resolves once the socket has taken it, or the connection is closing. */
  send(data: string): Promise<void> {
    if (this.closing || this.socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.settings.maxBufferedBytes) {
      this.tooSlow(`${buffered} bytes wait to be sent; the limit is ${this.settings.maxBufferedBytes}`);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.tooSlow(`a message waited ${this.settings.sendTimeoutMs} ms to be sent`), this.settings.sendTimeoutMs);
      const taken = () => {
        clearTimeout(timer);
        this.inFlight.delete(taken);
        resolve();
      };
      this.inFlight.add(taken);
      this.socket.send(data, taken);
    });
  }

  /**
   * Starts the closing handshake, ends every subscription at once (the
   * protocol's close handler runs now, not when the peer answers), and drops
   * the socket if the peer has not answered within the grace period.
   */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, closeReason(reason));
    }
    for (const taken of [...this.inFlight]) taken();
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
    this.end(code, reason);
  }

  async closeAndWait(code: number, reason: string): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.close(code, reason);
    await closed;
  }

  private tooSlow(detail: string): void {
    if (this.closing) return;
    const reason = `consumer too slow: ${detail}`;
    this.logger.warn({ viewer: this.viewer?.name, code: SubscriptionCloseCode.ConsumerTooSlow, reason }, 'websocket closed');
    this.close(SubscriptionCloseCode.ConsumerTooSlow, reason);
  }

  private ping(): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (!this.alive) {
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.keepAlive);
    for (const listener of this.endListeners) listener(code, reason);
    this.logger.info({ viewer: this.viewer?.name, code, reason }, 'websocket ended');
  }
}
