import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { Catalogue } from '../../domain/catalogue.js';
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
import { duplicates, registerFingerprint } from './duplicates.js';
import { migrate, syncCatalogue } from './migrations.js';
import { SqliteBulkImport } from './bulk.js';
import { ChangeReader } from './changes.js';
import { SqliteReads } from './reads.js';
import { SqliteUsage } from './usage.js';
import { SqliteWrites } from './writes.js';

export interface SqliteStoreOptions {
  /** A database file, created with its folder when missing, or `:memory:`. */
  path: string;
  /** The kinds and relations the database must accept. */
  catalogue: Catalogue;
  /** The clock stamping what `importBulk` loads (a commit carries its own instant); injectable for tests. */
  now?: () => Date;
}

/**
 * The embedded engine. better-sqlite3 is synchronous, so each port call runs
 * to completion on the event loop: a write's transaction can never interleave
 * with another call's statements in this process.
 *
 * Other processes may share the file (`serve --workers N`): SQLite lets
 * them read in parallel and write one at a time, a writer waiting up to the
 * busy timeout for the lock. Every transaction that writes therefore begins
 * IMMEDIATE, taking the write lock first: a deferred one that read before it
 * writes cannot wait for the lock (its snapshot may be stale by then) and
 * fails at once with SQLITE_BUSY. Nothing a write changes is cached in the
 * process: the change log's sequence, the history's start, usage counts and
 * secrets are read from the file each time.
 *
 * Durability: WAL with `synchronous = FULL`, so a write acknowledged to a
 * client survives a process crash and a power loss.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new BetterSqlite3(options.path);
  try {
    configure(db, options.path);
    migrate(db);
    syncCatalogue(db, options.catalogue);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStore(db, options.catalogue, options.now ?? (() => new Date()));
}

function configure(db: Database, path: string): void {
  // 16 KiB pages for a new file (a no-op on one that has tables: its pages stay
  // as they were made). An import writes each page it fills once to the WAL and
  // once to the file; with 4 KiB pages that is four times the frames and writes
  // per byte, and the 100k bulk import took about 15% longer (one run each, with
  // the current reads and reads as of an instant unchanged within their noise).
  db.pragma('page_size = 16384');
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 64 MiB of page cache instead of SQLite's 2 MiB: a million-asset graph's
  // indexes no longer fit the default, and bulk imports and wide traversals
  // then re-read pages through the OS on every statement.
  db.pragma('cache_size = -65536');
  registerFingerprint(db);
}

class SqliteStore implements Store {
  readonly engine = 'sqlite';
  private readonly reads: SqliteReads;
  private readonly writes: SqliteWrites;
  private readonly bulk: SqliteBulkImport;
  private readonly log: ChangeReader;
  private readonly counts: SqliteUsage;

  constructor(
    private readonly db: Database,
    private readonly catalogue: Catalogue,
    private readonly now: () => Date,
  ) {
    this.reads = new SqliteReads(db, catalogue);
    this.writes = new SqliteWrites(db, catalogue);
    this.bulk = new SqliteBulkImport(db, catalogue);
    this.log = new ChangeReader(db, catalogue);
    this.counts = new SqliteUsage(db, catalogue);
  }

  async getAssets(ids: readonly string[], asOf: string | null = null): Promise<(AssetRecord | null)[]> {
    return this.reads.getAssets(ids, asOf);
  }

  async neighbors(requests: readonly NeighborRequest[]): Promise<AssetRecord[][]> {
    return this.reads.neighbors(requests);
  }

  async owners(ids: readonly string[], asOf: string | null = null): Promise<string[][]> {
    return this.reads.owners(ids, asOf);
  }

  async traverse(requests: readonly TraverseRequest[]): Promise<Lineage[]> {
    return this.reads.traverse(requests);
  }

  async listAssets(query: ListQuery): Promise<AssetPage> {
    return this.reads.listAssets(query);
  }

  async rankRuns(query: RankQuery): Promise<RankPage> {
    return this.reads.rankRuns(query);
  }

  async metricSeries(requests: readonly SeriesRequest[]): Promise<MetricPoint[][]> {
    return this.reads.metricSeries(requests);
  }

  async usage(requests: readonly UsageRequest[]): Promise<Usage[]> {
    return this.counts.usage(requests);
  }

  async rankUsage(query: UsageRankQuery): Promise<UsagePage> {
    return this.counts.rankUsage(query);
  }

  async duplicates(query: DuplicatesQuery): Promise<DuplicateGroup[]> {
    return duplicates(this.db, this.catalogue, query);
  }

  async commit(unit: UnitOfWork): Promise<CommitResult> {
    return this.writes.commit(unit);
  }

  async importBulk(batch: BulkBatch): Promise<BulkCount> {
    return this.bulk.importBulk(batch, this.now().toISOString());
  }

  async changes(query: ChangeQuery): Promise<ChangePage> {
    return this.log.changes(query);
  }

  async lastChangeSequence(): Promise<string | null> {
    return this.log.lastSequence();
  }

  async histories(queries: readonly ChangeQuery[]): Promise<ChangePage[]> {
    return queries.map((query) => this.log.changes(query));
  }

  async authors(ids: readonly string[], asOf: string | null = null): Promise<AssetAuthors[]> {
    return this.log.authors(ids, asOf);
  }

  async historyStart(): Promise<string | null> {
    return this.log.historyStart();
  }

  async pruneHistory(before: string): Promise<number> {
    return this.log.pruneHistory(before);
  }

  async purgeHistory(id: string): Promise<number> {
    return this.log.purgeHistory(id);
  }

  async sharedSecret(name: string): Promise<string> {
    this.db
      .prepare('/* keepSecret */ INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING')
      .run(name, randomBytes(32).toString('base64url'));
    return this.db.prepare('/* readSecret */ SELECT value FROM secrets WHERE name = ?').pluck().get(name) as string;
  }

  async ping(): Promise<void> {
    this.db.prepare('/* ping */ SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
