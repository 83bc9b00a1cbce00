import type { ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Catalogue } from '../domain/catalogue.js';
import type { Context } from './context.js';
import { createErrorFormatter, ResponseErrorCode, type ErrorFormatter } from './errors.js';
import { compiledExecutorGateway, DEFAULT_EXECUTOR, type CompiledExecutorOptions, type ExecutorGateway, type ExecutorName } from './executor.js';
import { buildSchema, DEFAULT_SCHEMA_OPTIONS, type SchemaOptions } from './schema.js';

/** How a host executes operations: which executor, and what the compiled one reports (executor.ts). */
export interface ExecutionOptions extends Pick<CompiledExecutorOptions, 'onExecuted' | 'onFallback' | 'cacheSize'> {
  executor?: ExecutorName;
}

interface SharedOptions {
  formatError: ErrorFormatter;
  includeStacktraceInErrorResponses: false;
  plugins: ApolloServerPlugin<Context>[];
}

/**
 * Options for `new ApolloServer`: the schema itself when graphql-js
 * executes, or a gateway that serves the schema and executes with
 * graphql-jit. `servedSchema` answers the schema either way.
 */
export type ApolloBaseOptions = SharedOptions &
  ({ schema: GraphQLSchema; gateway?: undefined } | { gateway: ExecutorGateway; schema?: undefined });

/**
 * The Apollo Server options every host of the schema shares, so the HTTP
 * server, the in-process tests and the benchmarks execute operations the
 * same way:
 *
 * - the executor (`executor`, `jit` by default): graphql-jit plugged in
 *   through Apollo Server's gateway interface, or graphql-js;
 * - the one error formatter, with internal errors handed to `log`;
 * - no stack traces in responses;
 * - inline traces (`ftv1`) off: they serve usage reporting through a
 *   gateway, which metalayer does not do, and would tell any client how long
 *   each resolver took;
 * - cache-control hints off: the schema declares none, and the plugin wraps
 *   every field resolver to compute them, the largest single cost of a large
 *   lineage (measured: 66 → 39 ms for 918 assets). Responses are not
 *   cacheable; the HTTP server says so itself (`cache-control: no-store`);
 * - a subscription is refused as BAD_REQUEST: they run over WebSocket
 *   (src/server/subscriptions.ts), and Apollo Server would otherwise
 *   execute one as a query and fail inside it.
 */
export function apolloBaseOptions(
  catalogue: Catalogue,
  log: (error: unknown) => void,
  options: Partial<SchemaOptions> & ExecutionOptions = {},
): ApolloBaseOptions {
  const { executor = DEFAULT_EXECUTOR, onExecuted, onFallback, cacheSize, ...schemaOptions } = options;
  const schema = buildSchema(catalogue, { ...DEFAULT_SCHEMA_OPTIONS, ...schemaOptions });
  const shared: SharedOptions = {
    formatError: createErrorFormatter(log),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), subscriptionsElsewhere()],
  };
  if (executor === 'graphql-js') return { ...shared, schema, plugins: [...shared.plugins, ...(onExecuted ? [reportGraphqlJs(onExecuted)] : [])] };
  const reports = { ...(onExecuted ? { onExecuted } : {}), ...(onFallback ? { onFallback } : {}), ...(cacheSize ? { cacheSize } : {}) };
  return { ...shared, gateway: compiledExecutorGateway(schema, reports) };
}

/** The schema a host serves, whichever executor runs it: subscriptions execute it themselves. */
export function servedSchema(options: ApolloBaseOptions): GraphQLSchema {
  return options.gateway ? options.gateway.schema : options.schema;
}

/** Reports each operation graphql-js executes, as the compiled executor reports its own. */
function reportGraphqlJs(onExecuted: NonNullable<ExecutionOptions['onExecuted']>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ contextValue }) {
          onExecuted(contextValue, 'graphql-js');
        },
      };
    },
  };
}

function subscriptionsElsewhere(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError(
            'Subscriptions run over WebSocket (the graphql-ws protocol) at the same path; a request over HTTP cannot carry one',
            { extensions: { code: ResponseErrorCode.BAD_REQUEST, http: { status: 400 } } },
          );
        },
      };
    },
  };
}
