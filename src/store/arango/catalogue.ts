import { ownerChain, type Catalogue } from '../../domain/catalogue.js';
import type { AssetKind } from '../../domain/kinds.js';
import type { LineageDirection, RelationName } from '../../domain/relations.js';

/**
 * The ArangoDB names metalayer uses, every one derived from the catalogue the
 * server was started with: a vertex collection per kind (arangopipe's nine
 * for the built-in kinds), an edge collection per relation (arangopipe's
 * eleven plus `derived_from`), and their directions. Query text only ever
 * contains identifiers that pass `identifier()`; everything else is bound.
 */

/** metalayer's own collection beside arangopipe's: the commit revision and shared secrets. */
export const META_COLLECTION = 'metalayer_meta';

/** metalayer's own collection of metric points, one document per point of a development performance's series. */
export const METRIC_POINTS_COLLECTION = 'metalayer_metric_points';

/** Collection names that can stand in AQL text as they are (no quoting, no system `_` prefix). */
const PLAIN_NAME = /^[a-z][a-z0-9_]*$/;

export interface EdgeDefinition {
  collection: RelationName;
  from: string[];
  to: string[];
}

export class ArangoNames {
  readonly vertexCollections: readonly string[];
  readonly edgeCollections: readonly RelationName[];
  /** The edge collections that are lineage (all but containment such as `project_models`). */
  readonly lineageCollections: readonly RelationName[];
  /** The collections of the kinds whose (name, version) is unique. */
  readonly namedCollections: readonly string[];
  /** The collections of the kinds whose assets own themselves (projects): where ownership chains end. */
  readonly ownerCollections: readonly string[];
  /** The longest ownership chain, the depth of an ownership traversal. */
  readonly ownerDepth: number;
  private readonly ownerSteps: ReadonlyMap<RelationName, 'OUT' | 'IN'>;
  private readonly known: ReadonlySet<string>;

  /** Refuses a catalogue whose names cannot stand in AQL as they are, or that claims metalayer's own (`metalayer_…`). */
  constructor(readonly catalogue: Catalogue) {
    this.vertexCollections = catalogue.kinds.map((spec) => spec.collection);
    this.edgeCollections = catalogue.relations.map((relation) => relation.name);
    this.lineageCollections = catalogue.lineageRelations.map((relation) => relation.name);
    this.namedCollections = catalogue.kinds.filter((spec) => spec.named).map((spec) => spec.collection);
    this.known = new Set<string>([...this.vertexCollections, ...this.edgeCollections]);
    this.ownerCollections = catalogue.kinds.filter((spec) => spec.owner === 'self').map((spec) => spec.collection);
    const chains = catalogue.kinds.map((spec) => ownerChain(catalogue, spec.kind)).flatMap((c) => (Array.isArray(c) ? [c] : []));
    this.ownerDepth = Math.max(0, ...chains.map((chain) => chain.length));
    this.ownerSteps = ownerStepsOf(chains.flat());
    for (const name of this.known) {
      if (!PLAIN_NAME.test(name) || name.startsWith('metalayer_')) {
        throw new Error(`ArangoDB: the catalogue's collection name "${name}" cannot be used`);
      }
    }
  }

  /** The collection of a kind's assets. */
  collection(kind: AssetKind): string {
    return this.catalogue.kind(kind).collection;
  }

  /**
   * A collection name checked against the catalogue before it is written into
   * query text. Types already guarantee this; the check keeps the guarantee
   * when a value arrives from outside the type system.
   */
  identifier(name: string): string {
    if (!this.known.has(name)) throw new Error(`"${name}" is not a collection of metalayer's catalogue`);
    return name;
  }

  /** The named graph's edge definitions, one per relation, as arangopipe declares them. */
  edgeDefinitions(): EdgeDefinition[] {
    return this.catalogue.relations.map((relation) => ({
      collection: relation.name,
      from: relation.from.map((kind) => this.collection(kind)),
      to: relation.to.map((kind) => this.collection(kind)),
    }));
  }

  /** Whether a relation joins several collections at one of its ends (its edge keys then name the collections). */
  spansCollections(name: RelationName): boolean {
    const relation = this.catalogue.relation(name);
    return relation.from.length > 1 || relation.to.length > 1;
  }

  /**
   * The edge collection list of an ownership traversal, each ownership
   * relation with the direction that steps up towards the owners:
   * `INBOUND project_models, INBOUND run_models, …`. Every step it allows is
   * a step of some kind's chain, and every one leads nearer a project.
   */
  ownerEdgeList(): string {
    return [...this.ownerSteps].map(([relation, direction]) => `${aqlDirection(direction)} ${this.identifier(relation)}`).join(', ');
  }

  /**
   * The edge collection list of a lineage traversal towards `direction`, each
   * collection with its own direction: `OUTBOUND run_models, INBOUND run_devperf, …`.
   */
  lineageEdgeList(direction: LineageDirection): string {
    return this.catalogue
      .lineageSteps(direction)
      .map((step) => `${aqlDirection(step.direction)} ${this.identifier(step.relation)}`)
      .join(', ');
  }
}

/** Each ownership relation once, with its direction; a relation stepped both ways cannot be one traversal. */
function ownerStepsOf(steps: readonly { relation: RelationName; direction: 'OUT' | 'IN' }[]): Map<RelationName, 'OUT' | 'IN'> {
  const byRelation = new Map<RelationName, 'OUT' | 'IN'>();
  for (const { relation, direction } of steps) {
    const known = byRelation.get(relation);
    if (known !== undefined && known !== direction) {
      throw new Error(`ArangoDB: the ownership relation ${relation} is stepped in both directions`);
    }
    byRelation.set(relation, direction);
  }
  return byRelation;
}

/** AQL's keyword for an edge direction as seen from a vertex. */
export function aqlDirection(direction: 'OUT' | 'IN'): 'OUTBOUND' | 'INBOUND' {
  return direction === 'OUT' ? 'OUTBOUND' : 'INBOUND';
}
