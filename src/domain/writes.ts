import type { Catalogue, OwnerStep } from './catalogue.js';
import { badInput, conflict, ErrorCode, MetalayerError, notFound, type FieldPath } from './errors.js';
import { tryParseId } from './ids.js';
import { canonicalJson } from './json.js';
import { contentOf, isKind, type AssetContent, type AssetKind, type AssetRecord, type JsonObject, type JsonValue } from './kinds.js';
import type { EdgeRecord } from './relations.js';
import type { MetricPointInput, RunChange } from './runs.js';

/**
 * The write operations every engine executes atomically, and the rules that
 * decide their outcome. A unit of work is a list of ops; it succeeds whole
 * or writes nothing. Engines gather the facts (what is stored, which name is
 * taken) and store; the answers are decided here, so every engine gives the
 * same code and message for the same input.
 *
 * - putAsset inserts an asset. When its id exists with the same content the
 *   put changes nothing (a retried call); with different content it fails
 *   with CONFLICT naming `field` (the key's field), as does a named kind's
 *   taken (name, version).
 * - putEdge inserts a relation unless it exists. Both ends must exist, at the
 *   time of the put (assets put earlier in the unit count), or it fails with
 *   NOT_FOUND naming `field` (`fromField`, when given, for a missing `from`:
 *   linkAssets names each end); the ends must be of kinds the relation
 *   joins, and distinct, or it fails with BAD_USER_INPUT.
 * - removeEdge removes a relation, leaving its ends as they are; NOT_FOUND
 *   naming `field` when no such relation exists (`relationNotFound`), or
 *   naming `fromField`, when given, when its `from` asset does not exist.
 * - updateAsset changes name, version or tag, a dataset's statistics, and
 *   merges properties (a null value removes the property); NOT_FOUND when
 *   the asset is missing. An update that changes nothing stores nothing
 *   (`unchangedState`).
 * - deleteAsset removes an asset and every edge it takes part in. The
 *   core refuses beforehand (refuseOrphaningDelete) the delete of an asset
 *   others take their owners from.
 * - updateRun changes a run's status, end, deployment tag and properties by
 *   the lifecycle's rules (`updatedRun` in domain/runs.ts); when the run is
 *   missing it puts `create` (a run first recorded from an observation), or
 *   fails with NOT_FOUND naming `field` without one. A change that changes
 *   nothing stores nothing.
 * - recordMetrics adds points to the series of a development performance,
 *   putting `devPerf` (with no metrics) first when its id is missing, and
 *   sets its metrics to the latest of each name (`metricsAfter`). With a
 *   `key`, points the key holds already are a retry or a CONFLICT naming
 *   `field` (`answerRepeatedPoints`).
 */
export type WriteOp =
  | { type: 'putAsset'; content: AssetContent; field: FieldPath; repeat?: RepeatRule }
  | { type: 'putEdge'; edge: EdgeRecord; field: FieldPath; fromField?: FieldPath }
  | { type: 'removeEdge'; edge: EdgeRecord; field: FieldPath; fromField?: FieldPath }
  | { type: 'updateAsset'; id: string; patch: AssetPatch; field: FieldPath }
  | { type: 'deleteAsset'; id: string; field: FieldPath }
  | { type: 'updateRun'; id: string; change: RunChange; field: FieldPath; create?: AssetContent<'RUN'> }
  | {
      type: 'recordMetrics';
      devPerf: AssetContent<'DEV_PERF'>;
      points: readonly MetricPointInput[];
      key: string | null;
      field: FieldPath;
    };

/**
 * How a put answers when its id is stored already: a retry when `same` is
 * equal (the whole content, or only a run's parameters, which are set once),
 * a CONFLICT otherwise, which says `hint` (what to do instead). With
 * `identity` the put is a report of an asset that may be known already:
 * the stored asset of the same kind stands, whatever the report says.
 */
export interface RepeatRule {
  same: 'content' | 'params' | 'identity';
  hint?: string;
}

export interface AssetPatch {
  name?: string;
  version?: string | null;
  tag?: string | null;
  properties?: Record<string, JsonValue>;
  /** A dataset's statistics, replaced whole (null removes them); BAD_USER_INPUT on `statistics` for other kinds. */
  statistics?: JsonObject | null;
}

/**
 * A unit of work with what history needs to know of it: who made it
 * (`actor`, the viewer's name), through which operation (`source`: a
 * mutation's name, an import), and when (`at`, ISO 8601 UTC), which stamps
 * every asset it creates or updates.
 */
export interface UnitOfWork {
  ops: readonly WriteOp[];
  actor: string;
  source: string;
  at: string;
}

export interface WriteResult {
  /**
   * Every asset put or updated, by id, as stored after the unit of work,
   * including puts that changed nothing (a retry answers with what exists).
   */
  assets: Map<string, AssetRecord>;
  /** Every asset deleted, by id, as it was before. */
  deleted: Map<string, { asset: AssetRecord; relations: number }>;
}

export interface CommitResult extends WriteResult {
  /** The store's revision after the unit of work: it grows with every commit that wrote something. */
  revision: string;
}

export function emptyWriteResult(): WriteResult {
  return { assets: new Map(), deleted: new Map() };
}

/**
 * The answer to a put whose id is stored already: the stored asset when
 * what `repeat` compares is the same (a retry), CONFLICT naming the key's
 * field when it is not.
 */
export function answerRepeatedPut(
  existing: AssetRecord,
  content: AssetContent,
  field: FieldPath,
  repeat: RepeatRule = { same: 'content' },
): AssetRecord {
  if (repeat.same === 'identity' && existing.kind === content.kind) return existing;
  if (repeat.same === 'params') {
    const sameParams =
      isKind('MODEL_PARAMS')(existing) &&
      content.kind === 'MODEL_PARAMS' &&
      'params' in content &&
      canonicalJson(existing.params) === canonicalJson(content.params);
    if (sameParams) return existing;
    throw conflict(`the run has parameters already ("${content.id}"), and they differ: a run's parameters are set once`, field);
  }
  if (canonicalJson(contentOf(existing)) === canonicalJson(content)) return existing;
  const hint = repeat.hint ? `; ${repeat.hint}` : '';
  throw conflict(`"${content.id}" already exists with different content${hint}`, field);
}

/** Whether a name identifies assets of `kind`, so that a taken (name, version) is a conflict. */
export function isNamedKind(catalogue: Catalogue, kind: AssetKind): boolean {
  return catalogue.kind(kind).named;
}

/** The CONFLICT of a named kind's (name, version) held by `takenBy`. */
export function nameTaken(
  catalogue: Catalogue,
  content: Pick<AssetContent, 'kind' | 'name' | 'version'>,
  takenBy: string,
  field: FieldPath = ['name'],
) {
  const version = content.version === null ? 'with no version' : `version "${content.version}"`;
  return conflict(
    `a ${catalogue.kind(content.kind).collection} asset named "${content.name}" ${version} already exists ("${takenBy}"); give a distinct version`,
    field,
  );
}

/** The asset a patch makes of a stored one: name, version, tag and a dataset's statistics replaced, properties merged. */
export function patched(current: AssetRecord, patch: AssetPatch): AssetRecord {
  const next = {
    ...current,
    name: patch.name ?? current.name,
    version: patch.version === undefined ? current.version : patch.version,
    tag: patch.tag === undefined ? current.tag : patch.tag,
    properties: mergeProperties(current.properties, patch.properties),
  };
  if (patch.statistics === undefined) return next;
  if (!isKind('DATASET')(next)) throw statisticsOfDatasetsOnly(current.id);
  return { ...next, statistics: patch.statistics };
}

/**
 * Whether a patch leaves an asset as it was: then the update stores
 * nothing, so a retried update appends no change and keeps `updatedAt`.
 */
export function unchangedState(current: AssetRecord, next: AssetRecord): boolean {
  return canonicalJson(contentOf(current)) === canonicalJson(contentOf(next));
}

/** The refusal of statistics for an asset that is not a dataset. */
export function statisticsOfDatasetsOnly(id: string): MetalayerError {
  return badInput(['statistics'], `only datasets have statistics, and "${id}" is not a dataset`);
}

/** Applies a patch's properties to stored ones: merge, with null removing a key. */
export function mergeProperties(
  current: Record<string, JsonValue>,
  patch: Record<string, JsonValue> | undefined,
): Record<string, JsonValue> {
  if (!patch) return current;
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** The NOT_FOUND of a relation to remove that does not exist. */
export function relationNotFound(edge: EdgeRecord, field: FieldPath): MetalayerError {
  return new MetalayerError(ErrorCode.NOT_FOUND, `no ${edge.relation} relation from "${edge.from}" to "${edge.to}"`, field);
}

/** An asset is never related to itself. */
export function requireDistinctEnds(edge: EdgeRecord, field: FieldPath): void {
  if (edge.from === edge.to) throw badInput(field, `an asset cannot be related to itself ("${edge.from}")`);
}

/**
 * Checks a relation against the catalogue and the kinds of its stored ends
 * (null for an end that does not exist): NOT_FOUND for a missing end,
 * BAD_USER_INPUT for an asset related to itself or ends of kinds the
 * relation does not join.
 */
export function checkEdge(
  catalogue: Catalogue,
  edge: EdgeRecord,
  fromKind: AssetKind | null,
  toKind: AssetKind | null,
  field: FieldPath,
  fromField: FieldPath = field,
): void {
  requireDistinctEnds(edge, field);
  if (fromKind === null) throw notFound(edge.from, fromField);
  if (toKind === null) throw notFound(edge.to, field);
  const relation = catalogue.relation(edge.relation);
  if (!relation.from.includes(fromKind) || !relation.to.includes(toKind)) {
    const ends = (kinds: readonly AssetKind[]) => kinds.map((kind) => catalogue.kind(kind).collection).join(' or ');
    throw badInput(
      field,
      `${edge.relation} relates ${ends(relation.from)} to ${ends(relation.to)}, received ${catalogue.kind(fromKind).collection} "${edge.from}" to ${catalogue.kind(toKind).collection} "${edge.to}"`,
    );
  }
}

/**
 * The steps from an asset of `kind` down to the assets that take their
 * ownership from it (the catalogue's ownership chains read backwards): a
 * model's runs and deployments, a run's parameters and performance, a
 * project's models.
 */
export function dependentSteps(catalogue: Catalogue, kind: AssetKind): OwnerStep[] {
  return catalogue.kinds.flatMap((spec) => {
    const up = spec.owner;
    if (up === 'self' || up === 'shared' || up.kind !== kind) return [];
    return [{ relation: up.relation, direction: up.direction === 'IN' ? 'OUT' : 'IN', kind: spec.kind }];
  });
}

/**
 * The end of `edge` that takes its project through it (its kind's owner
 * step is the edge's relation, in the edge's direction), with the other
 * end and that step; null for a relation that decides no ownership, or ends
 * that are not ids of the catalogue's kinds. At most one end qualifies: an
 * ownership chain never loops.
 */
export function ownedEnd(catalogue: Catalogue, edge: EdgeRecord): { owned: string; owner: string; step: OwnerStep } | null {
  const kindOf = (id: string) => tryParseId(id, catalogue)?.kind ?? null;
  const toKind = kindOf(edge.to);
  const toOwner = toKind === null ? 'shared' : catalogue.kind(toKind).owner;
  if (typeof toOwner === 'object' && toOwner.relation === edge.relation && toOwner.direction === 'IN') {
    return { owned: edge.to, owner: edge.from, step: toOwner };
  }
  const fromKind = kindOf(edge.from);
  const fromOwner = fromKind === null ? 'shared' : catalogue.kind(fromKind).owner;
  if (typeof fromOwner === 'object' && fromOwner.relation === edge.relation && fromOwner.direction === 'OUT') {
    return { owned: edge.from, owner: edge.to, step: fromOwner };
  }
  return null;
}

/**
 * Ownership survives unlinks, as it survives deletes: removing the last
 * relation an asset takes its project from would make it shared (visible to
 * every scoped token). `owners` counts the assets of the step's kind it is
 * related to that way now, this one included; CONFLICT on `field` when it
 * is the last.
 */
export function refuseOrphaningUnlink(owned: string, owner: string, field: FieldPath, owners: number): void {
  if (owners > 1) return;
  throw conflict(
    `unlinking "${owned}" from "${owner}" would leave it in no project, visible to every scoped token: ` +
      'link it to another project first, or delete it',
    field,
  );
}

/**
 * Ownership survives deletes: an asset other assets take their owners from
 * is not deleted while they exist, since they would become shared (visible
 * to every scoped token). `dependents` counts them by kind, in catalogue
 * order; CONFLICT on `field` names them when any exist.
 */
export function refuseOrphaningDelete(id: string, field: FieldPath, dependents: readonly { kind: AssetKind; count: number }[]): void {
  const present = dependents.filter((d) => d.count > 0);
  if (present.length === 0) return;
  const listed = present.map((d) => `${d.count} ${d.kind}`).join(', ');
  throw conflict(
    `"${id}" cannot be deleted while assets take their project from it (${listed}): delete them first`,
    field,
  );
}
