import { requireRole, scopeOf, type Viewer } from '../domain/access.js';
import type { ChangeRecord } from '../domain/changes.js';
import type { ChangePage, ChangeSelection, Store } from '../store/store.js';

/**
 * Live changes: the change log followed from a sequence on, for as long as a
 * subscriber listens, the same for every adapter.
 *
 * A follower reads the log itself, page by page, always after the last
 * sequence it delivered (`store.changes({ afterSequence })`). Replay and
 * live delivery are therefore one loop: a change is delivered once its
 * sequence follows the last one delivered, so nothing is repeated, and since
 * sequences follow commit order, nothing committed after a read can take a
 * sequence that read already passed, so nothing is lost, across a replay,
 * the switch to live, or a client's reconnect with the last sequence it saw.
 *
 * Once a follower has read to the end of the log it waits for a signal:
 * a commit of this process that wrote something (`committed`, from
 * commit.ts), or the poll, which reads the newest sequence every `pollMs`
 * while anyone follows, for what other processes sharing the database
 * write. A signal only wakes followers; what they deliver is always what the
 * log answers, scoped to the viewer by the store.
 *
 * Nothing is pushed: a follower reads its next page only when its consumer
 * asks for the next change, so a slow consumer holds one page, never a
 * growing queue (the transport decides when a consumer is too slow).
 */
export interface ChangeFeed {
  /** Wakes followers after a commit of this process; `revision` is the store's revision after it. */
  committed(revision: string): void;
  /**
   * Follows the log for `viewer` (who needs the reader role): the changes
   * after `request.afterSequence`, or, when null, after the newest one now.
   */
  follow(viewer: Viewer, request: FollowRequest): Promise<AsyncIterableIterator<ChangeRecord>>;
  /** How many followers are listening. */
  readonly followers: number;
  /** Ends every follower and stops the poll. */
  close(): void;
}

/** What the feed reads: the store port's change log. */
export type ChangeLogReader = Pick<Store, 'changes' | 'lastChangeSequence'>;

export interface FollowRequest {
  selection: ChangeSelection;
  /** Deliver the changes after this sequence; null: from now on. */
  afterSequence: string | null;
}

export interface ChangeFeedSettings {
  /** Milliseconds between two reads of the newest sequence while anyone follows. */
  pollMs: number;
  /** Changes a follower reads per store call, and so holds at most. */
  pageSize: number;
  /** Told when a poll fails; the next poll tries again. */
  onPollError?: (error: unknown) => void;
}

export const DEFAULT_CHANGE_FEED_SETTINGS: ChangeFeedSettings = { pollMs: 1000, pageSize: 100 };

export function createChangeFeed(log: ChangeLogReader, settings: ChangeFeedSettings = DEFAULT_CHANGE_FEED_SETTINGS): ChangeFeed {
  const signal = new Signal();
  const followers = new Set<Follower>();
  const poll = new Poll(log, signal, settings);
  let lastRevision = -1n;
  let closed = false;

  const remove = (follower: Follower) => {
    followers.delete(follower);
    if (followers.size === 0) poll.stop();
  };

  return {
    committed: (revision) => {
      const value = revisionValue(revision);
      if (value === null || value <= lastRevision) return;
      lastRevision = value;
      signal.bump();
    },
    follow: async (viewer, request) => {
      requireRole(viewer, 'reader', 'Following changes');
      const start = request.afterSequence ?? (await log.lastChangeSequence());
      const follower = new Follower(log, signal, {
        selection: request.selection,
        scope: scopeOf(viewer),
        after: start,
        pageSize: settings.pageSize,
        onEnd: remove,
      });
      if (closed) {
        follower.end();
        return follower;
      }
      followers.add(follower);
      poll.start();
      return follower;
    },
    get followers() {
      return followers.size;
    },
    close: () => {
      closed = true;
      for (const follower of [...followers]) follower.end();
      poll.stop();
    },
  };
}

/** A commit revision as a number; null for a revision that is not a decimal integer. */
function revisionValue(revision: string): bigint | null {
  return /^\d{1,30}$/.test(revision) ? BigInt(revision) : null;
}

/**
 * A counter of wake-ups. A follower notes the generation before it reads
 * and, once it has read to the end, waits only if nothing was signalled
 * since: a commit between its read and its wait is never slept through.
 */
class Signal {
  generation = 0;
  private readonly waiters = new Set<() => void>();
  /** The newest sequence read for the current generation, shared by the followers it wakes. */
  private head: { generation: number; value: Promise<string | null> } | null = null;

  /** Wakes every waiting follower; `head`, when the signaller read it (the poll), saves them reading it again. */
  bump(head?: string | null): void {
    this.generation += 1;
    this.head = head === undefined ? null : { generation: this.generation, value: Promise.resolve(head) };
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  /**
   * The newest sequence, read once per generation however many followers
   * it wakes: each asks before its own read of the log, so the value was
   * read before that read began, which is all a follower needs of it.
   */
  headOf(generation: number, read: () => Promise<string | null>): Promise<string | null> {
    if (this.head?.generation === generation) return this.head.value;
    const entry = { generation, value: read() };
    this.head = entry;
    entry.value.catch(() => {
      if (this.head === entry) this.head = null;
    });
    return entry.value;
  }

  /** Resolves once the generation has passed `seen` (at once if it has), or when `cancel` is called. */
  after(seen: number): { woken: Promise<void>; cancel: () => void } {
    if (this.generation > seen) return { woken: Promise.resolve(), cancel: () => undefined };
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.waiters.add(wake);
    return {
      woken,
      cancel: () => {
        this.waiters.delete(wake);
        wake();
      },
    };
  }
}

/** Reads the newest sequence every `pollMs` while started; signals when it moved. */
class Poll {
  private timer: NodeJS.Timeout | null = null;
  private head: string | null | undefined = undefined;
  private reading = false;

  constructor(
    private readonly log: ChangeLogReader,
    private readonly signal: Signal,
    private readonly settings: ChangeFeedSettings,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.tick(), this.settings.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.head = undefined;
  }

  private async tick(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const head = await this.log.lastChangeSequence();
      if (head !== this.head) {
        this.head = head;
        this.signal.bump(head);
      }
    } catch (error) {
      this.settings.onPollError?.(error);
    } finally {
      this.reading = false;
    }
  }
}

interface FollowerOptions {
  selection: ChangeSelection;
  scope: readonly string[] | null;
  /** The last sequence delivered (or the one to start after); null: the log's start. */
  after: string | null;
  pageSize: number;
  onEnd: (follower: Follower) => void;
}

/**
 * One subscriber's position in the log. `next` hands out the page it holds,
 * then reads the following one, and, at the end of the log, waits for a
 * signal; `return` ends it at once, even while it waits.
 *
 * Woken at the end of the log, it first reads the newest sequence, then the
 * log after its position: a read that reaches the end has then considered
 * every change up to that sequence (each was committed before the read),
 * so the position moves past the ones its filter or scope left out, and
 * the next read does not scan them again. Without that, a subscriber whose
 * filter rarely matches would rescan an ever longer tail at every wake.
 */
class Follower implements AsyncIterableIterator<ChangeRecord> {
  private page: ChangeRecord[] = [];
  /** The generation at the read that found the end of the log; null while more may follow at once. */
  private caughtUp: number | null = null;
  private waiting: (() => void) | null = null;
  private ended = false;
  /** The last sequence delivered, or passed over as considered (see above). */
  private after: string | null;
  /** The newest sequence when the last read that reached the end began; the position moves there once its page is out. */
  private considered: string | null = null;

  constructor(
    private readonly log: ChangeLogReader,
    private readonly signal: Signal,
    private readonly options: FollowerOptions,
  ) {
    this.after = options.after;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ChangeRecord, undefined>> {
    while (!this.ended) {
      const change = this.page.shift();
      if (change) {
        this.after = change.sequence;
        return { value: change, done: false };
      }
      this.passConsidered();
      if (this.caughtUp !== null) await this.wait(this.caughtUp);
      if (this.ended) break;
      await this.read();
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<ChangeRecord, undefined>> {
    this.end();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<ChangeRecord, undefined>> {
    this.end();
    throw error;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.page = [];
    this.waiting?.();
    this.options.onEnd(this);
  }

  private async read(): Promise<void> {
    const generation = this.signal.generation;
    const { selection, scope, pageSize } = this.options;
    let head: string | null = null;
    let found: ChangePage;
    try {
      if (this.caughtUp !== null) head = await this.signal.headOf(generation, () => this.log.lastChangeSequence());
      found = await this.log.changes({ selection, afterSequence: this.after, first: pageSize, scope });
    } catch (error) {
      this.end();
      throw error;
    }
    if (this.ended) return;
    this.page = found.changes;
    this.caughtUp = found.hasNextPage ? null : generation;
    this.considered = found.hasNextPage ? null : head;
  }

  private passConsidered(): void {
    if (this.considered !== null && (this.after === null || BigInt(this.considered) > BigInt(this.after))) this.after = this.considered;
    this.considered = null;
  }

  private async wait(seen: number): Promise<void> {
    const { woken, cancel } = this.signal.after(seen);
    this.waiting = cancel;
    await woken;
    this.waiting = null;
  }
}
