/**
 * The GraphQL layer's public surface, for the server: the executable schema,
 * the per-request context factory and the error formatter. Everything else
 * in src/graphql is internal.
 */
export { buildSchema, readTypeDefs } from './schema.js';
export { createContext, type Context, type ContextDeps } from './context.js';
export {
  createErrorFormatter,
  INTERNAL_ERROR_MESSAGE,
  ResponseErrorCode,
  type ErrorFormatter,
} from './errors.js';
