import { isInterfaceType, isObjectType, isScalarType, isUnionType, type GraphQLSchema } from 'graphql';

/** A resolver map as the schema builders take it: type name → field name → resolver. */
export type ResolverMap = Readonly<Record<string, object | undefined>>;

/** The `__` entries each kind of type may carry, as @apollo/subgraph reads them. */
const OBJECT_HOOKS: ReadonlySet<string> = new Set(['__resolveReference', '__isTypeOf']);
const INTERFACE_HOOKS: ReadonlySet<string> = new Set(['__resolveReference', '__resolveType']);
const UNION_HOOKS: ReadonlySet<string> = new Set(['__resolveType']);

/**
 * Throws when a resolver names a type, field or hook the schema lacks.
 *
 * `buildSubgraphSchema` attaches resolvers without checking them: an entry
 * for a type or field that does not exist (a rename in schema.graphql, a
 * typo) is silently dropped, and the field it meant to resolve falls back to
 * the default resolver. This is the check `makeExecutableSchema`'s
 * `requireResolversToMatchSchema: 'error'` made, kept at start-up, and
 * stricter: a misspelt `__resolveReference` fails, and so does a resolver on
 * an interface field, which buildSubgraphSchema drops too. Every problem is
 * listed in one error.
 */
export function assertResolversMatchSchema(schema: GraphQLSchema, resolvers: ResolverMap): void {
  const problems = Object.entries(resolvers).flatMap(([typeName, entry]) =>
    entry === undefined ? [] : entryProblems(schema, typeName, entry),
  );
  if (problems.length > 0) {
    throw new Error(`The resolvers do not match schema.graphql:\n  ${problems.join('\n  ')}`);
  }
}

function entryProblems(schema: GraphQLSchema, typeName: string, entry: object): string[] {
  const type = schema.getType(typeName);
  if (!type) return [`${typeName} has resolvers but is not a type of the schema`];
  if (isScalarType(type)) return [];
  if (isObjectType(type)) {
    const fields = type.getFields();
    return Object.keys(entry)
      .filter((name) => (name.startsWith('__') ? !OBJECT_HOOKS.has(name) : !Object.hasOwn(fields, name)))
      .map((name) => `${typeName}.${name} has a resolver but is not a field or hook of ${typeName}`);
  }
  if (isInterfaceType(type)) {
    // Execution calls the object types' field resolvers; one on an interface field would never run.
    return Object.keys(entry)
      .filter((name) => !INTERFACE_HOOKS.has(name))
      .map((name) => `${typeName}.${name} has a resolver but an interface takes only __resolveType and __resolveReference`);
  }
  if (isUnionType(type)) {
    return Object.keys(entry)
      .filter((name) => !UNION_HOOKS.has(name))
      .map((name) => `${typeName}.${name} has a resolver but a union takes only __resolveType`);
  }
  return [`${typeName} has resolvers but is an enum or input type, which take none here`];
}
