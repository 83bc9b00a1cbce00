import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/graphql.js';
import { evaluationCatalogue } from '../helpers/extensions.js';

/**
 * Custom kinds (examples/extensions/evaluation.graphql) in the change log
 * and read as of an instant: what extensions declare is recorded, audited
 * and time-travelled like the built-in kinds.
 */

let api: TestApi;
afterEach(() => api.close());

interface ChangeNode {
  sequence: string;
  at: string;
  operation: string;
  assetId: string;
  kind: string;
  relation: string | null;
  from: string | null;
  to: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: string;
}

async function changesOf(id: string): Promise<ChangeNode[]> {
  const data = await api.data<{ changes: { edges: { node: ChangeNode }[] } }>(
    `query ($id: ID!) { changes(filter: { assets: [$id] }, first: 100) {
      edges { node { sequence at operation assetId kind relation from to before after source } } } }`,
    { id },
  );
  return data.changes.edges.map((edge) => edge.node);
}

beforeEach(async () => {
  // A clock a second ahead at every reading, so every unit of work has an instant of its own.
  let tick = Date.parse('2026-03-01T00:00:00.000Z');
  api = createTestApi({ catalogue: evaluationCatalogue(), now: () => new Date((tick += 1000)) });
  await api.data(`mutation {
    registerDataset(input: { key: "holdout", name: "holdout" }) { dataset { id } }
    registerModel(input: { key: "m", name: "price" }) { model { id } }
  }`);
  await api.data(`mutation {
    registerEvaluation(input: { key: "e", name: "nightly", score: 0.91, split: "test", model: "models/m", datasets: ["datasets/holdout"] }) {
      evaluation { id }
    }
  }`);
});

describe('custom kinds in the change log', () => {
  test('registering an evaluation logs its CREATE with its typed fields, and a LINK per relation, by the mutation', async () => {
    const changes = await changesOf('evaluations/e');
    expect(changes.map(({ operation, kind, relation, from, to, source }) => ({ operation, kind, relation, from, to, source }))).toEqual([
      { operation: 'CREATE', kind: 'EVALUATION', relation: null, from: null, to: null, source: 'registerEvaluation' },
      { operation: 'LINK', kind: 'EVALUATION', relation: 'evaluation_model', from: 'evaluations/e', to: 'models/m', source: 'registerEvaluation' },
      { operation: 'LINK', kind: 'EVALUATION', relation: 'evaluation_datasets', from: 'evaluations/e', to: 'datasets/holdout', source: 'registerEvaluation' },
    ]);
    expect(changes[0]?.after).toMatchObject({ name: 'nightly', score: 0.91, split: 'test' });
  });

  test('an update and an unlink are logged, and the evaluation and the model’s downstream read as they stood before them', async () => {
    const [created] = await changesOf('evaluations/e');
    await api.data(`mutation { updateAsset(input: { id: "evaluations/e", tag: "retired" }) { asset { id } } }`);
    await api.data(`mutation {
      unlinkAssets(input: { relation: "evaluation_model", from: "evaluations/e", to: "models/m" }) { relation }
    }`);
    const changes = await changesOf('evaluations/e');
    expect(changes.slice(3).map(({ operation, relation, before, after }) => ({ operation, relation, tag: (after ?? before)?.['tag'] ?? null }))).toEqual([
      { operation: 'UPDATE', relation: null, tag: 'retired' },
      { operation: 'UNLINK', relation: 'evaluation_model', tag: null },
    ]);
    expect(changes[3]?.before).toMatchObject({ tag: null, score: 0.91 });

    const READ = `query ($at: DateTime) {
      evaluation: node(id: "evaluations/e", asOf: $at) { ... on Evaluation { tag score model { id } } }
      model: node(id: "models/m", asOf: $at) { ... on Model { downstream { nodes { asset { id } } } } }
    }`;
    const at = (instant: string | undefined) => api.data(READ, { at: instant });
    const before = new Date(Date.parse(created!.at) - 1).toISOString();
    expect(await at(before)).toEqual({ evaluation: null, model: { downstream: { nodes: [] } } });
    expect(await at(changes[2]?.at)).toEqual({
      evaluation: { tag: null, score: 0.91, model: { id: 'models/m' } },
      model: { downstream: { nodes: [{ asset: { id: 'evaluations/e' } }] } },
    });
    expect(await at(changes[3]?.at)).toEqual({
      evaluation: { tag: 'retired', score: 0.91, model: { id: 'models/m' } },
      model: { downstream: { nodes: [{ asset: { id: 'evaluations/e' } }] } },
    });
    expect(await at(undefined)).toEqual({
      evaluation: { tag: 'retired', score: 0.91, model: null },
      model: { downstream: { nodes: [] } },
    });
  });
});
