import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ASSET_KINDS, type AssetRecord } from '../../src/domain/kinds.js';
import { RELATION_NAMES } from '../../src/domain/relations.js';
import { assetState, type ChangeRecord } from '../../src/domain/changes.js';
import { makeChangeSelection, makeListQuery, type Store } from '../../src/store/store.js';
import { CATALOGUE } from '../helpers/assets.js';
import { mutation, viewerRead as read, viewers } from '../helpers/arbitraries.js';
import { createTestApi, type GraphQLResult, type TestApi } from '../helpers/graphql.js';
import { PIPELINE, seedPipeline } from '../helpers/pipeline.js';
import { seedTwoProjects } from '../helpers/projects.js';

/**
 * Property-based tests: random valid and invalid mutation inputs and lineage
 * arguments never produce INTERNAL_SERVER_ERROR, and the store's invariants
 * hold after any sequence of them (replaying the change log gives the store
 * as it is); random viewers never receive an asset they may not see, in
 * data, in a readable cursor or in the change log.
 */
const CLIENT_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'GRAPHQL_VALIDATION_FAILED']);

let api: TestApi;
beforeEach(async () => {
  api = createTestApi();
  await seedPipeline(api);
});
afterEach(() => api.close());

function expectNoInternalError(result: GraphQLResult<unknown>, what: unknown): void {
  for (const error of result.errors ?? []) {
    const code = String(error.extensions?.['code']);
    if (!CLIENT_CODES.has(code)) throw new Error(`${code} for ${JSON.stringify(what)}: ${error.message}`);
  }
}

/** Every asset, through the port's listing. */
async function everyAsset(store: Store): Promise<AssetRecord[]> {
  const all: AssetRecord[] = [];
  let after = null;
  for (;;) {
    const page: Awaited<ReturnType<Store['listAssets']>> = await store.listAssets(makeListQuery({ first: 100, after }));
    all.push(...page.assets);
    const last = page.assets.at(-1);
    if (!page.hasNextPage || !last) return all;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

/** The contract suite's invariants, checked over the whole store. */
async function checkInvariants(store: Store): Promise<void> {
  const assets = await everyAsset(store);
  const ids = new Set(assets.map((a) => a.id));
  expect(ids.size).toBe(assets.length);
  const names = assets.filter((a) => CATALOGUE.kind(a.kind).named).map((a) => JSON.stringify([a.kind, a.name, a.version]));
  expect(new Set(names).size).toBe(names.length);
  for (const asset of assets) {
    expect(ASSET_KINDS).toContain(asset.kind);
    expect(asset.name.length).toBeGreaterThan(0);
  }
  const requests = assets.flatMap((a) =>
    RELATION_NAMES.flatMap((relation) => (['OUT', 'IN'] as const).map((direction) => ({ id: a.id, relation, direction, asOf: null }))),
  );
  const answers = await store.neighbors(requests);
  for (const neighbours of answers) for (const n of neighbours) expect(ids.has(n.id)).toBe(true);
  const stored = requests.flatMap((request, i) =>
    request.direction === 'OUT' ? (answers[i] ?? []).map((n) => `${request.id} ${request.relation} ${n.id}`) : [],
  );
  await checkChangeLog(store, assets, stored);
}

/** Every change, in sequence order, through the port. */
async function everyChange(store: Store): Promise<ChangeRecord[]> {
  const all: ChangeRecord[] = [];
  for (let after: string | null = null; ; ) {
    const page = await store.changes({ selection: makeChangeSelection(), afterSequence: after, first: 100, scope: null });
    all.push(...page.changes);
    after = page.changes.at(-1)?.sequence ?? null;
    if (!page.hasNextPage) return all;
  }
}

/**
 * Replaying the change log gives the store as it is: the assets it created
 * and did not delete, each in the state of its last change, and the
 * relations it linked and did not unlink; sequences increase and instants
 * never decrease.
 */
async function checkChangeLog(store: Store, assets: readonly AssetRecord[], relations: readonly string[]): Promise<void> {
  const changes = await everyChange(store);
  const states = new Map<string, unknown>();
  const linked = new Set<string>();
  changes.forEach((change, i) => {
    const previous = changes[i - 1];
    if (previous) {
      expect(Number(change.sequence)).toBeGreaterThan(Number(previous.sequence));
      expect(change.at >= previous.at).toBe(true);
    }
    const relation = `${change.from} ${change.relation} ${change.to}`;
    if (change.operation === 'CREATE' || change.operation === 'UPDATE') states.set(change.assetId, change.after);
    if (change.operation === 'DELETE') states.delete(change.assetId);
    if (change.operation === 'LINK') linked.add(relation);
    if (change.operation === 'UNLINK') linked.delete(relation);
  });
  expect([...states.keys()].sort()).toEqual(assets.map((a) => a.id).sort());
  for (const asset of assets) expect(states.get(asset.id)).toEqual(assetState(asset));
  expect([...linked].sort()).toEqual([...relations].sort());
}

describe('property: random mutations', () => {
  it('never answer INTERNAL_SERVER_ERROR, and leave the store consistent', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 12 }), async (mutations) => {
        for (const m of mutations) {
          const result = await api.execute(
            `mutation ($input: ${m.type}!) { ${m.field}(input: $input) { __typename } }`,
            { input: m.input },
          );
          expectNoInternalError(result, m);
          const outcome = String(result.errors?.[0]?.extensions?.['code'] ?? 'OK');
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
        await checkInvariants(api.store);
      }),
      { numRuns: 40 },
    );
    // The inputs reach every outcome, so the property is not vacuous.
    expect([...outcomes.keys()].sort()).toEqual(expect.arrayContaining(['BAD_USER_INPUT', 'NOT_FOUND', 'OK']));
  });
});

describe('property: random lineage arguments', () => {
  it('never answer INTERNAL_SERVER_ERROR, and respect the bounds asked for', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.values(PIPELINE)),
        fc.constantFrom('upstream', 'downstream'),
        fc.option(fc.integer({ min: -3, max: 150 }), { nil: undefined }),
        fc.option(fc.integer({ min: -3, max: 12_000 }), { nil: undefined }),
        fc.option(fc.subarray([...ASSET_KINDS]), { nil: undefined }),
        async (id, direction, depth, limit, kinds) => {
          const result = await api.execute<{ node: { [k: string]: { nodes: { degree: number; asset: { id: string; kind: string } }[]; edges: { from: { id: string }; to: { id: string } }[] } } }>(
            `query ($id: ID!, $depth: Int, $limit: Int, $kinds: [AssetKind!]) {
              node(id: $id) { ... on Asset { ${direction}(depth: $depth, limit: $limit, kinds: $kinds) {
                nodes { degree asset { id kind } } edges { from { id } to { id } } truncated } } }
            }`,
            { id, depth, limit, kinds },
          );
          expectNoInternalError(result, { id, direction, depth, limit, kinds });
          const lineage = result.data?.node?.[direction];
          if (!lineage) return;
          const returned = lineage.nodes.map((n) => n.asset.id);
          expect(new Set(returned).size).toBe(returned.length);
          expect(returned).not.toContain(id);
          expect(returned.length).toBeLessThanOrEqual(limit ?? 1000);
          for (const n of lineage.nodes) {
            expect(n.degree).toBeGreaterThanOrEqual(1);
            expect(n.degree).toBeLessThanOrEqual(depth ?? 100);
            if (kinds && kinds.length > 0) expect(kinds).toContain(n.asset.kind);
          }
          const members = new Set([id, ...returned]);
          for (const e of lineage.edges) expect(members.has(e.from.id) && members.has(e.to.id)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('property: random viewers and reads', () => {
  it('never answer an id the viewer may not see, in data or in a readable cursor', async () => {
    const reads = createTestApi();
    await seedTwoProjects(reads.store);
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...viewers), read, async ({ viewer: who, hidden }, { query, variables }) => {
          const result = await reads.execute(query, variables, who);
          for (const error of result.errors ?? []) expect(['FORBIDDEN']).toContain(error.extensions?.['code']);
          const cursors = [...JSON.stringify(result.data).matchAll(/"(?:cursor|endCursor)":"([A-Za-z0-9_-]+)"/g)].map((m) =>
            Buffer.from(m[1] ?? '', 'base64url').toString(),
          );
          const text = JSON.stringify(result.data) + cursors.join();
          for (const id of hidden) expect(text).not.toContain(`"${id}"`);
        }),
        { numRuns: 120 },
      );
    } finally {
      await reads.close();
    }
  });
});
