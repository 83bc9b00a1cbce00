import type { Plan } from './commands.js';
import { badInput, type FieldPath } from './errors.js';
import { assetId, isValidKey } from './ids.js';
import { requireInstant } from './instants.js';
import { isJsonObject, requireJsonObject } from './json.js';
import type { AssetContent, JsonObject, JsonValue, RunStatus } from './kinds.js';
import type { RelationName } from './relations.js';
import { firstObservedRun, type RunObservation } from './runs.js';
import { boundedName, optionalText } from './validation.js';
import type { WriteOp } from './writes.js';

/**
 * OpenLineage (spec 2-0-x) run events as metalayer plans. One event is one
 * unit of work:
 *
 * - the run is the metalayer run keyed by `run.runId`, named after the job,
 *   merged with the other events of the run by the rules of an observed run
 *   (`RunObservation` in runs.ts), whose origin is the job's namespace;
 * - each input and output dataset is put as a report of a dataset that may
 *   be known already (the stored one stands), keyed by `datasetKey`;
 * - inputs are related to the run with `run_datasets`, outputs with
 *   `run_outputs`.
 *
 * The event is validated in shape by the adapter that received it; errors
 * found here name fields as paths into the event (`['inputs', 1, 'facets']`).
 */

export const OPENLINEAGE_EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;

export type OpenLineageEventType = (typeof OPENLINEAGE_EVENT_TYPES)[number];

/** Facets are checked as JSON objects within the bounds of properties (json.ts) when planned. */
export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets: unknown;
  /** The facets of the dataset in this run: an input's `inputFacets`, an output's `outputFacets`. */
  runFacets: unknown;
}

/** A RunEvent as the adapter validated its shape; `eventType` absent in the body is OTHER. */
export interface OpenLineageRunEvent {
  eventType: OpenLineageEventType;
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets: unknown };
  job: { namespace: string; name: string; facets: unknown };
  inputs: readonly OpenLineageDataset[];
  outputs: readonly OpenLineageDataset[];
}

/** The status an event type reports; OTHER reports none. */
const STATUS_OF_EVENT: Readonly<Record<OpenLineageEventType, RunStatus | null>> = {
  START: 'RUNNING',
  RUNNING: 'RUNNING',
  COMPLETE: 'COMPLETED',
  ABORT: 'FAILED',
  FAIL: 'FAILED',
  OTHER: null,
};

/** Where the events of a job namespace come from, as an observed run records it. */
export function openLineageOrigin(namespace: string): string {
  return `openlineage:${namespace}`;
}

/** The plan of one run event: its datasets, the run merged with the event, and the relations between them. */
export function planRunEvent(event: OpenLineageRunEvent): Plan {
  const runKey = requireRunKey(event.run.runId);
  const runId = assetId('RUN', runKey);
  const observation = observationOf(event);
  const create = firstObservedRun({ id: runId, key: runKey, name: boundedName(event.job.name) }, observation);
  const inputs = datasetsOf(event.inputs, 'inputs');
  const outputs = datasetsOf(event.outputs, 'outputs');
  const ops: WriteOp[] = [
    ...[...inputs, ...outputs].map(({ content, field }): WriteOp => ({ type: 'putAsset', content, field, repeat: { same: 'identity' } })),
    { type: 'updateRun', id: runId, change: { observation }, field: ['run', 'runId'], create },
    ...relate('run_datasets', runId, inputs),
    ...relate('run_outputs', runId, outputs),
  ];
  return { id: runId, ops };
}

function requireRunKey(runId: string): string {
  if (isValidKey(runId)) return runId;
  throw badInput(['run', 'runId'], `expected a UUID (or 1 to 254 letters, digits or _-:.@()+,=;$!*'%), received ${JSON.stringify(runId)}`);
}

/**
 * What the event says of its run. Properties, merged member by member:
 * `job` (namespace, name, producer, schemaURL, last event type),
 * `jobFacets` and `runFacets` as sent, and `parent` for a run inside
 * another (the `parent` run facet): the parent's run id as a metalayer id
 * (`parent.run`), its job's namespace and name; `inputFacets` and
 * `outputFacets`, what the event says of each dataset in this run (such as
 * output statistics), by the dataset's id.
 */
function observationOf(event: OpenLineageRunEvent): RunObservation {
  const groups: Record<string, JsonObject> = {
    job: {
      namespace: event.job.namespace,
      name: event.job.name,
      producer: event.producer,
      schemaURL: event.schemaURL,
      eventType: event.eventType,
    },
    jobFacets: requireJsonObject(event.job.facets, ['job', 'facets']),
    runFacets: requireJsonObject(event.run.facets, ['run', 'facets']),
  };
  const parent = parentOf(groups['runFacets'] ?? {});
  if (parent) groups['parent'] = parent;
  groups['inputFacets'] = datasetRunFacets(event.inputs, 'inputs', 'inputFacets');
  groups['outputFacets'] = datasetRunFacets(event.outputs, 'outputs', 'outputFacets');
  return {
    origin: openLineageOrigin(event.job.namespace),
    at: requireInstant(event.eventTime, ['eventTime']),
    status: STATUS_OF_EVENT[event.eventType],
    starts: event.eventType === 'START',
    groups,
  };
}

/** The run facets of one side's datasets, by dataset id; a dataset without any is left out. */
function datasetRunFacets(datasets: readonly OpenLineageDataset[], side: 'inputs' | 'outputs', member: string): JsonObject {
  const byId: Record<string, JsonValue> = {};
  datasets.forEach((dataset, i) => {
    const facets = requireJsonObject(dataset.runFacets, [side, i, member]);
    if (Object.keys(facets).length > 0) byId[assetId('DATASET', datasetKey(dataset.namespace, dataset.name))] = facets;
  });
  return byId;
}

/** The `parent` run facet as a group of properties; BAD_USER_INPUT when its run id is no key. */
function parentOf(facets: JsonObject): JsonObject | null {
  const facet = facets['parent'];
  if (!isJsonObject(facet)) return null;
  const run = facet['run'];
  const job = facet['job'];
  const runId = isJsonObject(run) ? run['runId'] : undefined;
  if (typeof runId !== 'string' || !isValidKey(runId)) {
    throw badInput(['run', 'facets', 'parent', 'run', 'runId'], `expected the parent run's UUID, received ${JSON.stringify(runId ?? null)}`);
  }
  const parent: Record<string, JsonValue> = { runId, run: assetId('RUN', runId) };
  if (isJsonObject(job)) {
    if (typeof job['namespace'] === 'string') parent['jobNamespace'] = job['namespace'];
    if (typeof job['name'] === 'string') parent['jobName'] = job['name'];
  }
  return parent;
}

interface DatasetPut {
  content: AssetContent<'DATASET'>;
  field: FieldPath;
}

/** The datasets of one side of the event, once each. */
function datasetsOf(datasets: readonly OpenLineageDataset[], side: 'inputs' | 'outputs'): DatasetPut[] {
  const seen = new Set<string>();
  return datasets.flatMap((dataset, i) => {
    const put = datasetPut(dataset, [side, i]);
    if (seen.has(put.content.id)) return [];
    seen.add(put.content.id);
    return [put];
  });
}

/**
 * A dataset as metalayer records it. Its name is `namespace/name`, so that
 * datasets of one name in two namespaces never claim the same (name,
 * version); namespace and name are kept as sent in properties, with the
 * facets. The `version` facet gives the version, `dataSource` the source,
 * `documentation` the description; `schema` and every other facet stay in
 * properties, verbatim.
 */
function datasetPut(dataset: OpenLineageDataset, field: FieldPath): DatasetPut {
  const facets = requireJsonObject(dataset.facets, [...field, 'facets']);
  const key = datasetKey(dataset.namespace, dataset.name);
  return {
    field,
    content: {
      kind: 'DATASET',
      id: assetId('DATASET', key),
      key,
      name: boundedName(`${dataset.namespace}/${dataset.name}`),
      version: optionalText(member(facets, 'version', 'datasetVersion'), [...field, 'facets', 'version', 'datasetVersion']),
      tag: null,
      properties: { namespace: dataset.namespace, name: dataset.name, facets },
      description: optionalText(member(facets, 'documentation', 'description'), [...field, 'facets', 'documentation', 'description']),
      source: optionalText(
        member(facets, 'dataSource', 'uri') ?? member(facets, 'dataSource', 'name'),
        [...field, 'facets', 'dataSource'],
      ),
      statistics: null,
    },
  };
}

/** A string member of a facet, or null. */
function member(facets: JsonObject, facet: string, name: string): string | null {
  const value = facets[facet];
  const text = isJsonObject(value) ? value[name] : undefined;
  return typeof text === 'string' ? text : null;
}

function relate(relation: RelationName, runId: string, datasets: readonly DatasetPut[]): WriteOp[] {
  return datasets.map(({ content, field }) => ({ type: 'putEdge', edge: { relation, from: runId, to: content.id }, field }));
}

/** The longest readable part of a dataset key. */
const SLUG_LENGTH = 96;

/**
 * The key of the dataset OpenLineage names `namespace` and `name`: a
 * readable slug of both (letters, digits, `_`, `.` and `-`) and a 64-bit
 * FNV-1a hash of the exact pair, so names full of `/` make valid ArangoDB
 * keys and two pairs with the same slug never share one.
 */
export function datasetKey(namespace: string, name: string): string {
  const slug = `${namespace}/${name}`
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_LENGTH);
  return `${slug || 'dataset'}-${fnv1a64(`${namespace}\n${name}`)}`;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a over the UTF-16 code units of `text`, as 16 hex digits. */
function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}
