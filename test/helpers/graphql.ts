import { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { createCore, type Core } from '../../src/app/session.js';
import type { Viewer } from '../../src/domain/access.js';
import type { Catalogue } from '../../src/domain/catalogue.js';
import type { NewKey } from '../../src/domain/commands.js';
import type { LineageCaps } from '../../src/domain/lineage.js';
import { apolloBaseOptions, EXECUTOR_NAMES, type Context, type ExecutorName } from '../../src/graphql/index.js';
import type { Store } from '../../src/store/store.js';
import { CATALOGUE, memoryStore } from './assets.js';
import { countingStore, type CountingStore } from './counting-store.js';

/**
 * GraphQL operations executed in-process through Apollo Server, as the HTTP
 * server runs them (same schema, same error formatter, same application
 * core), on a fresh in-memory SQLite store wrapped in a counting store. Each
 * `execute` is one request with its own session, so loaders never carry
 * over between operations. The executor is the options' or, when not given,
 * METALAYER_EXECUTOR's (`jit` when unset), so one suite runs under either.
 */

export interface GraphQLResult<T> {
  data: T | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
}

export interface TestApi {
  store: CountingStore;
  core: Core;
  /** What the error formatter logged: the internal errors, in full. */
  logged: unknown[];
  /** Executes one request as `viewer` (the options' viewer, or an unscoped admin, when not given). */
  execute<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Viewer,
  ): Promise<GraphQLResult<T>>;
  /** Executes and fails the test on any error; returns the data. */
  data<T = unknown>(query: string, variables?: Record<string, unknown>, viewer?: Viewer): Promise<T>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** The store under test; a fresh in-memory SQLite store by default. */
  store?: Store;
  /** The clock commits are stamped with (and the default SQLite store's). */
  now?: () => Date;
  /** The catalogue; the built-in one when not given. */
  catalogue?: Catalogue;
  lineageCaps?: LineageCaps;
  newKey?: NewKey;
  /** Who asks, unless a call says otherwise; an unscoped admin (authentication off) by default. */
  viewer?: Viewer;
  /** The request's result budget and execution deadline (unbounded by default). */
  maxResultAssets?: number;
  executionTimeoutMs?: number;
  /** What executes operations; `testExecutor()` when not given. */
  executor?: ExecutorName;
}

/** The executor the suite runs under: METALAYER_EXECUTOR, or the server's default. */
export function testExecutor(): ExecutorName | undefined {
  const name = process.env['METALAYER_EXECUTOR'];
  if (name === undefined || name === '') return undefined;
  const known = EXECUTOR_NAMES.find((executor) => executor === name);
  if (!known) throw new Error(`METALAYER_EXECUTOR: expected one of ${EXECUTOR_NAMES.join(', ')}, received ${name}`);
  return known;
}

export function createTestApi(options: TestApiOptions = {}): TestApi {
  const catalogue = options.catalogue ?? CATALOGUE;
  const store = countingStore(options.store ?? memoryStore(options.now, catalogue));
  const logged: unknown[] = [];
  const executor = options.executor ?? testExecutor();
  const server = new ApolloServer<Context>(apolloBaseOptions(catalogue, (error) => logged.push(error), executor ? { executor } : {}));
  const core = createCore({
    store,
    catalogue,
    cursorKey: 'test cursor key',
    ...(options.lineageCaps ? { lineageCaps: options.lineageCaps } : {}),
    ...(options.newKey ? { newKey: options.newKey } : {}),
    ...(options.now ? { clock: options.now } : {}),
    ...(options.maxResultAssets !== undefined ? { maxResultAssets: options.maxResultAssets } : {}),
    ...(options.executionTimeoutMs !== undefined ? { executionTimeoutMs: options.executionTimeoutMs } : {}),
  });

  const execute = async <T>(query: string, variables?: Record<string, unknown>, viewer = options.viewer): Promise<GraphQLResult<T>> => {
    const contextValue = core.openSession(viewer);
    const response = await server.executeOperation<T>({ query, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('expected a single result, received an incremental one');
    const { data, errors } = response.body.singleResult;
    return { data, errors };
  };

  return {
    store,
    core,
    logged,
    execute,
    async data<T>(query: string, variables?: Record<string, unknown>, viewer?: Viewer): Promise<T> {
      const { data, errors } = await execute<T>(query, variables, viewer);
      if (errors || !data) throw new Error(`unexpected errors: ${JSON.stringify(errors, null, 2)}`);
      return data;
    },
    close: () => store.close(),
  };
}

/** The single error of a result, failing when there is none or more than one. */
export function onlyError(result: GraphQLResult<unknown>): GraphQLFormattedError {
  if (result.errors?.length !== 1) throw new Error(`expected one error, received ${JSON.stringify(result.errors)}`);
  const [error] = result.errors;
  if (!error) throw new Error('unreachable: one error expected');
  return error;
}
