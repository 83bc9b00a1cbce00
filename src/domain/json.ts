import { badInput, type FieldPath } from './errors.js';
import type { JsonObject, JsonValue } from './kinds.js';

/** JSON text with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Bounds on a free-form JSON object, so one asset cannot swell the store or a response. */
export const MAX_JSON_BYTES = 64 * 1024;
export const MAX_JSON_DEPTH = 16;

/**
 * Checks that `value` is a JSON object of at most MAX_JSON_BYTES serialised
 * and MAX_JSON_DEPTH levels, whose numbers are finite and whose keys are not
 * `__proto__`; names the field (or the path inside it) otherwise.
 */
export function requireJsonObject(value: unknown, field: FieldPath): JsonObject {
  if (!isJsonObject(value)) {
    throw badInput(field, `expected a JSON object, received ${describeJson(value)}`);
  }
  checkJsonValue(value, field, 1);
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > MAX_JSON_BYTES) {
    throw badInput(field, `expected at most ${MAX_JSON_BYTES} bytes of JSON, received ${bytes}`);
  }
  return value;
}

function checkJsonValue(value: unknown, path: FieldPath, depth: number): asserts value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badInput(path, `expected a finite number, received ${value}`);
    return;
  }
  if (typeof value !== 'object') throw badInput(path, `expected a JSON value, received ${typeof value}`);
  if (depth > MAX_JSON_DEPTH) throw badInput(path, `expected at most ${MAX_JSON_DEPTH} levels of nesting`);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonValue(item, [...path, i], depth + 1));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') throw badInput(path, 'the property name "__proto__" is reserved');
    checkJsonValue(item, [...path, key], depth + 1);
  }
}

export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value === 'object' ? 'an object' : `a ${typeof value}`}`;
}
