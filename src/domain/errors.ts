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
  /** A stored value that no reading makes sense of (a creation time in no known format). */
  UNREADABLE_STORED_VALUE: 'UNREADABLE_STORED_VALUE',
  QUERY_TOO_EXPENSIVE: 'QUERY_TOO_EXPENSIVE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A reference to the input field at fault, as a path into what the client
 * sent: `['datasets', 1]`. The domain and the core name fields relative to
 * an operation's input; each adapter renders the path its own way (GraphQL
 * as `input.datasets.1` under the argument that carried the input, a JSON
 * body as `$.datasets[1]`).
 */
export type FieldPath = readonly (string | number)[];

/** A path as GraphQL clients read it in `extensions.field`: `input.datasets.1`. */
export function dottedPath(path: FieldPath): string {
  return path.join('.');
}

/** A path into a JSON body: `$.inputs[0].name`. */
export function jsonPath(path: FieldPath): string {
  return '$' + path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
}

export class MetalayerError extends Error {
  override readonly name = 'MetalayerError';
  constructor(
    readonly code: ErrorCode,
    /** What went wrong, without the field: every adapter puts its own rendering of `field` before it. */
    readonly detail: string,
    /** The input field at fault. */
    readonly field?: FieldPath,
    options?: { cause?: unknown },
  ) {
    super(field ? `${dottedPath(field)}: ${detail}` : detail, options);
  }

  /** The same failure with its field placed under `root`, the adapter's name for the input. */
  under(...root: (string | number)[]): MetalayerError {
    if (!this.field) return this;
    return new MetalayerError(this.code, this.detail, [...root, ...this.field], { cause: this.cause });
  }

  /** The same failure with a different detail, for an adapter that must say less. */
  withDetail(detail: string): MetalayerError {
    return new MetalayerError(this.code, detail, this.field, { cause: this.cause });
  }
}

/** Whether two field paths are the same field. */
export function sameField(a: FieldPath | undefined, b: FieldPath): boolean {
  return a !== undefined && a.length === b.length && a.every((part, i) => part === b[i]);
}

export function badInput(field: FieldPath, message: string): MetalayerError {
  return new MetalayerError(ErrorCode.BAD_USER_INPUT, message, field);
}

export function notFound(id: string, field?: FieldPath): MetalayerError {
  return new MetalayerError(ErrorCode.NOT_FOUND, field ? `no asset with id "${id}"` : `No asset with id "${id}"`, field);
}

export function conflict(message: string, field?: FieldPath): MetalayerError {
  return new MetalayerError(ErrorCode.CONFLICT, message, field);
}

export function storeUnavailable(cause?: unknown): MetalayerError {
  return new MetalayerError(ErrorCode.STORE_UNAVAILABLE, 'The store is unavailable; try again later', undefined, { cause });
}

/** The request carries no valid credentials for what it asks: a token (or a better one) would help. */
export function unauthenticated(message: string): MetalayerError {
  return new MetalayerError(ErrorCode.UNAUTHENTICATED, message);
}

/** The viewer is known, but its role or project scope does not allow this. */
export function forbidden(message: string, field?: FieldPath): MetalayerError {
  return new MetalayerError(ErrorCode.FORBIDDEN, message, field);
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

/** A stored value of `id` that cannot be read as `what`: the data's fault, never the client's or an internal one. */
export function unreadableStoredValue(id: string, what: string, value: string): MetalayerError {
  return new MetalayerError(
    ErrorCode.UNREADABLE_STORED_VALUE,
    `The stored ${what} of "${id}" cannot be read: ${JSON.stringify(value.slice(0, 64))} is not a date-time`,
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
