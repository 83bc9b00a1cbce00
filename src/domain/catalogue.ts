import type { AssetKind, BuiltinKind } from './kinds.js';
import { ASSET_KINDS, COLLECTION_OF_KIND } from './kinds.js';
import type { EdgeDirection, LineageDirection, Relation, RelationName } from './relations.js';
import { RELATION_NAMES, RELATIONS } from './relations.js';

/**
 * The catalogue: every asset kind and relation a server knows, as one value
 * built at start and handed to everything that needs it (engines, schema,
 * access, query cost, validation). Nothing else enumerates kinds or
 * relations, so a kind added to the catalogue reaches every layer at once.
 *
 * The built-in part is arangopipe's graph plus `derived_from`; those kinds
 * keep the typed fields of domain/kinds.ts. Extensions add custom kinds,
 * whose typed fields are data (`CustomKindSpec`), and custom relations, with
 * the GraphQL fields that read them (`RelationField`).
 */

/** The GraphQL scalars a custom kind's field may have, besides enums. */
export const STORABLE_SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID', 'DateTime', 'JSON'] as const;
export type StorableScalar = (typeof STORABLE_SCALARS)[number];

/** A typed field of a custom kind: a scalar or an enum value, or a list of them, stored as JSON. */
export interface CustomField {
  name: string;
  description: string | null;
  /** A storable scalar, or the name of an enum type. */
  type: StorableScalar | { enum: string };
  list: boolean;
  /** Non-null (`!`) on the outer type: the value is required when the asset is registered. */
  required: boolean;
  /** For a list, whether its items are non-null. */
  requiredItems: boolean;
}

/** An enum type an extension declares, for its kinds' fields. */
export interface EnumSpec {
  name: string;
  description: string | null;
  values: readonly { name: string; description: string | null }[];
}

/** What an extension states about a kind it declares, beyond what every kind has. */
export interface CustomKindSpec {
  /** The GraphQL type (`Evaluation`). */
  typeName: string;
  description: string | null;
  fields: readonly CustomField[];
}

/**
 * A GraphQL field that reads a relation: on `typeName`, the neighbours along
 * `relation` in `direction` (OUT from the declaring kind; IN for a reverse
 * field), of `target`'s kind; a list, or the oldest one.
 */
export interface RelationField {
  typeName: string;
  field: string;
  description: string | null;
  relation: RelationName;
  direction: EdgeDirection;
  target: AssetKind;
  list: boolean;
}

/** What extensions add to the built-in catalogue. */
export interface ExtensionSpec {
  kinds: readonly KindSpec[];
  relations: readonly Relation[];
  relationFields: readonly RelationField[];
  enums: readonly EnumSpec[];
}

/** One step of an ownership chain: the relation and direction leading to the owner, and the owner's kind. */
export interface OwnerStep {
  relation: RelationName;
  direction: EdgeDirection;
  kind: AssetKind;
}

export interface KindSpec {
  kind: AssetKind;
  /** The ArangoDB collection, which is also the first part of every id of the kind. */
  collection: string;
  /** Whether a name identifies assets of the kind: a second one with a taken name needs a distinct version. */
  named: boolean;
  /**
   * How an asset of the kind finds the projects that own it: it is one
   * (`self`), belongs to none (`shared`), or takes the owners of the
   * assets one step up its chain.
   */
  owner: OwnerStep | 'self' | 'shared';
  /** Set for a kind an extension declares. */
  custom?: CustomKindSpec;
}

export interface LineageStep {
  relation: RelationName;
  direction: EdgeDirection;
}

export interface Catalogue {
  readonly kinds: readonly KindSpec[];
  readonly relations: readonly Relation[];
  /** The relations that are lineage (everything but containment). */
  readonly lineageRelations: readonly Relation[];
  kind(kind: AssetKind): KindSpec;
  /** The kind stored in `collection`, if any. */
  kindOfCollection(collection: string): AssetKind | undefined;
  relation(name: RelationName): Relation;
  isRelationName(name: string): name is RelationName;
  /** Every lineage relation with the edge direction that steps towards `direction`. */
  lineageSteps(direction: LineageDirection): readonly LineageStep[];
  /** The kinds, relations, fields and enums extensions added; empty without extensions. */
  readonly extension: ExtensionSpec;
}

export const NO_EXTENSION: ExtensionSpec = { kinds: [], relations: [], relationFields: [], enums: [] };

/**
 * The edge direction that steps from an asset towards `direction` along a
 * lineage relation: upstream along a relation whose upstream end is `to` is
 * OUT (from → to); every other combination follows from that.
 */
export function stepDirection(rel: Relation, direction: LineageDirection): EdgeDirection {
  if (rel.upstream === null) throw new Error(`${rel.name} is not a lineage relation`);
  const towardsTo = (rel.upstream === 'to') === (direction === 'UPSTREAM');
  return towardsTo ? 'OUT' : 'IN';
}

/**
 * The whole ownership chain of a kind: `self` for a kind whose assets are
 * their own owners (projects), `shared` for a kind whose chain ends in no
 * owner, otherwise the steps from an asset of the kind up to its owners, in
 * order (at most `MAX_OWNER_STEPS`). Engines compute owners from it.
 */
export function ownerChain(catalogue: Catalogue, kind: AssetKind): OwnerStep[] | 'self' | 'shared' {
  const steps: OwnerStep[] = [];
  let owner = catalogue.kind(kind).owner;
  while (owner !== 'self' && owner !== 'shared') {
    if (steps.length === MAX_OWNER_STEPS) throw new Error(`The ownership chain of ${kind} is longer than ${MAX_OWNER_STEPS} steps`);
    steps.push(owner);
    owner = catalogue.kind(owner.kind).owner;
  }
  if (steps.length === 0) return owner;
  return owner === 'self' ? steps : 'shared';
}

/** The longest ownership chain a catalogue may declare. */
export const MAX_OWNER_STEPS = 3;

/** Builds a catalogue, refusing duplicate kinds, collections or relations and relations to unknown kinds. */
export function createCatalogue(
  kinds: readonly KindSpec[],
  relations: readonly Relation[],
  extension: ExtensionSpec = NO_EXTENSION,
): Catalogue {
  const byKind = indexBy(kinds, (spec) => spec.kind, 'kind');
  const byCollection = indexBy(kinds, (spec) => spec.collection, 'collection');
  const byRelation = indexBy(relations, (rel) => rel.name, 'relation');
  for (const rel of relations) {
    for (const kind of [...rel.from, ...rel.to]) {
      if (!byKind.has(kind)) throw new Error(`Relation ${rel.name} names the unknown kind ${kind}`);
    }
  }
  const lineageRelations = relations.filter((rel) => rel.upstream !== null);
  const steps = {
    UPSTREAM: lineageRelations.map((rel) => ({ relation: rel.name, direction: stepDirection(rel, 'UPSTREAM') })),
    DOWNSTREAM: lineageRelations.map((rel) => ({ relation: rel.name, direction: stepDirection(rel, 'DOWNSTREAM') })),
  };
  return {
    kinds,
    relations,
    lineageRelations,
    kind: (kind) => required(byKind.get(kind), 'kind', kind),
    kindOfCollection: (collection) => byCollection.get(collection)?.kind,
    relation: (name) => required(byRelation.get(name), 'relation', name),
    isRelationName: (name): name is RelationName => byRelation.has(name),
    lineageSteps: (direction) => steps[direction],
    extension,
  };
}

function indexBy<T>(items: readonly T[], key: (item: T) => string, what: string): Map<string, T> {
  const index = new Map<string, T>();
  for (const item of items) {
    if (index.has(key(item))) throw new Error(`The catalogue declares the ${what} ${key(item)} twice`);
    index.set(key(item), item);
  }
  return index;
}

function required<T>(value: T | undefined, what: string, name: string): T {
  if (value === undefined) throw new Error(`The catalogue has no ${what} ${name}`);
  return value;
}

const NAMED: ReadonlySet<AssetKind> = new Set(['PROJECT', 'DATASET', 'FEATURESET', 'MODEL', 'DEPLOYMENT']);

/**
 * How each built-in kind finds its owners. Datasets and featuresets are
 * shared; every other kind takes the owners of the assets one step up its
 * chain (a run those of its model, a deployment those of the model it
 * serves), up to projects. `derived_from` never transfers ownership. Each
 * step leads to a kind nearer the project, so every chain ends within three
 * steps.
 */
const BUILTIN_OWNERS: Readonly<Record<BuiltinKind, KindSpec['owner']>> = {
  PROJECT: 'self',
  DATASET: 'shared',
  FEATURESET: 'shared',
  MODEL: { relation: 'project_models', direction: 'IN', kind: 'PROJECT' },
  RUN: { relation: 'run_models', direction: 'IN', kind: 'MODEL' },
  MODEL_PARAMS: { relation: 'run_modelparams', direction: 'IN', kind: 'RUN' },
  DEV_PERF: { relation: 'run_devperf', direction: 'IN', kind: 'RUN' },
  DEPLOYMENT: { relation: 'deployment_model', direction: 'OUT', kind: 'MODEL' },
  SERVING_PERF: { relation: 'deployment_servingperf', direction: 'IN', kind: 'DEPLOYMENT' },
};

export const BUILTIN_KINDS: readonly KindSpec[] = ASSET_KINDS.map((kind) => ({
  kind,
  collection: COLLECTION_OF_KIND[kind],
  named: NAMED.has(kind),
  owner: BUILTIN_OWNERS[kind],
}));

export const BUILTIN_RELATIONS: readonly Relation[] = RELATION_NAMES.map((name) => RELATIONS[name]);

/** The catalogue of a server without extensions: arangopipe's graph and `derived_from`. */
export function builtinCatalogue(): Catalogue {
  return createCatalogue(BUILTIN_KINDS, BUILTIN_RELATIONS);
}

/**
 * The built-in catalogue grown by an extension: its kinds and relations
 * beside the built-in ones, and `derived_from` joining assets of every kind,
 * custom ones included. Checks as `createCatalogue` does, and that every
 * ownership chain ends within `MAX_OWNER_STEPS`.
 */
export function extendedCatalogue(extension: ExtensionSpec): Catalogue {
  if (extension.kinds.length === 0 && extension.relations.length === 0) return builtinCatalogue();
  const kinds = [...BUILTIN_KINDS, ...extension.kinds];
  const every = kinds.map((spec) => spec.kind);
  const relations = [
    ...BUILTIN_RELATIONS.map((rel) => (rel.name === 'derived_from' ? { ...rel, from: every, to: every } : rel)),
    ...extension.relations,
  ];
  const catalogue = createCatalogue(kinds, relations, extension);
  for (const spec of extension.kinds) ownerChain(catalogue, spec.kind);
  return catalogue;
}
