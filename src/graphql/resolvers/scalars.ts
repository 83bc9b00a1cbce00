import { GraphQLError, GraphQLScalarType, Kind, print, type ValueNode } from 'graphql';
import { ErrorCode } from '../../domain/errors.js';
import { isCanonicalInstant, parseInstant } from '../../domain/instants.js';
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

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => {
    if (typeof value === 'string' && isCanonicalInstant(value)) return value;
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
