import type { AssetKind, BuiltinKind } from './kinds.js';
import { ASSET_KINDS } from './kinds.js';

/**
 * The relation catalogue: arangopipe's eleven edge collections with their
 * stored directions, plus metalayer's `derived_from` and `run_outputs` (a
 * dataset a run produced, which OpenLineage producers report): the built-in part of
 * the catalogue (catalogue.ts), from which lineage directions, engines'
 * traversals and GraphQL relation fields all derive.
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
  'run_outputs',
] as const;

export type BuiltinRelationName = (typeof RELATION_NAMES)[number];

declare const customRelation: unique symbol;

/** A relation an extension declares; only the catalogue turns a string into one (`Catalogue.isRelationName`). */
export type CustomRelationName = string & { readonly [customRelation]: true };

export type RelationName = BuiltinRelationName | CustomRelationName;

/** Which stored end of an edge is the upstream one; null for containment. */
export type UpstreamEnd = 'from' | 'to' | null;

export interface Relation {
  name: RelationName;
  from: readonly AssetKind[];
  to: readonly AssetKind[];
  upstream: UpstreamEnd;
}

const relation = (
  name: BuiltinRelationName,
  from: readonly BuiltinKind[],
  to: readonly BuiltinKind[],
  upstream: UpstreamEnd,
): Relation => ({ name, from, to, upstream });

export const RELATIONS: Readonly<Record<BuiltinRelationName, Relation>> = {
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
  run_outputs: relation('run_outputs', ['RUN'], ['DATASET'], 'from'),
};

export type LineageDirection = 'UPSTREAM' | 'DOWNSTREAM';

/** A stored edge direction as seen from a start vertex: follow `_from → _to` (OUT) or `_to → _from` (IN). */
export type EdgeDirection = 'OUT' | 'IN';

/** An edge as stored: `from` and `to` are asset ids. */
export interface EdgeRecord {
  relation: RelationName;
  from: string;
  to: string;
}
