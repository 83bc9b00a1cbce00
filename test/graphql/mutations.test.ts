import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { steppingClock } from '../helpers/clock.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { PIPELINE, seedPipeline } from '../helpers/pipeline.js';

let api: TestApi;
beforeEach(() => {
  api = createTestApi({ now: steppingClock(), newKey: () => 'generated' });
});
afterEach(() => api.close());

describe('registerProject', () => {
  test('stores the project and returns it as stored', async () => {
    const data = await api.data(`
      mutation {
        registerProject(input: {
          key: "churn", name: "  Churn  ", version: "1", tag: "core", description: "Who leaves",
          properties: { team: "growth", size: 3, owners: ["ana", "li"] }
        }) {
          project { id kind name version tag description properties createdAt updatedAt models { id } derivedFrom { id } derivatives { id } }
        }
      }`);
    expect(data).toEqual({
      registerProject: {
        project: {
          id: 'project/churn',
          kind: 'PROJECT',
          name: 'Churn',
          version: '1',
          tag: 'core',
          description: 'Who leaves',
          properties: { team: 'growth', size: 3, owners: ['ana', 'li'] },
          createdAt: '2026-03-01T00:00:00.000Z',
          updatedAt: '2026-03-01T00:00:00.000Z',
          models: [],
          derivedFrom: [],
          derivatives: [],
        },
      },
    });
  });

  test('names an unkeyed asset with the context’s newKey', async () => {
    const data = await api.data(`mutation { registerProject(input: { name: "Churn" }) { project { id properties } } }`);
    expect(data).toEqual({ registerProject: { project: { id: 'project/generated', properties: {} } } });
  });

  test('a retry with the same key and content returns the same asset, unchanged', async () => {
    const register = `mutation { registerProject(input: { key: "churn", name: "Churn", properties: { a: 1 } }) { project { id name createdAt updatedAt } } }`;
    const first = await api.data(register);
    const second = await api.data(register);
    expect(second).toEqual(first);
    expect(second).toEqual({
      registerProject: {
        project: { id: 'project/churn', name: 'Churn', createdAt: '2026-03-01T00:00:00.000Z', updatedAt: '2026-03-01T00:00:00.000Z' },
      },
    });
  });

  test('the same key with different content is a CONFLICT', async () => {
    await api.data(`mutation { registerProject(input: { key: "churn", name: "Churn" }) { project { id } } }`);
    const error = onlyError(await api.execute(`mutation { registerProject(input: { key: "churn", name: "Retention" }) { project { id } } }`));
    expect(error.extensions?.['code']).toBe('CONFLICT');
    expect(error.message).toContain('project/churn');
    expect(error.path).toEqual(['registerProject']);
  });

  test('a taken name without a distinct version is a CONFLICT', async () => {
    await api.data(`mutation { registerProject(input: { key: "a", name: "Churn" }) { project { id } } }`);
    const error = onlyError(await api.execute(`mutation { registerProject(input: { key: "b", name: "Churn" }) { project { id } } }`));
    expect(error.extensions?.['code']).toBe('CONFLICT');
    expect(error.message).toContain('Churn');
    const distinct = await api.data(`mutation { registerProject(input: { key: "c", name: "Churn", version: "2" }) { project { id } } }`);
    expect(distinct).toEqual({ registerProject: { project: { id: 'project/c' } } });
  });

  test('an empty name is BAD_USER_INPUT naming input.name', async () => {
    const error = onlyError(await api.execute(`mutation { registerProject(input: { name: "   " }) { project { id } } }`));
    expect(error).toEqual({
      message: 'input.name: expected a non-empty name, received an empty string',
      locations: [{ line: 1, column: 12 }],
      path: ['registerProject'],
      extensions: { code: 'BAD_USER_INPUT', field: 'input.name' },
    });
  });

  test.each([
    ['a list literal', '[1, 2]', 'an array'],
    ['a string literal', '"team=growth"', 'the string "team=growth"'],
  ])('properties that are %s are BAD_USER_INPUT', async (_case, literal, received) => {
    const error = onlyError(await api.execute(`mutation { registerProject(input: { name: "Churn", properties: ${literal} }) { project { id } } }`));
    expect(error.message).toBe(`input.properties: expected a JSON object, received ${received}`);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.properties' });
  });

  test('properties given as a variable are checked the same way', async () => {
    const query = `mutation ($p: JSON) { registerProject(input: { name: "Churn", properties: $p }) { project { properties } } }`;
    const error = onlyError(await api.execute(query, { p: [1, 2] }));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.properties' });
    expect(await api.data(query, { p: { nested: { list: [1, null, true] } } })).toEqual({
      registerProject: { project: { properties: { nested: { list: [1, null, true] } } } },
    });
  });

  test('nothing is written when the input is refused', async () => {
    await api.execute(`mutation { registerProject(input: { key: "churn", name: "" }) { project { id } } }`);
    expect(api.store.count('commit')).toBe(0);
  });
});

describe('the pipeline mutations', () => {
  beforeEach(() => seedPipeline(api));

  test('registerDataset links an earlier version through derivedFrom', async () => {
    const data = await api.data(`{
      node(id: "${PIPELINE.datasetV2}") {
        ... on Dataset { name version source statistics derivedFrom { id } derivatives { id } featuresets { id } runs { id } }
      }
      v1: node(id: "${PIPELINE.datasetV1}") { ... on Dataset { statistics derivedFrom { id } derivatives { id } } }
    }`);
    expect(data).toEqual({
      node: {
        name: 'customers',
        version: '2',
        source: 's3://lake/customers/v2',
        statistics: { rows: 1200, nulls: { age: 3 } },
        derivedFrom: [{ id: PIPELINE.datasetV1 }],
        derivatives: [],
        featuresets: [{ id: PIPELINE.featureset }],
        runs: [{ id: PIPELINE.run }],
      },
      v1: { statistics: null, derivedFrom: [], derivatives: [{ id: PIPELINE.datasetV2 }] },
    });
  });

  test('registerFeatureset stores features and links its datasets', async () => {
    const data = await api.data(`{
      node(id: "${PIPELINE.featureset}") {
        ... on Featureset { name features { name dtype } datasets { id } runs { id } deployments { id } }
      }
    }`);
    expect(data).toEqual({
      node: {
        name: 'customer features',
        features: [
          { name: 'age', dtype: 'int' },
          { name: 'plan', dtype: 'category' },
        ],
        datasets: [{ id: PIPELINE.datasetV2 }],
        runs: [{ id: PIPELINE.run }],
        deployments: [{ id: PIPELINE.deployment }],
      },
    });
  });

  test('registerModel links the model to its project', async () => {
    const data = await api.data(`{
      node(id: "${PIPELINE.model}") {
        ... on Model { name task framework uri project { id name models { id } } producedBy { id } deployments { id } }
      }
    }`);
    expect(data).toEqual({
      node: {
        name: 'churn-xgb',
        task: 'classification',
        framework: 'xgboost',
        uri: null,
        project: { id: PIPELINE.project, name: 'Churn', models: [{ id: PIPELINE.model }] },
        producedBy: [{ id: PIPELINE.run }],
        deployments: [{ id: PIPELINE.deployment }],
      },
    });
  });

  test('logRun records the run, its parameters and performance, and its relations', async () => {
    const data = await api.data(`
      mutation {
        logRun(input: {
          runId: "run-2", model: "${PIPELINE.model}", datasets: ["${PIPELINE.datasetV1}"], status: FAILED,
          startedAt: "2026-02-01T10:00:00+02:00", params: { max_depth: 8 }, metrics: [{ name: "auc", value: 0.5 }]
        }) {
          run {
            id kind name runId status startedAt endedAt deploymentTag
            model { id } datasets { id } featuresets { id }
            params { id name params run { id } deployments { id } }
            devPerf { id name metrics { name value } auc: metric(name: "auc") f1: metric(name: "f1") proto: metric(name: "constructor") recordedAt run { id } }
          }
        }
      }`);
    expect(data).toEqual({
      logRun: {
        run: {
          id: 'run/run-2',
          kind: 'RUN',
          name: 'run-2',
          runId: 'run-2',
          status: 'FAILED',
          startedAt: '2026-02-01T08:00:00.000Z',
          endedAt: null,
          deploymentTag: null,
          model: { id: PIPELINE.model },
          datasets: [{ id: PIPELINE.datasetV1 }],
          featuresets: [],
          params: { id: 'modelparams/run-2', name: 'run-2 params', params: { max_depth: 8 }, run: { id: 'run/run-2' }, deployments: [] },
          devPerf: {
            id: 'devperf/run-2',
            name: 'run-2 dev performance',
            metrics: [{ name: 'auc', value: 0.5 }],
            auc: 0.5,
            f1: null,
            proto: null,
            recordedAt: '2026-02-01T08:00:00.000Z',
            run: { id: 'run/run-2' },
          },
        },
      },
    });
  });

  test('a logRun that fails halfway writes nothing', async () => {
    const result = await api.execute(`
      mutation {
        logRun(input: {
          runId: "run-9", model: "${PIPELINE.model}", datasets: ["${PIPELINE.datasetV2}", "datasets/missing"],
          params: { max_depth: 3 }, metrics: [{ name: "auc", value: 0.7 }]
        }) { run { id } }
      }`);
    expect(result.data).toBeNull();
    expect(onlyError(result)).toMatchObject({
      message: 'input.datasets.1: no asset with id "datasets/missing"',
      extensions: { code: 'NOT_FOUND', field: 'input.datasets.1' },
    });
    const after = await api.data(`{
      nodes(ids: ["run/run-9", "modelparams/run-9", "devperf/run-9"]) { id }
      model: node(id: "${PIPELINE.model}") { ... on Model { producedBy { id } } }
    }`);
    expect(after).toEqual({ nodes: [null, null, null], model: { producedBy: [{ id: PIPELINE.run }] } });
  });

  test('registerDeployment links the model, parameters and featureset it serves with', async () => {
    const data = await api.data(`{
      node(id: "${PIPELINE.deployment}") {
        ... on Deployment { name environment model { id } params { id deployments { id } } featureset { id } servingPerf { id } }
      }
    }`);
    expect(data).toEqual({
      node: {
        name: 'churn prod',
        environment: 'production',
        model: { id: PIPELINE.model },
        params: { id: PIPELINE.params, deployments: [{ id: PIPELINE.deployment }] },
        featureset: { id: PIPELINE.featureset },
        servingPerf: [{ id: PIPELINE.servingPerf }],
      },
    });
  });

  test('logServingPerf records a period of serving metrics', async () => {
    const data = await api.data(`
      mutation {
        logServingPerf(input: {
          key: "week-2", deployment: "${PIPELINE.deployment}", periodStart: "2026-01-19T00:00:00Z",
          periodEnd: "2026-01-26T00:00:00Z", metrics: [{ name: "latency_p99", value: 41.5 }, { name: "auc", value: 0.86 }]
        }) {
          servingPerf { id name periodStart periodEnd metrics { name value } auc: metric(name: "auc") deployment { id servingPerf { id } } }
        }
      }`);
    expect(data).toEqual({
      logServingPerf: {
        servingPerf: {
          id: 'servingperf/week-2',
          name: 'churn-prod 2026-01-19T00:00:00.000Z',
          periodStart: '2026-01-19T00:00:00.000Z',
          periodEnd: '2026-01-26T00:00:00.000Z',
          metrics: [
            { name: 'auc', value: 0.86 },
            { name: 'latency_p99', value: 41.5 },
          ],
          auc: 0.86,
          deployment: { id: PIPELINE.deployment, servingPerf: [{ id: PIPELINE.servingPerf }, { id: 'servingperf/week-2' }] },
        },
      },
    });
  });

  test('logServingPerf refuses a period that ends before it starts', async () => {
    const error = onlyError(
      await api.execute(`mutation {
        logServingPerf(input: { deployment: "${PIPELINE.deployment}", periodStart: "2026-01-19", periodEnd: "2026-01-12", metrics: [] }) { servingPerf { id } }
      }`),
    );
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.periodEnd' });
    expect(error.message).toBe(
      'input.periodEnd: expected an instant after periodStart (2026-01-19T00:00:00.000Z), received 2026-01-12T00:00:00.000Z',
    );
  });

  test('linkDerivedFrom returns both ends with the new relation', async () => {
    await api.data(`mutation { registerModel(input: { key: "churn-lgbm", name: "churn-lgbm" }) { model { id } } }`);
    const data = await api.data(`
      mutation {
        linkDerivedFrom(input: { asset: "models/churn-lgbm", from: "${PIPELINE.model}" }) {
          asset { id name derivedFrom { id } }
          from { id name derivatives { id } }
        }
      }`);
    expect(data).toEqual({
      linkDerivedFrom: {
        asset: { id: 'models/churn-lgbm', name: 'churn-lgbm', derivedFrom: [{ id: PIPELINE.model }] },
        from: { id: PIPELINE.model, name: 'churn-xgb', derivatives: [{ id: 'models/churn-lgbm' }] },
      },
    });
  });

  test('updateAsset renames, retags and merges properties', async () => {
    const data = await api.data(`
      mutation {
        updateAsset(input: { id: "${PIPELINE.project}", name: "Retention", tag: "q1", properties: { team: null, tier: "gold" } }) {
          asset { id name tag properties createdAt updatedAt ... on Project { description } }
        }
      }`);
    expect(data).toEqual({
      updateAsset: {
        asset: {
          id: PIPELINE.project,
          name: 'Retention',
          tag: 'q1',
          properties: { tier: 'gold' },
          createdAt: '2026-03-01T00:00:00.000Z',
          updatedAt: '2026-03-01T00:00:08.000Z',
          description: 'Who leaves',
        },
      },
    });
  });

  test('deleteAsset removes the asset and its relations, keeping the other ends', async () => {
    // The run's parameters and performance take their project from it: they go first (ownership-deletes.test.ts).
    const data = await api.data(`mutation {
      params: deleteAsset(input: { id: "${PIPELINE.params}" }) { deletedId deletedRelations }
      perf: deleteAsset(input: { id: "${PIPELINE.devPerf}" }) { deletedId deletedRelations }
      run: deleteAsset(input: { id: "${PIPELINE.run}" }) { deletedId deletedRelations }
    }`);
    // run_models, run_datasets, run_featuresets are left when the run goes
    expect(data).toEqual({
      params: { deletedId: PIPELINE.params, deletedRelations: 2 },
      perf: { deletedId: PIPELINE.devPerf, deletedRelations: 1 },
      run: { deletedId: PIPELINE.run, deletedRelations: 3 },
    });
    const after = await api.data(`{
      run: node(id: "${PIPELINE.run}") { id }
      model: node(id: "${PIPELINE.model}") { ... on Model { producedBy { id } } }
    }`);
    expect(after).toEqual({ run: null, model: { producedBy: [] } });
  });

  test('writes refresh the request’s caches between mutations of one operation', async () => {
    const data = await api.data(`
      mutation {
        first: registerModel(input: { key: "m1", name: "m1", project: "${PIPELINE.project}" }) { model { project { name models { id } } } }
        rename: updateAsset(input: { id: "${PIPELINE.project}", name: "Retention" }) { asset { name } }
        second: registerModel(input: { key: "m2", name: "m2", project: "${PIPELINE.project}" }) { model { project { name models { id } } } }
        gone: deleteAsset(input: { id: "models/m1" }) { deletedId }
        link: linkDerivedFrom(input: { asset: "models/m2", from: "${PIPELINE.model}" }) { asset { ... on Model { project { models { id } } } } }
      }`);
    expect(data).toEqual({
      first: { model: { project: { name: 'Churn', models: [{ id: PIPELINE.model }, { id: 'models/m1' }] } } },
      rename: { asset: { name: 'Retention' } },
      second: {
        model: { project: { name: 'Retention', models: [{ id: PIPELINE.model }, { id: 'models/m1' }, { id: 'models/m2' }] } },
      },
      gone: { deletedId: 'models/m1' },
      link: { asset: { project: { models: [{ id: PIPELINE.model }, { id: 'models/m2' }] } } },
    });
  });
});
