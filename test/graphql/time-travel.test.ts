import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { memoryStore } from '../helpers/assets.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { viewer as scopedViewer } from '../helpers/projects.js';

/**
 * Reading as of an instant: `asOf` on `node`, `nodes`, `assets` and on
 * lineages. The server's clock is set by each step, so every write is at a
 * known instant and every read between two writes sees the first only.
 */
const T1 = '2026-03-01T01:00:00.000Z';
const T2 = '2026-03-01T02:00:00.000Z';
const T3 = '2026-03-01T03:00:00.000Z';
const T4 = '2026-03-01T04:00:00.000Z';
const T5 = '2026-03-01T05:00:00.000Z';
const NOW = '2026-03-01T06:00:00.000Z';

let api: TestApi;
let clock = T1;

function openApi(store: Store = memoryStore(() => new Date(clock))): TestApi {
  return createTestApi({ store, now: () => new Date(clock) });
}

/** At T1 a base model and a tuned one from a run on a dataset; at T3 the tuned one is linked to the base; at T5 the dataset is retagged. */
async function seed(): Promise<void> {
  clock = T1;
  await api.data(`mutation {
    p: registerProject(input: { key: "p", name: "p" }) { project { id } }
    d: registerDataset(input: { key: "d", name: "d", tag: "raw" }) { dataset { id } }
    base: registerModel(input: { key: "base", name: "base", tag: "v1", project: "project/p" }) { model { id } }
    tuned: registerModel(input: { key: "tuned", name: "tuned", project: "project/p" }) { model { id } }
  }`);
  await api.data(`mutation {
    logRun(input: { runId: "r", model: "models/tuned", datasets: ["datasets/d"] }) { run { id } }
  }`);
  clock = T3;
  await api.data(`mutation { linkDerivedFrom(input: { asset: "models/tuned", from: "models/base" }) { asset { id } } }`);
  clock = T5;
  await api.data(`mutation { updateAsset(input: { id: "datasets/d", tag: "clean" }) { asset { id } } }`);
  clock = NOW;
}

beforeEach(async () => {
  api = openApi();
  await seed();
});
afterEach(() => api.close());

const UPSTREAM = `upstream(asOf: $asOf) { nodes { degree asset { id tag } } edges { kind from { id tag } to { id } } truncated }`;

interface Upstream {
  nodes: { degree: number; asset: { id: string; tag: string | null } }[];
  edges: { kind: string; from: { id: string; tag: string | null }; to: { id: string } }[];
  truncated: boolean;
}

const nodes = (lineage: Upstream) => lineage.nodes.map((n) => `${n.asset.id} ${n.degree} ${n.asset.tag}`);
const edges = (lineage: Upstream) => lineage.edges.map((e) => `${e.from.id} -${e.kind}-> ${e.to.id}`).sort();

describe("a model's upstream before and after a linkDerivedFrom", () => {
  const query = `query ($asOf: DateTime) { node(id: "models/tuned") { ... on Model { ${UPSTREAM} } } }`;

  test('before the link, the upstream has no base model nor the relation', async () => {
    const { node } = await api.data<{ node: Upstream & { upstream: Upstream } }>(query, { asOf: T2 });
    expect(nodes(node.upstream)).toEqual(['run/r 1 null', 'datasets/d 2 raw']);
    expect(edges(node.upstream)).toEqual(['models/tuned -run_models-> run/r', 'run/r -run_datasets-> datasets/d']);
    expect(node.upstream.truncated).toBe(false);
  });

  test('after the link, it has the base model and the relation; the dataset as it was then', async () => {
    const { node } = await api.data<{ node: { upstream: Upstream } }>(query, { asOf: T4 });
    expect(nodes(node.upstream)).toEqual(['models/base 1 v1', 'run/r 1 null', 'datasets/d 2 raw']);
    expect(edges(node.upstream)).toEqual([
      'models/tuned -derived_from-> models/base',
      'models/tuned -run_models-> run/r',
      'run/r -run_datasets-> datasets/d',
    ]);
  });

  test('now, the dataset as it is now', async () => {
    const { node } = await api.data<{ node: { upstream: Upstream } }>(query, {});
    expect(nodes(node.upstream)).toEqual(['models/base 1 v1', 'run/r 1 null', 'datasets/d 2 clean']);
  });

  test('an asset read as of an instant reads its lineage and relations at that instant unless told otherwise', async () => {
    const { node } = await api.data<{
      node: { tag: string | null; derivedFrom: { id: string }[]; producedBy: { datasets: { tag: string }[] }[]; then: Upstream; now: Upstream };
    }>(
      `query ($then: DateTime!, $now: DateTime!) {
        node(id: "models/tuned", asOf: $then) {
          ... on Model {
            tag
            derivedFrom { id }
            producedBy { datasets { tag } }
            then: upstream { nodes { degree asset { id tag } } edges { kind from { id tag } to { id } } truncated }
            now: upstream(asOf: $now) { nodes { degree asset { id tag } } edges { kind from { id tag } to { id } } truncated }
          }
        }
      }`,
      { then: T2, now: NOW },
    );
    expect(node.derivedFrom).toEqual([]);
    expect(node.producedBy).toEqual([{ datasets: [{ tag: 'raw' }] }]);
    expect(nodes(node.then)).toEqual(['run/r 1 null', 'datasets/d 2 raw']);
    expect(nodes(node.now)).toEqual(['models/base 1 v1', 'run/r 1 null', 'datasets/d 2 clean']);
    expect(edges(node.now)).toContain('models/tuned -derived_from-> models/base');
  });
});

describe('node, nodes and assets as of an instant', () => {
  test('an asset as it stood, null before it existed, and a deleted one as it stood before its deletion', async () => {
    await api.data(`mutation { deleteAsset(input: { id: "models/base" }) { deletedId } }`);
    const read = (asOf: string | null) =>
      api.data<{ nodes: ({ id: string; tag: string | null; updatedAt: string } | null)[] }>(
        `query ($asOf: DateTime) { nodes(ids: ["datasets/d", "models/base"], asOf: $asOf) { ... on Asset { id tag updatedAt } } }`,
        { asOf },
      );
    expect((await read('2026-03-01T00:00:00.000Z')).nodes).toEqual([null, null]);
    expect((await read(T4)).nodes).toEqual([
      { id: 'datasets/d', tag: 'raw', updatedAt: T1 },
      { id: 'models/base', tag: 'v1', updatedAt: T1 },
    ]);
    expect((await read(T5)).nodes).toEqual([
      { id: 'datasets/d', tag: 'clean', updatedAt: T5 },
      { id: 'models/base', tag: 'v1', updatedAt: T1 },
    ]);
    // Deleted at NOW: gone as of NOW, and now.
    expect((await read(NOW)).nodes).toEqual([{ id: 'datasets/d', tag: 'clean', updatedAt: T5 }, null]);
    expect((await read(null)).nodes).toEqual([{ id: 'datasets/d', tag: 'clean', updatedAt: T5 }, null]);
  });

  test('a listing as of an instant holds the assets of that instant, as they were', async () => {
    clock = NOW;
    await api.data(`mutation { registerDataset(input: { key: "late", name: "late" }) { dataset { id } } }`);
    const listed = async (asOf: string) =>
      (
        await api.data<{ assets: { edges: { node: { id: string; tag: string | null } }[] } }>(
          `query ($asOf: DateTime) { assets(kind: DATASET, asOf: $asOf) { edges { node { id tag } } } }`,
          { asOf },
        )
      ).assets.edges.map((e) => `${e.node.id} ${e.node.tag}`);
    expect(await listed(T2)).toEqual(['datasets/d raw']);
    expect(await listed(NOW)).toEqual(['datasets/d clean', 'datasets/late null']);
  });

  test('reading as of an instant costs one historyStart per request, and the reads of that instant batch as now', async () => {
    api.store.reset();
    await api.data(`{ a: node(id: "models/tuned", asOf: "${T2}") { id } b: node(id: "models/base", asOf: "${T2}") { id } }`);
    expect(api.store.calls).toEqual([
      { operation: 'historyStart', batch: 1 },
      { operation: 'getAssets', batch: 2 },
    ]);
  });
});

describe('instants that cannot be answered', () => {
  test('an instant in the future is BAD_USER_INPUT naming asOf', async () => {
    const error = onlyError(await api.execute(`{ node(id: "models/tuned", asOf: "2026-03-02T00:00:00Z") { id } }`));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'asOf' });
    expect(error.message).toContain(`expected an instant no later than now (${NOW})`);
  });

  test('an instant before the kept history is BAD_USER_INPUT naming asOf, on every field that takes one', async () => {
    await api.store.pruneHistory(T2);
    const refused = [
      `{ node(id: "models/tuned", asOf: "${T1}") { id } }`,
      `{ nodes(ids: ["models/tuned"], asOf: "${T1}") { id } }`,
      `{ assets(asOf: "${T1}") { edges { node { id } } } }`,
      `{ node(id: "models/tuned") { ... on Asset { upstream(asOf: "${T1}") { truncated } } } }`,
      `{ node(id: "models/tuned") { ... on Asset { downstream(asOf: "${T1}") { truncated } } } }`,
    ];
    for (const query of refused) {
      const error = onlyError(await api.execute(query));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'asOf' });
      expect(error.message).toContain(`expected an instant from ${T2}, where the kept history starts, to now`);
    }
    expect((await api.data<{ node: { id: string } }>(`{ node(id: "models/tuned", asOf: "${T3}") { id } }`)).node).toEqual({
      id: 'models/tuned',
    });
  });

  test('a malformed instant is refused by the DateTime scalar', async () => {
    const result = await api.execute(`query ($asOf: DateTime) { node(id: "models/tuned", asOf: $asOf) { id } }`, { asOf: 'yesterday' });
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('asOf');
  });
});

describe('scopes as of an instant', () => {
  test('a scoped viewer sees what its projects owned then', async () => {
    clock = NOW;
    await api.data(`mutation { registerProject(input: { key: "q", name: "q" }) { project { id } } }`);
    const viewer = scopedViewer('reader', 'project/q');
    // The run belongs to p through its model, then as now: hidden from q at any instant.
    const result = await api.execute(`{ node(id: "run/r", asOf: "${T2}") { id } }`, {}, viewer);
    expect(onlyError(result).extensions).toMatchObject({ code: 'FORBIDDEN' });
    // The dataset is shared: visible, as it was.
    const shared = await api.data<{ node: { tag: string } }>(`{ node(id: "datasets/d", asOf: "${T2}") { ... on Dataset { tag } } }`, {}, viewer);
    expect(shared.node).toEqual({ tag: 'raw' });
  });
});

describe('authors as of an instant', () => {
  test('createdBy and updatedBy are those of the changes up to the instant, none made after it', async () => {
    clock = NOW;
    await api.data(`mutation { updateAsset(input: { id: "models/base", tag: "v2" }) { asset { id } } }`, undefined, scopedViewer('admin'));
    const query = `query ($asOf: DateTime) { node(id: "models/base", asOf: $asOf) { ... on Model { tag createdBy updatedBy } } }`;
    const before = await api.data<{ node: { tag: string; createdBy: string; updatedBy: string } }>(query, { asOf: T5 });
    const after = await api.data<{ node: { tag: string; createdBy: string; updatedBy: string } }>(query, { asOf: NOW });
    expect(after.node.updatedBy).toBe('admin-all');
    expect(before.node).toEqual({ tag: 'v1', createdBy: after.node.createdBy, updatedBy: after.node.createdBy });
    expect(before.node.updatedBy).not.toBe('admin-all');
  });
});

describe('an erased asset as of an instant', () => {
  /** The dataset d is deleted at NOW and its history purged: as of T2, when it existed, it reads as absent. */
  async function deleteAndPurge(): Promise<void> {
    clock = NOW;
    await api.data(`mutation { deleteAsset(input: { id: "datasets/d" }) { deletedId } }`);
    await api.store.purgeHistory('datasets/d');
  }

  test('node is null, the listing leaves it out, and the upstream through the run no longer holds it', async () => {
    await deleteAndPurge();
    const data = await api.data<{ node: unknown; assets: { edges: { node: { id: string } }[] }; tuned: { upstream: Upstream } }>(
      `query ($asOf: DateTime) {
        node(id: "datasets/d", asOf: $asOf) { id }
        assets(asOf: $asOf) { edges { node { id } } }
        tuned: node(id: "models/tuned", asOf: $asOf) { ... on Model { ${UPSTREAM} } }
      }`,
      { asOf: T2 },
    );
    expect(data.node).toBeNull();
    expect(data.assets.edges.map((e) => e.node.id)).not.toContain('datasets/d');
    expect(data.assets.edges.map((e) => e.node.id)).toContain('models/tuned');
    expect(nodes(data.tuned.upstream)).toEqual(['run/r 1 null']);
    expect(edges(data.tuned.upstream)).toEqual(['models/tuned -run_models-> run/r']);
  });

  test('paths through it are still followed: the upstream of a live model passes an erased run to its dataset', async () => {
    clock = NOW;
    await api.data(`mutation { deleteAsset(input: { id: "run/r" }) { deletedId } }`);
    await api.store.purgeHistory('run/r');
    const { node } = await api.data<{ node: { upstream: Upstream } }>(
      `query ($asOf: DateTime) { node(id: "models/tuned", asOf: $asOf) { ... on Model { ${UPSTREAM} } } }`,
      { asOf: T2 },
    );
    expect(nodes(node.upstream)).toEqual(['datasets/d 2 raw']);
    expect(edges(node.upstream)).toEqual([]);
  });
});
