import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  BREAK,
  execute,
  getNamedType,
  getNullableType,
  GraphQLNonNull,
  GraphQLString,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionNode,
  isScalarType,
  isSpecifiedScalarType,
  TypeInfo,
  visitWithTypeInfo,
  type ListValueNode,
  type ObjectValueNode,
  getVariableValues,
  GraphQLError,
  locatedError,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type ASTNode,
  type SourceLocation,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Context } from './context.js';

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
 *    which Apollo Server would otherwise mask.
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
    const nodes = entry.nodes;
    const errors = settled(schema, request, result.data, result.errors);
    return { ...result, errors: errors.map((error) => rebuilt(error, nodes, request.document)) };
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

/**
 * graphql-jit's errors as graphql-js reports them. A field error at a
 * non-null position propagates to the nearest nullable one; graphql-js
 * records the first error to reach it and drops the rest (several items of
 * a non-null list failing, each reaching the list's nullable parent, are
 * one error), while graphql-jit records each. Errors at nullable positions
 * are kept, as graphql-js keeps them.
 */
function settled(schema: GraphQLSchema, request: GatewayRequestContext, data: unknown, errors: readonly GraphQLError[]): GraphQLError[] {
  const landed = new Set<string>();
  return errors.filter((error) => {
    if (!error.path || !isNonNullType(typeAt(schema, request.document, request.operation, error.path))) return true;
    const key = JSON.stringify(landing(data, error.path));
    if (landed.has(key)) return false;
    landed.add(key);
    return true;
  });
}

/**
 * The type of the position a response path names in an operation (the
 * field's type, or a list's item type for an index), found through the
 * selections, fragments included, that carry each response key; undefined
 * when the path leaves the operation.
 */
function typeAt(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  path: readonly (string | number)[],
): GraphQLOutputType | undefined {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  let type: GraphQLOutputType | undefined | null = schema.getRootType(operation.operation);
  let selections: readonly SelectionNode[] = operation.selectionSet.selections;
  for (const segment of path) {
    if (!type) return undefined;
    if (typeof segment === 'number') {
      const list: GraphQLOutputType = getNullableType(type);
      type = isListType(list) ? list.ofType : undefined;
      continue;
    }
    const found = fieldsAt(schema, fragments, getNamedType(type), selections, segment);
    type = found[0]?.type;
    selections = found.flatMap((field) => field.node.selectionSet?.selections ?? []);
  }
  return type ?? undefined;
}

/** The fields answering `responseKey` among `selections` on `parent`, with their types, fragments followed. */
function fieldsAt(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  parent: GraphQLNamedType,
  selections: readonly SelectionNode[],
  responseKey: string,
): { node: FieldNode; type: GraphQLOutputType }[] {
  return selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value !== responseKey) return [];
      const type = selection.name.value === '__typename' ? new GraphQLNonNull(GraphQLString) : fieldType(parent, selection.name.value);
      return type ? [{ node: selection, type }] : [];
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
    if (!fragment) return [];
    const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
    return condition ? fieldsAt(schema, fragments, condition, fragment.selectionSet.selections, responseKey) : [];
  });
}

function fieldType(parent: GraphQLNamedType, name: string): GraphQLOutputType | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name]?.type : undefined;
}

/** The shortest prefix of `path` at which `data` holds null: where the error's null landed. */
function landing(data: unknown, path: readonly (string | number)[]): readonly (string | number)[] {
  let node: unknown = data;
  for (let i = 0; i < path.length; i += 1) {
    if (node === null || node === undefined) return path.slice(0, i);
    const key = path[i];
    node = key === undefined || typeof node !== 'object' ? undefined : (node as Record<string | number, unknown>)[key];
  }
  return path;
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

/**
 * An error as graphql-js reports a field's failure: `locatedError` keeps an
 * error already located (a GraphQLError with a path) and otherwise wraps
 * what was thrown, with its message, nodes and path. graphql-jit's own
 * errors (a non-null violation, an item that is not a list) wrap nothing;
 * graphql-js's non-null violation wraps a plain Error, and so do they. The
 * nodes are looked up by the locations graphql-jit gives; where one is not
 * found, the error keeps the locations through the document's source.
 */
function rebuilt(error: GraphQLError, index: NodeIndex, document: DocumentNode): GraphQLError {
  const locations = error.locations ?? [];
  const found = locations.map((location) => index.get(locationKey(location)));
  const nodes = found.length > 0 && found.every((node): node is ASTNode => node !== undefined) ? found : undefined;
  const path = error.path ? [...error.path] : undefined;
  const original: unknown = error.originalError ?? new Error(error.message);
  if (nodes) return locatedError(original, nodes, path);
  const located = locatedError(original, undefined, path);
  const source = document.loc?.source;
  if (!source || locations.length === 0 || located.locations) return located;
  return new GraphQLError(located.message, {
    source,
    positions: locations.map((location) => offsetOf(source.body, location)),
    ...(located.path ? { path: located.path } : {}),
    ...(located.originalError ? { originalError: located.originalError } : {}),
    extensions: located.extensions,
  });
}

type NodeIndex = ReadonlyMap<string, ASTNode>;

/** The document's fields and variable definitions by where they start, as graphql-jit locates its errors. */
function indexNodes(document: DocumentNode): NodeIndex {
  const index = new Map<string, ASTNode>();
  const add = (node: ASTNode) => {
    if (!node.loc) return;
    const { line, column } = node.loc.startToken;
    index.set(locationKey({ line, column }), node);
  };
  visit(document, { Field: add, VariableDefinition: add });
  return index;
}

function locationKey({ line, column }: SourceLocation): string {
  return `${line}:${column}`;
}

/** The character offset of a line and column (both from 1) in `body`. */
function offsetOf(body: string, { line, column }: SourceLocation): number {
  let offset = 0;
  for (let current = 1; current < line; current += 1) {
    const next = body.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return offset + column - 1;
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
