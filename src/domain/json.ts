import { badInput } from './errors.js';
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

/** Checks that `value` is a JSON object whose numbers are finite; names `field` otherwise. */
export function requireJsonObject(value: unknown, field: string): JsonObject {
  if (!isJsonObject(value)) {
    throw badInput(field, `expected a JSON object, received ${describeJson(value)}`);
  }
  checkJsonValue(value, field);
  return value;
}

function checkJsonValue(value: unknown, path: string): asserts value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw badInput(path, `expected a finite number, received ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonValue(item, `${path}.${i}`));
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkJsonValue(v, `${path}.${k}`);
    return;
  }
  throw badInput(path, `expected a JSON value, received ${typeof value}`);
}

export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value === 'object' ? 'an object' : `a ${typeof value}`}`;
}
