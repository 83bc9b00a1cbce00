import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseInstant } from '../../src/domain/instants.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';

let api: TestApi;
beforeEach(() => {
  api = createTestApi();
});
afterEach(() => api.close());

/** A registerProject with these properties, declaring `variables` (`$v: JSON`). */
const registerWith = (properties: string, variables = '') =>
  `mutation ${variables} { registerProject(input: { name: "p", properties: ${properties} }) { project { properties } } }`;

describe('JSON', () => {
  test('accepts every kind of literal, with variables nested inside', async () => {
    const data = await api.data(
      registerWith(
        `{ s: "text", i: 42, f: -1.5e3, b: false, n: null, list: [1, "two", [3], { four: 4 }], v: $v, w: $s, unset: $missing }`,
        '($v: JSON, $s: String, $missing: JSON)',
      ),
      { v: { from: ['variables'] }, s: 'string' },
    );
    expect(data).toEqual({
      registerProject: {
        project: {
          properties: {
            s: 'text',
            i: 42,
            f: -1500,
            b: false,
            n: null,
            list: [1, 'two', [3], { four: 4 }],
            v: { from: ['variables'] },
            w: 'string',
            unset: null,
          },
        },
      },
    });
  });

  test('an enum literal is refused with its location', async () => {
    const query = registerWith('{ team: GROWTH }');
    const error = onlyError(await api.execute(query));
    expect(error.message).toBe('JSON: expected a JSON value, received the enum value GROWTH; quote it to send a string');
    expect(error.locations).toEqual([{ line: 1, column: query.indexOf('GROWTH') + 1 }]);
    expect(error.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  test('a whole object given as a variable is taken as it is', async () => {
    const data = await api.data(registerWith('$v', '($v: JSON)'), { v: { a: { b: [true, null] } } });
    expect(data).toEqual({ registerProject: { project: { properties: { a: { b: [true, null] } } } } });
  });
});

describe('DateTime', () => {
  test.each([
    ['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T13:30:00.25+01:30', '2026-01-31T12:00:00.250Z'],
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('parses %s as %s', (text, instant) => {
    expect(parseInstant(text)).toBe(instant);
  });

  test.each(['2026-01-31T12:00:00', '2026-02-30', '2025-02-29', '2026-13-01', '2026-01-31T25:00:00Z', 'yesterday', '1706702400', ''])(
    'refuses %j',
    (text) => {
      expect(parseInstant(text)).toBeNull();
    },
  );

  test('an invalid variable is BAD_USER_INPUT saying what was expected', async () => {
    const error = onlyError(
      await api.execute(`query ($after: DateTime) { assets(filter: { createdAfter: $after }) { pageInfo { hasNextPage } } }`, {
        after: '31/01/2026',
      }),
    );
    expect(error.message).toBe(
      'Variable "$after" got invalid value "31/01/2026"; DateTime: expected an ISO 8601 date-time with an offset such as "2026-01-31T12:00:00Z", received the string "31/01/2026"',
    );
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  test('an invalid literal fails validation, with its location', async () => {
    const error = onlyError(await api.execute(`{ assets(filter: { createdAfter: 20260131 }) { pageInfo { hasNextPage } } }`));
    expect(error).toEqual({
      message: 'DateTime: expected an ISO 8601 date-time string, received 20260131',
      locations: [{ line: 1, column: 34 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  test('inputs are normalised to UTC before they are stored', async () => {
    const data = await api.data(`mutation {
      registerModel(input: { key: "m", name: "m" }) { model { id } }
      logRun(input: { runId: "r", model: "models/m", startedAt: "2026-01-31T09:00:00-03:00" }) { run { startedAt status } }
    }`);
    expect(data).toEqual({
      registerModel: { model: { id: 'models/m' } },
      logRun: { run: { startedAt: '2026-01-31T12:00:00.000Z', status: 'RUNNING' } },
    });
  });
});
