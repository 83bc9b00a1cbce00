import type { Catalogue } from '../../src/domain/catalogue.js';
import type { AssetRecord } from '../../src/domain/kinds.js';
import type { Lineage, LineageOptions } from '../../src/domain/lineage.js';
import type { EdgeRecord } from '../../src/domain/relations.js';
import type { Store } from '../../src/store/store.js';

/**
 * Lineage as a hand-written GraphQL server computes it: breadth-first, level
 * by level, one `neighbors` call per asset (all its lineage relations in that
 * one call), then the nearest `limit` assets, ties broken by id. The
 * semantics are the engine's (domain/lineage.ts); the smoke test checks both
 * answer alike.
 *
 * Every lineage edge is seen from the end that steps towards `direction`, so
 * the edges among the returned assets are those seen while expanding them;
 * the returned assets of the last level, which the search did not expand,
 * are expanded once more for their edges.
 */
export async function naiveLineage(store: Store, catalogue: Catalogue, start: string, options: LineageOptions): Promise<Lineage> {
  const steps = catalogue.lineageSteps(options.direction);
  const seen = new Map<string, EdgeRecord[]>();
  const expand = async (id: string): Promise<AssetRecord[]> => {
    const answers = await store.neighbors(steps.map((step) => ({ id, relation: step.relation, direction: step.direction, asOf: null })));
    const edges: EdgeRecord[] = [];
    const assets = answers.flatMap((list, i) => {
      const step = steps[i];
      if (!step) return [];
      for (const asset of list) {
        const [from, to] = step.direction === 'OUT' ? [id, asset.id] : [asset.id, id];
        edges.push({ relation: step.relation, from, to });
      }
      return list;
    });
    seen.set(id, edges);
    return assets;
  };

  const kinds = options.kinds ? new Set(options.kinds) : null;
  const isSelected = (asset: AssetRecord) => !kinds || kinds.has(asset.kind);
  const degrees = new Map<string, number>([[start, 0]]);
  const reached: AssetRecord[] = [];
  let frontier = [start];
  let selected = 0;
  let truncated = false;
  for (let level = 1; frontier.length > 0 && !truncated; level++) {
    const next: string[] = [];
    for (const asset of (await Promise.all(frontier.map(expand))).flat()) {
      if (degrees.has(asset.id)) continue;
      if (level > options.depth) {
        truncated = true;
        break;
      }
      degrees.set(asset.id, level);
      reached.push(asset);
      next.push(asset.id);
      if (isSelected(asset)) selected++;
    }
    if (selected > options.limit || degrees.size - 1 > options.visitLimit) truncated = true;
    frontier = next;
  }

  const degree = (asset: AssetRecord) => degrees.get(asset.id) ?? 0;
  const chosen = reached
    .filter(isSelected)
    .sort((a, b) => degree(a) - degree(b) || compare(a.id, b.id))
    .slice(0, options.limit);
  await Promise.all(chosen.filter((asset) => !seen.has(asset.id)).map((asset) => expand(asset.id)));
  const members = new Set([start, ...chosen.map((asset) => asset.id)]);
  const edges = [...members]
    .flatMap((id) => seen.get(id) ?? [])
    .filter((edge) => members.has(edge.from) && members.has(edge.to))
    .sort((a, b) => compare(a.from, b.from) || compare(a.relation, b.relation) || compare(a.to, b.to));
  return { nodes: chosen.map((asset) => ({ asset, degree: degree(asset) })), edges, truncated };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
