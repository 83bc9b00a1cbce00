import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createCursorCodec } from '../../src/app/cursors.js';
import { startCore } from '../../src/app/session.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { CATALOGUE, memoryStore } from '../helpers/assets.js';

/**
 * Sealed cursors are sealed with the store's shared secret, so every server
 * on one database accepts them, across restarts; a cursor of another
 * database is refused.
 */
const POSITION = { createdAt: '2026-01-01T00:00:00.000Z', id: 'models/hidden' };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('cursors', () => {
  test('a sealed cursor names no asset and opens again with the same key only', () => {
    const codec = createCursorCodec('one secret', CATALOGUE);
    const sealed = codec.seal(POSITION);
    expect(sealed).toMatch(/^s\./);
    expect(Buffer.from(sealed.slice(2), 'base64url').toString('latin1')).not.toContain('hidden');
    expect(codec.decode(sealed)).toEqual(POSITION);
    expect(createCursorCodec('another secret', CATALOGUE).decode(sealed)).toBeNull();
    expect(codec.decode(codec.encode(POSITION))).toEqual(POSITION);
  });

  test('every server of one database, before and after a restart, opens the cursors of the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-'));
    dirs.push(dir);
    const path = join(dir, 'metalayer.db');
    const open = () => openSqliteStore({ path, catalogue: CATALOGUE });

    const first = open();
    const sealed = (await startCore({ store: first, catalogue: CATALOGUE })).openSession().cursors.seal(POSITION);
    const second = open();
    expect((await startCore({ store: second, catalogue: CATALOGUE })).openSession().cursors.decode(sealed)).toEqual(POSITION);
    await Promise.all([first.close(), second.close()]);

    const restarted = open();
    expect((await startCore({ store: restarted, catalogue: CATALOGUE })).openSession().cursors.decode(sealed)).toEqual(POSITION);
    await restarted.close();

    const elsewhere = memoryStore();
    expect((await startCore({ store: elsewhere, catalogue: CATALOGUE })).openSession().cursors.decode(sealed)).toBeNull();
    await elsewhere.close();
  });
});
