import { assetId } from '../../src/domain/ids.js';
import type { AssetContent, AssetKind, KindFields } from '../../src/domain/kinds.js';
import type { RelationName } from '../../src/domain/relations.js';
import type { WriteOp } from '../../src/domain/writes.js';
import type { Store } from '../../src/store/store.js';

/** Minimal valid typed fields of each kind, for tests that build data through the port. */
const DEFAULT_FIELDS: { [K in AssetKind]: (key: string) => KindFields[K] } = {
  PROJECT: () => ({ description: null }),
  DATASET: () => ({ description: null, source: null, statistics: null }),
  FEATURESET: () => ({ description: null, features: [] }),
  MODEL: () => ({ description: null, task: null, framework: null, uri: null }),
  RUN: (key) => ({ runId: key, status: 'COMPLETED', startedAt: null, endedAt: null, deploymentTag: null }),
  MODEL_PARAMS: () => ({ params: {} }),
  DEV_PERF: () => ({ metrics: {}, recordedAt: null }),
  DEPLOYMENT: () => ({ environment: null }),
  SERVING_PERF: () => ({ metrics: {}, periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-01-02T00:00:00.000Z' }),
};

export function content<K extends AssetKind>(
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

export const putAsset = (c: AssetContent): WriteOp => ({ type: 'putAsset', content: c, field: 'input' });

export const putEdge = (relation: RelationName, from: string, to: string, field = 'input'): WriteOp => ({
  type: 'putEdge',
  edge: { relation, from, to },
  field,
});

/** Puts assets given as `kind:key` shorthands (`MODEL:m1`), returning their ids. */
export async function putAll(store: Store, ...specs: `${AssetKind}:${string}`[]): Promise<string[]> {
  const contents = specs.map((spec) => {
    const [kind, key] = spec.split(':') as [AssetKind, string];
    return content(kind, key);
  });
  await store.write(contents.map(putAsset));
  return contents.map((c) => c.id);
}

export async function link(store: Store, ...edges: [RelationName, string, string][]): Promise<void> {
  await store.write(edges.map(([relation, from, to]) => putEdge(relation, from, to)));
}

/** Runs `fn` and returns the MetalayerError-like error it rejects with. */
export async function rejection(fn: () => Promise<unknown>): Promise<{ code?: string; message: string; field?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as { code?: string; message: string; field?: string };
  }
  throw new Error('expected a rejection, but the call succeeded');
}
