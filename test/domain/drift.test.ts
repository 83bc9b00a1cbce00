import { describe, expect, it } from 'vitest';
import { compareTables, jensenShannon, psi, rebin } from '../../src/domain/drift.js';
import type { FeatureStatistics, FeatureTable } from '../../src/domain/statistics.js';

const numeric = (bins: number[], counts: number[], missing = 0): FeatureStatistics => ({ type: 'numeric', bins, counts, missing });
const categorical = (counts: Record<string, number>, missing = 0): FeatureStatistics => ({ type: 'categorical', counts, missing });
const table = (features: Record<string, FeatureStatistics>): FeatureTable => ({ features });

/** The one feature `x` of a comparison. */
function scoreOf(baselines: FeatureTable[], current: FeatureTable, method: 'PSI' | 'JENSEN_SHANNON' = 'PSI') {
  const [feature] = compareTables(baselines, current, method).features;
  return feature;
}

describe('PSI and Jensen–Shannon against hand-computed figures', () => {
  it('identical distributions score 0 by both methods', () => {
    const same = table({ x: numeric([0, 1, 2], [30, 70]) });
    expect(scoreOf([same], same)).toEqual({ name: 'x', status: 'COMPARED', score: 0, drifted: false, rebinned: false });
    expect(scoreOf([same], same, 'JENSEN_SHANNON')).toEqual({ name: 'x', status: 'COMPARED', score: 0, drifted: false, rebinned: false });
  });

  it('a shifted distribution: e = (0.5, 0.5), a = (0.9, 0.1)', () => {
    // PSI = 0.4·ln(0.9/0.5) + (−0.4)·ln(0.1/0.5) = 0.4·ln 1.8 + 0.4·ln 5
    // JS: m = (0.7, 0.3); D = ½(½log₂(5/7) + ½log₂(5/3)) + ½(0.9·log₂(9/7) + 0.1·log₂(1/3)) = 0.146793…
    const baseline = table({ x: numeric([0, 1, 2], [50, 50]) });
    const current = table({ x: numeric([0, 1, 2], [90, 10], 25) });
    expect(scoreOf([baseline], current)?.score).toBeCloseTo(0.8788898309, 9);
    expect(scoreOf([baseline], current)?.drifted).toBe(true);
    expect(scoreOf([baseline], current, 'JENSEN_SHANNON')?.score).toBeCloseTo(0.3831358799, 9);
  });

  it('counts a zero proportion as 0.0001 for PSI only, without renormalising', () => {
    // e = (1, 0.0001), a = (0.5, 0.5): (0.5 − 1)·ln 0.5 + (0.5 − 0.0001)·ln(0.5/0.0001)
    expect(psi([1, 0], [0.5, 0.5])).toBeCloseTo(4.6043184667, 9);
    expect(jensenShannon([1, 0], [0, 1])).toBe(1);
    expect(jensenShannon([1, 0], [1, 0])).toBe(0);
  });

  it('re-binned: finer edges spread onto the baseline’s score 0 and say so', () => {
    const baseline = table({ x: numeric([0, 10, 20], [50, 50]) });
    const finer = table({ x: numeric([0, 5, 10, 15, 20], [25, 25, 25, 25]) });
    expect(scoreOf([baseline], finer)).toEqual({ name: 'x', status: 'COMPARED', score: 0, drifted: false, rebinned: true });
  });

  it('re-binned: current data beyond the baseline’s range lands in the overflow bin', () => {
    // [10, 20) → bin 1 (40), [20, 30) → overflow (60): e = (0, .5, .5, 0), a = (0, 0, .4, .6)
    // PSI = (.0001 − .5)·ln(.0001/.5) + (.4 − .5)·ln(.8) + (.6 − .0001)·ln(.6/.0001)
    const baseline = table({ x: numeric([0, 10, 20], [50, 50]) });
    const shifted = table({ x: numeric([10, 20, 30], [40, 60]) });
    expect(scoreOf([baseline], shifted)?.score).toBeCloseTo(9.4988981290, 9);
    expect(scoreOf([baseline], shifted, 'JENSEN_SHANNON')?.score).toBeCloseTo(0.7443223583, 9);
    expect(scoreOf([baseline], shifted)?.rebinned).toBe(true);
  });

  it('re-bins by overlap, assuming uniform density, with under- and overflow', () => {
    const source = { edges: [-5, 5, 15, 25], counts: [10, 20, 30], under: 0, over: 0 };
    expect(rebin(source, [0, 10, 20])).toEqual({ edges: [0, 10, 20], counts: [15, 25], under: 5, over: 15 });
  });

  it('categorical: categories are the union of both sides', () => {
    // e = (Oslo 0, Paris .5, Rome .5), a = (.25, .5, .25)
    // PSI = (.25 − .0001)·ln(.25/.0001) + 0 + (.25 − .5)·ln(.5)
    const baseline = table({ x: categorical({ Paris: 10, Rome: 10 }) });
    const current = table({ x: categorical({ Paris: 10, Rome: 5, Oslo: 5 }, 7) });
    expect(scoreOf([baseline], current)?.score).toBeCloseTo(2.1285158933, 9);
    expect(scoreOf([baseline], current, 'JENSEN_SHANNON')?.score).toBeCloseTo(0.3945111687, 9);
  });

  it('sums several baselines after re-binning onto the oldest’s edges', () => {
    const oldest = table({ x: numeric([0, 10, 20], [10, 10]) });
    const newer = table({ x: numeric([0, 20], [20]) });
    const current = table({ x: numeric([0, 10, 20], [20, 20]) });
    // (10 + 10, 10 + 10) against (20, 20): identical once re-binned; against (36, 4): 0.4·ln 1.8 + 0.4·ln 5 = 0.4·ln 9.
    expect(scoreOf([oldest, newer], current)).toEqual({ name: 'x', status: 'COMPARED', score: 0, drifted: false, rebinned: true });
    expect(scoreOf([oldest, newer], table({ x: numeric([0, 10, 20], [36, 4]) }))?.score).toBeCloseTo(0.4 * Math.log(9), 12);
  });

  it('says which features could not be compared, and drifts at or above the threshold', () => {
    const baseline = table({ a: numeric([0, 1], [5]), gone: categorical({ x: 1 }), empty: numeric([0, 1], [0], 9), typed: numeric([0, 1], [3]) });
    const current = table({ a: numeric([0, 1], [7]), fresh: categorical({ y: 1 }), empty: numeric([0, 1], [4]), typed: categorical({ z: 1 }) });
    const report = compareTables([baseline], current, 'PSI', 0);
    expect(report).toEqual({
      method: 'PSI',
      threshold: 0,
      drifted: true,
      features: [
        { name: 'a', status: 'COMPARED', score: 0, drifted: true, rebinned: false },
        { name: 'empty', status: 'NO_BASELINE', score: null, drifted: false, rebinned: false },
        { name: 'fresh', status: 'NEW_IN_CURRENT', score: null, drifted: false, rebinned: false },
        { name: 'gone', status: 'MISSING_IN_CURRENT', score: null, drifted: false, rebinned: false },
        { name: 'typed', status: 'NO_BASELINE', score: null, drifted: false, rebinned: false },
      ],
    });
    expect(compareTables([baseline], current, 'JENSEN_SHANNON')).toMatchObject({ threshold: 0.1, drifted: false });
    expect(compareTables([baseline], current, 'PSI')).toMatchObject({ threshold: 0.2, drifted: false });
  });
});
