/**
 * The nine asset kinds of arangopipe's `enterprise_ml_graph`, the collection
 * each is stored in, and the typed record of each. Pure: no I/O. Which kinds
 * a server knows, and their rules, is the catalogue's (catalogue.ts).
 */

export const ASSET_KINDS = [
  'PROJECT',
  'DATASET',
  'FEATURESET',
  'MODEL',
  'RUN',
  'MODEL_PARAMS',
  'DEV_PERF',
  'DEPLOYMENT',
  'SERVING_PERF',
] as const;

export type AssetKind = (typeof ASSET_KINDS)[number];

/** arangopipe's collection names, which are also the first part of every id. */
export const COLLECTION_OF_KIND = {
  PROJECT: 'project',
  DATASET: 'datasets',
  FEATURESET: 'featuresets',
  MODEL: 'models',
  RUN: 'run',
  MODEL_PARAMS: 'modelparams',
  DEV_PERF: 'devperf',
  DEPLOYMENT: 'deployment',
  SERVING_PERF: 'servingperf',
} as const satisfies Record<AssetKind, string>;

export type VertexCollection = (typeof COLLECTION_OF_KIND)[AssetKind];

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type RunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'COMPLETED', 'FAILED'];

export interface Feature {
  name: string;
  dtype: string;
}

/** Metric name → value; finite numbers only. */
export type Metrics = Record<string, number>;

/** The typed fields of each kind, beside the fields every asset has. */
export interface KindFields {
  PROJECT: { description: string | null };
  DATASET: { description: string | null; source: string | null; statistics: JsonObject | null };
  FEATURESET: { description: string | null; features: Feature[] };
  MODEL: { description: string | null; task: string | null; framework: string | null; uri: string | null };
  RUN: {
    runId: string;
    status: RunStatus;
    startedAt: string | null;
    endedAt: string | null;
    deploymentTag: string | null;
  };
  MODEL_PARAMS: { params: JsonObject };
  DEV_PERF: { metrics: Metrics; recordedAt: string | null };
  DEPLOYMENT: { environment: string | null };
  SERVING_PERF: { metrics: Metrics; periodStart: string; periodEnd: string; statistics: JsonObject | null };
}

/** What a client states about an asset: everything but its timestamps. */
export type AssetContent<K extends AssetKind = AssetKind> = {
  [P in K]: {
    kind: P;
    /** `collection/key`, the ArangoDB `_id` on every engine. */
    id: string;
    key: string;
    name: string;
    version: string | null;
    tag: string | null;
    /** Free-form attributes, arangopipe's untyped document fields. */
    properties: JsonObject;
  } & KindFields[P];
}[K];

/** A stored asset, as every engine returns it. Timestamps are ISO 8601 UTC strings. */
export type AssetRecord<K extends AssetKind = AssetKind> = AssetContent<K> & {
  createdAt: string;
  updatedAt: string;
};

export type ProjectRecord = AssetRecord<'PROJECT'>;
export type DatasetRecord = AssetRecord<'DATASET'>;
export type FeaturesetRecord = AssetRecord<'FEATURESET'>;
export type ModelRecord = AssetRecord<'MODEL'>;
export type RunRecord = AssetRecord<'RUN'>;
export type ModelParamsRecord = AssetRecord<'MODEL_PARAMS'>;
export type DevPerfRecord = AssetRecord<'DEV_PERF'>;
export type DeploymentRecord = AssetRecord<'DEPLOYMENT'>;
export type ServingPerfRecord = AssetRecord<'SERVING_PERF'>;

/** The record of one kind, as a member of the AssetRecord union (so it narrows and widens freely). */
export type RecordOf<K extends AssetKind> = Extract<AssetRecord, { kind: K }>;

/** A type guard for records of one kind. */
export function isKind<K extends AssetKind>(kind: K) {
  return (record: AssetRecord): record is RecordOf<K> => record.kind === kind;
}

/** The content of a record, without the timestamps the store adds. */
export function contentOf(record: AssetRecord): AssetContent {
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...content } = record;
  return content as AssetContent;
}
