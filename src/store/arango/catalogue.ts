import { ASSET_KINDS, COLLECTION_OF_KIND, NAMED_KINDS, type VertexCollection } from '../../domain/kinds.js';
import {
  LINEAGE_RELATIONS,
  RELATIONS,
  RELATION_NAMES,
  lineageSteps,
  type LineageDirection,
  type RelationName,
} from '../../domain/relations.js';

/**
 * The ArangoDB names metalayer uses, every one derived from the domain
 * catalogue: arangopipe's nine vertex collections, its eleven edge
 * collections plus `derived_from`, and their directions. Query text only ever
 * contains identifiers that pass `identifier()`; everything else is bound.
 */

export const VERTEX_COLLECTIONS: readonly VertexCollection[] = ASSET_KINDS.map((kind) => COLLECTION_OF_KIND[kind]);

export const EDGE_COLLECTIONS: readonly RelationName[] = RELATION_NAMES;

/** The edge collections that are lineage (all but `project_models`). */
export const LINEAGE_COLLECTIONS: readonly RelationName[] = LINEAGE_RELATIONS.map((relation) => relation.name);

/** The collections of the kinds whose (name, version) is unique. */
export const NAMED_COLLECTIONS: readonly VertexCollection[] = ASSET_KINDS.filter((kind) => NAMED_KINDS.has(kind)).map(
  (kind) => COLLECTION_OF_KIND[kind],
);

export interface EdgeDefinition {
  collection: RelationName;
  from: VertexCollection[];
  to: VertexCollection[];
}

/** The named graph's edge definitions, one per relation, as arangopipe declares them. */
export function edgeDefinitions(): EdgeDefinition[] {
  return EDGE_COLLECTIONS.map((name) => ({
    collection: name,
    from: RELATIONS[name].from.map((kind) => COLLECTION_OF_KIND[kind]),
    to: RELATIONS[name].to.map((kind) => COLLECTION_OF_KIND[kind]),
  }));
}

const KNOWN_IDENTIFIERS: ReadonlySet<string> = new Set<string>([...VERTEX_COLLECTIONS, ...EDGE_COLLECTIONS]);

/**
 * A collection name checked against the catalogue before it is written into
 * query text. Types already guarantee this; the check keeps the guarantee
 * when a value arrives from outside the type system.
 */
export function identifier(name: string): string {
  if (!KNOWN_IDENTIFIERS.has(name) || !/^[a-z_]+$/.test(name)) {
    throw new Error(`"${name}" is not a collection of metalayer's catalogue`);
  }
  return name;
}

/** AQL's keyword for an edge direction as seen from a vertex. */
export function aqlDirection(direction: 'OUT' | 'IN'): 'OUTBOUND' | 'INBOUND' {
  return direction === 'OUT' ? 'OUTBOUND' : 'INBOUND';
}

/**
 * The edge collection list of a lineage traversal towards `direction`, each
 * collection with its own direction: `OUTBOUND run_models, INBOUND run_devperf, …`.
 */
export function lineageEdgeList(direction: LineageDirection): string {
  return lineageSteps(direction)
    .map((step) => `${aqlDirection(step.direction)} ${identifier(step.relation)}`)
    .join(', ');
}
