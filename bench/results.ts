import type { GraphSummary } from './data/generate.js';
import type { HttpFigures } from './http/throughput.js';
import type { WorkersFigures } from './http/workers.js';
import type { ImportFigures } from './bulk-import.js';
import type { ChangeLogFigures } from './change-log.js';
import type { ReadFigure, WorkloadCheck } from './reads.js';
import type { VariantName } from './workloads.js';

/** Everything one run measured, as written to bench/results/latest.json. */
export interface BenchResults {
  command: string;
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
  graph: Omit<GraphSummary, 'probes'> & { seed: number; dbFile: string; dbMiB: number };
  /** W6; null when an existing database file was reused. */
  load: ImportFigures | null;
  /** The change log's size on disk after the load (the import's changes). */
  changeLog: ChangeLogFigures;
  reads: ReadFigure[];
  checks: WorkloadCheck[];
  /** W4 and W5 over HTTP; null when skipped. */
  http: HttpFigures | null;
  /** W4 and a mixed read/write load over HTTP with one worker and two; null when HTTP is skipped. */
  workers: WorkersFigures | null;
  /** This process's peak resident memory: generation, import and the read phase. */
  benchMaxRssMiB: number;
  targets: Target[];
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  node: string;
  sqlite: string;
  nodeEnv: string;
}

export interface Target {
  id: string;
  goal: string;
  measured: string;
  /** null when the run did not measure it. */
  met: boolean | null;
}

/** The figure of one workload, link and variant, if measured. */
export function figure(reads: readonly ReadFigure[], workload: string, link: string, variant: VariantName): ReadFigure | undefined {
  return reads.find((r) => r.workload === workload && r.link === link && r.variant === variant);
}

/** p50(numerator) / p50(denominator) for one workload and link. */
export function ratio(reads: readonly ReadFigure[], workload: string, link: string, numerator: VariantName, denominator: VariantName): number | null {
  const top = figure(reads, workload, link, numerator);
  const bottom = figure(reads, workload, link, denominator);
  return top && bottom && bottom.latency.p50 > 0 ? top.latency.p50 / bottom.latency.p50 : null;
}

/** p50(top) / p50(bottom) of metalayer's answers in-process, for two workloads. */
function p50Ratio(reads: readonly ReadFigure[], top: string, bottom: string): number | null {
  const a = figure(reads, top, 'in-process', 'metalayer');
  const b = figure(reads, bottom, 'in-process', 'metalayer');
  return a && b && b.latency.p50 > 0 ? a.latency.p50 / b.latency.p50 : null;
}

const fixed = (value: number | null | undefined, digits = 2) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));

/** The targets, judged on this run's figures. */
export function judgeTargets(results: Omit<BenchResults, 'targets'>): Target[] {
  const { reads, http, load, graph, checks, workers } = results;
  const w1 = ratio(reads, 'W1', 'in-process', 'metalayer', 'store');
  const w1Js = ratio(reads, 'W1', 'in-process', 'graphql-js', 'store');
  const w2InProcess = ratio(reads, 'W2', 'in-process', 'metalayer', 'store');
  const w2InProcessJs = ratio(reads, 'W2', 'in-process', 'graphql-js', 'store');
  const w2 = ratio(reads, 'W2', 'rtt 0.5 ms', 'naive', 'metalayer');
  const w2Calls = figure(reads, 'W2', 'in-process', 'metalayer')?.calls;
  const w3 = figure(reads, 'W3', 'in-process', 'metalayer');
  const w3Visit = figure(reads, 'W3-visit', 'in-process', 'metalayer');
  const w3Answer = checks.find((c) => c.workload === 'W3')?.answerAssets;
  const w8 = ratio(reads, 'W8', 'in-process', 'metalayer', 'store');
  const w7 = p50Ratio(reads, 'W7', 'W1');
  const w7Down = p50Ratio(reads, 'W7-down', 'W3');
  return [
    {
      id: 'W1',
      goal: 'in-process (a)/(c) ≤ 1.5',
      measured: `(a)/(c) = ${fixed(w1)} (on graphql-js: ${fixed(w1Js)})`,
      met: w1 === null ? null : w1 <= 1.5,
    },
    {
      id: 'W2 in-process',
      goal: 'in-process (a)/(c) ≤ 2',
      measured: `(a)/(c) = ${fixed(w2InProcess)} (on graphql-js: ${fixed(w2InProcessJs)})`,
      met: w2InProcess === null ? null : w2InProcess <= 2,
    },
    {
      id: 'W2',
      goal: 'with a 0.5 ms round trip (one connection), (b)/(a) ≥ 25, and at most 4 store calls',
      measured: `(b)/(a) = ${fixed(w2, 1)}, ${w2Calls ?? 'n/a'} store calls`,
      met: w2 === null || w2Calls === undefined ? null : w2 >= 25 && w2Calls <= 4,
    },
    {
      id: 'W4',
      goal: 'over HTTP, ≥ 0.8 of the `{ __typename }` floor’s requests per second',
      measured: http ? `${fixed(http.pointLookupShareOfFloor)} of the floor` : 'not run',
      met: http ? http.pointLookupShareOfFloor >= 0.8 : null,
    },
    {
      id: 'workers',
      goal: 'HTTP reads (W4) with 2 workers ≥ 1.3× one worker; the load generator shares the cores',
      measured: workers ? `2 workers / 1 worker = ${fixed(workers.pointLookup.ratio)} on ${workers.cpus} cores` : 'not run',
      met: workers ? workers.pointLookup.ratio >= 1.3 : null,
    },
    {
      id: 'W6',
      goal: '≥ 100,000 assets and relations per second into a SQLite file',
      measured: load ? `${Math.round(load.itemsPerSecond).toLocaleString('en-US')} per second` : 'not run (database reused)',
      met: load ? load.itemsPerSecond >= 100_000 : null,
    },
    {
      id: 'W3',
      goal: 'a lineage of ≥ 100,000 reachable assets stays bounded by the node limit (1,000 assets in < 100 ms p50)',
      measured: `${graph.rootReach.toLocaleString('en-US')} reachable; ${w3Answer ?? 'n/a'} returned in ${fixed(w3?.latency.p50, 1)} ms p50; visit-limit bound ${fixed(w3Visit?.latency.p50, 0)} ms`,
      met: w3 && w3Answer !== undefined && graph.rootReach >= 100_000 ? w3Answer === 1000 && w3.latency.p50 < 100 : null,
    },
    {
      id: 'W7',
      goal: 'a lineage as of an instant beside the current one, in-process: (as of)/(current) ≤ 1.5',
      measured: `W7/W1 = ${fixed(w7)}, W7-down/W3 = ${fixed(w7Down)}`,
      met: w7 === null || w7Down === null ? null : w7 <= 1.5 && w7Down <= 1.5,
    },
    {
      id: 'W8',
      goal: 'leaderboard top 10 among all runs: in-process (a)/(c) ≤ 2 (the store reads an index range, not every run)',
      measured: `(a)/(c) = ${fixed(w8)}`,
      met: w8 === null ? null : w8 <= 2,
    },
  ];
}
