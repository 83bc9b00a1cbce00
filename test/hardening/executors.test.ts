import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/domain/access.js';
import type { AssetRecord } from '../../src/domain/kinds.js';
import type { Store } from '../../src/store/store.js';
import { landing } from '../../src/graphql/jit-errors.js';
import { lineageRead, mutation, viewerRead, viewers } from '../helpers/arbitraries.js';
import { memoryStore } from '../helpers/assets.js';
import { steppingClock } from '../helpers/clock.js';
import { forwardingStore } from '../helpers/counting-store.js';
import { createTestApi, type GraphQLResult, type TestApi, type TestApiOptions } from '../helpers/graphql.js';
import { PIPELINE, seedPipeline } from '../helpers/pipeline.js';
import { seedTwoProjects, TWO } from '../helpers/projects.js';

/**
 * The differential test of the two executors: random operations from the
 * property tests, executed by graphql-jit and by graphql-js on twin stores
 * (seeded alike, with the same clock and keys, so writes keep them twins),
 * answer alike: the same data, and the same errors (message, path, code and
 * locations; see `observed` for errors within a nulled position). Errors
 * are compared ordered by path: graphql-js lists them in the order
 * execution met them, which neither executor promises.
 */
interface Twins {
  jit: TestApi;
  js: TestApi;
}

let open: TestApi[] = [];
afterEach(async () => {
  await Promise.all(open.map((api) => api.close()));
  open = [];
});

/** A counter of keys, so both twins name what they create alike. */
function countingKeys(): () => string {
  let next = 0;
  return () => `k${(next += 1)}`;
}

/** Twins on stores of their own, seeded through GraphQL: writes keep them alike. */
async function writingTwins(seed: (api: TestApi) => Promise<void>): Promise<Twins> {
  const make = async (executor: 'jit' | 'graphql-js') => {
    const api = createTestApi({ executor, now: steppingClock(), newKey: countingKeys() });
    open.push(api);
    await seed(api);
    return api;
  };
  return { jit: await make('jit'), js: await make('graphql-js') };
}

/** Twins reading one store, seeded once. */
async function readingTwins(options: Omit<TestApiOptions, 'executor' | 'store'>, store: Store): Promise<Twins> {
  const jit = createTestApi({ ...options, store, executor: 'jit' });
  open.push(jit);
  return { jit, js: createTestApi({ ...options, store, executor: 'graphql-js' }) };
}

async function twoProjects(): Promise<Store> {
  const store = memoryStore();
  await seedTwoProjects(store);
  return store;
}

/**
 * A response as a client reads it: the data, each error (message, path,
 * code, locations) ordered by path, and for a position that an error
 * within it nulled (a non-null field's error propagating to the nearest
 * nullable position), the distinct messages and codes of the errors within
 * it, by position. Which of several errors within one nulled position
 * graphql-js reports depends on which settled first (it reports those
 * recorded before the null, and stops), so only what they say is compared
 * there; elsewhere every error is compared whole.
 */
function observed(result: GraphQLResult<unknown>): unknown {
  const data: unknown = JSON.parse(JSON.stringify(result.data ?? null));
  const errors: unknown[] = [];
  const nulled = new Map<string, Set<string>>();
  for (const error of result.errors ?? []) {
    const code = error.extensions?.['code'];
    const landed = error.path ? landing(data, error.path) : undefined;
    if (error.path && landed && landed.length < error.path.length) {
      const key = JSON.stringify(landed);
      nulled.set(key, (nulled.get(key) ?? new Set()).add(`${String(code)}: ${error.message}`));
    } else {
      errors.push({ message: error.message, path: error.path, code, locations: error.locations });
    }
  }
  const byPath = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
  return {
    data,
    errors: JSON.parse(JSON.stringify(errors.sort(byPath))),
    nulled: [...nulled].map(([position, said]) => [position, [...said].sort()]).sort(byPath),
  };
}

async function expectAlike(pair: Twins, query: string, variables?: Record<string, unknown>, viewer?: Viewer): Promise<unknown> {
  const jit = observed(await pair.jit.execute(query, variables, viewer));
  const js = observed(await pair.js.execute(query, variables, viewer));
  expect(jit, `${query}\n${JSON.stringify(variables)}`).toEqual(js);
  return jit;
}

/** Codes met across a property's runs, so a property that never reached an error case fails. */
function codesOf(response: unknown, into: Set<string>): void {
  const { errors, nulled } = response as { errors: { code?: string }[]; nulled: [string, string[]][] };
  for (const error of errors) into.add(String(error.code));
  for (const [, said] of nulled) for (const line of said) into.add(line.slice(0, line.indexOf(':')));
}

/** A pipeline store whose records lose `name` for datasets: Asset.name is non-null, so reading one is a non-null violation. */
function namelessDatasets(inner: Store): Store {
  const strip = (record: AssetRecord | null) => (record?.kind === 'DATASET' ? ({ ...record, name: null } as unknown as AssetRecord) : record);
  return forwardingStore(inner, {
    getAssets: async (ids, asOf) => (await inner.getAssets(ids, asOf)).map(strip),
  });
}

describe('graphql-jit and graphql-js answer alike', () => {
  it('random mutations, valid and invalid, leave twin stores twins', async () => {
    const pair = await writingTwins(seedPipeline);
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), async (mutations) => {
        for (const m of mutations) {
          const response = await expectAlike(pair, `mutation ($input: ${m.type}!) { ${m.field}(input: $input) { __typename } }`, { input: m.input });
          codesOf(response, codes);
        }
      }),
      // Besides the random runs, one that always reaches both codes below (a key with a space, a model
      // derived from a missing one), so that whether they were exercised does not depend on the draw.
      {
        numRuns: 30,
        examples: [
          [
            [
              { field: 'registerModel', type: 'RegisterModelInput', input: { name: 'm', key: 'bad key', project: undefined, derivedFrom: undefined } },
              { field: 'registerModel', type: 'RegisterModelInput', input: { name: 'm', key: 'k1', project: undefined, derivedFrom: 'models/nope' } },
            ],
          ],
        ],
      },
    );
    expect([...codes]).toEqual(expect.arrayContaining(['BAD_USER_INPUT', 'NOT_FOUND']));
  });

  it('random lineage arguments, and variables of the wrong type', async () => {
    const pair = await writingTwins(seedPipeline);
    const codes = new Set<string>();
    const wrong = fc.oneof(fc.string({ maxLength: 4 }), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
    await fc.assert(
      fc.asyncProperty(lineageRead, fc.option(fc.tuple(fc.constantFrom('id', 'depth', 'limit', 'kinds'), wrong)), async ({ query, variables }, spoil) => {
        const spoiled = spoil ? { ...variables, [spoil[0]]: spoil[1] } : variables;
        codesOf(await expectAlike(pair, query, spoiled), codes);
      }),
      { numRuns: 80 },
    );
    expect([...codes]).toEqual(expect.arrayContaining(['BAD_USER_INPUT']));
  });

  it('random reads by scoped viewers, FORBIDDEN errors included', async () => {
    const pair = await readingTwins({}, await twoProjects());
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...viewers), viewerRead, async ({ viewer }, { query, variables }) => {
        codesOf(await expectAlike(pair, query, variables, viewer), codes);
      }),
      { numRuns: 60 },
    );
    const refused = await expectAlike(pair, `{ nodes(ids: ${JSON.stringify(Object.values(TWO))}) { id } }`, undefined, viewers[0]?.viewer);
    codesOf(refused, codes);
    expect([...codes]).toContain('FORBIDDEN');
  });

  it('reads over a result budget that runs out', async () => {
    const pair = await readingTwins({ maxResultAssets: 3 }, await twoProjects());
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...viewers), viewerRead, async ({ viewer }, { query, variables }) => {
        codesOf(await expectAlike(pair, query, variables, viewer), codes);
      }),
      { numRuns: 40 },
    );
    expect([...codes]).toContain('RESULT_TOO_LARGE');
  });

  it('reads past the execution deadline', async () => {
    // A deadline of a nanosecond has passed by the first store call of every request.
    const pair = await readingTwins({ executionTimeoutMs: 1e-6 }, await twoProjects());
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...viewers), viewerRead, async ({ viewer }, { query, variables }) => {
        codesOf(await expectAlike(pair, query, variables, viewer), codes);
      }),
      { numRuns: 30 },
    );
    expect([...codes]).toEqual(['EXECUTION_TIMEOUT']);
  });

  it('non-null violations from records the store answers without a name', async () => {
    const inner = memoryStore();
    await seedPipeline(createTestApi({ store: inner }));
    const pair = await readingTwins({}, namelessDatasets(inner));
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(lineageRead, async ({ query, variables }) => {
        const named = query.replace('asset { id kind }', 'asset { id kind name }');
        codesOf(await expectAlike(pair, named, variables), codes);
      }),
      { numRuns: 30 },
    );
    const response = await expectAlike(pair, `{ nodes(ids: ["${PIPELINE.model}", "${PIPELINE.datasetV1}"]) { id ... on Asset { name } } }`);
    expect(response).toMatchObject({
      data: { nodes: [{ id: PIPELINE.model, name: 'churn-xgb' }, null] },
      nulled: [['["nodes",1]', ['INTERNAL_SERVER_ERROR: Internal server error']]],
    });
    codesOf(response, codes);
    expect([...codes]).toContain('INTERNAL_SERVER_ERROR');
  });
});
