import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Lineage, TraverseRequest } from '../../domain/lineage.js';
import type { WriteOp, WriteResult } from '../../domain/writes.js';
import type { AssetPage, BulkBatch, BulkCount, ListQuery, NeighborRequest, Store } from '../store.js';
import { migrate } from './migrations.js';
import { SqliteBulkImport } from './bulk.js';
import { SqliteReads } from './reads.js';
import { SqliteWrites } from './writes.js';

export interface SqliteStoreOptions {
  /** A database file, created with its folder when missing, or `:memory:`. */
  path: string;
  /** The clock stamping createdAt/updatedAt; injectable for tests. */
  now?: () => Date;
}

/**
 * The embedded engine. better-sqlite3 is synchronous, so each port call runs
 * to completion on the event loop: a write's transaction can never interleave
 * with another call's statements.
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
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStore(db, options.now ?? (() => new Date()));
}

function configure(db: Database, path: string): void {
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 64 MiB of page cache instead of SQLite's 2 MiB: a million-asset graph's
  // indexes no longer fit the default, and bulk imports and wide traversals
  // then re-read pages through the OS on every statement.
  db.pragma('cache_size = -65536');
}

class SqliteStore implements Store {
  readonly engine = 'sqlite';
  private readonly reads: SqliteReads;
  private readonly writes: SqliteWrites;
  private readonly bulk: SqliteBulkImport;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {
    this.reads = new SqliteReads(db);
    this.writes = new SqliteWrites(db);
    this.bulk = new SqliteBulkImport(db);
  }

  async getAssets(ids: readonly string[]): Promise<(AssetRecord | null)[]> {
    return this.reads.getAssets(ids);
  }

  async neighbors(requests: readonly NeighborRequest[]): Promise<AssetRecord[][]> {
    return this.reads.neighbors(requests);
  }

  async traverse(requests: readonly TraverseRequest[]): Promise<Lineage[]> {
    return this.reads.traverse(requests);
  }

  async listAssets(query: ListQuery): Promise<AssetPage> {
    return this.reads.listAssets(query);
  }

  async write(ops: readonly WriteOp[]): Promise<WriteResult> {
    return this.writes.write(ops, this.now().toISOString());
  }

  async importBulk(batch: BulkBatch): Promise<BulkCount> {
    return this.bulk.importBulk(batch, this.now().toISOString());
  }

  async ping(): Promise<void> {
    this.db.prepare('/* ping */ SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
