import type { Catalogue } from './catalogue.js';
import { badInput, type FieldPath } from './errors.js';
import { COLLECTION_OF_KIND, isBuiltinKind, type AssetKind, type BuiltinKind } from './kinds.js';

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
export function assetId(kind: BuiltinKind, key: string): string {
  return `${COLLECTION_OF_KIND[kind]}/${key}`;
}

/** The id of an asset of any kind the catalogue knows: `<collection>/<key>`. */
export function idInCatalogue(catalogue: Catalogue, kind: AssetKind, key: string): string {
  return `${catalogue.kind(kind).collection}/${key}`;
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

/** An id of each built-in kind as error messages show it: what a client would write. */
export const EXAMPLE_ID_OF_KIND = {
  PROJECT: 'project/churn',
  DATASET: 'datasets/churn-events',
  FEATURESET: 'featuresets/churn-features',
  MODEL: 'models/churn-xgb',
  RUN: 'run/run-0042',
  MODEL_PARAMS: 'modelparams/run-0042',
  DEV_PERF: 'devperf/run-0042',
  DEPLOYMENT: 'deployment/churn-prod',
  SERVING_PERF: 'servingperf/churn-prod-2026-w01',
} as const satisfies Record<BuiltinKind, string>;

/**
 * Parses an asset id given as input. A malformed id, an unknown collection
 * or a key ArangoDB would refuse is BAD_USER_INPUT naming `field`, showing an
 * id of the kind expected; an unknown collection also names the nearest
 * known one. With `expected`, an id of another kind is refused too.
 */
export function parseId(id: string, field: FieldPath, catalogue: Catalogue, expected?: readonly AssetKind[]): ParsedId {
  const example = exampleOf(catalogue, expected);
  const slash = id.indexOf('/');
  if (slash <= 0) {
    throw badInput(field, `expected an id "collection/key" such as "${example}", received "${id}"`);
  }
  const collection = id.slice(0, slash);
  const kind = catalogue.kindOfCollection(collection);
  if (!kind) throw badInput(field, unknownCollection(catalogue, id, collection));
  const key = id.slice(slash + 1);
  if (!isValidKey(key)) {
    throw badInput(
      field,
      `expected a key of 1 to 254 letters, digits or _-:.@()+,=;$!*'% after "${collection}/", received "${id}"`,
    );
  }
  if (expected && !expected.includes(kind)) {
    const names = expected.map((each) => catalogue.kind(each).collection).join(' or ');
    throw badInput(field, `expected the id of ${withArticle(names)} asset such as "${example}", received "${id}" (${withArticle(collection)} asset)`);
  }
  return { kind, collection, key };
}

function exampleOf(catalogue: Catalogue, expected: readonly AssetKind[] | undefined): string {
  const kind = expected?.[0] ?? 'MODEL';
  return isBuiltinKind(kind) ? EXAMPLE_ID_OF_KIND[kind] : `${catalogue.kind(kind).collection}/eval-0042`;
}

function unknownCollection(catalogue: Catalogue, id: string, collection: string): string {
  const collections = catalogue.kinds.map((spec) => spec.collection);
  const nearest = nearestCollection(collections, collection);
  const suggestion = nearest ? `; did you mean "${nearest}"?` : '.';
  return `no collection "${collection}" in "${id}"${suggestion} The collections are ${collections.join(', ')}`;
}

/**
 * The known collection a mistyped one most likely meant, or null when none
 * is close. Case, `_` and `-`, and a plural `s` are ignored first (`model`,
 * `Runs` and `model_params` all name a collection), then spelling within
 * two edits counts.
 */
export function nearestCollection(collections: readonly string[], collection: string): string | null {
  const wanted = normalise(collection);
  let best: { name: string; distance: number } | null = null;
  for (const name of collections) {
    const distance = editDistance(wanted, normalise(name));
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.min(2, wanted.length - 1) ? best.name : null;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '').replace(/s$/, '');
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** `models` → `a models`, `evaluations` → `an evaluations`: a collection named as an asset's kind is, with its article. */
function withArticle(collection: string): string {
  return `${/^[aeiou]/i.test(collection) ? 'an' : 'a'} ${collection}`;
}
