import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { DocumentNode, GraphQLFormattedError } from 'graphql';

export interface Subgraph {
  name: string;
  /** Where the gateway reaches it; loopback only in tests. */
  url: string;
  typeDefs: DocumentNode;
}

/** Composes subgraphs into a supergraph SDL with @apollo/composition; throws listing every composition error. */
export function composeSupergraph(subgraphs: readonly Subgraph[]): string {
  const result = composeServices([...subgraphs]);
  if (result.errors) {
    throw new Error(`Composition failed:\n  ${result.errors.map((error) => error.message).join('\n  ')}`);
  }
  return result.supergraphSdl;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

export interface RunningGateway {
  url: string;
  post<T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/**
 * Runs @apollo/gateway on a free loopback port over a static supergraph:
 * no polling, no schema registry, and no traffic but to the subgraph URLs
 * the supergraph names.
 */
export async function startGateway(supergraphSdl: string): Promise<RunningGateway> {
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return {
    url,
    async post<T>(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body: Omit<GraphQLResponse<T>, 'status'> = JSON.parse(await response.text());
      return { status: response.status, ...body };
    },
    stop: () => server.stop(),
  };
}
