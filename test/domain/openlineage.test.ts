import { describe, expect, it } from 'vitest';
import { isValidKey } from '../../src/domain/ids.js';
import type { AssetRecord } from '../../src/domain/kinds.js';
import { datasetKey, planRunEvent, type OpenLineageRunEvent } from '../../src/domain/openlineage.js';
import { firstObservedRun, updatedRun, type RunObservation } from '../../src/domain/runs.js';
import { rejection } from '../helpers/assets.js';

/** The OpenLineage mapping and the merge of observed runs, without a store (domain/openlineage.ts, domain/runs.ts). */

const event = (overrides: Partial<OpenLineageRunEvent> = {}): OpenLineageRunEvent => ({
  eventType: 'START',
  eventTime: '2026-01-10T02:00:00Z',
  producer: 'https://example.com/producer',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  run: { runId: 'r-1', facets: {} },
  job: { namespace: 'ns', name: 'job', facets: {} },
  inputs: [{ namespace: 'pg://db', name: 'a.b', facets: {}, runFacets: {} }],
  outputs: [{ namespace: 's3://lake', name: '/out', facets: { version: { datasetVersion: '7' } }, runFacets: {} }],
  ...overrides,
});

describe('datasetKey', () => {
  it('is a valid key of a readable slug and a hash of the exact pair', () => {
    const key = datasetKey('s3://lake', '/features/customer features');
    expect(key).toMatch(/^s3-lake-features-customer-features-[0-9a-f]{16}$/);
    expect(isValidKey(key)).toBe(true);
    expect(datasetKey('s3://lake', '/features/customer features')).toBe(key);
  });

  it('tells apart pairs with the same slug, and names of any length', () => {
    expect(datasetKey('a/b', 'c')).not.toBe(datasetKey('a', 'b/c'));
    expect(datasetKey('a/b', 'c').slice(0, 6)).toBe(datasetKey('a', 'b/c').slice(0, 6));
    const long = datasetKey('ns', 'x'.repeat(5000));
    expect(isValidKey(long)).toBe(true);
    expect(datasetKey('///', '///')).toMatch(/^dataset-[0-9a-f]{16}$/);
  });
});

describe('planRunEvent', () => {
  it('puts the datasets as reports, merges the run, and relates inputs and outputs', () => {
    const plan = planRunEvent(event());
    const input = `datasets/${datasetKey('pg://db', 'a.b')}`;
    const output = `datasets/${datasetKey('s3://lake', '/out')}`;
    expect(plan.id).toBe('run/r-1');
    expect(plan.ops.map((op) => `${op.type} ${'content' in op ? op.content.id : 'edge' in op ? `${op.edge.relation} ${op.edge.to}` : op.type === 'updateRun' ? op.id : ''}`)).toEqual([
      `putAsset ${input}`,
      `putAsset ${output}`,
      'updateRun run/r-1',
      `putEdge run_datasets ${input}`,
      `putEdge run_outputs ${output}`,
    ]);
    const [, out] = plan.ops;
    expect(out).toMatchObject({ repeat: { same: 'identity' }, content: { name: 's3://lake//out', version: '7' }, field: ['outputs', 0] });
  });

  it('names the field at fault as a path into the event', async () => {
    const late = await rejection(async () => planRunEvent(event({ eventTime: 'soon' })));
    expect(late).toMatchObject({ code: 'BAD_USER_INPUT', field: ['eventTime'] });
    const deep = event();
    deep.outputs = [{ namespace: 'n', name: 'x', facets: { a: Number.NaN }, runFacets: {} }];
    expect(await rejection(async () => planRunEvent(deep))).toMatchObject({ field: ['outputs', 0, 'facets', 'a'] });
  });
});

describe('observed runs', () => {
  const obs = (status: RunObservation['status'], minute: number, starts = false): RunObservation => ({
    origin: 'openlineage:ns',
    at: `2026-01-10T02:${String(minute).padStart(2, '0')}:00.000Z`,
    status,
    starts,
    groups: { runFacets: { [`at${minute}`]: minute, last: minute } },
  });
  const events = [obs('RUNNING', 0, true), obs('RUNNING', 3), obs('COMPLETED', 9), obs(null, 12)];

  /** Every order of `items`. */
  function permutations<T>(items: readonly T[]): T[][] {
    if (items.length <= 1) return [[...items]];
    return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
  }

  function merge(order: readonly RunObservation[]): AssetRecord {
    const [first, ...rest] = order;
    if (!first) throw new Error('no events');
    const created = { ...firstObservedRun({ id: 'run/r', key: 'r', name: 'job' }, first), createdAt: 'c', updatedAt: 'u' };
    return rest.reduce<AssetRecord>((run, next) => updatedRun(run, { observation: next }, 'now', ['run']), created);
  }

  it('gives the same run whatever the order of its events, and a repeated event changes nothing', () => {
    const results = permutations(events).map(merge);
    for (const result of results) expect(result).toEqual(results[0]);
    expect(results[0]).toMatchObject({
      status: 'COMPLETED',
      startedAt: '2026-01-10T02:00:00.000Z',
      endedAt: '2026-01-10T02:09:00.000Z',
      properties: {
        runFacets: { at0: 0, at3: 3, at9: 9, at12: 12, last: 12 },
        observed: { origin: 'openlineage:ns', at: '2026-01-10T02:12:00.000Z' },
      },
    });
    expect(merge([...events, ...events])).toEqual(results[0]);
  });

  it('refuses an event from another origin, and an end before the start, whichever came first', async () => {
    const run = merge([obs('RUNNING', 5, true)]);
    const other = { ...obs('RUNNING', 6), origin: 'openlineage:elsewhere' };
    expect(await rejection(async () => updatedRun(run, { observation: other }, 'now', ['run', 'runId']))).toMatchObject({
      code: 'CONFLICT',
      field: ['run', 'runId'],
      message: 'run.runId: "run/r" is a run recorded from openlineage:ns, not from openlineage:elsewhere',
    });
    const early = await rejection(async () => merge([obs('RUNNING', 5, true), obs('COMPLETED', 4)]));
    expect(early).toMatchObject({ code: 'BAD_USER_INPUT', field: ['run'] });
    expect(await rejection(async () => merge([obs('COMPLETED', 4), obs('RUNNING', 5, true)]))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
