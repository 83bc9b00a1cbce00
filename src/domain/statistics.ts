import { badInput, type FieldPath } from './errors.js';
import { describeJson, isJsonObject } from './json.js';
import type { JsonObject, JsonValue } from './kinds.js';

/**
 * The statistics format that drift compares (docs/analytics.md), and its
 * validation. Pure. A statistics object with a `features` key must match it:
 *
 *     { "rows": 1000,
 *       "features": {
 *         "age":  { "type": "numeric", "bins": [0, 30, 60, 90], "counts": [120, 700, 180], "missing": 0 },
 *         "city": { "type": "categorical", "counts": { "Paris": 10 }, "missing": 0 } } }
 *
 * `bins` are strictly ascending finite edges, one more than `counts`; each
 * bin holds the values at or above its left edge and below its right one.
 * Counts and `missing` are non-negative integers. Statistics without a
 * `features` key stay free-form, and are no baseline.
 */

export interface NumericFeature {
  type: 'numeric';
  bins: number[];
  counts: number[];
  missing: number;
}

export interface CategoricalFeature {
  type: 'categorical';
  counts: Record<string, number>;
  missing: number;
}

export type FeatureStatistics = NumericFeature | CategoricalFeature;

export interface FeatureTable {
  features: Record<string, FeatureStatistics>;
}

/**
 * Checks statistics given as input at `field`: refused with BAD_USER_INPUT
 * naming the JSON path inside them (`['statistics', 'features', 'age',
 * 'bins']`) when they have a `features` key and do not match the format.
 */
export function checkStatistics(statistics: JsonObject, field: FieldPath): void {
  if (!Object.hasOwn(statistics, 'features')) return;
  const rows = statistics['rows'];
  if (rows !== undefined) requireCount(rows, [...field, 'rows']);
  const features = statistics['features'];
  const path = [...field, 'features'];
  if (!isJsonObject(features)) throw badInput(path, `expected an object of features by name, received ${describeJson(features)}`);
  for (const [name, feature] of Object.entries(features)) checkFeature(feature, [...path, name]);
}

/** The features of statistics in the format, or null when they are free-form (or missing). */
export function featureTable(statistics: JsonObject | null | undefined): FeatureTable | null {
  if (!statistics || !Object.hasOwn(statistics, 'features')) return null;
  try {
    checkStatistics(statistics, []);
  } catch {
    // Stored by another tool without validation: not a baseline, rather than an error.
    return null;
  }
  // Checked just above: every feature matches the format.
  return { features: statistics['features'] as unknown as Record<string, FeatureStatistics> };
}

function checkFeature(feature: JsonValue | undefined, path: FieldPath): void {
  if (!isJsonObject(feature)) throw badInput(path, `expected a feature's statistics object, received ${describeJson(feature)}`);
  const type = feature['type'];
  if (type === 'numeric') checkNumeric(feature, path);
  else if (type === 'categorical') checkCategorical(feature, path);
  else throw badInput([...path, 'type'], `expected "numeric" or "categorical", received ${describeJson(type ?? null)}`);
  requireCount(feature['missing'], [...path, 'missing']);
}

function checkNumeric(feature: JsonObject, path: FieldPath): void {
  const bins = feature['bins'];
  const counts = feature['counts'];
  if (!Array.isArray(bins) || bins.length < 2) {
    throw badInput([...path, 'bins'], `expected at least two ascending bin edges, received ${describeJson(bins ?? null)}`);
  }
  bins.forEach((edge, i) => {
    if (typeof edge !== 'number') throw badInput([...path, 'bins', i], `expected a number, received ${describeJson(edge)}`);
    const previous = bins[i - 1];
    if (typeof previous === 'number' && edge <= previous) {
      throw badInput([...path, 'bins', i], `expected edges in strictly ascending order, received ${edge} after ${previous}`);
    }
  });
  if (!Array.isArray(counts) || counts.length !== bins.length - 1) {
    const received = Array.isArray(counts) ? `${counts.length} counts` : describeJson(counts ?? null);
    throw badInput([...path, 'counts'], `expected ${bins.length - 1} counts (one fewer than the bin edges), received ${received}`);
  }
  counts.forEach((count, i) => requireCount(count, [...path, 'counts', i]));
}

function checkCategorical(feature: JsonObject, path: FieldPath): void {
  const counts = feature['counts'];
  if (!isJsonObject(counts)) {
    throw badInput([...path, 'counts'], `expected an object of counts by category, received ${describeJson(counts ?? null)}`);
  }
  for (const [category, count] of Object.entries(counts)) requireCount(count, [...path, 'counts', category]);
}

function requireCount(value: JsonValue | undefined, path: FieldPath): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    const received = typeof value === 'number' ? String(value) : describeJson(value ?? null);
    throw badInput(path, `expected a non-negative integer, received ${received}`);
  }
}
