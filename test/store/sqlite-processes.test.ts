import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { makeChangeSelection, type Store } from '../../src/store/store.js';
import { CATALOGUE, commitOps, content, link, putAll, putAsset } from '../helpers/assets.js';

/**
 * Several processes on one SQLite file (`serve --workers N`): SQLite
 * serializes writers, and a writer that finds the write lock taken waits up
 * to the busy timeout. It can only wait when its transaction asks for the
 * lock at BEGIN: a deferred transaction that has read first and then writes
 * gets SQLITE_BUSY at once. Here another process holds the write lock for a
 * moment while this one writes through every port call that writes.
 */

const HOLD_MS = 300;

/** Takes the write lock of `path` in another process, holds it `HOLD_MS`, then writes a row and commits. */
async function holdWriteLock(path: string): Promise<{ released: Promise<number | null> }> {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    console.log('locked');
    setTimeout(() => {
      db.prepare("INSERT INTO secrets (name, value) VALUES ('other-process', 'x') ON CONFLICT (name) DO NOTHING").run();
      db.exec('COMMIT');
      db.close();
    }, ${HOLD_MS});
  `;
  const child = spawn(process.execPath, ['-e', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code} before taking the lock`)));
  });
  return { released };
}

describe('SQLite writes while another process holds the write lock', () => {
  let dir: string;
  let path: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'metalayer-processes-'));
    path = join(dir, 'metalayer.db');
    store = openSqliteStore({ path, catalogue: CATALOGUE });
    await putAll(store, 'DATASET:d1', 'RUN:r1', 'MODEL:m1');
    await link(store, ['run_datasets', 'run/r1', 'datasets/d1'], ['run_models', 'models/m1', 'run/r1']);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commit waits for the lock rather than failing with SQLITE_BUSY', async () => {
    const { released } = await holdWriteLock(path);
    // putAsset reads the asset before it writes: the read-then-write a deferred transaction cannot upgrade.
    const result = await commitOps(store, [putAsset(content('DATASET', 'd2'))]);
    expect(await released).toBe(0);
    expect([...result.assets.keys()]).toEqual(['datasets/d2']);
    expect((await store.getAssets(['datasets/d2']))[0]?.id).toBe('datasets/d2');
  });

  it('usage counts, filled into their cache, wait for the lock', async () => {
    const { released } = await holdWriteLock(path);
    const [usage] = await store.usage([{ id: 'datasets/d1', scope: null, asOf: null }]);
    expect(await released).toBe(0);
    expect(usage).toEqual({ runs: 1, models: 1, deployments: 0 });
  });

  it('a bulk import waits for the lock', async () => {
    const { released } = await holdWriteLock(path);
    const count = await store.importBulk({ assets: [content('DATASET', 'bulk')], edges: [] });
    expect(await released).toBe(0);
    expect(count).toEqual({ assets: 1, edges: 0 });
  });

  it('pruning and purging history wait for the lock', async () => {
    await commitOps(store, [{ type: 'deleteAsset', id: 'models/m1', field: ['id'] }]);
    let held = await holdWriteLock(path);
    expect(await store.purgeHistory('models/m1')).toBe(2);
    expect(await held.released).toBe(0);

    held = await holdWriteLock(path);
    const pruned = await store.pruneHistory('2999-01-01T00:00:00.000Z');
    expect(await held.released).toBe(0);
    expect(pruned).toBeGreaterThan(0);
    expect((await store.changes({ selection: makeChangeSelection(), afterSequence: null, first: 10, scope: null })).changes).toEqual([]);
  });

  it('a second store opened on the file while the lock is held migrates nothing and syncs the catalogue', async () => {
    const { released } = await holdWriteLock(path);
    const second = openSqliteStore({ path, catalogue: CATALOGUE });
    expect(await released).toBe(0);
    expect((await second.getAssets(['datasets/d1']))[0]?.id).toBe('datasets/d1');
    await second.close();
  });
});
