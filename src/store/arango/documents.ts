import type { Catalogue } from '../../domain/catalogue.js';
import { tryParseId } from '../../domain/ids.js';
import { assertNever } from '../../domain/never.js';
import { fitsField } from '../../domain/custom.js';
import {
  isBuiltinKind,
  isKind,
  type AssetContent,
  type AssetKind,
  type AssetRecord,
  type BuiltinKind,
  type CustomContent,
  type JsonObject,
  type JsonValue,
  type KindFields,
  type Metrics,
} from '../../domain/kinds.js';
import {
  ARANGOPIPE_BOOKKEEPING,
  EPOCH,
  OVERFLOW_ATTRIBUTE,
  VERSION_KEY_ATTRIBUTE,
  isReservedAttribute,
  kindAttributes,
  versionKey,
  type AssetDocument,
  type StoredDocument,
} from './attributes.js';
import { AttributeReader, isFiniteNumber } from './reader.js';

/**
 * Asset documents, kept in arangopipe's flat shape so both libraries can read
 * each other's data.
 *
 * A document is one flat object: `_key`, `name`, `version`, `tag`, the kind's
 * typed fields as snake_case attributes (`run_id`, `deployment_tag`,
 * `started_at`, `params`, `metrics`, …, the names arangopipe uses where it has
 * one), the free-form properties spread beside them, and `created_at` /
 * `updated_at` (ISO 8601 UTC with milliseconds). A property whose name is one
 * of these attributes, or starts with `_`, cannot live at the top level; it is
 * kept under `metalayer_properties` instead. Named kinds also carry
 * `version_key` (the version, or "" for none), the attribute their sparse
 * unique (name, version_key) index covers.
 *
 * Reading takes any document, arangopipe's included: known attributes become
 * typed fields, everything else (but `_id`, `_key`, `_rev`) becomes a
 * property, and nothing is lost. A value of the wrong type for its typed field
 * stays in the properties under its own name. For documents metalayer did not
 * write:
 *
 * - the name is the first non-empty string of `NAME_SOURCES` (a run's
 *   `run_id`, a deployment's `tag`), else the key;
 * - a missing `created_at` reads as `EPOCH`, and a missing `updated_at` as
 *   the creation time: the listing order and its cursor are computed in AQL
 *   on the stored attribute, and a missing `created_at` sorts first there,
 *   exactly where `EPOCH` sorts. A stored one in another form (arangopipe's
 *   `2019-06-06 12:52:11`) is read leniently, as UTC; one that no reading
 *   makes sense of is kept as its text, for the caller to report;
 * - arangopipe's timestamps (`timestamp`, `from_date`, `to_date`, written by
 *   Python as `2019-06-06 12:52:11.190048`, read as UTC) fill a run's
 *   `endedAt`, a dev performance's `recordedAt` and a serving period;
 * - a run's status is COMPLETED (arangopipe logs finished runs);
 * - a modelparams document without `params` is its parameters: its free
 *   attributes but `run_id` and `timestamp` become `params`; a devperf or
 *   servingperf document without `metrics` gives its numeric free attributes
 *   as `metrics`. Those attributes are not repeated in the properties. An
 *   update writes such a document back flat (`replacementDocument`), where
 *   arangopipe still finds them.
 */

// ---------------------------------------------------------------------------
// Records → documents

/**
 * Where a document keeps its parameters or metrics: under `params` /
 * `metrics` (`nested`, as metalayer writes them) or spread among its
 * attributes (`flat`, as arangopipe writes them).
 */
export type DocumentLayout = 'nested' | 'flat';

export function toDocument(
  catalogue: Catalogue,
  content: AssetContent,
  createdAt: string,
  updatedAt: string,
  layout: DocumentLayout = 'nested',
): AssetDocument {
  const typed = typedAttributes(content);
  const spread = layout === 'flat' ? spreadValues(catalogue, content) : null;
  if (spread) delete typed[spread.attribute];
  const flat: JsonObject = {};
  const overflow: JsonObject = {};
  for (const [name, value] of Object.entries(content.properties)) {
    const kept = isReservedAttribute(catalogue, content.kind, name) || (spread !== null && !readsAsProperty(spread, name, value));
    if (kept) overflow[name] = value;
    else flat[name] = value;
  }
  return {
    _key: content.key,
    name: content.name,
    version: content.version,
    tag: content.tag,
    ...typed,
    ...spread?.values,
    ...flat,
    ...(Object.keys(overflow).length > 0 ? { [OVERFLOW_ATTRIBUTE]: overflow } : {}),
    ...(catalogue.kind(content.kind).named ? { [VERSION_KEY_ATTRIBUTE]: versionKey(content.version) } : {}),
    // EPOCH means "not recorded": stored as null, it keeps sorting where a missing one does.
    created_at: createdAt === EPOCH ? null : createdAt,
    updated_at: updatedAt,
  };
}

/**
 * The document that replaces `stored` once an update made `record` of it:
 * in the layout `stored` has, so arangopipe's flat parameters and metrics
 * stay where arangopipe reads them, and with the creation time kept exactly
 * as stored, so the asset keeps its place in the listing order.
 */
export function replacementDocument(
  catalogue: Catalogue,
  record: AssetContent,
  stored: StoredDocument,
  updatedAt: string,
): AssetDocument {
  const doc = toDocument(catalogue, record, EPOCH, updatedAt, layoutOf(record, stored));
  // ArangoDB returns JSON: whatever it holds is a JSON value.
  return { ...doc, created_at: (stored.created_at ?? null) as JsonValue };
}

/** Flat when the asset has parameters or metrics and the stored document does not nest them. */
export function layoutOf(content: AssetContent, stored: StoredDocument): DocumentLayout {
  const nested = nestedValues(content);
  return nested !== null && !Object.hasOwn(stored, nested.attribute) ? 'flat' : 'nested';
}

interface Spread {
  attribute: 'params' | 'metrics';
  values: JsonObject;
}

/** The parameters or metrics of an asset, and the attribute that nests them; null for kinds without. */
function nestedValues(content: AssetContent): Spread | null {
  if (isKind('MODEL_PARAMS')(content)) return { attribute: 'params', values: content.params };
  if (isKind('DEV_PERF')(content) || isKind('SERVING_PERF')(content)) return { attribute: 'metrics', values: content.metrics };
  return null;
}

/**
 * The parameters or metrics to spread among a document's attributes; null
 * when the kind has none, or when one is named like an attribute the reader
 * would not take back as one (then the document stays nested).
 */
function spreadValues(catalogue: Catalogue, content: AssetContent): Spread | null {
  const spread = nestedValues(content);
  const fits = (name: string) => !isReservedAttribute(catalogue, content.kind, name) && !ARANGOPIPE_BOOKKEEPING.includes(name);
  return spread && Object.keys(spread.values).every(fits) ? spread : null;
}

/**
 * Whether a property spread beside flat parameters or metrics reads back as
 * a property: arangopipe's bookkeeping does, and beside metrics whatever is
 * not a number, unless a metric takes its name; everything else would be
 * read as a parameter or metric, and is kept under `metalayer_properties`.
 */
function readsAsProperty(spread: Spread, name: string, value: JsonValue): boolean {
  if (ARANGOPIPE_BOOKKEEPING.includes(name)) return true;
  return spread.attribute === 'metrics' && !isFiniteNumber(value) && !Object.hasOwn(spread.values, name);
}

/** A custom kind's fields are top-level attributes under their own names. */
function isCustomContent(content: AssetContent): content is CustomContent {
  return !isBuiltinKind(content.kind);
}

function typedAttributes(content: AssetContent): JsonObject {
  if (isCustomContent(content)) return { ...content.fields };
  switch (content.kind) {
    case 'PROJECT':
      return { description: content.description };
    case 'DATASET':
      return { description: content.description, source: content.source, statistics: content.statistics };
    case 'FEATURESET':
      return {
        description: content.description,
        features: content.features.map((f) => ({ name: f.name, dtype: f.dtype })),
      };
    case 'MODEL':
      return { description: content.description, task: content.task, framework: content.framework, uri: content.uri };
    case 'RUN':
      return {
        run_id: content.runId,
        status: content.status,
        started_at: content.startedAt,
        ended_at: content.endedAt,
        deployment_tag: content.deploymentTag,
      };
    case 'MODEL_PARAMS':
      return { params: content.params };
    case 'DEV_PERF':
      return { metrics: content.metrics, recorded_at: content.recordedAt };
    case 'DEPLOYMENT':
      return { environment: content.environment };
    case 'SERVING_PERF':
      return {
        metrics: content.metrics,
        period_start: content.periodStart,
        period_end: content.periodEnd,
        statistics: content.statistics,
      };
    default:
      return assertNever(content, 'asset kind');
  }
}

// ---------------------------------------------------------------------------
// Documents → records

/** A stored document as a record; null when its `_id` is not the id of an asset of the catalogue. */
export function toRecord(catalogue: Catalogue, doc: StoredDocument): AssetRecord | null {
  const parsed = typeof doc._id === 'string' ? tryParseId(doc._id, catalogue) : null;
  if (!parsed || parsed.key !== doc._key) return null;
  return recordOfKind(catalogue, parsed.kind, doc);
}

function recordOfKind(catalogue: Catalogue, kind: AssetKind, doc: StoredDocument): AssetRecord {
  const read = new AttributeReader(doc, kind, kindAttributes(catalogue, kind));
  const name = read.name();
  const version = read.text('version');
  const tag = read.text('tag');
  const fields = isBuiltinKind(kind) ? FIELD_READERS[kind](read) : { fields: customFields(catalogue, kind, read) };
  const createdAt = read.storedTime('created_at') ?? EPOCH;
  const updatedAt = read.storedTime('updated_at') ?? createdAt;
  const properties = read.properties();
  // The one cast of the mapping: TypeScript cannot relate `FIELD_READERS[kind]`
  // to the member of the AssetRecord union that `kind` selects.
  return {
    kind,
    id: doc._id,
    key: doc._key,
    name,
    version,
    tag,
    properties,
    ...fields,
    createdAt,
    updatedAt,
  } as unknown as AssetRecord;
}

/**
 * A custom kind's fields, each an attribute of its own name: one of its
 * declared type is the field's value; one of another type stays in the
 * properties, as a built-in kind's misfits do; a missing one is absent.
 */
function customFields(catalogue: Catalogue, kind: AssetKind, read: AttributeReader): JsonObject {
  const fields: JsonObject = {};
  for (const field of catalogue.kind(kind).custom?.fields ?? []) {
    const value = read.typed(field.name, (stored) => (fitsField(catalogue, field, stored) ? (stored as JsonValue) : undefined));
    if (value !== null) fields[field.name] = value;
  }
  return fields;
}

const FIELD_READERS: { [K in BuiltinKind]: (read: AttributeReader) => KindFields[K] } = {
  PROJECT: (read) => ({ description: read.text('description') }),
  DATASET: (read) => ({
    description: read.text('description'),
    source: read.text('source'),
    statistics: read.object('statistics'),
  }),
  FEATURESET: (read) => ({ description: read.text('description'), features: read.features('features') ?? [] }),
  MODEL: (read) => ({
    description: read.text('description'),
    task: read.text('task'),
    framework: read.text('framework'),
    uri: read.text('uri'),
  }),
  RUN: (read) => ({
    runId: read.text('run_id') ?? read.key,
    status: read.status('status') ?? 'COMPLETED',
    startedAt: read.instant('started_at'),
    endedAt: read.has('ended_at') ? read.instant('ended_at') : read.looseInstant('timestamp'),
    deploymentTag: read.text('deployment_tag'),
  }),
  MODEL_PARAMS: (read) => ({
    params: read.has('params') ? (read.object('params') ?? {}) : read.takeFree(() => true, ARANGOPIPE_BOOKKEEPING),
  }),
  DEV_PERF: (read) => ({
    metrics: readMetrics(read),
    recordedAt: read.has('recorded_at') ? read.instant('recorded_at') : read.looseInstant('timestamp'),
  }),
  DEPLOYMENT: (read) => ({ environment: read.text('environment') }),
  SERVING_PERF: (read) => ({
    metrics: readMetrics(read),
    periodStart: (read.has('period_start') ? read.instant('period_start') : read.looseInstant('from_date')) ?? EPOCH,
    periodEnd: (read.has('period_end') ? read.instant('period_end') : read.looseInstant('to_date')) ?? EPOCH,
    statistics: read.object('statistics'),
  }),
};

function readMetrics(read: AttributeReader): Metrics {
  if (read.has('metrics')) return read.metrics('metrics') ?? {};
  return read.takeFree(isFiniteNumber, ARANGOPIPE_BOOKKEEPING) as Metrics;
}
