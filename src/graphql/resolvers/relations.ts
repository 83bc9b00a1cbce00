import { relatedAssets } from '../../app/reads.js';
import type { Context } from '../context.js';
import { isKind, type AssetKind, type AssetRecord, type RecordOf } from '../../domain/kinds.js';
import type { Catalogue } from '../../domain/catalogue.js';
import type { EdgeDirection, RelationName } from '../../domain/relations.js';

/**
 * Relation fields, one line each: a field is the one-hop neighbours of its
 * parent along one relation of the catalogue, in one direction, read through
 * the relation use case, so every relation field at one level of a query
 * shares one store call.
 *
 * Each field states the kind it returns, and the catalogue checks it when
 * the resolvers are built: a field whose relation never leads to that kind
 * is a programming error and fails at start-up. Neighbours of another kind
 * can exist only in a database written by other tools (an arangopipe
 * database edited by hand); they are left out rather than shown as the wrong
 * type.
 *
 * Neighbours the viewer may not see (another project's, for a viewer scoped
 * to projects) are left out too; a single-valued field is then the oldest
 * neighbour the viewer sees.
 */

type RelationResolver<T> = (parent: AssetRecord, args: unknown, ctx: Context) => Promise<T>;

/** The relation fields' builders, each checked against `catalogue`. */
export function relationFields(catalogue: Catalogue) {
  const checkedKind = <K extends AssetKind>(relation: RelationName, direction: EdgeDirection, kind: K): K => {
    const rel = catalogue.relation(relation);
    if (!(direction === 'OUT' ? rel.to : rel.from).includes(kind)) {
      throw new Error(`Relation field ${relation} ${direction} cannot lead to a ${kind} asset`);
    }
    return kind;
  };

  /** A list field: every neighbour of `kind`, oldest relation first. */
  const many = <K extends AssetKind>(relation: RelationName, direction: EdgeDirection, kind: K): RelationResolver<RecordOf<K>[]> => {
    const guard = isKind(checkedKind(relation, direction, kind));
    return async (parent, _args, ctx) => (await relatedAssets(ctx, parent, relation, direction)).filter(guard);
  };

  /** A single-valued field: the oldest neighbour of `kind`, or null. */
  const one = <K extends AssetKind>(relation: RelationName, direction: EdgeDirection, kind: K): RelationResolver<RecordOf<K> | null> => {
    const list = many(relation, direction, kind);
    return async (parent, args, ctx) => (await list(parent, args, ctx))[0] ?? null;
  };

  /** A list field of any kind, for relations between assets of every kind (`derived_from`). */
  const anyKind = (relation: RelationName, direction: EdgeDirection): RelationResolver<AssetRecord[]> => {
    catalogue.relation(relation);
    return (parent, _args, ctx) => relatedAssets(ctx, parent, relation, direction);
  };

  return { many, one, anyKind };
}
