import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssetKind } from '../../src/domain/kinds.js';
import type { WriteOp } from '../../src/domain/writes.js';
import { commitOps, content, putAsset, putEdge } from '../helpers/assets.js';
import { createTestApi, type GraphQLResult, type TestApi } from '../helpers/graphql.js';
import { viewer } from '../helpers/projects.js';

/**
 * Noninterference: two stores that differ only in assets a viewer scoped
 * to project alpha may not see (project beta's) give byte-identical answers
 * to every operation that viewer sends: listings with every filter and with
 * real or forged cursors, lineages with every argument, relation fields,
 * `_entities`, and mutations that fail. A failing case prints both answers.
 *
 * What the viewer can learn is exactly the list below (docs/scopes.md
 * states the same list). The generators leave out the shapes each
 * exception is about, and say so where they do.
 */
export const DOCUMENTED_EXCEPTIONS = {
  /** `node`, `nodes` and mutation inputs naming a hidden id answer FORBIDDEN where a missing id answers null or NOT_FOUND. */
  EXISTENCE_BY_ID: 'an id the viewer names exists',
  /** Registering a (name, version) a hidden asset holds is a CONFLICT (names are unique across projects). */
  NAME_TAKEN: 'a name is taken',
  /**
   * Lineage traverses hidden assets, so a visible asset reached only through
   * hidden ones is returned, with its true degree: that a path of hidden
   * assets joins two visible ones, and its length. Usage counts (and reuse,
   * which ranks by them) walk the same way.
   */
  PATHS_THROUGH_HIDDEN: 'that hidden assets join two visible ones in a lineage, and how many hops they take',
  /** The visit limit (100,000 assets by default) counts hidden assets: a lineage near it may be truncated sooner. */
  VISIT_LIMIT: 'that a lineage visited more than the visit limit, hidden assets included',
  /** `deleteAsset.deletedRelations` counts the relations of an asset the viewer may write to assets it may not see. */
  DELETED_RELATIONS: 'how many relations an asset it deletes had to hidden assets',
  /**
   * Change sequences are global: the gaps between the sequences of the
   * changes a viewer sees tell how many changes it may not see were made
   * between them. The generators commit the hidden world after the visible
   * one, so no gap opens among the visible changes.
   */
  SEQUENCE_GAPS: 'how many changes were made between two it sees',
  /**
   * A shared asset's `createdBy` and `updatedBy`, and the actor of its
   * changes, name whoever made them, a token of another project included.
   * The hidden world writes no shared asset.
   */
  ACTORS_OF_SHARED: 'the names of the tokens that created or changed a shared asset',
  /** Response times. */
  TIMING: 'response times',
} as const;

const ALPHA_WRITER = viewer('writer', 'project/alpha');
const SEED = 20261202;

/** Statistics in the drift format: one numeric feature over [0, 10, 20). */
function statistics(counts: [number, number]) {
  return { rows: counts[0] + counts[1], features: { x: { type: 'numeric', bins: [0, 10, 20], counts, missing: 0 } } };
}

const at = (second: number, ms = 0) => new Date(Date.UTC(2026, 0, 1, 0, 0, second, ms)).toISOString();

/** The world alpha's viewer sees, identical in both stores, each unit at its own instant. */
const VISIBLE: readonly [string, WriteOp[]][] = [
  [at(1), [putAsset(content('PROJECT', 'alpha'))]],
  [at(2), [putAsset(content('DATASET', 'd1', { name: 'customers', tag: 'x', statistics: statistics([5, 5]) }))]],
  [
    at(5),
    [
      putAsset(content('DATASET', 'd2', { name: 'orders', statistics: statistics([1, 9]) })),
      putEdge('derived_from', 'datasets/d2', 'datasets/d1'),
    ],
  ],
  [at(6), [putAsset(content('FEATURESET', 'f1', { name: 'features' })), putEdge('featureset_dataset', 'featuresets/f1', 'datasets/d2')]],
  [at(8), [putAsset(content('MODEL', 'alpha-one', { name: 'alpha-model', tag: 'x' })), putEdge('project_models', 'project/alpha', 'models/alpha-one')]],
  [
    at(10),
    [
      putAsset(content('RUN', 'alpha-r1')),
      putEdge('run_models', 'models/alpha-one', 'run/alpha-r1'),
      putEdge('run_datasets', 'run/alpha-r1', 'datasets/d1'),
      putEdge('run_featuresets', 'run/alpha-r1', 'featuresets/f1'),
    ],
  ],
  [
    at(11),
    [
      putAsset(content('MODEL_PARAMS', 'alpha-r1', { params: { depth: 4 } })),
      putAsset(content('DEV_PERF', 'alpha-r1', { metrics: { auc: 0.8 } })),
      putEdge('run_modelparams', 'run/alpha-r1', 'modelparams/alpha-r1'),
      putEdge('run_devperf', 'run/alpha-r1', 'devperf/alpha-r1'),
    ],
  ],
  [
    at(12),
    [
      putAsset(content('RUN', 'alpha-r2', { tag: 'x', status: 'FAILED' })),
      putAsset(content('DEV_PERF', 'alpha-r2', { metrics: { auc: 0.9 } })),
      putEdge('run_models', 'models/alpha-one', 'run/alpha-r2'),
      putEdge('run_datasets', 'run/alpha-r2', 'datasets/d2'),
      putEdge('run_devperf', 'run/alpha-r2', 'devperf/alpha-r2'),
    ],
  ],
  [at(13), [putAsset(content('MODEL', 'free', { name: 'free model' }))]],
  [
    at(14),
    [
      putAsset(content('RUN', 'free-r1')),
      putAsset(content('DEV_PERF', 'free-r1', { metrics: { auc: 0.85 } })),
      putEdge('run_models', 'models/free', 'run/free-r1'),
      putEdge('run_devperf', 'run/free-r1', 'devperf/free-r1'),
    ],
  ],
  [
    at(15),
    [
      putAsset(content('DEPLOYMENT', 'alpha-dep')),
      putEdge('deployment_model', 'deployment/alpha-dep', 'models/alpha-one'),
      putEdge('deployment_featureset', 'deployment/alpha-dep', 'featuresets/f1'),
    ],
  ],
  [
    at(17),
    [
      putAsset(content('SERVING_PERF', 'alpha-sp', { statistics: statistics([9, 1]) })),
      putEdge('deployment_servingperf', 'deployment/alpha-dep', 'servingperf/alpha-sp'),
    ],
  ],
];

const VISIBLE_IDS = [
  'project/alpha',
  'datasets/d1',
  'datasets/d2',
  'featuresets/f1',
  'models/alpha-one',
  'run/alpha-r1',
  'modelparams/alpha-r1',
  'devperf/alpha-r1',
  'run/alpha-r2',
  'devperf/alpha-r2',
  'models/free',
  'run/free-r1',
  'devperf/free-r1',
  'deployment/alpha-dep',
  'servingperf/alpha-sp',
];

const SHARED_ENDS = ['datasets/d1', 'datasets/d2', 'featuresets/f1'];

/**
 * Project beta's assets, hidden from alpha: models with names and tags that
 * alpha's filters match, runs on alpha's shared data, their records,
 * deployments, interleaved in time with the visible ones. Every hidden
 * asset's ownership chain ends in beta, and nothing visible lies downstream
 * or upstream of a hidden asset (PATHS_THROUGH_HIDDEN): hidden assets only
 * hang off the shared ones.
 */
interface Hidden {
  models: { name: string; tag: string | null; second: number }[];
  runs: { model: number; uses: string; second: number; auc: number }[];
  deployments: { model: number; second: number }[];
}

const second = fc.integer({ min: 0, max: 17 });
const hidden: fc.Arbitrary<Hidden> = fc.record({
  models: fc.array(
    fc.record({
      name: fc.constantFrom('alpha-secret', 'beta-model', 'customers-b', 'x', 'free model b', 'orders'),
      tag: fc.constantFrom(null, 'x', 'y'),
      second,
    }),
    { minLength: 1, maxLength: 4 },
  ),
  // Values among, between and equal to the visible runs' (0.8, 0.85, 0.9), so hidden runs would move ranks.
  runs: fc.array(
    fc.record({ model: fc.nat(), uses: fc.constantFrom(...SHARED_ENDS), second, auc: fc.constantFrom(0.7, 0.8, 0.82, 0.9, 0.95) }),
    { maxLength: 4 },
  ),
  deployments: fc.array(fc.record({ model: fc.nat(), second }), { maxLength: 2 }),
});

function hiddenUnits(world: Hidden): [string, WriteOp[]][] {
  const units: [string, WriteOp[]][] = [[at(0, 500), [putAsset(content('PROJECT', 'beta'))]]];
  const models = world.models.map((model, i) => `models/b-${i}`);
  world.models.forEach((model, i) => {
    units.push([
      at(model.second, 100 + i),
      [
        putAsset(content('MODEL', `b-${i}`, { name: model.name, version: `b${i}`, tag: model.tag })),
        putEdge('project_models', 'project/beta', `models/b-${i}`),
      ],
    ]);
  });
  world.runs.forEach((run, i) => {
    const model = models[run.model % models.length] ?? 'models/b-0';
    const relation = run.uses.startsWith('datasets/') ? 'run_datasets' : 'run_featuresets';
    units.push([
      at(run.second, 300 + i),
      [
        putAsset(content('RUN', `b-r${i}`)),
        putAsset(content('DEV_PERF', `b-r${i}`, { metrics: { auc: run.auc } })),
        // The params of alpha's run: shown to alpha, they would make a duplicate group.
        putAsset(content('MODEL_PARAMS', `b-r${i}`, { params: { depth: 4 } })),
        putEdge('run_models', model, `run/b-r${i}`),
        putEdge(relation, `run/b-r${i}`, run.uses),
        putEdge('run_devperf', `run/b-r${i}`, `devperf/b-r${i}`),
        putEdge('run_modelparams', `run/b-r${i}`, `modelparams/b-r${i}`),
      ],
    ]);
  });
  world.deployments.forEach((deployment, i) => {
    const model = models[deployment.model % models.length] ?? 'models/b-0';
    units.push([
      at(deployment.second, 600 + i),
      [
        putAsset(content('DEPLOYMENT', `b-dep${i}`, { name: `b-dep${i}` })),
        putEdge('deployment_model', `deployment/b-dep${i}`, model),
        putEdge('deployment_featureset', `deployment/b-dep${i}`, 'featuresets/f1'),
      ],
    ]);
  });
  // Committed in this order (a relation needs both ends), each at its own instant.
  return units;
}

/** A pair of in-process APIs: the visible world, and the same with `world` hidden in it. */
async function worlds(world: Hidden, maxResultAssets?: number): Promise<[TestApi, TestApi]> {
  const options = { viewer: ALPHA_WRITER, ...(maxResultAssets !== undefined ? { maxResultAssets } : {}) };
  const plain = createTestApi(options);
  const withHidden = createTestApi(options);
  for (const [instant, ops] of VISIBLE) {
    await commitOps(plain.store, ops, instant);
    await commitOps(withHidden.store, ops, instant);
  }
  for (const [instant, ops] of hiddenUnits(world)) await commitOps(withHidden.store, ops, instant);
  return [plain, withHidden];
}

interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

/** Runs `operations` against both worlds and fails, printing both answers, at the first that differs. */
async function expectSameAnswers(world: Hidden, operations: readonly Operation[], maxResultAssets?: number): Promise<void> {
  const [plain, withHidden] = await worlds(world, maxResultAssets);
  try {
    for (const operation of operations) {
      const a = JSON.stringify(await plain.execute(operation.query, operation.variables));
      const b = JSON.stringify(await withHidden.execute(operation.query, operation.variables));
      if (a !== b) {
        throw new Error(
          `answers differ for ${JSON.stringify(operation)}\nwithout hidden assets: ${a}\nwith hidden assets:    ${b}`,
        );
      }
    }
  } finally {
    await Promise.all([plain.close(), withHidden.close()]);
  }
}

const KINDS: readonly AssetKind[] = ['PROJECT', 'DATASET', 'FEATURESET', 'MODEL', 'RUN', 'MODEL_PARAMS', 'DEV_PERF', 'DEPLOYMENT', 'SERVING_PERF'];
const HIDDEN_IDS = ['project/beta', 'models/b-0', 'models/b-1', 'run/b-r0', 'devperf/b-r0', 'deployment/b-dep0'];
const instant = fc.integer({ min: 0, max: 18 }).chain((s) => fc.integer({ min: 0, max: 999 }).map((ms) => at(s, ms)));

/** Forged cursors: plain positions of visible and hidden ids at any instant, and sealed-looking noise. */
const forgedCursor = fc.oneof(
  fc
    .record({ createdAt: instant, id: fc.constantFrom(...VISIBLE_IDS, ...HIDDEN_IDS) })
    .map(({ createdAt, id }) => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url')),
  fc.uint8Array({ minLength: 40, maxLength: 160 }).map((bytes) => `s.${Buffer.from(bytes).toString('base64url')}`),
);

const filter = fc.record(
  {
    nameContains: fc.constantFrom('a', 'alpha', 'b', 'secret', 'customers', 'model', 'x', 'o'),
    tag: fc.constantFrom('x', 'y'),
    createdAfter: instant,
    createdBefore: instant,
    // Any project outside the scope is FORBIDDEN, hidden or missing alike.
    project: fc.constantFrom('project/alpha', 'project/beta', 'project/missing'),
  },
  { requiredKeys: [] },
);

interface ListingPage {
  assets: { pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const LISTING = `query ($kind: AssetKind, $first: Int, $after: String, $filter: AssetFilter) {
  assets(kind: $kind, first: $first, after: $after, filter: $filter) {
    edges { cursor node { id name createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A listing and the pages after it, following endCursor, then one page after a forged cursor. */
const listing = fc
  .record({
    kind: fc.option(fc.constantFrom(...KINDS), { nil: undefined }),
    first: fc.integer({ min: 1, max: 4 }),
    filter: fc.option(filter, { nil: undefined }),
    forged: forgedCursor,
  })
  .map(({ forged, ...args }): Operation[] => [
    { query: LISTING, variables: args },
    { query: LISTING, variables: { ...args, after: forged } },
  ]);

const LINEAGE_ARGS = fc.record(
  { depth: fc.integer({ min: 1, max: 5 }), limit: fc.integer({ min: 1, max: 6 }), kinds: fc.subarray([...KINDS], { minLength: 1 }) },
  { requiredKeys: [] },
);

const lineage = fc
  .record({ id: fc.constantFrom(...VISIBLE_IDS), direction: fc.constantFrom('upstream', 'downstream'), args: LINEAGE_ARGS })
  .map(({ id, direction, args }): Operation[] => [
    {
      query: `query ($id: ID!, $depth: Int, $limit: Int, $kinds: [AssetKind!]) { node(id: $id) { ... on Asset {
        ${direction}(depth: $depth, limit: $limit, kinds: $kinds) {
          truncated restricted
          nodes { degree asset { id name } }
          edges { kind from { id } to { id } }
        }
      } } }`,
      variables: { id, ...args },
    },
  ]);

const RELATIONS = `query ($id: ID!) { node(id: $id) { id ... on Asset { derivedFrom { id } derivatives { id } }
  ... on Project { models { id } }
  ... on Dataset { featuresets { id } runs { id model { id } } }
  ... on Featureset { datasets { id } runs { id } deployments { id } }
  ... on Model { project { id } producedBy { id devPerf { id } } deployments { id featureset { id } } }
  ... on Run { model { id } params { id } datasets { id runs { id } } featuresets { id deployments { id } } devPerf { id } }
  ... on Deployment { model { id } params { id } featureset { id } servingPerf { id }
    performance(metric: "auc") { development serving { at value } change } }
} }`;

const relations = fc.constantFrom(...VISIBLE_IDS).map((id): Operation[] => [{ query: RELATIONS, variables: { id } }]);

// EXISTENCE_BY_ID does not apply to _entities: a hidden reference is null like a missing one, so hidden ids are sent.
const entities = fc
  .array(
    fc.record({
      __typename: fc.constantFrom('Model', 'Run', 'Asset', 'Project', 'Deployment', 'DevPerf'),
      id: fc.constantFrom(...VISIBLE_IDS, ...HIDDEN_IDS, 'models/missing'),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((representations): Operation[] => [
    {
      query: `query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Asset { id name } } }`,
      variables: { r: representations },
    },
  ]);

/**
 * Mutations that fail, naming only visible or missing ids (EXISTENCE_BY_ID)
 * and names no hidden asset holds (NAME_TAKEN).
 */
const FAILING_MUTATIONS: readonly Operation[] = [
  { query: 'mutation { deleteAsset(input: { id: "models/alpha-one" }) { deletedId deletedRelations } }' },
  { query: 'mutation { deleteAsset(input: { id: "run/alpha-r1" }) { deletedId } }' },
  { query: 'mutation { deleteAsset(input: { id: "project/alpha" }) { deletedId } }' },
  { query: 'mutation { deleteAsset(input: { id: "datasets/d1" }) { deletedId } }' },
  { query: 'mutation { updateAsset(input: { id: "datasets/d1", name: "renamed" }) { asset { id } } }' },
  { query: 'mutation { registerModel(input: { name: "", project: "project/alpha" }) { model { id } } }' },
  { query: 'mutation { registerModel(input: { key: "n", name: "n", project: "project/alpha", derivedFrom: "models/missing" }) { model { id } } }' },
  { query: 'mutation { logRun(input: { model: "models/alpha-one", datasets: ["datasets/missing"] }) { run { id } } }' },
  { query: 'mutation { logRun(input: { model: "models/free" }) { run { id } } }' },
  { query: 'mutation { linkDerivedFrom(input: { asset: "datasets/d2", from: "datasets/d1" }) { asset { id } } }' },
  { query: 'mutation { registerModel(input: { key: "alpha-one", name: "other", project: "project/alpha" }) { model { id } } }' },
];

const failingMutation = fc.constantFrom(...FAILING_MUTATIONS).map((operation) => [operation]);

const DRIFT_REPORT = 'method threshold drifted baseline { id name } current { id } features { name status score drifted rebinned }';
const DEPLOYMENT_DRIFT = `query ($method: DriftMethod, $threshold: Float) { node(id: "deployment/alpha-dep") { ... on Deployment {
  drift(method: $method, threshold: $threshold) { ${DRIFT_REPORT} } } } }`;
const DATASET_DRIFT = `query ($id: ID!, $against: ID!, $method: DriftMethod) { node(id: $id) { ... on Dataset {
  drift(against: $against, method: $method) { ${DRIFT_REPORT} } } } }`;

/** Drift of alpha's deployment and between the shared datasets, by either method. */
const drift = fc
  .record({
    method: fc.constantFrom('PSI', 'JENSEN_SHANNON'),
    threshold: fc.option(fc.constantFrom(0, 0.1, 1), { nil: undefined }),
    id: fc.constantFrom('datasets/d1', 'datasets/d2'),
    against: fc.constantFrom('datasets/d1', 'datasets/d2'),
  })
  .map(({ method, threshold, id, against }): Operation[] => [
    { query: DEPLOYMENT_DRIFT, variables: { method, threshold } },
    { query: DATASET_DRIFT, variables: { id, against, method } },
  ]);


interface LeaderboardPage {
  leaderboard: { pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const LEADERBOARD = `query ($order: SortOrder!, $filter: RunFilter, $best: Boolean, $first: Int, $after: String) {
  leaderboard(metric: "auc", order: $order, filter: $filter, bestPerModel: $best, first: $first, after: $after) {
    edges { cursor node { rank value run { id name } model { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const runFilter = fc.record(
  {
    // Any project outside the scope is FORBIDDEN; a hidden model or asset too (EXISTENCE_BY_ID).
    project: fc.constantFrom('project/alpha', 'project/beta', 'project/missing'),
    model: fc.constantFrom('models/alpha-one', 'models/free', 'models/missing'),
    downstreamOf: fc.constantFrom(...SHARED_ENDS, 'models/alpha-one', 'project/alpha'),
    tag: fc.constantFrom('x', 'y'),
    status: fc.constantFrom('COMPLETED', 'FAILED', 'RUNNING'),
    since: instant,
    until: instant,
  },
  { requiredKeys: [] },
);

const leaderboardArgs = fc.record({
  order: fc.constantFrom('ASC', 'DESC'),
  first: fc.integer({ min: 1, max: 3 }),
  best: fc.boolean(),
  filter: fc.option(runFilter, { nil: undefined }),
});

/** A leaderboard page, and one after a forged cursor (sealed-looking noise, or a listing cursor's plain text). */
const leaderboard = fc.record({ args: leaderboardArgs, forged: forgedCursor }).map(({ args, forged }): Operation[] => [
  { query: LEADERBOARD, variables: args },
  { query: LEADERBOARD, variables: { ...args, after: forged } },
]);

const CHANGE = 'id sequence at actor operation assetId kind before after relation from to source transaction asset { id name }';

interface ChangesPage {
  changes: { pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const CHANGES = `query ($filter: ChangeFilter, $first: Int, $after: String, $afterSequence: String) {
  changes(filter: $filter, first: $first, after: $after, afterSequence: $afterSequence) {
    edges { cursor node { ${CHANGE} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface ReusePage {
  reuse: { pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const REUSE = `query ($kind: AssetKind!, $minModels: Int, $first: Int, $after: String) {
  reuse(kind: $kind, minModels: $minModels, first: $first, after: $after) {
    edges { cursor node { asset { id name usage { runs models deployments } } usage { runs models deployments } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const changeFilter = fc.record(
  {
    actor: fc.constantFrom('test', 'other'),
    // Any id the viewer names, hidden ones included: a filter by a hidden id selects nothing, as a missing one does.
    assets: fc.subarray([...VISIBLE_IDS, ...HIDDEN_IDS, 'models/missing'], { minLength: 1, maxLength: 4 }),
    kinds: fc.subarray([...KINDS], { minLength: 1 }),
    operations: fc.subarray(['CREATE', 'UPDATE', 'DELETE', 'LINK', 'UNLINK'], { minLength: 1 }),
    since: instant,
    until: instant,
  },
  { requiredKeys: [] },
);

/** A page of the audit trail, and pages after a forged cursor and after any sequence. */
const auditTrail = fc
  .record({
    filter: fc.option(changeFilter, { nil: undefined }),
    first: fc.integer({ min: 1, max: 6 }),
    forged: forgedCursor,
    afterSequence: fc.integer({ min: 0, max: 120 }).map(String),
  })
  .map(({ forged, afterSequence, ...args }): Operation[] => [
    { query: CHANGES, variables: args },
    { query: CHANGES, variables: { ...args, after: forged } },
    { query: CHANGES, variables: { ...args, afterSequence } },
  ]);

/** A visible asset's authors and history, and a change by id (visible, hidden or missing sequences alike). */
const history = fc
  .record({ id: fc.constantFrom(...VISIBLE_IDS), first: fc.integer({ min: 1, max: 6 }), sequence: fc.integer({ min: 1, max: 120 }) })
  .map(({ id, first, sequence }): Operation[] => [
    {
      query: `query ($id: ID!, $first: Int) { node(id: $id) { ... on Asset { createdBy updatedBy
        history(first: $first) { edges { cursor node { ${CHANGE} } } pageInfo { hasNextPage endCursor } } } } }`,
      variables: { id, first },
    },
    { query: `query ($id: ID!) { node(id: $id) { ... on Change { ${CHANGE} } } }`, variables: { id: `metalayer_changes/${sequence}` } },
  ]);

const reuseArgs = fc.record({
  kind: fc.constantFrom(...KINDS),
  minModels: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  first: fc.integer({ min: 1, max: 3 }),
});

const USAGE = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Asset { id usage { runs models deployments } } } }`;

/** Usage of visible assets (hidden runs, models and deployments hang off the shared ones), reuse pages, duplicate groups. */
const reusable = fc
  .record({
    ids: fc.subarray(VISIBLE_IDS, { minLength: 1 }),
    reuse: reuseArgs,
    forged: forgedCursor,
    duplicates: fc.constantFrom('DATASET', 'FEATURESET', 'MODEL_PARAMS'),
  })
  .map(({ ids, reuse: args, forged, duplicates }): Operation[] => [
    { query: USAGE, variables: { ids } },
    { query: REUSE, variables: args },
    { query: REUSE, variables: { ...args, after: forged } },
    { query: `query ($kind: AssetKind!) { duplicates(kind: $kind) { fingerprint assets { id name } } }`, variables: { kind: duplicates } },
  ]);

const operations = fc.oneof(listing, lineage, relations, entities, failingMutation, drift, leaderboard, reusable, auditTrail, history);

describe('noninterference for a viewer scoped to a project', () => {
  it('names every documented exception (docs/scopes.md)', () => {
    expect(Object.keys(DOCUMENTED_EXCEPTIONS)).toEqual([
      'EXISTENCE_BY_ID',
      'NAME_TAKEN',
      'PATHS_THROUGH_HIDDEN',
      'VISIT_LIMIT',
      'DELETED_RELATIONS',
      'SEQUENCE_GAPS',
      'ACTORS_OF_SHARED',
      'TIMING',
    ]);
  });

  it('the failing mutations fail in both worlds', async () => {
    const [plain, withHidden] = await worlds({ models: [{ name: 'x', tag: 'x', second: 3 }], runs: [], deployments: [] });
    for (const operation of FAILING_MUTATIONS) {
      expect((await plain.execute(operation.query)).errors?.length, operation.query).toBe(1);
      expect((await withHidden.execute(operation.query)).errors?.length, operation.query).toBe(1);
    }
    await Promise.all([plain.close(), withHidden.close()]);
  });

  it('gives byte-identical answers to listings, lineages, relation fields, _entities, leaderboards, usage, reuse, duplicates, the change log and failing mutations', async () => {
    await fc.assert(
      fc.asyncProperty(hidden, fc.array(operations, { minLength: 1, maxLength: 4 }), async (world, batches) => {
        await expectSameAnswers(world, batches.flat());
      }),
      { numRuns: 60, seed: SEED },
    );
  }, 120_000);

  it('gives byte-identical drift when a hidden model shares the deployment and has a newer completed run on other data', async () => {
    // An unscoped reading takes beta's model (its relation is the older) and its newer run on d2 as the baseline.
    const plain = createTestApi({ viewer: ALPHA_WRITER });
    const withHidden = createTestApi({ viewer: ALPHA_WRITER });
    await commitOps(withHidden.store, [putAsset(content('PROJECT', 'beta'))], at(0, 500));
    await commitOps(withHidden.store, [putAsset(content('MODEL', 'b-0')), putEdge('project_models', 'project/beta', 'models/b-0')], at(3));
    for (const [instant, ops] of VISIBLE) {
      await commitOps(plain.store, ops, instant);
      const [first, ...rest] = ops;
      if (first?.type === 'putAsset' && first.content.id === 'deployment/alpha-dep') {
        await commitOps(withHidden.store, [first, putEdge('deployment_model', 'deployment/alpha-dep', 'models/b-0')], instant);
        await commitOps(withHidden.store, rest, instant);
      } else {
        await commitOps(withHidden.store, ops, instant);
      }
    }
    await commitOps(
      withHidden.store,
      [putAsset(content('RUN', 'b-late')), putEdge('run_models', 'models/b-0', 'run/b-late'), putEdge('run_datasets', 'run/b-late', 'datasets/d2')],
      at(18),
    );
    try {
      for (const method of ['PSI', 'JENSEN_SHANNON']) {
        const a = JSON.stringify(await plain.execute(DEPLOYMENT_DRIFT, { method }));
        expect(JSON.stringify(await withHidden.execute(DEPLOYMENT_DRIFT, { method }))).toBe(a);
      }
      const unscoped = await withHidden.execute<{ node: { drift: { baseline: { id: string }[] } } }>(DEPLOYMENT_DRIFT, {}, viewer('admin'));
      const scoped = await plain.execute<{ node: { drift: { baseline: { id: string }[]; drifted: boolean } } }>(DEPLOYMENT_DRIFT);
      expect(scoped.data?.node.drift).toMatchObject({ baseline: [{ id: 'datasets/d1' }], drifted: true });
      expect(unscoped.data?.node.drift.baseline).toEqual([{ id: 'datasets/d2', name: 'orders' }]);
    } finally {
      await Promise.all([plain.close(), withHidden.close()]);
    }
  });

  it('gives byte-identical answers under a small result budget (RESULT_TOO_LARGE counts visible assets only)', async () => {
    await fc.assert(
      fc.asyncProperty(hidden, fc.array(fc.oneof(relations, lineage), { minLength: 1, maxLength: 3 }), async (world, batches) => {
        await expectSameAnswers(world, batches.flat(), 3);
      }),
      { numRuns: 30, seed: SEED + 1 },
    );
  }, 120_000);

  it('pages through the whole listing with real cursors identically', async () => {
    await fc.assert(
      fc.asyncProperty(hidden, fc.integer({ min: 1, max: 3 }), fc.option(filter, { nil: undefined }), async (world, first, filterArgs) => {
        const [plain, withHidden] = await worlds(world);
        try {
          let after: string | null = null;
          for (let page = 0; page < 12; page += 1) {
            const variables: Record<string, unknown> = { first, after, filter: filterArgs };
            const a: GraphQLResult<ListingPage> = await plain.execute<ListingPage>(LISTING, variables);
            const b = await withHidden.execute(LISTING, variables);
            if (JSON.stringify(a) !== JSON.stringify(b)) {
              throw new Error(`page ${page} differs\nwithout hidden assets: ${JSON.stringify(a)}\nwith hidden assets:    ${JSON.stringify(b)}`);
            }
            if (!a.data?.assets.pageInfo.hasNextPage) break;
            after = a.data.assets.pageInfo.endCursor;
          }
        } finally {
          await Promise.all([plain.close(), withHidden.close()]);
        }
      }),
      { numRuns: 25, seed: SEED + 2 },
    );
  }, 120_000);

  it('pages through the whole audit trail with real cursors identically', async () => {
    await fc.assert(
      fc.asyncProperty(hidden, fc.integer({ min: 1, max: 7 }), fc.option(changeFilter, { nil: undefined }), async (world, first, filterArgs) => {
        const [plain, withHidden] = await worlds(world);
        try {
          let after: string | null = null;
          for (let page = 0; page < 40; page += 1) {
            const variables: Record<string, unknown> = { first, after, filter: filterArgs };
            const a: GraphQLResult<ChangesPage> = await plain.execute<ChangesPage>(CHANGES, variables);
            const b = await withHidden.execute(CHANGES, variables);
            if (JSON.stringify(a) !== JSON.stringify(b)) {
              throw new Error(`page ${page} differs\nwithout hidden assets: ${JSON.stringify(a)}\nwith hidden assets:    ${JSON.stringify(b)}`);
            }
            if (!a.data?.changes.pageInfo.hasNextPage) break;
            after = a.data.changes.pageInfo.endCursor;
          }
        } finally {
          await Promise.all([plain.close(), withHidden.close()]);
        }
      }),
      { numRuns: 20, seed: SEED + 4 },
    );
  }, 120_000);

  it('pages through a whole leaderboard with real cursors identically: ranks count visible runs only', async () => {
    await fc.assert(
      fc.asyncProperty(hidden, leaderboardArgs, async (world, args) => {
        const [plain, withHidden] = await worlds(world);
        try {
          let after: string | null = null;
          for (let page = 0; page < 6; page += 1) {
            const variables: Record<string, unknown> = { ...args, after };
            const a: GraphQLResult<LeaderboardPage> = await plain.execute<LeaderboardPage>(LEADERBOARD, variables);
            const b = await withHidden.execute(LEADERBOARD, variables);
            if (JSON.stringify(a) !== JSON.stringify(b)) {
              throw new Error(`page ${page} differs\nwithout hidden assets: ${JSON.stringify(a)}\nwith hidden assets:    ${JSON.stringify(b)}`);
            }
            if (!a.data?.leaderboard.pageInfo.hasNextPage) break;
            after = a.data.leaderboard.pageInfo.endCursor;
          }
        } finally {
          await Promise.all([plain.close(), withHidden.close()]);
        }
      }),
      { numRuns: 25, seed: SEED + 3 },
    );
  }, 120_000);

  it('pages through a whole reuse ranking with real cursors identically: usage counts visible assets only', async () => {
    await fc.assert(
      fc.asyncProperty(hidden, reuseArgs, async (world, args) => {
        const [plain, withHidden] = await worlds(world);
        try {
          let after: string | null = null;
          for (let page = 0; page < 8; page += 1) {
            const variables: Record<string, unknown> = { ...args, after };
            const a: GraphQLResult<ReusePage> = await plain.execute<ReusePage>(REUSE, variables);
            const b = await withHidden.execute(REUSE, variables);
            if (JSON.stringify(a) !== JSON.stringify(b)) {
              throw new Error(`page ${page} differs\nwithout hidden assets: ${JSON.stringify(a)}\nwith hidden assets:    ${JSON.stringify(b)}`);
            }
            if (!a.data?.reuse.pageInfo.hasNextPage) break;
            after = a.data.reuse.pageInfo.endCursor;
          }
        } finally {
          await Promise.all([plain.close(), withHidden.close()]);
        }
      }),
      { numRuns: 25, seed: SEED + 4 },
    );
  }, 120_000);
});
