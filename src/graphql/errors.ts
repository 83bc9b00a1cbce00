import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { dottedPath, ErrorCode, MetalayerError } from '../domain/errors.js';

/**
 * Every code a client can see in `extensions.code`: metalayer's own failures,
 * the request errors that Apollo Server and graphql-js raise before or while
 * reading a request, and the one code every other failure becomes.
 */
export const ResponseErrorCode = {
  ...ErrorCode,
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  BAD_REQUEST: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  TOO_MANY_OPERATIONS: 'TOO_MANY_OPERATIONS',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ResponseErrorCode = (typeof ResponseErrorCode)[keyof typeof ResponseErrorCode];

/**
 * Codes of errors that describe the client's request, never the server's
 * state: parse and validation failures, variables that do not coerce
 * (BAD_USER_INPUT, including the custom scalars' refusals), persisted
 * query misses and the server's query limits. They pass through as they
 * are, without a stack trace.
 */
const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set<ResponseErrorCode>([
  ResponseErrorCode.GRAPHQL_PARSE_FAILED,
  ResponseErrorCode.GRAPHQL_VALIDATION_FAILED,
  ResponseErrorCode.BAD_USER_INPUT,
  ResponseErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ResponseErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ResponseErrorCode.OPERATION_RESOLUTION_FAILURE,
  ResponseErrorCode.BAD_REQUEST,
  ResponseErrorCode.QUERY_TOO_DEEP,
  ResponseErrorCode.QUERY_TOO_COSTLY,
  ResponseErrorCode.TOO_MANY_ALIASES,
  ResponseErrorCode.TOO_MANY_OPERATIONS,
  ResponseErrorCode.TOO_MANY_SUBSCRIPTIONS,
]);

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * The one place errors become responses, for Apollo Server's `formatError`:
 *
 * - a MetalayerError anywhere in the error's `originalError` chain answers
 *   with its message, its code and the input field at fault, as a dotted
 *   path (`input.datasets.1`);
 * - a request error (see REQUEST_ERROR_CODES) that wraps nothing but
 *   GraphQLErrors passes through with its code, and one Apollo Server
 *   raises without a code but with a 4xx status becomes BAD_REQUEST;
 * - anything else answers "Internal server error" with code
 *   INTERNAL_SERVER_ERROR, and is handed to `log` in full (the thrown error
 *   itself, unwrapped from the GraphQLError around it): its message, stack
 *   or database text never reach the client.
 *
 * Only `message`, `locations`, `path` and `extensions.code` (plus
 * `extensions.field`) are kept, so nothing else leaks. Never throws.
 */
export function createErrorFormatter(log: (error: unknown) => void): ErrorFormatter {
  return (formatted, error) => {
    try {
      return formatKnown(formatted, error, log) ?? formatInternal(formatted, error, log);
    } catch {
      return { message: INTERNAL_ERROR_MESSAGE, extensions: { code: ResponseErrorCode.INTERNAL_SERVER_ERROR } };
    }
  };
}

function formatKnown(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (error: unknown) => void,
): GraphQLFormattedError | null {
  const chain = causeChain(error);
  const known = chain.find((cause) => cause instanceof MetalayerError);
  if (known) {
    // The client learns only that the store is unavailable or stopped its query; the operator needs the reason.
    if (known.code === ErrorCode.STORE_UNAVAILABLE || known.code === ErrorCode.QUERY_TOO_EXPENSIVE) {
      safely(log, known.cause ?? known);
    }
    const extensions = known.field === undefined ? { code: known.code } : { code: known.code, field: dottedPath(known.field) };
    return { ...position(formatted), message: known.message, extensions };
  }
  const code = formatted.extensions?.['code'];
  const onlyGraphQLErrors = chain.every((cause) => cause instanceof GraphQLError);
  if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code) && onlyGraphQLErrors) {
    return { ...position(formatted), message: formatted.message, extensions: { code } };
  }
  if (isUncodedRequestError(error)) {
    return { ...position(formatted), message: formatted.message, extensions: { code: ResponseErrorCode.BAD_REQUEST } };
  }
  return null;
}

/**
 * Apollo Server raises one request error without a code: a persisted query
 * sent with a hash that is not its own ("provided sha does not match
 * query"), which it answers with HTTP 400 but which would otherwise default
 * to INTERNAL_SERVER_ERROR. A GraphQLError that wraps nothing and that
 * Apollo Server answers with a 4xx status describes the request: BAD_REQUEST.
 */
function isUncodedRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError !== undefined) return false;
  const http = error.extensions['http'];
  const status = typeof http === 'object' && http !== null && 'status' in http ? http.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function formatInternal(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (error: unknown) => void,
): GraphQLFormattedError {
  safely(log, causeChain(error).at(-1) ?? error);
  return {
    ...position(formatted),
    message: INTERNAL_ERROR_MESSAGE,
    extensions: { code: ResponseErrorCode.INTERNAL_SERVER_ERROR },
  };
}

function position({ locations, path }: GraphQLFormattedError): Pick<GraphQLFormattedError, 'locations' | 'path'> {
  return { ...(locations ? { locations } : {}), ...(path ? { path } : {}) };
}

/** The error and every `originalError` it wraps, outermost first; bounded, in case of a cycle. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== null && current !== undefined && chain.length < 16 && !chain.includes(current)) {
    chain.push(current);
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return chain;
}

/** Logs, and swallows a failing logger: it must not turn an error response into a crash. */
function safely(log: (error: unknown) => void, error: unknown): void {
  try {
    log(error);
  } catch {
    // Nothing more can be done for this error.
  }
}
