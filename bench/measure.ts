/**
 * Latency sampling: warm-up runs, then runs until both a minimum count and a
 * time budget are reached (or a maximum count), one at a time.
 */
export interface Budget {
  warmup: number;
  minRuns: number;
  maxRuns: number;
  /** Keep sampling until this much time has passed, in milliseconds. */
  ms: number;
}

export interface Latency {
  runs: number;
  p50: number;
  p99: number;
  mean: number;
}

export async function sample(budget: Budget, run: (i: number) => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < budget.warmup; i++) await run(i);
  const times: number[] = [];
  const started = performance.now();
  while (times.length < budget.maxRuns && (times.length < budget.minRuns || performance.now() - started < budget.ms)) {
    const t = performance.now();
    await run(budget.warmup + times.length);
    times.push(performance.now() - t);
  }
  return summarize(times);
}

export function summarize(times: readonly number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  const mean = sorted.reduce((sum, t) => sum + t, 0) / Math.max(1, sorted.length);
  return { runs: sorted.length, p50: rank(0.5), p99: rank(0.99), mean };
}
