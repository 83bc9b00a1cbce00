import fc from 'fast-check';
import { parse, subscribe, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { WriteOp } from '../../src/domain/writes.js';
import { buildSchema } from '../../src/graphql/index.js';
import { CATALOGUE, commitOps, content, putAsset, putEdge } from '../helpers/assets.js';
import { createTestApi, type TestApi } from '../helpers/graphql.js';
import { viewer } from '../helpers/projects.js';

/**
 * Live changes for a token scoped to a project, over stores that differ in
 * what it may not see (another project's assets, written in between):
 *
 * - what its subscription delivers is exactly what `Query.changes` answers
 *   it, field for field, so subscriptions inherit every rule of the audit
 *   trail's scoping (docs/scopes.md);
 * - with and without the hidden writes, it delivers the same changes, in the
 *   same order, with the same content; only the fields drawn from the
 *   global sequence (`sequence`, `id`, `transaction`) are left out of that
 *   comparison: their gaps are the documented exception SEQUENCE_GAPS
 *   (test/hardening/noninterference.test.ts). The hidden world writes no
 *   shared asset (ACTORS_OF_SHARED).
 */

const ALPHA = viewer('reader', 'project/alpha');
const schema = buildSchema(CATALOGUE);

const FIELDS = 'id sequence at actor operation assetId kind asset { id } before after relation from to source transaction';
const FOLLOW = parse(`subscription { changes(afterSequence: "0") { ${FIELDS} } }`);
const AUDIT = `query ($after: String) { changes(first: 100, after: $after) { edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`;

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

/** Alpha's world, the same in both stores: a project, a model and its run on a shared dataset, and updates. */
const VISIBLE: readonly WriteOp[][] = [
  [putAsset(content('PROJECT', 'alpha')), putAsset(content('DATASET', 'shared', { name: 'shared' }))],
  [putAsset(content('MODEL', 'alpha-m')), putEdge('project_models', 'project/alpha', 'models/alpha-m')],
  [putAsset(content('RUN', 'alpha-r')), putEdge('run_models', 'models/alpha-m', 'run/alpha-r'), putEdge('run_datasets', 'run/alpha-r', 'datasets/shared')],
  [{ type: 'updateAsset', id: 'models/alpha-m', patch: { tag: 'prod' }, field: ['id'] }],
  [{ type: 'updateAsset', id: 'datasets/shared', patch: { tag: 'v2' }, field: ['id'] }],
];

/** What another project writes: its project, models, runs on the shared dataset, and tags. */
type HiddenStep = { kind: 'model'; n: number } | { kind: 'run'; n: number } | { kind: 'tag'; n: number; tag: string };

const hiddenStep: fc.Arbitrary<HiddenStep> = fc.oneof(
  fc.record({ kind: fc.constant('model' as const), n: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('run' as const), n: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('tag' as const), n: fc.integer({ min: 0, max: 2 }), tag: fc.constantFrom('prod', 'v2', 'x') }),
);

/** The hidden steps as units of work, skipping those that would fail (a run of a model not there). */
function hiddenUnits(steps: readonly HiddenStep[]): WriteOp[][] {
  const models = new Set<number>();
  const units: WriteOp[][] = [[putAsset(content('PROJECT', 'beta'))]];
  steps.forEach((step, i) => {
    const model = `models/beta-${step.n}`;
    if (step.kind === 'model' && !models.has(step.n)) {
      models.add(step.n);
      units.push([putAsset(content('MODEL', `beta-${step.n}`)), putEdge('project_models', 'project/beta', model)]);
    } else if (step.kind === 'run' && models.has(step.n)) {
      units.push([putAsset(content('RUN', `beta-r${i}`)), putEdge('run_models', model, `run/beta-r${i}`), putEdge('run_datasets', `run/beta-r${i}`, 'datasets/shared')]);
    } else if (step.kind === 'tag' && models.has(step.n)) {
      units.push([{ type: 'updateAsset', id: model, patch: { tag: step.tag }, field: ['id'] }]);
    }
  });
  return units;
}

/**
 * Commits alpha's units at the same instants in both stores (unit i at
 * second 10(i + 1)), with the hidden units interleaved after the first:
 * each in the gap its slot names, at the seconds between (hidden units are
 * at most nine).
 */
async function seed(api: TestApi, hidden: readonly WriteOp[][], slots: readonly number[]): Promise<void> {
  // Slots from 1 (after the shared dataset exists), ascending, so the hidden units keep their order (a relation after its ends).
  const ordered = hidden.map((_, j) => 1 + ((slots[j] ?? 0) % VISIBLE.length)).sort((x, y) => x - y);
  const placed = hidden.map((ops, j) => ({ ops, slot: ordered[j] ?? 0 }));
  let next = 0;
  for (let i = 0; i <= VISIBLE.length; i += 1) {
    for (let k = 1; next < placed.length && placed[next]?.slot === i; next += 1, k += 1) {
      await commitOps(api.store, placed[next]?.ops ?? [], at(10 * i + k));
    }
    const unit = VISIBLE[i];
    if (unit) await commitOps(api.store, unit, at(10 * (i + 1)));
  }
}

/** The whole audit trail alpha sees. */
async function audit(api: TestApi): Promise<unknown[]> {
  const nodes: unknown[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { changes: { edges: { node: unknown }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await api.data(
      AUDIT,
      { after },
      ALPHA,
    );
    nodes.push(...page.changes.edges.map((edge) => edge.node));
    if (!page.changes.pageInfo.hasNextPage) return nodes;
    after = page.changes.pageInfo.endCursor;
  }
}

/** What alpha's subscription from the start delivers, `count` changes, then ended. */
async function follow(api: TestApi, count: number): Promise<unknown[]> {
  const stream = await subscribe({ schema, document: FOLLOW, contextValue: api.core.openSession(ALPHA) });
  if (!(Symbol.asyncIterator in stream)) throw new Error(JSON.stringify(stream));
  const delivered: unknown[] = [];
  const iterator = stream[Symbol.asyncIterator]();
  while (delivered.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    const result: ExecutionResult = next.value;
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    delivered.push((result.data as { changes: unknown }).changes);
  }
  await iterator.return?.();
  return delivered;
}

/** A change without the fields drawn from the global sequence. */
function withoutSequence(change: unknown): unknown {
  const { sequence: _sequence, id: _id, transaction: _transaction, ...rest } = change as Record<string, unknown>;
  return rest;
}

describe('live changes for a scoped token', () => {
  it('deliver what the audit trail answers it, and the same whatever another project writes in between', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hiddenStep, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), async (steps, slots) => {
        const hidden = hiddenUnits(steps);
        const plain = createTestApi({ viewer: ALPHA });
        const withHidden = createTestApi({ viewer: ALPHA });
        try {
          await seed(plain, [], []);
          await seed(withHidden, hidden, slots);
          const [auditPlain, auditHidden] = [await audit(plain), await audit(withHidden)];
          const [livePlain, liveHidden] = [await follow(plain, auditPlain.length), await follow(withHidden, auditHidden.length)];
          expect(livePlain).toEqual(auditPlain);
          expect(liveHidden).toEqual(auditHidden);
          expect(liveHidden.map(withoutSequence)).toEqual(livePlain.map(withoutSequence));
        } finally {
          await Promise.all([plain.close(), withHidden.close()]);
        }
      }),
      { numRuns: 15, seed: 20261202 },
    );
  }, 60_000);
});
