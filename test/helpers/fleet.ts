import type { AssetContent } from '../../src/domain/kinds.js';
import type { WriteOp } from '../../src/domain/writes.js';
import type { Store } from '../../src/store/store.js';
import { content, putAsset, putEdge, commitOps } from './assets.js';

/**
 * A fleet of `size` models written straight through the port, for counting
 * round trips. Model i was produced by run i (with params i and devperf i),
 * trained on dataset i % 5 and featureset i % 5 (each derived from that
 * dataset); every dataset derives from datasets/base. Deployment i serves
 * model i with params i and featureset i % 5, observed by servingperf i.
 * All models belong to project/fleet.
 */
export async function seedFleet(store: Store, size: number): Promise<{ models: string[] }> {
  const pad = (i: number) => String(i).padStart(3, '0');
  const assets: AssetContent[] = [content('PROJECT', 'fleet'), content('DATASET', 'base')];
  const edges: WriteOp[] = [];
  for (let k = 0; k < Math.min(size, 5); k += 1) {
    assets.push(content('DATASET', `ds-${k}`), content('FEATURESET', `fs-${k}`, { features: [{ name: `f${k}`, dtype: 'int' }] }));
    edges.push(
      putEdge('derived_from', `datasets/ds-${k}`, 'datasets/base'),
      putEdge('featureset_dataset', `featuresets/fs-${k}`, `datasets/ds-${k}`),
    );
  }
  for (let i = 0; i < size; i += 1) {
    const k = i % 5;
    const [m, r, p, d] = [`models/m-${pad(i)}`, `run/r-${pad(i)}`, `modelparams/r-${pad(i)}`, `devperf/r-${pad(i)}`];
    const [dep, sp] = [`deployment/dep-${pad(i)}`, `servingperf/sp-${pad(i)}`];
    assets.push(
      content('MODEL', `m-${pad(i)}`, { framework: 'xgboost' }),
      content('RUN', `r-${pad(i)}`, { startedAt: '2026-01-01T00:00:00.000Z' }),
      content('MODEL_PARAMS', `r-${pad(i)}`, { params: { depth: i } }),
      content('DEV_PERF', `r-${pad(i)}`, { metrics: { auc: i / 100 } }),
      content('DEPLOYMENT', `dep-${pad(i)}`, { environment: 'production' }),
      content('SERVING_PERF', `sp-${pad(i)}`, { metrics: { auc: i / 200 } }),
    );
    edges.push(
      putEdge('project_models', 'project/fleet', m),
      putEdge('run_models', m, r),
      putEdge('run_modelparams', r, p),
      putEdge('run_devperf', r, d),
      putEdge('run_datasets', r, `datasets/ds-${k}`),
      putEdge('run_featuresets', r, `featuresets/fs-${k}`),
      putEdge('deployment_model', dep, m),
      putEdge('deployment_modelparams', dep, p),
      putEdge('deployment_featureset', dep, `featuresets/fs-${k}`),
      putEdge('deployment_servingperf', dep, sp),
    );
  }
  await commitOps(store, [...assets.map((c) => putAsset(c)), ...edges]);
  return { models: Array.from({ length: size }, (_, i) => `models/m-${pad(i)}`) };
}
