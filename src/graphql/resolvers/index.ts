import type { Resolvers } from '../generated/resolvers.js';
import { assetResolvers } from './assets.js';
import { lineageResolvers } from './lineage.js';
import { mutationResolvers } from './mutation.js';
import { queryResolvers } from './query.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';

/** Every resolver of the schema; types without an entry use the records' own fields. */
export const resolvers: Resolvers = {
  Query: queryResolvers,
  Mutation: mutationResolvers,
  JSON: JSONScalar,
  DateTime: DateTimeScalar,
  ...assetResolvers,
  ...lineageResolvers,
};
