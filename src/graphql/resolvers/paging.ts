import { badInput } from '../../domain/errors.js';
import { parseId, tryParseId } from '../../domain/ids.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { AssetPage, ListPosition, ListQuery } from '../../store/store.js';
import type { QueryAssetsArgs } from '../generated/resolvers.js';
import { parseInstant } from './scalars.js';

/**
 * `Query.assets` arguments to a store ListQuery and a store page to a
 * connection. Cursors are opaque to clients: base64url of the listing
 * position `[createdAt, id]`, checked when decoded so a forged or truncated
 * cursor is the client's BAD_USER_INPUT, never the engine's problem.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function listQuery(args: QueryAssetsArgs): ListQuery {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `expected a page size from 1 to ${MAX_PAGE_SIZE}, received ${first}`);
  }
  const filter = args.filter ?? {};
  const project = filter.project ?? null;
  if (project !== null) parseId(project, 'filter.project', ['PROJECT']);
  // createdAfter and createdBefore are DateTime scalars, parsed and normalised already.
  return {
    kind: args.kind ?? null,
    nameContains: filter.nameContains || null,
    tag: filter.tag ?? null,
    project,
    createdAfter: filter.createdAfter ?? null,
    createdBefore: filter.createdBefore ?? null,
    first,
    after: args.after === null || args.after === undefined ? null : decodeCursor(args.after),
  };
}

function encodeCursor({ createdAt, id }: ListPosition): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): ListPosition {
  const position = tryDecode(cursor);
  if (!position) {
    throw badInput('after', `expected a cursor from pageInfo.endCursor, received ${JSON.stringify(cursor)}`);
  }
  return position;
}

function tryDecode(cursor: string): ListPosition | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return null;
  const [createdAt, id]: unknown[] = decoded;
  if (typeof createdAt !== 'string' || typeof id !== 'string') return null;
  if (parseInstant(createdAt) === null || !tryParseId(id)) return null;
  return { createdAt, id };
}

export function connection(page: AssetPage) {
  const edges = page.assets.map((node: AssetRecord) => ({ cursor: encodeCursor(node), node }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
