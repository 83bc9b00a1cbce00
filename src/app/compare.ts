import { scopeOf } from '../domain/access.js';
import { badInput } from '../domain/errors.js';
import { parseId } from '../domain/ids.js';
import { isKind, type AssetRecord, type RecordOf, type RunStatus } from '../domain/kinds.js';
import type { MetricPoint } from '../domain/runs.js';
import type { RankOrder, RunSelection } from '../store/store.js';
import { loadVisibleAsset, relatedAssets } from './reads.js';
import type { Session } from './session.js';

/**
 * Comparing performance: leaderboards of runs by a development metric, and
 * a deployment's serving metric beside its model's development value.
 */

export const DEFAULT_LEADERBOARD_SIZE = 20;
export const MAX_LEADERBOARD_SIZE = 100;

export interface LeaderboardArgs {
  metric: string;
  order: RankOrder;
  filter: RunFilterInput | null;
  bestPerModel: boolean;
  first: number | null;
  after: string | null;
}

/** `RunFilter` as a client sends it; instants are parsed already. */
export interface RunFilterInput {
  project?: string | null;
  model?: string | null;
  downstreamOf?: string | null;
  tag?: string | null;
  status?: RunStatus | null;
  since?: string | null;
  until?: string | null;
}

/** A run's place on a leaderboard. */
export interface RunScoreRecord {
  rank: number;
  value: number;
  run: RecordOf<'RUN'>;
}

/** A leaderboard edge; its cursor is sealed only when asked for (`rankCursor`), as sealing costs more than the rest of an edge. */
export interface LeaderboardEdgeRecord {
  node: RunScoreRecord;
}

export interface Leaderboard {
  edges: LeaderboardEdgeRecord[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The cursor that pages on after an edge. */
export function rankCursor(session: Session, { node }: LeaderboardEdgeRecord): string {
  return session.cursors.encodeRank({ value: node.value, id: node.run.id, rank: node.rank });
}

/**
 * A page of the leaderboard of `metric`, as the viewer may see it: the
 * store ranks and pages with the viewer's scope applied first
 * (RankQuery.scope), so ranks count visible runs only. A rank is the
 * previous page's last rank plus the position in this page, which the
 * sealed cursor carries. `filter.project` outside the viewer's scope is
 * FORBIDDEN, as for listings; `model` and `downstreamOf` naming an asset
 * the viewer may not see are FORBIDDEN, as for `node`.
 */
export async function leaderboard(session: Session, args: LeaderboardArgs): Promise<Leaderboard> {
  const first = args.first ?? DEFAULT_LEADERBOARD_SIZE;
  if (first < 1 || first > MAX_LEADERBOARD_SIZE) {
    throw badInput(['first'], `expected a page size from 1 to ${MAX_LEADERBOARD_SIZE}, received ${first}`);
  }
  if (args.metric.length === 0) throw badInput(['metric'], 'expected a metric name, received an empty string');
  const place = args.after === null ? null : session.cursors.decodeRank(args.after);
  if (args.after !== null && place === null) {
    throw badInput(['after'], `expected a cursor from pageInfo.endCursor, received ${JSON.stringify(args.after)}`);
  }
  const selection = await runSelection(session, args.filter ?? {});
  const page = await session.store.rankRuns({
    metric: args.metric,
    order: args.order,
    selection,
    bestPerModel: args.bestPerModel,
    first,
    after: place === null ? null : { value: place.value, id: place.id },
    asOf: session.asOf,
    scope: scopeOf(session.viewer),
  });
  session.loaders.prime(page.runs.map(({ run }) => run));
  session.budget.spend(page.runs.length);
  const start = place === null ? 0 : place.rank;
  const edges = page.runs.flatMap(({ run, value }, i) => (isKind('RUN')(run) ? [{ node: { rank: start + i + 1, value, run } }] : []));
  const last = edges.at(-1);
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: last === undefined ? null : rankCursor(session, last) } };
}

/** The store's selection for a filter, each id checked: malformed is BAD_USER_INPUT, hidden FORBIDDEN. */
async function runSelection(session: Session, filter: RunFilterInput): Promise<RunSelection> {
  const project = filter.project ?? null;
  if (project !== null) parseId(project, ['filter', 'project'], session.catalogue, ['PROJECT']);
  session.access.requireListing(project);
  const model = filter.model ?? null;
  if (model !== null) parseId(model, ['filter', 'model'], session.catalogue, ['MODEL']);
  const downstreamOf = filter.downstreamOf ?? null;
  await Promise.all([
    model === null ? null : loadVisibleAsset(session, model, ['filter', 'model']),
    downstreamOf === null ? null : loadVisibleAsset(session, downstreamOf, ['filter', 'downstreamOf']),
  ]);
  return {
    project,
    model,
    downstreamOf,
    tag: filter.tag ?? null,
    status: filter.status ?? null,
    since: filter.since ?? null,
    until: filter.until ?? null,
  };
}

export interface PerformanceComparison {
  development: number | null;
  serving: MetricPoint[];
  change: number | null;
}

/**
 * One metric of a deployment in serving beside its value in development,
 * read through the relation use case, so the comparisons of every
 * deployment of a page share one store call per step: the served model
 * and the serving periods, the model's runs, the chosen run's performance.
 */
export async function deploymentPerformance(
  session: Session,
  deployment: AssetRecord,
  metric: string,
): Promise<PerformanceComparison> {
  const [models, periods] = await Promise.all([
    relatedAssets(session, deployment, 'deployment_model', 'OUT'),
    relatedAssets(session, deployment, 'deployment_servingperf', 'OUT'),
  ]);
  const serving = periods
    .flatMap((period) => {
      if (!isKind('SERVING_PERF')(period) || !Object.hasOwn(period.metrics, metric)) return [];
      const value = period.metrics[metric];
      return value === undefined ? [] : [{ at: period.periodEnd, value, step: null }];
    })
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const development = await developmentValue(session, models.find((model) => model.kind === 'MODEL') ?? null, metric);
  const last = serving.at(-1);
  const change = last === undefined || development === null ? null : last.value - development;
  return { development, serving, change };
}

/** The metric on the model's most recently created COMPLETED run (ties to the greatest id), or null. */
async function developmentValue(session: Session, model: AssetRecord | null, metric: string): Promise<number | null> {
  if (model === null) return null;
  const runs = await relatedAssets(session, model, 'run_models', 'OUT');
  const latest = runs.reduce<AssetRecord | null>((best, run) => {
    if (!isKind('RUN')(run) || run.status !== 'COMPLETED') return best;
    if (best === null || run.createdAt > best.createdAt || (run.createdAt === best.createdAt && run.id > best.id)) return run;
    return best;
  }, null);
  if (latest === null) return null;
  const perf = (await relatedAssets(session, latest, 'run_devperf', 'OUT')).find(isKind('DEV_PERF'));
  if (perf === undefined || !Object.hasOwn(perf.metrics, metric)) return null;
  return perf.metrics[metric] ?? null;
}
