/**
 * The failures metalayer knows, each with the code clients see in
 * `extensions.code`. Anything thrown that is not a MetalayerError is an
 * internal error and is never shown to clients as it is.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  EXECUTION_TIMEOUT: 'EXECUTION_TIMEOUT',
  RESULT_TOO_LARGE: 'RESULT_TOO_LARGE',
  QUERY_TOO_EXPENSIVE: 'QUERY_TOO_EXPENSIVE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class MetalayerError extends Error {
  override readonly name = 'MetalayerError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field at fault, as a dotted path (`input.datasets.1`). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export function badInput(field: string, message: string): MetalayerError {
  return new MetalayerError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, field);
}

export function notFound(id: string, field?: string): MetalayerError {
  return new MetalayerError(
    ErrorCode.NOT_FOUND,
    field ? `${field}: no asset with id "${id}"` : `No asset with id "${id}"`,
    field,
  );
}

export function conflict(message: string, field?: string): MetalayerError {
  return new MetalayerError(ErrorCode.CONFLICT, message, field);
}

export function storeUnavailable(): MetalayerError {
  return new MetalayerError(ErrorCode.STORE_UNAVAILABLE, 'The store is unavailable; try again later');
}

/** The request carries no valid credentials for what it asks: a token (or a better one) would help. */
export function unauthenticated(message: string): MetalayerError {
  return new MetalayerError(ErrorCode.UNAUTHENTICATED, message);
}

/** The viewer is known, but its role or project scope does not allow this. */
export function forbidden(message: string, field?: string): MetalayerError {
  return new MetalayerError(ErrorCode.FORBIDDEN, field ? `${field}: ${message}` : message, field);
}

export function executionTimeout(): MetalayerError {
  return new MetalayerError(
    ErrorCode.EXECUTION_TIMEOUT,
    'The operation did not finish within the time the server allows; ask for less (a smaller limit or page) and try again',
  );
}

export function resultTooLarge(max: number): MetalayerError {
  return new MetalayerError(
    ErrorCode.RESULT_TOO_LARGE,
    `The response would hold more than ${max} assets from relation lists and lineages; ask for less (fewer nested lists, a smaller limit or page)`,
  );
}

/**
 * The database stopped the operation at the memory or run time it allows
 * one query or transaction: unlike QUERY_TOO_COSTLY, which refuses a
 * request before it runs, this is found while running it.
 */
export function queryTooExpensive(
  message = 'The operation needed more memory or time than the database allows one query; ask for less (a smaller depth, limit or page) and try again',
): MetalayerError {
  return new MetalayerError(ErrorCode.QUERY_TOO_EXPENSIVE, message);
}
