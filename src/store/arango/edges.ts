import { createHash } from 'node:crypto';
import type { Catalogue } from '../../domain/catalogue.js';
import type { FieldPath } from '../../domain/errors.js';
import { tryParseId, type ParsedId } from '../../domain/ids.js';
import type { EdgeRecord, RelationName } from '../../domain/relations.js';
import { checkEdge } from '../../domain/writes.js';
import type { ArangoNames } from './catalogue.js';

/**
 * Edge documents. arangopipe keys an edge `<fromKey>-<toKey>` and stores only
 * `_from` and `_to`; metalayer writes the same key whenever it is unambiguous
 * (neither key holds `-` or `%`, the relation joins two fixed collections),
 * and adds `created_at` and `seq`, which order a vertex's relations oldest
 * first.
 *
 * Whether a relation exists is always decided by (`_from`, `_to`), never by
 * key, so arangopipe's own edges (its `run_models` keys are `<run>-<model>`)
 * are recognised. The key only has to be valid and injective per collection,
 * so that two writers racing to put the same relation collide on it.
 */

export interface EdgeDocument {
  _key: string;
  _from: string;
  _to: string;
  created_at: string;
  /** A strictly increasing clock reading (µs since the epoch) of the writing process. */
  seq: number;
}

const MAX_KEY_LENGTH = 254;

/**
 * The parsed ends of a relation, checked by the domain's rule (`checkEdge`)
 * as far as the ids alone tell, with each end's kind read from its id: an
 * id outside the catalogue names no asset (NOT_FOUND); an asset related to
 * itself, or ends of kinds the relation does not join, are BAD_USER_INPUT.
 * Whether the ends exist only the database can tell.
 */
export function edgeEnds(catalogue: Catalogue, edge: EdgeRecord, field: FieldPath): { from: ParsedId; to: ParsedId } {
  const from = tryParseId(edge.from, catalogue);
  const to = tryParseId(edge.to, catalogue);
  checkEdge(catalogue, edge, from?.kind ?? null, to?.kind ?? null, field);
  if (!from || !to) throw new Error(`checkEdge passed an end outside the catalogue: ${edge.from} → ${edge.to}`);
  return { from, to };
}

/** The document of a relation put at `at`. */
export function edgeDocument(
  names: ArangoNames,
  edge: EdgeRecord,
  ends: { from: ParsedId; to: ParsedId },
  at: string,
  seq: number,
): EdgeDocument {
  const key = edgeKey(names, edge.relation, ends.from, ends.to);
  return { _key: key, _from: edge.from, _to: edge.to, created_at: at, seq };
}

/**
 * The edge key: `<from>-<to>`, where each side is the vertex key (prefixed
 * with `collection:` when the relation spans several collections, as
 * `derived_from` does) with `%` and `-` percent-encoded. The single raw `-`
 * then separates the sides unambiguously. A key longer than ArangoDB allows
 * falls back to `hashedEdgeKey`, whose `--` no readable key contains.
 */
export function edgeKey(names: ArangoNames, relation: RelationName, from: ParsedId, to: ParsedId): string {
  const spansCollections = names.spansCollections(relation);
  const side = (id: ParsedId) => (spansCollections ? `${id.collection}:${escapeKey(id.key)}` : escapeKey(id.key));
  const key = `${side(from)}-${side(to)}`;
  if (key.length <= MAX_KEY_LENGTH) return key;
  return hashedEdgeKey(`${from.collection}/${from.key}`, `${to.collection}/${to.key}`);
}

/** A key for any (from, to) pair, used when the readable one is too long or already taken by another edge. */
export function hashedEdgeKey(from: string, to: string): string {
  return `h--${createHash('sha256').update(`${from}\n${to}`).digest('hex')}`;
}

function escapeKey(key: string): string {
  return key.replace(/%/g, '%25').replace(/-/g, '%2D');
}

/**
 * The per-process clock behind `seq`: wall-clock microseconds, bumped so that
 * each reading is greater than the last, so relations put in the same
 * millisecond keep the order they were put in.
 */
export class SequenceClock {
  private last = 0;

  constructor(private readonly now: () => Date) {}

  next(): number {
    this.last = Math.max(this.now().getTime() * 1000, this.last + 1);
    return this.last;
  }
}
