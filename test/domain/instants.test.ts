import { describe, expect, test } from 'vitest';
import { parseInstant, parseStoredInstant, requireInstant } from '../../src/domain/instants.js';
import { rejection } from '../helpers/assets.js';

describe('instants from clients', () => {
  test.each([
    ['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T13:00:00.5+01:00', '2026-01-31T12:00:00.500Z'],
    ['2026-01-31T07:30:00-05:30', '2026-01-31T13:00:00.000Z'],
    ['2024-02-29T23:59:59.123456789Z', '2024-02-29T23:59:59.123Z'],
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
  ])('%s names %s', (text, instant) => {
    expect(parseInstant(text)).toBe(instant);
    expect(requireInstant(text, ['at'])).toBe(instant);
  });

  test.each([
    ['a day the month lacks, which Date.parse rolls over to March', '2026-02-30T00:00:00Z'],
    ['a leap day of a common year', '2025-02-29'],
    ['a date-time without an offset, which names no single instant', '2026-01-31T12:00:00'],
    ['an hour past 23', '2026-01-31T24:00:00Z'],
    ['an offset past 23:59', '2026-01-31T12:00:00+24:00'],
    ['a space for the T', '2026-01-31 12:00:00Z'],
  ])('refuses %s', async (_case, text) => {
    expect(parseInstant(text)).toBeNull();
    expect(await rejection(async () => requireInstant(text, ['input', 'startedAt']))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['input', 'startedAt'],
      message: `input.startedAt: expected an ISO 8601 date-time with an offset such as "2026-01-31T12:00:00Z", received ${JSON.stringify(text)}`,
    });
  });

  test('refuses instants outside 1900 to 2200', async () => {
    expect(await rejection(async () => requireInstant('1899-12-31T23:59:59Z', ['at']))).toMatchObject({
      message: 'at: expected an instant from 1900 to 2200, received "1899-12-31T23:59:59Z"',
    });
  });
});

describe('instants other tools stored', () => {
  test.each([
    ['arangopipe: Python str(datetime), read as UTC', '2019-06-06 12:52:11.190048', '2019-06-06T12:52:11.190Z'],
    ['no seconds', '2019-06-06 12:52', '2019-06-06T12:52:00.000Z'],
    ['ISO with an offset', '2019-06-06T14:52:11+02:00', '2019-06-06T12:52:11.000Z'],
    ['an offset without a colon', '2019-06-06T14:52:11+0200', '2019-06-06T12:52:11.000Z'],
    ['a date', '2019-06-06', '2019-06-06T00:00:00.000Z'],
  ])('reads %s', (_case, text, instant) => {
    expect(parseStoredInstant(text)).toBe(instant);
  });

  test.each(['06/06/2019', '2019-02-30 00:00:00', 'yesterday', ''])('cannot read %j', (text) => {
    expect(parseStoredInstant(text)).toBeNull();
  });
});
