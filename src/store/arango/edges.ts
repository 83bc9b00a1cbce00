import { createHash } from 'node:crypto';
import { badInput, notFound } from '../../domain/errors.js';
import { tryParseId, type ParsedId } from '../../domain/ids.js';
import { RELATIONS, isRelationName, type EdgeRecord, type RelationName } from '../../domain/relations.js';

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
 * The parsed ends of a relation to put, checked against the catalogue: an
 * end that is no asset id cannot exist (NOT_FOUND), and the relation must fit
 * the ends' kinds and relate two distinct assets (BAD_USER_INPUT), since
 * ArangoDB does not check a named graph's edge definitions on AQL inserts.
 */
export function edgeEnds(edge: EdgeRecord, field: string): { from: ParsedId; to: ParsedId } {
  const from = tryParseId(edge.from);
  const to = tryParseId(edge.to);
  if (!from) throw notFound(edge.from, field);
  if (!to) throw notFound(edge.to, field);
  if (!isRelationName(edge.relation)) throw badInput(field, `expected a relation name, received "${edge.relation}"`);
  const relation = RELATIONS[edge.relation];
  if (!relation.from.includes(from.kind) || !relation.to.includes(to.kind) || edge.from === edge.to) {
    throw badInput(field, `${edge.relation} cannot relate ${edge.from} to ${edge.to}`);
  }
  return { from, to };
}

/** The document of a relation put at `now`. */
export function edgeDocument(
  edge: EdgeRecord,
  ends: { from: ParsedId; to: ParsedId },
  now: string,
  seq: number,
): EdgeDocument {
  return { _key: edgeKey(edge.relation, ends.from, ends.to), _from: edge.from, _to: edge.to, created_at: now, seq };
}

/**
 * The edge key: `<from>-<to>`, where each side is the vertex key (prefixed
 * with `collection:` when the relation spans several collections, as
 * `derived_from` does) with `%` and `-` percent-encoded. The single raw `-`
 * then separates the sides unambiguously. A key longer than ArangoDB allows
 * falls back to `hashedEdgeKey`, whose `--` no readable key contains.
 */
export function edgeKey(relation: RelationName, from: ParsedId, to: ParsedId): string {
  const spansCollections = RELATIONS[relation].from.length > 1 || RELATIONS[relation].to.length > 1;
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
