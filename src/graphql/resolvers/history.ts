import { assetAuthors, assetHistory, changedAsset } from '../../app/history.js';
import { changeId } from '../../domain/changes.js';
import type { AssetRecord } from '../../domain/kinds.js';
import type { Context } from '../context.js';
import type { Resolvers } from '../generated/resolvers.js';

/** The change record's own fields are the record's (default resolvers); here are its id and its asset now. */
export const changeResolvers: Resolvers = {
  Change: {
    id: (change) => changeId(change.sequence),
    asset: (change, _args, ctx) => changedAsset(ctx, change),
  },
};

/** The history fields every asset type shares: its authors and its changes. */
export const assetHistoryFields = {
  createdBy: async (asset: AssetRecord, _args: unknown, ctx: Context) => (await assetAuthors(ctx, asset)).createdBy,
  updatedBy: async (asset: AssetRecord, _args: unknown, ctx: Context) => (await assetAuthors(ctx, asset)).updatedBy,
  history: (asset: AssetRecord, args: { first?: number | null; after?: string | null }, ctx: Context) =>
    assetHistory(ctx, asset, args),
};
