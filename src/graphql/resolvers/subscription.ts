import { followChanges } from '../../app/follow-changes.js';
import type { ChangeRecord } from '../../domain/changes.js';
import type { SubscriptionResolvers } from '../generated/resolvers.js';

/**
 * Subscriptions. Each event the core's stream yields is a change record,
 * which the field resolves to as it is; the transport executes each event
 * in a session of its own (src/server/subscriptions.ts).
 */
export const subscriptionResolvers: SubscriptionResolvers = {
  changes: {
    subscribe: (_root, args, ctx) => followChanges(ctx, args),
    resolve: (change: ChangeRecord) => change,
  },
};
