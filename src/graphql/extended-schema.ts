import {
  Kind,
  parse,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InterfaceTypeDefinitionNode,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import type { CustomField, ExtensionSpec, KindSpec, RelationField } from '../domain/catalogue.js';
import { lowerCamel, typeNameOfKind } from './kind-names.js';

/**
 * The schema.graphql of a server with extensions: for each custom kind a
 * type that implements Node and Asset with every field of the `Asset`
 * interface copied from the document, arguments and descriptions included
 * (so fields the interface gains reach custom kinds unlisted), its own
 * stored and relation fields, and `@key(fields: "id")`; its value in the
 * AssetKind enum; its `register<Type>` mutation with input and payload;
 * the enums the extension declares; and reverse relation fields added to
 * the types they extend. Without extensions the document is returned as it is.
 */
export function extendTypeDefs(document: DocumentNode, extension: ExtensionSpec): DocumentNode {
  if (extension.kinds.length === 0) return document;
  const assetFields = assetInterface(document).fields ?? [];
  const added = parse(extensionSdl(extension)).definitions;
  const byType = new Map<string, FieldDefinitionNode[]>();
  for (const definition of added) {
    if (definition.kind === Kind.OBJECT_TYPE_EXTENSION) byType.set(definition.name.value, [...(definition.fields ?? [])]);
  }
  const kindTypes = new Set(extension.kinds.map((spec) => spec.custom?.typeName));
  const definitions: DefinitionNode[] = document.definitions.map((definition) => {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'AssetKind') {
      const values = extension.kinds.map((spec) => ({ kind: Kind.ENUM_VALUE_DEFINITION, name: { kind: Kind.NAME, value: spec.kind } }) as const);
      return { ...definition, values: [...(definition.values ?? []), ...values] };
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) return definition;
    const more = byType.get(definition.name.value);
    return more ? { ...definition, fields: [...(definition.fields ?? []), ...more] } : definition;
  });
  for (const definition of added) {
    if (definition.kind === Kind.OBJECT_TYPE_EXTENSION) continue;
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && kindTypes.has(definition.name.value)) {
      definitions.push(withAssetFields(definition, assetFields));
    } else {
      definitions.push(definition);
    }
  }
  return { ...document, definitions };
}

function assetInterface(document: DocumentNode): InterfaceTypeDefinitionNode {
  const found = document.definitions.find(
    (d): d is InterfaceTypeDefinitionNode => d.kind === Kind.INTERFACE_TYPE_DEFINITION && d.name.value === 'Asset',
  );
  if (!found) throw new Error('schema.graphql has no Asset interface');
  return found;
}

function withAssetFields(definition: ObjectTypeDefinitionNode, assetFields: readonly FieldDefinitionNode[]): ObjectTypeDefinitionNode {
  return { ...definition, fields: [...assetFields, ...(definition.fields ?? [])] };
}

/** The SDL of what an extension adds, before the Asset fields are copied in. */
function extensionSdl(extension: ExtensionSpec): string {
  const parts: string[] = [];
  for (const spec of extension.enums) {
    const values = spec.values.map((value) => `${describe(value.description, '  ')}  ${value.name}`).join('\n');
    parts.push(`${describe(spec.description, '')}enum ${spec.name} {\n${values}\n}`);
  }
  const byType = new Map<string, RelationField[]>();
  for (const field of extension.relationFields) byType.set(field.typeName, [...(byType.get(field.typeName) ?? []), field]);
  const typeOf = new Map(extension.kinds.map((spec) => [spec.kind as string, spec.custom?.typeName ?? spec.kind]));
  const kindTypes = new Set<string>();
  const mutations: string[] = [];
  for (const spec of extension.kinds) {
    const typeName = spec.custom?.typeName;
    if (!typeName) continue;
    kindTypes.add(typeName);
    const relations = byType.get(typeName) ?? [];
    const fields = [
      ...(spec.custom?.fields ?? []).map((field) => `${describe(field.description, '  ')}  ${field.name}: ${fieldType(field)}`),
      ...relations.map((field) => relationLine(field, typeOf)),
    ];
    parts.push(`${describe(spec.custom?.description ?? null, '')}type ${typeName} implements Node & Asset @key(fields: "id") {\n${fields.join('\n')}\n}`);
    parts.push(registerTypes(spec, typeName, relations));
    mutations.push(`  "Registers ${article(typeName)} (a kind an extension declares) with its relations."\n  register${typeName}(input: Register${typeName}Input!): Register${typeName}Payload!`);
  }
  for (const [typeName, fields] of byType) {
    if (kindTypes.has(typeName)) continue;
    parts.push(`extend type ${typeName} {\n${fields.map((field) => relationLine(field, typeOf)).join('\n')}\n}`);
  }
  parts.push(`extend type Mutation {\n${mutations.join('\n')}\n}`);
  return parts.join('\n\n');
}

function registerTypes(spec: KindSpec, typeName: string, relations: readonly RelationField[]): string {
  const own = (spec.custom?.fields ?? []).map((field) => `  ${field.name}: ${inputType(field)}`);
  const ids = relations
    .filter((field) => field.direction === 'OUT')
    .map((field) => `${describe(`Ids for \`${field.field}\` (\`${field.relation}\`).`, '  ')}  ${field.field}: ${field.list ? '[ID!]' : 'ID'}`);
  const input = [
    '  key: String',
    '  name: String!',
    '  version: String',
    '  tag: String',
    '  properties: JSON',
    ...own,
    ...ids,
  ];
  return `input Register${typeName}Input {\n${input.join('\n')}\n}\n\ntype Register${typeName}Payload {\n  ${lowerCamel(typeName)}: ${typeName}!\n}`;
}

function relationLine(field: RelationField, typeOf: ReadonlyMap<string, string>): string {
  const target = typeOf.get(field.target) ?? typeNameOfKind(field.target);
  const type = field.list ? `[${target}!]!` : target;
  const description = field.description ?? `Relation \`${field.relation}\`${field.direction === 'IN' ? ', read from its other end' : ''}.`;
  return `${describe(description, '  ')}  ${field.field}: ${type}`;
}

function namedType(field: CustomField): string {
  return typeof field.type === 'object' ? field.type.enum : field.type;
}

function fieldType(field: CustomField): string {
  const named = namedType(field);
  const inner = field.list ? `[${named}${field.requiredItems ? '!' : ''}]` : named;
  return `${inner}${field.required ? '!' : ''}`;
}

/** As the field, but a list's items given as input are never null. */
function inputType(field: CustomField): string {
  const named = namedType(field);
  const inner = field.list ? `[${named}!]` : named;
  return `${inner}${field.required ? '!' : ''}`;
}

function describe(description: string | null, indent: string): string {
  if (description === null) return '';
  return `${indent}${JSON.stringify(description)}\n`;
}

function article(typeName: string): string {
  return /^[AEIOU]/.test(typeName) ? `an ${typeName}` : `a ${typeName}`;
}
