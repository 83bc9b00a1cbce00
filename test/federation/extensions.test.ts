import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { composeSupergraph, startGateway, type RunningGateway } from '../helpers/gateway.js';
import { EVALUATION_PATH } from '../helpers/extensions.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { startOwnersSubgraph, type RunningSubgraph } from '../helpers/subgraphs.js';

/**
 * A federated graph over a metalayer server started with the Evaluation
 * example (METALAYER_EXTENSIONS), over real HTTP: the supergraph is composed
 * from the SDL the running server hands out, with the owners subgraph
 * (which sees every asset through the `Asset` interface object, custom
 * kinds included) and a reviews subgraph that extends the `Evaluation`
 * entity by its key.
 */

const REVIEWS_TYPE_DEFS = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Evaluation @key(fields: "id") {
    id: ID!
    "Who signed the evaluation off."
    reviewedBy: String
  }
`);

let metalayer: RunningServer;
let owners: RunningSubgraph;
let reviews: { url: string; stop: () => Promise<void> };
let gateway: RunningGateway;

beforeAll(async () => {
  metalayer = await startServer({ METALAYER_EXTENSIONS: EVALUATION_PATH });
  owners = await startOwnersSubgraph(new Map([['evaluations/nightly', 'ml-quality']]));
  const reviewsServer = new ApolloServer({
    schema: buildSubgraphSchema([
      { typeDefs: REVIEWS_TYPE_DEFS, resolvers: { Evaluation: { reviewedBy: ({ id }: { id: string }) => (id === 'evaluations/nightly' ? 'dana' : null) } } },
    ]),
  });
  const { url } = await startStandaloneServer(reviewsServer, { listen: { host: '127.0.0.1', port: 0 } });
  reviews = { url, stop: () => reviewsServer.stop() };
  const { body } = await metalayer.post({ query: '{ _service { sdl } }' });
  gateway = await startGateway(
    composeSupergraph([
      { name: 'metalayer', url: `${metalayer.url}/graphql`, typeDefs: parse(body.data._service.sdl) },
      { name: 'owners', url: owners.url, typeDefs: owners.typeDefs },
      { name: 'reviews', url: reviews.url, typeDefs: REVIEWS_TYPE_DEFS },
    ]),
  );
});
afterAll(async () => {
  await gateway?.stop();
  await reviews?.stop();
  await owners?.stop();
  await metalayer?.server.stop();
});

describe('a gateway over a metalayer server with extensions', () => {
  test('registers an evaluation through the gateway, and joins other subgraphs’ fields onto it in a lineage', async () => {
    const registered = await gateway.post(`mutation {
      registerDataset(input: { key: "holdout", name: "holdout" }) { dataset { id } }
      registerModel(input: { key: "price", name: "price" }) { model { id } }
      registerEvaluation(input: { key: "nightly", name: "nightly", score: 0.91, split: "test", model: "models/price", datasets: ["datasets/holdout"] }) {
        evaluation { id kind owner reviewedBy }
      }
    }`);
    expect(registered.errors).toBeUndefined();
    expect(registered.data).toMatchObject({
      registerEvaluation: { evaluation: { id: 'evaluations/nightly', kind: 'EVALUATION', owner: 'ml-quality', reviewedBy: 'dana' } },
    });

    const { data, errors } = await gateway.post(`{
      node(id: "models/price") {
        ... on Model {
          evaluations { id score reviewedBy }
          downstream(kinds: [EVALUATION]) { nodes { degree asset { id owner ... on Evaluation { split datasets { id owner } } } } }
        }
      }
    }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      node: {
        evaluations: [{ id: 'evaluations/nightly', score: 0.91, reviewedBy: 'dana' }],
        downstream: {
          nodes: [
            {
              degree: 1,
              asset: { id: 'evaluations/nightly', owner: 'ml-quality', split: 'test', datasets: [{ id: 'datasets/holdout', owner: 'unassigned' }] },
            },
          ],
        },
      },
    });
  });
});
