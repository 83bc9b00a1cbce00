import type { ApolloServerOptionsWithSchema, ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import type { Catalogue } from '../domain/catalogue.js';
import type { Context } from './context.js';
import { createErrorFormatter, ResponseErrorCode, type ErrorFormatter } from './errors.js';
import { buildSchema, DEFAULT_SCHEMA_OPTIONS, type SchemaOptions } from './schema.js';

/**
 * The Apollo Server options every host of the schema shares, so the HTTP
 * server, the in-process tests and the benchmarks execute operations the
 * same way:
 *
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
  schemaOptions: SchemaOptions = DEFAULT_SCHEMA_OPTIONS,
): Pick<ApolloServerOptionsWithSchema<Context>, 'schema' | 'includeStacktraceInErrorResponses'> & {
  formatError: ErrorFormatter;
  plugins: ApolloServerPlugin<Context>[];
} {
  return {
    schema: buildSchema(catalogue, schemaOptions),
    formatError: createErrorFormatter(log),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), subscriptionsElsewhere()],
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
