import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { content, putAsset } from '../helpers/assets.js';

/** What the SQLite engine promises beyond the shared contract: files, migrations, integrity in the database. */
describe('sqlite engine', () => {
  const dirs: string[] = [];
  const tempPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-'));
    dirs.push(dir);
    return join(dir, 'nested', 'metalayer.db');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file and its folder, in WAL mode at the newest schema version, and keeps data across opens', async () => {
    const path = tempPath();
    const store = openSqliteStore({ path });
    await store.write([putAsset(content('MODEL', 'm1', { task: 'regression' }))]);
    await store.close();

    const reopened = openSqliteStore({ path });
    expect(await reopened.getAssets(['models/m1'])).toMatchObject([{ task: 'regression' }]);
    await reopened.close();

    const raw = new BetterSqlite3(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    raw.close();
  });

  it('refuses to open a database from a newer metalayer', () => {
    const path = tempPath();
    openSqliteStore({ path }).close();
    const raw = new BetterSqlite3(path);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openSqliteStore({ path })).toThrow(/schema version 999/);
  });

  it('enforces integrity in the database itself, whatever a writer skips', async () => {
    const path = tempPath();
    const store = openSqliteStore({ path });
    await store.write([putAsset(content('MODEL', 'm1')), putAsset(content('DATASET', 'd1'))]);
    await store.close();
    const raw = new BetterSqlite3(path);
    raw.pragma('foreign_keys = ON');
    const insertEdge = raw.prepare(`INSERT INTO edges (from_id, relation, to_id, created_at) VALUES (?, ?, ?, 'now')`);
    expect(() => insertEdge.run('models/m1', 'run_datasets', 'datasets/d1')).toThrow(/does not fit its relation/);
    expect(() => insertEdge.run('models/m1', 'derived_from', 'models/m1')).toThrow(/CHECK/);
    expect(() => insertEdge.run('models/m1', 'derived_from', 'models/none')).toThrow(/does not fit|FOREIGN KEY/);
    expect(() =>
      raw
        .prepare(`INSERT INTO assets VALUES ('models/x', 'MODEL', 'x', 'm1', NULL, NULL, '{}', '{}', 'a', 'a')`)
        .run(),
    ).toThrow(/UNIQUE/);
    expect(() =>
      raw.prepare(`INSERT INTO assets VALUES ('x/y', 'WIDGET', 'y', 'n', NULL, NULL, '{}', '{}', 'a', 'a')`).run(),
    ).toThrow(/CHECK/);
    expect(() =>
      raw.prepare(`INSERT INTO assets VALUES ('models/z', 'MODEL', 'z', 'z', NULL, NULL, '{}', '[1]', 'a', 'a')`).run(),
    ).toThrow(/CHECK/);
    raw.close();
  });
  it('keeps the relation trigger through bulk imports, whether they commit or roll back', async () => {
    const path = tempPath();
    const store = openSqliteStore({ path });
    await store.importBulk({
      assets: [content('MODEL', 'm1'), content('RUN', 'r1'), content('DATASET', 'd1')],
      edges: [{ relation: 'run_models', from: 'models/m1', to: 'run/r1' }],
    });
    await expect(
      store.importBulk({ assets: [], edges: [{ relation: 'run_models', from: 'run/r1', to: 'datasets/d1' }] }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'edges.0' });
    await store.close();

    const raw = new BetterSqlite3(path);
    raw.pragma('foreign_keys = ON');
    const triggers = raw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger'`).pluck().all();
    expect(triggers).toEqual(['edges_fit_relation']);
    expect(raw.prepare('SELECT count(*) FROM edges').pluck().get()).toBe(1);
    expect(() =>
      raw.prepare(`INSERT INTO edges (from_id, relation, to_id, created_at) VALUES ('run/r1', 'run_models', 'datasets/d1', 'now')`).run(),
    ).toThrow(/does not fit its relation/);
    raw.close();
  });
});
