import { isDeepStrictEqual } from 'node:util';
import type { Store, StoreOperation } from '../src/store/store.js';
import { countingStore } from '../test/helpers/counting-store.js';
import { sample, type Budget, type Latency } from './measure.js';
import { remoteStore, type Link } from './remote-store.js';
import type { Variants } from './variants.js';
import type { ReadWorkload, VariantName } from './workloads.js';

/**
 * The read phase: every workload in each of its variants, in-process and,
 * for W1 and W2, behind a simulated round trip, with the store calls of one
 * execution counted at the port (test/helpers/counting-store.ts). Before any
 * timing, metalayer's and the naive server's answers are compared: they must
 * be equal, or the comparison means nothing.
 */
export interface StoreLink {
  name: string;
  link: Link | null;
}

export const IN_PROCESS: StoreLink = { name: 'in-process', link: null };

/** The round trips W1 and W2 are also measured behind. */
export const REMOTE_LINKS: readonly StoreLink[] = [
  { name: 'rtt 0.5 ms', link: { roundTripMs: 0.5, connections: 1 } },
  { name: 'rtt 0.5 ms, pool of 8', link: { roundTripMs: 0.5, connections: 8 } },
];

/** The store calls of one execution, and by operation. */
export interface CallCount {
  calls: number;
  callsByOperation: Partial<Record<StoreOperation, number>>;
}

export interface ReadFigure extends CallCount {
  workload: string;
  title: string;
  link: string;
  variant: VariantName;
  latency: Latency;
}

export interface WorkloadCheck {
  workload: string;
  /** Assets in metalayer's answer. */
  answerAssets: number;
  /** Whether the naive server answered exactly as metalayer did (null when it is not run). */
  naiveAgrees: boolean | null;
  /** Whether metalayer on graphql-js answered exactly as on its compiled executor (null when it is not run). */
  graphqlJsAgrees: boolean | null;
}

export interface ReadOptions {
  budget: Budget;
  remoteBudget: Budget;
  /** Workloads measured behind REMOTE_LINKS. */
  remoteWorkloads: readonly string[];
}

export async function measureReads(
  store: Store,
  workloads: readonly ReadWorkload[],
  variants: Variants,
  options: ReadOptions,
  log: (line: string) => void,
): Promise<{ figures: ReadFigure[]; checks: WorkloadCheck[] }> {
  const figures: ReadFigure[] = [];
  const checks: WorkloadCheck[] = [];
  for (const workload of workloads) {
    checks.push(await check(store, workload, variants));
    const calls = new Map<VariantName, CallCount>();
    for (const variant of workload.variants) calls.set(variant, await countCalls(store, workload, variant, variants));

    const links = options.remoteWorkloads.includes(workload.id) ? [IN_PROCESS, ...REMOTE_LINKS] : [IN_PROCESS];
    for (const { name, link } of links) {
      const target = link ? remoteStore(store, link) : store;
      const budget = link ? options.remoteBudget : options.budget;
      for (const variant of workload.variants) {
        const latency = await sample(budget, (i) => variants.execute(variant, workload, i, target));
        const counted = calls.get(variant) ?? { calls: 0, callsByOperation: {} };
        figures.push({ workload: workload.id, title: workload.title, link: name, variant, ...counted, latency });
        log(`${workload.id} ${name} ${variant}: ${counted.calls} calls, p50 ${latency.p50.toFixed(2)} ms (${latency.runs} runs)`);
      }
    }
  }
  return { figures, checks };
}

/**
 * Compares answers as a client receives them, in JSON: graphql-js builds
 * response objects without a prototype and graphql-jit plain ones, which
 * `isDeepStrictEqual` alone would tell apart.
 */
async function check(store: Store, workload: ReadWorkload, variants: Variants): Promise<WorkloadCheck> {
  const shipped = await variants.execute('metalayer', workload, 0, store);
  const agrees = async (variant: VariantName) =>
    workload.variants.includes(variant) ? isDeepStrictEqual(asJson(shipped), asJson(await variants.execute(variant, workload, 0, store))) : null;
  return {
    workload: workload.id,
    answerAssets: workload.answerSize(shipped),
    naiveAgrees: await agrees('naive'),
    graphqlJsAgrees: await agrees('graphql-js'),
  };
}

function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

async function countCalls(store: Store, workload: ReadWorkload, variant: VariantName, variants: Variants): Promise<CallCount> {
  const counting = countingStore(store);
  await variants.execute(variant, workload, 0, counting);
  const callsByOperation: Partial<Record<StoreOperation, number>> = {};
  for (const call of counting.calls) callsByOperation[call.operation] = (callsByOperation[call.operation] ?? 0) + 1;
  return { calls: counting.count(), callsByOperation };
}
