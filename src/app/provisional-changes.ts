/**
 * PROVISIONAL: the change log's types as the storage format fixes them,
 * until the change log itself lands; deleted then, its imports pointed at
 * src/domain/changes.ts and src/store/store.ts.
 */
import type { AssetKind } from '../domain/kinds.js';
import type { RelationName } from '../domain/relations.js';

export type ChangeOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'LINK' | 'UNLINK';

export interface ChangeRecord {
  sequence: string;
  at: string;
  actor: string;
  operation: ChangeOperation;
  assetId: string;
  kind: AssetKind;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  relation: RelationName | null;
  from: string | null;
  to: string | null;
  source: string;
  transaction: string;
}

export interface ChangeSelection {
  actor: string | null;
  assets: readonly string[] | null;
  kinds: readonly AssetKind[] | null;
  operations: readonly ChangeOperation[] | null;
  since: string | null;
  until: string | null;
}

export interface ChangeQuery {
  selection: ChangeSelection;
  afterSequence: string | null;
  first: number;
  scope: readonly string[] | null;
}

export interface ChangePage {
  changes: ChangeRecord[];
  hasNextPage: boolean;
}

/** The store as the change log's reader, once the store port has the change log. */
export function provisionalChangeLog(store: object): import('./live-changes.js').ChangeLogReader {
  return store as unknown as import('./live-changes.js').ChangeLogReader;
}
