import { NO_USAGE, type Usage } from '../domain/reuse.js';

/**
 * Usage counts of many assets of one kind, in memory, shared by every engine
 * (each reads the lineage relations its own way, numbers the assets, and
 * caches what this counts). The walk from each asset stops at the assets
 * already counted in the pass, whose sets of counted assets it merges
 * instead of walking past them again, so a chain of versions is walked once
 * rather than once per version (see docs/analytics.md).
 */

/** Which member of `Usage` a node fills: 0 none, else its index in `USAGE_SLOTS` plus one. */
export const USAGE_SLOTS: readonly (keyof Usage)[] = ['runs', 'models', 'deployments'];

/** Downstream steps between nodes `0..size-1` in compressed rows: node n steps to `targets[start[n]..start[n+1]]`. */
export interface DownstreamGraph {
  start: Int32Array;
  targets: Int32Array;
}

/** The compressed rows of the downstream steps `near[i] → far[i]` between nodes `0..size-1`. */
export function downstreamGraph(size: number, near: ArrayLike<number>, far: ArrayLike<number>): DownstreamGraph {
  const start = new Int32Array(size + 1);
  for (let i = 0; i < near.length; i++) {
    const node = (near[i] ?? 0) + 1;
    start[node] = (start[node] ?? 0) + 1;
  }
  for (let i = 1; i <= size; i++) start[i] = (start[i] ?? 0) + (start[i - 1] ?? 0);
  const fill = start.slice(0, size);
  const targets = new Int32Array(near.length);
  for (let i = 0; i < near.length; i++) {
    const node = near[i] ?? 0;
    targets[fill[node] ?? 0] = far[i] ?? 0;
    fill[node] = (fill[node] ?? 0) + 1;
  }
  return { start, targets };
}

/**
 * Counts the usage of each of `starts` (nodes of `graph`), in their order
 * (newest first walks least: a newer version lies downstream of an older
 * one), calling `counted` with each: the distinct nodes downstream whose
 * `member` slot is set, the start itself left out. `member` may leave out
 * what a scope hides: the walk still passes through it.
 */
export function countDownstream(
  graph: DownstreamGraph,
  member: Uint8Array,
  starts: readonly number[],
  counted: (start: number, usage: Usage) => void,
): void {
  const size = graph.start.length - 1;
  const done = new Map<number, Int32Array>();
  const seen = new Int32Array(size);
  const merged = new Int32Array(size);
  const queue = new Int32Array(size);
  let stamp = 0;
  for (const origin of starts) {
    stamp += 1;
    const found: number[] = [];
    const take = (node: number) => {
      if (merged[node] !== stamp && member[node] !== 0) {
        merged[node] = stamp;
        found.push(node);
      }
    };
    let head = 0;
    let tail = 0;
    seen[origin] = stamp;
    queue[tail++] = origin;
    while (head < tail) {
      const node = queue[head++] ?? 0;
      for (let e = graph.start[node] ?? 0; e < (graph.start[node + 1] ?? 0); e++) {
        const next = graph.targets[e] ?? 0;
        if (seen[next] === stamp) continue;
        seen[next] = stamp;
        take(next);
        const known = done.get(next);
        if (known) for (const node of known) take(node);
        else queue[tail++] = next;
      }
    }
    const set = Int32Array.from(found.filter((node) => node !== origin));
    done.set(origin, set);
    const usage = { ...NO_USAGE };
    for (const node of set) {
      const slot = USAGE_SLOTS[(member[node] ?? 1) - 1];
      if (slot) usage[slot] += 1;
    }
    counted(origin, usage);
  }
}
