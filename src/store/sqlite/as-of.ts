import type { Statement } from 'better-sqlite3';
import { ownerChain, type Catalogue } from '../../domain/catalogue.js';
import { tryParseId } from '../../domain/ids.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Lineage, TraverseRequest } from '../../domain/lineage.js';
import type { EdgeDirection, EdgeRecord, LineageDirection, RelationName } from '../../domain/relations.js';
import { isPurgedState, PURGED_STATE_JSON, recordOfState } from '../states.js';
import { escapeLike, prefixed, toRecord, type AssetRow } from './rows.js';
import type { AssetPage, ListQuery, NeighborRequest } from '../store.js';
import { breadthFirst } from './traverse.js';
import { afterSql } from './change-states.js';

/**
 * The SQLite engine's reads as of an instant, from the change log
 * (`changes`, `edge_spans`). "As of T" is the store after every change
 * whose `at` is at or before T: after the change of sequence S, the last
 * one with `at` ≤ T (instants never decrease in sequence order). At S:
 *
 * - an asset is the `after` of its last CREATE, UPDATE or DELETE change of
 *   a sequence ≤ S, absent when there is none or it is a DELETE; it was
 *   created at the `at` of its last CREATE and updated at that change's.
 *   An erased asset (its states purged) existed, so lineages pass through
 *   it as through a hidden one, but it reads as absent;
 * - a relation exists when one of its spans has linked ≤ S < unlinked.
 *
 * Lineage semantics and bounds are `domain/lineage.ts`'s, by the same
 * breadth-first search as the present (traverse.ts), stepping along spans.
 */
export class SqliteAsOf {
  constructor(
    private readonly catalogue: Catalogue,
    private readonly prepare: (sql: string) => Statement,
  ) {}

  /**
   * S for `asOf`: the sequence just before the first change after it, or the
   * last sequence ever given when none is (AUTOINCREMENT never gives one
   * twice, so pruned changes still count); 0 before the first change. One
   * seek of the `at` index, whatever was pruned.
   */
  sequenceAt(asOf: string): number {
    const next = this.prepare(
      '/* sequenceAsOf */ SELECT sequence FROM changes WHERE at > ? ORDER BY at, sequence LIMIT 1',
    )
      .pluck()
      .get(asOf) as number | undefined;
    if (next !== undefined) return next - 1;
    const last = this.prepare(`/* lastSequence */ SELECT seq FROM sqlite_sequence WHERE name = 'changes'`).pluck().get() as
      | number
      | undefined;
    return last ?? 0;
  }

  /** The assets of `ids` as they stood at S, in order, null where none existed. */
  getAssets(ids: readonly string[], seq: number): (AssetRecord | null)[] {
    if (ids.length === 0) return [];
    const rows = this.prepare(`/* assetsAsOf */ WITH r AS (SELECT DISTINCT value AS id FROM json_each(?)),
      last AS MATERIALIZED (
        SELECT r.id, (SELECT c.sequence FROM changes c
          WHERE c.asset_id = r.id AND c.sequence <= ? AND c.operation IN ('CREATE', 'UPDATE', 'DELETE')
          ORDER BY c.sequence DESC LIMIT 1) AS seq
        FROM r)
      SELECT last.id, c.operation, c.kind, ${afterSql('c')} AS after, c.at AS updated_at,
        CASE WHEN c.operation = 'CREATE' THEN c.at ELSE (SELECT k.at FROM changes k
          WHERE k.asset_id = last.id AND k.sequence <= last.seq AND k.operation IN ('CREATE', 'UPDATE', 'DELETE') AND k.operation = 'CREATE'
          ORDER BY k.sequence DESC LIMIT 1) END AS created_at
      FROM last LEFT JOIN changes c ON c.sequence = last.seq`).all(JSON.stringify(ids), seq) as (StateRow & {
      operation: string | null;
    })[];
    const byId = new Map<string, AssetRecord | null>();
    const unlogged: string[] = [];
    for (const row of rows) {
      if (row.operation === null) unlogged.push(row.id);
      else byId.set(row.id, row.operation === 'DELETE' || isPurgedState(row.after) ? null : stateRecord(row));
    }
    if (unlogged.length > 0) this.beforeAnyChange(unlogged, seq).forEach((record, i) => byId.set(unlogged[i] ?? '', record));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * The assets of `ids`, none of which has a state change up to S, as they
   * stood at S. The log holds every change of the kept history, so such an
   * asset did not exist at S when its next change creates it; it was as that
   * next change found it (`before`) when it updates or deletes it, its
   * earlier changes having been pruned; and it is as it is now when it has
   * changed neither since nor within the kept history. Its creation is the
   * stored one when it exists now; what is unknown of its times is the
   * history's start.
   */
  private beforeAnyChange(ids: readonly string[], seq: number): (AssetRecord | null)[] {
    const rows = this.prepare(`/* assetsBeforeChangesAsOf */ WITH r AS (SELECT value AS id FROM json_each(?)),
      nxt AS (
        SELECT r.id, (SELECT c.sequence FROM changes c
          WHERE c.asset_id = r.id AND c.sequence > ? AND c.operation IN ('CREATE', 'UPDATE', 'DELETE')
          ORDER BY c.sequence LIMIT 1) AS seq
        FROM r)
      SELECT nxt.id AS wanted, n.operation, n.kind AS change_kind, n.before,
        (SELECT value FROM history_meta WHERE name = 'start') AS history_start, ${prefixed('a')}
      FROM nxt LEFT JOIN changes n ON n.sequence = nxt.seq LEFT JOIN assets a ON a.id = nxt.id`).all(
      JSON.stringify(ids),
      seq,
    ) as (Partial<AssetRow> & { wanted: string; operation: string | null; change_kind: AssetRecord['kind'] | null; before: string | null; history_start: string | null })[];
    const byId = new Map<string, AssetRecord | null>();
    for (const row of rows) {
      if (row.operation === null) {
        byId.set(row.wanted, row.kind === undefined || row.kind === null ? null : toRecord(row as AssetRow));
      } else if (row.operation !== 'CREATE' && row.before !== null && !isPurgedState(row.before) && row.change_kind !== null) {
        const known = row.created_at ?? row.history_start;
        byId.set(
          row.wanted,
          stateRecord({ id: row.wanted, kind: row.change_kind, after: row.before, created_at: known, updated_at: row.history_start ?? known ?? '' }),
        );
      }
    }
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The ids among `ids` of assets that existed at S, in order. */
  private existing(ids: readonly string[], seq: number): string[] {
    const rows = this.prepare(`/* existingAsOf */ SELECT r.value AS id, (SELECT c.operation FROM changes c
        WHERE c.asset_id = r.value AND c.sequence <= ? AND c.operation IN ('CREATE', 'UPDATE', 'DELETE')
        ORDER BY c.sequence DESC LIMIT 1) AS operation
      FROM json_each(?) r`).all(seq, JSON.stringify(ids)) as { id: string; operation: string | null }[];
    const present = new Set<string>();
    const unlogged: string[] = [];
    for (const row of rows) {
      if (row.operation === null) unlogged.push(row.id);
      else if (row.operation !== 'DELETE') present.add(row.id);
    }
    if (unlogged.length > 0) {
      this.beforeAnyChange(unlogged, seq).forEach((record) => record && present.add(record.id));
    }
    return ids.filter((id) => present.has(id));
  }

  /**
   * The far ends of the relations that existed at S from each of `ids` along
   * `relation` in `direction`, oldest link first: one statement per call.
   */
  private ends(ids: readonly string[], relation: RelationName, direction: EdgeDirection, seq: number): string[][] {
    const [near, far] = direction === 'OUT' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
    const rows = this.prepare(`/* spansAsOf${direction} */ SELECT r.key AS request, s.${far} AS id
      FROM json_each(?) r
      JOIN edge_spans s ON s.${near} = r.value AND s.relation = ? AND s.linked <= ?
      WHERE s.unlinked IS NULL OR s.unlinked > ?
      ORDER BY r.key, s.linked`).all(JSON.stringify(ids), relation, seq, seq) as { request: number; id: string }[];
    const answers: string[][] = ids.map(() => []);
    for (const row of rows) answers[row.request]?.push(row.id);
    return answers;
  }

  /** One-hop neighbours at S: one statement per (relation, direction), then the states of every neighbour at once. */
  neighbors(requests: readonly NeighborRequest[], seq: number): AssetRecord[][] {
    const ends: string[][] = requests.map(() => []);
    const groups = new Map<string, number[]>();
    requests.forEach((request, i) => {
      const key = JSON.stringify([request.relation, request.direction]);
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const indexes of groups.values()) {
      const first = requests[indexes[0] ?? 0];
      if (!first) continue;
      const found = this.ends(indexes.map((i) => requests[i]?.id ?? ''), first.relation, first.direction, seq);
      indexes.forEach((request, j) => (ends[request] = found[j] ?? []));
    }
    const states = new Map<string, AssetRecord | null>();
    const all = [...new Set(ends.flat())];
    this.getAssets(all, seq).forEach((record, i) => states.set(all[i] ?? '', record));
    return ends.map((ids) => ids.flatMap((id) => states.get(id) ?? []));
  }

  /** The owning projects of each id at S, by the catalogue's chains over the relations of S. */
  owners(ids: readonly string[], seq: number): string[][] {
    const present = new Set(this.existing(ids, seq));
    return ids.map((id) => {
      const kind = present.has(id) ? tryParseId(id, this.catalogue)?.kind : undefined;
      if (kind === undefined) return [];
      const chain = ownerChain(this.catalogue, kind);
      if (chain === 'self') return [id];
      if (chain === 'shared') return [];
      let at = [id];
      for (const step of chain) {
        const next = [...new Set(this.ends(at, step.relation, step.direction, seq).flat())].filter(
          (end) => tryParseId(end, this.catalogue)?.kind === step.kind,
        );
        at = next.length > 0 ? this.existing(next, seq) : [];
      }
      return at.sort();
    });
  }

  /** The ids among `ids` a viewer scoped to `scope` may see at S: no owner, or one in scope. */
  private visible(ids: readonly string[], scope: readonly string[], seq: number): string[] {
    const projects = new Set(scope);
    const owners = this.owners(ids, seq);
    return ids.filter((_, i) => {
      const own = owners[i] ?? [];
      return own.length === 0 || own.some((owner) => projects.has(owner));
    });
  }

  /** The ids one lineage step towards `direction` from `frontier`, along the relations of S. */
  private step(frontier: readonly string[], direction: LineageDirection, seq: number): string[] {
    const steps = this.catalogue.lineageSteps(direction);
    const half = (stored: EdgeDirection) => {
      const [near, far] = stored === 'OUT' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
      const relations = steps.filter((s) => s.direction === stored).map((s) => `'${s.relation}'`);
      return `SELECT s.${far} AS id FROM json_each(?) f
        JOIN edge_spans s ON s.${near} = f.value AND s.relation IN (${relations.join(', ')}) AND s.linked <= ?
        WHERE s.unlinked IS NULL OR s.unlinked > ?`;
    };
    const ids = JSON.stringify(frontier);
    return this.prepare(`/* lineageStepAsOf */ ${half('OUT')} UNION ALL ${half('IN')}`)
      .pluck()
      .all(ids, seq, seq, ids, seq, seq) as string[];
  }

  traverse(request: TraverseRequest, seq: number): Lineage {
    const reached = breadthFirst(
      request.start,
      request,
      this.catalogue,
      (frontier) => this.step(frontier, request.direction, seq),
      (ids) => this.existing(ids, seq),
      request.scope === null ? null : (ids) => this.visible(ids, request.scope ?? [], seq),
    );
    const ids = [...reached.degrees.keys()];
    // An erased asset existed, so paths through it are followed, but it reads as absent: no node, no edge.
    const nodes = this.getAssets(ids, seq).flatMap((asset) =>
      asset ? [{ asset, degree: reached.degrees.get(asset.id) ?? 0 }] : [],
    );
    const members = [request.start, ...nodes.map((node) => node.asset.id)];
    return { nodes, edges: this.edgesAmong(members, seq), truncated: reached.truncated };
  }

  /** The lineage relations of S whose two ends are both among `ids`. */
  private edgesAmong(ids: readonly string[], seq: number): EdgeRecord[] {
    const set = JSON.stringify(ids);
    const relations = JSON.stringify(this.catalogue.lineageRelations.map((r): RelationName => r.name));
    return this.prepare(`/* lineageEdgesAsOf */
      SELECT DISTINCT s.relation, s.from_id AS "from", s.to_id AS "to"
      FROM edge_spans s
      WHERE s.from_id IN (SELECT value FROM json_each(?))
        AND +s.relation IN (SELECT value FROM json_each(?))
        AND +s.to_id IN (SELECT value FROM json_each(?))
        AND s.linked <= ? AND (s.unlinked IS NULL OR s.unlinked > ?)
      ORDER BY s.from_id, s.relation, s.to_id`).all(set, relations, set, seq, seq) as EdgeRecord[];
  }

  /**
   * A page of the assets that existed at S, in (creation time, id) order:
   * the creations of S's assets are read in that order, a chunk at a time,
   * filtered by the statement on their state and then, for a project or a
   * scope, by ownership at S, until the page is full.
   */
  listAssets(query: ListQuery, seq: number): AssetPage {
    const where: string[] = [];
    const params: unknown[] = [];
    const clause = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      params.push(...values);
    };
    if (query.kind) clause('s.kind = ?', query.kind);
    if (query.nameContains) clause(`json_extract(s.after, '$.name') LIKE ? ESCAPE '\\'`, `%${escapeLike(query.nameContains)}%`);
    if (query.tag !== null) clause(`json_extract(s.after, '$.tag') = ?`, query.tag);
    if (query.environment !== null) {
      clause(`s.kind = 'DEPLOYMENT' AND json_extract(s.after, '$.environment') = ?`, query.environment);
    }
    if (query.createdAfter) clause('s.created_at >= ?', query.createdAfter);
    if (query.createdBefore) clause('s.created_at < ?', query.createdBefore);
    const statement = this.prepare(`/* listAssetsAsOf */ WITH k AS (
        SELECT asset_id, at FROM changes k
        WHERE k.operation = 'CREATE' AND k.sequence <= ? AND (k.at, k.asset_id) > (?, ?)
          AND NOT EXISTS (SELECT 1 FROM changes n WHERE n.asset_id = k.asset_id AND n.operation = 'CREATE'
            AND n.sequence > k.sequence AND n.sequence <= ?)
      )
      SELECT s.* FROM (
        SELECT k.asset_id AS id, k.at AS created_at, c.kind, c.operation, ${afterSql('c')} AS after, c.at AS updated_at
        FROM k JOIN changes c ON c.sequence = (SELECT d.sequence FROM changes d
          WHERE d.asset_id = k.asset_id AND d.sequence <= ? AND d.operation IN ('CREATE', 'UPDATE', 'DELETE')
          ORDER BY d.sequence DESC LIMIT 1)
      ) s
      WHERE s.operation <> 'DELETE' AND s.after <> '${PURGED_STATE_JSON}'${where.length > 0 ? ` AND ${where.join(' AND ')}` : ''}
      ORDER BY s.created_at, s.id LIMIT ?`);
    const keep = this.listingFilter(query, seq);
    const assets: AssetRecord[] = [];
    let after = query.after ?? { createdAt: '', id: '' };
    const chunk = query.first + 1;
    for (;;) {
      const rows = statement.all(seq, after.createdAt, after.id, seq, seq, ...params, chunk) as StateRow[];
      const records = rows.map(stateRecord);
      assets.push(...keep(records));
      const last = records.at(-1);
      if (assets.length > query.first || rows.length < chunk || !last) break;
      after = { createdAt: last.createdAt, id: last.id };
    }
    const page = assets.slice(0, query.first);
    return {
      assets: page,
      positions: page.map(({ createdAt, id }) => ({ createdAt, id })),
      hasNextPage: assets.length > query.first,
    };
  }

  /** What a listing keeps of candidate assets for its scope and project, by ownership at S. */
  private listingFilter(query: ListQuery, seq: number): (records: AssetRecord[]) => AssetRecord[] {
    const scope = query.scope;
    const project = query.project;
    if (scope === null && project === null) return (records) => records;
    let upstream: Set<string> | null = null;
    const upstreamOfProject = (id: string): Set<string> => {
      if (upstream) return upstream;
      const models = this.ends([id], 'project_models', 'OUT', seq)[0] ?? [];
      upstream = new Set(models);
      let frontier = this.existing(models, seq);
      while (frontier.length > 0) {
        const next = this.step(frontier, 'UPSTREAM', seq).filter((end) => !upstream?.has(end));
        frontier = this.existing([...new Set(next)], seq);
        for (const end of frontier) upstream.add(end);
      }
      return upstream;
    };
    return (records) => {
      const owners = this.owners(
        records.map((r) => r.id),
        seq,
      );
      return records.filter((record, i) => {
        const own = owners[i] ?? [];
        if (scope !== null && own.length > 0 && !own.some((owner) => scope.includes(owner))) return false;
        if (project === null) return true;
        const chain = ownerChain(this.catalogue, record.kind);
        if (chain === 'self') return false;
        if (chain === 'shared') return upstreamOfProject(project).has(record.id);
        return own.includes(project);
      });
    };
  }
}

/** A state of an asset read from the change log, as the statements return it. */
interface StateRow {
  id: string;
  kind: AssetRecord['kind'];
  after: string;
  created_at: string | null;
  updated_at: string;
}

function stateRecord(row: StateRow): AssetRecord {
  const after = JSON.parse(row.after) as Record<string, unknown>;
  return recordOfState({ id: row.id, kind: row.kind, after, createdAt: row.created_at, updatedAt: row.updated_at });
}
