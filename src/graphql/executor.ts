import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  BREAK,
  execute,
  getNamedType,
  getNullableType,
  getVariableValues,
  isListType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLSchema,
  type ListValueNode,
  type ObjectValueNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Context } from './context.js';
import { graphqlJsErrors, indexNodes, type NodeIndex } from './jit-errors.js';

/**
 * Which engine executes an operation once Apollo Server has parsed,
 * validated and resolved it and its plugins have let it through:
 *
 * - `jit`: graphql-jit compiles each operation to JavaScript once and runs
 *   the compiled function for every later request of the same document;
 * - `graphql-js`: graphql-js's `execute`, Apollo Server's own.
 */
export const EXECUTOR_NAMES = ['jit', 'graphql-js'] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

export const DEFAULT_EXECUTOR: ExecutorName = 'jit';

/** How many compiled operations are kept: the least recently used beyond this are compiled again when next asked for. */
export const DEFAULT_COMPILED_CACHE_SIZE = 1000;

export interface CompiledExecutorOptions {
  /** Compiled operations kept, least recently used dropped first; DEFAULT_COMPILED_CACHE_SIZE by default. */
  cacheSize?: number;
  /** Told, for every operation executed, which engine ran it. */
  onExecuted?: (context: Context, executor: ExecutorName) => void;
  /**
   * Told once per document and operation name that graphql-jit cannot
   * compile (until the entry leaves the cache), with graphql-jit's reason:
   * such operations run on graphql-js.
   */
  onFallback?: (operationName: string | null, reason: string) => void;
}

/** Apollo Server's gateway interface, as `new ApolloServer({ gateway })` takes it. */
export type ExecutorGateway = ApolloServerOptionsWithGateway<Context>['gateway'] & {
  /** The schema the gateway serves, for hosts that execute outside Apollo Server (subscriptions). */
  readonly schema: GraphQLSchema;
};
type GatewayExecutor = NonNullable<Awaited<ReturnType<ExecutorGateway['load']>>['executor']>;
type GatewayRequestContext = Parameters<GatewayExecutor>[0];

/**
 * A compiled operation, or why graphql-jit could not compile it. `nodes`
 * finds the fields graphql-jit's errors point at, built the first time one
 * of the operation's executions fails.
 */
type Entry =
  | { kind: 'compiled'; query: CompiledQuery; nodes: NodeIndex | null }
  | { kind: 'fallback'; reason: string };

/**
 * graphql-jit as Apollo Server's executor, through the gateway interface
 * (`load()` answers the schema and the executor; Apollo Server keeps its
 * whole request pipeline, parsing, validation, plugins, error formatting
 * and persisted queries, and hands each resolved operation to the executor).
 *
 * Per operation:
 *
 * 1. The compiled query is looked up by document and operation name in a
 *    bounded LRU, and compiled on a miss. An operation graphql-jit cannot
 *    compile (compileQuery answers errors, or throws) is remembered as such
 *    and runs on graphql-js, reported through `onFallback` once and through
 *    `onExecuted` every time.
 * 2. Variables are coerced by graphql-js (`getVariableValues`), so a client
 *    gets graphql-js's own messages and Apollo Server its BAD_USER_INPUT. The
 *    compiled query then receives the request's raw variables: graphql-jit
 *    cannot be told not to coerce, and coercing the raw input a second time
 *    calls the same `parseValue` of each custom scalar (DateTime, JSON) on the
 *    same input, where coercing graphql-js's coerced values again would feed a
 *    scalar its own output. Should graphql-jit still refuse variables that
 *    graphql-js accepted, the operation runs on graphql-js (reported through
 *    `onFallback` each time).
 * 3. Every error graphql-jit answers is rebuilt as graphql-js builds it
 *    (`locatedError`): a GraphQLError with the field's nodes, the path, the
 *    error thrown as `originalError` and `extensions` (the thrown
 *    GraphQLError's, or `{}`). graphql-jit's own errors (non-null
 *    violations, and errors thrown as a plain `Error`) carry no extensions,
 *    which Apollo Server would otherwise mask. Errors within a position a
 *    non-null error nulled are reported as graphql-js reports them
 *    (jit-errors.ts).
 */
export function compiledExecutorGateway(schema: GraphQLSchema, options: CompiledExecutorOptions = {}): ExecutorGateway {
  settleListItems(schema);
  const cache = new LruCache<Entry>(options.cacheSize ?? DEFAULT_COMPILED_CACHE_SIZE);
  const executor = async (request: GatewayRequestContext) => {
    const context = request.context as Context;
    const key = `${request.operationName ?? ''}\u0000${request.queryHash}`;
    const entry = cache.get(key) ?? cache.set(key, compile(schema, request.document, request.operationName, options));
    if (entry.kind === 'fallback') return runGraphqlJs(schema, request, context, options);
    const coerced = getVariableValues(schema, request.operation.variableDefinitions ?? [], request.request.variables ?? {}, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const result = await entry.query.query(undefined, context, request.request.variables ?? {});
    if (result.data === undefined && result.errors) {
      options.onFallback?.(request.operationName, `graphql-jit refused variables that graphql-js accepted: ${messages(result.errors)}`);
      return runGraphqlJs(schema, request, context, options);
    }
    options.onExecuted?.(context, 'jit');
    if (!result.errors) return result;
    entry.nodes ??= indexNodes(request.document);
    const scope = { schema, document: request.document, operation: request.operation };
    // Errors first, as graphql-js answers (and as the spec suggests serialising them).
    return { errors: graphqlJsErrors(scope, entry.nodes, result.data, result.errors), data: result.data };
  };
  return {
    schema,
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => cache.clear(),
  };
}

function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | null, options: CompiledExecutorOptions): Entry {
  const compiled = scalarLiteralWithVariables(schema, document) ?? compiledOrReason(schema, document, operationName);
  if (typeof compiled !== 'string') return { kind: 'compiled', query: compiled, nodes: null };
  options.onFallback?.(operationName, compiled);
  return { kind: 'fallback', reason: compiled };
}

/** graphql-jit's compiled query, or why it has none. */
function compiledOrReason(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): CompiledQuery | string {
  try {
    const compiled = compileQuery(schema, document, operationName ?? undefined);
    if (isCompiledQuery(compiled)) return compiled;
    return messages(compiled.errors ?? []) || 'no compiled query and no reason';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * graphql-jit 0.8 misplaces a list item whose promise rejects: it appends
 * null to the list instead of setting the item's position, so the list
 * grows by one and the item is left a hole (`nodes(ids:)` with a refused
 * id answered six entries for five ids). An item that is an Error value it
 * places right, as graphql-js does both. Every list field's resolver is
 * therefore wrapped, in place: a list holding promises answers once they
 * settle, each rejection as the Error it carried. graphql-js answers such
 * a list the same either way, so the schema stays one for both executors.
 */
function settleListItems(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve || !isListType(getNullableType(field.type))) continue;
      field.resolve = (source, args, context, info) => {
        const value: unknown = resolve(source, args, context, info);
        return isPromiseLike(value) ? Promise.resolve(value).then(settledItems) : settledItems(value);
      };
    }
  }
}

function settledItems(value: unknown): unknown {
  if (!Array.isArray(value) || !value.some(isPromiseLike)) return value;
  return Promise.all(value.map((item: unknown) => (isPromiseLike(item) ? Promise.resolve(item).then(undefined, asError) : item)));
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** What a rejection carried, as an Error value; graphql-js words a non-Error alike. */
function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(`Unexpected error value: ${String(reason)}`);
}

/**
 * graphql-jit reads a custom scalar's literal once, when it compiles, so a
 * variable inside one (`properties: { owner: $owner }` for JSON) would read
 * as unset: such documents run on graphql-js, which reads the literal with
 * the request's variables. Answers why, or null.
 */
function scalarLiteralWithVariables(schema: GraphQLSchema, document: DocumentNode): string | null {
  const typeInfo = new TypeInfo(schema);
  let found: string | null = null;
  const enterLiteral = (node: ObjectValueNode | ListValueNode) => {
    const type = getNamedType(typeInfo.getInputType());
    if (found !== null || !isScalarType(type) || isSpecifiedScalarType(type) || !hasVariable(node)) return undefined;
    found = `a ${type.name} literal holds a variable, which graphql-jit would read as unset`;
    return BREAK;
  };
  visit(document, visitWithTypeInfo(typeInfo, { ObjectValue: enterLiteral, ListValue: enterLiteral }));
  return found;
}

function hasVariable(node: ASTNode): boolean {
  let variable = false;
  visit(node, {
    Variable: () => {
      variable = true;
      return BREAK;
    },
  });
  return variable;
}

function messages(errors: readonly GraphQLError[]): string {
  return errors.map((error) => error.message).join('; ');
}

async function runGraphqlJs(
  schema: GraphQLSchema,
  request: GatewayRequestContext,
  context: Context,
  options: CompiledExecutorOptions,
): Promise<ExecutionResult> {
  options.onExecuted?.(context, 'graphql-js');
  return execute({
    schema,
    document: request.document,
    operationName: request.operationName,
    variableValues: request.request.variables,
    contextValue: context,
  });
}

/** A map that keeps its `max` most recently used entries. */
class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores `value` as the most recently used, dropping the least recently used beyond `max`; answers `value`. */
  set(key: string, value: V): V {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
