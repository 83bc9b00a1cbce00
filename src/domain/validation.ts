import { badInput } from './errors.js';
import { isValidKey } from './ids.js';
import { requireJsonObject } from './json.js';
import type { Feature, JsonObject, Metrics } from './kinds.js';

/** Input checks shared by every mutation; each error names the field at fault. */

export const MAX_NAME_LENGTH = 256;
/** The most items one list input (ids, metrics, features) may hold. */
export const MAX_LIST_LENGTH = 1000;

export function requireListLength(length: number, field: string): void {
  if (length > MAX_LIST_LENGTH) {
    throw badInput(field, `expected at most ${MAX_LIST_LENGTH} items, received ${length}`);
  }
}

export function requireName(value: string, field: string): string {
  const name = value.trim();
  if (name.length === 0) throw badInput(field, 'expected a non-empty name, received an empty string');
  if (name.length > MAX_NAME_LENGTH) {
    throw badInput(field, `expected at most ${MAX_NAME_LENGTH} characters, received ${name.length}`);
  }
  return name;
}

/** An optional short text: trimmed, and null when empty. */
export function optionalText(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > MAX_NAME_LENGTH * 16) {
    throw badInput(field, `expected at most ${MAX_NAME_LENGTH * 16} characters, received ${text.length}`);
  }
  return text.length === 0 ? null : text;
}

export function optionalKey(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (!isValidKey(value)) {
    throw badInput(
      field,
      `expected 1 to 254 letters, digits or any of _-:.@()+,=;$!*'%, received ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function optionalProperties(value: unknown, field: string): JsonObject {
  return value === null || value === undefined ? {} : requireJsonObject(value, field);
}

/** Instants metalayer accepts: event times of ML pipelines, not arbitrary dates. */
const EARLIEST_INSTANT = Date.UTC(1900, 0, 1);
const LATEST_INSTANT = Date.UTC(2200, 0, 1);

/** Parses an ISO 8601 instant from 1900 to 2200 and returns it normalised to UTC with milliseconds. */
export function requireInstant(value: string, field: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    throw badInput(field, `expected an ISO 8601 date-time such as "2026-01-31T12:00:00Z", received ${JSON.stringify(value)}`);
  }
  if (ms < EARLIEST_INSTANT || ms >= LATEST_INSTANT) {
    throw badInput(field, `expected an instant from 1900 to 2200, received ${JSON.stringify(value)}`);
  }
  return new Date(ms).toISOString();
}

export function optionalInstant(value: string | null | undefined, field: string): string | null {
  return value === null || value === undefined ? null : requireInstant(value, field);
}

export function requireMetrics(
  metrics: readonly { name: string; value: number }[] | null | undefined,
  field: string,
): Metrics {
  const result: Metrics = {};
  requireListLength(metrics?.length ?? 0, field);
  (metrics ?? []).forEach((metric, i) => {
    const name = requireName(metric.name, `${field}.${i}.name`);
    if (!Number.isFinite(metric.value)) {
      throw badInput(`${field}.${i}.value`, `expected a finite number, received ${metric.value}`);
    }
    if (name in result) throw badInput(`${field}.${i}.name`, `metric "${name}" is given twice`);
    result[name] = metric.value;
  });
  return result;
}

export function requireFeatures(features: readonly Feature[] | null | undefined, field: string): Feature[] {
  const seen = new Set<string>();
  requireListLength(features?.length ?? 0, field);
  return (features ?? []).map((feature, i) => {
    const name = requireName(feature.name, `${field}.${i}.name`);
    const dtype = requireName(feature.dtype, `${field}.${i}.dtype`);
    if (seen.has(name)) throw badInput(`${field}.${i}.name`, `feature "${name}" is given twice`);
    seen.add(name);
    return { name, dtype };
  });
}
