import BetterSqlite3 from 'better-sqlite3';

/**
 * The change log's size on disk in a SQLite file: the pages of `changes`,
 * `edge_spans` and their indexes (SQLite's dbstat), per change. A change
 * made through `commit` holds its asset's whole state (after, and before
 * for updates); an imported CREATE holds none (its asset's row does). This
 * is the price of history per write.
 */
export interface ChangeLogFigures {
  changes: number;
  spans: number;
  /** Bytes of pages of the log's tables and indexes. */
  bytes: number;
  bytesPerChange: number;
  /** The same for the assets and relations themselves, for comparison: bytes per asset or relation. */
  bytesPerItem: number;
}

const LOG_OBJECTS = ['changes', 'changes_asset', 'changes_to', 'changes_at', 'changes_states', 'edge_spans', 'edge_spans_from', 'edge_spans_to'];
const ITEM_OBJECTS = ['assets', 'edges', 'sqlite_autoindex_assets_1', 'sqlite_autoindex_edges_1', 'assets_name_version', 'assets_created', 'assets_kind_created', 'assets_tag_created', 'edges_to'];

export function measureChangeLog(dbFile: string): ChangeLogFigures {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const bytesOf = (names: readonly string[]) =>
      db.prepare(`SELECT ifnull(sum(pgsize), 0) FROM dbstat WHERE name IN (SELECT value FROM json_each(?))`).pluck().get(JSON.stringify(names)) as number;
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    const changes = count('changes');
    const items = count('assets') + count('edges');
    const bytes = bytesOf(LOG_OBJECTS);
    return {
      changes,
      spans: count('edge_spans'),
      bytes,
      bytesPerChange: changes > 0 ? bytes / changes : 0,
      bytesPerItem: items > 0 ? bytesOf(ITEM_OBJECTS) / items : 0,
    };
  } finally {
    db.close();
  }
}
