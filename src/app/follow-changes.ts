import type { ChangeRecord } from '../domain/changes.js';
import { checkedAfterSequence, selectionOf, type ChangeFilterInput } from './history.js';
import type { Session } from './session.js';

export interface FollowArgs {
  filter?: ChangeFilterInput | null;
  afterSequence?: string | null;
}

/**
 * `Subscription.changes`: the change log followed live (live-changes.ts),
 * for the session's viewer, with the filter and scope of the audit trail.
 * The arguments are checked before anything is read: a malformed one is
 * BAD_USER_INPUT naming it, and the subscription does not start.
 */
export function followChanges(session: Session, args: FollowArgs): Promise<AsyncIterableIterator<ChangeRecord>> {
  session.access.requireReader();
  const selection = selectionOf(session, args.filter ?? {});
  const afterSequence = args.afterSequence === null || args.afterSequence === undefined ? null : checkedAfterSequence(args.afterSequence);
  return session.feed.follow(session.viewer, { selection, afterSequence });
}
