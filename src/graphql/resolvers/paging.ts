import { badInput } from '../../domain/errors.js';
import { parseId } from '../../domain/ids.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { AssetPage, ListPosition, ListQuery } from '../../store/store.js';
import type { QueryAssetsArgs } from '../generated/resolvers.js';
import { decodeCursor, encodeCursor, sealCursor } from './cursors.js';

/**
 * `Query.assets` arguments to a store ListQuery and a store page to a
 * connection; cursors are in cursors.ts.
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
    after: args.after === null || args.after === undefined ? null : afterPosition(args.after),
  };
}

function afterPosition(cursor: string): ListPosition {
  const position = decodeCursor(cursor);
  if (!position) {
    throw badInput('after', `expected a cursor from pageInfo.endCursor, received ${JSON.stringify(cursor)}`);
  }
  return position;
}

/**
 * A store page as a connection, with the assets the viewer may not see
 * (`visible[i]` false) left out. The end cursor is the position of the last
 * asset listed, seen or not, so paging goes on past a stretch of unseen
 * assets; when that asset is unseen, the cursor is sealed so it does not
 * name it (cursors.ts).
 */
export function connection(page: AssetPage, visible: readonly boolean[]) {
  const edges = page.assets
    .filter((_, i) => visible[i])
    .map((node: AssetRecord) => ({ cursor: encodeCursor(node), node }));
  const last = page.assets.at(-1);
  const endCursor = last === undefined ? null : visible[page.assets.length - 1] ? encodeCursor(last) : sealCursor(last);
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor } };
}
