import { describe, expect, it } from 'vitest';
import { planLogRun, planLogServingPerf, planRegisterDataset, planRegisterFeatureset } from '../../src/domain/commands.js';
import { dottedPath, MetalayerError } from '../../src/domain/errors.js';
import { CATALOGUE } from '../helpers/assets.js';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH } from '../../src/domain/json.js';

const newKey = { catalogue: CATALOGUE, newKey: () => 'k1' };

/** The BAD_USER_INPUT a plan throws, as field and message. */
function refusal(plan: () => unknown): { field: string | undefined; message: string } {
  try {
    plan();
  } catch (error) {
    if (error instanceof MetalayerError && error.code === 'BAD_USER_INPUT') {
      return { field: error.field && dottedPath(error.field), message: error.message };
    }
    throw error;
  }
  throw new Error('expected the plan to refuse its input');
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { level: value };
  return value;
}

describe('input limits on every mutation', () => {
  it('bounds free-form JSON by size and depth, naming the field', () => {
    const big = { blob: 'x'.repeat(MAX_JSON_BYTES) };
    expect(refusal(() => planRegisterDataset({ name: 'd', properties: big }, newKey))).toEqual({
      field: 'properties',
      message: `properties: expected at most ${MAX_JSON_BYTES} bytes of JSON, received ${MAX_JSON_BYTES + 11}`,
    });
    expect(() => planRegisterDataset({ name: 'd', properties: nested(MAX_JSON_DEPTH - 1) as object }, newKey)).not.toThrow();
    const deep = refusal(() => planRegisterDataset({ name: 'd', statistics: nested(MAX_JSON_DEPTH + 1) }, newKey));
    expect(deep.field).toMatch(/^statistics(\.level)+$/);
    expect(deep.message).toContain(`at most ${MAX_JSON_DEPTH} levels`);
  });

  it('refuses non-finite numbers and the __proto__ key anywhere inside JSON', () => {
    expect(refusal(() => planLogRun({ model: 'models/m', params: { lr: [1, Number.NaN] } }, newKey))).toEqual({
      field: 'params.lr.1',
      message: 'params.lr.1: expected a finite number, received NaN',
    });
    const polluted = JSON.parse('{"a": {"__proto__": {"admin": true}}}') as object;
    expect(refusal(() => planRegisterDataset({ name: 'd', properties: polluted }, newKey)).field).toBe('properties.a');
  });

  it('refuses non-finite metrics, duplicate metric names and over-long lists', () => {
    expect(
      refusal(() => planLogRun({ model: 'models/m', metrics: [{ name: 'rmse', value: Number.POSITIVE_INFINITY }] }, newKey)),
    ).toEqual({ field: 'metrics.0.value', message: 'metrics.0.value: expected a finite number, received Infinity' });
    expect(
      refusal(() => planLogRun({ model: 'models/m', metrics: [{ name: 'a', value: 1 }, { name: 'a', value: 2 }] }, newKey)).field,
    ).toBe('metrics.1.name');
    const datasets = Array.from({ length: 1001 }, (_, i) => `datasets/d${i}`);
    expect(refusal(() => planRegisterFeatureset({ name: 'f', datasets }, newKey))).toEqual({
      field: 'datasets',
      message: 'datasets: expected at most 1000 items, received 1001',
    });
  });

  it('accepts instants from 1900 to 2200 only, normalised to UTC', () => {
    const plan = planLogServingPerf(
      { deployment: 'deployment/d', periodStart: '2026-01-01T01:00:00+01:00', periodEnd: '2026-01-02', metrics: [] },
      newKey,
    );
    expect(plan.ops[0]).toMatchObject({ content: { periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-01-02T00:00:00.000Z' } });
    expect(refusal(() => planLogRun({ model: 'models/m', startedAt: '1899-12-31T23:59:59Z' }, newKey))).toEqual({
      field: 'startedAt',
      message: 'startedAt: expected an instant from 1900 to 2200, received "1899-12-31T23:59:59Z"',
    });
    expect(refusal(() => planLogRun({ model: 'models/m', endedAt: '+275760-09-13T00:00:00Z' }, newKey)).field).toBe(
      'endedAt',
    );
  });

  it('names the field of an id of the wrong kind, or a malformed one', () => {
    expect(refusal(() => planLogRun({ model: 'datasets/d' }, newKey))).toEqual({
      field: 'model',
      message: 'model: expected the id of a models asset such as "models/churn-xgb", received "datasets/d" (a datasets asset)',
    });
    expect(refusal(() => planLogRun({ model: 'models/m', datasets: ['datasets/a', 'nope'] }, newKey)).field).toBe(
      'datasets.1',
    );
  });

  it('keeps the names it makes from a client name within the name bound', () => {
    const name = 'r'.repeat(256);
    const plan = planLogRun({ model: 'models/m', name, params: { lr: 0.1 }, metrics: [{ name: 'rmse', value: 1 }] }, newKey);
    const names = plan.ops.flatMap((op) => (op.type === 'putAsset' ? [op.content.name] : []));
    expect(names.map((n) => [...n].length)).toEqual([256, 256, 256]);
    expect(names[1]).toBe(`${'r'.repeat(255)}…`);
    const serving = planLogServingPerf(
      { key: 'p1', deployment: `deployment/${'d'.repeat(254)}`, periodStart: '2026-01-01', periodEnd: '2026-01-02', metrics: [] },
      newKey,
    );
    expect(serving.ops[0]).toMatchObject({ content: { name: `${'d'.repeat(254)} …` } });
  });

  it('takes metrics named like Object.prototype members as the metrics they are', () => {
    const plan = planLogRun({ model: 'models/m', metrics: [{ name: 'constructor', value: 1 }, { name: 'toString', value: 2 }] }, newKey);
    expect(plan.ops.find((op) => op.type === 'putAsset' && op.content.kind === 'DEV_PERF')).toMatchObject({
      content: { metrics: { constructor: 1, toString: 2 } },
    });
  });
});
