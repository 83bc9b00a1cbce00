import { badInput } from './errors.js';
import { COLLECTION_OF_KIND, kindOfCollection, type AssetKind } from './kinds.js';

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

export function assetId(kind: AssetKind, key: string): string {
  return `${COLLECTION_OF_KIND[kind]}/${key}`;
}

/** Parses an asset id, or returns null when it is not one. */
export function tryParseId(id: string): ParsedId | null {
  const slash = id.indexOf('/');
  if (slash <= 0) return null;
  const collection = id.slice(0, slash);
  const key = id.slice(slash + 1);
  const kind = kindOfCollection(collection);
  if (!kind || !isValidKey(key)) return null;
  return { kind, collection, key };
}

/** Parses an asset id given as input, naming `field` when it is malformed or of the wrong kind. */
export function parseId(id: string, field: string, expected?: readonly AssetKind[]): ParsedId {
  const parsed = tryParseId(id);
  if (!parsed) {
    throw badInput(field, `expected an asset id such as "models/my-model", received "${id}"`);
  }
  if (expected && !expected.includes(parsed.kind)) {
    const names = expected.map((kind) => COLLECTION_OF_KIND[kind]).join(' or ');
    throw badInput(field, `expected the id of a ${names} asset, received "${id}" (a ${parsed.collection} asset)`);
  }
  return parsed;
}
