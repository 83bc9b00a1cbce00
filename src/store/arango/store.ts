import type { Database } from 'arangojs';
import type { QueryOptions } from 'arangojs/queries';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Lineage, TraverseRequest } from '../../domain/lineage.js';
import type { CommitResult, UnitOfWork } from '../../domain/writes.js';
import type { MetricPoint } from '../../domain/runs.js';
import type { Usage } from '../../domain/reuse.js';
import type {
  AssetAuthors,
  AssetPage,
  BulkBatch,
  BulkCount,
  ChangePage,
  ChangeQuery,
  DuplicateGroup,
  DuplicatesQuery,
  ListQuery,
  NeighborRequest,
  RankPage,
  RankQuery,
  SeriesRequest,
  Store,
  UsagePage,
  UsageRankQuery,
  UsageRequest,
} from '../store.js';
import { baselineUnseen } from './baseline.js';
import { ArangoBulkImport } from './bulk.js';
import { ArangoNames } from './catalogue.js';
import { DEFAULT_GRAPH_NAME, connect, queryOptions, type ArangoStoreOptions } from './connection.js';
import { ErrorNum, errorNum, translateError } from './errors.js';
import { SequenceClock } from './edges.js';
import { ArangoHistory } from './history.js';
import { ensureLayout } from './layout.js';
import { sharedSecret } from './meta.js';
import { ArangoReads } from './reads.js';
import { ArangoReuse } from './reuse.js';
import { ArangoWrites } from './writes.js';

/**
 * Opens the ArangoDB engine on an existing database (metalayer's own, or one
 * arangopipe writes to) and, unless `ensureLayout` is false, creates what is
 * missing of the layout and logs a baseline of what the change log has not
 * seen (`baselineUnseen`). Start-up failures are thrown as they are, for the
 * operator; once open, the engine's failures follow the port's rules.
 */
export async function createArangoStore(options: ArangoStoreOptions): Promise<Store> {
  const names = new ArangoNames(options.catalogue);
  const db = connect(options);
  try {
    if (options.ensureLayout ?? true) {
      await ensureLayout(db, {
        graphName: options.graphName ?? DEFAULT_GRAPH_NAME,
        catalogue: options.catalogue,
        replicationFactor: options.replicationFactor,
        writeConcern: options.writeConcern,
      });
      await baselineUnseen(db, queryOptions(options), names);
    } else {
      await db.version();
    }
  } catch (error) {
    db.close();
    if (errorNum(error) === ErrorNum.DATABASE_NOT_FOUND) {
      throw new Error(`ArangoDB: database "${options.database}" does not exist; create it first`, { cause: error });
    }
    throw error;
  }
  return new ArangoStore(db, names, options);
}

class ArangoStore implements Store {
  readonly engine = 'arango';
  private readonly reads: ArangoReads;
  private readonly reuse: ArangoReuse;
  private readonly writes: ArangoWrites;
  private readonly bulk: ArangoBulkImport;
  private readonly history: ArangoHistory;
  private readonly perQuery: QueryOptions;

  constructor(
    private readonly db: Database,
    names: ArangoNames,
    options: ArangoStoreOptions,
  ) {
    this.perQuery = queryOptions(options);
    const now = options.now ?? (() => new Date());
    // One clock for every relation this process writes, so `seq` orders them all.
    const sequence = new SequenceClock(now);
    this.reads = new ArangoReads(db, this.perQuery, names);
    this.reuse = new ArangoReuse(db, this.perQuery, names);
    this.writes = new ArangoWrites(db, this.perQuery, names, sequence);
    this.bulk = new ArangoBulkImport(db, this.perQuery, names, now, sequence);
    this.history = new ArangoHistory(db, this.perQuery, names);
  }

  getAssets(ids: readonly string[], asOf: string | null = null): Promise<(AssetRecord | null)[]> {
    return this.reads.getAssets(ids, asOf);
  }

  neighbors(requests: readonly NeighborRequest[]): Promise<AssetRecord[][]> {
    return this.reads.neighbors(requests);
  }

  owners(ids: readonly string[], asOf: string | null = null): Promise<string[][]> {
    return this.reads.owners(ids, asOf);
  }

  traverse(requests: readonly TraverseRequest[]): Promise<Lineage[]> {
    return this.reads.traverse(requests);
  }

  listAssets(query: ListQuery): Promise<AssetPage> {
    return this.reads.listAssets(query);
  }

  rankRuns(query: RankQuery): Promise<RankPage> {
    return this.reads.rankRuns(query);
  }

  metricSeries(requests: readonly SeriesRequest[]): Promise<MetricPoint[][]> {
    return this.reads.metricSeries(requests);
  }

  usage(requests: readonly UsageRequest[]): Promise<Usage[]> {
    return this.reuse.usage(requests);
  }

  rankUsage(query: UsageRankQuery): Promise<UsagePage> {
    return this.reuse.rankUsage(query);
  }

  duplicates(query: DuplicatesQuery): Promise<DuplicateGroup[]> {
    return this.reuse.duplicates(query);
  }

  commit(unit: UnitOfWork): Promise<CommitResult> {
    return this.writes.commit(unit);
  }

  importBulk(batch: BulkBatch): Promise<BulkCount> {
    return this.bulk.importBulk(batch);
  }

  changes(query: ChangeQuery): Promise<ChangePage> {
    return this.history.changes(query);
  }

  lastChangeSequence(): Promise<string | null> {
    return this.history.lastChangeSequence();
  }

  histories(queries: readonly ChangeQuery[]): Promise<ChangePage[]> {
    return this.history.histories(queries);
  }

  authors(ids: readonly string[], asOf: string | null = null): Promise<AssetAuthors[]> {
    return this.history.authors(ids, asOf);
  }

  historyStart(): Promise<string | null> {
    return this.history.historyStart();
  }

  pruneHistory(before: string): Promise<number> {
    return this.history.pruneHistory(before);
  }

  purgeHistory(id: string): Promise<number> {
    return this.history.purgeHistory(id);
  }

  sharedSecret(name: string): Promise<string> {
    return sharedSecret(this.db, this.perQuery, name);
  }

  /** A cheap request on the configured database: its server version. */
  async ping(): Promise<void> {
    try {
      await this.db.version();
    } catch (error) {
      throw translateError(error);
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
