import type { Database } from 'arangojs';
import { CollectionType } from 'arangojs/collections';
import type { EnsurePersistentIndexOptions } from 'arangojs/indexes';
import type { Catalogue } from '../../domain/catalogue.js';
import { ArangoNames, META_COLLECTION, METRIC_POINTS_COLLECTION, type EdgeDefinition } from './catalogue.js';
import { CHANGES_COLLECTION, EDGE_SPANS_COLLECTION } from './changes.js';
import { METRIC_POINT_INDEXES } from './metrics.js';
import { USAGE_COLLECTION, USAGE_INDEXES } from './reuse-queries.js';
import { VERSION_KEY_ATTRIBUTE } from './attributes.js';
import { ErrorNum, errorNum } from './errors.js';

export interface LayoutOptions {
  graphName: string;
  /** The kinds and relations whose collections and edge definitions must exist. */
  catalogue: Catalogue;
  replicationFactor?: number;
  writeConcern?: number;
}

/** The indexes of every vertex collection. */
export const VERTEX_INDEXES: readonly EnsurePersistentIndexOptions[] = [
  // listAssets: (created_at, _key) keyset order, created-at ranges.
  { type: 'persistent', name: 'metalayer_created', fields: ['created_at', '_key'], inBackground: true },
  // listAssets' tag filter, and arangopipe's lookups by tag.
  { type: 'persistent', name: 'metalayer_tag', fields: ['tag'], sparse: true, inBackground: true },
];

/**
 * The uniqueness of a named kind's (name, version). Sparse over `version_key`,
 * which only metalayer writes: arangopipe's documents (which may share names)
 * stay outside it, so the index can be built on an existing arangopipe
 * database, and every asset metalayer writes is inside it.
 */
export const NAME_INDEX: EnsurePersistentIndexOptions = {
  type: 'persistent',
  name: 'metalayer_name_version',
  fields: ['name', VERSION_KEY_ATTRIBUTE],
  unique: true,
  sparse: true,
  inBackground: true,
};

/**
 * Creates what is missing of the catalogue's layout: a vertex collection per
 * kind and an edge collection per relation (arangopipe's nine and twelve for
 * the built-in catalogue), the named graph with one edge definition per
 * relation, metalayer's indexes, and metalayer's own collections
 * (`metalayer_meta`, `metalayer_metric_points`, the change log's
 * `metalayer_changes` and `metalayer_edge_spans`, the usage cache's
 * `metalayer_usage`, with their indexes). Idempotent, safe to run from several processes at
 * once, and it never drops or changes what exists (an existing graph only
 * gains the edge definitions it lacks, such as `derived_from`).
 */
export async function ensureLayout(db: Database, options: LayoutOptions): Promise<void> {
  const names = new ArangoNames(options.catalogue);
  const existing = new Map((await db.listCollections()).map((c) => [c.name, c.type]));
  const settings = collectionSettings(options);
  for (const name of [...names.vertexCollections, META_COLLECTION, METRIC_POINTS_COLLECTION, CHANGES_COLLECTION, USAGE_COLLECTION]) {
    await ensureCollection(existing.get(name), name, CollectionType.DOCUMENT_COLLECTION, () =>
      db.createCollection(name, settings),
    );
  }
  for (const name of [...names.edgeCollections, EDGE_SPANS_COLLECTION]) {
    await ensureCollection(existing.get(name), name, CollectionType.EDGE_COLLECTION, () =>
      db.createEdgeCollection(name, settings),
    );
  }
  await ensureGraph(db, names, options);
  for (const name of names.vertexCollections) {
    for (const index of VERTEX_INDEXES) await db.collection(name).ensureIndex(index);
  }
  for (const name of names.namedCollections) await ensureNameIndex(db, name);
  for (const index of METRIC_POINT_INDEXES) await db.collection(METRIC_POINTS_COLLECTION).ensureIndex(index);
  for (const index of CHANGE_INDEXES) await db.collection(CHANGES_COLLECTION).ensureIndex(index);
  for (const index of SPAN_INDEXES) await db.collection(EDGE_SPANS_COLLECTION).ensureIndex(index);
  for (const index of USAGE_INDEXES) await db.collection(USAGE_COLLECTION).ensureIndex(index);
}

/** The change log's indexes: an asset's history, a relation's `to` end's, instants. */
export const CHANGE_INDEXES: readonly EnsurePersistentIndexOptions[] = [
  { type: 'persistent', name: 'metalayer_change_asset', fields: ['assetId', 'seq'], inBackground: true },
  { type: 'persistent', name: 'metalayer_change_to', fields: ['to', 'seq'], sparse: true, inBackground: true },
  { type: 'persistent', name: 'metalayer_change_at', fields: ['at'], inBackground: true },
];

/** The spans' indexes beside the edge index: a relation's spans from either end, in the order they began. */
export const SPAN_INDEXES: readonly EnsurePersistentIndexOptions[] = [
  { type: 'persistent', name: 'metalayer_span_from', fields: ['_from', 'relation', 'linked'], inBackground: true },
  { type: 'persistent', name: 'metalayer_span_to', fields: ['_to', 'relation', 'linked'], inBackground: true },
];

function collectionSettings(options: LayoutOptions): { replicationFactor?: number; writeConcern?: number } {
  return {
    ...(options.replicationFactor !== undefined ? { replicationFactor: options.replicationFactor } : {}),
    ...(options.writeConcern !== undefined ? { writeConcern: options.writeConcern } : {}),
  };
}

async function ensureCollection(
  type: CollectionType | undefined,
  name: string,
  expected: CollectionType,
  create: () => Promise<unknown>,
): Promise<void> {
  if (type === undefined) {
    await ignoring(ErrorNum.DUPLICATE_NAME, create);
    return;
  }
  if (type !== expected) {
    const wanted = expected === CollectionType.EDGE_COLLECTION ? 'an edge' : 'a document';
    throw new Error(`ArangoDB: collection "${name}" exists but is not ${wanted} collection`);
  }
}

async function ensureGraph(db: Database, names: ArangoNames, options: LayoutOptions): Promise<void> {
  const graph = db.graph(options.graphName);
  if (!(await graph.exists())) {
    await ignoring(ErrorNum.GRAPH_DUPLICATE, () =>
      db.createGraph(options.graphName, names.edgeDefinitions(), collectionSettings(options)),
    );
  }
  const defined = new Map((await graph.get()).edgeDefinitions.map((definition) => [definition.collection, definition]));
  for (const definition of names.edgeDefinitions()) {
    const existing = defined.get(definition.collection);
    if (!existing) {
      await ignoring(ErrorNum.GRAPH_COLLECTION_MULTI_USE, () => graph.addEdgeDefinition(definition));
      continue;
    }
    const wider = widened(existing, definition);
    if (wider) await graph.replaceEdgeDefinition(wider);
  }
}

/**
 * The edge definition that joins what `existing` joins and what the catalogue
 * needs (`derived_from` once custom kinds join it), or null when `existing`
 * holds it already. Never narrower: collections another tool added stay.
 */
export function widened(
  existing: { collection: string; from: readonly string[]; to: readonly string[] },
  needed: EdgeDefinition,
): EdgeDefinition | null {
  const from = [...new Set([...existing.from, ...needed.from])];
  const to = [...new Set([...existing.to, ...needed.to])];
  if (from.length === existing.from.length && to.length === existing.to.length) return null;
  return { collection: needed.collection, from, to };
}

/**
 * A sharded collection (not OneShard) cannot have a unique index on
 * attributes other than its shard key; the name check inside each write's
 * transaction then stands alone, and concurrent writers of the same name can
 * both succeed. See docs/arangodb.md, Scaling out.
 */
async function ensureNameIndex(db: Database, name: string): Promise<void> {
  await ignoring(ErrorNum.CLUSTER_UNSUPPORTED, () => db.collection(name).ensureIndex(NAME_INDEX));
}

async function ignoring(num: number, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (errorNum(error) !== num) throw error;
  }
}
