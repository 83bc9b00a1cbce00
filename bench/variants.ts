import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { apolloBaseOptions, createContext, type Context } from '../src/graphql/index.js';
import type { Store } from '../src/store/store.js';
import { buildNaiveSchema, type NaiveContext } from './naive/schema.js';
import type { ReadWorkload, VariantName } from './workloads.js';

/**
 * The three ways of answering a read workload, all in-process:
 *
 * - metalayer: the shipped schema and resolvers through Apollo Server's
 *   executeOperation, one context (and so one set of loaders) per request,
 *   as test/helpers/graphql.ts and the HTTP server run them;
 * - naive: the same schema with resolvers that call the store once per
 *   parent and field (naive/schema.ts), through the same Apollo Server path;
 * - store: the workload's raw store calls, no GraphQL (the floor).
 *
 * The store is passed per execution, so one pair of servers serves the plain,
 * counting and remote stores alike. Any GraphQL error fails the benchmark:
 * a fast wrong answer measures nothing.
 */
export interface Variants {
  execute(variant: VariantName, workload: ReadWorkload, i: number, store: Store): Promise<unknown>;
}

export function createVariants(): Variants {
  const metalayer = new ApolloServer<Context>(
    apolloBaseOptions((error) => console.error('metalayer internal error', error)),
  );
  // The naive server runs with the same Apollo Server settings, so the two differ only in their resolvers.
  const naive = new ApolloServer<NaiveContext>({
    schema: buildNaiveSchema(),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()],
  });

  return {
    execute(variant, workload, i, store) {
      const request = { query: workload.query, variables: workload.variables(i) };
      switch (variant) {
        case 'metalayer':
          return answer(metalayer, request, createContext({ store }), workload.id);
        case 'naive':
          return answer(naive, request, { store }, workload.id);
        case 'store':
          return workload.raw(store, i);
        default: {
          const unknown: never = variant;
          throw new Error(`Unknown variant ${String(unknown)}`);
        }
      }
    },
  };
}

async function answer<C extends BaseContext>(
  server: ApolloServer<C>,
  request: { query: string; variables: Record<string, unknown> },
  contextValue: C,
  workload: string,
): Promise<unknown> {
  const response = await server.executeOperation(request, { contextValue });
  if (response.body.kind !== 'single') throw new Error(`${workload}: expected a single result`);
  const { data, errors } = response.body.singleResult;
  if (errors || !data) throw new Error(`${workload}: ${JSON.stringify(errors)}`);
  return data;
}
