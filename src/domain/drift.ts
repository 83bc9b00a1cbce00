import type { AssetRecord } from './kinds.js';
import type { CategoricalFeature, FeatureStatistics, FeatureTable, NumericFeature } from './statistics.js';

/**
 * Training/serving drift between a baseline and a current feature table
 * (statistics.ts). Pure.
 *
 * - Proportions leave `missing` out.
 * - PSI = Σ (a − e)·ln(a / e), e the baseline proportion and a the current
 *   one; a zero proportion counts as 0.0001, without renormalising.
 * - JENSEN_SHANNON is the Jensen–Shannon distance (the square root of the
 *   divergence) with base-2 logarithms, in [0, 1]; 0·log 0 = 0.
 * - Categories are the union of both sides.
 * - A numeric feature whose edges differ from the baseline's is re-binned
 *   onto them, assuming uniform density within a bin, with an underflow bin
 *   (−∞, e₀) and an overflow bin [eₙ, ∞) keeping what lies outside.
 * - A baseline of several tables sums each feature's counts, after
 *   re-binning onto the edges of the first table (the oldest) that has it.
 */

export type DriftMethod = 'PSI' | 'JENSEN_SHANNON';

export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = { PSI: 0.2, JENSEN_SHANNON: 0.1 };

/** What a zero proportion counts as in PSI. */
export const PSI_FLOOR = 0.0001;

export type FeatureDriftStatus = 'COMPARED' | 'MISSING_IN_CURRENT' | 'NEW_IN_CURRENT' | 'NO_BASELINE';

export interface FeatureDrift {
  name: string;
  status: FeatureDriftStatus;
  /** Null unless COMPARED. */
  score: number | null;
  drifted: boolean;
  /** Whether counts were re-binned onto other edges (the current's onto the baseline's, or baselines onto the oldest's). */
  rebinned: boolean;
}

export interface DriftComparison {
  method: DriftMethod;
  threshold: number;
  drifted: boolean;
  features: FeatureDrift[];
}

/** A comparison with the assets whose statistics it compared: the baseline's, oldest first, and the current one. */
export interface DriftReportRecord extends DriftComparison {
  baseline: AssetRecord[];
  current: AssetRecord;
}

/**
 * A numeric distribution over `edges`, with what lies below the first edge
 * (`under`) and at or above the last (`over`).
 */
interface Histogram {
  edges: readonly number[];
  counts: number[];
  under: number;
  over: number;
}

/** A feature's baseline: its counts summed over the baseline tables that have it. */
type Baseline =
  | { type: 'numeric'; histogram: Histogram; rebinned: boolean }
  | { type: 'categorical'; counts: Map<string, number> };

/**
 * Compares `current` with the baseline `baselines` (oldest first), feature
 * by feature in name order: COMPARED with a score where both sides have
 * values of the same type; MISSING_IN_CURRENT for a baseline feature the
 * current table lacks or holds no value of; NEW_IN_CURRENT for a current
 * feature no baseline table has; NO_BASELINE where the baseline holds no
 * value of it, or values of the other type.
 */
export function compareTables(
  baselines: readonly FeatureTable[],
  current: FeatureTable,
  method: DriftMethod,
  threshold: number = DEFAULT_THRESHOLDS[method],
): DriftComparison {
  const names = new Set([...baselines.flatMap((table) => Object.keys(table.features)), ...Object.keys(current.features)]);
  const features = [...names].sort(byCodeUnits).map((name) => compareFeature(name, baselines, current, method, threshold));
  return { method, threshold, drifted: features.some((feature) => feature.drifted), features };
}

function compareFeature(
  name: string,
  baselines: readonly FeatureTable[],
  current: FeatureTable,
  method: DriftMethod,
  threshold: number,
): FeatureDrift {
  const ours = Object.hasOwn(current.features, name) ? current.features[name] : undefined;
  const sides = baselines.flatMap((table) => (Object.hasOwn(table.features, name) && table.features[name] ? [table.features[name]] : []));
  const outcome = (status: FeatureDriftStatus): FeatureDrift => ({ name, status, score: null, drifted: false, rebinned: false });
  if (sides.length === 0) return outcome('NEW_IN_CURRENT');
  if (!ours || total(ours) === 0) return outcome('MISSING_IN_CURRENT');
  const baseline = combine(sides);
  const compared = baseline && countVectors(baseline, ours);
  if (!compared) return outcome('NO_BASELINE');
  const [expected, actual, rebinned] = compared;
  const score = divergence(method, proportions(expected), proportions(actual));
  return { name, status: 'COMPARED', score, drifted: score >= threshold, rebinned };
}

/** The score of `method` between the baseline proportions `e` and the current ones `a`, bin by bin. */
export function divergence(method: DriftMethod, e: readonly number[], a: readonly number[]): number {
  return method === 'PSI' ? psi(e, a) : jensenShannon(e, a);
}

export function psi(e: readonly number[], a: readonly number[]): number {
  let sum = 0;
  e.forEach((expected, i) => {
    const ei = expected === 0 ? PSI_FLOOR : expected;
    const ai = (a[i] ?? 0) === 0 ? PSI_FLOOR : (a[i] ?? 0);
    sum += (ai - ei) * Math.log(ai / ei);
  });
  return sum;
}

export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  let divergenceBits = 0;
  p.forEach((pi, i) => {
    const qi = q[i] ?? 0;
    const mi = (pi + qi) / 2;
    if (pi > 0) divergenceBits += 0.5 * pi * Math.log2(pi / mi);
    if (qi > 0) divergenceBits += 0.5 * qi * Math.log2(qi / mi);
  });
  // Rounding can leave the divergence a hair outside [0, 1].
  return Math.sqrt(Math.min(1, Math.max(0, divergenceBits)));
}

/** Counts as proportions of their sum. */
function proportions(counts: readonly number[]): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  return counts.map((count) => (sum === 0 ? 0 : count / sum));
}

/** The values a feature holds, `missing` left out. */
function total(feature: FeatureStatistics): number {
  const counts = feature.type === 'numeric' ? feature.counts : Object.values(feature.counts);
  return counts.reduce((a, b) => a + b, 0);
}

/** Sums the baseline tables' statistics of one feature; null when they disagree on its type or hold no value. */
function combine(sides: readonly FeatureStatistics[]): Baseline | null {
  const [first] = sides;
  if (!first || sides.some((side) => side.type !== first.type) || sides.every((side) => total(side) === 0)) return null;
  if (first.type === 'categorical') {
    const counts = new Map<string, number>();
    for (const side of sides as CategoricalFeature[]) {
      for (const [category, count] of Object.entries(side.counts)) counts.set(category, (counts.get(category) ?? 0) + count);
    }
    return { type: 'categorical', counts };
  }
  const histogram: Histogram = { edges: first.bins, counts: first.counts.map(() => 0), under: 0, over: 0 };
  let rebinned = false;
  for (const side of sides as NumericFeature[]) {
    const onto = rebin(asHistogram(side), first.bins);
    rebinned ||= !sameEdges(side.bins, first.bins);
    onto.counts.forEach((count, i) => (histogram.counts[i] = (histogram.counts[i] ?? 0) + count));
    histogram.under += onto.under;
    histogram.over += onto.over;
  }
  return { type: 'numeric', histogram, rebinned };
}

/** The baseline's and the current's counts over the same bins or categories, and whether any were re-binned; null for features of different types. */
function countVectors(baseline: Baseline, current: FeatureStatistics): [number[], number[], boolean] | null {
  if (baseline.type === 'numeric' && current.type === 'numeric') return numericVectors(baseline, current);
  if (baseline.type === 'categorical' && current.type === 'categorical') return categoricalVectors(baseline.counts, current);
  return null;
}

/** The baseline's and the current's counts over the same bins, and whether any were re-binned. */
function numericVectors(baseline: Extract<Baseline, { type: 'numeric' }>, current: NumericFeature): [number[], number[], boolean] {
  const base = baseline.histogram;
  const same = sameEdges(current.bins, base.edges);
  const ours = same ? asHistogram(current) : rebin(asHistogram(current), base.edges);
  const rebinned = baseline.rebinned || !same;
  // Under- and overflow bins count only where some count lies outside the edges (both are 0 otherwise, and add nothing).
  const vector = (h: Histogram) => (rebinned ? [h.under, ...h.counts, h.over] : h.counts);
  return [vector(base), vector(ours), rebinned];
}

function categoricalVectors(baseline: ReadonlyMap<string, number>, current: CategoricalFeature): [number[], number[], boolean] {
  const categories = [...new Set([...baseline.keys(), ...Object.keys(current.counts)])].sort(byCodeUnits);
  const ours = (category: string) => (Object.hasOwn(current.counts, category) ? (current.counts[category] ?? 0) : 0);
  return [categories.map((category) => baseline.get(category) ?? 0), categories.map(ours), false];
}

function asHistogram(feature: NumericFeature): Histogram {
  return { edges: feature.bins, counts: [...feature.counts], under: 0, over: 0 };
}

function sameEdges(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((edge, i) => edge === b[i]);
}

/**
 * `source` re-binned onto `edges`: each bin's count spread over the target
 * bins in proportion to their overlap (uniform density within a bin), what
 * lies below the first edge or above the last kept in `under` and `over`.
 */
export function rebin(source: Histogram, edges: readonly number[]): Histogram {
  const first = edges[0] ?? 0;
  const last = edges[edges.length - 1] ?? 0;
  const target: Histogram = { edges, counts: edges.slice(1).map(() => 0), under: source.under, over: source.over };
  source.counts.forEach((count, j) => {
    const low = source.edges[j] ?? 0;
    const high = source.edges[j + 1] ?? low;
    const width = high - low;
    if (count === 0 || width <= 0) return;
    const share = (from: number, to: number) => (count * Math.max(0, Math.min(high, to) - Math.max(low, from))) / width;
    target.under += share(-Infinity, first);
    target.over += share(last, Infinity);
    for (let i = 0; i + 1 < edges.length; i += 1) {
      target.counts[i] = (target.counts[i] ?? 0) + share(edges[i] ?? 0, edges[i + 1] ?? 0);
    }
  });
  return target;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
