import type { Session } from '../../app/session.js';
import { badInput } from '../../domain/errors.js';
import { parseId } from '../../domain/ids.js';
import type { ListPosition, ListQuery } from '../../store/store.js';
import type { QueryAssetsArgs } from '../generated/resolvers.js';

/** `Query.assets` arguments to the listing use case's query. */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function listQuery(args: QueryAssetsArgs, session: Session): Omit<ListQuery, 'asOf' | 'scope'> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(['first'], `expected a page size from 1 to ${MAX_PAGE_SIZE}, received ${first}`);
  }
  const filter = args.filter ?? {};
  const project = filter.project ?? null;
  if (project !== null) parseId(project, ['filter', 'project'], session.catalogue, ['PROJECT']);
  // createdAfter and createdBefore are DateTime scalars, parsed and normalised already.
  return {
    kind: args.kind ?? null,
    nameContains: filter.nameContains || null,
    tag: filter.tag ?? null,
    project,
    environment: filter.environment ?? null,
    createdAfter: filter.createdAfter ?? null,
    createdBefore: filter.createdBefore ?? null,
    first,
    after: args.after === null || args.after === undefined ? null : afterPosition(args.after, session),
  };
}

function afterPosition(cursor: string, session: Session): ListPosition {
  const position = session.cursors.decode(cursor);
  if (!position) {
    throw badInput(['after'], `expected a cursor from pageInfo.endCursor, received ${JSON.stringify(cursor)}`);
  }
  return position;
}
