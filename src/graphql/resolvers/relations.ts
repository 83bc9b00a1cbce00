import type { AssetKind, AssetRecord } from '../../domain/kinds.js';
import { RELATIONS, type EdgeDirection, type RelationName } from '../../domain/relations.js';
import type { Context } from '../context.js';

/**
 * Relation fields, one line each: a field is the one-hop neighbours of its
 * parent along one relation of the catalogue, in one direction, loaded
 * through the neighbours loader so every relation field at one level of a
 * query shares one store call.
 *
 * Each field states the kind it returns, and the catalogue is checked when
 * the field is declared: a field whose relation never leads to that kind is
 * a programming error and fails at start-up. Neighbours of another kind can
 * exist only in a database written by other tools (an arangopipe database
 * edited by hand); they are left out rather than shown as the wrong type.
 *
 * Neighbours the viewer may not see (another project's, for a viewer scoped
 * to projects) are left out too; a single-valued field is then the oldest
 * neighbour the viewer sees.
 */

/** The record of one kind, as a member of the AssetRecord union (so it narrows and widens freely). */
export type RecordOf<K extends AssetKind> = Extract<AssetRecord, { kind: K }>;

type RelationResolver<T> = (parent: AssetRecord, args: unknown, ctx: Context) => Promise<T>;

function reachableKinds(relation: RelationName, direction: EdgeDirection): readonly AssetKind[] {
  const rel = RELATIONS[relation];
  return direction === 'OUT' ? rel.to : rel.from;
}

function checkedKind<K extends AssetKind>(relation: RelationName, direction: EdgeDirection, kind: K): K {
  if (!reachableKinds(relation, direction).includes(kind)) {
    throw new Error(`Relation field ${relation} ${direction} cannot lead to a ${kind} asset`);
  }
  return kind;
}

/** A type guard for records of one kind. */
export function isKind<K extends AssetKind>(kind: K) {
  return (record: AssetRecord): record is RecordOf<K> => record.kind === kind;
}

/**
 * Loads a relation's neighbours and counts them against the request's result
 * budget. The deadline is checked here too, not only at the store: nested
 * relation lists are answered from the request's cache once their first
 * levels are loaded, and would otherwise run on past it.
 */
async function loadNeighbors(ctx: Context, parent: AssetRecord, relation: RelationName, direction: EdgeDirection) {
  ctx.deadline.check();
  const neighbours = await ctx.loaders.neighbors.load({ id: parent.id, relation, direction });
  ctx.budget.spend(neighbours.length);
  return neighbours;
}

/** A list field: every neighbour of `kind`, oldest relation first. */
export function many<K extends AssetKind>(
  relation: RelationName,
  direction: EdgeDirection,
  kind: K,
): RelationResolver<RecordOf<K>[]> {
  const guard = isKind(checkedKind(relation, direction, kind));
  return async (parent, _args, ctx) =>
    ctx.access.visibleOnly((await loadNeighbors(ctx, parent, relation, direction)).filter(guard));
}

/** A single-valued field: the oldest neighbour of `kind`, or null. */
export function one<K extends AssetKind>(
  relation: RelationName,
  direction: EdgeDirection,
  kind: K,
): RelationResolver<RecordOf<K> | null> {
  const list = many(relation, direction, kind);
  return async (parent, args, ctx) => (await list(parent, args, ctx))[0] ?? null;
}

/** A list field of any kind, for relations between assets of every kind (`derived_from`). */
export function anyKind(relation: RelationName, direction: EdgeDirection): RelationResolver<AssetRecord[]> {
  return async (parent, _args, ctx) => ctx.access.visibleOnly(await loadNeighbors(ctx, parent, relation, direction));
}
