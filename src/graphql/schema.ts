import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers/index.js';

/**
 * schema.graphql sits at the package root, two levels above this module
 * both in src/graphql and, once built, in dist/graphql; the package ships it
 * (package.json `files`).
 */
const SCHEMA_URL = new URL('../../schema.graphql', import.meta.url);

export function readTypeDefs(): string {
  return readFileSync(SCHEMA_URL, 'utf8');
}

/**
 * The executable schema: schema.graphql with metalayer's resolvers. Fails at
 * start-up when a resolver names a type or field the schema lacks, or an
 * interface has no `__resolveType`.
 */
export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: readTypeDefs(),
    resolvers,
    resolverValidationOptions: {
      requireResolversToMatchSchema: 'error',
      requireResolversForResolveType: 'error',
    },
  });
}
