import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import { HttpError, isArangoError, isNetworkError, isSystemError } from 'arangojs/errors';
import type { QueryOptions } from 'arangojs/queries';
import { ErrorCode, MetalayerError, queryTooExpensive, storeUnavailable } from '../../domain/errors.js';

/**
 * ArangoDB's failures as metalayer sees them. Only `MetalayerError`s reach
 * clients with their message; everything else is internal (logged in full,
 * shown generically), so ArangoDB's own messages never leave the server.
 */

/** The ArangoDB error numbers the engine acts on. */
export const ErrorNum = {
  LOCK_TIMEOUT: 18,
  SHUTTING_DOWN: 30,
  /** A query's `memoryLimit`, or a stream transaction's size limit, was reached. */
  RESOURCE_LIMIT: 32,
  READ_ONLY: 1004,
  CONFLICT: 1200,
  DOCUMENT_NOT_FOUND: 1202,
  DUPLICATE_NAME: 1207,
  UNIQUE_CONSTRAINT_VIOLATED: 1210,
  DATABASE_NOT_FOUND: 1228,
  CLUSTER_TIMEOUT: 1457,
  CLUSTER_CONNECTION_LOST: 1465,
  CLUSTER_UNSUPPORTED: 1470,
  CLUSTER_BACKEND_UNAVAILABLE: 1478,
  CLUSTER_SHARD_LEADER_RESIGNED: 1491,
  CLUSTER_LEADERSHIP_CHALLENGE_ONGOING: 1495,
  CLUSTER_NOT_LEADER: 1496,
  /** A query was killed: its `maxRuntime` passed (or an operator killed it). */
  QUERY_KILLED: 1500,
  /** The server aborted the stream transaction (a concurrent abort, a failover). */
  TRANSACTION_ABORTED: 1654,
  /** The stream transaction is gone: its idle timeout expired, or it was never there. */
  TRANSACTION_NOT_FOUND: 1655,
  GRAPH_COLLECTION_MULTI_USE: 1920,
  GRAPH_DUPLICATE: 1925,
} as const;

/** Failures that say the database cannot answer now, not that the request is wrong. */
const UNAVAILABLE_NUMS: ReadonlySet<number> = new Set([
  ErrorNum.LOCK_TIMEOUT,
  ErrorNum.SHUTTING_DOWN,
  ErrorNum.READ_ONLY,
  ErrorNum.CLUSTER_TIMEOUT,
  ErrorNum.CLUSTER_CONNECTION_LOST,
  ErrorNum.CLUSTER_BACKEND_UNAVAILABLE,
  ErrorNum.CLUSTER_SHARD_LEADER_RESIGNED,
  ErrorNum.CLUSTER_LEADERSHIP_CHALLENGE_ONGOING,
  ErrorNum.CLUSTER_NOT_LEADER,
]);

const UNAVAILABLE_SYSTEM_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** ArangoDB's error number, when `error` is an ArangoDB error response. */
export function errorNum(error: unknown): number | undefined {
  return isArangoError(error) ? error.errorNum : undefined;
}

/**
 * Whether the database could not be reached or could not serve the request
 * now: a connection failure or timeout (arangojs's NetworkError, a Node
 * system error), a gateway's 502/503/504, or an ArangoDB error that means
 * "try again later" (shutting down, cluster backend unavailable, …).
 */
export function isUnavailable(error: unknown): boolean {
  if (isArangoError(error)) return UNAVAILABLE_NUMS.has(error.errorNum) || error.code === 503;
  if (error instanceof HttpError) return error.code === 502 || error.code === 503 || error.code === 504;
  if (isNetworkError(error)) return true;
  if (isSystemError(error)) return UNAVAILABLE_SYSTEM_CODES.has(error.code);
  return false;
}

/**
 * The error to throw for a failed database request:
 *
 * - STORE_UNAVAILABLE when the database is out of reach;
 * - QUERY_TOO_EXPENSIVE when a query reached its memory limit (32) or its
 *   run-time limit (1500);
 * - STORE_UNAVAILABLE saying that nothing was written when the stream
 *   transaction was lost (1654, 1655): trying again is safe;
 * - the original otherwise (an internal error).
 *
 * A translated error keeps the original as `cause`, for the server log.
 */
export function translateError(error: unknown): unknown {
  const translated = knownFailure(error);
  if (!translated) return error;
  translated.cause = error;
  return translated;
}

function knownFailure(error: unknown): MetalayerError | null {
  if (isUnavailable(error)) return storeUnavailable();
  switch (errorNum(error)) {
    case ErrorNum.RESOURCE_LIMIT:
    case ErrorNum.QUERY_KILLED:
      return queryTooExpensive();
    case ErrorNum.TRANSACTION_ABORTED:
    case ErrorNum.TRANSACTION_NOT_FOUND:
      return transactionLost();
    default:
      return null;
  }
}

/** The database dropped the write's transaction before it committed: nothing was written. */
function transactionLost(): MetalayerError {
  return new MetalayerError(
    ErrorCode.STORE_UNAVAILABLE,
    'The database dropped the write before it was committed, so nothing was written; try again',
  );
}

/** Every row of a read-only query, with the engine's failures translated (translateError). */
export async function queryAll<T>(db: Database, query: AqlQuery, options: QueryOptions): Promise<T[]> {
  try {
    const cursor = await db.query<T>(query, options);
    return await cursor.all();
  } catch (error) {
    throw translateError(error);
  }
}
