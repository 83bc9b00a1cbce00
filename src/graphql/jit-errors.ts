import {
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLNonNull,
  GraphQLString,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  locatedError,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SourceLocation,
} from 'graphql';

/**
 * graphql-jit's errors answered as graphql-js answers them, so a client
 * cannot tell the executors apart (test/hardening/executors.test.ts).
 */

type Path = readonly (string | number)[];

/** The operation an error list belongs to, and the fields its errors point at (built on first use). */
export interface ErrorScope {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

/**
 * The errors of one graphql-jit execution, rebuilt and filtered:
 *
 * - each is rebuilt as graphql-js locates a field's failure (`rebuilt`);
 * - where a field error at a non-null position propagates and nulls a
 *   nullable one, graphql-js reports that error and stops: its promise
 *   for the position rejects with the first such error, fields it already
 *   completed keep their errors, and whatever fails within the position
 *   afterwards is not reported (not even recorded, once the null reaches
 *   the root). graphql-jit runs everything to the end and reports each
 *   error. So for every nulled position, the first non-null field error to
 *   reach it (first in response order: fields in document order, list
 *   items by index) is kept, with the errors within it that come before
 *   it, and those after it are dropped.
 */
export function graphqlJsErrors(scope: ErrorScope, index: NodeIndex, data: unknown, errors: readonly GraphQLError[]): GraphQLError[] {
  const fields = errors.map((error) => ({ error, ...(error.path ? placed(scope, data, error.path) : null) }));
  const nullers = new Map<string, readonly number[]>();
  for (const field of fields) {
    if (!field.nonNull || !field.landing || !field.order) continue;
    const key = JSON.stringify(field.landing);
    const known = nullers.get(key);
    if (!known || before(field.order, known)) nullers.set(key, field.order);
  }
  const kept = fields.filter(({ error, order }) => {
    if (!error.path || !order) return true;
    for (let length = 0; length <= error.path.length; length += 1) {
      const nuller = nullers.get(JSON.stringify(error.path.slice(0, length)));
      if (nuller && before(nuller, order)) return false;
    }
    return true;
  });
  return kept.map(({ error }) => rebuilt(error, index, scope.document));
}

/** Where an error sits: whether its field is non-null, where its null landed in `data`, and its response order. */
function placed(scope: ErrorScope, data: unknown, path: Path): { nonNull: boolean; landing: Path; order: readonly number[] | undefined } {
  const position = positionOf(scope, path);
  return { nonNull: isNonNullType(position?.type), landing: landing(data, path), order: position?.order };
}

/** Whether response order `a` comes strictly before `b`. */
function before(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const [x, y] = [a[i] ?? 0, b[i] ?? 0];
    if (x !== y) return x < y;
  }
  return a.length < b.length;
}

/** The shortest prefix of `path` at which `data` holds null: where the error's null landed. */
export function landing(data: unknown, path: Path): Path {
  let node: unknown = data;
  for (let i = 0; i < path.length; i += 1) {
    if (node === null || node === undefined) return path.slice(0, i);
    const key = path[i];
    node = key === undefined || typeof node !== 'object' ? undefined : (node as Record<string | number, unknown>)[key];
  }
  return path;
}

/**
 * The type of the position a response path names (the field's type, or a
 * list's item type for an index) and its response order (per segment, the
 * field's place among its selection's fields, fragments flattened in
 * document order, or the item's index), found through the selections that
 * carry each response key; undefined when the path leaves the operation.
 */
function positionOf({ schema, document, operation }: ErrorScope, path: Path): { type: GraphQLOutputType; order: number[] } | undefined {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  let type: GraphQLOutputType | undefined | null = schema.getRootType(operation.operation);
  let selections: readonly SelectionNode[] = operation.selectionSet.selections;
  const order: number[] = [];
  for (const segment of path) {
    if (!type) return undefined;
    if (typeof segment === 'number') {
      const list: GraphQLOutputType = getNullableType(type);
      type = isListType(list) ? list.ofType : undefined;
      order.push(segment);
      continue;
    }
    const fields = flattened(schema, fragments, getNamedType(type), selections);
    const place = fields.findIndex((field) => responseKey(field.node) === segment);
    const found = fields.filter((field) => responseKey(field.node) === segment);
    type = found[0]?.type;
    order.push(place);
    selections = found.flatMap((field) => field.node.selectionSet?.selections ?? []);
  }
  return type ? { type, order } : undefined;
}

function responseKey(node: FieldNode): string {
  return (node.alias ?? node.name).value;
}

/** The fields of `selections` on `parent`, in document order, fragments followed, each with its type. */
function flattened(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  parent: GraphQLNamedType,
  selections: readonly SelectionNode[],
): { node: FieldNode; type: GraphQLOutputType | undefined }[] {
  return selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      return [{ node: selection, type: name === '__typename' ? new GraphQLNonNull(GraphQLString) : fieldType(parent, name) }];
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
    if (!fragment) return [];
    const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
    return condition ? flattened(schema, fragments, condition, fragment.selectionSet.selections) : [];
  });
}

function fieldType(parent: GraphQLNamedType, name: string): GraphQLOutputType | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name]?.type : undefined;
}

/**
 * An error as graphql-js reports a field's failure: `locatedError` keeps an
 * error already located (a GraphQLError with a path) and otherwise wraps
 * what was thrown, with its message, nodes and path, and its extensions
 * (the thrown GraphQLError's, or `{}`). graphql-jit's own errors (a
 * non-null violation, a value that is not a list) wrap nothing;
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

export type NodeIndex = ReadonlyMap<string, ASTNode>;

/** The document's fields and variable definitions by where they start, as graphql-jit locates its errors. */
export function indexNodes(document: DocumentNode): NodeIndex {
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
