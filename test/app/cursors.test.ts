import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createCursorCodec } from '../../src/app/cursors.js';
import { startCore } from '../../src/app/session.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { CATALOGUE, memoryStore } from '../helpers/assets.js';

/**
 * Cursors are sealed with the store's shared secret, so every server
 * on one database accepts them, across restarts; a cursor of another
 * database is refused.
 */
const POSITION = { createdAt: '2026-01-01T00:00:00.000Z', id: 'models/hidden' };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('cursors', () => {
  test('a leaderboard cursor is sealed like a listing one, names no run, and is never taken for a listing cursor', () => {
    const codec = createCursorCodec('one secret', CATALOGUE);
    const place = { value: 0.25, id: 'run/hidden', rank: 21 };
    const sealed = codec.encodeRank(place);
    expect(sealed).toMatch(/^s\./);
    expect(sealed).toHaveLength(210);
    expect(Buffer.from(sealed.slice(2), 'base64url').toString('latin1')).not.toContain('hidden');
    expect(codec.decodeRank(sealed)).toEqual(place);
    expect(codec.decode(sealed)).toBeNull();
    expect(codec.decodeRank(codec.encode(POSITION))).toBeNull();
    expect(createCursorCodec('another secret', CATALOGUE).decodeRank(sealed)).toBeNull();
    // Unlike listing cursors, a plain one is never accepted: it would let a client choose its rank.
    expect(codec.decodeRank(Buffer.from(JSON.stringify(['rank', 0.25, 'run/hidden', 21])).toString('base64url'))).toBeNull();
  });

  test('a reuse cursor is sealed, names no asset, and is taken for no other cursor', () => {
    const codec = createCursorCodec('one secret', CATALOGUE);
    const place = { models: 3, id: 'datasets/hidden' };
    const sealed = codec.encodeReuse(place);
    expect(sealed).toMatch(/^s\./);
    expect(Buffer.from(sealed.slice(2), 'base64url').toString('latin1')).not.toContain('hidden');
    expect(codec.decodeReuse(sealed)).toEqual(place);
    expect(codec.decode(sealed)).toBeNull();
    expect(codec.decodeRank(sealed)).toBeNull();
    expect(codec.decodeReuse(codec.encodeRank({ value: 3, id: 'datasets/hidden', rank: 1 }))).toBeNull();
    expect(codec.decodeReuse(codec.encode(POSITION))).toBeNull();
    expect(createCursorCodec('another secret', CATALOGUE).decodeReuse(sealed)).toBeNull();
    expect(codec.decodeReuse(Buffer.from(JSON.stringify(['reuse', 3, 'datasets/hidden'])).toString('base64url'))).toBeNull();
  });

  test('a cursor is sealed, names no asset and opens again with the same key only', () => {
    const codec = createCursorCodec('one secret', CATALOGUE);
    const sealed = codec.encode(POSITION);
    expect(sealed).toMatch(/^s\./);
    expect(Buffer.from(sealed.slice(2), 'base64url').toString('latin1')).not.toContain('hidden');
    expect(codec.decode(sealed)).toEqual(POSITION);
    expect(createCursorCodec('another secret', CATALOGUE).decode(sealed)).toBeNull();
  });

  test('one position gives one cursor, and positions of different lengths give cursors of one length', () => {
    const codec = createCursorCodec('one secret', CATALOGUE);
    const short = codec.encode({ createdAt: POSITION.createdAt, id: 'models/m' });
    const long = codec.encode({ createdAt: POSITION.createdAt, id: `models/${'m'.repeat(60)}` });
    expect(codec.encode(POSITION)).toBe(codec.encode(POSITION));
    // nonce 12 + padded plaintext 128 + tag 16 bytes, base64url, after "s."
    expect([short.length, long.length, codec.encode(POSITION).length]).toEqual([210, 210, 210]);
  });

  test('a plain cursor of earlier versions is still read', () => {
    const codec = createCursorCodec('one secret', CATALOGUE);
    const plain = Buffer.from(JSON.stringify([POSITION.createdAt, POSITION.id])).toString('base64url');
    expect(codec.decode(plain)).toEqual(POSITION);
  });

  test('every server of one database, before and after a restart, opens the cursors of the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-'));
    dirs.push(dir);
    const path = join(dir, 'metalayer.db');
    const open = () => openSqliteStore({ path, catalogue: CATALOGUE });

    const first = open();
    const sealed = (await startCore({ store: first, catalogue: CATALOGUE })).openSession().cursors.encode(POSITION);
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
