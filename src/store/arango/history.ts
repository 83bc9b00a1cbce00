import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import type { QueryOptions } from 'arangojs/queries';
import type { ChangeRecord } from '../../domain/changes.js';
import { conflict, notFound } from '../../domain/errors.js';
import type { AssetAuthors, ChangePage, ChangeQuery } from '../store.js';
import type { ArangoNames } from './catalogue.js';
import {
  authorsQuery,
  changesQuery,
  historyStartQuery,
  lastChangeSequenceQuery,
  pruneChangesStatement,
  pruneSpansStatement,
  purgeChangesStatement,
  CHANGES_COLLECTION,
  EDGE_SPANS_COLLECTION,
} from './changes.js';
import { META_COLLECTION } from './catalogue.js';
import { queryAll, translateError } from './errors.js';

/**
 * The change log's readers, pruning and erasure: each port call is one AQL
 * query (pruning, two steps of one transaction).
 */
export class ArangoHistory {
  constructor(
    private readonly db: Database,
    private readonly options: QueryOptions,
    private readonly names: ArangoNames,
  ) {}

  async changes(query: ChangeQuery): Promise<ChangePage> {
    const [page] = await this.histories([query]);
    return page ?? { changes: [], hasNextPage: false };
  }

  async histories(queries: readonly ChangeQuery[]): Promise<ChangePage[]> {
    if (queries.length === 0) return [];
    const rows = await this.all<ChangeRecord[]>(changesQuery(this.names, queries));
    return queries.map((query, i) => {
      const changes = rows[i] ?? [];
      return { changes: changes.slice(0, query.first), hasNextPage: changes.length > query.first };
    });
  }

  async authors(ids: readonly string[], asOf: string | null = null): Promise<AssetAuthors[]> {
    if (ids.length === 0) return [];
    return this.all<AssetAuthors>(authorsQuery(ids, asOf));
  }

  async lastChangeSequence(): Promise<string | null> {
    const [seq] = await this.all<number | null>(lastChangeSequenceQuery());
    return typeof seq === 'number' ? String(seq) : null;
  }

  async historyStart(): Promise<string | null> {
    const [start] = await this.all<string | null>(historyStartQuery());
    return start ?? null;
  }

  async pruneHistory(before: string): Promise<number> {
    try {
      const trx = await this.db.beginTransaction({ write: [CHANGES_COLLECTION, EDGE_SPANS_COLLECTION, META_COLLECTION] });
      try {
        const cursor = await trx.step(() => this.db.query<{ last: number; count: number }>(pruneChangesStatement(before), this.options));
        const [pruned] = await cursor.all();
        if (pruned && pruned.last > 0) await trx.step(() => this.db.query(pruneSpansStatement(pruned.last), this.options));
        await trx.commit();
        return pruned?.count ?? 0;
      } catch (error) {
        await trx.abort().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      throw translateError(error);
    }
  }

  async purgeHistory(id: string): Promise<number> {
    const [row] = await this.all<{ exists: boolean; held: boolean; purged: number }>(purgeChangesStatement(id));
    if (row?.exists) throw conflict(`"${id}" exists: only a deleted asset's history is purged; delete it first`, ['asset']);
    if (!row?.held) throw notFound(id, ['asset']);
    return row.purged;
  }

  private all<T>(query: AqlQuery): Promise<T[]> {
    return queryAll<T>(this.db, query, this.options);
  }
}
