import type { Catalogue } from '../../domain/catalogue.js';
import type { Resolvers } from '../generated/resolvers.js';
import { assetResolvers } from './assets.js';
import { changeResolvers } from './history.js';
import { lineageResolvers } from './lineage.js';
import { mutationResolvers } from './mutation.js';
import { queryResolvers } from './query.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';

/** Every resolver of the schema for `catalogue`; types without an entry use the records' own fields. */
export function createResolvers(catalogue: Catalogue): Resolvers {
  return {
    Query: queryResolvers,
    Mutation: mutationResolvers,
    JSON: JSONScalar,
    DateTime: DateTimeScalar,
    ...assetResolvers(catalogue),
    ...lineageResolvers,
    ...changeResolvers,
  };
}
