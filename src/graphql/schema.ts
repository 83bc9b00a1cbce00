import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { checkForResolveTypeResolver } from '@graphql-tools/schema';
import { parse, type GraphQLSchema } from 'graphql';
import type { Catalogue } from '../domain/catalogue.js';
import { assertResolversMatchSchema } from './resolver-check.js';
import { validateEntityRepresentations } from './resolvers/entities.js';
import { createResolvers } from './resolvers/index.js';

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
 * The executable schema: schema.graphql, a Federation 2 subgraph, with
 * metalayer's resolvers for the server's catalogue. @apollo/subgraph adds what a gateway needs
 * (`_service { sdl }`, `_entities` and the `_Entity` union) and wires each
 * entity's `__resolveReference`.
 *
 * Fails at start-up when a resolver names a type, field or hook the schema
 * lacks, or an interface or union has no `__resolveType`: buildSubgraphSchema
 * checks neither, so both checks are made here.
 */
export function buildSchema(catalogue: Catalogue): GraphQLSchema {
  const resolvers = createResolvers(catalogue);
  const schema = buildSubgraphSchema([{ typeDefs: parse(readTypeDefs()), resolvers }]);
  assertResolversMatchSchema(schema, resolvers);
  validateEntityRepresentations(schema);
  checkForResolveTypeResolver(schema, 'error');
  return schema;
}
