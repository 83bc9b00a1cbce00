import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { CATALOGUE } from '../helpers/assets.js';
import { createTestApi } from '../helpers/graphql.js';

/**
 * docs/analytics.md shows answers taken from the demo: every ```graphql
 * block followed by a ```json block, run against a freshly loaded demo,
 * answers exactly that JSON.
 */

const PAGE = readFileSync(new URL('../../docs/analytics.md', import.meta.url), 'utf8');
const EXAMPLES = [...PAGE.matchAll(/```graphql\n([\s\S]*?)```\s*\n```json\n([\s\S]*?)```/g)].map((match) => ({
  query: match[1] ?? '',
  answer: JSON.parse(match[2] ?? 'null') as unknown,
}));

test('docs/analytics.md shows the demo’s real answers', async () => {
  expect(EXAMPLES).toHaveLength(6);
  const api = createTestApi();
  try {
    await seedHousingDemo(api.store, CATALOGUE, '2026-04-01T00:00:00.000Z');
    for (const { query, answer } of EXAMPLES) expect(await api.data(query), query).toEqual(answer);
  } finally {
    await api.close();
  }
});

test('the demo loads twice without change, and its last serving week has drifted', async () => {
  const api = createTestApi();
  try {
    await seedHousingDemo(api.store, CATALOGUE, '2026-04-01T00:00:00.000Z');
    await seedHousingDemo(api.store, CATALOGUE, '2026-04-02T00:00:00.000Z');
    const data = await api.data<{ node: { servingPerf: { id: string; updatedAt: string }[]; drift: { drifted: boolean } } }>(
      `{ node(id: "deployment/housing-prod") { ... on Deployment { servingPerf { id updatedAt } drift { drifted } } } }`,
    );
    expect(data.node.servingPerf).toEqual(
      [14, 15, 16, 17].map((week) => ({ id: `servingperf/housing-prod-2026-w${week}`, updatedAt: '2026-04-01T00:00:00.000Z' })),
    );
    expect(data.node.drift.drifted).toBe(true);
  } finally {
    await api.close();
  }
});
