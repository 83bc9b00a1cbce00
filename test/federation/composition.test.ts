import { composeServices } from '@apollo/composition';
import { assertInterfaceType, assertObjectType, parse, print, visit, type GraphQLSchema } from 'graphql';
import { describe, expect, test } from 'vitest';
import { readTypeDefs, subgraphTypeDefs } from '../../src/graphql/schema.js';
import { COSTS_TYPE_DEFS, NODES_TYPE_DEFS, OWNERS_TYPE_DEFS, TEAMS_TYPE_DEFS } from '../helpers/subgraphs.js';

/**
 * schema.graphql composed with the costs and owners subgraphs by
 * @apollo/composition, as a gateway's supergraph is built (`rover supergraph
 * compose` runs the same library). No server runs here.
 */

const METALAYER = { name: 'metalayer', url: 'http://127.0.0.1:4001/graphql', typeDefs: parse(readTypeDefs()) };
const COSTS = { name: 'costs', url: 'http://127.0.0.1:4002/graphql', typeDefs: COSTS_TYPE_DEFS };
const OWNERS = { name: 'owners', url: 'http://127.0.0.1:4003/graphql', typeDefs: OWNERS_TYPE_DEFS };
const NODES = { name: 'nodes', url: 'http://127.0.0.1:4004/graphql', typeDefs: NODES_TYPE_DEFS };
const TEAMS = { name: 'teams', url: 'http://127.0.0.1:4005/graphql', typeDefs: TEAMS_TYPE_DEFS };

function fieldsOf(schema: GraphQLSchema, type: string): string[] {
  return Object.keys(assertObjectType(schema.getType(type)).getFields()).sort();
}

describe('composition', () => {
  const result = composeServices([METALAYER, COSTS, OWNERS]);

  test('composes without errors or hints', () => {
    expect(result.errors).toBeUndefined();
    expect(result.hints?.map((hint) => `${hint.definition.code}: ${hint.message}`)).toEqual([]);
  });

  test("the supergraph's API joins the subgraphs' fields on metalayer's entities", () => {
    if (!result.schema) throw new Error('composition failed');
    const api = result.schema.toAPISchema().toGraphQLJSSchema();

    expect(fieldsOf(api, 'Query')).toEqual(['assets', 'changes', 'costliestModels', 'duplicates', 'leaderboard', 'node', 'nodes', 'ownedAssets', 'reuse']);
    expect(fieldsOf(api, 'Model')).toEqual(expect.arrayContaining(['id', 'name', 'upstream', 'producedBy', 'costPerMonth', 'owner']));
    // The owners subgraph's field reaches every asset type through the Asset interface, and only the costs one Model.
    expect(fieldsOf(api, 'Dataset')).toContain('owner');
    expect(fieldsOf(api, 'Dataset')).not.toContain('costPerMonth');
    expect(fieldsOf(api, 'PageInfo')).toEqual(['endCursor', 'hasNextPage']);
    expect(api.getMutationType()?.getFields()['logRun']).toBeDefined();
  });

  test('the supergraph plans costPerMonth from the costs subgraph and the rest of Model from metalayer', () => {
    const sdl = result.supergraphSdl ?? '';
    expect(sdl).toContain('costPerMonth: Float @join__field(graph: COSTS)');
    expect(sdl).toMatch(/type Model implements Node & Asset\s+@join__implements\(graph: METALAYER, interface: "Node"\)/);
    expect(sdl).toContain('@join__type(graph: METALAYER, key: "id")');
  });

  test('PageInfo must be @shareable: without it, a second subgraph paging with it does not compose', () => {
    const unshared = visit(METALAYER.typeDefs, {
      Directive: (node) => (node.name.value === 'shareable' ? null : undefined),
    });
    expect(print(unshared)).toContain('type PageInfo {');
    const failed = composeServices([{ ...METALAYER, typeDefs: unshared }, COSTS]);
    expect(failed.errors?.map((error) => error.extensions['code'])).toEqual(['INVALID_FIELD_SHARING', 'INVALID_FIELD_SHARING']);
  });
});

describe('Relay node owned by another subgraph', () => {
  const withoutNode = { ...METALAYER, typeDefs: subgraphTypeDefs({ relayNode: false }) };

  test('with METALAYER_RELAY_NODE=false, the designated subgraph owns node and metalayer still serves its assets', () => {
    const result = composeServices([withoutNode, COSTS, OWNERS, NODES]);
    expect(result.errors).toBeUndefined();
    expect(result.hints).toEqual([]);
    if (!result.schema) throw new Error('composition failed');
    const api = result.schema.toAPISchema().toGraphQLJSSchema();
    expect(fieldsOf(api, 'Query')).toEqual(['assets', 'changes', 'costliestModels', 'duplicates', 'leaderboard', 'node', 'ownedAssets', 'reuse']);
    expect(result.supergraphSdl).toContain('node(id: ID!): Node @join__field(graph: NODES)');
    // node reaches the other subgraph's types and metalayer's alike; a Model's fields come from metalayer.
    const nodeTypes = api.getPossibleTypes(assertInterfaceType(api.getType('Node'))).map((type) => type.name);
    expect(nodeTypes).toEqual(expect.arrayContaining(['Team', 'Model', 'Dataset', 'ServingPerf']));
    expect(fieldsOf(api, 'Model')).toEqual(expect.arrayContaining(['upstream', 'producedBy', 'costPerMonth', 'owner']));
  });

  test('without it, node is defined twice and does not compose', () => {
    const result = composeServices([METALAYER, NODES]);
    expect(result.errors?.map((error) => [error.extensions['code'], error.message])).toEqual([
      [
        'INVALID_FIELD_SHARING',
        'Non-shareable field "Query.node" is resolved from multiple subgraphs: it is resolved from subgraphs "metalayer" and "nodes" and defined as non-shareable in all of them',
      ],
    ]);
  });

  test('@shareable does not help: two subgraphs whose nodes are of different types cannot share node', () => {
    // Sharing a field means either subgraph may answer it, so both must know
    // at least some of the same runtime types; metalayer's nine and a team
    // subgraph's own have none in common.
    const shared = parse(readTypeDefs().replace('node(id: ID!, asOf: DateTime): Node', 'node(id: ID!, asOf: DateTime): Node @shareable'));
    const result = composeServices([{ ...METALAYER, typeDefs: shared }, TEAMS]);
    expect(result.errors?.map((error) => error.extensions['code'])).toEqual(['SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES']);
    expect(result.errors?.[0]?.message).toContain('Shared field "Query.node" return type "Node" has a non-intersecting set of possible runtime types across subgraphs');
  });
});
