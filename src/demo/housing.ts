import {
  planLogRun,
  planLogServingPerf,
  planRegisterDataset,
  planRegisterDeployment,
  planRegisterFeatureset,
  planRegisterModel,
  planRegisterProject,
  type NewKey,
  type Plan,
} from '../domain/commands.js';
import type { Catalogue } from '../domain/catalogue.js';
import type { Store } from '../store/store.js';

/**
 * The demo pipeline, after arangopipe's housing-price example: three versions
 * of a census dataset (and a mirror of the first, registered again under
 * another name: a duplicate), two featuresets, three runs, a model
 * fine-tuned from another, and a production deployment with weekly serving
 * performance. The
 * datasets and serving weeks carry statistics in the drift format, the last
 * week visibly drifted. Every asset has a fixed key, so loading it twice
 * changes nothing.
 */
const noGeneratedKeys: NewKey = () => {
  throw new Error('every demo asset has a fixed key');
};

/**
 * Statistics in the drift format (docs/analytics.md): median income in tens
 * of thousands of dollars, the median age of houses in years, and where the
 * district lies. `rows` and `columns` are what the census holds.
 */
function housingStatistics(rows: number, columns: number | null, income: number[], age: number[], ocean: number[], ageMissing = 0) {
  const [lessThanHour = 0, inland = 0, nearOcean = 0, nearBay = 0, island = 0] = ocean;
  return {
    rows,
    ...(columns === null ? {} : { columns }),
    features: {
      median_income: { type: 'numeric', bins: [0, 2, 4, 6, 8, 10, 15], counts: income, missing: 0 },
      housing_median_age: { type: 'numeric', bins: [0, 10, 20, 30, 40, 52], counts: age, missing: ageMissing },
      ocean_proximity: {
        type: 'categorical',
        counts: { '<1H OCEAN': lessThanHour, INLAND: inland, 'NEAR OCEAN': nearOcean, 'NEAR BAY': nearBay, ISLAND: island },
        missing: 0,
      },
    },
  };
}

const CENSUS_V1 = housingStatistics(20640, 10, [1510, 7640, 6790, 3020, 1060, 620], [1240, 4750, 5890, 5110, 3650], [9136, 6551, 2658, 2290, 5]);
const CENSUS_CLEAN = (columns: number) =>
  housingStatistics(19648, columns, [1450, 7320, 6480, 2880, 980, 538], [1180, 4520, 5610, 4870, 3468], [8700, 6240, 2540, 2163, 5]);

/**
 * A weekly sample of 10,000 scored requests: the first three weeks look like
 * the training data; in the last, incomes have moved up (PSI ≥ 0.2).
 */
const SERVED_WEEKS = [
  { rmse: 47_900, stats: housingStatistics(10_000, null, [740, 3720, 3300, 1470, 500, 270], [600, 2300, 2860, 2480, 1760], [4430, 3170, 1290, 1108, 2], 12) },
  { rmse: 48_600, stats: housingStatistics(10_000, null, [720, 3690, 3310, 1490, 510, 280], [590, 2310, 2850, 2470, 1780], [4410, 3190, 1300, 1097, 3], 9) },
  { rmse: 51_200, stats: housingStatistics(10_000, null, [650, 3480, 3390, 1640, 540, 300], [600, 2300, 2860, 2480, 1760], [4480, 3050, 1330, 1138, 2], 14) },
  { rmse: 55_800, stats: housingStatistics(10_000, null, [310, 1720, 2830, 2690, 1480, 970], [610, 2280, 2870, 2490, 1750], [4990, 2510, 1420, 1078, 2], 11) },
];

const HOUSING_FEATURES = [
  { name: 'median_income', dtype: 'float64' },
  { name: 'housing_median_age', dtype: 'float64' },
  { name: 'total_rooms', dtype: 'int64' },
  { name: 'population', dtype: 'int64' },
];

export function housingDemoPlans(catalogue: Catalogue): Plan[] {
  const k = { catalogue, newKey: noGeneratedKeys };
  return [
    planRegisterProject(
      { key: 'housing', name: 'Housing prices', description: 'Predict median house values of California districts', properties: { team: 'pricing' } },
      k,
    ),
    planRegisterDataset(
      {
        key: 'census-1990-v1',
        name: 'California housing census',
        version: '1',
        source: 's3://ml-data/housing/census-1990/raw.csv',
        description: 'The 1990 census block groups, as published',
        statistics: CENSUS_V1,
        tag: 'raw',
      },
      k,
    ),
    planRegisterDataset(
      {
        key: 'census-1990-v2',
        name: 'California housing census',
        version: '2',
        source: 's3://ml-data/housing/census-1990/clean.parquet',
        description: 'Capped values removed, missing bedrooms imputed',
        statistics: CENSUS_CLEAN(10),
        derivedFrom: 'datasets/census-1990-v1',
        tag: 'clean',
      },
      k,
    ),
    planRegisterDataset(
      {
        key: 'census-1990-v3',
        name: 'California housing census',
        version: '3',
        source: 's3://ml-data/housing/census-1990/geo.parquet',
        description: 'Joined with coastline distances',
        statistics: CENSUS_CLEAN(12),
        derivedFrom: 'datasets/census-1990-v2',
        tag: 'clean',
      },
      k,
    ),
    planRegisterDataset(
      {
        key: 'census-1990-mirror',
        name: 'Census block groups (mirror)',
        source: 's3://ml-data/housing/census-1990/raw.csv',
        description: 'The raw census again, registered by another team',
        statistics: CENSUS_V1,
        tag: 'raw',
      },
      k,
    ),
    planRegisterFeatureset(
      { key: 'housing-basic', name: 'Housing basic features', features: HOUSING_FEATURES, datasets: ['datasets/census-1990-v2'] },
      k,
    ),
    planRegisterFeatureset(
      {
        key: 'housing-geo',
        name: 'Housing geo features',
        features: [...HOUSING_FEATURES, { name: 'ocean_distance_km', dtype: 'float64' }],
        datasets: ['datasets/census-1990-v3'],
      },
      k,
    ),
    planRegisterModel(
      { key: 'housing-linear', name: 'Housing linear baseline', task: 'regression', framework: 'scikit-learn', uri: 's3://ml-models/housing/linear.pkl', project: 'project/housing' },
      k,
    ),
    planRegisterModel(
      { key: 'housing-gbm', name: 'Housing gradient boosting', task: 'regression', framework: 'lightgbm', uri: 's3://ml-models/housing/gbm.txt', project: 'project/housing' },
      k,
    ),
    planRegisterModel(
      {
        key: 'housing-gbm-tuned',
        name: 'Housing gradient boosting',
        version: 'tuned',
        task: 'regression',
        framework: 'lightgbm',
        uri: 's3://ml-models/housing/gbm-tuned.txt',
        project: 'project/housing',
        derivedFrom: 'models/housing-gbm',
      },
      k,
    ),
    planLogRun(
      {
        runId: 'run-001',
        model: 'models/housing-linear',
        datasets: ['datasets/census-1990-v2'],
        featuresets: ['featuresets/housing-basic'],
        params: { fit_intercept: true, alpha: 0 },
        metrics: [{ name: 'rmse', value: 68_950 }, { name: 'r2', value: 0.64 }],
        startedAt: '2026-03-02T09:00:00Z',
        endedAt: '2026-03-02T09:04:10Z',
        tag: 'baseline',
      },
      k,
    ),
    planLogRun(
      {
        runId: 'run-002',
        model: 'models/housing-gbm',
        datasets: ['datasets/census-1990-v3'],
        featuresets: ['featuresets/housing-geo'],
        params: { num_leaves: 31, learning_rate: 0.1, n_estimators: 400 },
        metrics: [{ name: 'rmse', value: 49_120 }, { name: 'r2', value: 0.82 }],
        startedAt: '2026-03-09T10:00:00Z',
        endedAt: '2026-03-09T10:21:37Z',
      },
      k,
    ),
    planLogRun(
      {
        runId: 'run-003',
        model: 'models/housing-gbm-tuned',
        datasets: ['datasets/census-1990-v3'],
        featuresets: ['featuresets/housing-geo'],
        params: { num_leaves: 63, learning_rate: 0.05, n_estimators: 900 },
        metrics: [{ name: 'rmse', value: 46_300 }, { name: 'r2', value: 0.84 }],
        startedAt: '2026-03-16T10:00:00Z',
        endedAt: '2026-03-16T10:48:02Z',
        deploymentTag: 'housing-prod',
      },
      k,
    ),
    planRegisterDeployment(
      {
        key: 'housing-prod',
        name: 'Housing prices production',
        environment: 'production',
        tag: 'housing-prod',
        model: 'models/housing-gbm-tuned',
        params: 'modelparams/run-003',
        featureset: 'featuresets/housing-geo',
      },
      k,
    ),
    ...SERVED_WEEKS.map(({ rmse, stats }, week) =>
      planLogServingPerf(
        {
          key: `housing-prod-2026-w${14 + week}`,
          deployment: 'deployment/housing-prod',
          periodStart: new Date(Date.UTC(2026, 3, 6 + 7 * week)).toISOString(),
          periodEnd: new Date(Date.UTC(2026, 3, 13 + 7 * week)).toISOString(),
          metrics: [{ name: 'rmse', value: rmse }, { name: 'requests', value: 120_000 + 9_000 * week }],
          statistics: stats,
        },
        k,
      ),
    ),
  ];
}

/** Loads the demo in one unit of work, recorded as the demo's; returns how many assets it holds. */
export async function seedHousingDemo(store: Store, catalogue: Catalogue, at = new Date().toISOString()): Promise<number> {
  const ops = housingDemoPlans(catalogue).flatMap((plan) => plan.ops);
  const result = await store.commit({ ops, actor: 'metalayer', source: 'demo', at });
  return result.assets.size;
}
