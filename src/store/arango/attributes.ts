import type { Catalogue } from '../../domain/catalogue.js';
import { isBuiltinKind, type AssetKind, type BuiltinKind, type JsonValue } from '../../domain/kinds.js';

/**
 * The attribute names of an asset document (see documents.ts for the shape):
 * which attributes carry typed fields, where a name comes from, and which
 * property names cannot live at a document's top level.
 */

/** The creation time of documents that do not record one. */
export const EPOCH = '1970-01-01T00:00:00.000Z';

export const OVERFLOW_ATTRIBUTE = 'metalayer_properties';
export const VERSION_KEY_ATTRIBUTE = 'version_key';

/** A document as ArangoDB returns it. */
export interface StoredDocument {
  _id: string;
  _key: string;
  _rev?: string;
  [attribute: string]: unknown;
}

/** A document as metalayer writes it (ArangoDB adds `_id` and `_rev`). */
export interface AssetDocument {
  _key: string;
  [attribute: string]: JsonValue;
}

/** Where a document's name comes from, first non-empty string first; the key when none is. */
export const NAME_SOURCES: Readonly<Record<BuiltinKind, readonly string[]>> = {
  PROJECT: ['name'],
  DATASET: ['name'],
  FEATURESET: ['name'],
  MODEL: ['name'],
  RUN: ['name', 'run_id'],
  MODEL_PARAMS: ['name'],
  DEV_PERF: ['name'],
  DEPLOYMENT: ['name', 'tag'],
  SERVING_PERF: ['name'],
};

/** The attributes every asset document may carry beside its kind's. */
export const COMMON_ATTRIBUTES = [
  'name',
  'version',
  'tag',
  'created_at',
  'updated_at',
  VERSION_KEY_ATTRIBUTE,
  OVERFLOW_ATTRIBUTE,
];

/** The attributes of each kind's typed fields, snake_case as arangopipe names them. */
export const KIND_ATTRIBUTES: Readonly<Record<BuiltinKind, readonly string[]>> = {
  PROJECT: ['description'],
  DATASET: ['description', 'source', 'statistics'],
  FEATURESET: ['description', 'features'],
  MODEL: ['description', 'task', 'framework', 'uri'],
  RUN: ['run_id', 'status', 'started_at', 'ended_at', 'deployment_tag'],
  MODEL_PARAMS: ['params'],
  DEV_PERF: ['metrics', 'recorded_at'],
  DEPLOYMENT: ['environment'],
  SERVING_PERF: ['metrics', 'period_start', 'period_end', 'statistics'],
};

/** arangopipe's bookkeeping attributes, which stay properties when a document's params are guessed. */
export const ARANGOPIPE_BOOKKEEPING = ['run_id', 'timestamp'];

/** Where a document of `kind` takes its name from; a custom kind's from `name` alone. */
export function nameSources(kind: AssetKind): readonly string[] {
  return isBuiltinKind(kind) ? NAME_SOURCES[kind] : ['name'];
}

/**
 * The attributes of a kind's typed fields: a custom kind's fields keep the
 * names its extension gives them, as top-level attributes, as the
 * documents of a collection added through arangopipe's admin API have them.
 */
export function kindAttributes(catalogue: Catalogue, kind: AssetKind): readonly string[] {
  if (isBuiltinKind(kind)) return KIND_ATTRIBUTES[kind];
  return (catalogue.kind(kind).custom?.fields ?? []).map((field) => field.name);
}

/** Whether a property of an asset of `kind` must be kept under `metalayer_properties`. */
export function isReservedAttribute(catalogue: Catalogue, kind: AssetKind, name: string): boolean {
  if (name === '' || name.startsWith('_')) return true;
  return COMMON_ATTRIBUTES.includes(name) || kindAttributes(catalogue, kind).includes(name);
}

/** The value of `version_key` for a version: unversioned assets share "". */
export function versionKey(version: string | null): string {
  return version ?? '';
}
