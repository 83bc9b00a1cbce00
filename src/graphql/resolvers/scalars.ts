import { GraphQLError, GraphQLScalarType, Kind, print, type ValueNode } from 'graphql';
import { ErrorCode } from '../../domain/errors.js';
import { describeJson } from '../../domain/json.js';

/**
 * The two custom scalars. Input that does not parse is the client's error:
 * a GraphQLError with code BAD_USER_INPUT naming what was expected. Output
 * that does not serialise is the server's: a plain Error, which the error
 * formatter masks as an internal error.
 */

/** `node` is the literal at fault, when there is one, so the error carries its location. */
function invalid(scalar: string, message: string, node?: ValueNode): GraphQLError {
  return new GraphQLError(`${scalar}: ${message}`, {
    ...(node ? { nodes: node } : {}),
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  });
}

/** Any JSON value: literals of every kind, including objects, lists and variables nested in them. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => {
    if (!isJson(value)) throw invalid('JSON', `expected a JSON value, received ${describeJson(value)}`);
    return value;
  },
  parseLiteral: (node, variables) => jsonFromLiteral(node, variables ?? undefined),
});

function jsonFromLiteral(node: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  switch (node.kind) {
    case Kind.NULL:
      return null;
    case Kind.BOOLEAN:
    case Kind.STRING:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map((item) => jsonFromLiteral(item, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, jsonFromLiteral(field.value, variables)]));
    case Kind.VARIABLE:
      // A variable left unset inside a JSON literal is null, as JSON has no undefined.
      return variables?.[node.name.value] ?? null;
    case Kind.ENUM:
      throw invalid('JSON', `expected a JSON value, received the enum value ${print(node)}; quote it to send a string`, node);
    default: {
      const unexpected: never = node;
      throw invalid('JSON', `expected a JSON value, received ${print(unexpected)}`, unexpected);
    }
  }
}

/** Plain JSON data: what `JSON.parse` can return, with finite numbers only. */
function isJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === null) && Object.values(value).every(isJson);
  }
  return false;
}

/**
 * ISO 8601 date-times with a UTC designator or offset (`2026-01-31T12:00:00Z`,
 * `2026-01-31T13:00:00.5+01:00`), or calendar dates (`2026-01-31`, midnight
 * UTC). A date-time without an offset is refused: it names no single instant.
 */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Parses an ISO 8601 instant; returns it in UTC with milliseconds, or null when it is not one. */
export function parseInstant(text: string): string | null {
  const match = ISO_8601.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.parse rolls 2026-02-30 over to March; a calendar check refuses it.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function parseDateTime(value: unknown, node?: ValueNode): string {
  const instant = typeof value === 'string' ? parseInstant(value) : null;
  if (instant === null) {
    throw invalid(
      'DateTime',
      `expected an ISO 8601 date-time with an offset such as "2026-01-31T12:00:00Z", received ${describeJson(value)}`,
      node,
    );
  }
  return instant;
}

/** The form every stored instant takes already (`toISOString`), which serialises as it is. */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => {
    if (typeof value === 'string' && CANONICAL_INSTANT.test(value)) return value;
    const instant = value instanceof Date ? value.toISOString() : typeof value === 'string' ? parseInstant(value) : null;
    if (instant === null) throw new TypeError(`DateTime cannot serialise ${describeJson(value)}`);
    return instant;
  },
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) {
      throw invalid('DateTime', `expected an ISO 8601 date-time string, received ${print(node)}`, node);
    }
    return parseDateTime(node.value, node);
  },
});
