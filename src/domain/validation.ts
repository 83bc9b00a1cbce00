import { badInput, type FieldPath } from './errors.js';
import { isValidKey } from './ids.js';
import { requireJsonObject } from './json.js';
import type { Feature, JsonObject, Metrics } from './kinds.js';

/** Input checks shared by every mutation; each error names the field at fault. Instants are in instants.ts. */

export const MAX_NAME_LENGTH = 256;
/** The longest optional text (a description, a URI). */
export const MAX_TEXT_LENGTH = MAX_NAME_LENGTH * 16;
/** The most items one list input (ids, metrics, features) may hold. */
export const MAX_LIST_LENGTH = 1000;

export function requireListLength(length: number, field: FieldPath): void {
  if (length > MAX_LIST_LENGTH) {
    throw badInput(field, `expected at most ${MAX_LIST_LENGTH} items, received ${length}`);
  }
}

export function requireName(value: string, field: FieldPath): string {
  const name = value.trim();
  if (name.length === 0) throw badInput(field, 'expected a non-empty name, received an empty string');
  if (name.length > MAX_NAME_LENGTH) {
    throw badInput(field, `expected at most ${MAX_NAME_LENGTH} characters, received ${name.length}`);
  }
  return name;
}

/**
 * A name metalayer makes from others (a run's "… params"): cut to
 * MAX_NAME_LENGTH with an ellipsis, so a generated name is never refused
 * where the name it was made from was accepted.
 */
export function boundedName(name: string): string {
  const chars = [...name];
  return chars.length <= MAX_NAME_LENGTH ? name : `${chars.slice(0, MAX_NAME_LENGTH - 1).join('')}…`;
}

/** An optional short text: trimmed, and null when empty. */
export function optionalText(value: string | null | undefined, field: FieldPath): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > MAX_TEXT_LENGTH) {
    throw badInput(field, `expected at most ${MAX_TEXT_LENGTH} characters, received ${text.length}`);
  }
  return text.length === 0 ? null : text;
}

export function optionalKey(value: string | null | undefined, field: FieldPath): string | null {
  if (value === null || value === undefined) return null;
  if (!isValidKey(value)) {
    throw badInput(
      field,
      `expected 1 to 254 letters, digits or any of _-:.@()+,=;$!*'%, received ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function optionalProperties(value: unknown, field: FieldPath): JsonObject {
  return value === null || value === undefined ? {} : requireJsonObject(value, field);
}

export function requireMetrics(
  metrics: readonly { name: string; value: number }[] | null | undefined,
  field: FieldPath,
): Metrics {
  const result: Metrics = {};
  requireListLength(metrics?.length ?? 0, field);
  (metrics ?? []).forEach((metric, i) => {
    const name = requireName(metric.name, [...field, i, 'name']);
    if (!Number.isFinite(metric.value)) {
      throw badInput([...field, i, 'value'], `expected a finite number, received ${metric.value}`);
    }
    if (Object.hasOwn(result, name)) throw badInput([...field, i, 'name'], `metric "${name}" is given twice`);
    result[name] = metric.value;
  });
  return result;
}

export function requireFeatures(features: readonly Feature[] | null | undefined, field: FieldPath): Feature[] {
  const seen = new Set<string>();
  requireListLength(features?.length ?? 0, field);
  return (features ?? []).map((feature, i) => {
    const name = requireName(feature.name, [...field, i, 'name']);
    const dtype = requireName(feature.dtype, [...field, i, 'dtype']);
    if (seen.has(name)) throw badInput([...field, i, 'name'], `feature "${name}" is given twice`);
    seen.add(name);
    return { name, dtype };
  });
}
