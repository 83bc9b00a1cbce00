import { commitAsset } from '../../app/commit.js';
import type { Catalogue } from '../../domain/catalogue.js';
import { planRegisterCustom, type RegisterCustomInput } from '../../domain/custom.js';
import type { GraphQLResolveInfo } from 'graphql';
import { isBuiltinKind, type AssetRecord, type CustomRecord } from '../../domain/kinds.js';
import type { Context } from '../context.js';
import { lowerCamel } from '../kind-names.js';
import { typeNamer } from './assets.js';
import { entityOfKind } from './entities.js';
import { underInput } from './mutation.js';
import { relationFields } from './relations.js';

/**
 * The resolvers the catalogue decides: which type an asset of a custom kind
 * is (for Node and Asset, after the typed resolvers, which name the
 * built-in ones), and for every custom kind its type's fields and its
 * `register<Type>` mutation; the relation fields extensions add to
 * built-in types. Untyped, as the types they resolve exist only once the
 * extension is read. `assetFields` are the resolvers of the Asset
 * interface's fields on a built-in asset type, which every custom type
 * shares, so every field the interface has resolves alike on every kind.
 */
export function catalogueResolvers(
  catalogue: Catalogue,
  assetFields: Readonly<Record<string, unknown>>,
  typed: { node?: TypeResolver | undefined; asset?: TypeResolver | undefined },
): Record<string, Record<string, unknown>> {
  const typeNameOf = typeNamer(catalogue);
  const { many, one } = relationFields(catalogue);
  const map: Record<string, Record<string, unknown>> = {
    Node: { __resolveType: orCustom(typed.node, typeNameOf) },
    Asset: { __resolveType: orCustom(typed.asset, typeNameOf) },
  };
  const typeEntry = (typeName: string) => (map[typeName] ??= {});
  for (const spec of catalogue.kinds) {
    const typeName = spec.custom?.typeName;
    if (!typeName || isBuiltinKind(spec.kind)) continue;
    const kind = spec.kind;
    const entry = typeEntry(typeName);
    Object.assign(entry, assetFields, { __resolveReference: entityOfKind(kind) });
    for (const field of spec.custom?.fields ?? []) entry[field.name] = (asset: CustomRecord) => asset.fields[field.name] ?? null;
    const payloadField = lowerCamel(typeName);
    typeEntry('Mutation')[`register${typeName}`] = (_root: unknown, { input }: { input: RegisterCustomInput }, ctx: Context, info: { fieldName: string }) =>
      underInput(async () => ({ [payloadField]: await commitAsset(ctx, info.fieldName, planRegisterCustom(kind, input, ctx), kind) }));
  }
  for (const field of catalogue.extension.relationFields) {
    typeEntry(field.typeName)[field.field] = field.list
      ? many(field.relation, field.direction, field.target)
      : one(field.relation, field.direction, field.target);
  }
  return map;
}

/** A `__resolveType` of the typed resolvers, as the generated types let it be called. */
type TypeResolver = (value: AssetRecord, context: Context, info: GraphQLResolveInfo) => unknown;

/**
 * The typed resolvers' answer (built-in types, and whatever else a Node may
 * be), or, where they name none, the custom kind's type.
 */
function orCustom(typed: TypeResolver | undefined, custom: (asset: AssetRecord) => string): TypeResolver {
  return (value, context, info) => {
    const named = typed?.(value, context, info);
    if (named instanceof Promise) return named.then((name: unknown) => name ?? custom(value));
    return named ?? custom(value);
  };
}
