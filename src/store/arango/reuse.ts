import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import type { QueryOptions } from 'arangojs/queries';
import { tryParseId } from '../../domain/ids.js';
import type { AssetKind, AssetRecord } from '../../domain/kinds.js';
import { comparedContent, fingerprint, NO_USAGE, USAGE_KINDS, type ComparedFields, type Usage } from '../../domain/reuse.js';
import { requirePresent, type DuplicateGroup, type DuplicatesQuery, type UsagePage, type UsageRankQuery, type UsageRequest } from '../store.js';
import type { StoredDocument } from './attributes.js';
import type { ArangoNames } from './catalogue.js';
import { toRecord } from './documents.js';
import { queryAll } from './errors.js';
import { countDownstream, downstreamGraph, USAGE_SLOTS } from '../usage-walk.js';
import {
  duplicatesQuery,
  rankUsageQuery,
  usageCachedQuery,
  usageDropStatement,
  usageDropUpstreamStatement,
  usageLineageEdgesQuery,
  usageQuery,
  usageScopeKey,
  usageStaleQuery,
  usageStoreStatement,
  usageUncountedQuery,
  usageValidStatement,
  usageVisibleCountedQuery,
} from './reuse-queries.js';

/** More changes (or changed ends) than this drop every cached count rather than walk their upstream. */
const STALE_WALK_LIMIT = 1_000;
/** Fewer missing counts than this are counted by traversal, in batches of this size. */
const TRAVERSAL_BATCH = 200;
/** Counts cached by one statement. */
const STORE_BATCH = 5_000;

/**
 * The engine's reads of reusable steps. Usage counts are cached in
 * `metalayer_usage` per scope and filled on demand, as on SQLite:
 *
 * - a batch of assets is counted by one traversal query (`usage`);
 * - a ranking first counts every asset of the kind that has no count yet,
 *   a few by traversal, many in memory from the lineage relations, read
 *   once, by the walk both engines share (../usage-walk.ts); a page is then
 *   one range of the cache's index;
 * - before any count is read, the relation changes and deletions the change
 *   log holds after the sequence the cache is valid up to drop the counts of
 *   the assets they touch and of everything upstream of them, every scoped
 *   count, or every count when many changed (a bulk import).
 */
export class ArangoReuse {
  constructor(
    private readonly db: Database,
    private readonly options: QueryOptions,
    private readonly names: ArangoNames,
  ) {}

  /** Requests grouped by scope; a malformed id is answered with zeros unasked. */
  async usage(requests: readonly UsageRequest[]): Promise<Usage[]> {
    for (const request of requests) requirePresent(request.asOf);
    await this.settleStale();
    const byScope = new Map<string, { scope: readonly string[] | null; ids: Set<string> }>();
    for (const request of requests) {
      if (!tryParseId(request.id, this.names.catalogue)) continue;
      const key = usageScopeKey(request.scope);
      const group = byScope.get(key) ?? { scope: request.scope, ids: new Set<string>() };
      group.ids.add(request.id);
      byScope.set(key, group);
    }
    const answers = new Map<string, Usage>();
    for (const [key, { scope, ids }] of byScope) {
      for (const [id, usage] of await this.cachedOrCounted(scope, [...ids])) answers.set(`${key}\n${id}`, usage);
    }
    return requests.map((request) => answers.get(`${usageScopeKey(request.scope)}\n${request.id}`) ?? { ...NO_USAGE });
  }

  async rankUsage(query: UsageRankQuery): Promise<UsagePage> {
    requirePresent(query.asOf);
    await this.settleStale();
    await this.fillKind(query.kind, query.scope);
    const rows = await this.all<{ asset: StoredDocument | null; usage: Usage }>(rankUsageQuery(this.names, query));
    const entries = rows.flatMap(({ asset, usage }) => {
      const record = asset ? toRecord(this.names.catalogue, asset) : null;
      return record ? [{ asset: record, usage }] : [];
    });
    return { entries: entries.slice(0, query.first), hasNextPage: rows.length > query.first };
  }

  /** Drops the cached counts that the changes logged since the cache was last valid may have changed. */
  private async settleStale(): Promise<void> {
    const [stale] = await this.all<{ valid: number; last: number; many: boolean; changed: string[] }>(usageStaleQuery(STALE_WALK_LIMIT));
    if (!stale || stale.last === stale.valid) return;
    // A log behind the cache (its collections emptied) tells nothing about what changed since.
    if (stale.last < stale.valid || stale.many || stale.changed.length > STALE_WALK_LIMIT) {
      await this.all(usageDropStatement('all'));
    } else if (stale.changed.length > 0) {
      await this.all(usageDropStatement('scoped'));
      await this.all(usageDropUpstreamStatement(this.names, stale.changed));
    }
    await this.all(usageValidStatement(stale.last));
  }

  /** The counts of `ids` for the scope: cached, or counted now and cached. */
  private async cachedOrCounted(scope: readonly string[] | null, ids: string[]): Promise<Map<string, Usage>> {
    const cached = await this.all<Usage | null>(usageCachedQuery(scope, ids));
    const found = new Map<string, Usage>();
    ids.forEach((id, i) => {
      const usage = cached[i];
      if (usage) found.set(id, usage);
    });
    const missing = ids.filter((id) => !found.has(id));
    for (const [id, usage] of await this.countByTraversal(scope, missing)) found.set(id, usage);
    return found;
  }

  /** Counts every asset of `kind` the scope may see that has no cached count yet. */
  private async fillKind(kind: AssetKind, scope: readonly string[] | null): Promise<void> {
    const missing = await this.all<string>(usageUncountedQuery(this.names, kind, scope));
    if (missing.length === 0) return;
    if (missing.length <= TRAVERSAL_BATCH) await this.countByTraversal(scope, missing);
    else await this.countInMemory(scope, missing);
  }

  /** Counts `ids` by traversal, in batches, and caches the counts of those that exist. */
  private async countByTraversal(scope: readonly string[] | null, ids: readonly string[]): Promise<Map<string, Usage>> {
    const counted = new Map<string, Usage>();
    for (let i = 0; i < ids.length; i += TRAVERSAL_BATCH) {
      const batch = ids.slice(i, i + TRAVERSAL_BATCH);
      const [answer] = await this.all<Usage[][]>(usageQuery(this.names, [{ ids: batch, scope }]));
      batch.forEach((id, j) => counted.set(id, answer?.[0]?.[j] ?? { ...NO_USAGE }));
      await this.store(scope, batch.map((id) => ({ id, usage: counted.get(id) ?? { ...NO_USAGE } })));
    }
    return counted;
  }

  /**
   * Counts many assets of one kind in memory: the lineage relations read
   * once, one collection at a time, as downstream steps between numbered
   * ids; the counted kinds told by each id's collection (for a scope, among
   * the ids it may see); then the shared walk from each asset, newest first.
   */
  private async countInMemory(scope: readonly string[] | null, ids: readonly string[]): Promise<void> {
    const numbers = new Map<string, number>();
    const number = (id: string) => {
      let n = numbers.get(id);
      if (n === undefined) {
        n = numbers.size;
        numbers.set(id, n);
      }
      return n;
    };
    for (const id of ids) number(id);
    const near: number[] = [];
    const far: number[] = [];
    for (const step of this.names.catalogue.lineageSteps('DOWNSTREAM')) {
      for (const [from, to] of await this.all<[string, string]>(usageLineageEdgesQuery(this.names, step.relation))) {
        const [a, b] = step.direction === 'OUT' ? [from, to] : [to, from];
        near.push(number(a));
        far.push(number(b));
      }
    }
    const visible = scope === null ? null : new Set(await this.all<string>(usageVisibleCountedQuery(this.names, scope)));
    const slots = new Map<string, number>();
    for (const [kind, member] of Object.entries(USAGE_KINDS)) {
      const spec = this.names.catalogue.kinds.find((candidate) => candidate.kind === kind);
      if (spec) slots.set(spec.collection, USAGE_SLOTS.indexOf(member) + 1);
    }
    const member = new Uint8Array(numbers.size);
    for (const [id, n] of numbers) {
      const slot = slots.get(id.slice(0, id.indexOf('/')));
      if (slot !== undefined && (visible === null || visible.has(id))) member[n] = slot;
    }
    const graph = downstreamGraph(numbers.size, near, far);
    const entries: { id: string; usage: Usage }[] = [];
    countDownstream(graph, member, ids.map(number), (n, usage) => entries.push({ id: ids[n] ?? '', usage }));
    for (let i = 0; i < entries.length; i += STORE_BATCH) await this.store(scope, entries.slice(i, i + STORE_BATCH));
  }

  private async store(scope: readonly string[] | null, counts: readonly { id: string; usage: Usage }[]): Promise<void> {
    const entries = counts.flatMap(({ id, usage }) => {
      const parsed = tryParseId(id, this.names.catalogue);
      return parsed ? [{ asset: id, kind: parsed.kind, ...usage }] : [];
    });
    if (entries.length > 0) await this.all(usageStoreStatement(scope, entries));
  }

  /** The query's groups, fingerprinted with the domain's rule and regrouped by fingerprint, largest first. */
  async duplicates(query: DuplicatesQuery): Promise<DuplicateGroup[]> {
    requirePresent(query.asOf);
    const groups = await this.all<{ doc: StoredDocument; datasets: string[] }[]>(duplicatesQuery(this.names, query.kind, query.scope));
    const byPrint = new Map<string, AssetRecord[]>();
    for (const member of groups.flat()) {
      const asset = toRecord(this.names.catalogue, member.doc);
      if (!asset) continue;
      const content = comparedContent(query.kind, { ...(asset as ComparedFields), datasets: member.datasets });
      if (content === null) continue;
      const print = fingerprint(query.kind, content);
      byPrint.set(print, [...(byPrint.get(print) ?? []), asset]);
    }
    return [...byPrint]
      .filter(([, assets]) => assets.length > 1)
      .map(([print, assets]) => ({ fingerprint: print, assets: assets.sort((a, b) => compare(a.id, b.id)) }))
      .sort((a, b) => b.assets.length - a.assets.length || compare(a.fingerprint, b.fingerprint))
      .slice(0, query.limit);
  }

  private all<T>(query: AqlQuery): Promise<T[]> {
    return queryAll<T>(this.db, query, this.options);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
