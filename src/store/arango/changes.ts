import type { AqlQuery } from 'arangojs/aql';
import type { ChangeDraft, ChangeRecord } from '../../domain/changes.js';
import type { ChangeQuery } from '../store.js';
import { Bindings } from './bindings.js';
import { META_COLLECTION, type ArangoNames } from './catalogue.js';
import { ownersLines } from './queries.js';

/**
 * The change log's collections beside arangopipe's: `metalayer_changes`,
 * one document per change keyed by its sequence zero-padded to 16 digits
 * (`seq` holds it as a number, for sorting); `metalayer_edge_spans`, an
 * edge per time a relation existed (`linked`, `unlinked`: sequences); the
 * counter `metalayer_meta/changes` ({ seq, at }: the last change's), which
 * every unit that appends updates inside its transaction, so concurrent
 * units collide there and are retried, and sequences follow commit order;
 * the history's start, `metalayer_meta/history` ({ start }).
 */
export const CHANGES_COLLECTION = 'metalayer_changes';
export const EDGE_SPANS_COLLECTION = 'metalayer_edge_spans';
export const CHANGE_COUNTER_KEY = 'changes';
export const HISTORY_KEY = 'history';

/** A change as stored: the record, its key and numeric sequence. */
export type ChangeDocument = ChangeRecord & { _key: string; seq: number };

/** A change of a unit of work as bound into `appendChanges`: the draft and who, through what. */
export type BoundChange = ChangeDraft & { actor: string; source: string };

/**
 * `/* appendChanges *\/` (never with no changes): appends a unit's changes
 * after the counter's last sequence, in order, at the unit's instant or the
 * last change's when that is later (`domain/changes.ts`, unitInstant), with
 * the first change's sequence as the unit's transaction id, and moves the
 * counter. Returns `{ first, at }`: the first change's sequence and the instant.
 */
export function appendChangesStatement(changes: readonly BoundChange[], at: string): AqlQuery {
  const b = new Bindings();
  const counterKey = b.bind('counterKey', CHANGE_COUNTER_KEY);
  return b.query([
    '/* appendChanges */',
    `LET counter = DOCUMENT(${b.bind('counterId', `${META_COLLECTION}/${CHANGE_COUNTER_KEY}`)})`,
    'LET last = NOT_NULL(counter.seq, 0)',
    `LET unitAt = ${b.bind('at', at)}`,
    'LET at = counter.at != null AND counter.at > unitAt ? counter.at : unitAt',
    `LET changes = ${b.bind('changes', changes)}`,
    'LET written = (',
    '  FOR i IN 0..LENGTH(changes) - 1',
    '    LET seq = last + i + 1',
    '    LET stored = { _key: RIGHT(CONCAT("0000000000000000", seq), 16), seq, sequence: TO_STRING(seq), at, transaction: TO_STRING(last + 1) }',
    `    INSERT MERGE(changes[i], stored) INTO ${CHANGES_COLLECTION}`,
    '    RETURN seq',
    ')',
    `UPSERT { _key: ${counterKey} }`,
    `  INSERT { _key: ${counterKey}, seq: last + LENGTH(written), at }`,
    '  UPDATE { seq: last + LENGTH(written), at }',
    `  IN ${META_COLLECTION}`,
    'RETURN { first: last + 1, at }',
  ]);
}

/** A relation's span change: the relation and the sequence of the change that linked or unlinked it. */
export interface SpanChange {
  from: string;
  to: string;
  relation: string;
  seq: number;
}

/** `/* openSpans *\/`: a span per relation linked, open until unlinked. */
export function openSpansStatement(spans: readonly SpanChange[]): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* openSpans */',
    `FOR s IN ${b.bind('spans', spans)}`,
    `  INSERT { _from: s.from, _to: s.to, relation: s.relation, linked: s.seq, unlinked: null } INTO ${EDGE_SPANS_COLLECTION}`,
  ]);
}

/** `/* closeSpans *\/`: closes each relation's open span linked before the change that unlinked it. */
export function closeSpansStatement(spans: readonly SpanChange[]): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* closeSpans */',
    `FOR s IN ${b.bind('spans', spans)}`,
    `  FOR span IN ${EDGE_SPANS_COLLECTION}`,
    '    FILTER span._from == s.from AND span.relation == s.relation AND span.linked < s.seq',
    '    FILTER span._to == s.to AND span.unlinked == null',
    `    UPDATE span WITH { unlinked: s.seq } IN ${EDGE_SPANS_COLLECTION}`,
  ]);
}

/** The attributes of a stored change that are not the record's. */
const STORAGE_ATTRIBUTES = "'_key', '_id', '_rev', 'seq'";

/**
 * `/* changes *\/`: the pages of many queries, one row each, in order. When
 * every query names its assets (histories), each reads the changes of those
 * assets through the [assetId, seq] and [to, seq] indexes; otherwise each
 * reads the log in key (sequence) order from its position. A scoped query
 * keeps a change when its asset exists and the viewer sees it, and for a
 * relation, its other end too: before the filters and the page.
 */
export function changesQuery(names: ArangoNames, queries: readonly ChangeQuery[]): AqlQuery {
  const b = new Bindings();
  const scoped = queries.some((query) => query.scope !== null);
  const byAssets = queries.every((query) => query.selection.assets !== null);
  const lines = ['/* changes */'];
  if (scoped) lines.push(`WITH ${names.vertexCollections.map((name) => names.identifier(name)).join(', ')}`);
  lines.push(`FOR q IN ${b.bind('queries', queries.map(queryBinding))}`, '  RETURN (');
  if (byAssets) {
    lines.push(
      '    FOR c IN UNION_DISTINCT(',
      `      (FOR id IN q.assets FOR c IN ${CHANGES_COLLECTION} FILTER c.assetId == id AND c.seq > q.after RETURN c),`,
      `      (FOR id IN q.assets FOR c IN ${CHANGES_COLLECTION} FILTER c.to == id AND c.seq > q.after RETURN c)`,
      '    )',
    );
  } else {
    lines.push(
      `    FOR c IN ${CHANGES_COLLECTION}`,
      '      FILTER c._key > q.afterKey',
      '      FILTER q.assets == null OR c.assetId IN q.assets OR c.to IN q.assets',
    );
  }
  lines.push(
    '      FILTER q.actor == null OR c.actor == q.actor',
    '      FILTER q.kinds == null OR c.kind IN q.kinds',
    '      FILTER q.operations == null OR c.operation IN q.operations',
    '      FILTER q.since == null OR c.at >= q.since',
    '      FILTER q.until == null OR c.at <= q.until',
  );
  if (scoped) {
    const ownerCollections = b.bind('ownerCollections', names.ownerCollections);
    // A relation's `to` end is checked like its asset; a change without one checks its asset twice.
    for (const [variable, id] of [['seen', 'c.assetId'], ['seenTo', 'NOT_NULL(c.to, c.assetId)']] as const) {
      lines.push(
        `      LET ${variable} = q.scope == null OR (DOCUMENT(${id}) != null AND FIRST(`,
        ...ownersLines(names, 'owners', id, ownerCollections).map((line) => `        ${line}`),
        '        RETURN LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, q.scope)) > 0',
        '      ))',
      );
    }
    lines.push('      FILTER seen AND seenTo');
  }
  lines.push(`      SORT ${byAssets ? 'c.seq' : 'c._key'}`, '      LIMIT q.take', `      RETURN UNSET(c, ${STORAGE_ATTRIBUTES})`, '  )');
  return b.query(lines);
}

/** A sequence as the key of its change: zero-padded to 16 digits, so keys sort as sequences do. */
export function changeKey(sequence: number): string {
  return String(sequence).padStart(16, '0');
}

function queryBinding(query: ChangeQuery) {
  const { selection } = query;
  return {
    after: query.afterSequence === null ? 0 : Number(query.afterSequence),
    afterKey: changeKey(query.afterSequence === null ? 0 : Number(query.afterSequence)),
    take: query.first + 1,
    scope: query.scope,
    actor: selection.actor,
    assets: selection.assets,
    kinds: selection.kinds,
    operations: selection.operations,
    since: selection.since,
    until: selection.until,
  };
}

/**
 * The lines setting `seq` from the bound instant: the sequence just before
 * the first change after it, or the counter's last sequence when none is
 * (so changes pruned since still count), 0 before the first change.
 */
export function sequenceLines(asOf: string): string[] {
  return [
    'LET seq = NOT_NULL(FIRST(',
    `  FOR c IN ${CHANGES_COLLECTION}`,
    `    FILTER c.at > ${asOf}`,
    '    SORT c.at, c.seq',
    '    LIMIT 1',
    '    RETURN c.seq - 1',
    `), DOCUMENT("${META_COLLECTION}/${CHANGE_COUNTER_KEY}").seq, 0)`,
  ];
}

/**
 * `/* authors *\/`: the actors of each asset's oldest CREATE and newest
 * CREATE or UPDATE, one row each, in order; as of an instant, of its changes
 * up to the instant's sequence.
 */
export function authorsQuery(ids: readonly string[], asOf: string | null = null): AqlQuery {
  const b = new Bindings();
  // As of an instant, only the changes up to its sequence count.
  const upTo = asOf === null ? '' : ' AND c.seq <= seq';
  return b.query([
    '/* authors */',
    ...(asOf === null ? [] : sequenceLines(b.bind('asOf', asOf))),
    `FOR id IN ${b.bind('ids', ids)}`,
    '  LET createdBy = FIRST(',
    `    FOR c IN ${CHANGES_COLLECTION}`,
    `      FILTER c.assetId == id${upTo} AND c.operation == "CREATE"`,
    '      SORT c.seq',
    '      LIMIT 1',
    '      RETURN c.actor',
    '  )',
    '  LET updatedBy = FIRST(',
    `    FOR c IN ${CHANGES_COLLECTION}`,
    `      FILTER c.assetId == id${upTo} AND c.operation IN ["CREATE", "UPDATE"]`,
    '      SORT c.seq DESC',
    '      LIMIT 1',
    '      RETURN c.actor',
    '  )',
    '  RETURN { createdBy: NOT_NULL(createdBy, "unknown"), updatedBy: NOT_NULL(updatedBy, "unknown") }',
  ]);
}

/** `/* lastChangeSequence *\/`: the counter's last sequence, null before the first change. */
export function lastChangeSequenceQuery(): AqlQuery {
  const b = new Bindings();
  return b.query(['/* lastChangeSequence */', `RETURN DOCUMENT(${b.bind('id', `${META_COLLECTION}/${CHANGE_COUNTER_KEY}`)}).seq`]);
}

/** `/* historyStart *\/`: the history's start, or null. */
export function historyStartQuery(): AqlQuery {
  const b = new Bindings();
  return b.query(['/* historyStart */', `RETURN DOCUMENT(${b.bind('id', `${META_COLLECTION}/${HISTORY_KEY}`)}).start`]);
}

/**
 * `/* pruneChanges *\/`: removes the changes before `before` and records the
 * start, never moving it back. Returns the last sequence removed (0 for none)
 * and how many.
 */
export function pruneChangesStatement(before: string): AqlQuery {
  const b = new Bindings();
  const key = b.bind('key', HISTORY_KEY);
  const start = b.bind('before', before);
  return b.query([
    '/* pruneChanges */',
    'LET removed = (',
    `  FOR c IN ${CHANGES_COLLECTION}`,
    `    FILTER c.at < ${start}`,
    `    REMOVE c IN ${CHANGES_COLLECTION}`,
    '    RETURN OLD.seq',
    ')',
    `UPSERT { _key: ${key} }`,
    `  INSERT { _key: ${key}, start: ${start} }`,
    `  UPDATE { start: OLD.start > ${start} ? OLD.start : ${start} }`,
    `  IN ${META_COLLECTION}`,
    'RETURN { last: NOT_NULL(MAX(removed), 0), count: LENGTH(removed) }',
  ]);
}

/** `/* pruneSpans *\/`: removes the spans of relations unlinked by a pruned change. */
export function pruneSpansStatement(last: number): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* pruneSpans */',
    `FOR s IN ${EDGE_SPANS_COLLECTION}`,
    `  FILTER s.unlinked != null AND s.unlinked <= ${b.bind('last', last)}`,
    `  REMOVE s IN ${EDGE_SPANS_COLLECTION}`,
  ]);
}

/**
 * `/* purgeChanges *\/`: empties the states of a deleted asset's changes,
 * `{ purged: true }` in their place. Returns `{ exists, held, purged }`:
 * whether the asset exists (then nothing is purged), whether the log holds
 * any change of it, how many were purged (those that still held a state:
 * none once purged).
 */
export function purgeChangesStatement(id: string): AqlQuery {
  const b = new Bindings();
  const idRef = b.bind('id', id);
  return b.query([
    '/* purgeChanges */',
    `LET exists = DOCUMENT(${idRef}) != null`,
    `LET held = LENGTH(FOR c IN ${CHANGES_COLLECTION} FILTER c.assetId == ${idRef} OR c.to == ${idRef} LIMIT 1 RETURN 1) > 0`,
    'LET purged = (',
    `  FOR c IN ${CHANGES_COLLECTION}`,
    `    FILTER NOT exists AND c.assetId == ${idRef}`,
    '    FILTER (c.before != null AND c.before != { purged: true }) OR (c.after != null AND c.after != { purged: true })',
    '    UPDATE c WITH {',
    '      before: c.before == null ? null : { purged: true },',
    '      after: c.after == null ? null : { purged: true }',
    `    } IN ${CHANGES_COLLECTION} OPTIONS { mergeObjects: false }`,
    '    RETURN 1',
    ')',
    'RETURN { exists, held, purged: LENGTH(purged) }',
  ]);
}

/** A baseline change as bound into `appendBaseline`: its own instant, the asset's or relation's creation. */
export type BaselineChange = BoundChange & { at: string; transaction: string };

/**
 * `/* appendBaseline *\/` (never with no changes): appends baseline changes
 * in order, each at its own instant (its asset's or relation's creation,
 * given in order) or the last change's when that is later, so `at` never
 * decreases; moves the counter. Returns `{ first }`.
 */
export function appendBaselineStatement(changes: readonly BaselineChange[]): AqlQuery {
  const b = new Bindings();
  const counterKey = b.bind('counterKey', CHANGE_COUNTER_KEY);
  return b.query([
    '/* appendBaseline */',
    `LET counter = DOCUMENT(${b.bind('counterId', `${META_COLLECTION}/${CHANGE_COUNTER_KEY}`)})`,
    'LET last = NOT_NULL(counter.seq, 0)',
    'LET floor = NOT_NULL(counter.at, "")',
    `LET changes = ${b.bind('changes', changes)}`,
    'LET written = (',
    '  FOR i IN 0..LENGTH(changes) - 1',
    '    LET seq = last + i + 1',
    '    LET at = MAX([floor, changes[i].at])',
    `    INSERT MERGE(changes[i], { _key: RIGHT(CONCAT("0000000000000000", seq), 16), seq, sequence: TO_STRING(seq), at }) INTO ${CHANGES_COLLECTION}`,
    '    RETURN at',
    ')',
    `UPSERT { _key: ${counterKey} }`,
    `  INSERT { _key: ${counterKey}, seq: last + LENGTH(written), at: MAX(written) }`,
    '  UPDATE { seq: last + LENGTH(written), at: MAX(APPEND(written, [floor])) }',
    `  IN ${META_COLLECTION}`,
    'RETURN { first: last + 1 }',
  ]);
}

/** `/* unseenAssets *\/`: up to `limit` documents of a collection the log holds no change of, oldest first. */
export function unseenAssetsQuery(names: ArangoNames, collection: string, limit: number): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* unseenAssets */',
    `FOR d IN ${names.identifier(collection)}`,
    `  FILTER LENGTH(FOR c IN ${CHANGES_COLLECTION} FILTER c.assetId == d._id LIMIT 1 RETURN 1) == 0`,
    '  SORT d.created_at, d._key',
    `  LIMIT ${b.bind('limit', limit)}`,
    '  RETURN d',
  ]);
}

/** `/* unseenEdges *\/`: up to `limit` relations of a collection without an open span, oldest first. */
export function unseenEdgesQuery(names: ArangoNames, relation: string, limit: number): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* unseenEdges */',
    `FOR e IN ${names.identifier(relation)}`,
    `  FILTER LENGTH(FOR s IN ${EDGE_SPANS_COLLECTION} FILTER s._from == e._from AND s._to == e._to`,
    `    AND s.relation == ${b.bind('relation', relation)} AND s.unlinked == null LIMIT 1 RETURN 1) == 0`,
    '  SORT e.seq, e._key',
    `  LIMIT ${b.bind('limit', limit)}`,
    '  RETURN { from: e._from, to: e._to, createdAt: e.created_at }',
  ]);
}
