import { badInput } from './errors.js';
import { assetId, parseId } from './ids.js';
import { requireJsonObject } from './json.js';
import type { AssetContent, AssetKind, JsonValue, RunStatus } from './kinds.js';
import type { RelationName } from './relations.js';
import {
  optionalInstant,
  optionalKey,
  optionalProperties,
  optionalText,
  requireFeatures,
  requireInstant,
  requireMetrics,
  requireListLength,
  requireName,
} from './validation.js';
import type { WriteOp } from './writes.js';

/**
 * Each mutation as a plan: validated input in, the unit of work that carries
 * it out. Pure apart from `newKey`, which names assets the client left unkeyed.
 * Errors name the input field at fault (`input.datasets.1`).
 */

type Opt<T> = T | null | undefined;

export type NewKey = () => string;

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

function common<K extends AssetKind>(kind: K, input: CommonInput, newKey: NewKey) {
  const key = optionalKey(input.key, 'input.key') ?? newKey();
  return {
    kind,
    id: assetId(kind, key),
    key,
    name: requireName(input.name, 'input.name'),
    version: optionalText(input.version, 'input.version'),
    tag: optionalText(input.tag, 'input.tag'),
    properties: optionalProperties(input.properties, 'input.properties'),
  };
}

const putAsset = (content: AssetContent): WriteOp => ({ type: 'putAsset', content, field: 'input' });

function putEdge(relation: RelationName, from: string, to: string, field: string): WriteOp {
  if (from === to) throw badInput(field, `an asset cannot be related to itself ("${from}")`);
  return { type: 'putEdge', edge: { relation, from, to }, field };
}

/** Parses a list of ids of one kind, refusing duplicates. */
function idList(ids: Opt<readonly string[]>, field: string, kind: AssetKind): string[] {
  const seen = new Set<string>();
  requireListLength(ids?.length ?? 0, field);
  return (ids ?? []).map((id, i) => {
    parseId(id, `${field}.${i}`, [kind]);
    if (seen.has(id)) throw badInput(`${field}.${i}`, `"${id}" is given twice`);
    seen.add(id);
    return id;
  });
}

/** Checks an id given as input, returning it. */
function requireId(id: string, field: string, kinds?: readonly AssetKind[]): string {
  parseId(id, field, kinds);
  return id;
}

function optionalId(id: Opt<string>, field: string, kinds?: readonly AssetKind[]): string | null {
  return id === null || id === undefined ? null : requireId(id, field, kinds);
}

export interface RegisterProjectInput extends CommonInput {
  description?: Opt<string>;
}

export function planRegisterProject(input: RegisterProjectInput, newKey: NewKey): Plan {
  const base = common('PROJECT', input, newKey);
  const content = { ...base, description: optionalText(input.description, 'input.description') };
  return { id: base.id, ops: [putAsset(content)] };
}

export interface RegisterDatasetInput extends CommonInput {
  description?: Opt<string>;
  source?: Opt<string>;
  statistics?: unknown;
  derivedFrom?: Opt<string>;
}

export function planRegisterDataset(input: RegisterDatasetInput, newKey: NewKey): Plan {
  const base = common('DATASET', input, newKey);
  const statistics =
    input.statistics === null || input.statistics === undefined
      ? null
      : requireJsonObject(input.statistics, 'input.statistics');
  const content = {
    ...base,
    description: optionalText(input.description, 'input.description'),
    source: optionalText(input.source, 'input.source'),
    statistics,
  };
  const ops = [putAsset(content)];
  const from = optionalId(input.derivedFrom, 'input.derivedFrom');
  if (from) ops.push(putEdge('derived_from', base.id, from, 'input.derivedFrom'));
  return { id: base.id, ops };
}

export interface RegisterFeaturesetInput extends CommonInput {
  description?: Opt<string>;
  features?: Opt<readonly { name: string; dtype: string }[]>;
  datasets: readonly string[];
}

export function planRegisterFeatureset(input: RegisterFeaturesetInput, newKey: NewKey): Plan {
  const base = common('FEATURESET', input, newKey);
  const datasets = idList(input.datasets, 'input.datasets', 'DATASET');
  if (datasets.length === 0) throw badInput('input.datasets', 'expected at least one dataset id, received none');
  const content = {
    ...base,
    description: optionalText(input.description, 'input.description'),
    features: requireFeatures(input.features, 'input.features'),
  };
  return {
    id: base.id,
    ops: [
      putAsset(content),
      ...datasets.map((ds, i) => putEdge('featureset_dataset', base.id, ds, `input.datasets.${i}`)),
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

export function planRegisterModel(input: RegisterModelInput, newKey: NewKey): Plan {
  const base = common('MODEL', input, newKey);
  const content = {
    ...base,
    description: optionalText(input.description, 'input.description'),
    task: optionalText(input.task, 'input.task'),
    framework: optionalText(input.framework, 'input.framework'),
    uri: optionalText(input.uri, 'input.uri'),
  };
  const ops = [putAsset(content)];
  const project = optionalId(input.project, 'input.project', ['PROJECT']);
  if (project) ops.push(putEdge('project_models', project, base.id, 'input.project'));
  const from = optionalId(input.derivedFrom, 'input.derivedFrom');
  if (from) ops.push(putEdge('derived_from', base.id, from, 'input.derivedFrom'));
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
export function planLogRun(input: LogRunInput, newKey: NewKey): Plan {
  const runId = optionalKey(input.runId, 'input.runId') ?? newKey();
  const runIdOf = assetId('RUN', runId);
  const model = requireId(input.model, 'input.model', ['MODEL']);
  const datasets = idList(input.datasets, 'input.datasets', 'DATASET');
  const featuresets = idList(input.featuresets, 'input.featuresets', 'FEATURESET');
  const startedAt = optionalInstant(input.startedAt, 'input.startedAt');
  const endedAt = optionalInstant(input.endedAt, 'input.endedAt');
  if (startedAt && endedAt && endedAt < startedAt) {
    throw badInput('input.endedAt', `expected an instant at or after startedAt (${startedAt}), received ${endedAt}`);
  }
  const tag = optionalText(input.tag, 'input.tag');
  const name = input.name === null || input.name === undefined ? runId : requireName(input.name, 'input.name');
  const ops: WriteOp[] = [
    putAsset({
      kind: 'RUN',
      id: runIdOf,
      key: runId,
      name,
      version: null,
      tag,
      properties: optionalProperties(input.properties, 'input.properties'),
      runId,
      status: input.status ?? (endedAt ? 'COMPLETED' : 'RUNNING'),
      startedAt,
      endedAt,
      deploymentTag: optionalText(input.deploymentTag, 'input.deploymentTag'),
    }),
    putEdge('run_models', model, runIdOf, 'input.model'),
  ];
  if (input.params !== null && input.params !== undefined) {
    const id = assetId('MODEL_PARAMS', runId);
    ops.push(
      putAsset({
        kind: 'MODEL_PARAMS',
        id,
        key: runId,
        name: `${name} params`,
        version: null,
        tag,
        properties: {},
        params: requireJsonObject(input.params, 'input.params'),
      }),
      putEdge('run_modelparams', runIdOf, id, 'input.params'),
    );
  }
  if (input.metrics !== null && input.metrics !== undefined) {
    const id = assetId('DEV_PERF', runId);
    ops.push(
      putAsset({
        kind: 'DEV_PERF',
        id,
        key: runId,
        name: `${name} dev performance`,
        version: null,
        tag,
        properties: {},
        metrics: requireMetrics(input.metrics, 'input.metrics'),
        recordedAt: endedAt ?? startedAt,
      }),
      putEdge('run_devperf', runIdOf, id, 'input.metrics'),
    );
  }
  datasets.forEach((ds, i) => ops.push(putEdge('run_datasets', runIdOf, ds, `input.datasets.${i}`)));
  featuresets.forEach((fs, i) => ops.push(putEdge('run_featuresets', runIdOf, fs, `input.featuresets.${i}`)));
  return { id: runIdOf, ops };
}

export interface RegisterDeploymentInput extends CommonInput {
  environment?: Opt<string>;
  model: string;
  params?: Opt<string>;
  featureset?: Opt<string>;
}

export function planRegisterDeployment(input: RegisterDeploymentInput, newKey: NewKey): Plan {
  const base = common('DEPLOYMENT', input, newKey);
  const model = requireId(input.model, 'input.model', ['MODEL']);
  const params = optionalId(input.params, 'input.params', ['MODEL_PARAMS']);
  const featureset = optionalId(input.featureset, 'input.featureset', ['FEATURESET']);
  const ops: WriteOp[] = [
    putAsset({ ...base, environment: optionalText(input.environment, 'input.environment') }),
    putEdge('deployment_model', base.id, model, 'input.model'),
  ];
  if (params) ops.push(putEdge('deployment_modelparams', base.id, params, 'input.params'));
  if (featureset) ops.push(putEdge('deployment_featureset', base.id, featureset, 'input.featureset'));
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
}

export function planLogServingPerf(input: LogServingPerfInput, newKey: NewKey): Plan {
  const deployment = parseId(input.deployment, 'input.deployment', ['DEPLOYMENT']);
  const periodStart = requireInstant(input.periodStart, 'input.periodStart');
  const periodEnd = requireInstant(input.periodEnd, 'input.periodEnd');
  if (periodEnd <= periodStart) {
    throw badInput('input.periodEnd', `expected an instant after periodStart (${periodStart}), received ${periodEnd}`);
  }
  const key = optionalKey(input.key, 'input.key') ?? newKey();
  const id = assetId('SERVING_PERF', key);
  return {
    id,
    ops: [
      putAsset({
        kind: 'SERVING_PERF',
        id,
        key,
        name: `${deployment.key} ${periodStart}`,
        version: null,
        tag: optionalText(input.tag, 'input.tag'),
        properties: optionalProperties(input.properties, 'input.properties'),
        metrics: requireMetrics(input.metrics, 'input.metrics'),
        periodStart,
        periodEnd,
      }),
      putEdge('deployment_servingperf', input.deployment, id, 'input.deployment'),
    ],
  };
}

export interface LinkDerivedFromInput {
  asset: string;
  from: string;
}

export function planLinkDerivedFrom(input: LinkDerivedFromInput): Plan {
  parseId(input.asset, 'input.asset');
  parseId(input.from, 'input.from');
  return { id: input.asset, ops: [putEdge('derived_from', input.asset, input.from, 'input.from')] };
}

export interface UpdateAssetInput {
  id: string;
  name?: Opt<string>;
  version?: Opt<string>;
  tag?: Opt<string>;
  properties?: unknown;
}

export function planUpdateAsset(input: UpdateAssetInput): Plan {
  parseId(input.id, 'input.id');
  const patch: { name?: string; version?: string | null; tag?: string | null; properties?: Record<string, JsonValue> } =
    {};
  if (input.name !== undefined && input.name !== null) patch.name = requireName(input.name, 'input.name');
  if (input.version !== undefined) patch.version = optionalText(input.version, 'input.version');
  if (input.tag !== undefined) patch.tag = optionalText(input.tag, 'input.tag');
  if (input.properties !== undefined && input.properties !== null) {
    patch.properties = requireJsonObject(input.properties, 'input.properties');
  }
  return { id: input.id, ops: [{ type: 'updateAsset', id: input.id, patch, field: 'input.id' }] };
}

export function planDeleteAsset(input: { id: string }): Plan {
  parseId(input.id, 'input.id');
  return { id: input.id, ops: [{ type: 'deleteAsset', id: input.id, field: 'input.id' }] };
}
