/**
 * The nine asset kinds of arangopipe's `enterprise_ml_graph`, the collection
 * each is stored in, and the typed record of each; and the record of a kind
 * an extension declares (a custom kind), whose typed fields are data. Pure:
 * no I/O. Which kinds a server knows, and their rules, is the catalogue's
 * (catalogue.ts).
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

/** A built-in kind. */
export type BuiltinKind = (typeof ASSET_KINDS)[number];

declare const customKind: unique symbol;

/**
 * A kind an extension declares: its GraphQL type's name in
 * SCREAMING_SNAKE_CASE (`EVALUATION`). Branded, so that a string becomes one
 * only where an extension is read (`KindSpec.kind` of the catalogue).
 */
export type CustomKind = string & { readonly [customKind]: true };

export type AssetKind = BuiltinKind | CustomKind;

const BUILTIN: ReadonlySet<string> = new Set(ASSET_KINDS);

export function isBuiltinKind(kind: string): kind is BuiltinKind {
  return BUILTIN.has(kind);
}

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
} as const satisfies Record<BuiltinKind, string>;

export type VertexCollection = (typeof COLLECTION_OF_KIND)[BuiltinKind];

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

/** What every asset states beside its kind's typed fields. */
interface CommonContent<K extends AssetKind> {
  kind: K;
  /** `collection/key`, the ArangoDB `_id` on every engine. */
  id: string;
  key: string;
  name: string;
  version: string | null;
  tag: string | null;
  /** Free-form attributes, arangopipe's untyped document fields. */
  properties: JsonObject;
}

/**
 * An asset of a custom kind: its typed fields (the scalar and enum fields
 * its extension declares) by name, as JSON values of their declared types;
 * a field never set is absent.
 */
export interface CustomContent extends CommonContent<CustomKind> {
  fields: JsonObject;
}

type BuiltinContent<K extends BuiltinKind> = { [P in K]: CommonContent<P> & KindFields[P] }[K];

/** What a client states about an asset: everything but its timestamps. */
export type AssetContent<K extends AssetKind = AssetKind> = K extends BuiltinKind ? BuiltinContent<K> : CustomContent;

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
export type CustomRecord = AssetRecord<CustomKind>;

/** The record of one kind, as a member of the AssetRecord union (so it narrows and widens freely). */
export type RecordOf<K extends AssetKind> = Extract<AssetRecord, { kind: K }>;

/** A type guard for records (or contents) of one kind. */
export function isKind<K extends AssetKind>(kind: K) {
  return <T extends AssetContent>(record: T): record is Extract<T, { kind: K }> => record.kind === kind;
}

/** The content of a record, without the timestamps the store adds. */
export function contentOf(record: AssetRecord): AssetContent {
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...content } = record;
  return content as AssetContent;
}
