import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { EXTENDED_CATALOGUE } from '../helpers/extensions.js';
import { storeContract } from './contract.js';

/**
 * The contract on SQLite, each store in a file of its own, so that a second
 * connection can reach it as the sqlite3 shell does: with foreign keys off,
 * deleting an asset leaves its relations dangling.
 */
const folders = new Map<Store, string>();
const fileOf = (store: Store) => join(folders.get(store) ?? '', 'metalayer.db');

storeContract('sqlite', {
  open: async () => {
    const folder = mkdtempSync(join(tmpdir(), 'metalayer-contract-'));
    const store = openSqliteStore({ path: join(folder, 'metalayer.db'), catalogue: EXTENDED_CATALOGUE });
    folders.set(store, folder);
    return store;
  },
  close: async (store) => {
    await store.close();
    rmSync(folders.get(store) ?? '', { recursive: true, force: true });
    folders.delete(store);
  },
  removeAssetDirectly: async (store, id) => {
    const db = new BetterSqlite3(fileOf(store));
    try {
      db.pragma('foreign_keys = OFF');
      db.prepare('DELETE FROM assets WHERE id = ?').run(id);
    } finally {
      db.close();
    }
  },
});
