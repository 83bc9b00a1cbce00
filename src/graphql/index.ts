/**
 * The GraphQL layer's public surface, for the server: the executable schema,
 * the per-request context factory, the error formatter, the rule that
 * hides the subgraph SDL and the operation measure behind the query limits.
 * Everything else in src/graphql is internal.
 */
export { buildSchema, readTypeDefs, subgraphTypeDefs, type SchemaOptions } from './schema.js';
export { createContext, type Context, type ContextDeps } from './context.js';
export {
  createErrorFormatter,
  INTERNAL_ERROR_MESSAGE,
  ResponseErrorCode,
  type ErrorFormatter,
} from './errors.js';
export { NoSubgraphSdlRule } from './subgraph-sdl.js';
export { costModel, measureOperation, type CostModel, type OperationMeasure } from './query-cost.js';
export type { Deadline } from './deadline.js';
export { apolloBaseOptions } from './apollo.js';
