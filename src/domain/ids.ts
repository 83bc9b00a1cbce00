import type { Catalogue } from './catalogue.js';
import { badInput, type FieldPath } from './errors.js';
import { COLLECTION_OF_KIND, type AssetKind } from './kinds.js';

/**
 * Ids are ArangoDB document handles, `collection/key`, on every engine. Keys
 * follow ArangoDB's rules so an id written on one engine is valid on the other.
 */
const KEY_PATTERN = /^[A-Za-z0-9_\-:.@()+,=;$!*'%]{1,254}$/;

export interface ParsedId {
  kind: AssetKind;
  collection: string;
  key: string;
}

export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** The id of a built-in kind's asset; built-in kinds keep arangopipe's collections. */
export function assetId(kind: AssetKind, key: string): string {
  return `${COLLECTION_OF_KIND[kind]}/${key}`;
}

/** Parses an asset id of a kind the catalogue knows, or returns null when it is not one. */
export function tryParseId(id: string, catalogue: Catalogue): ParsedId | null {
  const slash = id.indexOf('/');
  if (slash <= 0) return null;
  const collection = id.slice(0, slash);
  const key = id.slice(slash + 1);
  const kind = catalogue.kindOfCollection(collection);
  if (!kind || !isValidKey(key)) return null;
  return { kind, collection, key };
}

/** Parses an asset id given as input, naming `field` when it is malformed or of the wrong kind. */
export function parseId(id: string, field: FieldPath, catalogue: Catalogue, expected?: readonly AssetKind[]): ParsedId {
  const parsed = tryParseId(id, catalogue);
  if (!parsed) {
    const example = expected?.[0] ? `${COLLECTION_OF_KIND[expected[0]]}/my-key` : 'models/my-model';
    throw badInput(field, `expected an asset id such as "${example}", received "${id}"`);
  }
  if (expected && !expected.includes(parsed.kind)) {
    const names = expected.map((kind) => catalogue.kind(kind).collection).join(' or ');
    throw badInput(field, `expected the id of a ${names} asset, received "${id}" (a ${parsed.collection} asset)`);
  }
  return parsed;
}
