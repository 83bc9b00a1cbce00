import { ApolloClient, HttpLink } from '@apollo/client';
import { createMetalayerCache } from './cache.js';

/**
 * An Apollo Client for metalayer at `uri` (`http://127.0.0.1:4000/graphql`).
 * Operations are sent as JSON POSTs, which pass Apollo Server's CSRF
 * prevention; queries are answered from the cache first (see cache.ts).
 * `fetchFn` is the fetch to send them with: one that adds credentials, or
 * records what is sent.
 */
export function createMetalayerClient(uri: string, fetchFn: typeof fetch = fetch): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri, fetch: fetchFn }),
    cache: createMetalayerCache(),
  });
}
