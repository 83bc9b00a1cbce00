import type { AssetContent, AssetKind } from '../../src/domain/kinds.js';
import type { EdgeRecord, RelationName } from '../../src/domain/relations.js';
import type { BulkBatch } from '../../src/store/store.js';
import * as make from './assets.js';
import { createRandom, type Random } from './random.js';
import { downstreamClosure } from './reach.js';

/**
 * The benchmark graph: ML metadata as a platform of a thousand teams records
 * it, generated deterministically from a seed and streamed in chunks of
 * whole projects, so a chunk's relations only refer to assets of that chunk
 * or of an earlier one (the first chunk holds the public corpora).
 *
 * - 20 public corpora, each a chain of 10 dataset versions; about 40% of the
 *   projects' data sources derive from one, half of those from corpus 0, so
 *   `datasets/corpus-00-v01` has hundreds of thousands of assets downstream
 *   on the 1M graph (W3).
 * - The flagship project: a fine-tune chain of 70 models over 14 data sources
 *   of 34 versions and 8 featureset families of 30 versions: its newest
 *   model has about 900 assets upstream, 70 levels deep (W1). The two
 *   newest versions of each source, and its deployments' serving weeks,
 *   carry feature statistics in the drift format; the last four weeks
 *   drifted (W10).
 * - Project p00001 holds a hyperparameter sweep of 150 models (W2).
 * - Every other project: 1–4 data source chains (some 50+ versions), their
 *   featuresets, model families that are either fine-tune chains (some 50+
 *   deep) or sweeps of 50–400 models sharing one dataset version (thousands
 *   of assets wide), runs with params and dev performance, and deployments
 *   with weekly serving performance for up to a year.
 */
export interface GraphSpec {
  /** Assets to generate; the last project may overshoot by a few hundred. */
  assets: number;
  seed: number;
  /** A chunk is emitted once it holds this many assets (whole projects). */
  chunkAssets: number;
}

/** The ids the workloads start from. */
export interface Probes {
  /** W1: the newest model of the flagship fine-tune chain. */
  deepModel: string;
  /** W3: the first version of public corpus 0. */
  rootDataset: string;
  /** W2: a project with more than 100 models. */
  pageProject: string;
  /** W10: a flagship deployment whose model's completed run trained on datasets with feature statistics (with seed 42). */
  driftDeployment: string;
  /** W4: models spread over the whole graph. */
  pointIds: string[];
  /** W5: what a new run of an existing model refers to, in projects no read workload reaches. */
  runInputs: RunInput[];
}

export interface RunInput {
  model: string;
  datasets: string[];
  featuresets: string[];
}

export interface GraphSummary {
  assets: number;
  edges: number;
  projects: number;
  byKind: Record<AssetKind, number>;
  /** Assets downstream of `probes.rootDataset`, counted while generating. */
  rootReach: number;
  probes: Probes;
}

const CORPORA = 20;
const CORPUS_VERSIONS = 10;
const POINT_IDS = 1000;
const RUN_INPUTS = 200;

export function* generateGraph(spec: GraphSpec): Generator<BulkBatch, GraphSummary, void> {
  const r = createRandom(spec.seed);
  const summary = emptySummary();
  let chunk: ProjectGraph = new ProjectGraph();
  const pointEvery = Math.max(1, Math.floor(spec.assets / 8 / POINT_IDS));
  let modelsSeen = 0;

  const add = (graph: ProjectGraph) => {
    for (const asset of graph.assets) chunk.assets.push(asset);
    for (const edge of graph.edges) chunk.edges.push(edge);
    summary.assets += graph.assets.length;
    summary.edges += graph.edges.length;
    for (const asset of graph.assets) {
      summary.byKind[asset.kind] += 1;
      if (asset.kind === 'MODEL' && modelsSeen++ % pointEvery === 0 && summary.probes.pointIds.length < POINT_IDS) {
        summary.probes.pointIds.push(asset.id);
      }
    }
    if (graph.runInput && summary.probes.runInputs.length < RUN_INPUTS) summary.probes.runInputs.push(graph.runInput);
    summary.rootReach += graph.rootReach;
  };

  const corpora = publicCorpora(r);
  add(corpora);
  add(flagship(r));
  let index = 1;
  while (summary.assets < spec.assets) {
    const budget = Math.min(spec.assets - summary.assets, Math.round(150 * Math.exp(r.next() * 3)));
    add(teamProject(r, index, budget, index === 1));
    summary.projects += 1;
    index += 1;
    if (chunk.assets.length >= spec.chunkAssets) {
      yield chunk.batch();
      chunk = new ProjectGraph();
    }
  }
  if (chunk.assets.length > 0) yield chunk.batch();
  return summary;
}

function emptySummary(): GraphSummary {
  return {
    assets: 0,
    edges: 0,
    projects: 1,
    byKind: {
      PROJECT: 0, DATASET: 0, FEATURESET: 0, MODEL: 0, RUN: 0,
      MODEL_PARAMS: 0, DEV_PERF: 0, DEPLOYMENT: 0, SERVING_PERF: 0,
    },
    rootReach: 0,
    probes: {
      deepModel: 'models/flagship-llm-v070',
      driftDeployment: 'deployment/flagship-llm-prod-66',
      rootDataset: corpusId(0, 1),
      pageProject: 'project/p00001',
      pointIds: [],
      runInputs: [],
    },
  };
}

/** The assets and relations of one project, and what it adds to the probes. */
class ProjectGraph {
  readonly assets: AssetContent[] = [];
  readonly edges: EdgeRecord[] = [];
  runInput: RunInput | null = null;
  rootReach = 0;

  add<T extends AssetContent>(content: T): string {
    this.assets.push(content);
    return content.id;
  }

  link(relation: RelationName, from: string, to: string): void {
    this.edges.push({ relation, from, to });
  }

  batch(): BulkBatch {
    return { assets: this.assets, edges: this.edges };
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const corpusId = (corpus: number, version: number) => `datasets/corpus-${pad(corpus, 2)}-v${pad(version, 2)}`;

function publicCorpora(r: Random): ProjectGraph {
  const g = new ProjectGraph();
  for (let c = 0; c < CORPORA; c++) {
    for (let v = 1; v <= CORPUS_VERSIONS; v++) {
      const key = `corpus-${pad(c, 2)}-v${pad(v, 2)}`;
      g.add(make.dataset(r, key, `corpus-${pad(c, 2)}`, v, v * 30));
      if (v > 1) g.link('derived_from', corpusId(c, v), corpusId(c, v - 1));
    }
  }
  g.rootReach = CORPUS_VERSIONS - 1;
  return g;
}

/** A data source: a chain of dataset versions, newest derived from the one before. */
function sourceChain(r: Random, g: ProjectGraph, name: string, versions: number, day: number, features = false): string[] {
  const ids: string[] = [];
  for (let v = 1; v <= versions; v++) {
    const id = g.add(make.dataset(r, `${name}-v${pad(v, 3)}`, name, v, day + v * 7, features && v >= versions - 1));
    const previous = ids.at(-1);
    if (previous) g.link('derived_from', id, previous);
    ids.push(id);
  }
  return ids;
}

/** A featureset family: version j is built from `datasets[j]` and derived from version j - 1. */
function featuresetFamily(r: Random, g: ProjectGraph, name: string, datasets: readonly string[]): string[] {
  const ids: string[] = [];
  datasets.forEach((dataset, j) => {
    const id = g.add(make.featureset(r, `${name}-v${pad(j + 1, 3)}`, name, j + 1));
    g.link('featureset_dataset', id, dataset);
    const previous = ids.at(-1);
    if (previous) g.link('derived_from', id, previous);
    ids.push(id);
  });
  return ids;
}

interface Trained {
  model: string;
  params: string;
}

/** A model, the run that produced it, the run's params and dev performance, and its inputs. */
function trainModel(
  r: Random,
  g: ProjectGraph,
  name: string,
  version: number,
  day: number,
  inputs: { datasets: readonly string[]; featuresets: readonly string[]; base: string | null; project: string },
): Trained {
  const key = `${name}-v${pad(version, 3)}`;
  const model = g.add(make.model(r, key, name, version));
  g.link('project_models', inputs.project, model);
  if (inputs.base) g.link('derived_from', model, inputs.base);
  let params = '';
  const runs = r.chance(0.1) ? 2 : 1;
  for (let i = 1; i <= runs; i++) {
    const runKey = `${key}-r${i}`;
    const run = g.add(make.run(r, runKey, day + i));
    params = g.add(make.modelParams(r, runKey));
    const perf = g.add(make.devPerf(r, runKey, day + i + 0.5));
    g.link('run_models', model, run);
    g.link('run_modelparams', run, params);
    g.link('run_devperf', run, perf);
    for (const dataset of inputs.datasets) g.link('run_datasets', run, dataset);
    for (const featureset of inputs.featuresets) g.link('run_featuresets', run, featureset);
  }
  return { model, params };
}

/** A deployment of a model with weekly serving performance. */
function deploy(r: Random, g: ProjectGraph, name: string, trained: Trained, featureset: string | null, day: number, weeks: number, statistics = false) {
  const deployment = g.add(make.deployment(r, name, name, 1));
  g.link('deployment_model', deployment, trained.model);
  g.link('deployment_modelparams', deployment, trained.params);
  if (featureset) g.link('deployment_featureset', deployment, featureset);
  for (let w = 0; w < weeks; w++) {
    // With statistics, the last four weeks have drifted.
    const shift = statistics ? (w >= weeks - 4 ? 2 : 0) : null;
    const perf = g.add(make.servingPerf(r, `${name}-w${pad(w, 3)}`, day + w * 7, shift));
    g.link('deployment_servingperf', deployment, perf);
  }
}

function flagship(r: Random): ProjectGraph {
  const g = new ProjectGraph();
  const project = g.add(make.project(r, 'flagship'));
  const sources = Array.from({ length: 14 }, (_, s) => sourceChain(r, g, `flagship-src${pad(s, 2)}`, 34, 0, true));
  const families = Array.from({ length: 8 }, (_, f) =>
    featuresetFamily(r, g, `flagship-fs${f}`, (sources[f] ?? []).slice(0, 30)),
  );
  const at = <T>(list: readonly T[] | undefined, i: number): T => list?.[Math.min(i, list.length - 1)] as T;
  let base: string | null = null;
  let last: Trained | null = null;
  for (let i = 0; i < 70; i++) {
    const v = Math.floor((i * 34) / 70);
    const f = Math.floor((i * 30) / 70);
    last = trainModel(r, g, 'flagship-llm', i + 1, 10 + i * 3, {
      datasets: [at(sources[i % 14], v), at(sources[(i + 5) % 14], v), at(sources[(i + 9) % 14], v)],
      featuresets: [at(families[i % 8], f), at(families[(i + 3) % 8], f)],
      base,
      project,
    });
    base = last.model;
    if (i >= 60 && i % 2 === 0) deploy(r, g, `flagship-llm-prod-${i}`, last, at(families[i % 8], f), 10 + i * 3, 26, true);
  }
  return g;
}

function teamProject(r: Random, index: number, budget: number, withPageSweep: boolean): ProjectGraph {
  const g = new ProjectGraph();
  const key = `p${pad(index, 5)}`;
  const project = g.add(make.project(r, key));
  const start = r.int(0, 600);
  const rootSeeds: string[] = [];
  let linkedToCorpora = false;

  const sources = Array.from({ length: r.int(1, 4) }, (_, s) => {
    const versions = r.chance(0.04) ? r.int(50, 70) : r.int(1, 8);
    const chain = sourceChain(r, g, `${key}-src${s}`, versions, start);
    const first = chain[0];
    if (first && r.chance(0.4)) {
      const corpus = r.chance(0.5) ? 0 : r.int(1, CORPORA - 1);
      g.link('derived_from', first, corpusId(corpus, r.int(1, CORPUS_VERSIONS)));
      if (corpus === 0) rootSeeds.push(first);
      linkedToCorpora = true;
    }
    return chain;
  });
  const families = sources.flatMap((chain, s) =>
    Array.from({ length: r.int(0, 2) }, (_, f) =>
      featuresetFamily(r, g, `${key}-src${s}-fs${f}`, chain.filter((_, v) => v % 2 === 0)),
    ),
  );
  const latest = <T>(list: readonly T[] | undefined): T[] => (list && list.length > 0 ? [list.at(-1) as T] : []);

  for (let family = 0; g.assets.length < budget || (withPageSweep && family === 0); family++) {
    const chain = r.pick(sources);
    const features = families.length > 0 ? r.pick(families) : undefined;
    const name = `${key}-m${family}`;
    const day = start + r.int(0, 300);
    if (withPageSweep && family === 0 ? true : r.chance(0.06)) {
      // A hyperparameter sweep: many models trained on the same inputs.
      const size = withPageSweep && family === 0 ? 150 : r.int(50, 400);
      const inputs = { datasets: latest(chain), featuresets: latest(features), base: null, project };
      let best: Trained | null = null;
      for (let m = 1; m <= size; m++) best = trainModel(r, g, name, m, day + m * 0.05, inputs);
      if (best && r.chance(0.5)) deploy(r, g, `${name}-prod`, best, latest(features)[0] ?? null, day + 20, r.int(4, 52));
    } else {
      // A fine-tune chain: each model derived from the one before, on ever newer data.
      const length = r.chance(0.08) ? r.int(50, 65) : r.int(1, 6);
      let trained: Trained | null = null;
      for (let m = 1; m <= length; m++) {
        const v = Math.floor(((m - 1) * chain.length) / length);
        const f = features ? Math.floor(((m - 1) * features.length) / length) : -1;
        trained = trainModel(r, g, name, m, day + m * 3, {
          datasets: chain.slice(v, v + 1),
          featuresets: features && f >= 0 ? features.slice(f, f + 1) : [],
          base: trained?.model ?? null,
          project,
        });
      }
      if (trained && r.chance(0.5)) deploy(r, g, `${name}-prod`, trained, latest(features)[0] ?? null, day + 30, r.int(4, 52));
    }
  }

  // W5's runs go to projects no read workload looks at (none downstream of
  // corpus 0, not the W2 page), so a reused database reads the same after W5.
  const firstModel = g.assets.find((a) => a.kind === 'MODEL');
  if (firstModel && families.length > 0 && !withPageSweep && !linkedToCorpora) {
    g.runInput = { model: firstModel.id, datasets: latest(sources[0]), featuresets: latest(families[0]) };
  }
  g.rootReach = rootSeeds.length > 0 ? downstreamClosure(g.edges, rootSeeds).size : 0;
  return g;
}
