import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { fingerprint } from '../../src/domain/reuse.js';
import { commitOps, content, putAsset, putEdge } from '../helpers/assets.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { viewer } from '../helpers/projects.js';
import { seedDiamond } from '../store/contract-reuse.js';

/** The diamond of the store contract (test/store/contract-reuse.ts): d1 reaches run r1 along three paths. */

const USAGE = /* GraphQL */ `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Asset { id usage { runs models deployments } } } }`;

const REUSE = /* GraphQL */ `query ($kind: AssetKind!, $minModels: Int, $first: Int, $after: String) {
  reuse(kind: $kind, minModels: $minModels, first: $first, after: $after) {
    edges { cursor node { asset { id name } usage { runs models deployments } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface ReusePage {
  reuse: {
    edges: { cursor: string; node: { asset: { id: string }; usage: { runs: number; models: number; deployments: number } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('Asset.usage', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = createTestApi();
    await seedDiamond(api.store);
    api.store.reset();
  });
  afterEach(() => api.close());

  test('counts distinct runs, models and deployments downstream: a run reached along three paths counts once', async () => {
    const data = await api.data<{ nodes: unknown[] }>(USAGE, { ids: ['datasets/d1', 'featuresets/f2', 'run/r1', 'deployment/dep3'] });
    expect(data.nodes).toEqual([
      { id: 'datasets/d1', usage: { runs: 4, models: 4, deployments: 2 } },
      { id: 'featuresets/f2', usage: { runs: 2, models: 3, deployments: 2 } },
      { id: 'run/r1', usage: { runs: 0, models: 2, deployments: 1 } },
      { id: 'deployment/dep3', usage: { runs: 0, models: 0, deployments: 0 } },
    ]);
  });

  test('for every asset of a page costs one usage call, and none for reuse’s own assets', async () => {
    await api.data(`{ assets(first: 100) { edges { node { id usage { models } ... on Dataset { featuresets { usage { runs } } } } } } }`);
    // The featuresets' usage at the second level was loaded with the page's at the first.
    expect(api.store.calls.map((c) => [c.operation, c.batch])).toEqual([
      ['listAssets', 1],
      ['usage', 20],
      ['neighbors', 2],
    ]);
    api.store.reset();
    await api.data(`{ assets(kind: DATASET) { edges { node { usage { models } ... on Dataset { featuresets { usage { runs } } } } } } }`);
    expect(api.store.calls.map((c) => [c.operation, c.batch])).toEqual([
      ['listAssets', 1],
      ['usage', 2],
      ['neighbors', 2],
      ['usage', 2],
    ]);
    api.store.reset();
    await api.data(`{ reuse(kind: FEATURESET, minModels: 0) { edges { node { usage { models } asset { usage { models runs } } } } } }`);
    expect(api.store.calls.map((c) => c.operation)).toEqual(['rankUsage']);
  });

  test('for a scoped viewer counts only what it may see, in the same number of calls', async () => {
    const data = await api.data<{ nodes: unknown[] }>(USAGE, { ids: ['datasets/d1', 'featuresets/f1'] }, viewer('reader', 'project/p2'));
    expect(data.nodes).toEqual([
      { id: 'datasets/d1', usage: { runs: 1, models: 1, deployments: 1 } },
      { id: 'featuresets/f1', usage: { runs: 0, models: 0, deployments: 0 } },
    ]);
    expect(api.store.calls.map((c) => c.operation)).toEqual(['getAssets', 'usage']);
  });
});

describe('Query.reuse', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = createTestApi();
    await seedDiamond(api.store);
  });
  afterEach(() => api.close());

  test('lists the assets of a kind used by at least two models by default, most used first', async () => {
    const data = await api.data<ReusePage>(REUSE, { kind: 'DATASET' });
    expect(data.reuse.edges.map((edge) => [edge.node.asset.id, edge.node.usage])).toEqual([
      ['datasets/d1', { runs: 4, models: 4, deployments: 2 }],
      ['datasets/d2', { runs: 2, models: 3, deployments: 1 }],
    ]);
    expect(data.reuse.pageInfo).toEqual({ hasNextPage: false, endCursor: data.reuse.edges[1]?.cursor });
    const three = await api.data<ReusePage>(REUSE, { kind: 'FEATURESET', minModels: 3 });
    expect(three.reuse.edges.map((edge) => edge.node.asset.id)).toEqual(['featuresets/f2']);
  });

  test('pages with sealed cursors through ties, by id', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const data: ReusePage = await api.data<ReusePage>(REUSE, { kind: 'MODEL', minModels: 0, first: 1, after });
      seen.push(...data.reuse.edges.map((edge) => edge.node.asset.id));
      expect(data.reuse.edges[0]?.cursor).toMatch(/^s\./);
      if (!data.reuse.pageInfo.hasNextPage) break;
      after = data.reuse.pageInfo.endCursor;
    }
    expect(seen).toEqual(['models/m1', 'models/m2', 'models/m3', 'models/m4']);
  });

  test('refuses bad page sizes, negative minModels and cursors of other kinds', async () => {
    const codes = async (variables: Record<string, unknown>) => onlyError(await api.execute(REUSE, { kind: 'DATASET', ...variables }));
    expect(await codes({ first: 101 })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    expect(await codes({ first: 0 })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    expect(await codes({ minModels: -1 })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'minModels' } });
    const listing = await api.data<{ assets: { pageInfo: { endCursor: string } } }>('{ assets(first: 1) { pageInfo { endCursor } } }');
    expect(await codes({ after: listing.assets.pageInfo.endCursor })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    const page = await api.data<ReusePage>(REUSE, { kind: 'DATASET', first: 1 });
    const asListing = await api.execute(`{ assets(after: "${page.reuse.pageInfo.endCursor}") { edges { cursor } } }`);
    expect(asListing.errors?.map((e) => e.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
    // A reuse cursor pages on the listing of its own kind only.
    const ofFeaturesets = onlyError(await api.execute(REUSE, { kind: 'FEATURESET', after: page.reuse.pageInfo.endCursor }));
    expect(ofFeaturesets).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    expect(ofFeaturesets.message).toContain('a cursor of the DATASET listing');
  });

  test('ranks for a scoped viewer the assets it may see, by what it may see', async () => {
    const data = await api.data<ReusePage>(REUSE, { kind: 'MODEL', minModels: 0 }, viewer('reader', 'project/p2'));
    expect(data.reuse.edges.map((edge) => [edge.node.asset.id, edge.node.usage])).toEqual([
      ['models/m3', { runs: 0, models: 0, deployments: 1 }],
    ]);
    const datasets = await api.data<ReusePage>(REUSE, { kind: 'DATASET', minModels: 1 }, viewer('reader', 'project/p2'));
    expect(datasets.reuse.edges.map((edge) => [edge.node.asset.id, edge.node.usage.models])).toEqual([['datasets/d1', 1]]);
  });
});

const DUPLICATES = /* GraphQL */ `query ($kind: AssetKind!, $limit: Int) { duplicates(kind: $kind, limit: $limit) { fingerprint assets { id name } } }`;

describe('Query.duplicates', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = createTestApi();
    await commitOps(api.store, [
      putAsset(content('DATASET', 'census', { name: 'census', source: 's3://census.csv', statistics: { rows: 10 } })),
      putAsset(content('DATASET', 'census-copy', { name: 'census copy', source: 's3://census.csv', statistics: { rows: 10 } })),
      putAsset(content('DATASET', 'other', { name: 'other', source: 's3://other.csv' })),
      putAsset(content('FEATURESET', 'fa', { name: 'fa', features: [{ name: 'x', dtype: 'int' }] })),
      putAsset(content('FEATURESET', 'fb', { name: 'fb', features: [{ name: 'x', dtype: 'int' }] })),
      putEdge('featureset_dataset', 'featuresets/fa', 'datasets/census'),
      putEdge('featureset_dataset', 'featuresets/fb', 'datasets/census-copy'),
    ]);
  });
  afterEach(() => api.close());

  test('groups datasets with the same source and statistics, with a fingerprint of what was compared', async () => {
    const data = await api.data<{ duplicates: unknown[] }>(DUPLICATES, { kind: 'DATASET' });
    expect(data.duplicates).toEqual([
      {
        fingerprint: fingerprint('DATASET', { source: 's3://census.csv', statistics: { rows: 10 } }),
        assets: [
          { id: 'datasets/census', name: 'census' },
          { id: 'datasets/census-copy', name: 'census copy' },
        ],
      },
    ]);
    expect(api.store.calls.filter((c) => c.operation !== 'commit').map((c) => c.operation)).toEqual(['duplicates']);
  });

  test('featuresets of the same features from different datasets are not duplicates', async () => {
    expect(await api.data(DUPLICATES, { kind: 'FEATURESET' })).toEqual({ duplicates: [] });
  });

  test('refuses other kinds and bad limits, naming the argument', async () => {
    expect(onlyError(await api.execute(DUPLICATES, { kind: 'MODEL' }))).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'kind' },
    });
    expect(onlyError(await api.execute(DUPLICATES, { kind: 'DATASET', limit: 0 }))).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'limit' },
    });
  });
});
