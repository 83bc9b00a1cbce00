import { isInterfaceType, isUnionType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { loadAsset } from '../../app/reads.js';
import { badInput } from '../../domain/errors.js';
import { isKind, type AssetKind, type AssetRecord, type RecordOf } from '../../domain/kinds.js';
import type { Context } from '../context.js';

/**
 * Federation entity references: a gateway sends `_entities(representations:
 * [{ __typename: "Model", id: "models/…" }, …])` and @apollo/subgraph calls
 * the `__resolveReference` of each representation's type, all in the same
 * tick. Every one goes through the request's by-id loader, so one
 * `_entities` request costs one `getAssets` call, whatever the number and
 * types of its representations (and none for assets the request has loaded
 * already).
 *
 * A reference resolves to null, as `node` does, when its id names no asset,
 * is malformed, or names an asset of another type than `__typename`: an
 * entity of the wrong type would be answered with the wrong fields. It is
 * null too, without an error, when the viewer may not see the asset: a
 * gateway joins entities into other subgraphs' answers, where an error
 * would name the asset to whoever asked.
 */

interface Reference {
  id: string;
}

/** `__resolveReference` of one asset type: the asset, when it is of `kind`. */
export function entityOfKind<K extends AssetKind>(kind: K) {
  const guard = isKind(kind);
  return async ({ id }: Reference, ctx: Context): Promise<RecordOf<K> | null> => {
    const asset = await loadAsset(ctx, id);
    return ctx.access.visibleOrNull(asset && guard(asset) ? asset : null);
  };
}

/** `__resolveReference` of the Asset interface: any asset; `__resolveType` then names its type. */
export function anyEntity({ id }: Reference, ctx: Context): Promise<AssetRecord | null> | null {
  const asset = loadAsset(ctx, id);
  return asset && asset.then((record) => ctx.access.visibleOrNull(record));
}

/**
 * Checks `_entities` representations before @apollo/subgraph reads them:
 * each must be an object with a `__typename` naming an entity type (a member
 * of `_Entity`, or the keyed `Asset` interface) and a string `id`, or the
 * request is BAD_USER_INPUT naming the representation's index
 * (`representations.2`). @apollo/subgraph itself answers such input with an
 * internal error. Wraps the `_entities` resolver of `schema` in place.
 */
export function validateEntityRepresentations(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()['_entities'];
  const union = schema.getType('_Entity');
  if (!field || !isUnionType(union)) return;
  const asset = schema.getType('Asset');
  const known = new Set([...union.getTypes().map((type) => type.name), ...(isInterfaceType(asset) ? [asset.name] : [])]);
  const resolve: GraphQLFieldResolver<unknown, unknown> | undefined = field.resolve;
  if (!resolve) return;
  field.resolve = (source, args: Record<string, unknown>, context, info) => {
    const representations = args['representations'];
    if (Array.isArray(representations)) representations.forEach((item: unknown, i) => checkRepresentation(item, i, known));
    return resolve(source, args, context, info);
  };
}

function checkRepresentation(item: unknown, index: number, known: ReadonlySet<string>): void {
  const field = ['representations', index];
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw badInput(field, 'expected an object with __typename and id');
  }
  const { __typename: typename, id } = item as Record<string, unknown>;
  if (typeof typename !== 'string' || !known.has(typename)) {
    throw badInput(field, `expected __typename to name an entity type (${[...known].sort().join(', ')}), received ${JSON.stringify(typename ?? null)}`);
  }
  if (typeof id !== 'string') {
    throw badInput(field, `expected a string id, received ${JSON.stringify(id ?? null)}`);
  }
}
