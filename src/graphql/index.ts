/**
 * The GraphQL adapter's public surface, for the server and the benchmarks:
 * the executable schema and the options every Apollo Server host shares,
 * the error codes and formatter, the rule that hides the subgraph SDL, and
 * the operation measure behind the query limits. Everything else in
 * src/graphql is internal (a test fails when src/server imports past this
 * file). A request's context is the application core's session
 * (src/app/session.ts).
 */
export { buildSchema, readTypeDefs, subgraphTypeDefs, type SchemaOptions } from './schema.js';
export type { Context } from './context.js';
export {
  createErrorFormatter,
  INTERNAL_ERROR_MESSAGE,
  ResponseErrorCode,
  type ErrorFormatter,
} from './errors.js';
export { NoSubgraphSdlRule } from './subgraph-sdl.js';
export { costModel, measureOperation, type CostModel, type OperationMeasure } from './query-cost.js';
export { apolloBaseOptions, servedSchema, type ApolloBaseOptions, type ExecutionOptions } from './apollo.js';
export { DEFAULT_EXECUTOR, EXECUTOR_NAMES, type ExecutorName } from './executor.js';
export { ExtensionError, loadExtensions, parseExtensions, type ExtensionSource } from './extensions.js';
