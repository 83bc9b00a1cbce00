import type { AqlQuery } from 'arangojs/aql';
import { ownerChain, type OwnerStep } from '../../domain/catalogue.js';
import type { AssetKind } from '../../domain/kinds.js';
import type { EdgeDirection } from '../../domain/relations.js';
import type { ListQuery } from '../store.js';
import { Bindings } from './bindings.js';
import { META_COLLECTION, type ArangoNames } from './catalogue.js';
import { CHANGES_COLLECTION, EDGE_SPANS_COLLECTION as SPANS_COLLECTION, HISTORY_KEY, sequenceLines } from './changes.js';
import type { LineageGroup, NeighborGroup } from './queries.js';

/**
 * The engine's read queries as of an instant, from metalayer's change log:
 * `metalayer_changes` (one document per change, `seq` its sequence) and
 * `metalayer_edge_spans` (one edge per time a relation existed, `linked`
 * and `unlinked` change sequences, `unlinked` null while it exists).
 * "As of T" is after the change of sequence `seq`, the last one whose `at`
 * is at or before T (instants never decrease in sequence order); each
 * query finds `seq` itself, so one port call is still one query. At `seq`:
 *
 * - an asset is the `after` of its last CREATE, UPDATE or DELETE change of
 *   a sequence ≤ seq, absent when there is none or it is a DELETE; it was
 *   created at the `at` of its last CREATE, updated at that change's;
 * - a relation exists when one of its spans has linked ≤ seq < unlinked;
 * - an erased asset (its states purged to `{ purged: true }`) existed, so
 *   lineages pass through it as through a hidden one, but it reads as
 *   absent: no state, no node, no edge, no listing.
 *
 * Every row naming an asset carries its state, `{ id, kind, after,
 * createdAt, updatedAt }` (store/states.ts).
 */


/** The change operations that set an asset's state. */
const STATE_OPERATIONS = '["CREATE", "UPDATE", "DELETE"]';

/** Names the variables of one query, so nested and sibling subqueries never reuse one. */
class Names {
  private count = 0;
  fresh(prefix: string): string {
    return `${prefix}${++this.count}`;
  }
}

/**
 * An expression: the change that set the state at `seq` of the asset whose
 * id is `id`. When it has none up to `seq` (its earlier changes pruned, or
 * none made), its next change stands for one: a CREATE means it did not
 * exist (a DELETE), an UPDATE or DELETE found it as its `before` (an
 * UPDATE of that state, at the history's start); with no change at all, it
 * is as it is now (`CURRENT`).
 */
function stateChange(n: Names, id: string): string {
  const c = n.fresh('c');
  const d = n.fresh('d');
  return [
    `NOT_NULL(FIRST(FOR ${c} IN ${CHANGES_COLLECTION} FILTER ${c}.assetId == ${id} AND ${c}.seq <= seq AND ${c}.operation IN ${STATE_OPERATIONS} SORT ${c}.seq DESC LIMIT 1 RETURN ${c}),`,
    ` FIRST(FOR ${d} IN ${CHANGES_COLLECTION} FILTER ${d}.assetId == ${id} AND ${d}.seq > seq AND ${d}.operation IN ${STATE_OPERATIONS} SORT ${d}.seq LIMIT 1`,
    ` RETURN ${d}.operation == "CREATE" ? { operation: "DELETE" } : { operation: "UPDATE", kind: ${d}.kind, after: ${d}.before, seq: seq, at: DOCUMENT("${META_COLLECTION}/${HISTORY_KEY}").start, created: DOCUMENT(${id}).created_at }),`,
    ' { operation: "CURRENT" })',
  ].join('');
}

/**
 * An expression: the asset's state row from its state change `change` (a
 * variable): null when it did not exist, `{ document }` when it is as it is now.
 */
function stateRow(n: Names, id: string, change: string): string {
  const k = n.fresh('k');
  const created = `FIRST(FOR ${k} IN ${CHANGES_COLLECTION} FILTER ${k}.assetId == ${id} AND ${k}.seq <= ${change}.seq AND ${k}.operation == "CREATE" SORT ${k}.seq DESC LIMIT 1 RETURN ${k}.at)`;
  const state = `{ id: ${id}, kind: ${change}.kind, after: ${change}.after, createdAt: NOT_NULL(${change}.created, ${created}), updatedAt: ${change}.at }`;
  return `${change}.operation == "DELETE" OR ${erased(change)} ? null : ${change}.operation == "CURRENT" ? { document: DOCUMENT(${id}) } : ${state}`;
}

/**
 * An expression: whether the state change `change` (a variable) holds an
 * erased asset's tombstone, the `{ purged: true }` that `purgeChanges` leaves.
 * An erased asset existed, so lineages pass through it as through a hidden
 * one, but it reads as absent.
 */
function erased(change: string): string {
  return `${change}.after == { purged: true }`;
}

/** A FILTER keeping the relation span `s` that existed at `seq`. */
function live(s: string): string {
  return `${s}.linked <= seq AND (${s}.unlinked == null OR ${s}.unlinked > seq)`;
}

/** An expression: whether the asset whose id is `id` existed at `seq` (its state as `stateChange` reads it). */
function exists(n: Names, id: string): string {
  const st = n.fresh('st');
  return `FIRST(FOR ${st} IN [${stateChange(n, id)}] RETURN ${st}.operation IN ["CREATE", "UPDATE"] OR (${st}.operation == "CURRENT" AND DOCUMENT(${id}) != null))`;
}

/** `/* getAssetsAsOf *\/`: the state of each id at the instant, one row each, in order, null where none existed. */
export function getAssetsAsOfQuery(ids: readonly string[], asOf: string): AqlQuery {
  const b = new Bindings();
  const n = new Names();
  return b.query([
    '/* getAssetsAsOf */',
    ...sequenceLines(b.bind('asOf', asOf)),
    `FOR id IN ${b.bind('ids', ids)}`,
    `  LET change = ${stateChange(n, 'id')}`,
    `  RETURN ${stateRow(n, 'id', 'change')}`,
  ]);
}

/**
 * `/* neighborsAsOf *\/`: one row, an array per group holding an array of
 * neighbour states per id, oldest link first, along the spans that existed
 * at the instant, between assets that existed then.
 */
export function neighborsAsOfQuery(groups: readonly NeighborGroup[], asOf: string): AqlQuery {
  const b = new Bindings();
  const n = new Names();
  const lines = ['/* neighborsAsOf */', ...sequenceLines(b.bind('asOf', asOf))];
  groups.forEach((group, g) => {
    const [near, far] = group.direction === 'OUT' ? ['_from', '_to'] : ['_to', '_from'];
    lines.push(
      `LET g${g} = (`,
      `  FOR id IN ${b.bind(`g${g}_ids`, group.ids)}`,
      '    RETURN (',
      `      FOR s IN ${SPANS_COLLECTION}`,
      `        FILTER s.${near} == id AND s.relation == ${b.bind(`g${g}_relation`, group.relation)} AND ${live('s')}`,
      '        SORT s.linked',
      `        LET change = ${stateChange(n, `s.${far}`)}`,
      `        FILTER change.operation != "DELETE" AND NOT (${erased('change')})`,
      `        RETURN ${stateRow(n, `s.${far}`, 'change')}`,
      '    )',
      ')',
    );
  });
  lines.push(`RETURN [${groups.map((_, g) => `g${g}`).join(', ')}]`);
  return b.query(lines);
}

/**
 * The AQL lines setting `variable` to the sorted owning projects at `seq`
 * of the asset whose id is `id` (which existed then): itself for a
 * project, else the ends of its kind's ownership chain (the catalogue's
 * steps, each along a span that existed then to an asset of the step's
 * kind that existed then), one subquery per chained kind, each reading
 * nothing unless `id` is of its collection.
 */
function ownersAsOfLines(names: ArangoNames, n: Names, variable: string, id: string): string[] {
  const collection = n.fresh('collection');
  const selves = names.catalogue.kinds.filter((spec) => spec.owner === 'self').map((spec) => spec.collection);
  const chains = names.catalogue.kinds.flatMap((spec) => {
    const chain = ownerChain(names.catalogue, spec.kind);
    return Array.isArray(chain) ? [chainSubquery(names, n, spec.kind, chain, collection, id)] : [];
  });
  return [
    `LET ${collection} = PARSE_IDENTIFIER(${id}).collection`,
    `LET ${variable} = SORTED_UNIQUE(APPEND(${collection} IN ${JSON.stringify(selves)} ? [${id}] : [], FLATTEN([`,
    ...chains.map((lines, i) => lines.map((line) => `  ${line}`).join('\n') + (i < chains.length - 1 ? ',' : '')),
    '])))',
  ];
}

/** One kind's ownership chain at `seq`, as a subquery of the owners it ends in. */
function chainSubquery(names: ArangoNames, n: Names, kind: AssetKind, chain: readonly OwnerStep[], collection: string, id: string): string[] {
  const start = n.fresh('a');
  const lines = [`(FOR ${start} IN (${collection} == "${names.collection(kind)}" ? [${id}] : [])`];
  let at = start;
  chain.forEach((step, i) => {
    const s = n.fresh('span');
    const [near, far] = ends(step.direction);
    const indent = '  '.repeat(i + 2);
    lines.push(
      `${indent}FOR ${s} IN ${SPANS_COLLECTION}`,
      `${indent}  FILTER ${s}.${near} == ${at} AND ${s}.relation == "${names.identifier(step.relation)}" AND ${live(s)}`,
      `${indent}  FILTER PARSE_IDENTIFIER(${s}.${far}).collection == "${names.collection(step.kind)}" AND ${exists(n, `${s}.${far}`)}`,
    );
    at = `${s}.${far}`;
  });
  lines.push(`${'  '.repeat(chain.length + 2)}RETURN ${at})`);
  return lines;
}

function ends(direction: EdgeDirection): [string, string] {
  return direction === 'OUT' ? ['_from', '_to'] : ['_to', '_from'];
}

/** `/* ownersAsOf *\/`: the sorted owning projects at the instant of each id, one row each, in order; none for an asset that did not exist then. */
export function ownersAsOfQuery(names: ArangoNames, ids: readonly string[], asOf: string): AqlQuery {
  const b = new Bindings();
  const n = new Names();
  return b.query([
    '/* ownersAsOf */',
    ...sequenceLines(b.bind('asOf', asOf)),
    `FOR id IN ${b.bind('ids', ids)}`,
    `  LET existed = ${exists(n, 'id')}`,
    ...ownersAsOfLines(names, n, 'owners', 'id').map((line) => `  ${line}`),
    '  RETURN existed ? owners : []',
  ]);
}

/**
 * `/* traverseAsOf *\/`: the lineage at the instant of every start of every
 * group, in one query; one row, an array per group of `{ nodes: [{ asset,
 * degree }], edges, truncated }` per start, each asset its state.
 *
 * A traversal of ArangoDB follows each edge collection in one direction,
 * while the spans of every relation share one collection, each relation
 * stepped in its own direction: a traversal over them in both directions
 * would mark as visited an asset reached against a relation's direction and
 * lose it when reached along it. So the breadth-first search is written out,
 * one level after another (depth + 1 levels), exactly as lineage.ts states
 * it and as the SQLite engine runs it:
 *
 * - level k holds the assets not visited before that one step along a span
 *   that existed at `seq` leads to from level k - 1, and that existed then;
 * - a level is explored while the previous one was and held assets, the
 *   visit limit was not crossed and no more than `limit` were selected; the
 *   level that crosses the visit limit is dropped whole;
 * - the selected assets are those of the kinds asked for and, for a scoped
 *   viewer, those it may see at `seq`. Ownership is read once, over every
 *   explored asset of those kinds, rather than level by level: a scoped
 *   search goes on past `limit` selected assets, which changes no answer
 *   (further levels only add assets of greater degree, and the result is
 *   truncated already) and keeps the query one ownership block long;
 * - level depth + 1 only tells whether a (visible) asset lies beyond the depth;
 * - `edges` are the lineage spans of `seq` among the chosen assets and the start.
 */
export function traverseAsOfQuery(names: ArangoNames, groups: readonly LineageGroup[], asOf: string): AqlQuery {
  const b = new Bindings();
  const n = new Names();
  const lines = ['/* traverseAsOf */', ...sequenceLines(b.bind('asOf', asOf))];
  const lineageRelations = b.bind('lineageRelations', names.lineageCollections);
  groups.forEach((group, g) => {
    const v = (name: string, value: unknown) => b.bind(`g${g}_${name}`, value);
    const steps = names.catalogue.lineageSteps(group.direction);
    const out = v('out', steps.filter((s) => s.direction === 'OUT').map((s) => s.relation));
    const into = v('in', steps.filter((s) => s.direction === 'IN').map((s) => s.relation));
    const limit = v('limit', group.limit);
    const visitLimit = v('visitLimit', group.visitLimit);
    const collections = group.kinds ? v('collections', group.kinds.map((kind) => names.collection(kind))) : null;
    const scope = group.scope === null ? null : v('scope', group.scope);
    /** The members of `list` (ids, or objects whose `field` is the id) the scoped viewer may see at `seq`. */
    const visibleOnly = (list: string, field: string | null = null): string => {
      if (scope === null) return list;
      const member = n.fresh('member');
      const owners = n.fresh('owners');
      const id = field === null ? member : `${member}.${field}`;
      return [
        `(FOR ${member} IN ${list}`,
        ...ownersAsOfLines(names, n, owners, id).map((line) => `          ${line}`),
        `          FILTER LENGTH(${owners}) == 0 OR LENGTH(INTERSECTION(${owners}, ${scope})) > 0`,
        `          RETURN ${member})`,
      ].join('\n');
    };
    const ofKinds = (list: string): string =>
      collections === null ? list : `${list}[* FILTER PARSE_IDENTIFIER(CURRENT).collection IN ${collections}]`;

    const level = (k: number): string[] => {
      const x = n.fresh('x');
      const s = n.fresh('span');
      const t = n.fresh('span');
      const id = n.fresh('id');
      return [
        `    LET f${k} = (`,
        `      FOR ${id} IN MINUS(UNIQUE(FLATTEN(FOR ${x} IN (go${k} ? f${k - 1} : []) RETURN APPEND(`,
        `          (FOR ${s} IN ${SPANS_COLLECTION} FILTER ${s}._from == ${x} AND ${s}.relation IN ${out} AND ${live(s)} RETURN ${s}._to),`,
        `          (FOR ${t} IN ${SPANS_COLLECTION} FILTER ${t}._to == ${x} AND ${t}.relation IN ${into} AND ${live(t)} RETURN ${t}._from)`,
        `        ))), v${k - 1})`,
        `        FILTER ${exists(n, id)}`,
        `        RETURN ${id}`,
        '    )',
      ];
    };
    const body: string[] = [
      '    LET f0 = [start]',
      '    LET v0 = [start]',
      '    LET e0 = []',
      '    LET go1 = true',
      '    LET over0 = false',
    ];
    for (let k = 1; k <= group.depth; k++) {
      body.push(
        ...level(k),
        `    LET v${k} = APPEND(v${k - 1}, f${k})`,
        `    LET crossed${k} = go${k} AND LENGTH(v${k}) - 1 > ${visitLimit}`,
        `    LET sel${k} = crossed${k} ? [] : ${ofKinds(`f${k}`)}`,
        `    LET e${k} = APPEND(e${k - 1}, sel${k}[* RETURN { id: CURRENT, degree: ${k} }])`,
        `    LET over${k} = over${k - 1} OR crossed${k}`,
        `    LET go${k + 1} = go${k} AND LENGTH(f${k}) > 0 AND NOT crossed${k}${scope === null ? ` AND LENGTH(e${k}) <= ${limit}` : ''}`,
      );
    }
    const d = group.depth;
    body.push(
      ...level(d + 1),
      `    LET beyond = LENGTH(${visibleOnly(`f${d + 1}`)}) > 0`,
      `    LET selected = ${visibleOnly(`e${d}`, 'id')}`,
      '    LET chosen = (',
      '      FOR m IN selected',
      '        SORT m.degree, m.id',
      `        LIMIT ${limit}`,
      '        RETURN m',
      '    )',
      '    LET kept = (',
      '      FOR m IN chosen',
      `        LET change = ${stateChange(n, 'm.id')}`,
      `        FILTER NOT (${erased('change')})`,
      '        RETURN { id: m.id, degree: m.degree, change }',
      '    )',
      '    LET members = APPEND([start], kept[*].id)',
      '    LET edges = (',
      '      FOR id IN members',
      `        FOR s IN ${SPANS_COLLECTION}`,
      `          FILTER s._from == id AND s.relation IN ${lineageRelations} AND ${live('s')} AND s._to IN members`,
      '          RETURN DISTINCT { relation: s.relation, from: s._from, to: s._to }',
      '    )',
      '    RETURN {',
      `      nodes: (FOR m IN kept RETURN { asset: ${stateRow(n, 'm.id', 'm.change')}, degree: m.degree }),`,
      '      edges,',
      `      truncated: over${d} OR beyond OR LENGTH(selected) > ${limit}`,
      '    }',
    );
    lines.push(`LET g${g} = (`, `  FOR start IN ${v('starts', group.starts)}`, ...body, ')');
  });
  lines.push(`RETURN [${groups.map((_, g) => `g${g}`).join(', ')}]`);
  return b.query(lines);
}

/**
 * `/* listAssetsAsOf *\/`: a page of the assets that existed at the
 * instant, in (creation time, id) order after a position, and one more:
 * each creation (the asset's last CREATE up to `seq`) in that order, the
 * asset's state at `seq` filtered as the present listing filters
 * documents, ownership at `seq` for a scope or a project. Null when no
 * asset can match. A project filter on kinds no project owns (what lies
 * upstream of its models) is not available as of an instant: the engine
 * refuses it before asking.
 */
export function listAssetsAsOfQuery(names: ArangoNames, query: ListQuery & { asOf: string }): AqlQuery {
  const b = new Bindings();
  const n = new Names();
  const filters: string[] = [];
  if (query.kind !== null) filters.push(`FILTER k.kind == ${b.bind('kind', query.kind)}`);
  if (query.environment !== null) filters.push(`FILTER k.kind == "DEPLOYMENT" AND change.after.environment == ${b.bind('environment', query.environment)}`);
  if (query.project !== null) filters.push(`FILTER k.kind NOT IN ${JSON.stringify(selfKinds(names))}`);
  if (query.nameContains !== null) {
    filters.push(`FILTER CONTAINS(LOWER(change.after.name), LOWER(${b.bind('nameContains', query.nameContains)}))`);
  }
  if (query.tag !== null) filters.push(`FILTER change.after.tag == ${b.bind('tag', query.tag)}`);
  if (query.createdAfter !== null) filters.push(`FILTER k.at >= ${b.bind('createdAfter', query.createdAfter)}`);
  if (query.createdBefore !== null) filters.push(`FILTER k.at < ${b.bind('createdBefore', query.createdBefore)}`);
  const ownership: string[] = [];
  if (query.scope !== null || query.project !== null) ownership.push(...ownersAsOfLines(names, n, 'owners', 'k.assetId'));
  if (query.scope !== null) {
    ownership.push(`FILTER LENGTH(owners) == 0 OR LENGTH(INTERSECTION(owners, ${b.bind('scope', query.scope)})) > 0`);
  }
  if (query.project !== null) ownership.push(`FILTER ${b.bind('project', query.project)} IN owners`);
  const after = query.after ?? { createdAt: '', id: '' };
  const later = n.fresh('later');
  return b.query([
    '/* listAssetsAsOf */',
    ...sequenceLines(b.bind('asOf', query.asOf)),
    `FOR k IN ${CHANGES_COLLECTION}`,
    '  FILTER k.operation == "CREATE" AND k.seq <= seq',
    `  FILTER k.at > ${b.bind('afterCreatedAt', after.createdAt)} OR (k.at == @afterCreatedAt AND k.assetId > ${b.bind('afterId', after.id)})`,
    `  FILTER FIRST(FOR ${later} IN ${CHANGES_COLLECTION} FILTER ${later}.assetId == k.assetId AND ${later}.seq > k.seq AND ${later}.seq <= seq AND ${later}.operation == "CREATE" LIMIT 1 RETURN 1) == null`,
    `  LET change = ${stateChange(n, 'k.assetId')}`,
    `  FILTER change.operation IN ["CREATE", "UPDATE"] AND NOT (${erased('change')})`,
    ...filters.map((line) => `  ${line}`),
    ...ownership.map((line) => `  ${line}`),
    '  SORT k.at, k.assetId',
    `  LIMIT ${b.bind('take', query.first + 1)}`,
    '  RETURN { id: k.assetId, kind: change.kind, after: change.after, createdAt: k.at, updatedAt: change.at }',
  ]);
}

function selfKinds(names: ArangoNames): AssetKind[] {
  return names.catalogue.kinds.filter((spec) => spec.owner === 'self').map((spec) => spec.kind);
}
