import type { AqlQuery } from 'arangojs/aql';
import type { RelationName } from '../../domain/relations.js';
import { Bindings } from './bindings.js';
import { METRIC_POINTS_COLLECTION, type ArangoNames } from './catalogue.js';
import { VERSION_KEY_ATTRIBUTE, type AssetDocument } from './attributes.js';
import type { EdgeDocument } from './edges.js';

/**
 * The statements of a unit of work, each one AQL query run as a step of the
 * write's stream transaction. Every statement reads what it needs before it
 * modifies its collection (AQL refuses reads after a modification), and a
 * conditional write is a `FOR … IN (condition ? [doc] : [])` loop, since AQL
 * evaluates subqueries before the ternary operator that holds them.
 */

/** The (name, version) a named kind's asset takes, or null for kinds identified by key alone. */
export interface NameClaim {
  name: string;
  versionKey: string;
}

/**
 * `/* putAsset *\/`: inserts `doc` unless its key exists or its name is taken.
 * Returns `{ existing, taken, inserted }`: the document under the key, the
 * id of another asset holding the (name, version), the inserted document.
 */
export function putAssetStatement(
  names: ArangoNames,
  collection: string,
  id: string,
  doc: AssetDocument,
  claim: NameClaim | null,
): AqlQuery {
  const b = new Bindings();
  const coll = names.identifier(collection);
  const taken = takenName(b, coll, doc._key, claim);
  return b.query([
    '/* putAsset */',
    `LET existing = DOCUMENT(${b.bind('id', id)})`,
    ...taken,
    'LET inserted = (',
    `  FOR doc IN (existing == null AND taken == null ? [${b.bind('doc', doc)}] : [])`,
    `    INSERT doc INTO ${coll}`,
    '    RETURN NEW',
    ')',
    'RETURN { existing, taken, inserted: FIRST(inserted) }',
  ]);
}

/** `/* readAsset *\/`: the document of `id`, or null. */
export function readAssetStatement(id: string): AqlQuery {
  const b = new Bindings();
  return b.query(['/* readAsset */', `RETURN DOCUMENT(${b.bind('id', id)})`]);
}

/**
 * `/* replaceAsset *\/`: replaces the document (whose `_rev` must still be the
 * one read, else ArangoDB fails with a write-write conflict) unless its new
 * name is taken by another asset. Returns `{ taken, replaced }`.
 */
export function replaceAssetStatement(
  names: ArangoNames,
  collection: string,
  doc: AssetDocument & { _rev: string },
  claim: NameClaim | null,
): AqlQuery {
  const b = new Bindings();
  const coll = names.identifier(collection);
  return b.query([
    '/* replaceAsset */',
    ...takenName(b, coll, doc._key, claim),
    'LET replaced = (',
    `  FOR doc IN (taken == null ? [${b.bind('doc', doc)}] : [])`,
    `    REPLACE doc IN ${coll} OPTIONS { ignoreRevs: false }`,
    '    RETURN NEW',
    ')',
    'RETURN { taken, replaced: FIRST(replaced) }',
  ]);
}

/** `LET taken = …`: another asset of the collection holding the claimed (name, version). */
function takenName(b: Bindings, coll: string, key: string, claim: NameClaim | null): string[] {
  if (!claim) return ['LET taken = null'];
  return [
    'LET taken = FIRST(',
    `  FOR d IN ${coll}`,
    `    FILTER d.name == ${b.bind('name', claim.name)}`,
    `      AND d.${VERSION_KEY_ATTRIBUTE} == ${b.bind('versionKey', claim.versionKey)}`,
    `    FILTER d._key != ${b.bind('key', key)}`,
    '    LIMIT 1',
    '    RETURN d._id',
    ')',
  ];
}

/**
 * `/* putEdge *\/`: inserts the edge unless an edge with the same ends exists
 * in the collection, and only when both ends exist. If another edge already
 * holds the key (arangopipe keys some relations differently), `spareKey` is
 * used. Returns `{ fromFound, toFound, existing, inserted }`: whether each
 * end exists, from which the domain decides whether the relation may be put
 * (`checkEdge`; a refusal aborts the unit of work, insert included).
 */
export function putEdgeStatement(
  names: ArangoNames,
  relation: RelationName,
  edge: EdgeDocument,
  spareKey: string,
): AqlQuery {
  const b = new Bindings();
  const coll = names.identifier(relation);
  const from = b.bind('from', edge._from);
  const to = b.bind('to', edge._to);
  return b.query([
    '/* putEdge */',
    `LET fromFound = DOCUMENT(${from}) != null`,
    `LET toFound = DOCUMENT(${to}) != null`,
    'LET existing = FIRST(',
    `  FOR e IN ${coll}`,
    `    FILTER e._from == ${from} AND e._to == ${to}`,
    '    LIMIT 1',
    '    RETURN e._id',
    ')',
    `LET keyTaken = DOCUMENT(${b.bind('keyId', `${relation}/${edge._key}`)}) != null`,
    'LET inserted = (',
    `  FOR edge IN (fromFound AND toFound AND existing == null ? [${b.bind('edge', edge)}] : [])`,
    `    INSERT MERGE(edge, { _key: keyTaken ? ${b.bind('spareKey', spareKey)} : edge._key }) INTO ${coll}`,
    '    RETURN NEW._id',
    ')',
    'RETURN { fromFound, toFound, existing, inserted: FIRST(inserted) }',
  ]);
}

/**
 * `/* removeEdge *\/`: removes the relations of the collection from `from` to
 * `to` (one, unless arangopipe wrote it twice). Returns the ids removed; none
 * when there was no such relation, and the caller aborts with NOT_FOUND.
 */
export function removeEdgeStatement(names: ArangoNames, relation: RelationName, from: string, to: string): AqlQuery {
  const b = new Bindings();
  const coll = names.identifier(relation);
  return b.query([
    '/* removeEdge */',
    `FOR e IN ${coll}`,
    `  FILTER e._from == ${b.bind('from', from)} AND e._to == ${b.bind('to', to)}`,
    `  REMOVE e IN ${coll}`,
    '  RETURN OLD._id',
  ]);
}

/**
 * `/* deleteAsset *\/`: removes the asset and every edge it takes part in, in
 * every edge collection, and a development performance's metric points with
 * it. Returns `{ asset, relations }`: the removed document (null when there
 * was none, and the caller aborts) and the edge count.
 */
export function deleteAssetStatement(names: ArangoNames, collection: string, id: string, key: string): AqlQuery {
  const b = new Bindings();
  const coll = names.identifier(collection);
  const idRef = b.bind('id', id);
  const edgeLines = names.edgeCollections.map((edges) => names.identifier(edges)).map(
    (edges) =>
      `LET ${edges}_removed = ` +
      `(FOR e IN ${edges} FILTER e._from == ${idRef} OR e._to == ${idRef} REMOVE e IN ${edges} RETURN 1)`,
  );
  const counts = names.edgeCollections.map((edges) => `LENGTH(${edges}_removed)`).join(', ');
  const points = METRIC_POINTS_COLLECTION;
  const pointLines = hasMetricPoints(names, collection)
    ? [`LET points_removed = (FOR p IN ${points} FILTER p.devperf == ${idRef} REMOVE p IN ${points} RETURN 1)`]
    : [];
  return b.query([
    '/* deleteAsset */',
    `LET removed = (FOR d IN ${coll} FILTER d._key == ${b.bind('key', key)} REMOVE d IN ${coll} RETURN OLD)`,
    ...edgeLines,
    ...pointLines,
    `RETURN { asset: FIRST(removed), relations: SUM([${counts}]) }`,
  ]);
}

/** `/* importAssets *\/`: inserts every document; a taken key or (name, version) fails the query (1210). */
export function importAssetsStatement(
  names: ArangoNames,
  collection: string,
  docs: readonly AssetDocument[],
): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* importAssets */',
    `FOR doc IN ${b.bind('docs', docs)}`,
    `  INSERT doc INTO ${names.identifier(collection)}`,
  ]);
}

/**
 * `/* importEdges *\/`: inserts every edge when all their ends exist (assets of
 * the same import included); otherwise inserts none and returns the first
 * edge with a missing end. Returns `{ missing, inserted }`.
 */
export function importEdgesStatement(
  names: ArangoNames,
  relation: RelationName,
  edges: readonly EdgeDocument[],
): AqlQuery {
  const b = new Bindings();
  const list = b.bind('edges', edges);
  return b.query([
    '/* importEdges */',
    'LET missing = FIRST(',
    `  FOR edge IN ${list}`,
    '    FILTER DOCUMENT(edge._from) == null OR DOCUMENT(edge._to) == null',
    '    LIMIT 1',
    '    RETURN { from: edge._from, to: edge._to, fromFound: DOCUMENT(edge._from) != null }',
    ')',
    'LET inserted = (',
    `  FOR edge IN (missing == null ? ${list} : [])`,
    `    INSERT edge INTO ${names.identifier(relation)}`,
    '    RETURN 1',
    ')',
    'RETURN { missing, inserted: LENGTH(inserted) }',
  ]);
}

/** `/* existingKeys *\/`: which of `keys` a collection holds (diagnoses a failed import). */
export function existingKeysStatement(names: ArangoNames, collection: string, keys: readonly string[]): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* existingKeys */',
    `FOR d IN ${names.identifier(collection)}`,
    `  FILTER d._key IN ${b.bind('keys', keys)}`,
    '  RETURN d._key',
  ]);
}

/**
 * `/* takenNames *\/`: which claimed (name, version)s another asset holds,
 * and which asset (diagnoses a failed import). The optimizer uses the sparse
 * (name, version_key) index for values it cannot prove non-null, such as a
 * loop variable's, only after conditions that exclude null on both
 * attributes, read first; without them each claim scans the collection.
 */
export function takenNamesStatement(names: ArangoNames, collection: string, claims: readonly NameClaim[]): AqlQuery {
  const b = new Bindings();
  const coll = names.identifier(collection);
  return b.query([
    '/* takenNames */',
    `FOR claim IN ${b.bind('claims', claims)}`,
    '  LET holder = FIRST(',
    `    FOR d IN ${coll}`,
    `      FILTER d.name != null AND d.${VERSION_KEY_ATTRIBUTE} != null`,
    `        AND d.name == claim.name AND d.${VERSION_KEY_ATTRIBUTE} == claim.versionKey`,
    '      LIMIT 1',
    '      RETURN d._id',
    '  )',
    '  FILTER holder != null',
    '  RETURN { name: claim.name, versionKey: claim.versionKey, holder }',
  ]);
}

/** Whether assets of `collection` have metric series (development performance). */
export function hasMetricPoints(names: ArangoNames, collection: string): boolean {
  return names.catalogue.kinds.some((spec) => spec.kind === 'DEV_PERF' && spec.collection === collection);
}
