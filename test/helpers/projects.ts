import type { Role, Viewer } from '../../src/domain/access.js';
import type { Store } from '../../src/store/store.js';
import { content, putAsset, putEdge, commitOps } from './assets.js';

/**
 * Two projects sharing data, for the authorisation tests, written straight
 * through the port:
 *
 *   datasets/shared-v2 derived_from datasets/shared-v1; featuresets/shared-fs from shared-v2
 *   project/alpha ⊃ models/alpha-m ← run/alpha-r (params, devperf), on shared-v2 and shared-fs
 *   project/alpha ⊃ models/alpha-tuned, derived_from models/beta-m (a lineage through beta)
 *   project/beta  ⊃ models/beta-m ← run/beta-r (params, devperf), on shared-v2 and shared-fs
 *                   deployment/beta-dep serves beta-m with shared-fs; servingperf/beta-sp observes it
 *   models/orphan (in no project, so shared) ← run/orphan-r, on shared-v1
 */
export const TWO = {
  alpha: 'project/alpha',
  beta: 'project/beta',
  sharedV1: 'datasets/shared-v1',
  sharedV2: 'datasets/shared-v2',
  sharedFs: 'featuresets/shared-fs',
  alphaModel: 'models/alpha-m',
  alphaRun: 'run/alpha-r',
  alphaParams: 'modelparams/alpha-r',
  alphaPerf: 'devperf/alpha-r',
  alphaTuned: 'models/alpha-tuned',
  betaModel: 'models/beta-m',
  betaRun: 'run/beta-r',
  betaParams: 'modelparams/beta-r',
  betaPerf: 'devperf/beta-r',
  betaDeployment: 'deployment/beta-dep',
  betaServing: 'servingperf/beta-sp',
  orphanModel: 'models/orphan',
  orphanRun: 'run/orphan-r',
} as const;

/** Every id of project beta: none may appear in anything a viewer scoped to alpha receives. */
export const BETA_ONLY: readonly string[] = [
  TWO.beta,
  TWO.betaModel,
  TWO.betaRun,
  TWO.betaParams,
  TWO.betaPerf,
  TWO.betaDeployment,
  TWO.betaServing,
];

export async function seedTwoProjects(store: Store): Promise<void> {
  const key = (id: string) => id.slice(id.indexOf('/') + 1);
  await commitOps(store, [
    putAsset(content('PROJECT', 'alpha')),
    putAsset(content('PROJECT', 'beta')),
    putAsset(content('DATASET', key(TWO.sharedV1))),
    putAsset(content('DATASET', key(TWO.sharedV2))),
    putAsset(content('FEATURESET', key(TWO.sharedFs))),
    putAsset(content('MODEL', key(TWO.alphaModel), { framework: 'xgboost' })),
    putAsset(content('RUN', key(TWO.alphaRun))),
    putAsset(content('MODEL_PARAMS', key(TWO.alphaParams), { params: { depth: 4 } })),
    putAsset(content('DEV_PERF', key(TWO.alphaPerf), { metrics: { auc: 0.8 } })),
    putAsset(content('MODEL', key(TWO.alphaTuned), { framework: 'xgboost' })),
    putAsset(content('MODEL', key(TWO.betaModel), { framework: 'secret-framework' })),
    putAsset(content('RUN', key(TWO.betaRun))),
    putAsset(content('MODEL_PARAMS', key(TWO.betaParams), { params: { secret: 1 } })),
    putAsset(content('DEV_PERF', key(TWO.betaPerf), { metrics: { auc: 0.9 } })),
    putAsset(content('DEPLOYMENT', key(TWO.betaDeployment))),
    putAsset(content('SERVING_PERF', key(TWO.betaServing))),
    putAsset(content('MODEL', key(TWO.orphanModel))),
    putAsset(content('RUN', key(TWO.orphanRun))),
    putEdge('derived_from', TWO.sharedV2, TWO.sharedV1),
    putEdge('featureset_dataset', TWO.sharedFs, TWO.sharedV2),
    putEdge('project_models', TWO.alpha, TWO.alphaModel),
    putEdge('project_models', TWO.alpha, TWO.alphaTuned),
    putEdge('run_models', TWO.alphaModel, TWO.alphaRun),
    putEdge('run_modelparams', TWO.alphaRun, TWO.alphaParams),
    putEdge('run_devperf', TWO.alphaRun, TWO.alphaPerf),
    putEdge('run_datasets', TWO.alphaRun, TWO.sharedV2),
    putEdge('run_featuresets', TWO.alphaRun, TWO.sharedFs),
    putEdge('derived_from', TWO.alphaTuned, TWO.betaModel),
    putEdge('project_models', TWO.beta, TWO.betaModel),
    putEdge('run_models', TWO.betaModel, TWO.betaRun),
    putEdge('run_modelparams', TWO.betaRun, TWO.betaParams),
    putEdge('run_devperf', TWO.betaRun, TWO.betaPerf),
    putEdge('run_datasets', TWO.betaRun, TWO.sharedV2),
    putEdge('run_featuresets', TWO.betaRun, TWO.sharedFs),
    putEdge('deployment_model', TWO.betaDeployment, TWO.betaModel),
    putEdge('deployment_featureset', TWO.betaDeployment, TWO.sharedFs),
    putEdge('deployment_servingperf', TWO.betaDeployment, TWO.betaServing),
    putEdge('run_models', TWO.orphanModel, TWO.orphanRun),
    putEdge('run_datasets', TWO.orphanRun, TWO.sharedV1),
  ]);
}

/** A token's viewer: scoped to `projects`, or unscoped when none are given. */
export function viewer(role: Role, ...projects: string[]): Viewer {
  return { name: `${role}-${projects.join('+') || 'all'}`, role, projects: projects.length ? new Set(projects) : null, anonymous: false };
}

export const ANONYMOUS_WITHOUT_READS: Viewer = { name: 'anonymous', role: null, projects: null, anonymous: true };
export const ANONYMOUS_READER: Viewer = { name: 'anonymous', role: 'reader', projects: null, anonymous: true };
