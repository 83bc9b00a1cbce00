import { describe, expect, it } from 'vitest';
import { type Lineage, type TraverseRequest } from '../../src/domain/lineage.js';
import type { Store } from '../../src/store/store.js';
import { link, putAll, traverseRequest } from '../helpers/assets.js';

/**
 * An asset deleted underneath the store (by another tool, or by hand) leaves
 * its relations dangling. The store answers as if the asset and those
 * relations were gone: it is no node, no neighbour, and no lineage goes
 * through it.
 *
 *   datasets d3 → d2 → d1 (derived_from), and d3 → dx; d2 is then removed.
 */
async function seedDangling(store: Store, removeAssetDirectly: (id: string) => Promise<void>): Promise<void> {
  await putAll(store, 'DATASET:d1', 'DATASET:d2', 'DATASET:d3', 'DATASET:dx');
  await link(
    store,
    ['derived_from', 'datasets/d2', 'datasets/d1'],
    ['derived_from', 'datasets/d3', 'datasets/d2'],
    ['derived_from', 'datasets/d3', 'datasets/dx'],
  );
  await removeAssetDirectly('datasets/d2');
}

const request = traverseRequest;

const summary = (lineage: Lineage | undefined) => ({
  nodes: (lineage?.nodes ?? []).map((n) => [n.asset.id, n.degree]),
  edges: (lineage?.edges ?? []).map((e) => `${e.from} -${e.relation}-> ${e.to}`),
  truncated: lineage?.truncated,
});

export function danglingContract(store: () => Store, removeAssetDirectly: (id: string) => Promise<void>): void {
  describe('dangling relations (an asset removed underneath the store)', () => {
    it('the removed asset is no node and no neighbour', async () => {
      await seedDangling(store(), removeAssetDirectly);
      expect(await store().getAssets(['datasets/d2', 'datasets/d3'])).toMatchObject([null, { id: 'datasets/d3' }]);
      const [derived, derivedInto] = await store().neighbors([
        { id: 'datasets/d3', relation: 'derived_from', direction: 'OUT', asOf: null },
        { id: 'datasets/d1', relation: 'derived_from', direction: 'IN', asOf: null },
      ]);
      expect(derived?.map((a) => a.id)).toEqual(['datasets/dx']);
      expect(derivedInto).toEqual([]);
    });

    it('no lineage goes through it, either way, and no bound counts it', async () => {
      await seedDangling(store(), removeAssetDirectly);
      const [upstream, shallow, downstream] = await store().traverse([
        request('datasets/d3'),
        request('datasets/d3', { depth: 1 }),
        request('datasets/d1', { direction: 'DOWNSTREAM' }),
      ]);
      const throughDx = {
        nodes: [['datasets/dx', 1]],
        edges: ['datasets/d3 -derived_from-> datasets/dx'],
        truncated: false,
      };
      expect(summary(upstream)).toEqual(throughDx);
      expect(summary(shallow)).toEqual(throughDx);
      expect(summary(downstream)).toEqual({ nodes: [], edges: [], truncated: false });
    });
  });
}
