import { describe, expect, it } from 'vitest';
import type { TraverseRequest } from '../../src/domain/lineage.js';
import { makeListQuery, type Store } from '../../src/store/store.js';
import { traverseRequest } from '../helpers/assets.js';
import { seedTwoProjects, TWO } from '../helpers/projects.js';

/**
 * Ownership and scope in the store (Store.owners, ListQuery.scope,
 * TraverseRequest.scope), on the two-project data set of the access tests.
 */
const ALPHA = [TWO.alpha];

const lineage = (start: string, options: Partial<TraverseRequest> = {}) =>
  traverseRequest(start, { scope: ALPHA, limit: 100, ...options });

export function scopeContract(store: () => Store): void {
  describe('owners', () => {
    it('follows each kind’s chain up to its projects, in one call, empty for shared, missing and malformed ids', async () => {
      await seedTwoProjects(store());
      const ids = [TWO.alpha, TWO.alphaModel, TWO.alphaRun, TWO.alphaParams, TWO.betaServing, TWO.betaDeployment, TWO.sharedV1, TWO.orphanRun, 'models/missing', 'nope'];
      expect(await store().owners(ids)).toEqual([
        [TWO.alpha],
        [TWO.alpha],
        [TWO.alpha],
        [TWO.alpha],
        [TWO.beta],
        [TWO.beta],
        [],
        [],
        [],
        [],
      ]);
    });
  });

  describe('a scoped listing', () => {
    it('holds only visible assets, before filters and paging: a filter matching only hidden assets finds nothing', async () => {
      await seedTwoProjects(store());
      const models = await store().listAssets(makeListQuery({ kind: 'MODEL', scope: ALPHA }));
      expect(models.assets.map((a) => a.id).sort()).toEqual([TWO.alphaModel, TWO.alphaTuned, TWO.orphanModel]);
      const hidden = await store().listAssets(makeListQuery({ nameContains: 'beta', scope: ALPHA }));
      expect(hidden).toEqual({ assets: [], positions: [], hasNextPage: false });
      const unscoped = await store().listAssets(makeListQuery({ nameContains: 'beta' }));
      expect(unscoped.assets.length).toBeGreaterThan(0);
    });

    it('pages over visible assets only: the last page says no more, whatever hidden assets follow', async () => {
      await seedTwoProjects(store());
      const all = await store().listAssets(makeListQuery({ first: 100, scope: ALPHA }));
      const last = all.positions.at(-1) ?? null;
      expect(all.assets.map((a) => a.id)).not.toContain(TWO.betaModel);
      const after = await store().listAssets(makeListQuery({ first: 1, after: last, scope: ALPHA }));
      expect(after).toEqual({ assets: [], positions: [], hasNextPage: false });
    });
  });

  describe('a scoped lineage', () => {
    it('selects visible assets only, passing through hidden ones with true degrees', async () => {
      await seedTwoProjects(store());
      const [up] = await store().traverse([lineage(TWO.alphaTuned)]);
      // alpha-tuned → beta-m → beta-r → {shared-v2, shared-fs} → shared-v1
      expect(up?.nodes.map((n) => [n.asset.id, n.degree])).toEqual([
        [TWO.sharedV2, 3],
        [TWO.sharedFs, 3],
        [TWO.sharedV1, 4],
      ]);
      expect(up?.truncated).toBe(false);
      expect(up?.edges).toEqual([
        { relation: 'derived_from', from: TWO.sharedV2, to: TWO.sharedV1 },
        { relation: 'featureset_dataset', from: TWO.sharedFs, to: TWO.sharedV2 },
      ]);
    });

    it('counts limit and truncated over visible assets only', async () => {
      await seedTwoProjects(store());
      const [limited] = await store().traverse([lineage(TWO.alphaTuned, { limit: 2 })]);
      expect(limited?.nodes.map((n) => n.asset.id)).toEqual([TWO.sharedV2, TWO.sharedFs]);
      expect(limited?.truncated).toBe(true);
      // Only hidden assets lie within two levels, and beyond them visible ones: truncated by the depth.
      const [shallow] = await store().traverse([lineage(TWO.alphaTuned, { depth: 2 })]);
      expect(shallow).toEqual({ nodes: [], edges: [], truncated: true });
      // Downstream of beta's run only hidden assets lie beyond depth 1: not truncated for alpha.
      const [hiddenBeyond] = await store().traverse([lineage(TWO.sharedV2, { direction: 'DOWNSTREAM', depth: 1, kinds: ['FEATURESET'] })]);
      expect(hiddenBeyond?.nodes.map((n) => n.asset.id)).toEqual([TWO.sharedFs]);
    });
  });
}
