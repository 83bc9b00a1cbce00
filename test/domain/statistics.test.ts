import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/domain/kinds.js';
import { checkStatistics, featureTable } from '../../src/domain/statistics.js';

const valid: JsonObject = {
  rows: 1000,
  features: {
    age: { type: 'numeric', bins: [0, 30, 60, 90], counts: [120, 700, 180], missing: 0 },
    city: { type: 'categorical', counts: { Paris: 10, Rome: 5 }, missing: 0 },
  },
};

function refusal(statistics: JsonObject): unknown {
  try {
    checkStatistics(statistics, ['statistics']);
  } catch (error) {
    return error;
  }
  throw new Error('accepted');
}

const withFeature = (feature: JsonObject): JsonObject => ({ features: { age: feature } });

describe('the statistics format', () => {
  it('accepts the documented example, and free-form statistics without `features`', () => {
    expect(() => checkStatistics(valid, ['statistics'])).not.toThrow();
    expect(() => checkStatistics({ rows: 3, columns: ['a'] }, ['statistics'])).not.toThrow();
    expect(featureTable(valid)?.features['city']).toEqual({ type: 'categorical', counts: { Paris: 10, Rome: 5 }, missing: 0 });
    expect(featureTable({ rows: 3, columns: ['a'] })).toBeNull();
    expect(featureTable(null)).toBeNull();
    expect(featureTable({ features: { age: { type: 'numeric' } } })).toBeNull();
  });

  it.each([
    [withFeature({ type: 'numeric', bins: [0, 30, 30], counts: [1, 2], missing: 0 }), ['statistics', 'features', 'age', 'bins', 2], 'expected edges in strictly ascending order, received 30 after 30'],
    [withFeature({ type: 'numeric', bins: [0, 30, 60], counts: [1], missing: 0 }), ['statistics', 'features', 'age', 'counts'], 'expected 2 counts (one fewer than the bin edges), received 1 counts'],
    [withFeature({ type: 'numeric', bins: [0], counts: [], missing: 0 }), ['statistics', 'features', 'age', 'bins'], 'expected at least two ascending bin edges, received an array'],
    [withFeature({ type: 'numeric', bins: [0, 'a'], counts: [1], missing: 0 }), ['statistics', 'features', 'age', 'bins', 1], 'expected a number, received the string "a"'],
    [withFeature({ type: 'numeric', bins: [0, 1], counts: [-1], missing: 0 }), ['statistics', 'features', 'age', 'counts', 0], 'expected a non-negative integer, received -1'],
    [withFeature({ type: 'numeric', bins: [0, 1], counts: [1.5], missing: 0 }), ['statistics', 'features', 'age', 'counts', 0], 'expected a non-negative integer, received 1.5'],
    [withFeature({ type: 'numeric', bins: [0, 1], counts: [1] }), ['statistics', 'features', 'age', 'missing'], 'expected a non-negative integer, received null'],
    [withFeature({ type: 'categorical', counts: { Paris: -2 }, missing: 0 }), ['statistics', 'features', 'age', 'counts', 'Paris'], 'expected a non-negative integer, received -2'],
    [withFeature({ type: 'categorical', counts: [1], missing: 0 }), ['statistics', 'features', 'age', 'counts'], 'expected an object of counts by category, received an array'],
    [withFeature({ type: 'ordinal', counts: {}, missing: 0 }), ['statistics', 'features', 'age', 'type'], 'expected "numeric" or "categorical", received the string "ordinal"'],
    [{ features: { age: 3 } }, ['statistics', 'features', 'age'], "expected a feature's statistics object, received a number"],
    [{ features: [] }, ['statistics', 'features'], 'expected an object of features by name, received an array'],
    [{ rows: -1, features: {} }, ['statistics', 'rows'], 'expected a non-negative integer, received -1'],
  ] as const)('refuses %j naming the JSON path', (statistics, field, detail) => {
    expect(refusal(statistics as unknown as JsonObject)).toMatchObject({ code: 'BAD_USER_INPUT', field, detail });
  });
});
