import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { LineageCaps } from '../domain/lineage.js';
import { assertNever } from '../domain/never.js';
import { DEFAULT_DUPLICATE_GROUPS } from '../domain/reuse.js';
import { DEFAULT_PAGE_SIZE } from './resolvers/paging.js';

/**
 * The size of an operation before it runs, for the server's query limits:
 * how deep it nests, how many aliases it uses, and what it may cost.
 *
 * Cost: every field costs 1, and a list field multiplies the cost of what
 * it selects by the most items it can hold:
 *
 * - `Query.nodes(ids)` by the number of ids, `Query._entities` by the
 *   number of representations (variables resolved);
 * - `AssetConnection.edges`, `LeaderboardConnection.edges` and
 *   `ChangeConnection.edges` by the `first` of their `assets`,
 *   `leaderboard`, `changes` or `history` (default page size when not
 *   given);
 * - `Lineage.nodes` and `Lineage.edges` by the `limit` of their `upstream`
 *   or `downstream` (the server's default lineage limit when not given);
 *   a lineage has at least as many edges as nodes only in dense graphs, so
 *   this is an estimate, as is
 * - every other list (relation fields, metrics, features): a fixed fan-out;
 * - a `drift` field, besides its selection, as much as a lineage of the
 *   default limit: it walks the graph (a deployment's model, its runs,
 *   their datasets) as a lineage does; so does an asset's `usage` (its
 *   whole downstream lineage) and `Query.reuse` (the usage of a kind);
 *   `Reuse.usage` comes with its ranking and costs 1;
 * - `Query.duplicates` by its `limit` (default 20).
 *
 * Where a field returns an interface, the fragments on its object types
 * do not all apply to one asset: the cost is that of the costliest type.
 * Fragments count each time they are spread. Depth counts fields (the
 * root fields are at depth 1); fragments add none.
 *
 * Introspection (`__schema`, `__type`) counts 1 and is not measured
 * further: it reads only the schema, whose size is fixed, and graphql-js's
 * MaxIntrospectionDepthRule, among the specified rules, already refuses
 * the circular introspection queries that could grow without bound. The
 * standard introspection query nests deeper than any query of the data
 * needs, so measuring it would turn it away.
 *
 * Runs on a validated document (no unknown fields, no fragment cycles), with
 * the operation's variables coerced. Memoised per selection set, object type
 * and list size, so a document whose fragments spread each other many times
 * is measured in time proportional to its text.
 */
export interface CostModel {
  /** `assets` page size when `first` is not given. */
  defaultPageSize: number;
  /** Lineage `limit` when not given. */
  defaultLineageLimit: number;
  /** The size assumed for any other list. */
  defaultListSize: number;
}

/** The fan-out assumed for a relation list (a model's runs, a dataset's featuresets) and for metrics and features. */
export const DEFAULT_LIST_SIZE = 10;

/** The cost model of a server with these lineage caps: the defaults a client gets when it leaves sizes out. */
export function costModel(caps: LineageCaps): CostModel {
  return { defaultPageSize: DEFAULT_PAGE_SIZE, defaultLineageLimit: caps.defaultLimit, defaultListSize: DEFAULT_LIST_SIZE };
}

export interface OperationMeasure {
  depth: number;
  aliases: number;
  cost: number;
}

interface Measure {
  depth: number;
  cost: number;
}

const NOTHING: Measure = { depth: 0, cost: 0 };
const LEAF: Measure = { depth: 1, cost: 1 };

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  model: CostModel,
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getRootType(operation.operation);
  const { depth, cost } = root ? new Measurer(schema, fragments, variables, model).selectionSet(operation.selectionSet, root) : NOTHING;
  return { depth, cost, aliases: countAliases(operation.selectionSet, fragments) };
}

class Measurer {
  private readonly memo = new Map<SelectionSetNode, Map<string, Measure>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly model: CostModel,
  ) {}

  /**
   * A selection set on `type`; `size` is the list size its parent field
   * sets for the lists under it (`assets(first)`, a lineage's `limit`).
   */
  selectionSet(set: SelectionSetNode, type: GraphQLCompositeType, size?: number): Measure {
    if (!isAbstractType(type)) return this.onObject(set, type, size);
    let worst = NOTHING;
    for (const object of this.schema.getPossibleTypes(type)) {
      const measure = this.onObject(set, object, size);
      worst = { depth: Math.max(worst.depth, measure.depth), cost: Math.max(worst.cost, measure.cost) };
    }
    return worst;
  }

  private onObject(set: SelectionSetNode, object: GraphQLObjectType, size: number | undefined): Measure {
    const key = `${object.name}:${size ?? ''}`;
    const cached = this.memo.get(set)?.get(key);
    if (cached) return cached;
    let total = NOTHING;
    for (const selection of set.selections) {
      const measure = this.selection(selection, object, size);
      total = { depth: Math.max(total.depth, measure.depth), cost: total.cost + measure.cost };
    }
    const byType = this.memo.get(set) ?? new Map<string, Measure>();
    byType.set(key, total);
    this.memo.set(set, byType);
    return total;
  }

  private selection(selection: SelectionSetNode['selections'][number], object: GraphQLObjectType, size: number | undefined): Measure {
    switch (selection.kind) {
      case Kind.FIELD:
        return this.field(selection, object, size);
      case Kind.INLINE_FRAGMENT:
        return this.applies(selection.typeCondition?.name.value, object)
          ? this.onObject(selection.selectionSet, object, size)
          : NOTHING;
      case Kind.FRAGMENT_SPREAD: {
        const fragment = this.fragments.get(selection.name.value);
        return fragment && this.applies(fragment.typeCondition.name.value, object)
          ? this.onObject(fragment.selectionSet, object, size)
          : NOTHING;
      }
      default:
        return assertNever(selection, 'selection');
    }
  }

  /** Whether a fragment on `condition` applies to an object of type `object`. */
  private applies(condition: string | undefined, object: GraphQLObjectType): boolean {
    if (condition === undefined || condition === object.name) return true;
    const type = this.schema.getType(condition);
    return type !== undefined && isAbstractType(type) && this.schema.isSubType(type, object);
  }

  private field(node: FieldNode, parent: GraphQLObjectType, size: number | undefined): Measure {
    const name = node.name.value;
    if (name.startsWith('__')) return LEAF;
    const field = parent.getFields()[name];
    if (!field) return NOTHING;
    const args = this.argumentsOf(field, node);
    const items = isListType(getNullableType(field.type)) ? this.listSize(parent.name, name, args, size) : 1;
    const type = getNamedType(field.type);
    const child = node.selectionSet && isCompositeType(type) ? this.selectionSet(node.selectionSet, type, this.sizeSetBy(field, args)) : NOTHING;
    return { depth: 1 + child.depth, cost: 1 + this.walkCost(parent.name, name) + items * child.cost };
  }

  /**
   * What a field costs for the graph it walks besides what it returns:
   * drift, an asset's usage and a reuse ranking are priced like a lineage.
   */
  private walkCost(parent: string, name: string): number {
    if ((parent === 'Deployment' || parent === 'Dataset') && name === 'drift') return this.model.defaultLineageLimit;
    if ((parent !== 'Reuse' && name === 'usage') || (parent === 'Query' && name === 'reuse')) return this.model.defaultLineageLimit;
    return 0;
  }

  private argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    try {
      return getArgumentValues(field, node, this.variables);
    } catch {
      // Execution refuses arguments that do not coerce before any resolver runs.
      return {};
    }
  }

  /** The most items a list field can hold. */
  private listSize(parent: string, name: string, args: Record<string, unknown>, size: number | undefined): number {
    switch (`${parent}.${name}`) {
      case 'Query.nodes':
        return lengthOf(args['ids']);
      case 'Query._entities':
        return lengthOf(args['representations']);
      case 'Query.duplicates':
        return count(args['limit']) ?? DEFAULT_DUPLICATE_GROUPS;
      case 'AssetConnection.edges':
      case 'LeaderboardConnection.edges':
      case 'ChangeConnection.edges':
      case 'ReuseConnection.edges':
        return size ?? this.model.defaultPageSize;
      case 'Lineage.nodes':
      case 'Lineage.edges':
        return size ?? this.model.defaultLineageLimit;
      default:
        return this.model.defaultListSize;
    }
  }

  /** The list size a field sets for the lists under it: `assets(first)`, a lineage's `limit`. */
  private sizeSetBy(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number | undefined {
    if (PAGED_FIELDS.has(field.name)) return count(args['first']) ?? this.model.defaultPageSize;
    if (getNamedType(field.type).name === 'Lineage') return count(args['limit']) ?? this.model.defaultLineageLimit;
    return undefined;
  }
}

/** The fields whose `first` sizes the connection they return. */
const PAGED_FIELDS: ReadonlySet<string> = new Set(['assets', 'leaderboard', 'reuse', 'changes', 'history']);

function lengthOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 1;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : undefined;
}

/**
 * Aliased fields in the operation and the fragments it spreads, each
 * fragment counted every time it is spread. A fragment's count is memoised,
 * and one being counted counts 0 when met again (a cycle, which validation
 * refuses anyway).
 */
function countAliases(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): number {
  const memo = new Map<string, number>();
  const inSet = (selections: SelectionSetNode): number =>
    selections.selections.reduce((sum, selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return sum + (selection.alias ? 1 : 0) + (selection.selectionSet ? inSet(selection.selectionSet) : 0);
        case Kind.INLINE_FRAGMENT:
          return sum + inSet(selection.selectionSet);
        case Kind.FRAGMENT_SPREAD:
          return sum + inFragment(selection.name.value);
        default:
          return sum;
      }
    }, 0);
  const inFragment = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    memo.set(name, 0);
    const fragment = fragments.get(name);
    const total = fragment ? inSet(fragment.selectionSet) : 0;
    memo.set(name, total);
    return total;
  };
  return inSet(set);
}
