import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import type { QueryOptions } from 'arangojs/queries';
import { tryParseId } from '../../domain/ids.js';
import type { AssetRecord } from '../../domain/kinds.js';
import { comparedContent, fingerprint, NO_USAGE, type ComparedFields, type Usage } from '../../domain/reuse.js';
import { requirePresent, type DuplicateGroup, type DuplicatesQuery, type UsagePage, type UsageRankQuery, type UsageRequest } from '../store.js';
import type { StoredDocument } from './attributes.js';
import type { ArangoNames } from './catalogue.js';
import { toRecord } from './documents.js';
import { queryAll } from './errors.js';
import { duplicatesQuery, rankUsageQuery, usageQuery, type UsageGroup } from './reuse-queries.js';

/** The engine's reads of reusable steps: each port call is one AQL query (reuse-queries.ts). */
export class ArangoReuse {
  constructor(
    private readonly db: Database,
    private readonly options: QueryOptions,
    private readonly names: ArangoNames,
  ) {}

  /** Requests grouped by scope, in order of first appearance; a malformed id is answered with zeros unasked. */
  async usage(requests: readonly UsageRequest[]): Promise<Usage[]> {
    for (const request of requests) requirePresent(request.asOf);
    const groups: (UsageGroup & { ids: string[] })[] = [];
    const byScope = new Map<string, number>();
    const places = requests.map((request) => {
      if (!tryParseId(request.id, this.names.catalogue)) return null;
      const key = JSON.stringify(request.scope);
      let group = byScope.get(key);
      if (group === undefined) {
        group = groups.push({ ids: [], scope: request.scope }) - 1;
        byScope.set(key, group);
      }
      return { group, index: (groups[group]?.ids.push(request.id) ?? 0) - 1 };
    });
    if (groups.length === 0) return requests.map(() => ({ ...NO_USAGE }));
    const [answer] = await this.all<Usage[][]>(usageQuery(this.names, groups));
    return places.map((place) => (place ? answer?.[place.group]?.[place.index] : undefined) ?? { ...NO_USAGE });
  }

  async rankUsage(query: UsageRankQuery): Promise<UsagePage> {
    requirePresent(query.asOf);
    const rows = await this.all<{ asset: StoredDocument; usage: Usage }>(rankUsageQuery(this.names, query));
    const entries = rows.flatMap(({ asset, usage }) => {
      const record = toRecord(this.names.catalogue, asset);
      return record ? [{ asset: record, usage }] : [];
    });
    return { entries: entries.slice(0, query.first), hasNextPage: rows.length > query.first };
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
