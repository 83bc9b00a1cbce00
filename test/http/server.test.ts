import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { EXAMPLE_OPERATIONS } from '../../src/server/examples.js';
import type { Store } from '../../src/store/store.js';
import { CATALOGUE } from '../helpers/assets.js';
import { startServer, type RunningServer } from '../helpers/server.js';

describe('HTTP server', () => {
  let running: RunningServer;

  beforeAll(async () => {
    running = await startServer({ METALAYER_BODY_LIMIT: '20000' });
    await seedHousingDemo(running.store, CATALOGUE);
  });
  afterAll(async () => {
    await running.server.stop();
  });

  it('answers the README example: everything upstream of the deployed model', async () => {
    const { status, body } = await running.post({ query: EXAMPLE_OPERATIONS, operationName: 'DeployedModelProvenance' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const model = body.data.node.model;
    expect(model).toMatchObject({ id: 'models/housing-gbm-tuned', version: 'tuned' });
    const degrees = Object.fromEntries(
      model.upstream.nodes.map((n: { degree: number; asset: { id: string } }) => [n.asset.id, n.degree]),
    );
    expect(degrees).toEqual({
      'models/housing-gbm': 1,
      'run/run-003': 1,
      'datasets/census-1990-v3': 2,
      'featuresets/housing-geo': 2,
      'modelparams/run-003': 2,
      'run/run-002': 2,
      'datasets/census-1990-v2': 3,
      'modelparams/run-002': 3,
      'datasets/census-1990-v1': 4,
    });
    expect(model.upstream.truncated).toBe(false);
    expect(model.upstream.edges).toContainEqual({
      kind: 'derived_from',
      from: { id: 'datasets/census-1990-v2' },
      to: { id: 'datasets/census-1990-v1' },
    });
  });

  it('answers the README example: every deployment downstream of the first dataset version', async () => {
    const { body } = await running.post({ query: EXAMPLE_OPERATIONS, operationName: 'DatasetImpact' });
    expect(body.errors).toBeUndefined();
    expect(body.data.node.downstream.nodes).toEqual([
      {
        degree: 4, // v1 → v2 → v3 → housing-geo → the deployment serving with it
        asset: {
          id: 'deployment/housing-prod',
          name: 'Housing prices production',
          environment: 'production',
          model: { id: 'models/housing-gbm-tuned', name: 'Housing gradient boosting', version: 'tuned' },
        },
      },
    ]);
  });

  it('answers the README example: comparing the runs of a project', async () => {
    const { body } = await running.post({ query: EXAMPLE_OPERATIONS, operationName: 'CompareRuns' });
    expect(body.errors).toBeUndefined();
    const runs = body.data.assets.edges.map((e: any) => [e.node.id, e.node.producedBy[0].runId, e.node.producedBy[0].devPerf.rmse]);
    // The demo is one unit of work: its assets share a creation time and list by id.
    expect(runs).toEqual([
      ['models/housing-gbm', 'run-002', 49120],
      ['models/housing-gbm-tuned', 'run-003', 46300],
      ['models/housing-linear', 'run-001', 68950],
    ]);
  });

  it('reports health with the engine, and echoes or assigns a request id that the log carries', async () => {
    const health = await fetch(`${running.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', store: 'sqlite' });
    const { headers } = await running.post({ query: '{ __typename }' }, { 'x-request-id': 'trace-42' });
    expect(headers.get('x-request-id')).toBe('trace-42');
    expect(headers.get('cache-control')).toBe('no-store');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(running.logs).toContainEqual(
      expect.objectContaining({ requestId: 'trace-42', path: '/graphql', status: 200, msg: 'request' }),
    );
  });

  it('refuses a body over the limit with 413 and malformed JSON with 400, as JSON without internals', async () => {
    const big = await running.post({ query: `{ __typename } # ${'x'.repeat(30_000)}` });
    expect(big.status).toBe(413);
    expect(big.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(big.body.errors[0].message).toContain('20000 bytes');
    const malformed = await running.post('{"query": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('masks internal errors over HTTP and logs them in full', async () => {
    const broken: Store = {
      ...running.store,
      engine: 'sqlite',
      getAssets: async () => {
        throw new Error('SQLITE_CORRUPT: database disk image is malformed at /var/lib/secret.db');
      },
      ping: async () => {
        throw new Error('down');
      },
      sharedSecret: async () => 'a secret',
      historyStart: async () => null,
      close: async () => undefined,
    };
    const other = await startServer({}, broken);
    try {
      const { status, body } = await other.post({ query: '{ node(id: "models/x") { id } }' });
      expect(status).toBe(200);
      expect(body.errors).toEqual([
        { message: 'Internal server error', locations: [{ line: 1, column: 3 }], path: ['node'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
      expect(JSON.stringify(body)).not.toMatch(/SQLITE|secret/);
      expect(JSON.stringify(other.logs)).toContain('SQLITE_CORRUPT');
      const health = await fetch(`${other.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'unavailable', store: 'sqlite' });
    } finally {
      await other.server.stop();
    }
  });
});

describe('HTTP server with METALAYER_RELAY_NODE=false', () => {
  let running: RunningServer;
  beforeAll(async () => {
    running = await startServer({ METALAYER_RELAY_NODE: 'false' });
    await seedHousingDemo(running.store, CATALOGUE);
  });
  afterAll(async () => {
    await running.server.stop();
  });

  it('leaves node and nodes out of the schema and the subgraph SDL, and still resolves its assets as entities', async () => {
    const refused = await running.post({ query: '{ node(id: "models/housing-gbm") { id } }' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { message: string }) => error.message)).toEqual(['Cannot query field "node" on type "Query".']);

    const { body } = await running.post({ query: '{ _service { sdl } }' });
    expect(body.data._service.sdl).not.toMatch(/^\s*nodes?\(/m);
    expect(body.data._service.sdl).toMatch(/^\s*assets\(/m);

    const entities = await running.post({
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Model { id name } } }',
      variables: { r: [{ __typename: 'Model', id: 'models/housing-gbm' }] },
    });
    expect(entities.body).toEqual({ data: { _entities: [{ id: 'models/housing-gbm', name: 'Housing gradient boosting' }] } });
  });
});
