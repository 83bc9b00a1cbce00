/**
 * The GraphQL layer's public surface, for the server: the executable schema,
 * the per-request context factory, the error formatter and the rule that
 * hides the subgraph SDL. Everything else in src/graphql is internal.
 */
export { buildSchema, readTypeDefs } from './schema.js';
export { createContext, type Context, type ContextDeps } from './context.js';
export {
  createErrorFormatter,
  INTERNAL_ERROR_MESSAGE,
  ResponseErrorCode,
  type ErrorFormatter,
} from './errors.js';
export { NoSubgraphSdlRule } from './subgraph-sdl.js';
