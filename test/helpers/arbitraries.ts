import fc from 'fast-check';
import { ASSET_KINDS } from '../../src/domain/kinds.js';
import { PIPELINE } from './pipeline.js';
import { BETA_ONLY, TWO, viewer } from './projects.js';

/**
 * fast-check arbitraries of GraphQL operations, shared by the property tests
 * (test/hardening/properties.test.ts) and the differential test of the two
 * executors (test/hardening/executors.test.ts): valid and invalid mutation
 * inputs over the pipeline (seedPipeline), lineage arguments, and reads by
 * random viewers of the two projects (seedTwoProjects).
 */

/** Ids that exist, ids of the wrong kind, malformed and unknown ones. */
export const anyId = fc.oneof(
  fc.constantFrom(...Object.values(PIPELINE)),
  fc.constantFrom('models/nope', 'datasets/', 'nocollection/x', '', 'run/run-1/x', 'models/a b'),
  fc.string({ maxLength: 20 }),
);
export const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '   ', 'churn-xgb', 'customers', 'x'.repeat(300)));
export const key = fc.option(fc.oneof(fc.constantFrom('k1', 'k2', 'run-1', 'churn', 'bad key', ''), fc.stringMatching(/^[a-z0-9-]{1,8}$/)), {
  nil: undefined,
});
export const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })));
export const metric = fc.record({ name: text, value: fc.double({ noNaN: true, noDefaultInfinity: true }) });
export const instant = fc.oneof(
  fc.date({ min: new Date('1950-01-01'), max: new Date('2150-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-01-01', 'yesterday', '1800-01-01T00:00:00Z', '2026-13-45T00:00:00Z'),
);

/** A mutation of every kind with random, often invalid, input: `field(input: $input)` with the input type. */
export const mutation = fc.oneof(
  fc.record({ name: text, key, version: fc.option(text, { nil: undefined }), properties: fc.option(json, { nil: undefined }) }).map(
    (input) => ({ field: 'registerDataset', type: 'RegisterDatasetInput', input: { ...input, derivedFrom: undefined } }),
  ),
  fc.record({ name: text, key, datasets: fc.array(anyId, { maxLength: 3 }) }).map((input) => ({
    field: 'registerFeatureset',
    type: 'RegisterFeaturesetInput',
    input,
  })),
  fc.record({ name: text, key, project: fc.option(anyId, { nil: undefined }), derivedFrom: fc.option(anyId, { nil: undefined }) }).map(
    (input) => ({ field: 'registerModel', type: 'RegisterModelInput', input }),
  ),
  fc
    .record({
      runId: key,
      model: anyId,
      datasets: fc.array(anyId, { maxLength: 3 }),
      params: fc.option(json, { nil: undefined }),
      metrics: fc.option(fc.array(metric, { maxLength: 3 }), { nil: undefined }),
      startedAt: fc.option(instant, { nil: undefined }),
      endedAt: fc.option(instant, { nil: undefined }),
    })
    .map((input) => ({ field: 'logRun', type: 'LogRunInput', input })),
  fc
    .record({ key, deployment: anyId, periodStart: instant, periodEnd: instant, metrics: fc.array(metric, { maxLength: 2 }) })
    .map((input) => ({ field: 'logServingPerf', type: 'LogServingPerfInput', input })),
  fc.record({ asset: anyId, from: anyId }).map((input) => ({ field: 'linkDerivedFrom', type: 'LinkDerivedFromInput', input })),
  fc
    .record({ id: anyId, name: fc.option(text, { nil: undefined }), properties: fc.option(json, { nil: undefined }) })
    .map((input) => ({ field: 'updateAsset', type: 'UpdateAssetInput', input })),
  fc.record({ id: anyId }).map((input) => ({ field: 'deleteAsset', type: 'DeleteAssetInput', input })),
);

/** A lineage of a pipeline asset, with random (often out of bounds) depth, limit and kinds. */
export const lineageRead = fc
  .record({
    id: fc.constantFrom(...Object.values(PIPELINE)),
    direction: fc.constantFrom('upstream', 'downstream'),
    depth: fc.option(fc.integer({ min: -3, max: 150 }), { nil: undefined }),
    limit: fc.option(fc.integer({ min: -3, max: 12_000 }), { nil: undefined }),
    kinds: fc.option(fc.subarray([...ASSET_KINDS]), { nil: undefined }),
  })
  .map(({ id, direction, depth, limit, kinds }) => ({
    query: `query ($id: ID!, $depth: Int, $limit: Int, $kinds: [AssetKind!]) {
      node(id: $id) { ... on Asset { ${direction}(depth: $depth, limit: $limit, kinds: $kinds) {
        nodes { degree asset { id kind } } edges { from { id } to { id } } truncated } } }
    }`,
    variables: { id, depth, limit, kinds },
  }));

const ALPHA_ONLY = [TWO.alpha, TWO.alphaModel, TWO.alphaRun, TWO.alphaParams, TWO.alphaPerf, TWO.alphaTuned];
/** Viewers of the two projects (seedTwoProjects), each with the ids it may not see. */
export const viewers = [
  { viewer: viewer('reader', TWO.alpha), hidden: BETA_ONLY },
  { viewer: viewer('writer', TWO.beta), hidden: ALPHA_ONLY },
  { viewer: viewer('reader', TWO.alpha, TWO.beta), hidden: [] },
  { viewer: viewer('admin'), hidden: [] },
];
const ids = Object.values(TWO);
/** Every relation field of every type, and both lineages, one level deep. */
const EVERYTHING = `id ... on Asset {
  derivedFrom { id } derivatives { id }
  upstream(depth: $depth) { restricted nodes { asset { id } } edges { from { id } to { id } } }
  downstream(depth: $depth) { restricted nodes { asset { id } } edges { from { id } to { id } } }
}
... on Project { models { id } }
... on Dataset { featuresets { id } runs { id } }
... on Featureset { datasets { id } runs { id } deployments { id } }
... on Model { project { id } producedBy { id } deployments { id } }
... on Run { model { id } params { id } datasets { id } featuresets { id } devPerf { id } }
... on ModelParams { run { id } deployments { id } }
... on DevPerf { run { id } }
... on Deployment { model { id } params { id } featureset { id } servingPerf { id } }
... on ServingPerf { deployment { id } }`;
const CHANGE = 'sequence assetId kind before after relation from to asset { id }';
/** Reads of the two projects' assets, their relations, lineages, history and change log. */
export const viewerRead = fc.oneof(
  fc.record({ first: fc.integer({ min: 1, max: 100 }), kinds: fc.option(fc.subarray([...ASSET_KINDS], { minLength: 1 }), { nil: null }) }).map(
    (variables) => ({
      query: `query ($first: Int, $kinds: [AssetKind!]) {
        changes(first: $first, filter: { kinds: $kinds }) { edges { cursor node { ${CHANGE} } } pageInfo { endCursor } }
      }`,
      variables,
    }),
  ),
  fc.record({ ids: fc.subarray(ids, { minLength: 1 }) }).map((variables) => ({
    query: `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Asset { createdBy updatedBy history(first: 100) { edges { cursor node { ${CHANGE} } } } } } }`,
    variables,
  })),
  fc.record({ ids: fc.subarray(ids, { minLength: 1 }), depth: fc.integer({ min: 1, max: 5 }) }).map((variables) => ({
    query: `query ($ids: [ID!]!, $depth: Int) { nodes(ids: $ids) { ${EVERYTHING} } }`,
    variables,
  })),
  fc.record({ first: fc.integer({ min: 1, max: 4 }), kind: fc.constantFrom(null, 'MODEL', 'RUN', 'SERVING_PERF'), depth: fc.integer({ min: 1, max: 5 }) }).map(
    (variables) => ({
      query: `query ($first: Int, $kind: AssetKind, $depth: Int) {
        assets(first: $first, kind: $kind) { edges { cursor node { ${EVERYTHING} } } pageInfo { endCursor } }
      }`,
      variables,
    }),
  ),
);
