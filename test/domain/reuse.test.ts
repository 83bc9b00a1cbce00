import { describe, expect, test } from 'vitest';
import { canonicalJson, comparedContent, duplicateKind, fingerprint } from '../../src/domain/reuse.js';

describe('reusable steps: what duplicates compare', () => {
  test('canonical JSON sorts object keys at every depth and keeps arrays in order', () => {
    expect(canonicalJson({ b: [{ z: 1, a: null }, 'x'], a: { d: true, c: 1.5 } })).toBe('{"a":{"c":1.5,"d":true},"b":[{"a":null,"z":1},"x"]}');
    expect(canonicalJson({ 'é': 1, e: 2, E: 3 })).toBe('{"E":3,"e":2,"é":1}');
  });

  test('a fingerprint is the SHA-256 of the kind and the canonical JSON, whatever the key order', () => {
    const print = fingerprint('MODEL_PARAMS', { lr: 0.1, depth: 3 });
    expect(print).toBe(fingerprint('MODEL_PARAMS', { depth: 3, lr: 0.1 }));
    // What `printf 'MODEL_PARAMS\n{"depth":3,"lr":0.1}' | sha256sum` prints: stable across releases and engines.
    expect(print).toBe('08b19db27afc23cec885e0fed92f24db2aaab226ae836bcb7b57f93e05443ab4');
    expect(fingerprint('DATASET', { depth: 3, lr: 0.1 })).not.toBe(print);
  });

  test('each kind compares its own work; nothing to compare is never a duplicate', () => {
    expect(comparedContent('DATASET', { source: 's3://a', statistics: null, params: { x: 1 } })).toEqual({ source: 's3://a', statistics: null });
    expect(comparedContent('DATASET', { source: null, statistics: null })).toBeNull();
    expect(
      comparedContent('FEATURESET', {
        features: [
          { name: 'y', dtype: 'float' },
          { name: 'x', dtype: 'int' },
        ],
        datasets: ['datasets/b', 'datasets/a', 'datasets/b'],
      }),
    ).toEqual({
      features: [
        { name: 'x', dtype: 'int' },
        { name: 'y', dtype: 'float' },
      ],
      datasets: ['datasets/a', 'datasets/b'],
    });
    expect(comparedContent('FEATURESET', { features: [], datasets: [] })).toBeNull();
    expect(comparedContent('MODEL_PARAMS', { params: {} })).toBeNull();
    expect(comparedContent('MODEL_PARAMS', { params: { a: [1, 2] } })).toEqual({ a: [1, 2] });
  });

  test('only datasets, featuresets and params have work to compare', () => {
    expect(duplicateKind('FEATURESET', 'kind')).toBe('FEATURESET');
    expect(() => duplicateKind('MODEL', 'kind')).toThrow(/expected one of DATASET, FEATURESET, MODEL_PARAMS, received MODEL/);
  });
});
