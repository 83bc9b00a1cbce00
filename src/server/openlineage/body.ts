import { z } from 'zod';
import { badInput, type FieldPath } from '../../domain/errors.js';
import { OPENLINEAGE_EVENT_TYPES, type OpenLineageDataset, type OpenLineageRunEvent } from '../../domain/openlineage.js';
import { MAX_LIST_LENGTH } from '../../domain/validation.js';

/**
 * The shape of an OpenLineage RunEvent body (spec 2-0-x,
 * https://openlineage.io/spec/2-0-2/OpenLineage.json): the members metalayer
 * reads, with unknown members ignored as the spec allows. Facets are any
 * JSON objects here; the plan checks their bounds. `eventType` may be left
 * out (the spec makes it optional), and is then OTHER.
 */
const text = z.string().min(1, 'expected a non-empty string');

const facets = z.record(z.string(), z.unknown()).optional();

const dataset = z.object({ namespace: text, name: text, facets, inputFacets: facets, outputFacets: facets });

const datasets = z.array(dataset).max(MAX_LIST_LENGTH, `expected at most ${MAX_LIST_LENGTH} datasets`).optional();

const runEvent = z.object({
  eventType: z.enum(OPENLINEAGE_EVENT_TYPES).optional(),
  eventTime: text,
  producer: text,
  schemaURL: text,
  run: z.object({ runId: text, facets }),
  job: z.object({ namespace: text, name: text, facets }),
  inputs: datasets,
  outputs: datasets,
});

/**
 * The RunEvent in a request body, or BAD_USER_INPUT naming the first member
 * at fault as a path into the body. A DatasetEvent or JobEvent (a `dataset`,
 * or a `job` without `run`) is refused: metalayer records runs.
 */
export function parseRunEvent(body: unknown): OpenLineageRunEvent {
  refuseOtherEvents(body);
  const result = runEvent.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path: FieldPath = (issue?.path ?? []).filter((part) => typeof part === 'string' || typeof part === 'number');
    throw badInput(path, issue?.message ?? 'expected an OpenLineage RunEvent');
  }
  const event = result.data;
  return {
    eventType: event.eventType ?? 'OTHER',
    eventTime: event.eventTime,
    producer: event.producer,
    schemaURL: event.schemaURL,
    run: { runId: event.run.runId, facets: event.run.facets ?? {} },
    job: { namespace: event.job.namespace, name: event.job.name, facets: event.job.facets ?? {} },
    inputs: (event.inputs ?? []).map((each) => datasetOf(each, each.inputFacets)),
    outputs: (event.outputs ?? []).map((each) => datasetOf(each, each.outputFacets)),
  };
}

function datasetOf(sent: z.infer<typeof dataset>, runFacets: unknown): OpenLineageDataset {
  return { namespace: sent.namespace, name: sent.name, facets: sent.facets ?? {}, runFacets: runFacets ?? {} };
}

function refuseOtherEvents(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'run' in body) return;
  if ('dataset' in body) {
    throw badInput(['dataset'], 'a DatasetEvent is not recorded: metalayer records datasets as the inputs and outputs of a RunEvent');
  }
  if ('job' in body) throw badInput(['job'], 'a JobEvent is not recorded: metalayer records jobs through the runs of a RunEvent');
}
