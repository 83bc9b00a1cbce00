import { badInput, conflict, notFound, type FieldPath } from './errors.js';
import { canonicalJson } from './json.js';
import type { AssetRecord, JsonValue, Metrics, RunStatus } from './kinds.js';
import { mergeProperties } from './writes.js';

/**
 * The rules of a run's lifecycle and of its metric series, which every
 * engine applies to what it reads inside a unit of work.
 *
 * A run's status moves from RUNNING to COMPLETED or FAILED and never back.
 * A metric is a series of points; the development performance's `metrics`
 * hold the latest point of each name, where the latest is the one with the
 * greatest `at`, then the greatest `step` (a point without a step comes
 * before any with one), then the one received last. A value in `metrics`
 * with no point behind it (logged whole by `logRun`) counts as older than
 * every point.
 */

/** What `updateRun` changes on the run itself; an absent member is left as it is. */
export interface RunChange {
  status?: RunStatus;
  endedAt?: string;
  deploymentTag?: string | null;
  /** Merged into the run's properties; a null value removes a property. */
  properties?: Record<string, JsonValue>;
}

/** Statuses a run ends in. */
const FINAL: ReadonlySet<RunStatus> = new Set<RunStatus>(['COMPLETED', 'FAILED']);

/**
 * The run a change makes of the stored one, at `at`: CONFLICT naming
 * `status` for a status that would move back or between final ones;
 * BAD_USER_INPUT naming `endedAt` for an end before the start. A move to a
 * final status ends the run at `at` unless it ended already or the change
 * says when.
 */
export function updatedRun(current: AssetRecord, change: RunChange, at: string, field: FieldPath): AssetRecord {
  if (current.kind !== 'RUN') throw notFound(current.id, field);
  const status = change.status ?? current.status;
  if (status !== current.status && current.status !== 'RUNNING') {
    throw conflict(
      `the run is ${current.status} already: a run's status moves from RUNNING to COMPLETED or FAILED, never back`,
      ['status'],
    );
  }
  const movesToFinal = FINAL.has(status) && status !== current.status;
  const endedAt = change.endedAt ?? (movesToFinal && current.endedAt === null ? at : current.endedAt);
  if (endedAt !== null && current.startedAt !== null && endedAt < current.startedAt) {
    const start = current.startedAt;
    throw badInput(['endedAt'], `expected an instant at or after the run's startedAt (${start}), received ${endedAt}`);
  }
  return {
    ...current,
    status,
    endedAt,
    deploymentTag: change.deploymentTag === undefined ? current.deploymentTag : change.deploymentTag,
    properties: mergeProperties(current.properties, change.properties),
  };
}

/** Whether an update left an asset as it was, so that nothing needs to be stored. */
export function unchanged(before: AssetRecord, after: AssetRecord): boolean {
  return canonicalJson(before) === canonicalJson(after);
}

/** A point as the client sent it: `at` null when it left the instant to the server. */
export interface MetricPointInput {
  name: string;
  value: number;
  step: number | null;
  at: string | null;
}

/** A stored point. `seq` orders points by when they were received. */
export interface StoredMetricPoint {
  name: string;
  value: number;
  step: number | null;
  at: string;
  seq: number;
}

/** A point of a series, as read back. */
export interface MetricPoint {
  at: string;
  value: number;
  step: number | null;
}

/** At most this many points are recorded by one call. */
export const MAX_POINTS_PER_CALL = 10_000;

/** The instant a point is stored with: its own, or the instant the unit of work received it. */
export function pointInstant(point: MetricPointInput, receivedAt: string): string {
  return point.at ?? receivedAt;
}

/**
 * The answer to points recorded under a key that already holds `prior`
 * (in the order received): 'repeat' when they are the same points (a
 * retry; a point sent without `at` matches whatever instant it was stored
 * with), which writes nothing; 'new' when the key holds none; CONFLICT
 * naming the key's field otherwise.
 */
export function answerRepeatedPoints(
  prior: readonly StoredMetricPoint[],
  points: readonly MetricPointInput[],
  field: FieldPath,
): 'new' | 'repeat' {
  if (prior.length === 0) return 'new';
  const same =
    prior.length === points.length &&
    points.every((point, i) => {
      const stored = prior[i];
      return (
        stored !== undefined &&
        stored.name === point.name &&
        stored.value === point.value &&
        stored.step === point.step &&
        (point.at === null || stored.at === point.at)
      );
    });
  if (same) return 'repeat';
  throw conflict('points were recorded under this key already, and they differ from these', field);
}

/** Whether point `a` comes after point `b` in the order of "latest" (ties go to `a`, received later). */
export function isLater(a: { at: string; step: number | null }, b: { at: string; step: number | null }): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.step === b.step) return true;
  if (a.step === null) return false;
  if (b.step === null) return true;
  return a.step > b.step;
}

/**
 * A development performance's metrics after `points` (in the order received,
 * after every stored point) are recorded: each name whose newest point is
 * later than the latest stored one (`latest`, by name) takes its value.
 * Also the instant the performance was last measured at: the latest `at`.
 */
export function metricsAfter(
  current: { metrics: Metrics; recordedAt: string | null },
  latest: ReadonlyMap<string, { at: string; step: number | null }>,
  points: readonly { name: string; value: number; step: number | null; at: string }[],
): { metrics: Metrics; recordedAt: string | null } {
  const winners = new Map<string, { at: string; step: number | null; value: number }>();
  for (const point of points) {
    const best = winners.get(point.name) ?? latest.get(point.name);
    if (!best || isLater(point, best)) winners.set(point.name, point);
  }
  const metrics = { ...current.metrics };
  for (const [name, point] of winners) metrics[name] = point.value;
  const recordedAt = points.reduce<string | null>(
    (max, point) => (max === null || point.at > max ? point.at : max),
    current.recordedAt,
  );
  return { metrics, recordedAt };
}
