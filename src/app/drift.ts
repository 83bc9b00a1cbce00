import { badInput, notFound } from '../domain/errors.js';
import { parseId } from '../domain/ids.js';
import { compareTables, DEFAULT_THRESHOLDS, type DriftMethod, type DriftReportRecord } from '../domain/drift.js';
import { isKind, type AssetKind, type AssetRecord, type RecordOf } from '../domain/kinds.js';
import type { EdgeDirection, RelationName } from '../domain/relations.js';
import { featureTable, type FeatureTable } from '../domain/statistics.js';
import { loadVisibleAsset } from './reads.js';
import type { Session } from './session.js';

/**
 * Training/serving drift (domain/drift.ts) over the graph, as the viewer
 * of the session may see it: every asset read comes through the session's
 * loaders and is filtered through its access, so the drift of every
 * deployment of a page costs one `neighbors` call per hop (served model,
 * then its runs, then their datasets; serving periods beside the model),
 * and a scoped viewer's baseline holds visible assets only.
 */

export interface DriftArgs {
  method?: DriftMethod | null;
  threshold?: number | null;
}

/**
 * The drift of a deployment's serving period `period` (by default the
 * latest, by end, that has statistics in the format) against the datasets
 * the served model's most recently created COMPLETED run trained on; null
 * when either side has no statistics in the format. `period` must be one
 * of the deployment's serving periods (BAD_USER_INPUT naming `period`).
 */
export async function deploymentDrift(
  session: Session,
  deployment: AssetRecord,
  args: DriftArgs & { period?: string | null },
): Promise<DriftReportRecord | null> {
  const { method, threshold } = driftSettings(args);
  if (args.period !== null && args.period !== undefined) parseId(args.period, ['period'], session.catalogue, ['SERVING_PERF']);
  const [models, periods] = await Promise.all([
    visibleNeighbours(session, deployment, 'deployment_model', 'OUT', 'MODEL'),
    visibleNeighbours(session, deployment, 'deployment_servingperf', 'OUT', 'SERVING_PERF'),
  ]);
  const current = chosenPeriod(periods, args.period ?? null, deployment.id);
  const model = models[0];
  if (!current || !model) return null;
  const runs = await visibleNeighbours(session, model, 'run_models', 'OUT', 'RUN');
  const run = latestCompleted(runs);
  if (!run) return null;
  const datasets = await visibleNeighbours(session, run, 'run_datasets', 'OUT', 'DATASET');
  return report(datasets.sort(byCreation), current, method, threshold);
}

/** The drift of `dataset` against the dataset `against`, its baseline; null when either has no statistics in the format. */
export async function datasetDrift(
  session: Session,
  dataset: RecordOf<'DATASET'>,
  args: DriftArgs & { against: string },
): Promise<DriftReportRecord | null> {
  const { method, threshold } = driftSettings(args);
  parseId(args.against, ['against'], session.catalogue, ['DATASET']);
  const against = await loadVisibleAsset(session, args.against, ['against']);
  if (!against || !isKind('DATASET')(against)) throw notFound(args.against, ['against']);
  return report([against], dataset, method, threshold);
}

function driftSettings(args: DriftArgs): { method: DriftMethod; threshold: number } {
  const method = args.method ?? 'PSI';
  const threshold = args.threshold ?? DEFAULT_THRESHOLDS[method];
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw badInput(['threshold'], `expected a non-negative number, received ${threshold}`);
  }
  return { method, threshold };
}

/** The comparison of `current` with the baseline assets (oldest first) that have statistics in the format. */
function report(baselineAssets: AssetRecord[], current: AssetRecord, method: DriftMethod, threshold: number): DriftReportRecord | null {
  const ours = featureTable(statisticsOf(current));
  const baseline = baselineAssets.flatMap((asset) => {
    const table = featureTable(statisticsOf(asset));
    return table ? [{ asset, table }] : [];
  });
  if (!ours || baseline.length === 0) return null;
  const tables: FeatureTable[] = baseline.map((entry) => entry.table);
  return { ...compareTables(tables, ours, method, threshold), baseline: baseline.map((entry) => entry.asset), current };
}

function statisticsOf(asset: AssetRecord) {
  return isKind('DATASET')(asset) || isKind('SERVING_PERF')(asset) ? asset.statistics : null;
}

/** The serving period asked for, or by default the latest (by end, then start, then id) with statistics in the format. */
function chosenPeriod(periods: RecordOf<'SERVING_PERF'>[], period: string | null, deployment: string): RecordOf<'SERVING_PERF'> | null {
  if (period !== null) {
    const found = periods.find((candidate) => candidate.id === period);
    if (!found) throw badInput(['period'], `"${period}" is not a serving period of "${deployment}"`);
    return found;
  }
  const latestFirst = [...periods].sort((a, b) => compareText(b.periodEnd, a.periodEnd) || compareText(b.periodStart, a.periodStart) || compareText(b.id, a.id));
  return latestFirst.find((candidate) => featureTable(candidate.statistics) !== null) ?? null;
}

/** The most recently created COMPLETED run (ties broken by the greater id). */
function latestCompleted(runs: RecordOf<'RUN'>[]): RecordOf<'RUN'> | null {
  const completed = runs.filter((run) => run.status === 'COMPLETED').sort(byCreation);
  return completed.at(-1) ?? null;
}

/** The neighbours of `kind` the viewer may see, in relation order; every call at one level of a query shares one store call. */
async function visibleNeighbours<K extends AssetKind>(
  session: Session,
  parent: AssetRecord,
  relation: RelationName,
  direction: EdgeDirection,
  kind: K,
): Promise<RecordOf<K>[]> {
  session.deadline.check();
  const neighbours = await session.loaders.neighbors.load({ id: parent.id, relation, direction });
  return (await session.access.visibleOnly(neighbours)).filter(isKind(kind));
}

function byCreation(a: AssetRecord, b: AssetRecord): number {
  return compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
