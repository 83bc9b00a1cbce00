import { Database } from 'arangojs';
import type { QueryOptions } from 'arangojs/queries';
import type { Catalogue } from '../../domain/catalogue.js';

export const DEFAULT_GRAPH_NAME = 'enterprise_ml_graph';
export const DEFAULT_POOL_SIZE = 32;

export interface ArangoStoreOptions {
  /** One or more coordinator (or single server) URLs, e.g. `http://localhost:8529`. */
  urls: readonly string[];
  database: string;
  auth: { username: string; password: string } | { token: string };
  /** The kinds and relations the engine stores: their collections, edge definitions and rules. */
  catalogue: Catalogue;
  /** arangopipe's named graph; default `enterprise_ml_graph`. */
  graphName?: string;
  /** For collections the engine creates (cluster only). */
  replicationFactor?: number;
  writeConcern?: number;
  /**
   * How many requests arangojs runs in parallel (its `poolSize`; arangojs 10
   * is fetch-based, so this is its socket budget). arangojs's default of 3
   * queues a busy server's requests; default here DEFAULT_POOL_SIZE, the
   * same as the server's ARANGO_POOL_SIZE.
   */
  poolSize?: number;
  /** AQL memory limit per query, in bytes (`memoryLimit`); none when absent. */
  memoryLimit?: number;
  /** AQL run-time limit per query, in seconds (`maxRuntime`); none when absent. */
  maxRuntime?: number;
  /** Create missing collections, graph and indexes at start-up; default true. */
  ensureLayout?: boolean;
  /**
   * The clock stamping what `importBulk` loads and ordering relations (`seq`);
   * a commit carries its own instant. Injectable for tests.
   */
  now?: () => Date;
}

/**
 * A connection to the database. With several URLs, arangojs 10 sends every
 * request to one coordinator, picked at random per process (`ONE_RANDOM`),
 * and moves to the next URL after any request to it fails, an error response
 * as much as a lost connection. It sends a failed request again, to the next
 * URL, only when that is safe: the connection was refused or timed out
 * before the request left, or the server is in maintenance mode. Anything
 * else reaches the engine, whose unit of work then retries or fails whole.
 * A coordinator forwards a stream transaction's requests to the coordinator
 * that began it, so a transaction outlives a switch while that one is up.
 */
export function connect(options: ArangoStoreOptions): Database {
  if (options.urls.length === 0) throw new Error('ArangoDB: at least one URL is required');
  if (options.database.trim() === '') throw new Error('ArangoDB: a database name is required');
  return new Database({
    url: [...options.urls],
    databaseName: options.database,
    auth: 'token' in options.auth ? { token: options.auth.token } : { ...options.auth },
    loadBalancingStrategy: options.urls.length > 1 ? 'ONE_RANDOM' : 'NONE',
    poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
  });
}

/** The options every query carries: the configured resource limits. */
export function queryOptions(options: Pick<ArangoStoreOptions, 'memoryLimit' | 'maxRuntime'>): QueryOptions {
  const result: QueryOptions = {};
  if (options.memoryLimit !== undefined) result.memoryLimit = options.memoryLimit;
  if (options.maxRuntime !== undefined) result.maxRuntime = options.maxRuntime;
  return result;
}
