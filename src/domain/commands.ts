import type { Catalogue } from './catalogue.js';
import { badInput, type FieldPath } from './errors.js';
import { assetId, parseId } from './ids.js';
import { optionalInstant, requireInstant } from './instants.js';
import { requireJsonObject } from './json.js';
import type { AssetContent, AssetKind, BuiltinKind, JsonObject, RunStatus } from './kinds.js';
import { checkStatistics } from './statistics.js';
import type { RelationName } from './relations.js';
import {
  boundedName,
  optionalKey,
  optionalProperties,
  optionalText,
  requireFeatures,
  requireMetrics,
  requireListLength,
  requireName,
} from './validation.js';
import { MAX_POINTS_PER_CALL, type MetricPointInput, type RunChange } from './runs.js';
import { requireDistinctEnds, statisticsOfDatasetsOnly, type AssetPatch, type RepeatRule, type WriteOp } from './writes.js';

/**
 * Each mutation as a plan: validated input in, the unit of work that carries
 * it out. Pure apart from `newKey`, which names assets the client left unkeyed.
 * Errors name the input field at fault as a path into the input
 * (`['datasets', 1]`), which each adapter renders its own way.
 */

type Opt<T> = T | null | undefined;

export type NewKey = () => string;

/** What planning needs besides the input: the kinds that exist, and a source of fresh keys. */
export interface PlanContext {
  catalogue: Catalogue;
  newKey: NewKey;
}

export interface Plan {
  /** The id of the asset the mutation is about, which its payload returns. */
  id: string;
  ops: WriteOp[];
}

interface CommonInput {
  key?: Opt<string>;
  name: string;
  version?: Opt<string>;
  tag?: Opt<string>;
  properties?: unknown;
}

function common<K extends BuiltinKind>(kind: K, input: CommonInput, { newKey }: PlanContext) {
  const key = optionalKey(input.key, ['key']) ?? newKey();
  return {
    kind,
    id: assetId(kind, key),
    key,
    name: requireName(input.name, ['name']),
    version: optionalText(input.version, ['version']),
    tag: optionalText(input.tag, ['tag']),
    properties: optionalProperties(input.properties, ['properties']),
  };
}

/** A put whose key the client gave as `keyField`: a retry with other content is a CONFLICT there. */
const putAsset = (content: AssetContent, keyField: FieldPath = ['key'], repeat?: RepeatRule): WriteOp => ({
  type: 'putAsset',
  content,
  field: keyField,
  ...(repeat ? { repeat } : {}),
});

/** A run logged again with other content is not a retry: what changes a run is `updateRun`. */
const RUN_REPEAT: RepeatRule = { same: 'content', hint: 'a logged run changes only through updateRun' };

function putEdge(relation: RelationName, from: string, to: string, field: FieldPath): WriteOp {
  const edge = { relation, from, to };
  requireDistinctEnds(edge, field);
  return { type: 'putEdge', edge, field };
}

/** Parses a list of ids of one kind, refusing duplicates. */
function idList(ids: Opt<readonly string[]>, field: FieldPath, kind: AssetKind, catalogue: Catalogue): string[] {
  const seen = new Set<string>();
  requireListLength(ids?.length ?? 0, field);
  return (ids ?? []).map((id, i) => {
    parseId(id, [...field, i], catalogue, [kind]);
    if (seen.has(id)) throw badInput([...field, i], `"${id}" is given twice`);
    seen.add(id);
    return id;
  });
}

/** Checks an id given as input, returning it. */
function requireId(id: string, field: FieldPath, catalogue: Catalogue, kinds?: readonly AssetKind[]): string {
  parseId(id, field, catalogue, kinds);
  return id;
}

function optionalId(id: Opt<string>, field: FieldPath, catalogue: Catalogue, kinds?: readonly AssetKind[]): string | null {
  return id === null || id === undefined ? null : requireId(id, field, catalogue, kinds);
}

export interface RegisterProjectInput extends CommonInput {
  description?: Opt<string>;
}

export function planRegisterProject(input: RegisterProjectInput, ctx: PlanContext): Plan {
  const base = common('PROJECT', input, ctx);
  const content = { ...base, description: optionalText(input.description, ['description']) };
  return { id: base.id, ops: [putAsset(content)] };
}

export interface RegisterDatasetInput extends CommonInput {
  description?: Opt<string>;
  source?: Opt<string>;
  statistics?: unknown;
  derivedFrom?: Opt<string>;
}

export function planRegisterDataset(input: RegisterDatasetInput, ctx: PlanContext): Plan {
  const base = common('DATASET', input, ctx);
  const statistics = optionalStatistics(input.statistics, ['statistics']);
  const content = {
    ...base,
    description: optionalText(input.description, ['description']),
    source: optionalText(input.source, ['source']),
    statistics,
  };
  const ops = [putAsset(content)];
  const from = optionalId(input.derivedFrom, ['derivedFrom'], ctx.catalogue);
  if (from) ops.push(putEdge('derived_from', base.id, from, ['derivedFrom']));
  return { id: base.id, ops };
}

/** Statistics given as input: a JSON object, in the drift format when it has `features` (statistics.ts). */
function optionalStatistics(value: unknown, field: FieldPath): JsonObject | null {
  if (value === null || value === undefined) return null;
  const statistics = requireJsonObject(value, field);
  checkStatistics(statistics, field);
  return statistics;
}

export interface RegisterFeaturesetInput extends CommonInput {
  description?: Opt<string>;
  features?: Opt<readonly { name: string; dtype: string }[]>;
  datasets: readonly string[];
}

export function planRegisterFeatureset(input: RegisterFeaturesetInput, ctx: PlanContext): Plan {
  const base = common('FEATURESET', input, ctx);
  const datasets = idList(input.datasets, ['datasets'], 'DATASET', ctx.catalogue);
  if (datasets.length === 0) throw badInput(['datasets'], 'expected at least one dataset id, received none');
  const content = {
    ...base,
    description: optionalText(input.description, ['description']),
    features: requireFeatures(input.features, ['features']),
  };
  return {
    id: base.id,
    ops: [
      putAsset(content),
      ...datasets.map((ds, i) => putEdge('featureset_dataset', base.id, ds, ['datasets', i])),
    ],
  };
}

export interface RegisterModelInput extends CommonInput {
  description?: Opt<string>;
  task?: Opt<string>;
  framework?: Opt<string>;
  uri?: Opt<string>;
  project?: Opt<string>;
  derivedFrom?: Opt<string>;
}

export function planRegisterModel(input: RegisterModelInput, ctx: PlanContext): Plan {
  const base = common('MODEL', input, ctx);
  const content = {
    ...base,
    description: optionalText(input.description, ['description']),
    task: optionalText(input.task, ['task']),
    framework: optionalText(input.framework, ['framework']),
    uri: optionalText(input.uri, ['uri']),
  };
  const ops = [putAsset(content)];
  const project = optionalId(input.project, ['project'], ctx.catalogue, ['PROJECT']);
  if (project) ops.push(putEdge('project_models', project, base.id, ['project']));
  const from = optionalId(input.derivedFrom, ['derivedFrom'], ctx.catalogue);
  if (from) ops.push(putEdge('derived_from', base.id, from, ['derivedFrom']));
  return { id: base.id, ops };
}

export interface LogRunInput {
  runId?: Opt<string>;
  name?: Opt<string>;
  tag?: Opt<string>;
  status?: Opt<RunStatus>;
  startedAt?: Opt<string>;
  endedAt?: Opt<string>;
  deploymentTag?: Opt<string>;
  properties?: unknown;
  model: string;
  datasets?: Opt<readonly string[]>;
  featuresets?: Opt<readonly string[]>;
  params?: unknown;
  metrics?: Opt<readonly { name: string; value: number }[]>;
}

/**
 * arangopipe's log_run, all or nothing: the run, its parameters and dev
 * performance (keyed by the run id, as arangopipe keys them), and its edges.
 */
export function planLogRun(input: LogRunInput, ctx: PlanContext): Plan {
  const runId = optionalKey(input.runId, ['runId']) ?? ctx.newKey();
  const runIdOf = assetId('RUN', runId);
  const model = requireId(input.model, ['model'], ctx.catalogue, ['MODEL']);
  const datasets = idList(input.datasets, ['datasets'], 'DATASET', ctx.catalogue);
  const featuresets = idList(input.featuresets, ['featuresets'], 'FEATURESET', ctx.catalogue);
  const startedAt = optionalInstant(input.startedAt, ['startedAt']);
  const endedAt = optionalInstant(input.endedAt, ['endedAt']);
  if (startedAt && endedAt && endedAt < startedAt) {
    throw badInput(['endedAt'], `expected an instant at or after startedAt (${startedAt}), received ${endedAt}`);
  }
  const tag = optionalText(input.tag, ['tag']);
  const name = input.name === null || input.name === undefined ? runId : requireName(input.name, ['name']);
  const ops: WriteOp[] = [
    putAsset({
      kind: 'RUN',
      id: runIdOf,
      key: runId,
      name,
      version: null,
      tag,
      properties: optionalProperties(input.properties, ['properties']),
      runId,
      status: input.status ?? (endedAt ? 'COMPLETED' : 'RUNNING'),
      startedAt,
      endedAt,
      deploymentTag: optionalText(input.deploymentTag, ['deploymentTag']),
    }, ['runId'], RUN_REPEAT),
    putEdge('run_models', model, runIdOf, ['model']),
  ];
  if (input.params !== null && input.params !== undefined) {
    const id = assetId('MODEL_PARAMS', runId);
    ops.push(
      putAsset({
        kind: 'MODEL_PARAMS',
        id,
        key: runId,
        name: boundedName(`${name} params`),
        version: null,
        tag,
        properties: {},
        params: requireJsonObject(input.params, ['params']),
      }, ['runId'], RUN_REPEAT),
      putEdge('run_modelparams', runIdOf, id, ['params']),
    );
  }
  if (input.metrics !== null && input.metrics !== undefined) {
    const id = assetId('DEV_PERF', runId);
    ops.push(
      putAsset({
        kind: 'DEV_PERF',
        id,
        key: runId,
        name: boundedName(`${name} dev performance`),
        version: null,
        tag,
        properties: {},
        metrics: requireMetrics(input.metrics, ['metrics']),
        recordedAt: endedAt ?? startedAt,
      }, ['runId'], RUN_REPEAT),
      putEdge('run_devperf', runIdOf, id, ['metrics']),
    );
  }
  datasets.forEach((ds, i) => ops.push(putEdge('run_datasets', runIdOf, ds, ['datasets', i])));
  featuresets.forEach((fs, i) => ops.push(putEdge('run_featuresets', runIdOf, fs, ['featuresets', i])));
  return { id: runIdOf, ops };
}

export interface UpdateRunInput {
  run: string;
  status?: Opt<RunStatus>;
  endedAt?: Opt<string>;
  deploymentTag?: Opt<string>;
  properties?: unknown;
  params?: unknown;
  metrics?: Opt<readonly { name: string; value: number }[]>;
  datasets?: Opt<readonly string[]>;
  featuresets?: Opt<readonly string[]>;
}

/**
 * Changes a logged run in one unit of work: its status, end, deployment tag
 * and properties (by the lifecycle's rules, domain/runs.ts); its parameters,
 * set once while it has none; its metrics, points received now, merged into
 * its development performance (put when missing); and relations to more
 * datasets and featuresets.
 */
export function planUpdateRun(input: UpdateRunInput, ctx: PlanContext): Plan {
  const run = parseId(input.run, ['run'], ctx.catalogue, ['RUN']);
  const runId = input.run;
  const change: RunChange = {};
  if (input.status !== null && input.status !== undefined) change.status = input.status;
  const endedAt = optionalInstant(input.endedAt, ['endedAt']);
  if (endedAt) change.endedAt = endedAt;
  if (input.deploymentTag !== undefined) change.deploymentTag = optionalText(input.deploymentTag, ['deploymentTag']);
  if (input.properties !== undefined && input.properties !== null) {
    change.properties = requireJsonObject(input.properties, ['properties']);
  }
  const datasets = idList(input.datasets, ['datasets'], 'DATASET', ctx.catalogue);
  const featuresets = idList(input.featuresets, ['featuresets'], 'FEATURESET', ctx.catalogue);
  const ops: WriteOp[] = [{ type: 'updateRun', id: runId, change, field: ['run'] }];
  if (input.params !== null && input.params !== undefined) {
    const id = assetId('MODEL_PARAMS', run.key);
    const params = requireJsonObject(input.params, ['params']);
    const content = {
      kind: 'MODEL_PARAMS' as const,
      id,
      key: run.key,
      name: boundedName(`${run.key} params`),
      version: null,
      tag: null,
      properties: {},
      params,
    };
    ops.push(putAsset(content, ['params'], { same: 'params' }), putEdge('run_modelparams', runId, id, ['params']));
  }
  if (input.metrics !== null && input.metrics !== undefined) {
    const metrics = requireMetrics(input.metrics, ['metrics']);
    const points = Object.entries(metrics).map(([name, value]) => ({ name, value, step: null, at: null }));
    ops.push(...recordMetrics(runId, run.key, points, null, ['metrics']));
  }
  datasets.forEach((ds, i) => ops.push(putEdge('run_datasets', runId, ds, ['datasets', i])));
  featuresets.forEach((fs, i) => ops.push(putEdge('run_featuresets', runId, fs, ['featuresets', i])));
  return { id: runId, ops };
}

/** Records points on a run's development performance (keyed by the run's key), put with its relation when missing. */
function recordMetrics(
  runId: string,
  runKey: string,
  points: readonly MetricPointInput[],
  key: string | null,
  field: FieldPath,
): WriteOp[] {
  const id = assetId('DEV_PERF', runKey);
  const devPerf = {
    kind: 'DEV_PERF' as const,
    id,
    key: runKey,
    name: boundedName(`${runKey} dev performance`),
    version: null,
    tag: null,
    properties: {},
    metrics: {},
    recordedAt: null,
  };
  return [{ type: 'recordMetrics', devPerf, points, key, field: ['key'] }, putEdge('run_devperf', runId, id, field)];
}

export interface LogMetricsInput {
  key?: Opt<string>;
  run: string;
  metrics: readonly { name: string; value: number; step?: Opt<number>; at?: Opt<string> }[];
}

/**
 * Appends points to a run's metric series: at most MAX_POINTS_PER_CALL, each
 * at its `at` or, without one, at the instant the server receives it. A
 * `key` makes a retry safe: the same points again write nothing.
 */
export function planLogMetrics(input: LogMetricsInput, ctx: PlanContext): Plan {
  const run = parseId(input.run, ['run'], ctx.catalogue, ['RUN']);
  const key = optionalKey(input.key, ['key']);
  if (input.metrics.length === 0) throw badInput(['metrics'], 'expected at least one point, received none');
  if (input.metrics.length > MAX_POINTS_PER_CALL) {
    const received = input.metrics.length;
    throw badInput(['metrics'], `expected at most ${MAX_POINTS_PER_CALL} points a call, received ${received}; send them in several calls`);
  }
  const points = input.metrics.map((point, i): MetricPointInput => {
    const name = requireName(point.name, ['metrics', i, 'name']);
    if (!Number.isFinite(point.value)) {
      throw badInput(['metrics', i, 'value'], `expected a finite number, received ${point.value}`);
    }
    return { name, value: point.value, step: point.step ?? null, at: optionalInstant(point.at, ['metrics', i, 'at']) };
  });
  return { id: input.run, ops: recordMetrics(input.run, run.key, points, key, ['run']) };
}

export interface RegisterDeploymentInput extends CommonInput {
  environment?: Opt<string>;
  model: string;
  params?: Opt<string>;
  featureset?: Opt<string>;
}

export function planRegisterDeployment(input: RegisterDeploymentInput, ctx: PlanContext): Plan {
  const base = common('DEPLOYMENT', input, ctx);
  const model = requireId(input.model, ['model'], ctx.catalogue, ['MODEL']);
  const params = optionalId(input.params, ['params'], ctx.catalogue, ['MODEL_PARAMS']);
  const featureset = optionalId(input.featureset, ['featureset'], ctx.catalogue, ['FEATURESET']);
  const ops: WriteOp[] = [
    putAsset({ ...base, environment: optionalText(input.environment, ['environment']) }),
    putEdge('deployment_model', base.id, model, ['model']),
  ];
  if (params) ops.push(putEdge('deployment_modelparams', base.id, params, ['params']));
  if (featureset) ops.push(putEdge('deployment_featureset', base.id, featureset, ['featureset']));
  return { id: base.id, ops };
}

export interface LogServingPerfInput {
  key?: Opt<string>;
  deployment: string;
  periodStart: string;
  periodEnd: string;
  metrics: readonly { name: string; value: number }[];
  tag?: Opt<string>;
  properties?: unknown;
  statistics?: unknown;
}

export function planLogServingPerf(input: LogServingPerfInput, ctx: PlanContext): Plan {
  const deployment = parseId(input.deployment, ['deployment'], ctx.catalogue, ['DEPLOYMENT']);
  const periodStart = requireInstant(input.periodStart, ['periodStart']);
  const periodEnd = requireInstant(input.periodEnd, ['periodEnd']);
  if (periodEnd <= periodStart) {
    throw badInput(['periodEnd'], `expected an instant after periodStart (${periodStart}), received ${periodEnd}`);
  }
  const key = optionalKey(input.key, ['key']) ?? ctx.newKey();
  const id = assetId('SERVING_PERF', key);
  return {
    id,
    ops: [
      putAsset({
        kind: 'SERVING_PERF',
        id,
        key,
        name: boundedName(`${deployment.key} ${periodStart}`),
        version: null,
        tag: optionalText(input.tag, ['tag']),
        properties: optionalProperties(input.properties, ['properties']),
        metrics: requireMetrics(input.metrics, ['metrics']),
        periodStart,
        periodEnd,
        statistics: optionalStatistics(input.statistics, ['statistics']),
      }),
      putEdge('deployment_servingperf', input.deployment, id, ['deployment']),
    ],
  };
}

export interface LinkDerivedFromInput {
  asset: string;
  from: string;
}

export function planLinkDerivedFrom(input: LinkDerivedFromInput, { catalogue }: PlanContext): Plan {
  parseId(input.asset, ['asset'], catalogue);
  parseId(input.from, ['from'], catalogue);
  return { id: input.asset, ops: [putEdge('derived_from', input.asset, input.from, ['from'])] };
}

export interface UpdateAssetInput {
  id: string;
  name?: Opt<string>;
  version?: Opt<string>;
  tag?: Opt<string>;
  properties?: unknown;
  /** A dataset's statistics, replacing the stored ones; null removes them. */
  statistics?: unknown;
}

export function planUpdateAsset(input: UpdateAssetInput, { catalogue }: PlanContext): Plan {
  const { kind } = parseId(input.id, ['id'], catalogue);
  const patch: AssetPatch = {};
  if (input.name !== undefined && input.name !== null) patch.name = requireName(input.name, ['name']);
  if (input.version !== undefined) patch.version = optionalText(input.version, ['version']);
  if (input.tag !== undefined) patch.tag = optionalText(input.tag, ['tag']);
  if (input.properties !== undefined && input.properties !== null) {
    patch.properties = requireJsonObject(input.properties, ['properties']);
  }
  if (input.statistics !== undefined) {
    if (kind !== 'DATASET') throw statisticsOfDatasetsOnly(input.id);
    patch.statistics = optionalStatistics(input.statistics, ['statistics']);
  }
  return { id: input.id, ops: [{ type: 'updateAsset', id: input.id, patch, field: ['id'] }] };
}

export function planDeleteAsset(input: { id: string }, { catalogue }: PlanContext): Plan {
  parseId(input.id, ['id'], catalogue);
  return { id: input.id, ops: [{ type: 'deleteAsset', id: input.id, field: ['id'] }] };
}
