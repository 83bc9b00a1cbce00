import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Database } from 'arangojs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../src/domain/catalogue.js';
import type { WriteOp } from '../../src/domain/writes.js';
import { makeListQuery, type ListPosition, type Store } from '../../src/store/store.js';
import { tryParseId } from '../../src/domain/ids.js';
import { createArangoStore, ensureLayout, type ArangoStoreOptions } from '../../src/store/arango/index.js';
import { USAGE_COLLECTION } from '../../src/store/arango/reuse-queries.js';
import { ArangoNames, META_COLLECTION } from '../../src/store/arango/catalogue.js';
import { CHANGES_COLLECTION, EDGE_SPANS_COLLECTION } from '../../src/store/arango/changes.js';
import { content } from '../helpers/assets.js';
import { EXTENDED_CATALOGUE } from '../helpers/extensions.js';
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
  const catalogue = EXTENDED_CATALOGUE;
  const names = new ArangoNames(catalogue);
  const collections = [...names.vertexCollections, ...names.edgeCollections, META_COLLECTION, CHANGES_COLLECTION, EDGE_SPANS_COLLECTION, USAGE_COLLECTION];
  const commit = (store: Store, ...ops: WriteOp[]) =>
    store.commit({ ops, actor: 'contract', source: 'test', at: new Date().toISOString() });

  const open = async (): Promise<Store> => {
    const store = await createArangoStore({ urls, database, auth, graphName: 'enterprise_ml_graph', catalogue });
    await Promise.all(collections.map((name) => testDb().collection(name).truncate()));
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
        const parsed = tryParseId(id, builtinCatalogue());
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
          for (const name of names.vertexCollections) {
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
            { start: 'models/4001', direction: 'UPSTREAM', depth: 10, limit: 100, kinds: null, visitLimit: 1000, asOf: null, scope: null },
          ]);
          expect(upstream?.nodes.map((n) => [n.asset.id, n.degree])).toEqual([
            [run, 1],
            ['datasets/2001', 2],
            ['featuresets/3001', 2],
            ['modelparams/0ef73d9edf08487793c77a1742f4033e', 2],
          ]);
          const page = await store.listAssets(makeListQuery({ kind: 'DEPLOYMENT', nameContains: 'elastic', first: 10 }));
          expect(page.assets.map((a) => a.name)).toEqual(['Wine_Elastic_Net_Regression']);
          // A metalayer relation beside arangopipe's own is recognised as the same relation.
          const before = (await commit(store)).revision;
          const again = await commit(store, {
            type: 'putEdge',
            edge: { relation: 'run_models', from: 'models/4001', to: run },
            field: ['model'],
          });
          expect(again.revision).toBe(before);
          expect(await testDb().collection('run_models').count()).toMatchObject({ count: 1 });
          // An update leaves arangopipe's flat hyperparameters where arangopipe reads them.
          const params = `modelparams/${run.slice('run/'.length)}`;
          await commit(store, { type: 'updateAsset', id: params, patch: { tag: 'best' }, field: ['id'] });
          const stored = (await testDb().collection('modelparams').document(params)) as Record<string, unknown>;
          expect(stored).toMatchObject({ l1_ratio: 0.1, alpha: 0.2, tag: 'best' });
          expect(stored).not.toHaveProperty('params');
        } finally {
          await store.close();
        }
      });

      it('counts writing commits in a revision kept in the database, and agrees on a secret asked for at once', async () => {
        const store = await open();
        const other = await createArangoStore({ urls, database, auth, catalogue });
        try {
          const put = { type: 'putAsset', content: content('MODEL', 'counted'), field: ['key'] } as const;
          const start = Number((await commit(store)).revision);
          const first = await commit(store, put);
          expect(Number(first.revision)).toBe(start + 1);
          expect((await commit(other, put)).revision).toBe(first.revision);
          const secrets = await Promise.all([store.sharedSecret('race'), other.sharedSecret('race'), store.sharedSecret('race')]);
          expect(new Set(secrets).size).toBe(1);
          expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
        } finally {
          await Promise.all([store.close(), other.close()]);
        }
      });

      it('pages past documents whose stored creation time is not ISO 8601', async () => {
        const store = await open();
        try {
          await testDb()
            .collection('project')
            .saveAll([
              { _key: 'a', name: 'a', created_at: '2019-06-06 12:52:11' },
              { _key: 'b', name: 'b', created_at: '06/06/2019' },
              { _key: 'c', name: 'c' },
            ]);
          const seen: string[] = [];
          let after: ListPosition | null = null;
          for (let page = 0; page < 4; page++) {
            const listed = await store.listAssets(makeListQuery({ kind: 'PROJECT', first: 1, after }));
            seen.push(...listed.assets.map((asset) => asset.id));
            if (!listed.hasNextPage) break;
            after = listed.positions.at(-1) ?? null;
          }
          expect(seen).toEqual(['project/c', 'project/b', 'project/a']);
        } finally {
          await store.close();
        }
      });

      it('keeps an existing layout: running ensureLayout again changes nothing and drops nothing', async () => {
        const store = await open();
        try {
          const { revision } = await commit(store, { type: 'putAsset', content: content('MODEL', 'kept'), field: ['key'] });
          const secret = await store.sharedSecret('cursor');
          await ensureLayout(testDb(), { graphName: 'enterprise_ml_graph', catalogue });
          expect(await store.getAssets(['models/kept'])).toMatchObject([{ id: 'models/kept' }]);
          expect((await commit(store)).revision).toBe(revision);
          expect(await store.sharedSecret('cursor')).toBe(secret);
          const graph = await testDb().graph('enterprise_ml_graph').get();
          expect(graph.edgeDefinitions.map((d) => d.collection).sort()).toEqual([...names.edgeCollections].sort());
        } finally {
          await store.close();
        }
      });
    });
  });
}
