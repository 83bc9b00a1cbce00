import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Database } from 'arangojs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryParseId } from '../../src/domain/ids.js';
import type { Store } from '../../src/store/store.js';
import { createArangoStore, ensureLayout, type ArangoStoreOptions } from '../../src/store/arango/index.js';
import { EDGE_COLLECTIONS, VERTEX_COLLECTIONS } from '../../src/store/arango/catalogue.js';
import { content, putAsset } from '../helpers/assets.js';
import { storeContract } from './contract.js';

/**
 * The shared store contract against a live ArangoDB, whenever ARANGO_URL
 * points at one: in a throwaway database `metalayer_test_<random>`, created
 * through `_system` and dropped afterwards; every test starts from empty
 * collections. Also what the engine promises beyond the contract: it serves
 * what arangopipe wrote and leaves an existing layout intact.
 */

const url = process.env.ARANGO_URL;
const HOW_TO_RUN =
  'ArangoDB contract tests skipped: set ARANGO_URL to run them, e.g. ' +
  'ARANGO_URL=http://localhost:8529 ARANGO_PASSWORD=... npx vitest run test/store/arango-contract.test.ts';

if (!url) {
  console.info(HOW_TO_RUN);
  describe.skip('store contract: arango (needs ARANGO_URL)', () => {
    it('runs against a live ArangoDB', () => undefined);
  });
} else {
  const urls = url.split(',').map((u) => u.trim()).filter(Boolean);
  const auth: ArangoStoreOptions['auth'] = process.env.ARANGO_TOKEN
    ? { token: process.env.ARANGO_TOKEN }
    : { username: process.env.ARANGO_USERNAME ?? 'root', password: process.env.ARANGO_PASSWORD ?? '' };
  const database = `metalayer_test_${randomBytes(6).toString('hex')}`;
  const system = new Database({ url: urls, auth });
  const testDb = () => system.database(database);

  const open = async (): Promise<Store> => {
    const store = await createArangoStore({ urls, database, auth, graphName: 'enterprise_ml_graph' });
    await Promise.all([...VERTEX_COLLECTIONS, ...EDGE_COLLECTIONS].map((name) => testDb().collection(name).truncate()));
    return store;
  };

  describe('arango', () => {
    beforeAll(async () => {
      await system.createDatabase(database);
    });
    afterAll(async () => {
      await system.dropDatabase(database).catch(() => undefined);
      system.close();
    });

    storeContract('arango', {
      open,
      // The document API, not the graph API: the vertex goes, its edges stay (as arangopipe's tools leave them).
      removeAssetDirectly: async (_store, id) => {
        const parsed = tryParseId(id);
        if (!parsed) throw new Error(`not an asset id: ${id}`);
        await testDb().collection(parsed.collection).remove(parsed.key);
      },
    });

    describe('arango engine', () => {
      it('serves documents and edges arangopipe wrote, with their lineage', async () => {
        const store = await open();
        try {
          const fixture = JSON.parse(
            readFileSync(new URL('../fixtures/arango/arangopipe-documents.json', import.meta.url), 'utf8'),
          ) as Record<string, unknown>;
          for (const name of VERTEX_COLLECTIONS) {
            const docs = (fixture[name] as Record<string, unknown>[]).map(({ _id: _i, _rev: _r, ...doc }) => doc);
            await testDb().collection(name).saveAll(docs);
          }
          for (const [name, edges] of Object.entries(fixture.edges as Record<string, object[]>)) {
            await testDb().collection(name).saveAll(edges);
          }
          const run = 'run/0ef73d9edf08487793c77a1742f4033e';
          const [record] = await store.getAssets([run]);
          expect(record).toMatchObject({ kind: 'RUN', runId: '0ef73d9edf08487793c77a1742f4033e', status: 'COMPLETED' });
          const [upstream] = await store.traverse([
            { start: 'models/4001', direction: 'UPSTREAM', depth: 10, limit: 100, kinds: null, visitLimit: 1000 },
          ]);
          expect(upstream?.nodes.map((n) => [n.asset.id, n.degree])).toEqual([
            [run, 1],
            ['datasets/2001', 2],
            ['featuresets/3001', 2],
            ['modelparams/0ef73d9edf08487793c77a1742f4033e', 2],
          ]);
          const page = await store.listAssets({
            kind: 'DEPLOYMENT',
            nameContains: 'elastic',
            tag: null,
            project: null,
            createdAfter: null,
            createdBefore: null,
            first: 10,
            after: null,
          });
          expect(page.assets.map((a) => a.name)).toEqual(['Wine_Elastic_Net_Regression']);
          // A metalayer relation beside arangopipe's own is recognised as the same relation.
          await store.write([
            { type: 'putEdge', edge: { relation: 'run_models', from: 'models/4001', to: run }, field: 'input' },
          ]);
          expect(await testDb().collection('run_models').count()).toMatchObject({ count: 1 });
        } finally {
          await store.close();
        }
      });

      it('keeps an existing layout: running ensureLayout again changes nothing and drops nothing', async () => {
        const store = await open();
        try {
          await store.write([putAsset(content('MODEL', 'kept'))]);
          await ensureLayout(testDb(), { graphName: 'enterprise_ml_graph' });
          expect(await store.getAssets(['models/kept'])).toMatchObject([{ id: 'models/kept' }]);
          const graph = await testDb().graph('enterprise_ml_graph').get();
          expect(graph.edgeDefinitions.map((d) => d.collection).sort()).toEqual([...EDGE_COLLECTIONS].sort());
        } finally {
          await store.close();
        }
      });
    });
  });
}
