import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { createCore, type Core } from '../src/app/session.js';
import type { Catalogue } from '../src/domain/catalogue.js';
import { apolloBaseOptions, type Context } from '../src/graphql/index.js';
import type { Store } from '../src/store/store.js';
import { buildNaiveSchema, type NaiveContext } from './naive/schema.js';
import type { ReadWorkload, VariantName } from './workloads.js';

/**
 * The ways of answering a read workload, all in-process:
 *
 * - metalayer: the shipped schema and resolvers through Apollo Server's
 *   executeOperation over the application core: one core per store, one
 *   session (and so one set of loaders) per request, as
 *   test/helpers/graphql.ts and the HTTP server run them, on the default
 *   executor (graphql-jit);
 * - graphql-js: the same server on graphql-js's executor
 *   (`METALAYER_EXECUTOR=graphql-js`);
 * - naive: the same schema with resolvers that call the store once per
 *   parent and field (naive/schema.ts), through the same Apollo Server path;
 * - store: the workload's raw store calls, no GraphQL (the floor).
 *
 * The store is passed per execution, so one pair of servers serves the plain,
 * counting and remote stores alike. `cursorKey` seals listing cursors, as the
 * store's shared secret does for a server. Any GraphQL error fails the
 * benchmark: a fast wrong answer measures nothing.
 */
export interface Variants {
  execute(variant: VariantName, workload: ReadWorkload, i: number, store: Store): Promise<unknown>;
}

export function createVariants(catalogue: Catalogue, cursorKey: string): Variants {
  const log = (error: unknown) => console.error('metalayer internal error', error);
  const metalayer = new ApolloServer<Context>(apolloBaseOptions(catalogue, log, { executor: 'jit' }));
  const onGraphqlJs = new ApolloServer<Context>(apolloBaseOptions(catalogue, log, { executor: 'graphql-js' }));
  const cores = new WeakMap<Store, Core>();
  const coreOf = (store: Store): Core => {
    const known = cores.get(store);
    if (known) return known;
    const core = createCore({ store, catalogue, cursorKey });
    cores.set(store, core);
    return core;
  };
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
          return answer(metalayer, request, coreOf(store).openSession(), workload.id);
        case 'graphql-js':
          return answer(onGraphqlJs, request, coreOf(store).openSession(), workload.id);
        case 'naive':
          return answer(naive, request, { store, catalogue }, workload.id);
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
