import { InMemoryCache, type FieldPolicy, type Reference } from '@apollo/client';
import { possibleTypes } from '../../src/graphql/generated/possible-types.js';

/**
 * Apollo Client's cache, set up for metalayer:
 *
 * - `possibleTypes` (generated from schema.graphql) tells the cache which
 *   object types stand for Node and Asset, so fragments such as
 *   `... on Model` inside `node { ... }` match without fetching the schema.
 * - Every asset is stored once under `Type:id` (the default identity: every
 *   selection of an asset carries `id`, and the client adds `__typename`),
 *   whichever query or mutation brought it.
 * - `node(id:)` reads an asset the cache already holds, whatever query
 *   brought it there: a detail panel opened from a lineage graph is answered
 *   without a request.
 */
export function createMetalayerCache(): InMemoryCache {
  return new InMemoryCache({
    possibleTypes,
    typePolicies: { Query: { fields: { node: nodeById } } },
  });
}

/**
 * `Query.node(id:)`: what the cache stored for this very field, else the
 * asset with that id stored by any query. An asset's id alone does not name
 * its type in the cache, so each type that may be a Node is tried.
 */
const nodeById: FieldPolicy<Reference> = {
  read(existing, { args, toReference, canRead }) {
    if (existing) return existing;
    const id: unknown = args?.['id'];
    if (typeof id !== 'string') return undefined;
    return possibleTypes.Node.map((__typename) => toReference({ __typename, id })).find((ref) => ref && canRead(ref));
  },
};
