import { afterEach, describe, expect, test } from 'vitest';
import { datasetKey } from '../../src/domain/openlineage.js';
import { hashToken, newToken, type TokenEntry } from '../../src/server/tokens.js';
import { makeListQuery, type Store } from '../../src/store/store.js';
import { DATASETS, extractEvent, featuresEvent, IDS, NAMESPACES, transformEvent } from '../fixtures/openlineage/pipeline.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * OpenLineage ingestion over real HTTP (src/server/openlineage/): events of
 * a three-job pipeline give lineage GraphQL answers end to end; events
 * merge in any order; bad events are refused naming the JSON path and
 * write nothing; tokens and scopes as on /graphql.
 */

const servers: RunningServer[] = [];
async function serve(env: Record<string, string> = {}): Promise<RunningServer> {
  const running = await startServer(env);
  servers.push(running);
  return running;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((running) => running.server.stop()));
});

async function postEvent(running: RunningServer, event: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${running.url}/api/v1/lineage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof event === 'string' ? event : JSON.stringify(event),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any>, headers: response.headers };
}

const datasetId = (dataset: { namespace: string; name: string }) => `datasets/${datasetKey(dataset.namespace, dataset.name)}`;
const SOURCE = datasetId(DATASETS.source);
const STAGED = datasetId(DATASETS.staged);
const FEATURES = datasetId(DATASETS.features);
const RUN = { extract: `run/${IDS.extract}`, transform: `run/${IDS.transform}`, features: `run/${IDS.features}` };

const T = (minute: number) => `2026-01-10T02:${String(minute).padStart(2, '0')}:00.000Z`;

async function postPipeline(running: RunningServer, headers: Record<string, string> = {}) {
  const events = [
    extractEvent('START', T(0)),
    extractEvent('COMPLETE', T(5)),
    transformEvent('START', T(6)),
    transformEvent('COMPLETE', T(8)),
    featuresEvent('START', T(10)),
    featuresEvent('COMPLETE', T(20)),
  ];
  for (const event of events) expect((await postEvent(running, event, headers)).status).toBe(201);
}

const TRAIN_AND_DEPLOY = `
  mutation {
    model: registerModel(input: { key: "churn", name: "churn" }) { model { id } }
    run: logRun(input: { runId: "train-1", model: "models/churn", datasets: ["${FEATURES}"], status: COMPLETED }) { run { id } }
    deployment: registerDeployment(input: { key: "churn-prod", name: "churn prod", model: "models/churn" }) { deployment { id } }
  }
`;

const ids = (lineage: { nodes: { asset: { id: string }; degree: number }[] }) =>
  lineage.nodes.map((node) => `${node.degree} ${node.asset.id}`).sort();

describe('POST /api/v1/lineage', () => {
  test('a three-job pipeline, a training run and a deployment: lineage from the source dataset to the deployment and back', async () => {
    const running = await serve();
    await postPipeline(running);
    const written = await running.post({ query: TRAIN_AND_DEPLOY });
    expect(written.body.errors).toBeUndefined();

    const { body } = await running.post({
      query: `{
        deployment: node(id: "deployment/churn-prod") { ... on Deployment { upstream(depth: 20) { nodes { degree asset { id } } } } }
        source: node(id: "${SOURCE}") { ... on Dataset { downstream(depth: 20) { nodes { degree asset { id } } } } }
      }`,
    });
    expect(body.errors).toBeUndefined();
    expect(ids(body.data.deployment.upstream)).toEqual(
      [
        '1 models/churn',
        '2 run/train-1',
        `3 ${FEATURES}`,
        `4 ${RUN.features}`,
        `5 ${STAGED}`,
        `6 ${RUN.extract}`,
        `7 ${SOURCE}`,
      ].sort(),
    );
    expect(ids(body.data.source.downstream)).toEqual(
      [
        `1 ${RUN.extract}`,
        `2 ${STAGED}`,
        `3 ${RUN.transform}`,
        `3 ${RUN.features}`,
        `4 ${FEATURES}`,
        '5 run/train-1',
        '6 models/churn',
        '7 deployment/churn-prod',
      ].sort(),
    );
  });

  test('maps runs, jobs, datasets and facets: status, times, parent, names, version, source and schema', async () => {
    const running = await serve();
    await postPipeline(running);
    const { body } = await running.post({
      query: `{
        run: node(id: "${RUN.features}") { ... on Run { name status startedAt endedAt properties datasets { id } outputs { id } } }
        staged: node(id: "${STAGED}") { ... on Dataset { name version source properties runs { id } producedBy { id } } }
        source: node(id: "${SOURCE}") { ... on Dataset { name description source properties } }
      }`,
    });
    expect(body.errors).toBeUndefined();
    const { run, staged, source } = body.data;
    expect(run).toMatchObject({
      name: 'customer_features.execute_insert_into_hadoop_fs_relation_command.features_customer_features',
      status: 'COMPLETED',
      startedAt: T(10),
      endedAt: T(20),
      datasets: [{ id: STAGED }],
      outputs: [{ id: FEATURES }],
    });
    expect(run.properties.job).toEqual({
      namespace: NAMESPACES.spark,
      name: run.name,
      producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.24.2/integration/spark',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      eventType: 'COMPLETE',
    });
    expect(run.properties.parent).toEqual({
      runId: IDS.dagRun,
      run: `run/${IDS.dagRun}`,
      jobNamespace: NAMESPACES.airflow,
      jobName: 'churn_daily',
    });
    expect(run.properties.runFacets.processing_engine.version).toBe('3.5.3');
    expect(run.properties.outputFacets[FEATURES].outputStatistics.rowCount).toBe(48213);
    expect(run.properties.observed).toEqual({ origin: `openlineage:${NAMESPACES.spark}`, at: T(20) });

    expect(staged).toMatchObject({
      name: 's3://lake//staging/orders',
      version: '2026-01-10',
      source: null,
      runs: expect.arrayContaining([{ id: RUN.transform }, { id: RUN.features }]),
      producedBy: [{ id: RUN.extract }],
    });
    expect(staged.runs).toHaveLength(2);
    expect(staged.properties.namespace).toBe('s3://lake');
    expect(staged.properties.name).toBe('/staging/orders');
    expect(source).toMatchObject({
      name: 'postgres://orders-db:5432/shop.public.orders',
      description: 'Orders as the shop records them',
      source: 'postgres://orders-db:5432/shop',
    });
    expect(source.properties.facets.schema.fields.map((field: { name: string }) => field.name)).toEqual([
      'order_id',
      'customer_id',
      'amount',
      'ordered_at',
    ]);
  });

  test('two datasets of one name in two namespaces are two assets, both named', async () => {
    const running = await serve();
    const event = extractEvent('START', T(0));
    event.inputs = [
      { namespace: 'postgres://a:5432', name: 'shop.public.orders', facets: {} },
      { namespace: 'postgres://b:5432', name: 'shop.public.orders', facets: {} },
    ];
    expect((await postEvent(running, event)).status).toBe(201);
    const [a, b] = await running.store.getAssets([
      datasetId({ namespace: 'postgres://a:5432', name: 'shop.public.orders' }),
      datasetId({ namespace: 'postgres://b:5432', name: 'shop.public.orders' }),
    ]);
    expect(a?.name).toBe('postgres://a:5432/shop.public.orders');
    expect(b?.name).toBe('postgres://b:5432/shop.public.orders');
  });

  test('events of a run merge in any order, and a replayed event changes nothing', async () => {
    const running = await serve();
    const answer = await postEvent(running, featuresEvent('COMPLETE', T(20)));
    expect(answer).toMatchObject({ status: 201, body: { run: RUN.features } });
    expect((await postEvent(running, featuresEvent('RUNNING', T(15)))).status).toBe(201);
    expect((await postEvent(running, featuresEvent('START', T(10)))).status).toBe(201);
    const [merged] = await running.store.getAssets([RUN.features]);
    expect(merged).toMatchObject({ status: 'COMPLETED', startedAt: T(10), endedAt: T(20) });
    expect(merged?.properties['job']).toMatchObject({ eventType: 'COMPLETE' });

    const before = await snapshot(running.store);
    for (const event of [featuresEvent('START', T(10)), featuresEvent('COMPLETE', T(20)), featuresEvent('RUNNING', T(15))]) {
      expect((await postEvent(running, event)).status).toBe(201);
    }
    expect(await snapshot(running.store)).toEqual(before);
  });

  test('a failure after completion at a later time wins; one before it is ignored', async () => {
    const running = await serve();
    await postEvent(running, featuresEvent('COMPLETE', T(20)));
    await postEvent(running, featuresEvent('FAIL', T(19)));
    expect((await running.store.getAssets([RUN.features]))[0]).toMatchObject({ status: 'COMPLETED', endedAt: T(20) });
    await postEvent(running, featuresEvent('FAIL', T(21)));
    expect((await running.store.getAssets([RUN.features]))[0]).toMatchObject({ status: 'FAILED', endedAt: T(21) });
  });

  test.each([
    ['a missing run id', (e: any) => delete e.run.runId, '$.run.runId'],
    ['an event time that is no instant', (e: any) => (e.eventTime = 'yesterday'), '$.eventTime'],
    ['an unknown event type', (e: any) => (e.eventType = 'DONE'), '$.eventType'],
    ['a dataset name that is no string', (e: any) => (e.inputs[0].name = 42), '$.inputs[0].name'],
    ['facets that are no object', (e: any) => (e.outputs[0].facets = [1]), '$.outputs[0].facets'],
    ['a run id that is no key', (e: any) => (e.run.runId = 'a/b'), '$.run.runId'],
    ['a parent facet without a run id', (e: any) => delete e.run.facets.parent.run, '$.run.facets.parent.run.runId'],
  ])('%s is a 400 naming the JSON path, and writes nothing', async (_what, spoil, path) => {
    const running = await serve();
    const event = featuresEvent('START', T(10));
    spoil(event);
    const answer = await postEvent(running, event);
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toMatchObject({ code: 'BAD_USER_INPUT', field: path });
    expect(answer.body['error'].message.startsWith(`${path}: `)).toBe(true);
    expect(await running.store.getAssets([RUN.features, STAGED, FEATURES])).toEqual([null, null, null]);
  });

  test('a DatasetEvent, a JobEvent and a body that is not JSON are refused with 400', async () => {
    const running = await serve();
    const dataset = await postEvent(running, { eventTime: T(0), producer: 'p', schemaURL: 's', dataset: DATASETS.source });
    expect(dataset.status).toBe(400);
    expect(dataset.body['error']).toMatchObject({ code: 'BAD_USER_INPUT', field: '$.dataset' });
    const job = await postEvent(running, { eventTime: T(0), producer: 'p', schemaURL: 's', job: { namespace: 'n', name: 'j' } });
    expect(job.body['error']).toMatchObject({ code: 'BAD_USER_INPUT', field: '$.job' });
    const broken = await postEvent(running, '{"eventType": ');
    expect(broken).toMatchObject({ status: 400, body: { error: { code: 'BAD_USER_INPUT', message: 'The request body is not valid JSON' } } });
  });

  test('a body over the limit is a 413, as on /graphql', async () => {
    const running = await serve({ METALAYER_BODY_LIMIT: '2048' });
    const event = featuresEvent('START', T(10));
    event.job.facets = { documentation: { description: 'x'.repeat(4096) } };
    const answer = await postEvent(running, event);
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than the limit of 2048 bytes' } } });
  });

  test('an event for a run recorded through GraphQL is a conflict, and changes nothing', async () => {
    const running = await serve();
    const logged = await running.post({
      query: 'mutation { registerModel(input: { key: "churn", name: "churn" }) { model { id } } logRun(input: { runId: "train-1", model: "models/churn" }) { run { id } } }',
    });
    expect(logged.body.errors).toBeUndefined();
    const event = featuresEvent('START', T(10));
    event.run.runId = 'train-1';
    const answer = await postEvent(running, event);
    expect(answer.status).toBe(409);
    expect(answer.body['error']).toEqual({
      code: 'CONFLICT',
      field: '$.run.runId',
      message: '$.run.runId: "run/train-1" is a run recorded by metalayer itself, not from openlineage:spark-prod',
    });
    expect((await running.store.getAssets([STAGED]))[0]).toBeNull();
  });

  test('requests are logged with the viewer, as on /graphql', async () => {
    const running = await serve();
    await postEvent(running, extractEvent('START', T(0)), { 'x-request-id': 'ol-1' });
    expect(running.logs.find((line) => line['requestId'] === 'ol-1')).toMatchObject({
      method: 'POST',
      path: '/api/v1/lineage',
      status: 201,
      viewer: 'anyone',
    });
  });
});

describe('POST /api/v1/lineage with tokens', () => {
  const tokens = { reader: newToken(), writer: newToken(), alpha: newToken() };
  const entries: TokenEntry[] = [
    { name: 'rita', sha256: hashToken(tokens.reader), role: 'reader' },
    { name: 'walt', sha256: hashToken(tokens.writer), role: 'writer' },
    { name: 'alma', sha256: hashToken(tokens.alpha), role: 'writer', projects: ['project/alpha'] },
  ];
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const env = { METALAYER_TOKENS: JSON.stringify(entries), METALAYER_ANONYMOUS_READS: 'true' };

  test('no token is 401 with a Bearer challenge; a reader is 403; an unscoped writer is 201', async () => {
    const running = await serve(env);
    const anonymous = await postEvent(running, extractEvent('START', T(0)));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="metalayer"');
    expect(anonymous.body['error'].code).toBe('UNAUTHENTICATED');
    expect((await postEvent(running, extractEvent('START', T(0)), { authorization: 'Bearer nope' })).status).toBe(401);
    const reader = await postEvent(running, extractEvent('START', T(0)), bearer(tokens.reader));
    expect(reader.status).toBe(403);
    expect(reader.body['error']).toEqual({ code: 'FORBIDDEN', message: 'A mutation needs the writer role; the token "rita" has the reader role' });
    expect(await running.store.getAssets([RUN.extract])).toEqual([null]);
    expect((await postEvent(running, extractEvent('START', T(0)), bearer(tokens.writer))).status).toBe(201);
  });

  test('a scoped writer is refused unless its job namespace maps to one of its projects', async () => {
    const unmapped = await serve(env);
    const refused = await postEvent(unmapped, extractEvent('START', T(0)), bearer(tokens.alpha));
    expect(refused.status).toBe(403);
    expect(refused.body['error']).toMatchObject({ code: 'FORBIDDEN', field: '$.job.namespace' });
    expect(await unmapped.store.getAssets([RUN.extract, SOURCE])).toEqual([null, null]);

    const mapped = await serve({ ...env, METALAYER_OPENLINEAGE_NAMESPACES: JSON.stringify({ [NAMESPACES.airflow]: 'project/alpha' }) });
    expect((await postEvent(mapped, extractEvent('START', T(0)), bearer(tokens.alpha))).status).toBe(201);
    expect((await mapped.store.getAssets([RUN.extract]))[0]).toMatchObject({ status: 'RUNNING' });
    const spark = await postEvent(mapped, featuresEvent('START', T(10)), bearer(tokens.alpha));
    expect(spark.status).toBe(403);
    // A mapped namespace cannot reach a run of another namespace by its id.
    const hijack = featuresEvent('START', T(10));
    hijack.job.namespace = NAMESPACES.airflow;
    await postEvent(mapped, featuresEvent('START', T(10)), bearer(tokens.writer));
    hijack.run.runId = IDS.features;
    const taken = await postEvent(mapped, hijack, bearer(tokens.alpha));
    expect(taken.status).toBe(409);
    expect(taken.body['error'].code).toBe('CONFLICT');
  });
});

/** Every asset the store holds, as stored: what a replay must leave alone. */
async function snapshot(store: Store) {
  return (await store.listAssets(makeListQuery({ first: 100 }))).assets;
}
