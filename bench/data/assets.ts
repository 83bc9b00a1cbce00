import { assetId } from '../../src/domain/ids.js';
import type { AssetContent, BuiltinKind, Feature, JsonObject, Metrics } from '../../src/domain/kinds.js';
import type { Random } from './random.js';

/**
 * Realistic content for each asset kind, as a platform team records it:
 * typed fields filled the way arangopipe's users fill them, plus the
 * free-form properties they attach. Valid by construction (domain types).
 */

const DAY_MS = 86_400_000;
const EPOCH = Date.parse('2024-01-01T00:00:00.000Z');

/** An instant `day` days (fractions allowed) after the generated history begins. */
export function instant(day: number): string {
  return new Date(EPOCH + Math.round(day * DAY_MS)).toISOString();
}

const TEAMS = ['search', 'ads', 'fraud', 'growth', 'pricing', 'risk', 'recsys', 'vision', 'nlp', 'forecasting'];
const FORMATS = ['parquet', 'delta', 'csv', 'avro', 'tfrecord'];
const TASKS = ['classification', 'regression', 'ranking', 'forecasting', 'embedding'];
const FRAMEWORKS = ['xgboost', 'lightgbm', 'pytorch', 'tensorflow', 'sklearn'];
const DTYPES = ['float64', 'float32', 'int64', 'category', 'bool', 'string', 'embedding[128]'];
const ENVIRONMENTS = ['production', 'production', 'staging', 'canary'];

function base<K extends BuiltinKind>(kind: K, key: string, name: string, version: string | null, properties: JsonObject) {
  return { kind, id: assetId(kind, key), key, name, version, tag: null, properties };
}

export function project(r: Random, key: string): AssetContent<'PROJECT'> {
  const team = r.pick(TEAMS);
  return {
    ...base('PROJECT', key, key, null, { team, costCenter: `cc-${r.int(100, 999)}` }),
    description: `${team} models of ${key}`,
  };
}

/**
 * A dataset; with `features`, its statistics are in the drift format too
 * (drawn from the key, not from `r`, so the rest of the graph is the same).
 */
export function dataset(r: Random, key: string, name: string, version: number, day: number, features = false): AssetContent<'DATASET'> {
  const rows = r.int(10_000, 50_000_000);
  const statistics: JsonObject = { rows, columns: r.int(5, 400), nullFraction: r.float(0, 0.2), bytes: rows * r.int(50, 2000) };
  return {
    ...base('DATASET', key, name, String(version), { format: r.pick(FORMATS), owner: `${r.pick(TEAMS)}-data` }),
    description: `${name}, snapshot of ${instant(day).slice(0, 10)}`,
    source: `s3://lake/${name}/v${version}/`,
    statistics: features ? { ...statistics, features: featureStatistics(key, 0) } : statistics,
  };
}

/** A number in [0, 1) from a text and a salt: statistics that vary by asset without drawing from the graph's random stream. */
function unitHash(text: string, salt: number): number {
  let h = (2166136261 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return (h % 10_000) / 10_000;
}

/**
 * Feature statistics in the drift format: two numeric features over eight
 * bins, their mass centred `shift` bins to the right, and one categorical.
 */
export function featureStatistics(key: string, shift: number): JsonObject {
  const numeric = (f: number): JsonObject => ({
    type: 'numeric',
    bins: Array.from({ length: 9 }, (_, b) => b * 10),
    counts: Array.from({ length: 8 }, (_, b) => Math.round(1000 * (1 + 0.2 * unitHash(key, f * 10 + b)) * Math.exp(-((b - 3 - shift) ** 2) / 4))),
    missing: Math.round(20 * unitHash(key, 100 + f)),
  });
  const segment = (c: number) => Math.round(1000 * (1 + unitHash(key, 200 + c)));
  return {
    f_0: numeric(0),
    f_1: numeric(1),
    segment: { type: 'categorical', counts: { consumer: segment(0), business: segment(1), public: segment(2) }, missing: 0 },
  };
}

export function featureset(r: Random, key: string, name: string, version: number): AssetContent<'FEATURESET'> {
  const features: Feature[] = Array.from({ length: r.int(5, 30) }, (_, i) => ({ name: `f_${i}`, dtype: r.pick(DTYPES) }));
  return {
    ...base('FEATURESET', key, name, String(version), { store: 'feast', entity: r.pick(['user', 'item', 'session']) }),
    description: `features of ${name}`,
    features,
  };
}

export function model(r: Random, key: string, name: string, version: number): AssetContent<'MODEL'> {
  const framework = r.pick(FRAMEWORKS);
  return {
    ...base('MODEL', key, name, String(version), { owner: `${r.pick(TEAMS)}-ml`, license: 'internal' }),
    description: `${name}, version ${version}`,
    task: r.pick(TASKS),
    framework,
    uri: `s3://models/${name}/${version}/model.${framework === 'pytorch' ? 'pt' : 'bin'}`,
  };
}

export function run(r: Random, key: string, day: number): AssetContent<'RUN'> {
  const failed = r.chance(0.05);
  return {
    ...base('RUN', key, key, null, { gitCommit: r.int(0, 0xfffffff).toString(16), gpu: r.pick(['none', 'a10', 'a100', 'h100']) }),
    runId: key,
    status: failed ? 'FAILED' : 'COMPLETED',
    startedAt: instant(day),
    endedAt: instant(day + r.float(0.01, 2)),
    deploymentTag: null,
  };
}

export function modelParams(r: Random, runKey: string): AssetContent<'MODEL_PARAMS'> {
  return {
    ...base('MODEL_PARAMS', runKey, `${runKey} params`, null, {}),
    params: {
      learning_rate: r.float(0.0001, 0.3, 5),
      max_depth: r.int(3, 12),
      n_estimators: r.int(50, 2000),
      batch_size: r.pick([32, 64, 128, 256, 512]),
      dropout: r.float(0, 0.5, 2),
      optimizer: r.pick(['adam', 'sgd', 'adamw']),
    },
  };
}

export function devPerf(r: Random, runKey: string, day: number): AssetContent<'DEV_PERF'> {
  const metrics: Metrics = r.chance(0.5)
    ? { auc: r.float(0.6, 0.99), accuracy: r.float(0.6, 0.99), f1: r.float(0.5, 0.95), logloss: r.float(0.05, 0.7) }
    : { rmse: r.float(0.1, 50), mae: r.float(0.05, 30), r2: r.float(0.3, 0.98) };
  return { ...base('DEV_PERF', runKey, `${runKey} dev performance`, null, {}), metrics, recordedAt: instant(day) };
}

export function deployment(r: Random, key: string, name: string, version: number): AssetContent<'DEPLOYMENT'> {
  return {
    ...base('DEPLOYMENT', key, name, String(version), { replicas: r.int(1, 32), region: r.pick(['eu-west-1', 'us-east-1']) }),
    environment: r.pick(ENVIRONMENTS),
  };
}

/** One week of serving performance starting on `day`; with a `shift`, statistics in the drift format (featureStatistics). */
export function servingPerf(r: Random, key: string, day: number, shift: number | null = null): AssetContent<'SERVING_PERF'> {
  return {
    ...base('SERVING_PERF', key, key, null, {}),
    metrics: {
      requests: r.int(1_000, 50_000_000),
      latency_p50_ms: r.float(1, 40, 2),
      latency_p99_ms: r.float(40, 400, 2),
      error_rate: r.float(0, 0.01, 5),
      auc: r.float(0.6, 0.99),
    },
    periodStart: instant(day),
    periodEnd: instant(day + 7),
    statistics: shift === null ? null : { rows: 10_000, features: featureStatistics(key, shift) },
  };
}
