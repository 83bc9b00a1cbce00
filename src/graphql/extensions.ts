import {
  GraphQLError,
  Kind,
  Source,
  getLocation,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DefinitionNode,
  type FieldDefinitionNode,
  type NameNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type TypeNode,
} from 'graphql';
import {
  BUILTIN_KINDS,
  BUILTIN_RELATIONS,
  extendedCatalogue,
  MAX_OWNER_STEPS,
  STORABLE_SCALARS,
  type Catalogue,
  type CustomField,
  type EnumSpec,
  type ExtensionSpec,
  type KindSpec,
  type RelationField,
  type StorableScalar,
} from '../domain/catalogue.js';
import type { AssetKind, CustomKind } from '../domain/kinds.js';
import type { CustomRelationName, Relation, RelationName } from '../domain/relations.js';
import { kindOfTypeName } from './kind-names.js';
import { buildSchema, readTypeDefs } from './schema.js';

/**
 * Extensions: SDL files that declare custom asset kinds and relations with
 * two directives the server defines (DIRECTIVES). Parsed once at
 * start into the catalogue's `extension` (domain/catalogue.ts), from which
 * the schema builder writes the kinds' types, fields and mutations
 * (extended-schema.ts) and the engines their collections and tables.
 *
 * Every mistake is reported at once, each as `file:line:column: what`, in
 * an `ExtensionError`; nothing of a bad set of files is used.
 */

/**
 * The two directives the server defines, each argument with its type:
 *
 *     directive @kind(collection: String!) on OBJECT
 *     directive @relation(name: String!, upstream: Boolean = true, containment: Boolean = false,
 *                         reverse: Boolean = false, owner: Boolean = false) on FIELD_DEFINITION
 */
const DIRECTIVES: Readonly<Record<string, Readonly<Record<string, 'String!' | 'Boolean'>>>> = {
  kind: { collection: 'String!' },
  relation: { name: 'String!', upstream: 'Boolean', containment: 'Boolean', reverse: 'Boolean', owner: 'Boolean' },
};

/** One extension file: its name as errors show it, and its text. */
export interface ExtensionSource {
  name: string;
  text: string;
}

export class ExtensionError extends Error {
  override readonly name = 'ExtensionError';
  constructor(readonly problems: readonly string[]) {
    super(`the extensions are not valid:\n  ${problems.join('\n  ')}`);
  }
}

/** The catalogue of a server started with `sources`: the built-in one when there are none. */
export function loadExtensions(sources: readonly ExtensionSource[]): Catalogue {
  const spec = parseExtensions(sources);
  let catalogue: Catalogue | undefined;
  const error = schemaError(sources, () => {
    catalogue = extendedCatalogue(spec);
    if (sources.length > 0) buildSchema(catalogue);
  });
  if (error || catalogue === undefined) throw error ?? new ExtensionError([]);
  return catalogue;
}

/**
 * The last line of defence behind parseExtensions' checks: whatever still
 * fails building the catalogue or the extended schema becomes a start error
 * naming the extension files, never a stack trace. Undefined when `build` succeeds.
 */
export function schemaError(sources: readonly ExtensionSource[], build: () => void): ExtensionError | undefined {
  try {
    build();
    return undefined;
  } catch (error) {
    const files = sources.map((source) => source.name).join(', ') || 'the extensions';
    return new ExtensionError([`${files}: the extended schema cannot be built: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

/** ArangoDB's rule for collection names (traditional naming): a letter, then letters, digits, `_` or `-`. */
const ARANGO_COLLECTION = /^[A-Za-z][A-Za-z0-9_-]{0,255}$/;
/** What metalayer writes into AQL text as it is (arango/catalogue.ts): lower case, digits and `_`. */
const PLAIN_COLLECTION = /^[a-z][a-z0-9_]*$/;

interface BaseSchema {
  types: ReadonlySet<string>;
  /** Built-in asset types → their kinds. */
  assetTypes: ReadonlyMap<string, AssetKind>;
  enums: ReadonlySet<string>;
  assetFields: ReadonlySet<string>;
  /** Fields of each built-in asset type. */
  typeFields: ReadonlyMap<string, ReadonlySet<string>>;
  mutations: ReadonlySet<string>;
}

function baseSchema(): BaseSchema {
  const document = parse(readTypeDefs());
  const types = new Set<string>(['Query', 'Mutation', 'Subscription', '_Entity', '_Service', '_Any', 'FieldSet', 'link__Import']);
  const assetTypes = new Map<string, AssetKind>();
  const enums = new Set<string>();
  const typeFields = new Map<string, ReadonlySet<string>>();
  let assetFields: ReadonlySet<string> = new Set();
  let mutations: ReadonlySet<string> = new Set();
  const builtinKinds = new Map(BUILTIN_KINDS.map((spec) => [spec.kind as string, spec.kind]));
  for (const definition of document.definitions) {
    if (!('name' in definition) || definition.name === undefined) continue;
    const name = definition.name.value;
    types.add(name);
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) enums.add(name);
    if (definition.kind === Kind.INTERFACE_TYPE_DEFINITION && name === 'Asset') assetFields = fieldNames(definition.fields);
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) {
      typeFields.set(name, fieldNames(definition.fields));
      if (name === 'Mutation') mutations = fieldNames(definition.fields);
      const kind = builtinKinds.get(kindOfTypeName(name));
      if (kind !== undefined && definition.interfaces?.some((i) => i.name.value === 'Asset')) assetTypes.set(name, kind);
    }
  }
  return { types, assetTypes, enums, assetFields, typeFields, mutations };
}

function fieldNames(fields: readonly FieldDefinitionNode[] | undefined): ReadonlySet<string> {
  return new Set((fields ?? []).map((field) => field.name.value));
}

interface Located {
  node: { loc?: { start: number; source: Source } | undefined };
}

/**
 * One mistake, where it is. A document's source is named `index\0name` so
 * that problems can be listed file by file in the order the files were given.
 */
interface Problem {
  file: number;
  name: string;
  line: number;
  column: number;
  message: string;
}

function where({ node }: Located): Omit<Problem, 'message'> {
  if (!node.loc) return { file: Number.MAX_SAFE_INTEGER, name: '<unknown>', line: 0, column: 0 };
  const { line, column } = getLocation(node.loc.source, node.loc.start);
  const [file = '', name = ''] = node.loc.source.name.split('\u0000');
  return { file: Number(file), name, line, column };
}

/** Where a node is: `file:line:column`. */
function at(located: Located): string {
  const { name, line, column } = where(located);
  return `${name}:${line}:${column}`;
}

/** Every problem as `file:line:column: what`, file by file in the order given, then by place. */
function inFileOrder(problems: readonly Problem[]): string[] {
  return [...problems]
    .sort((a, b) => a.file - b.file || a.line - b.line || a.column - b.column)
    .map((problem) => `${problem.name}:${problem.line}:${problem.column}: ${problem.message}`);
}

interface DeclaredKind {
  spec: KindSpec;
  node: ObjectTypeDefinitionNode;
}

interface ForwardRelation {
  relation: Relation;
  owner: boolean;
  node: FieldDefinitionNode;
}

/**
 * Parses and checks extension files against the built-in schema and each
 * other; throws an ExtensionError listing every problem.
 */
export function parseExtensions(sources: readonly ExtensionSource[]): ExtensionSpec {
  const problems: Problem[] = [];
  const report = (node: Located['node'], message: string) => problems.push({ ...where({ node }), message });
  const documents = sources.flatMap((source, file) => {
    try {
      return [parse(new Source(source.text, `${file}\u0000${source.name}`))];
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const place = error.locations?.[0];
      problems.push({ file, name: source.name, line: place?.line ?? 1, column: place?.column ?? 1, message: error.message });
      return [];
    }
  });
  const base = baseSchema();
  const definitions = documents.flatMap((document) => document.definitions);
  const enums = collectEnums(definitions, base, report);
  const kinds = collectKinds(definitions, base, enums, report);
  checkGeneratedNames(definitions, base, kinds, report);
  const typeKinds = new Map<string, AssetKind>([...base.assetTypes, ...[...kinds].map(([name, k]) => [name, k.spec.kind] as const)]);
  const context: FieldContext = { base, enums, kinds, typeKinds, report };

  const forwards = new Map<string, ForwardRelation>();
  const relationFields: RelationField[] = [];
  const fields = new Map<string, CustomField[]>();
  const reverses: { typeName: string; node: FieldDefinitionNode; name: string }[] = [];
  const owners = new Map<string, { relation: RelationName; target: AssetKind; node: FieldDefinitionNode }>();

  for (const { typeName, node, builtin } of fieldsOfDefinitions(definitions, kinds, base, report)) {
    const relation = directive(node.directives, 'relation');
    if (relation === undefined) {
      if (builtin) {
        report(node, `${typeName}.${node.name.value}: a field added to a built-in type must be a relation field with reverse: true`);
        continue;
      }
      const field = storedField(node, context);
      if (field) fields.set(typeName, [...(fields.get(typeName) ?? []), field]);
      continue;
    }
    const args = directiveArguments(relation, report);
    if (args === undefined) continue;
    const name = typeof args['name'] === 'string' ? args['name'] : '';
    const target = relationTarget(node, context);
    if (target === undefined) continue;
    if (args['reverse'] === true) {
      reverses.push({ typeName, node, name });
      continue;
    }
    if (builtin) {
      report(node, `${typeName}.${node.name.value}: a field added to a built-in type must be a reverse relation (reverse: true)`);
      continue;
    }
    if (!checkRelationName(name, node, context, kinds)) continue;
    const from = typeKinds.get(typeName);
    if (from === undefined) continue;
    const upstream = args['containment'] === true ? null : args['upstream'] === false ? 'from' : 'to';
    const declared: Relation = { name: name as CustomRelationName, from: [from], to: [target.kind], upstream };
    const known = forwards.get(name);
    if (known && !sameRelation(known.relation, declared)) {
      report(node, `relation "${name}" is declared again with different ends or direction (first at ${at({ node: known.node })})`);
      continue;
    }
    if (!known) forwards.set(name, { relation: declared, owner: args['owner'] === true, node });
    relationFields.push(relationField(typeName, node, declared.name, 'OUT', target.kind, target.list));
    if (args['owner'] === true) {
      const previous = owners.get(typeName);
      if (previous) report(node, `${typeName} has a second owner relation; the first is "${previous.relation}"`);
      else owners.set(typeName, { relation: declared.name, target: target.kind, node });
    }
  }

  for (const { typeName, node, name } of reverses) {
    const forward = forwards.get(name);
    const here = typeKinds.get(typeName);
    const target = relationTarget(node, context);
    if (!forward) {
      report(node, `reverse field ${typeName}.${node.name.value} reads relation "${name}", which no field declares`);
      continue;
    }
    if (here === undefined || target === undefined) continue;
    if (!forward.relation.to.includes(here) || !forward.relation.from.includes(target.kind)) {
      report(node, `reverse field ${typeName}.${node.name.value} does not fit relation "${name}", which leads from ${forward.relation.from.join(', ')} to ${forward.relation.to.join(', ')}`);
      continue;
    }
    relationFields.push(relationField(typeName, node, forward.relation.name, 'IN', target.kind, target.list));
  }

  checkOwnersEndInProjects(owners, typeKinds, report);
  checkOwnerChains(owners, typeKinds, report);
  const kindSpecs = [...kinds].map(([typeName, { spec }]): KindSpec => {
    const owner = owners.get(typeName);
    return {
      ...spec,
      owner: owner ? { relation: owner.relation, direction: 'OUT', kind: owner.target } : 'shared',
      custom: { typeName, description: spec.custom?.description ?? null, fields: fields.get(typeName) ?? [] },
    };
  });
  if (problems.length > 0) throw new ExtensionError(inFileOrder(problems));
  return { kinds: kindSpecs, relations: [...forwards.values()].map((f) => f.relation), relationFields, enums: [...enums.values()] };
}

type Report = (node: Located['node'], message: string) => void;

/**
 * An owner relation must lead to assets that belong to projects (a model,
 * a run, another owned kind), or the kind it owns would be shared anyway
 * while its writes demanded an owner: refused, naming the field.
 */
function checkOwnersEndInProjects(
  owners: ReadonlyMap<string, { relation: RelationName; target: AssetKind; node: FieldDefinitionNode }>,
  typeKinds: ReadonlyMap<string, AssetKind>,
  report: Report,
): void {
  const typeOfKind = new Map([...typeKinds].map(([typeName, kind]) => [kind as string, typeName]));
  const builtinOwner = new Map<string, KindSpec['owner']>(BUILTIN_KINDS.map((spec) => [spec.kind, spec.owner]));
  const owned = (kind: AssetKind, depth: number): boolean => {
    const builtin = builtinOwner.get(kind);
    if (builtin !== undefined) return builtin !== 'shared';
    const next = owners.get(typeOfKind.get(kind) ?? '');
    return next !== undefined && depth < 8 && owned(next.target, depth + 1);
  };
  for (const [typeName, { target, node }] of owners) {
    if (!owned(target, 0)) {
      report(node, `${typeName}.${node.name.value}: an owner relation must lead to assets that belong to projects; ${typeOfKind.get(target) ?? target} belongs to none`);
    }
  }
}

/**
 * An ownership chain (catalogue.ts, `ownerChain`) is at most
 * MAX_OWNER_STEPS long; a longer one is refused where its kind's owner
 * relation is declared.
 */
function checkOwnerChains(
  owners: ReadonlyMap<string, { relation: RelationName; target: AssetKind; node: FieldDefinitionNode }>,
  typeKinds: ReadonlyMap<string, AssetKind>,
  report: Report,
): void {
  const typeOfKind = new Map([...typeKinds].map(([typeName, kind]) => [kind as string, typeName]));
  const builtinOwner = new Map<string, KindSpec['owner']>(BUILTIN_KINDS.map((spec) => [spec.kind, spec.owner]));
  const chain = (kind: AssetKind): AssetKind[] => {
    const path: AssetKind[] = [kind];
    for (let current = kind; path.length <= MAX_OWNER_STEPS + 1; ) {
      const builtin = builtinOwner.get(current);
      const next = builtin === undefined ? owners.get(typeOfKind.get(current) ?? '')?.target : typeof builtin === 'object' ? builtin.kind : undefined;
      if (next === undefined) break;
      path.push(next);
      current = next;
    }
    return path;
  };
  for (const [typeName, { node }] of owners) {
    const kind = typeKinds.get(typeName);
    if (kind === undefined) continue;
    const path = chain(kind);
    if (path.length > MAX_OWNER_STEPS + 1) {
      report(node, `${typeName}.${node.name.value}: the ownership chain of ${kind} is longer than ${MAX_OWNER_STEPS} steps (${path.join(' → ')})`);
    }
  }
}

interface FieldContext {
  base: BaseSchema;
  enums: ReadonlyMap<string, EnumSpec>;
  kinds: ReadonlyMap<string, DeclaredKind>;
  typeKinds: ReadonlyMap<string, AssetKind>;
  report: Report;
}

function collectEnums(definitions: readonly DefinitionNode[], base: BaseSchema, report: Report): Map<string, EnumSpec> {
  const enums = new Map<string, EnumSpec>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION) continue;
    const name = definition.name.value;
    if (!checkName(definition.name, report)) continue;
    if (base.types.has(name) || enums.has(name)) {
      report(definition, `enum ${name} clashes with a ${base.types.has(name) ? 'built-in' : 'declared'} type of that name`);
      continue;
    }
    const values = new Set<string>();
    for (const value of definition.values ?? []) {
      if (values.has(value.name.value)) report(value, `enum ${name} has the value ${value.name.value} twice`);
      values.add(value.name.value);
      checkName(value.name, report);
    }
    enums.set(name, {
      name,
      description: definition.description?.value ?? null,
      values: (definition.values ?? []).map((value) => ({ name: value.name.value, description: value.description?.value ?? null })),
    });
  }
  return enums;
}

function collectKinds(
  definitions: readonly DefinitionNode[],
  base: BaseSchema,
  enums: ReadonlyMap<string, EnumSpec>,
  report: Report,
): Map<string, DeclaredKind> {
  const kinds = new Map<string, DeclaredKind>();
  const builtinCollections = new Set([...BUILTIN_KINDS.map((spec) => spec.collection), ...BUILTIN_RELATIONS.map((rel) => rel.name)]);
  const collections = new Map<string, ObjectTypeDefinitionNode>();
  const kindValues = new Map<string, ObjectTypeDefinitionNode>();
  for (const definition of definitions) {
    if (definition.kind === Kind.DIRECTIVE_DEFINITION && (definition.name.value === 'kind' || definition.name.value === 'relation')) continue;
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) continue;
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) {
      report(definition, `an extension declares kinds (type … @kind), enums and reverse relations (extend type …); ${definition.kind} is not allowed`);
      continue;
    }
    const name = definition.name.value;
    if (!checkName(definition.name, report)) continue;
    const kindDirective = directive(definition.directives, 'kind');
    if (kindDirective === undefined) {
      report(definition, `type ${name} has no @kind(collection: …): an extension's types are asset kinds`);
      continue;
    }
    if (base.types.has(name) || enums.has(name) || kinds.has(name)) {
      report(definition, `type ${name} clashes with a ${base.types.has(name) ? 'built-in' : 'declared'} type of that name`);
      continue;
    }
    const kind = kindOfTypeName(name);
    if (BUILTIN_KINDS.some((spec) => spec.kind === kind)) {
      report(definition, `type ${name} would be the kind ${kind}, which is built in`);
      continue;
    }
    const sameKind = kindValues.get(kind);
    if (sameKind) {
      report(definition, `type ${name} would be the kind ${kind}, which ${sameKind.name.value} (${at({ node: sameKind })}) is already`);
      continue;
    }
    kindValues.set(kind, definition);
    // A kind whose collection is refused is still collected, so that its fields are checked too.
    const args = directiveArguments(kindDirective, report);
    const collection = typeof args?.['collection'] === 'string' ? args['collection'] : '';
    if (args !== undefined && checkCollection(collection, kindDirective, report)) {
      const taken = collections.get(collection);
      if (builtinCollections.has(collection)) report(kindDirective, `collection "${collection}" is a built-in collection`);
      else if (taken) report(kindDirective, `collection "${collection}" is declared by ${taken.name.value} already`);
      else collections.set(collection, definition);
    }
    const spec: KindSpec = {
      kind: kind as CustomKind,
      collection,
      named: false,
      owner: 'shared',
      custom: { typeName: name, description: definition.description?.value ?? null, fields: [] },
    };
    kinds.set(name, { spec, node: definition });
  }
  return kinds;
}

/** A name GraphQL accepts in a schema: none but introspection's begins with `__` (spec §3 Names). */
function checkName(node: NameNode, report: Report): boolean {
  if (!node.value.startsWith('__')) return true;
  report(node, `the name ${node.value} begins with "__", which GraphQL keeps for introspection`);
  return false;
}

/**
 * The names the server generates for each kind (extended-schema.ts): its
 * `register<Type>` mutation with `Register<Type>Input` and
 * `Register<Type>Payload`. Each must be free among the built-in names and
 * every name the extensions declare; a clash is refused where the declared
 * name is, or at the kind when the built-in schema holds the name.
 */
function checkGeneratedNames(
  definitions: readonly DefinitionNode[],
  base: BaseSchema,
  kinds: ReadonlyMap<string, DeclaredKind>,
  report: Report,
): void {
  const declared = new Map<string, DefinitionNode & { name: NameNode }>();
  for (const definition of definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      if (!declared.has(definition.name.value)) declared.set(definition.name.value, definition);
    }
  }
  for (const [typeName, { node }] of kinds) {
    const mutation = `register${typeName}`;
    if (base.mutations.has(mutation)) report(node, `type ${typeName} would generate the mutation ${mutation}, which is built in`);
    const generated = [
      [`Register${typeName}Input`, 'input type'],
      [`Register${typeName}Payload`, 'payload type'],
    ] as const;
    for (const [name, what] of generated) {
      const clash = declared.get(name);
      if (base.types.has(name)) report(node, `type ${typeName} would generate the ${what} ${name}, which is built in`);
      else if (clash) {
        const word = clash.kind === Kind.ENUM_TYPE_DEFINITION ? 'enum' : 'type';
        report(clash, `${word} ${name} clashes with the ${what} of ${mutation}, which the server generates for ${typeName} (${at({ node })})`);
      }
    }
  }
}

/** A collection (or edge collection) name ArangoDB accepts and AQL text holds as it is. */
function checkCollection(name: string, node: Located['node'], report: Report): boolean {
  if (!ARANGO_COLLECTION.test(name)) {
    report(node, `"${name}" is not a valid ArangoDB collection name: a letter, then at most 255 letters, digits, _ or -`);
    return false;
  }
  if (!PLAIN_COLLECTION.test(name) || name.startsWith('metalayer_')) {
    report(node, `"${name}" cannot be used as a collection: metalayer takes lower-case letters, digits and _, and keeps metalayer_ for itself`);
    return false;
  }
  return true;
}

function checkRelationName(name: string, node: FieldDefinitionNode, context: FieldContext, kinds: ReadonlyMap<string, DeclaredKind>): boolean {
  if (!checkCollection(name, node, context.report)) return false;
  if (BUILTIN_RELATIONS.some((rel) => rel.name === name) || BUILTIN_KINDS.some((spec) => spec.collection === name)) {
    context.report(node, `relation "${name}" clashes with the built-in collection of that name`);
    return false;
  }
  if ([...kinds.values()].some(({ spec }) => spec.collection === name)) {
    context.report(node, `relation "${name}" clashes with the collection of a declared kind`);
    return false;
  }
  return true;
}

/** Every field an extension adds, with the type it is on: a declared kind's, or a built-in or declared type's (`extend type`). */
function* fieldsOfDefinitions(
  definitions: readonly DefinitionNode[],
  kinds: ReadonlyMap<string, DeclaredKind>,
  base: BaseSchema,
  report: Report,
): Generator<{ typeName: string; node: FieldDefinitionNode; builtin: boolean }> {
  const seen = new Map<string, Set<string>>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeName = definition.name.value;
    const builtin = base.assetTypes.has(typeName);
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && !kinds.has(typeName)) continue;
    if (definition.kind === Kind.OBJECT_TYPE_EXTENSION && !builtin && !kinds.has(typeName)) {
      report(definition, `extend type ${typeName}: only asset types, built-in or declared, can be extended`);
      continue;
    }
    if (definition.kind === Kind.OBJECT_TYPE_EXTENSION && ((definition as ObjectTypeExtensionNode).interfaces?.length ?? 0) > 0) {
      report(definition, `extend type ${typeName}: an extension adds fields only`);
    }
    const own = seen.get(typeName) ?? new Set<string>(builtin ? base.typeFields.get(typeName) : []);
    seen.set(typeName, own);
    for (const node of definition.fields ?? []) {
      const name = node.name.value;
      if (!checkName(node.name, report)) continue;
      if (base.assetFields.has(name)) {
        report(node, `${typeName}.${name} clashes with the Asset field ${name}, which every kind has`);
        continue;
      }
      if (['key', 'fields'].includes(name)) {
        report(node, `${typeName}.${name}: "${name}" is reserved (the register input's key, the stored fields)`);
        continue;
      }
      if (own.has(name)) {
        report(node, `${typeName}.${name} clashes with a ${builtin ? 'built-in' : 'declared'} field of that name`);
        continue;
      }
      own.add(name);
      if ((node.arguments?.length ?? 0) > 0) {
        report(node, `${typeName}.${name}: an extension's fields take no arguments`);
        continue;
      }
      yield { typeName, node, builtin };
    }
  }
}

/** A scalar or enum field, stored as JSON: its type must be storable, at most one list deep. */
function storedField(node: FieldDefinitionNode, { base, enums, typeKinds, report }: FieldContext): CustomField | undefined {
  const shape = typeShape(node.type);
  const named = shape.name;
  const isEnum = enums.has(named) || base.enums.has(named);
  if (shape.depth > 1 || (!isStorableScalar(named) && !isEnum)) {
    const hint = typeKinds.has(named) ? `; ${named} is an asset type: declare the field with @relation(name: …)` : '';
    report(node, `field ${node.name.value} has type ${typeText(node.type)}, which cannot be stored: a scalar (${STORABLE_SCALARS.join(', ')}) or an enum, or a list of one${hint}`);
    return undefined;
  }
  return {
    name: node.name.value,
    description: node.description?.value ?? null,
    type: isEnum ? { enum: named } : (named as StorableScalar),
    list: shape.depth === 1,
    required: shape.required,
    requiredItems: shape.requiredItems,
  };
}

function isStorableScalar(name: string): name is StorableScalar {
  return (STORABLE_SCALARS as readonly string[]).includes(name);
}

/** The asset type a relation field leads to; it must be `T` or `[T!]!`. */
function relationTarget(node: FieldDefinitionNode, { typeKinds, report }: FieldContext): { kind: AssetKind; list: boolean } | undefined {
  const shape = typeShape(node.type);
  const kind = typeKinds.get(shape.name);
  if (kind === undefined) {
    report(node, `relation field ${node.name.value} leads to ${shape.name}, which is not a known asset type`);
    return undefined;
  }
  const single = shape.depth === 0 && !shape.required;
  const list = shape.depth === 1 && shape.required && shape.requiredItems;
  if (!single && !list) {
    report(node, `relation field ${node.name.value} has type ${typeText(node.type)}: expected ${shape.name} or [${shape.name}!]!`);
    return undefined;
  }
  return { kind, list };
}

interface TypeShape {
  name: string;
  depth: number;
  required: boolean;
  requiredItems: boolean;
}

function typeShape(type: TypeNode): TypeShape {
  const required = type.kind === Kind.NON_NULL_TYPE;
  const outer = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
  if (outer.kind === Kind.NAMED_TYPE) return { name: outer.name.value, depth: 0, required, requiredItems: false };
  const inner = typeShape(outer.type);
  return { name: inner.name, depth: inner.depth + 1, required, requiredItems: inner.required };
}

function typeText(type: TypeNode): string {
  if (type.kind === Kind.NAMED_TYPE) return type.name.value;
  if (type.kind === Kind.LIST_TYPE) return `[${typeText(type.type)}]`;
  return `${typeText(type.type)}!`;
}

function directive(directives: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode | undefined {
  return directives?.find((node) => node.name.value === name);
}

/** A directive's arguments, checked against its definition; undefined (and reported) when one is wrong. */
function directiveArguments(node: ConstDirectiveNode, report: Report): Record<string, unknown> | undefined {
  const signature = DIRECTIVES[node.name.value] ?? {};
  const args = Object.fromEntries((node.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]));
  const problems = [
    ...Object.keys(args).filter((name) => signature[name] === undefined).map((name) => `@${node.name.value} has no argument ${name}`),
    ...Object.entries(signature).flatMap(([name, type]) => {
      const value = args[name];
      if (value === undefined) return type === 'String!' ? [`@${node.name.value} needs ${name}: ${type}`] : [];
      const fits = type === 'Boolean' ? typeof value === 'boolean' : typeof value === 'string';
      return fits ? [] : [`@${node.name.value}(${name}:) takes a ${type.replace('!', '')}, received ${JSON.stringify(value)}`];
    }),
  ];
  for (const problem of problems) report(node, problem);
  return problems.length === 0 ? args : undefined;
}

function sameRelation(a: Relation, b: Relation): boolean {
  return a.upstream === b.upstream && a.from.join() === b.from.join() && a.to.join() === b.to.join();
}

function relationField(
  typeName: string,
  node: FieldDefinitionNode,
  relation: RelationName,
  direction: 'OUT' | 'IN',
  target: AssetKind,
  list: boolean,
): RelationField {
  return { typeName, field: node.name.value, description: node.description?.value ?? null, relation, direction, target, list };
}
