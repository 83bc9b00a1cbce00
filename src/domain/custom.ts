import type { Catalogue, CustomField } from './catalogue.js';
import type { Plan, PlanContext } from './commands.js';
import { badInput, type FieldPath } from './errors.js';
import { idInCatalogue, parseId } from './ids.js';
import { isCanonicalInstant, requireInstant } from './instants.js';
import { MAX_JSON_BYTES, describeJson } from './json.js';
import type { AssetKind, CustomContent, CustomKind, JsonObject, JsonValue } from './kinds.js';
import type { RelationName } from './relations.js';
import { MAX_TEXT_LENGTH, optionalKey, optionalProperties, optionalText, requireListLength, requireName } from './validation.js';
import { requireDistinctEnds, type WriteOp } from './writes.js';

/**
 * Custom kinds at write time: the plan of `register<Type>` (the asset with
 * its typed fields checked against their declared types, and its relations)
 * and of `linkAssets` / `unlinkAssets` (one relation of the catalogue,
 * checked against the kinds at each end). Pure.
 */

type Opt<T> = T | null | undefined;

/** Whether a stored JSON value fits a custom field's declared type (a reader keeps a misfit as a property). */
export function fitsField(catalogue: Catalogue, field: CustomField, value: unknown): boolean {
  if (field.list) return Array.isArray(value) && value.every((item) => item !== null && fitsItem(catalogue, field, item));
  return fitsItem(catalogue, field, value);
}

function fitsItem(catalogue: Catalogue, field: CustomField, value: unknown): boolean {
  const { type } = field;
  if (typeof type === 'object') return typeof value === 'string' && enumValues(catalogue, type.enum).has(value);
  switch (type) {
    case 'String':
    case 'ID':
      return typeof value === 'string';
    case 'Int':
      return Number.isSafeInteger(value);
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Boolean':
      return typeof value === 'boolean';
    case 'DateTime':
      return typeof value === 'string' && isCanonicalInstant(value);
    case 'JSON':
      return value !== undefined;
  }
}

function enumValues(catalogue: Catalogue, name: string): ReadonlySet<string> {
  return new Set(catalogue.extension.enums.find((spec) => spec.name === name)?.values.map((value) => value.name) ?? []);
}

/**
 * A field's value as given to `register<Type>`, already coerced by GraphQL
 * to its declared type: texts are bounded, instants made canonical, JSON
 * bounded in size, lists in length. Null or absent is left out.
 */
function fieldValue(field: CustomField, value: unknown, path: FieldPath): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (!field.list) return itemValue(field, value, path);
  const items: readonly unknown[] = Array.isArray(value) ? value : [value];
  requireListLength(items.length, path);
  return items.map((item, i) => itemValue(field, item, [...path, i]) ?? null);
}

function itemValue(field: CustomField, value: unknown, path: FieldPath): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (field.type === 'DateTime') return requireInstant(String(value), path);
  if (field.type === 'JSON') {
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > MAX_JSON_BYTES) throw badInput(path, `expected at most ${MAX_JSON_BYTES} bytes of JSON, received ${bytes} (${describeJson(value)})`);
    // The JSON scalar parsed it from the request: a JSON value by construction.
    return value as JsonValue;
  }
  if (typeof value === 'string' && value.length > MAX_TEXT_LENGTH) {
    throw badInput(path, `expected at most ${MAX_TEXT_LENGTH} characters, received ${value.length}`);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw badInput(path, `expected a ${typeof field.type === 'object' ? field.type.enum : field.type}, received ${describeJson(value)}`);
}

/** The input of `register<Type>`: the common fields, the kind's typed fields and its relation fields' ids. */
export interface RegisterCustomInput {
  key?: Opt<string>;
  name: string;
  version?: Opt<string>;
  tag?: Opt<string>;
  properties?: unknown;
  [field: string]: unknown;
}

/**
 * Registers an asset of a custom kind: the asset, and one relation per id
 * given to each of the kind's relation fields (a list field takes up to
 * MAX_LIST_LENGTH distinct ids), each of the field's target kind.
 */
export function planRegisterCustom(kind: CustomKind, input: RegisterCustomInput, { catalogue, newKey }: PlanContext): Plan {
  const spec = catalogue.kind(kind);
  const key = optionalKey(input.key, ['key']) ?? newKey();
  const id = idInCatalogue(catalogue, kind, key);
  const fields: JsonObject = {};
  for (const field of spec.custom?.fields ?? []) {
    const value = fieldValue(field, input[field.name], [field.name]);
    if (value !== undefined) fields[field.name] = value;
  }
  const content: CustomContent = {
    kind,
    id,
    key,
    name: requireName(input.name, ['name']),
    version: optionalText(input.version, ['version']),
    tag: optionalText(input.tag, ['tag']),
    properties: optionalProperties(input.properties, ['properties']),
    fields,
  };
  const ops: WriteOp[] = [{ type: 'putAsset', content, field: ['key'] }];
  const typeName = spec.custom?.typeName;
  for (const rf of catalogue.extension.relationFields) {
    if (rf.typeName !== typeName || rf.direction !== 'OUT') continue;
    for (const [to, field] of relationIds(input[rf.field], rf.list, [rf.field], rf.target, catalogue)) {
      ops.push(putEdge(rf.relation, id, to, field));
    }
  }
  return { id, ops };
}

function relationIds(value: unknown, list: boolean, field: FieldPath, kind: AssetKind, catalogue: Catalogue): [string, FieldPath][] {
  if (value === null || value === undefined) return [];
  if (!list) {
    parseId(String(value), field, catalogue, [kind]);
    return [[String(value), field]];
  }
  // GraphQL coerced the input to [ID!]: a list of strings (one ID given alone becomes a list of one).
  const ids = (Array.isArray(value) ? value : [value]).map(String);
  requireListLength(ids.length, field);
  const seen = new Set<string>();
  return ids.map((id, i): [string, FieldPath] => {
    parseId(id, [...field, i], catalogue, [kind]);
    if (seen.has(id)) throw badInput([...field, i], `"${id}" is given twice`);
    seen.add(id);
    return [id, [...field, i]];
  });
}

function putEdge(relation: RelationName, from: string, to: string, field: FieldPath): WriteOp {
  const edge = { relation, from, to };
  requireDistinctEnds(edge, field);
  return { type: 'putEdge', edge, field };
}

export interface LinkAssetsInput {
  relation: string;
  from: string;
  to: string;
}

/** The relation and its ends, checked against the catalogue: the relation exists and joins the ends' kinds. */
export function checkedLink(input: LinkAssetsInput, catalogue: Catalogue): { relation: RelationName; from: string; to: string } {
  if (!catalogue.isRelationName(input.relation)) {
    const names = catalogue.relations.map((rel) => rel.name).join(', ');
    throw badInput(['relation'], `expected a relation of the catalogue (${names}), received "${input.relation}"`);
  }
  const rel = catalogue.relation(input.relation);
  parseId(input.from, ['from'], catalogue, rel.from);
  parseId(input.to, ['to'], catalogue, rel.to);
  requireDistinctEnds({ relation: rel.name, from: input.from, to: input.to }, ['to']);
  return { relation: rel.name, from: input.from, to: input.to };
}

/** `linkAssets`: puts one relation of the catalogue between two existing assets; linking again changes nothing. */
export function planLinkAssets(input: LinkAssetsInput, { catalogue }: PlanContext): Plan {
  const edge = checkedLink(input, catalogue);
  return { id: edge.from, ops: [{ type: 'putEdge', edge, field: ['to'], fromField: ['from'] }] };
}

/** `unlinkAssets`: removes one relation of the catalogue; NOT_FOUND naming `from` when that asset is missing, else `to` when there is no such relation. */
export function planUnlinkAssets(input: LinkAssetsInput, { catalogue }: PlanContext): Plan {
  const edge = checkedLink(input, catalogue);
  return { id: edge.from, ops: [{ type: 'removeEdge', edge, field: ['to'], fromField: ['from'] }] };
}
