import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { WriteOp } from '../../src/domain/writes.js';
import { commitOps, content, putAsset, putEdge } from '../helpers/assets.js';
import { createTestApi, type TestApi } from '../helpers/graphql.js';
import { viewer } from '../helpers/projects.js';

/**
 * Projects p1 (models m1, m2) and p2 (model m3); runs with their rmse:
 * a 3 (m1, tag x, on d1), b 1 (m1), c 2 (m2, FAILED, on d1) in January;
 * d 1 (m2, on d2 derived from d1), e 0.5 (m3), f 4 (no model) in February;
 * i 9 (m2, RUNNING) in March. Deployment dep serves m2, measured in two
 * periods (stored newest first); dep3 serves m3 with no period; bare serves
 * nothing.
 */
async function seed(api: TestApi): Promise<void> {
  const run = (key: string, model: string | null, rmse: number, extra: Partial<Parameters<typeof content<'RUN'>>[2]> = {}): WriteOp[] => [
    putAsset(content('RUN', key, extra)),
    ...(model ? [putEdge('run_models', `models/${model}`, `run/${key}`)] : []),
    putAsset(content('DEV_PERF', key, { metrics: { rmse } })),
    putEdge('run_devperf', `run/${key}`, `devperf/${key}`),
  ];
  await commitOps(
    api.store,
    [
      ...['p1', 'p2'].map((p) => putAsset(content('PROJECT', p))),
      ...['m1', 'm2', 'm3'].map((m) => putAsset(content('MODEL', m, { name: `model ${m}` }))),
      putEdge('project_models', 'project/p1', 'models/m1'),
      putEdge('project_models', 'project/p1', 'models/m2'),
      putEdge('project_models', 'project/p2', 'models/m3'),
      putAsset(content('DATASET', 'd1')),
      putAsset(content('DATASET', 'd2')),
      putEdge('derived_from', 'datasets/d2', 'datasets/d1'),
      ...run('a', 'm1', 3, { tag: 'x' }),
      ...run('b', 'm1', 1),
      ...run('c', 'm2', 2, { status: 'FAILED' }),
      putEdge('run_datasets', 'run/a', 'datasets/d1'),
      putEdge('run_datasets', 'run/c', 'datasets/d1'),
    ],
    '2026-01-01T00:00:00.000Z',
  );
  await commitOps(
    api.store,
    [...run('d', 'm2', 1), ...run('e', 'm3', 0.5), ...run('f', null, 4), putEdge('run_datasets', 'run/d', 'datasets/d2')],
    '2026-02-01T00:00:00.000Z',
  );
  const period = (key: string, end: string, metrics: Record<string, number>) =>
    putAsset(content('SERVING_PERF', key, { metrics, periodStart: '2026-01-01T00:00:00.000Z', periodEnd: end }));
  await commitOps(
    api.store,
    [
      ...run('i', 'm2', 9, { status: 'RUNNING' }),
      putAsset(content('DEPLOYMENT', 'dep', { environment: 'production' })),
      putEdge('deployment_model', 'deployment/dep', 'models/m2'),
      period('week-2', '2026-03-14T00:00:00.000Z', { rmse: 1.75 }),
      period('week-1', '2026-03-07T00:00:00.000Z', { rmse: 1.25 }),
      period('week-0', '2026-03-01T00:00:00.000Z', { auc: 0.5 }),
      putEdge('deployment_servingperf', 'deployment/dep', 'servingperf/week-2'),
      putEdge('deployment_servingperf', 'deployment/dep', 'servingperf/week-1'),
      putEdge('deployment_servingperf', 'deployment/dep', 'servingperf/week-0'),
      putAsset(content('DEPLOYMENT', 'dep3')),
      putEdge('deployment_model', 'deployment/dep3', 'models/m3'),
      putAsset(content('DEPLOYMENT', 'bare')),
    ],
    '2026-03-01T00:00:00.000Z',
  );
  api.store.reset();
}

const BOARD = /* GraphQL */ `
  query Board($order: SortOrder!, $filter: RunFilter, $best: Boolean, $first: Int, $after: String) {
    leaderboard(metric: "rmse", order: $order, filter: $filter, bestPerModel: $best, first: $first, after: $after) {
      edges { cursor node { rank value run { id } model { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

interface Board {
  leaderboard: {
    edges: { cursor: string; node: { rank: number; value: number; run: { id: string }; model: { id: string } | null } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** Each row as "rank run value model". */
function rows(board: Board): string[] {
  return board.leaderboard.edges.map(({ node }) => `${node.rank} ${node.run.id} ${node.value} ${node.model?.id ?? '-'}`);
}

describe('Query.leaderboard', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = createTestApi();
    await seed(api);
  });
  afterEach(() => api.close());

  test('ranks across pages in (value, run id) order, ascending and descending', async () => {
    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const board: Board = await api.data<Board>(BOARD, { order: 'ASC', first: 2, after });
      pages.push(rows(board));
      expect(board.leaderboard.pageInfo.endCursor).toBe(board.leaderboard.edges.at(-1)?.cursor);
      if (!board.leaderboard.pageInfo.hasNextPage) break;
      after = board.leaderboard.pageInfo.endCursor;
    }
    expect(pages).toEqual([
      ['1 run/e 0.5 models/m3', '2 run/b 1 models/m1'],
      ['3 run/d 1 models/m2', '4 run/c 2 models/m2'],
      ['5 run/a 3 models/m1', '6 run/f 4 -'],
      ['7 run/i 9 models/m2'],
    ]);
    expect(rows(await api.data<Board>(BOARD, { order: 'DESC' }))).toEqual([
      '1 run/i 9 models/m2',
      '2 run/f 4 -',
      '3 run/a 3 models/m1',
      '4 run/c 2 models/m2',
      '5 run/b 1 models/m1',
      '6 run/d 1 models/m2',
      '7 run/e 0.5 models/m3',
    ]);
    const page = await api.data<Board>(BOARD, { order: 'DESC', first: 4 });
    const next = await api.data<Board>(BOARD, { order: 'DESC', first: 4, after: page.leaderboard.pageInfo.endCursor });
    expect(rows(next)).toEqual(['5 run/b 1 models/m1', '6 run/d 1 models/m2', '7 run/e 0.5 models/m3']);
    expect(next.leaderboard.pageInfo.hasNextPage).toBe(false);
  });

  test('bestPerModel keeps each model’s best run, ranked among the best', async () => {
    expect(rows(await api.data<Board>(BOARD, { order: 'ASC', best: true }))).toEqual([
      '1 run/e 0.5 models/m3',
      '2 run/b 1 models/m1',
      '3 run/d 1 models/m2',
      '4 run/f 4 -',
    ]);
    expect(rows(await api.data<Board>(BOARD, { order: 'DESC', best: true }))).toEqual([
      '1 run/i 9 models/m2',
      '2 run/f 4 -',
      '3 run/a 3 models/m1',
      '4 run/e 0.5 models/m3',
    ]);
  });

  test.each([
    [{ project: 'project/p1' }, ['1 run/b', '2 run/d', '3 run/c', '4 run/a', '5 run/i']],
    [{ model: 'models/m2' }, ['1 run/d', '2 run/c', '3 run/i']],
    [{ downstreamOf: 'datasets/d1' }, ['1 run/d', '2 run/c', '3 run/a']],
    [{ downstreamOf: 'models/m3' }, []],
    [{ tag: 'x' }, ['1 run/a']],
    [{ status: 'RUNNING' }, ['1 run/i']],
    [{ since: '2026-02-01T00:00:00Z' }, ['1 run/e', '2 run/d', '3 run/f', '4 run/i']],
    [{ until: '2026-02-01T00:00:00Z' }, ['1 run/b', '2 run/c', '3 run/a']],
    [{ project: 'project/p1', status: 'COMPLETED', since: '2026-02-01T00:00:00Z' }, ['1 run/d']],
  ])('filter %j', async (filter, expected) => {
    const board = await api.data<Board>(BOARD, { order: 'ASC', filter });
    expect(board.leaderboard.edges.map(({ node }) => `${node.rank} ${node.run.id}`)).toEqual(expected);
  });

  test('a scoped viewer’s ranks count the runs it may see only', async () => {
    const p2 = viewer('reader', 'project/p2');
    const board = await api.data<Board>(BOARD, { order: 'ASC', first: 1 }, p2);
    expect(rows(board)).toEqual(['1 run/e 0.5 models/m3']);
    const next = await api.data<Board>(BOARD, { order: 'ASC', after: board.leaderboard.pageInfo.endCursor }, p2);
    expect(rows(next)).toEqual(['2 run/f 4 -']);
    expect(next.leaderboard.pageInfo.hasNextPage).toBe(false);
    const refused = await api.execute(BOARD, { order: 'ASC', filter: { project: 'project/p1' } }, p2);
    expect(refused.errors?.map((e) => [e.message, e.extensions?.['code']])).toEqual([
      ['filter.project: "project/p1" is not one of the token\'s projects', 'FORBIDDEN'],
    ]);
    const hidden = await api.execute(BOARD, { order: 'ASC', filter: { model: 'models/m1' } }, p2);
    expect(hidden.errors?.map((e) => e.extensions?.['code'])).toEqual(['FORBIDDEN']);
  });

  test.each([
    [{ first: 0 }, 'first: expected a page size from 1 to 100, received 0', 'first'],
    [{ first: 101 }, 'first: expected a page size from 1 to 100, received 101', 'first'],
    [{ after: 'bm9wZQ' }, 'after: expected a cursor from pageInfo.endCursor, received "bm9wZQ"', 'after'],
    [
      { filter: { project: 'models/m1' } },
      'filter.project: expected the id of a project asset such as "project/churn", received "models/m1" (a models asset)',
      'filter.project',
    ],
    [
      { filter: { model: 'project/p1' } },
      'filter.model: expected the id of a models asset such as "models/churn-xgb", received "project/p1" (a project asset)',
      'filter.model',
    ],
  ])('%j is BAD_USER_INPUT', async (variables, message, field) => {
    const result = await api.execute(BOARD, { order: 'ASC', ...variables });
    expect(result.errors?.map((e) => [e.message, e.extensions])).toEqual([[message, { code: 'BAD_USER_INPUT', field }]]);
    expect(api.store.calls).toEqual([]);
  });

  test('a listing cursor is no leaderboard cursor, nor a leaderboard cursor a listing’s', async () => {
    const listing = await api.data<{ assets: { pageInfo: { endCursor: string } } }>('{ assets(first: 1) { pageInfo { endCursor } } }');
    const board = await api.execute(BOARD, { order: 'ASC', after: listing.assets.pageInfo.endCursor });
    expect(board.errors?.map((e) => e.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
    const ranked = await api.data<Board>(BOARD, { order: 'ASC', first: 1 });
    const assets = await api.execute(`{ assets(after: "${ranked.leaderboard.pageInfo.endCursor}") { edges { cursor } } }`);
    expect(assets.errors?.map((e) => e.extensions?.['code'])).toEqual(['BAD_USER_INPUT']);
  });

  test('a page with its runs’ models and performance costs a bounded number of store calls', async () => {
    const query = /* GraphQL */ `{
      leaderboard(metric: "rmse", order: ASC, first: 100) {
        edges { node { rank run { name devPerf { metric(name: "rmse") } model { name project { id } } } model { name } } }
      }
    }`;
    await api.data(query);
    expect(api.store.calls.map((c) => c.operation)).toEqual(['rankRuns', 'neighbors', 'neighbors']);
    api.store.reset();
    await api.data(query, undefined, viewer('reader', 'project/p1'));
    // The owners of the page's models and performances are read in one call; projects own themselves.
    expect(api.store.calls.map((c) => c.operation)).toEqual(['rankRuns', 'neighbors', 'owners', 'neighbors']);
  });
});

const PERFORMANCE = /* GraphQL */ `{
  dep: node(id: "deployment/dep") { ... on Deployment { performance(metric: "rmse") { development serving { at value step } change } } }
  dep3: node(id: "deployment/dep3") { ... on Deployment { performance(metric: "rmse") { development serving { at value } change } } }
  bare: node(id: "deployment/bare") { ... on Deployment { performance(metric: "rmse") { development serving { at value } change } } }
}`;

describe('Deployment.performance', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = createTestApi();
    await seed(api);
  });
  afterEach(() => api.close());

  test('the latest COMPLETED run’s value beside one point per serving period, oldest first, and the change', async () => {
    expect(await api.data(PERFORMANCE)).toEqual({
      // m2's runs: c FAILED, d COMPLETED (rmse 1), i RUNNING and newest: d is the one.
      dep: {
        performance: {
          development: 1,
          serving: [
            { at: '2026-03-07T00:00:00.000Z', value: 1.25, step: null },
            { at: '2026-03-14T00:00:00.000Z', value: 1.75, step: null },
          ],
          change: 0.75,
        },
      },
      dep3: { performance: { development: 0.5, serving: [], change: null } },
      bare: { performance: { development: null, serving: [], change: null } },
    });
  });

  test('the comparisons of many deployments share one store call per step', async () => {
    await api.data(PERFORMANCE);
    expect(api.store.calls.map((c) => c.operation)).toEqual(['getAssets', 'neighbors', 'neighbors', 'neighbors']);
  });
});
