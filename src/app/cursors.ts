import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import type { Catalogue } from '../domain/catalogue.js';
import { isSequence } from '../domain/changes.js';
import { tryParseId } from '../domain/ids.js';
import type { ListPosition, UsagePosition } from '../store/store.js';

/**
 * Listing cursors: a position `[createdAt, id]` in the listing order, as the
 * engine sorts it. Cursors are opaque to clients, and checked when decoded,
 * so a forged or truncated one is the client's BAD_USER_INPUT, never the
 * engine's problem.
 *
 * Every cursor is sealed (AES-256-GCM): `s.` and base64url of nonce,
 * ciphertext and tag. The position's JSON is padded with spaces to a
 * multiple of `PAD_BYTES`, so cursors of ordinary positions all have one
 * length. The nonce is derived from the position (a synthetic IV: HMAC of
 * the plaintext), so one position always gives the same cursor, on every
 * server and after restarts: the key is the store's shared secret
 * (Store.sharedSecret), made once and kept in the database.
 *
 * A listing's scope is applied by the store before paging (ListQuery.scope),
 * so every cursor names an asset its viewer sees, and whatever position a
 * client forges, the page after it holds only assets that viewer may see:
 * the seal keeps cursors opaque, it is not what keeps hidden assets hidden.
 * Plain cursors (base64url of the JSON, as earlier versions issued them)
 * are still accepted for that reason.
 */
export interface CursorCodec {
  encode(position: ListPosition): string;
  /** The position a cursor stands for, or null when it is not a cursor of this store. */
  decode(cursor: string): ListPosition | null;
  /** A leaderboard cursor: the last run's place, sealed as listing cursors are (never accepted plain). */
  encodeRank(place: RankPlace): string;
  /** The place a leaderboard cursor stands for, or null when it is not one of this store's. */
  decodeRank(cursor: string): RankPlace | null;
  /** A change-log cursor: the sequence of the last change of a page, sealed (never accepted plain). */
  encodeChange(sequence: string): string;
  /** The sequence a change-log cursor stands for, or null when it is not one of this store's. */
  decodeChange(cursor: string): string | null;
  /** A reuse cursor: the last asset's place, sealed (never accepted plain). */
  encodeReuse(place: UsagePosition): string;
  /** The place a reuse cursor stands for, or null when it is not one of this store's. */
  decodeReuse(cursor: string): UsagePosition | null;
}

/** A run's place on a leaderboard: its value, its id, and its 1-based rank. */
export interface RankPlace {
  value: number;
  id: string;
  rank: number;
}

const SEALED_PREFIX = 's.';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The plaintext is padded to a multiple of this many bytes. */
const PAD_BYTES = 128;
/** Longer position fields than any engine writes are not positions. */
const MAX_CREATED_AT_LENGTH = 64;

/** A codec sealing with a 256-bit key derived from `secret`, for ids of the catalogue's kinds. */
export function createCursorCodec(secret: string, catalogue: Catalogue): CursorCodec {
  const key = createHash('sha256').update(`metalayer cursor key\0${secret}`).digest();
  const ivKey = createHash('sha256').update(`metalayer cursor nonce key\0${secret}`).digest();
  const seal = (json: string): string => {
    const length = Buffer.byteLength(json, 'utf8');
    const plain = Buffer.from(json.padEnd(json.length + (PAD_BYTES - (length % PAD_BYTES)) % PAD_BYTES, ' '), 'utf8');
    const nonce = createHmac('sha256', ivKey).update(plain).digest().subarray(0, NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const text = Buffer.concat([cipher.update(plain), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([nonce, text, cipher.getAuthTag()]).toString('base64url');
  };
  return {
    encode: ({ createdAt, id }) => seal(JSON.stringify([createdAt, id])),
    decode: (cursor) => {
      const sealed = cursor.startsWith(SEALED_PREFIX);
      const body = sealed ? cursor.slice(SEALED_PREFIX.length) : cursor;
      if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
      const text = sealed ? unseal(key, Buffer.from(body, 'base64url')) : Buffer.from(body, 'base64url').toString('utf8');
      return text === null ? null : parsePosition(text.trimEnd(), catalogue);
    },
    encodeRank: ({ value, id, rank }) => seal(JSON.stringify([RANK_TAG, value, id, rank])),
    decodeRank: (cursor) => {
      const text = unsealCursor(key, cursor);
      return text === null ? null : parsePlace(text, catalogue);
    },
    encodeChange: (sequence) => seal(JSON.stringify([CHANGE_TAG, sequence])),
    decodeChange: (cursor) => {
      const text = unsealCursor(key, cursor);
      return text === null ? null : parseSequence(text);
    },
    encodeReuse: ({ models, id }) => seal(JSON.stringify([REUSE_TAG, models, id])),
    decodeReuse: (cursor) => {
      const text = unsealCursor(key, cursor);
      return text === null ? null : parseReusePlace(text, catalogue);
    },
  };
}

/** The plaintext of a sealed cursor, unpadded; null for anything else. */
function unsealCursor(key: Buffer, cursor: string): string | null {
  if (!cursor.startsWith(SEALED_PREFIX)) return null;
  const body = cursor.slice(SEALED_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  return unseal(key, Buffer.from(body, 'base64url'))?.trimEnd() ?? null;
}

/** The first member of a change-log cursor's JSON, so that it reads as no other cursor, nor another as one. */
const CHANGE_TAG = 'change';

function parseSequence(text: string): string | null {
  const [sequence] = taggedTuple(text, CHANGE_TAG, 1) ?? [];
  return typeof sequence === 'string' && isSequence(sequence) ? sequence : null;
}

/** The first member of a reuse cursor's JSON, so that it reads as no other cursor. */
const REUSE_TAG = 'reuse';

function parseReusePlace(text: string, catalogue: Catalogue): UsagePosition | null {
  const [models, id] = taggedTuple(text, REUSE_TAG, 2) ?? [];
  if (typeof models !== 'number' || !Number.isInteger(models) || models < 0) return null;
  return typeof id === 'string' && tryParseId(id, catalogue) ? { models, id } : null;
}

/** The first member of a leaderboard cursor's JSON, so that no listing cursor reads as one, nor one as a listing's. */
const RANK_TAG = 'rank';

function parsePlace(text: string, catalogue: Catalogue): RankPlace | null {
  const [value, id, rank] = taggedTuple(text, RANK_TAG, 3) ?? [];
  if (typeof value !== 'number' || typeof id !== 'string' || typeof rank !== 'number') return null;
  if (!Number.isInteger(rank) || rank < 1 || !tryParseId(id, catalogue)) return null;
  return { value, id, rank };
}

function unseal(key: Buffer, bytes: Buffer): string | null {
  if (bytes.length <= NONCE_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const text = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    return text.toString('utf8');
  } catch {
    return null;
  }
}

function parsePosition(text: string, catalogue: Catalogue): ListPosition | null {
  const [createdAt, id] = tuple(text, 2) ?? [];
  if (typeof createdAt !== 'string' || typeof id !== 'string') return null;
  if (createdAt.length > MAX_CREATED_AT_LENGTH || !tryParseId(id, catalogue)) return null;
  return { createdAt, id };
}

/** The members of a JSON array of `length` members, or null for any other text. */
function tuple(text: string, length: number): unknown[] | null {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    return null;
  }
  return Array.isArray(decoded) && decoded.length === length ? (decoded as unknown[]) : null;
}

/** The members after the tag of a JSON array `[tag, ...members]` of `length` members, or null for any other text. */
function taggedTuple(text: string, tag: string, length: number): unknown[] | null {
  const members = tuple(text, length + 1);
  return members !== null && members[0] === tag ? members.slice(1) : null;
}
