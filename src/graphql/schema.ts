import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { checkForResolveTypeResolver } from '@graphql-tools/schema';
import { Kind, parse, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { NO_EXTENSION, type Catalogue, type ExtensionSpec } from '../domain/catalogue.js';
import { extendTypeDefs } from './extended-schema.js';
import type { Resolvers } from './generated/resolvers.js';
import { assertResolversMatchSchema, type ResolverMap } from './resolver-check.js';
import { catalogueResolvers } from './resolvers/custom.js';
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

export interface SchemaOptions {
  /**
   * Whether the subgraph defines Relay's root fields `Query.node` and
   * `Query.nodes`. A supergraph can compose only one subgraph's `node`
   * (not even `@shareable` lets two subgraphs with different sets of node
   * types share it), so metalayer leaves them out when another subgraph owns
   * them; that subgraph declares metalayer's asset types as entities and the
   * gateway fetches them here through `_entities`.
   */
  relayNode: boolean;
}

export const DEFAULT_SCHEMA_OPTIONS: SchemaOptions = { relayNode: true };

const RELAY_ROOT_FIELDS: ReadonlySet<string> = new Set(['node', 'nodes']);

/**
 * schema.graphql as this server serves it: without `node` and `nodes` unless
 * `relayNode`, and with what the catalogue's extensions add (extended-schema.ts).
 */
export function subgraphTypeDefs(options: SchemaOptions = DEFAULT_SCHEMA_OPTIONS, extension: ExtensionSpec = NO_EXTENSION): DocumentNode {
  const document = extendTypeDefs(parse(readTypeDefs()), extension);
  if (options.relayNode) return document;
  return visit(document, {
    ObjectTypeDefinition: (node) =>
      node.name.value === 'Query'
        ? { ...node, fields: node.fields?.filter((field) => !RELAY_ROOT_FIELDS.has(field.name.value)) }
        : undefined,
  });
}

/**
 * The resolvers of the Asset interface's fields on a built-in asset type:
 * every asset type resolves them alike, so a custom kind's type takes them.
 */
function assetFieldResolvers(resolvers: Resolvers, document: DocumentNode): Record<string, unknown> {
  const asset = document.definitions.find((d) => d.kind === Kind.INTERFACE_TYPE_DEFINITION && d.name.value === 'Asset');
  const names = new Set(asset && 'fields' in asset ? (asset.fields ?? []).map((field) => field.name.value) : []);
  return Object.fromEntries(Object.entries(resolvers.Project ?? {}).filter(([name]) => names.has(name)));
}

/** Two resolver maps as one; an entry of `more` replaces the same entry of `base`. */
function merged(base: Resolvers, more: ResolverMap): Resolvers {
  const known: ResolverMap = base;
  const result: Resolvers = { ...base };
  for (const [typeName, entry] of Object.entries(more)) Object.assign(result, { [typeName]: { ...known[typeName], ...entry } });
  return result;
}

function subgraphResolvers(resolvers: Resolvers, options: SchemaOptions): Resolvers {
  if (options.relayNode) return resolvers;
  const { node: _node, nodes: _nodes, ...query } = resolvers.Query ?? {};
  return { ...resolvers, Query: query };
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
export function buildSchema(catalogue: Catalogue, options: SchemaOptions = DEFAULT_SCHEMA_OPTIONS): GraphQLSchema {
  const typeDefs = subgraphTypeDefs(options, catalogue.extension);
  const typed = subgraphResolvers(createResolvers(catalogue), options);
  const custom = catalogueResolvers(catalogue, assetFieldResolvers(typed, typeDefs), {
    node: typed.Node?.__resolveType,
    asset: typed.Asset?.__resolveType,
  });
  const schemaResolvers = merged(typed, custom);
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: schemaResolvers }]);
  assertResolversMatchSchema(schema, schemaResolvers);
  validateEntityRepresentations(schema);
  checkForResolveTypeResolver(schema, 'error');
  return schema;
}

