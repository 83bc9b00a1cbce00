import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { DEFAULT_LINEAGE_CAPS, type LineageCaps } from '../domain/lineage.js';
import { DEFAULT_EXECUTOR, EXECUTOR_NAMES, type ExecutorName } from '../graphql/index.js';
import type { StoreConfig } from '../store/open.js';
import type { AuthSettings } from './authenticate.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './query-limits.js';
import { DEFAULT_SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from './subscriptions.js';
import { parseTokenEntries, type TokenEntry } from './tokens.js';

/**
 * Configuration, read once at start from flags and the environment (flags
 * win), validated, and passed down typed. Nothing else reads `process.env`.
 */
export interface Config {
  environment: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Schema introspection; on in development, off in production unless turned on. */
  introspection: boolean;
  /** GraphiQL at /graphql for browsers and the lineage explorer at / (ui.ts); follows introspection unless set. */
  explorer: boolean;
  /**
   * Several operations in one request (a JSON array body); off unless turned
   * on. A batch's operations run concurrently with one context (one set of
   * loaders), in no order.
   */
  httpBatching: boolean;
  /**
   * Whether the schema has Relay's `Query.node` and `nodes`; off when another
   * subgraph of a supergraph owns them (graphql/schema.ts).
   */
  relayNode: boolean;
  lineageCaps: LineageCaps;
  /**
   * What executes GraphQL operations over HTTP: graphql-jit's compiled
   * queries (`jit`, the default) or graphql-js (graphql/executor.ts).
   * Subscriptions always run on graphql-js.
   */
  executor: ExecutorName;
  /**
   * API tokens (their hashes) and whether requests without one may read.
   * No tokens: authentication is off, and every request acts as an
   * unscoped admin.
   */
  auth: AuthSettings;
  /** Bounds on what one request may ask for (query-limits.ts). */
  queryLimits: QueryLimits;
  /**
   * OpenLineage job namespaces whose runs a writer scoped to a project may
   * post (namespace → project id), from METALAYER_OPENLINEAGE_NAMESPACES,
   * a JSON object such as `{"airflow-prod": "project/churn"}`.
   */
  openLineageNamespaces: ReadonlyMap<string, string>;
  /** Live changes over WebSocket (subscriptions.ts). */
  subscriptions: SubscriptionSettings;
  /**
   * Extension files declaring custom kinds and relations (docs/extensions.md),
   * read at start: `--extensions FILE` (repeatable) or METALAYER_EXTENSIONS,
   * paths separated by commas.
   */
  extensions: readonly ExtensionFile[];
  /**
   * Server processes sharing the port (`--workers`, METALAYER_WORKERS: a
   * number, or `auto` for one per core). One serves in this process; more
   * run as a cluster of workers on one store (docs/operations.md).
   */
  workers: number;
  store: StoreConfig;
}

/** An extension file as read at start: its path, as errors name it, and its text. */
export interface ExtensionFile {
  name: string;
  text: string;
}

/** More workers than this is a typo rather than a plan: each is a whole server with its own caches. */
const MAX_WORKERS = 64;

/** `auto` (one per core) or a whole number of processes. */
const workerCount = z.string().transform((text, ctx) => {
  if (text === 'auto') return availableParallelism();
  const count = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (count >= 1 && count <= MAX_WORKERS) return count;
  ctx.addIssue({ code: 'custom', message: `expected a number of processes from 1 to ${MAX_WORKERS}, or auto (one per core); got "${text}"` });
  return z.NEVER;
});

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();

/** A JSON object from job namespace to the id of a project, `project/<key>`. */
const namespaceMap = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object such as {"airflow-prod": "project/churn"}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), z.string().regex(/^project\/[A-Za-z0-9_\-:.@()+,=;$!*'%]{1,254}$/, 'expected a project id "project/<key>"')))
  .transform((entries) => new Map(Object.entries(entries)));

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    METALAYER_BODY_LIMIT: positiveInt.default(1_048_576),
    METALAYER_INTROSPECTION: flag.optional(),
    METALAYER_EXPLORER: flag.optional(),
    METALAYER_HTTP_BATCHING: flag.default(false),
    METALAYER_RELAY_NODE: flag.default(true),
    METALAYER_MAX_DEPTH: positiveInt.max(10_000).default(DEFAULT_LINEAGE_CAPS.maxDepth),
    METALAYER_MAX_NODES: positiveInt.max(1_000_000).default(DEFAULT_LINEAGE_CAPS.maxLimit),
    METALAYER_VISIT_LIMIT: positiveInt.max(10_000_000).default(DEFAULT_LINEAGE_CAPS.visitLimit),
    METALAYER_EXECUTOR: z.enum(EXECUTOR_NAMES).default(DEFAULT_EXECUTOR),
    METALAYER_TOKENS_FILE: z.string().min(1).optional(),
    METALAYER_TOKENS: z.string().min(1).optional(),
    METALAYER_ANONYMOUS_READS: flag.default(false),
    METALAYER_MAX_QUERY_DEPTH: positiveInt.default(DEFAULT_QUERY_LIMITS.maxDepth),
    METALAYER_MAX_QUERY_COST: positiveInt.default(DEFAULT_QUERY_LIMITS.maxCost),
    METALAYER_MAX_ALIASES: z.coerce.number().int().min(0).default(DEFAULT_QUERY_LIMITS.maxAliases),
    METALAYER_MAX_OPERATIONS: positiveInt.default(DEFAULT_QUERY_LIMITS.maxOperations),
    METALAYER_EXECUTION_TIMEOUT_MS: positiveInt.default(DEFAULT_QUERY_LIMITS.executionTimeoutMs),
    METALAYER_MAX_RESULT_ASSETS: positiveInt.default(DEFAULT_QUERY_LIMITS.maxResultAssets),
    METALAYER_STORE: z.enum(['sqlite', 'arango']).default('sqlite'),
    METALAYER_DB: z.string().min(1).default('./data/metalayer.db'),
    ARANGO_URL: z.string().default('http://127.0.0.1:8529'),
    ARANGO_DATABASE: z.string().min(1).default('arangopipe'),
    ARANGO_USERNAME: z.string().default('root'),
    ARANGO_PASSWORD: z.string().default(''),
    ARANGO_TOKEN: z.string().min(1).optional(),
    ARANGO_GRAPH: z.string().min(1).default('enterprise_ml_graph'),
    ARANGO_REPLICATION_FACTOR: positiveInt.optional(),
    ARANGO_WRITE_CONCERN: positiveInt.optional(),
    ARANGO_POOL_SIZE: positiveInt.default(32),
    ARANGO_QUERY_MEMORY_LIMIT: positiveInt.default(512 * 2 ** 20),
    ARANGO_QUERY_MAX_RUNTIME: z.coerce.number().positive().default(30),
    METALAYER_OPENLINEAGE_NAMESPACES: namespaceMap.optional(),
    METALAYER_SUBSCRIPTION_POLL_MS: positiveInt.default(DEFAULT_SUBSCRIPTION_SETTINGS.pollMs),
    METALAYER_SUBSCRIPTIONS_PER_CONNECTION: positiveInt.default(DEFAULT_SUBSCRIPTION_SETTINGS.maxPerConnection),
    METALAYER_SUBSCRIPTION_BUFFER_BYTES: positiveInt.default(DEFAULT_SUBSCRIPTION_SETTINGS.maxBufferedBytes),
    METALAYER_SUBSCRIPTION_SEND_TIMEOUT_MS: positiveInt.default(DEFAULT_SUBSCRIPTION_SETTINGS.sendTimeoutMs),
    METALAYER_EXTENSIONS: z.string().min(1).optional(),
    METALAYER_WORKERS: workerCount.default(1),
  })
  .superRefine((env, ctx) => {
    // Every process would open its own empty database: writes through one worker would be invisible to the others.
    if (env.METALAYER_WORKERS > 1 && env.METALAYER_STORE === 'sqlite' && env.METALAYER_DB === ':memory:') {
      ctx.addIssue({
        code: 'custom',
        path: ['METALAYER_WORKERS'],
        message: `${env.METALAYER_WORKERS} workers need a database file they share; :memory: is a separate database in each process`,
      });
    }
  })
  .transform((env): Config => {
    const introspection = env.METALAYER_INTROSPECTION ?? env.NODE_ENV !== 'production';
    return {
      environment: env.NODE_ENV,
      host: env.HOST,
      port: env.PORT,
      logLevel: env.LOG_LEVEL,
      bodyLimit: env.METALAYER_BODY_LIMIT,
      introspection,
      explorer: env.METALAYER_EXPLORER ?? introspection,
      httpBatching: env.METALAYER_HTTP_BATCHING,
      relayNode: env.METALAYER_RELAY_NODE,
      lineageCaps: {
        defaultDepth: Math.min(DEFAULT_LINEAGE_CAPS.defaultDepth, env.METALAYER_MAX_DEPTH),
        maxDepth: env.METALAYER_MAX_DEPTH,
        defaultLimit: Math.min(DEFAULT_LINEAGE_CAPS.defaultLimit, env.METALAYER_MAX_NODES),
        maxLimit: env.METALAYER_MAX_NODES,
        visitLimit: env.METALAYER_VISIT_LIMIT,
      },
      executor: env.METALAYER_EXECUTOR,
      auth: { tokens: [], anonymousReads: env.METALAYER_ANONYMOUS_READS },
      queryLimits: {
        maxDepth: env.METALAYER_MAX_QUERY_DEPTH,
        maxCost: env.METALAYER_MAX_QUERY_COST,
        maxAliases: env.METALAYER_MAX_ALIASES,
        maxOperations: env.METALAYER_MAX_OPERATIONS,
        executionTimeoutMs: env.METALAYER_EXECUTION_TIMEOUT_MS,
        maxResultAssets: env.METALAYER_MAX_RESULT_ASSETS,
      },
      openLineageNamespaces: env.METALAYER_OPENLINEAGE_NAMESPACES ?? new Map(),
      subscriptions: {
        pollMs: env.METALAYER_SUBSCRIPTION_POLL_MS,
        maxPerConnection: env.METALAYER_SUBSCRIPTIONS_PER_CONNECTION,
        maxBufferedBytes: env.METALAYER_SUBSCRIPTION_BUFFER_BYTES,
        sendTimeoutMs: env.METALAYER_SUBSCRIPTION_SEND_TIMEOUT_MS,
      },
      extensions: [],
      workers: env.METALAYER_WORKERS,
      store:
        env.METALAYER_STORE === 'sqlite'
          ? { engine: 'sqlite', path: env.METALAYER_DB }
          : {
              engine: 'arango',
              urls: env.ARANGO_URL.split(',').map((url) => url.trim()).filter(Boolean),
              database: env.ARANGO_DATABASE,
              username: env.ARANGO_USERNAME,
              password: env.ARANGO_PASSWORD,
              token: env.ARANGO_TOKEN ?? null,
              graph: env.ARANGO_GRAPH,
              replicationFactor: env.ARANGO_REPLICATION_FACTOR ?? null,
              writeConcern: env.ARANGO_WRITE_CONCERN ?? null,
              poolSize: env.ARANGO_POOL_SIZE,
              queryMemoryLimit: env.ARANGO_QUERY_MEMORY_LIMIT,
              queryMaxRuntime: env.ARANGO_QUERY_MAX_RUNTIME,
            },
    };
  });

/** The flags each command takes, and the environment variable each stands for. */
const FLAGS = {
  host: 'HOST',
  port: 'PORT',
  db: 'METALAYER_DB',
  store: 'METALAYER_STORE',
  'log-level': 'LOG_LEVEL',
  workers: 'METALAYER_WORKERS',
} as const;

export interface ParsedCommandLine {
  config: Config;
  /** Flags that are switches rather than configuration (`--demo`). */
  switches: { demo: boolean; help: boolean };
  positionals: string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses a command's flags strictly (positionals allowed); an unknown or malformed flag is a ConfigError. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

/** Parses flags and environment into a validated configuration; throws ConfigError naming each bad setting. */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedCommandLine {
  const parsed = parseFlags(argv, {
    ...Object.fromEntries(Object.keys(FLAGS).map((name) => [name, { type: 'string' as const }])),
    demo: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    'no-relay-node': { type: 'boolean', default: false },
    extensions: { type: 'string', multiple: true },
  });
  const merged: Record<string, string | undefined> = { ...env };
  for (const [name, variable] of Object.entries(FLAGS)) {
    const value = (parsed.values as Record<string, unknown>)[name];
    if (typeof value === 'string') merged[variable] = value;
  }
  if (parsed.values['no-relay-node'] === true) merged['METALAYER_RELAY_NODE'] = 'false';
  // Empty variables count as unset, as shells and compose files often leave them.
  const present = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const tokens = loadTokens(present['METALAYER_TOKENS_FILE'], present['METALAYER_TOKENS']);
  const flagged = parsed.values.extensions;
  const paths = flagged && flagged.length > 0 ? flagged : splitPaths(present['METALAYER_EXTENSIONS']);
  return {
    config: { ...result.data, auth: { ...result.data.auth, tokens }, extensions: paths.map(readExtension) },
    switches: { demo: parsed.values.demo === true, help: parsed.values.help === true },
    positionals: parsed.positionals,
  };
}

/**
 * The token entries, from the file METALAYER_TOKENS_FILE names or from
 * METALAYER_TOKENS itself, read once here. Problems name the variable and
 * the entry's field, never a value.
 */
function loadTokens(file: string | undefined, inline: string | undefined): TokenEntry[] {
  if (file !== undefined && inline !== undefined) {
    throw new ConfigError('Invalid configuration:\n  METALAYER_TOKENS_FILE and METALAYER_TOKENS are both set; set one of them');
  }
  let text = inline;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      throw new ConfigError(`Invalid configuration:\n  METALAYER_TOKENS_FILE: cannot read ${file} (${reason})`);
    }
  }
  if (text === undefined) return [];
  const parsed = parseTokenEntries(text, file === undefined ? 'METALAYER_TOKENS' : 'METALAYER_TOKENS_FILE');
  if ('problems' in parsed) throw new ConfigError(`Invalid configuration:\n  ${parsed.problems.join('\n  ')}`);
  return parsed.entries;
}

function splitPaths(list: string | undefined): string[] {
  return (list ?? '').split(',').map((path) => path.trim()).filter(Boolean);
}

/** An extension file, read once here; an unreadable one is a ConfigError naming it. */
function readExtension(path: string): ExtensionFile {
  try {
    return { name: path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new ConfigError(`Invalid configuration:\n  extensions: cannot read ${path} (${reason})`);
  }
}
