import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { tryParseId } from '../../domain/ids.js';
import type { ListPosition } from '../../store/store.js';
import { parseInstant } from './scalars.js';

/**
 * Listing cursors: a position `[createdAt, id]` in the listing order. Cursors
 * are opaque to clients, and checked when decoded, so a forged or truncated
 * one is the client's BAD_USER_INPUT, never the engine's problem.
 *
 * A plain cursor is base64url of the position's JSON: it names an asset the
 * client was given anyway. A page for a viewer scoped to projects may end
 * on an asset that viewer may not see; its end cursor is then sealed
 * (AES-256-GCM), so that it names no asset: `s.` and base64url of nonce,
 * ciphertext and tag. The key is made when the process starts and never
 * leaves it, so a sealed cursor is good only on the process that issued it
 * and until it restarts; elsewhere it is refused like any bad cursor, and
 * the client pages again from the start.
 */

const SEALED_PREFIX = 's.';
const KEY = randomBytes(32);
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function encodeCursor({ createdAt, id }: ListPosition): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

export function sealCursor({ createdAt, id }: ListPosition): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', KEY, nonce);
  const text = Buffer.concat([cipher.update(JSON.stringify([createdAt, id]), 'utf8'), cipher.final()]);
  return SEALED_PREFIX + Buffer.concat([nonce, text, cipher.getAuthTag()]).toString('base64url');
}

/** The position a cursor stands for, or null when it is not one this process issued. */
export function decodeCursor(cursor: string): ListPosition | null {
  const sealed = cursor.startsWith(SEALED_PREFIX);
  const body = sealed ? cursor.slice(SEALED_PREFIX.length) : cursor;
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  const text = sealed ? unseal(Buffer.from(body, 'base64url')) : Buffer.from(body, 'base64url').toString('utf8');
  return text === null ? null : parsePosition(text);
}

function unseal(bytes: Buffer): string | null {
  if (bytes.length <= NONCE_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', KEY, bytes.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const text = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    return text.toString('utf8');
  } catch {
    return null;
  }
}

function parsePosition(text: string): ListPosition | null {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return null;
  const [createdAt, id]: unknown[] = decoded;
  if (typeof createdAt !== 'string' || typeof id !== 'string') return null;
  if (parseInstant(createdAt) === null || !tryParseId(id)) return null;
  return { createdAt, id };
}
