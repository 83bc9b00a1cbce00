import { builtinCatalogue } from '../../src/domain/catalogue.js';
import type { EdgeRecord, RelationName } from '../../src/domain/relations.js';

/** The generated graph holds built-in kinds only, so the built-in catalogue's lineage is the one that counts. */
const DOWNSTREAM_STEPS = builtinCatalogue().lineageSteps('DOWNSTREAM');

/**
 * The assets downstream of `seeds` (the seeds included) along the lineage
 * relations of `edges`: what a downstream traversal reaches, computed while
 * generating so the benchmark knows how large a lineage it cuts.
 */
export function downstreamClosure(edges: readonly EdgeRecord[], seeds: readonly string[]): Set<string> {
  const directions = new Map<RelationName, 'OUT' | 'IN'>(
    DOWNSTREAM_STEPS.map((step) => [step.relation, step.direction]),
  );
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const direction = directions.get(edge.relation);
    if (!direction) continue;
    const [from, to] = direction === 'OUT' ? [edge.from, edge.to] : [edge.to, edge.from];
    const list = next.get(from);
    if (list) list.push(to);
    else next.set(from, [to]);
  }
  const reached = new Set(seeds);
  const queue = [...seeds];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const neighbor of next.get(id) ?? []) {
      if (!reached.has(neighbor)) {
        reached.add(neighbor);
        queue.push(neighbor);
      }
    }
  }
  return reached;
}
