import { describe, expect, it } from 'vitest';
import { answerRepeatedPoints, isLater, metricsAfter, updatedRun } from '../../src/domain/runs.js';
import { content } from '../helpers/assets.js';

const AT = '2026-03-01T00:00:00.000Z';
const stamps = { createdAt: '2026-02-01T00:00:00.000Z', updatedAt: '2026-02-01T00:00:00.000Z' };
const run = (overrides: Parameters<typeof content<'RUN'>>[2] = {}) => ({
  ...content('RUN', 'r', { status: 'RUNNING', startedAt: '2026-02-01T00:00:00.000Z', ...overrides }),
  ...stamps,
});

describe('updatedRun', () => {
  it('ends a run at the unit’s instant on a move to a final status, and keeps an end it has', () => {
    expect(updatedRun(run(), { status: 'FAILED' }, AT, ['run'])).toMatchObject({ status: 'FAILED', endedAt: AT });
    const ended = run({ endedAt: '2026-02-02T00:00:00.000Z' });
    expect(updatedRun(ended, { status: 'COMPLETED' }, AT, ['run'])).toMatchObject({ endedAt: '2026-02-02T00:00:00.000Z' });
    expect(updatedRun(run(), { deploymentTag: 'v2' }, AT, ['run'])).toMatchObject({ status: 'RUNNING', endedAt: null, deploymentTag: 'v2' });
  });

  it('allows the same final status again and refuses every other move from one', () => {
    const done = run({ status: 'COMPLETED', endedAt: AT });
    expect(updatedRun(done, { status: 'COMPLETED' }, '2026-04-01T00:00:00.000Z', ['run'])).toEqual(done);
    for (const status of ['RUNNING', 'FAILED'] as const) {
      expect(() => updatedRun(done, { status }, AT, ['run'])).toThrow(
        expect.objectContaining({ code: 'CONFLICT', field: ['status'] }),
      );
    }
  });

  it('refuses an end before the start', () => {
    expect(() => updatedRun(run(), { endedAt: '2026-01-01T00:00:00.000Z' }, AT, ['run'])).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['endedAt'] }),
    );
  });
});

describe('latest points', () => {
  it('orders by at, then step (none first), and a tie goes to the point received later', () => {
    expect(isLater({ at: 'b', step: null }, { at: 'a', step: 9 })).toBe(true);
    expect(isLater({ at: 'a', step: 2 }, { at: 'a', step: 1 })).toBe(true);
    expect(isLater({ at: 'a', step: 1 }, { at: 'a', step: 2 })).toBe(false);
    expect(isLater({ at: 'a', step: 0 }, { at: 'a', step: null })).toBe(true);
    expect(isLater({ at: 'a', step: null }, { at: 'a', step: 0 })).toBe(false);
    expect(isLater({ at: 'a', step: 1 }, { at: 'a', step: 1 })).toBe(true);
  });

  it('sets each name to its latest point, keeping later stored ones and values of names not sent', () => {
    const after = metricsAfter(
      { metrics: { loss: 1, acc: 0.5, logged: 3 }, recordedAt: 'b' },
      new Map([['loss', { at: 'c', step: null }]]),
      [
        { name: 'loss', value: 2, step: 5, at: 'b' },
        { name: 'acc', value: 0.6, step: 1, at: 'a' },
        { name: 'acc', value: 0.7, step: 1, at: 'a' },
        { name: 'f1', value: 0.1, step: null, at: 'd' },
      ],
    );
    expect(after).toEqual({ metrics: { loss: 1, acc: 0.7, logged: 3, f1: 0.1 }, recordedAt: 'd' });
  });

  it('a keyed repeat is the same points in the same order; a point without at matches any stored instant', () => {
    const prior = [{ name: 'loss', value: 1, step: 1, at: AT, seq: 4 }];
    expect(answerRepeatedPoints([], [{ name: 'loss', value: 1, step: 1, at: null }], ['key'])).toBe('new');
    expect(answerRepeatedPoints(prior, [{ name: 'loss', value: 1, step: 1, at: null }], ['key'])).toBe('repeat');
    expect(answerRepeatedPoints(prior, [{ name: 'loss', value: 1, step: 1, at: AT }], ['key'])).toBe('repeat');
    for (const point of [
      { name: 'loss', value: 1, step: 1, at: '2027-01-01T00:00:00.000Z' },
      { name: 'loss', value: 1, step: 2, at: null },
      { name: 'acc', value: 1, step: 1, at: null },
    ]) {
      expect(() => answerRepeatedPoints(prior, [point], ['key'])).toThrow(expect.objectContaining({ code: 'CONFLICT', field: ['key'] }));
    }
  });
});
