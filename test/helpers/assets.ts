import { builtinCatalogue, type Catalogue } from '../../src/domain/catalogue.js';
import type { FieldPath } from '../../src/domain/errors.js';
import { assetId } from '../../src/domain/ids.js';
import { DEFAULT_LINEAGE_CAPS, type TraverseRequest } from '../../src/domain/lineage.js';
import type { AssetContent, AssetKind, BuiltinKind, KindFields } from '../../src/domain/kinds.js';
import type { RelationName } from '../../src/domain/relations.js';
import type { CommitResult, WriteOp } from '../../src/domain/writes.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';

/** The built-in catalogue, which every test store and server uses unless a test says otherwise. */
export const CATALOGUE = builtinCatalogue();

/** A fresh in-memory SQLite store of the built-in catalogue, or of `catalogue`. */
export function memoryStore(now?: () => Date, catalogue: Catalogue = CATALOGUE): Store {
  return openSqliteStore({ path: ':memory:', catalogue, ...(now ? { now } : {}) });
}

/** The instant tests commit at unless they say otherwise. */
export const TEST_INSTANT = '2026-01-01T00:00:00.000Z';

/** Commits ops as one unit of work, as a test's own writer. */
export function commitOps(store: Store, ops: readonly WriteOp[], at = new Date().toISOString()): Promise<CommitResult> {
  return store.commit({ ops, actor: 'test', source: 'test', at });
}

/** Minimal valid typed fields of each kind, for tests that build data through the port. */
const DEFAULT_FIELDS: { [K in BuiltinKind]: (key: string) => KindFields[K] } = {
  PROJECT: () => ({ description: null }),
  DATASET: () => ({ description: null, source: null, statistics: null }),
  FEATURESET: () => ({ description: null, features: [] }),
  MODEL: () => ({ description: null, task: null, framework: null, uri: null }),
  RUN: (key) => ({ runId: key, status: 'COMPLETED', startedAt: null, endedAt: null, deploymentTag: null }),
  MODEL_PARAMS: () => ({ params: {} }),
  DEV_PERF: () => ({ metrics: {}, recordedAt: null }),
  DEPLOYMENT: () => ({ environment: null }),
  SERVING_PERF: () => ({ metrics: {}, periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-01-02T00:00:00.000Z', statistics: null }),
};

export function content<K extends BuiltinKind>(
  kind: K,
  key: string,
  overrides: Partial<AssetContent<K>> = {},
): AssetContent<K> {
  return {
    kind,
    id: assetId(kind, key),
    key,
    name: key,
    version: null,
    tag: null,
    properties: {},
    ...DEFAULT_FIELDS[kind](key),
    ...overrides,
  } as AssetContent<K>;
}

export const putAsset = (c: AssetContent, field: FieldPath = ['key']): WriteOp => ({ type: 'putAsset', content: c, field });

export const putEdge = (relation: RelationName, from: string, to: string, field: FieldPath = ['edge']): WriteOp => ({
  type: 'putEdge',
  edge: { relation, from, to },
  field,
});

/** Puts assets given as `kind:key` shorthands (`MODEL:m1`), returning their ids. */
export async function putAll(store: Store, ...specs: `${BuiltinKind}:${string}`[]): Promise<string[]> {
  const contents = specs.map((spec) => {
    const [kind, key] = spec.split(':') as [BuiltinKind, string];
    return content(kind, key);
  });
  await commitOps(store, contents.map((c) => putAsset(c)));
  return contents.map((c) => c.id);
}

export async function link(store: Store, ...edges: [RelationName, string, string][]): Promise<void> {
  await commitOps(store, edges.map(([relation, from, to]) => putEdge(relation, from, to)));
}

/** Runs `fn` and returns the MetalayerError-like error it rejects with. */
export async function rejection(fn: () => Promise<unknown>): Promise<{ code?: string; message: string; field?: FieldPath }> {
  try {
    await fn();
  } catch (error) {
    return error as { code?: string; message: string; field?: FieldPath };
  }
  throw new Error('expected a rejection, but the call succeeded');
}

/** A traversal request as the store port takes it: upstream, unscoped, at the present, the server's default bounds, with `options` applied. */
export function traverseRequest(start: string, options: Partial<TraverseRequest> = {}): TraverseRequest {
  return {
    start,
    asOf: null,
    scope: null,
    direction: 'UPSTREAM',
    depth: 100,
    limit: 1000,
    kinds: null,
    visitLimit: DEFAULT_LINEAGE_CAPS.visitLimit,
    ...options,
  };
}
