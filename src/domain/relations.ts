import type { AssetKind } from './kinds.js';
import { ASSET_KINDS } from './kinds.js';

/**
 * The relation catalogue: arangopipe's eleven edge collections with their
 * stored directions, plus metalayer's `derived_from`. Lineage directions,
 * engines' traversals and GraphQL relation fields all derive from this table.
 */
export const RELATION_NAMES = [
  'project_models',
  'run_models',
  'run_modelparams',
  'run_datasets',
  'run_featuresets',
  'run_devperf',
  'featureset_dataset',
  'deployment_model',
  'deployment_modelparams',
  'deployment_featureset',
  'deployment_servingperf',
  'derived_from',
] as const;

export type RelationName = (typeof RELATION_NAMES)[number];

/** Which stored end of an edge is the upstream one; null for containment. */
export type UpstreamEnd = 'from' | 'to' | null;

export interface Relation {
  name: RelationName;
  from: readonly AssetKind[];
  to: readonly AssetKind[];
  upstream: UpstreamEnd;
}

const relation = (
  name: RelationName,
  from: readonly AssetKind[],
  to: readonly AssetKind[],
  upstream: UpstreamEnd,
): Relation => ({ name, from, to, upstream });

export const RELATIONS: Readonly<Record<RelationName, Relation>> = {
  project_models: relation('project_models', ['PROJECT'], ['MODEL'], null),
  run_models: relation('run_models', ['MODEL'], ['RUN'], 'to'),
  run_modelparams: relation('run_modelparams', ['RUN'], ['MODEL_PARAMS'], 'to'),
  run_datasets: relation('run_datasets', ['RUN'], ['DATASET'], 'to'),
  run_featuresets: relation('run_featuresets', ['RUN'], ['FEATURESET'], 'to'),
  run_devperf: relation('run_devperf', ['RUN'], ['DEV_PERF'], 'from'),
  featureset_dataset: relation('featureset_dataset', ['FEATURESET'], ['DATASET'], 'to'),
  deployment_model: relation('deployment_model', ['DEPLOYMENT'], ['MODEL'], 'to'),
  deployment_modelparams: relation('deployment_modelparams', ['DEPLOYMENT'], ['MODEL_PARAMS'], 'to'),
  deployment_featureset: relation('deployment_featureset', ['DEPLOYMENT'], ['FEATURESET'], 'to'),
  deployment_servingperf: relation('deployment_servingperf', ['DEPLOYMENT'], ['SERVING_PERF'], 'from'),
  derived_from: relation('derived_from', ASSET_KINDS, ASSET_KINDS, 'to'),
};

export function isRelationName(value: string): value is RelationName {
  return (RELATION_NAMES as readonly string[]).includes(value);
}

export type LineageDirection = 'UPSTREAM' | 'DOWNSTREAM';

/** A stored edge direction as seen from a start vertex: follow `_from → _to` (OUT) or `_to → _from` (IN). */
export type EdgeDirection = 'OUT' | 'IN';

/** The relations that are lineage (everything but containment). */
export const LINEAGE_RELATIONS: readonly Relation[] = RELATION_NAMES.map((name) => RELATIONS[name]).filter(
  (r) => r.upstream !== null,
);

/**
 * The edge direction that steps from an asset towards `direction` along a
 * lineage relation: upstream along a relation whose upstream end is `to` is
 * OUT (from → to); every other combination follows from that.
 */
export function stepDirection(rel: Relation, direction: LineageDirection): EdgeDirection {
  if (rel.upstream === null) throw new Error(`${rel.name} is not a lineage relation`);
  const towardsTo = (rel.upstream === 'to') === (direction === 'UPSTREAM');
  return towardsTo ? 'OUT' : 'IN';
}

/** Every lineage relation with the edge direction that steps towards `direction`. */
export function lineageSteps(direction: LineageDirection): { relation: RelationName; direction: EdgeDirection }[] {
  return LINEAGE_RELATIONS.map((rel) => ({ relation: rel.name, direction: stepDirection(rel, direction) }));
}

/** An edge as stored: `from` and `to` are asset ids. */
export interface EdgeRecord {
  relation: RelationName;
  from: string;
  to: string;
}
