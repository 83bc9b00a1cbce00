import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * Two more subgraphs for the federation tests, written as other teams would
 * write them with @apollo/subgraph. Both know metalayer's assets only by
 * their key, `id`:
 *
 * - costs: a serving-cost service. `Model` is metalayer's entity, to which it
 *   adds `costPerMonth`; `costliestModels` pages models by cost with the
 *   `PageInfo` both subgraphs define (which is why it is `@shareable`).
 * - owners: sees metalayer's entity interface `Asset` as an
 *   `@interfaceObject` and adds `owner` to every asset, whatever its type.
 */

export const COSTS_TYPE_DEFS = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  type Model @key(fields: "id") {
    id: ID!
    "What serving the model costs per month, in US dollars; null when it is not served."
    costPerMonth: Float
  }

  type ModelCostConnection {
    nodes: [Model!]!
    pageInfo: PageInfo!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    endCursor: String
  }

  type Query {
    "Served models, most expensive first; \`after\` is a cursor from pageInfo."
    costliestModels(first: Int! = 10, after: String): ModelCostConnection!
  }
`);

export const OWNERS_TYPE_DEFS = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])

  type Asset @key(fields: "id") @interfaceObject {
    id: ID!
    "The team that owns the asset."
    owner: String!
  }

  type Query {
    "The assets a team owns, by id."
    ownedAssets(team: String!): [Asset!]!
  }
`);

interface Reference {
  id: string;
}

export interface RunningSubgraph {
  /** The subgraph's GraphQL endpoint on the loopback interface. */
  url: string;
  typeDefs: DocumentNode;
  stop(): Promise<void>;
}

/** Serves the costs subgraph; `costs` maps model ids to monthly costs. */
export function startCostsSubgraph(costs: ReadonlyMap<string, number>): Promise<RunningSubgraph> {
  const ranked = [...costs].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([id]) => id);
  const resolvers = {
    Query: {
      costliestModels: (_root: unknown, { first, after }: { first: number; after?: string | null }) => {
        const start = after ? Number(after) + 1 : 0;
        const page = ranked.slice(start, start + first);
        const endCursor = page.length > 0 ? String(start + page.length - 1) : null;
        return { nodes: page.map((id) => ({ id })), pageInfo: { hasNextPage: start + first < ranked.length, endCursor } };
      },
    },
    Model: {
      costPerMonth: ({ id }: Reference) => costs.get(id) ?? null,
    },
  };
  return serve(COSTS_TYPE_DEFS, buildSubgraphSchema([{ typeDefs: COSTS_TYPE_DEFS, resolvers }]));
}

/** Serves the owners subgraph; `owners` maps asset ids to teams, and any other asset is "unassigned". */
export function startOwnersSubgraph(owners: ReadonlyMap<string, string>): Promise<RunningSubgraph> {
  const resolvers = {
    Query: {
      ownedAssets: (_root: unknown, { team }: { team: string }) =>
        [...owners].filter(([, owner]) => owner === team).map(([id]) => ({ id })),
    },
    Asset: {
      owner: ({ id }: Reference) => owners.get(id) ?? 'unassigned',
    },
  };
  return serve(OWNERS_TYPE_DEFS, buildSubgraphSchema([{ typeDefs: OWNERS_TYPE_DEFS, resolvers }]));
}

async function serve(typeDefs: DocumentNode, schema: GraphQLSchema): Promise<RunningSubgraph> {
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { url, typeDefs, stop: () => server.stop() };
}

/** metalayer's asset types, as a subgraph that knows them only by id declares them. */
const ASSET_TYPES = ['Project', 'Dataset', 'Featureset', 'Model', 'Run', 'ModelParams', 'DevPerf', 'Deployment', 'ServingPerf'];

/**
 * A third subgraph, the one a supergraph designates to own Relay's
 * `Query.node`: it implements `Node` for its own type (`Team`) and for
 * every metalayer asset type, as entities known by id, so the gateway
 * answers `node(id: "models/…")` from it and fetches the rest of the model
 * from metalayer through `_entities`. It composes with metalayer only when
 * metalayer leaves `node` out (METALAYER_RELAY_NODE=false).
 */
export const NODES_TYPE_DEFS = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  interface Node {
    id: ID!
  }

  type Team implements Node @key(fields: "id") {
    id: ID!
    name: String!
  }

  ${ASSET_TYPES.map((type) => `type ${type} implements Node @key(fields: "id") { id: ID! }`).join('\n  ')}

  type Query {
    "Any node of the supergraph by id: a team, or one of metalayer's assets."
    node(id: ID!): Node
  }
`);

/**
 * A subgraph with a Relay `node` of its own types only, marked `@shareable`:
 * what a team adds when it wants `node` beside metalayer's, and which no
 * supergraph can compose (see composition.test.ts).
 */
export const TEAMS_TYPE_DEFS = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  interface Node {
    id: ID!
  }

  type Team implements Node @key(fields: "id") {
    id: ID!
    name: String!
  }

  type Query {
    node(id: ID!): Node @shareable
  }
`);
