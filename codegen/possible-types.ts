import { isAbstractType, type GraphQLSchema } from 'graphql';

/**
 * A GraphQL Code Generator plugin: the `possibleTypes` map Apollo Client's
 * InMemoryCache needs to match fragments on interfaces and unions (`... on
 * Model` inside `node { ... }`) without fetching the schema at run time.
 * Every abstract type of schema.graphql maps to the object types that may
 * stand for it, both sorted, so the output only changes when the schema does.
 *
 * Written here rather than installed: `@graphql-codegen/fragment-matcher` is
 * not among the project's packages, and the map is twenty lines of graphql-js.
 * codegen.yml loads this file through tsx (its `require: tsx/cjs`).
 */
export function plugin(schema: GraphQLSchema): string {
  const entries = Object.values(schema.getTypeMap())
    .filter(isAbstractType)
    .filter((type) => !type.name.startsWith('__'))
    .map((type) => [type.name, schema.getPossibleTypes(type).map((object) => object.name).sort()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = entries.map(([name, objects]) => `  ${name}: [${objects.map((object) => `'${object}'`).join(', ')}],`);
  return [
    '/** The object types that may stand for each interface and union, for InMemoryCache `possibleTypes`. */',
    'export const possibleTypes = {',
    ...lines,
    '} satisfies Record<string, string[]>;',
    '',
  ].join('\n');
}
