import type { TestApi } from './graphql.js';

/**
 * One ML pipeline, recorded through the API's own mutations in one
 * operation (mutations run in order):
 *
 *   project/churn ⊃ models/churn-xgb
 *   datasets/customers-v2 derived_from datasets/customers-v1
 *   featuresets/customer-features from customers-v2
 *   run/run-1 produced churn-xgb, trained on customers-v2 and
 *     customer-features, with modelparams/run-1 and devperf/run-1
 *   deployment/churn-prod serves churn-xgb with modelparams/run-1 and
 *     customer-features; servingperf/week-1 observed it
 */
export const PIPELINE = {
  project: 'project/churn',
  datasetV1: 'datasets/customers-v1',
  datasetV2: 'datasets/customers-v2',
  featureset: 'featuresets/customer-features',
  model: 'models/churn-xgb',
  run: 'run/run-1',
  params: 'modelparams/run-1',
  devPerf: 'devperf/run-1',
  deployment: 'deployment/churn-prod',
  servingPerf: 'servingperf/week-1',
} as const;

const SEED = /* GraphQL */ `
  mutation Seed {
    project: registerProject(input: { key: "churn", name: "Churn", description: "Who leaves", properties: { team: "growth" } }) {
      project { id }
    }
    v1: registerDataset(input: { key: "customers-v1", name: "customers", version: "1", source: "s3://lake/customers/v1" }) {
      dataset { id }
    }
    v2: registerDataset(
      input: {
        key: "customers-v2"
        name: "customers"
        version: "2"
        source: "s3://lake/customers/v2"
        statistics: { rows: 1200, nulls: { age: 3 } }
        derivedFrom: "datasets/customers-v1"
      }
    ) {
      dataset { id }
    }
    featureset: registerFeatureset(
      input: {
        key: "customer-features"
        name: "customer features"
        features: [{ name: "age", dtype: "int" }, { name: "plan", dtype: "category" }]
        datasets: ["datasets/customers-v2"]
      }
    ) {
      featureset { id }
    }
    model: registerModel(
      input: { key: "churn-xgb", name: "churn-xgb", task: "classification", framework: "xgboost", project: "project/churn" }
    ) {
      model { id }
    }
    run: logRun(
      input: {
        runId: "run-1"
        model: "models/churn-xgb"
        datasets: ["datasets/customers-v2"]
        featuresets: ["featuresets/customer-features"]
        params: { max_depth: 6, eta: 0.3 }
        metrics: [{ name: "auc", value: 0.91 }, { name: "accuracy", value: 0.88 }]
        startedAt: "2026-01-10T09:00:00Z"
        endedAt: "2026-01-10T10:30:00+00:00"
        deploymentTag: "v1"
      }
    ) {
      run { id }
    }
    deployment: registerDeployment(
      input: {
        key: "churn-prod"
        name: "churn prod"
        environment: "production"
        model: "models/churn-xgb"
        params: "modelparams/run-1"
        featureset: "featuresets/customer-features"
      }
    ) {
      deployment { id }
    }
    servingPerf: logServingPerf(
      input: {
        key: "week-1"
        deployment: "deployment/churn-prod"
        periodStart: "2026-01-12"
        periodEnd: "2026-01-19"
        metrics: [{ name: "auc", value: 0.87 }]
      }
    ) {
      servingPerf { id }
    }
  }
`;

export async function seedPipeline(api: TestApi): Promise<void> {
  await api.data(SEED);
}
