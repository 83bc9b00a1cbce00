import { isBuiltinKind, type AssetContent, type AssetKind, type AssetRecord } from './kinds.js';
import type { EdgeRecord, RelationName } from './relations.js';

/**
 * The change log: one change per asset a unit of work creates, updates or
 * deletes, and one per relation it adds or removes, appended by the engine
 * in the same transaction as the change itself, so that no write is ever
 * acknowledged without its changes and no change exists without its write.
 *
 * - `sequence` is decimal integer text, strictly increasing in commit
 *   order and never reused.
 * - `at` is the instant of the unit of work; it never decreases in sequence
 *   order: a unit stamped earlier than the last change (another worker's
 *   clock, a backdated import) is logged at the last change's instant
 *   (`unitInstant`), while its assets keep the unit's own stamps.
 * - `before`/`after` are the asset's state (`assetState`): its name,
 *   version, tag, properties and its kind's typed fields; null where the
 *   asset did not exist, and both null for LINK and UNLINK.
 * - A LINK or UNLINK is about the relation's `from` end (`assetId`, `kind`),
 *   and belongs to the history of both ends.
 * - `transaction` groups the changes of one unit of work.
 */
export type ChangeOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'LINK' | 'UNLINK';

export const CHANGE_OPERATIONS: readonly ChangeOperation[] = ['CREATE', 'UPDATE', 'DELETE', 'LINK', 'UNLINK'];

export interface ChangeRecord {
  sequence: string;
  at: string;
  /** The token's name (the request log's when authentication is off); `unknown` for baselines. */
  actor: string;
  operation: ChangeOperation;
  assetId: string;
  kind: AssetKind;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  relation: RelationName | null;
  from: string | null;
  to: string | null;
  /** The commit's source: `logRun`, `updateAsset`, `import`, `openlineage`, `baseline`… */
  source: string;
  transaction: string;
}

/** The actor of a change whose author nobody recorded: baselines of what existed before the log. */
export const UNKNOWN_ACTOR = 'unknown';

/** The source of baseline changes. */
export const BASELINE_SOURCE = 'baseline';

/** The source of what the bulk path imports. */
export const IMPORT_SOURCE = 'import';

/** A change as a unit of work makes it, before the engine gives it its sequence, instant, actor, source and transaction. */
export type ChangeDraft = Pick<ChangeRecord, 'operation' | 'assetId' | 'kind' | 'before' | 'after' | 'relation' | 'from' | 'to'>;

/** An asset's state as a change records it: every field but its identity (kind, id, key) and its timestamps. */
export function assetState(asset: AssetRecord | AssetContent): Record<string, unknown> {
  const { kind: _kind, id: _id, key: _key, ...rest } = asset;
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...state } = rest as Record<string, unknown>;
  if (isBuiltinKind(asset.kind)) return state;
  // A custom kind's typed fields sit beside the common ones, as a built-in kind's do (recordOfState nests them back).
  const { fields, ...common } = state;
  return { ...(fields as Record<string, unknown>), ...common };
}

/** The fields every kind's state holds; a custom kind's state holds its typed fields beside them. */
export const COMMON_STATE_FIELDS: ReadonlySet<string> = new Set(['name', 'version', 'tag', 'properties']);

export function created(asset: AssetRecord | AssetContent): ChangeDraft {
  return { operation: 'CREATE', assetId: asset.id, kind: asset.kind, before: null, after: assetState(asset), relation: null, from: null, to: null };
}

export function updated(before: AssetRecord, after: AssetRecord): ChangeDraft {
  return {
    operation: 'UPDATE',
    assetId: after.id,
    kind: after.kind,
    before: assetState(before),
    after: assetState(after),
    relation: null,
    from: null,
    to: null,
  };
}

export function deleted(asset: AssetRecord): ChangeDraft {
  return { operation: 'DELETE', assetId: asset.id, kind: asset.kind, before: assetState(asset), after: null, relation: null, from: null, to: null };
}

/** A relation added (LINK) or removed (UNLINK); `fromKind` is the kind of its `from` end. */
export function relationChange(operation: 'LINK' | 'UNLINK', edge: EdgeRecord, fromKind: AssetKind): ChangeDraft {
  return { operation, assetId: edge.from, kind: fromKind, before: null, after: null, relation: edge.relation, from: edge.from, to: edge.to };
}

/**
 * The instant a unit of work is committed at: its own, or the last change's
 * when that is later (another worker's clock ran ahead), so that `at` never
 * decreases in sequence order.
 */
export function unitInstant(unitAt: string, lastAt: string | null): string {
  return lastAt !== null && lastAt > unitAt ? lastAt : unitAt;
}

/** Whether a change is one of `id`'s history: about it, or a relation at either end. */
export function concerns(change: Pick<ChangeRecord, 'assetId' | 'from' | 'to'>, id: string): boolean {
  return change.assetId === id || change.from === id || change.to === id;
}

/** What a Node is: an asset or a change. */
export type NodeRecord = AssetRecord | ChangeRecord;

/** Whether a node is a change (a change has a sequence, an asset none). */
export function isChange(node: NodeRecord): node is ChangeRecord {
  return 'sequence' in node;
}

/** The global id of a change: `metalayer_changes/<sequence>`, a collection no catalogue may name. */
export const CHANGE_ID_PREFIX = 'metalayer_changes/';

export function changeId(sequence: string): string {
  return CHANGE_ID_PREFIX + sequence;
}

/** The sequence a change id names, or null when `id` is not a change's. */
export function sequenceOfChangeId(id: string): string | null {
  if (!id.startsWith(CHANGE_ID_PREFIX)) return null;
  const sequence = id.slice(CHANGE_ID_PREFIX.length);
  return isSequence(sequence) ? sequence : null;
}

/** Whether `text` is a sequence: decimal digits of a positive safe integer, no leading zero. */
export function isSequence(text: string): boolean {
  return /^[1-9][0-9]{0,15}$/.test(text) && Number.isSafeInteger(Number(text));
}
