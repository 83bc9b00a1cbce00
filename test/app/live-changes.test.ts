import { afterEach, describe, expect, test } from 'vitest';
import { UNRESTRICTED_VIEWER, type Viewer } from '../../src/domain/access.js';
import { createChangeFeed, type ChangeFeed, type ChangeLogReader } from '../../src/app/live-changes.js';
import type { ChangeRecord } from '../../src/domain/changes.js';
import { makeChangeSelection, type ChangeQuery } from '../../src/store/store.js';

/**
 * The live feed over a scripted change log: what followers deliver, in
 * which order, after which signal, and how many log reads it costs.
 */

const NONE = makeChangeSelection();

class ScriptedLog implements ChangeLogReader {
  readonly records: ChangeRecord[] = [];
  readonly reads: { afterSequence: string | null; first: number; scope: readonly string[] | null }[] = [];
  heads = 0;
  failNext: Error | null = null;

  append(count: number, project = 'project/a'): void {
    for (let i = 0; i < count; i += 1) {
      const sequence = String(this.records.length + 1);
      this.records.push({
        sequence,
        at: '2026-03-01T00:00:00.000Z',
        actor: 'walt',
        operation: 'CREATE',
        assetId: `datasets/d${sequence}`,
        kind: 'DATASET',
        before: null,
        after: { name: `d${sequence}`, project },
        relation: null,
        from: null,
        to: null,
        source: 'registerDataset',
        transaction: `tx${sequence}`,
      });
    }
  }

  async changes(query: ChangeQuery) {
    this.reads.push({ afterSequence: query.afterSequence, first: query.first, scope: query.scope });
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    const after = Number(query.afterSequence ?? '0');
    const visible = this.records.filter(
      (record) => Number(record.sequence) > after && (query.scope === null || query.scope.includes(String(record.after?.['project']))),
    );
    return { changes: visible.slice(0, query.first), hasNextPage: visible.length > query.first };
  }

  async lastChangeSequence() {
    this.heads += 1;
    return this.records.at(-1)?.sequence ?? null;
  }
}

const feeds: ChangeFeed[] = [];
function feedOver(log: ChangeLogReader, pollMs = 60_000, pageSize = 2): ChangeFeed {
  const feed = createChangeFeed(log, { pollMs, pageSize });
  feeds.push(feed);
  return feed;
}
afterEach(() => {
  for (const feed of feeds.splice(0)) feed.close();
});

async function take(iterator: AsyncIterator<ChangeRecord>, count: number): Promise<string[]> {
  const sequences: string[] = [];
  while (sequences.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    sequences.push(next.value.sequence);
  }
  return sequences;
}

/** Whether `promise` is still pending after the event loop has turned a few times. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const settled = await Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(marker), 20))]);
  return settled === marker;
}

describe('replay, then live', () => {
  test('replays after the sequence given, page by page, then delivers each commit once it is signalled', async () => {
    const log = new ScriptedLog();
    log.append(5);
    const feed = feedOver(log);
    const follower = await feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: '1' });
    expect(await take(follower, 4)).toEqual(['2', '3', '4', '5']);
    expect(log.reads.map((read) => read.afterSequence)).toEqual(['1', '3']);

    const waiting = follower.next();
    expect(await pending(waiting)).toBe(true);
    // The second read found the end of the log: nothing more is read while nothing is signalled.
    expect(log.reads.map((read) => read.afterSequence)).toEqual(['1', '3']);
    log.append(2);
    feed.committed('7');
    expect((await waiting).value?.sequence).toBe('6');
    expect(await take(follower, 1)).toEqual(['7']);
  });

  test('without afterSequence, starts after the newest change at the time of subscribing', async () => {
    const log = new ScriptedLog();
    log.append(3);
    const feed = feedOver(log);
    const follower = await feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: null });
    log.append(1);
    feed.committed('4');
    expect(await take(follower, 1)).toEqual(['4']);
    expect(log.reads[0]?.afterSequence).toBe('3');
  });

  test('a commit signalled between a read and the wait is not slept through', async () => {
    const log = new ScriptedLog();
    const feed = feedOver(log);
    const follower = await feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: '0' });
    const originalChanges = log.changes.bind(log);
    log.changes = async (query) => {
      const page = await originalChanges(query);
      // Another request commits while this read is answered.
      if (log.records.length === 0) {
        log.append(1);
        feed.committed('1');
      }
      return page;
    };
    expect(await take(follower, 1)).toEqual(['1']);
  });

  test('a commit that wrote nothing (the same revision) wakes no one', async () => {
    const log = new ScriptedLog();
    const feed = feedOver(log);
    feed.committed('3');
    const follower = await feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: '0' });
    const waiting = follower.next();
    expect(await pending(waiting)).toBe(true);
    const readsBefore = log.reads.length;
    feed.committed('3');
    feed.committed('2');
    expect(await pending(waiting)).toBe(true);
    expect(log.reads.length).toBe(readsBefore);
    await follower.return?.();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });

  test('the poll finds what another process wrote, reading only the newest sequence while nothing moves', async () => {
    const log = new ScriptedLog();
    log.append(1);
    const feed = feedOver(log, 10);
    const follower = await feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: '1' });
    const waiting = follower.next();
    await new Promise((resolve) => setTimeout(resolve, 80));
    // One read found the end; the first poll signals once (it knew no head yet), so one more read.
    expect(log.reads.length).toBe(2);
    expect(log.heads).toBeGreaterThanOrEqual(3);
    log.append(1);
    expect((await waiting).value?.sequence).toBe('2');
  });
});

describe('scope and roles', () => {
  test('a scoped viewer reads the log with its scope; an anonymous one without reads is refused', async () => {
    const log = new ScriptedLog();
    log.append(1, 'project/a');
    log.append(1, 'project/b');
    log.append(1, 'project/a');
    const feed = feedOver(log);
    const scoped: Viewer = { name: 'alma', role: 'reader', projects: new Set(['project/a']), anonymous: false };
    const follower = await feed.follow(scoped, { selection: NONE, afterSequence: '0' });
    expect(await take(follower, 2)).toEqual(['1', '3']);
    expect(log.reads[0]?.scope).toEqual(['project/a']);

    const anonymous: Viewer = { name: 'anonymous', role: null, projects: null, anonymous: true };
    await expect(feed.follow(anonymous, { selection: NONE, afterSequence: '0' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('what a filter or scope leaves out', () => {
  test('is scanned once: after a read that reached the end, the position moves to the newest sequence read before it', async () => {
    const log = new ScriptedLog();
    log.append(1, 'project/a');
    log.append(3, 'project/b');
    const feed = feedOver(log);
    const scoped: Viewer = { name: 'alma', role: 'reader', projects: new Set(['project/a']), anonymous: false };
    const follower = await feed.follow(scoped, { selection: NONE, afterSequence: '0' });
    expect(await take(follower, 1)).toEqual(['1']);
    const waiting = follower.next();
    log.append(2, 'project/b');
    feed.committed('2');
    await pending(waiting);
    log.append(1, 'project/a');
    feed.committed('3');
    expect((await waiting).value?.sequence).toBe('7');
    // Replay from 0; then, woken twice, from the newest sequence read before each read, not from 1 again.
    expect(log.reads.map((read) => read.afterSequence)).toEqual(['0', '1', '6']);
  });
});

describe('store calls', () => {
  test('followers woken by one commit read the newest sequence once between them, then the log each', async () => {
    const log = new ScriptedLog();
    log.append(1);
    const feed = feedOver(log);
    const followers = await Promise.all([1, 2, 3].map(() => feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: '1' })));
    const waiting = followers.map((follower) => follower.next());
    await pending(Promise.all(waiting));
    expect([log.heads, log.reads.length]).toEqual([0, 3]);
    log.append(1);
    feed.committed('2');
    expect((await Promise.all(waiting)).map((next) => next.value?.sequence)).toEqual(['2', '2', '2']);
    expect([log.heads, log.reads.length]).toEqual([1, 6]);
  });
});

describe('ending', () => {
  test('return ends a waiting follower at once, and the poll stops with the last follower', async () => {
    const log = new ScriptedLog();
    const feed = feedOver(log, 10);
    const follower = await feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: '0' });
    const waiting = follower.next();
    expect(feed.followers).toBe(1);
    await follower.return?.();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(feed.followers).toBe(0);
    const heads = log.heads;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.heads).toBe(heads);
  });

  test('close ends every follower; a store failure ends its follower with the error', async () => {
    const log = new ScriptedLog();
    const feed = feedOver(log);
    const first = await feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: '0' });
    const second = await feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: '0' });
    log.failNext = new Error('disk on fire');
    await expect(first.next()).rejects.toThrow('disk on fire');
    expect(feed.followers).toBe(1);
    const waiting = second.next();
    feed.close();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(feed.followers).toBe(0);
    const late = await feed.follow(UNRESTRICTED_VIEWER, { selection: NONE, afterSequence: '0' });
    expect(await late.next()).toEqual({ value: undefined, done: true });
  });
});
