import { badInput, conflict, notFound, type FieldPath } from './errors.js';
import { canonicalJson } from './json.js';
import { isJsonObject } from './json.js';
import { isKind, type AssetContent, type AssetRecord, type JsonObject, type JsonValue, type Metrics, type RunStatus } from './kinds.js';
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
  /** An event observed by another system, merged by `observedRun` instead of the lifecycle's commands. */
  observation?: RunObservation;
}

/**
 * What one event reported by another system (an OpenLineage producer) says
 * of a run. Events of one run may arrive in any order and more than once,
 * so they merge by rules that give the same run whatever the order, and a
 * repeated event changes nothing:
 *
 * - status: a final status (COMPLETED, FAILED) wins over RUNNING and is
 *   never left; between two final ones the later event wins, and FAILED on
 *   a tie; `status` null (an event that says nothing of it) keeps it;
 * - `startedAt` is the earliest starting event's time; `endedAt` the time of
 *   the event whose final status won;
 * - `groups` are properties of two levels (a group of members): a member
 *   from an event at least as recent as every one merged before replaces
 *   the stored one, an older event only fills missing members;
 * - the run keeps, under the property `observed`, where its events come
 *   from (`origin`) and the latest event's time (`at`). An event from
 *   another origin, or for a run not recorded from observations, is a
 *   CONFLICT naming `field`: events never take over another system's run.
 */
export interface RunObservation {
  origin: string;
  at: string;
  status: RunStatus | null;
  starts: boolean;
  groups: Record<string, JsonObject>;
}

/** The property under which an observed run keeps where its events come from, and the latest event's time. */
export const OBSERVED_PROPERTY = 'observed';

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
  if (!isKind('RUN')(current)) throw notFound(current.id, field);
  if (change.observation) return observedRun(current, change.observation, field);
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

/** A run first recorded from an observation: what `observedRun` makes of it, on a run that had none. */
export function firstObservedRun(
  base: Pick<AssetContent<'RUN'>, 'id' | 'key' | 'name'>,
  observation: RunObservation,
): AssetContent<'RUN'> {
  const status = observation.status ?? 'RUNNING';
  return {
    ...base,
    kind: 'RUN',
    version: null,
    tag: null,
    runId: base.key,
    status,
    startedAt: observation.starts ? observation.at : null,
    endedAt: FINAL.has(status) ? observation.at : null,
    deploymentTag: null,
    properties: { ...observation.groups, [OBSERVED_PROPERTY]: { origin: observation.origin, at: observation.at } },
  };
}

type RunRecord = AssetRecord<'RUN'>;

/** A stored run with one more observation merged in, by the rules of `RunObservation`. */
export function observedRun(current: RunRecord, observation: RunObservation, field: FieldPath): RunRecord {
  const observed = current.properties[OBSERVED_PROPERTY];
  const origin = isJsonObject(observed) ? observed['origin'] : undefined;
  const latest = isJsonObject(observed) && typeof observed['at'] === 'string' ? observed['at'] : '';
  if (origin !== observation.origin) {
    const recorded = typeof origin === 'string' ? `from ${origin}` : 'by metalayer itself';
    throw conflict(`"${current.id}" is a run recorded ${recorded}, not from ${observation.origin}`, field);
  }
  const newest = observation.at >= latest;
  const properties: Record<string, JsonValue> = { ...current.properties };
  for (const [group, members] of Object.entries(observation.groups)) {
    const stored = properties[group];
    const before = isJsonObject(stored) ? stored : {};
    properties[group] = newest ? { ...before, ...members } : { ...members, ...before };
  }
  properties[OBSERVED_PROPERTY] = { origin: observation.origin, at: newest ? observation.at : latest };
  const merged = { ...current, ...observedStatus(current, observation), properties };
  requireEndAfterStart(merged, field);
  return merged;
}

/** The status and end a run takes from an observation. */
function observedStatus(current: RunRecord, { status, at, starts }: RunObservation): Pick<RunRecord, 'status' | 'startedAt' | 'endedAt'> {
  const startedAt = starts && (current.startedAt === null || at < current.startedAt) ? at : current.startedAt;
  if (status === null || !FINAL.has(status)) return { status: current.status, startedAt, endedAt: current.endedAt };
  const wins =
    !FINAL.has(current.status) ||
    current.endedAt === null ||
    at > current.endedAt ||
    (at === current.endedAt && status === 'FAILED');
  return wins ? { status, startedAt, endedAt: at } : { status: current.status, startedAt, endedAt: current.endedAt };
}

/** An observed run whose events put its end before its start is refused, whichever event came second. */
function requireEndAfterStart(run: RunRecord, field: FieldPath): void {
  if (run.startedAt === null || run.endedAt === null || run.endedAt >= run.startedAt) return;
  throw badInput(field, `the run would end (${run.endedAt}) before it starts (${run.startedAt})`);
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
