import { getNamedType, isEnumType, isInterfaceType, isObjectType, isUnionType, parse, type GraphQLField, type OperationDefinitionNode } from 'graphql';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_LINEAGE_CAPS } from '../../src/domain/lineage.js';
import { costModel, measureOperation } from '../../src/graphql/query-cost.js';
import { buildSchema } from '../../src/graphql/schema.js';
import { loadExtensions } from '../../src/graphql/extensions.js';
import { createTestApi, onlyError, type TestApi } from '../helpers/graphql.js';
import { EXTENDED_CATALOGUE, evaluationCatalogue } from '../helpers/extensions.js';
import { seedTwoProjects, TWO, viewer } from '../helpers/projects.js';

/**
 * A server started with extensions (examples/extensions/): the Evaluation
 * example of docs/extensions.md end to end, and ModelCard, a kind owned
 * through a relation, in-process.
 */

const REGISTER_EVALUATION = `mutation ($input: RegisterEvaluationInput!) {
  registerEvaluation(input: $input) { evaluation { id kind name score split model { id } datasets { id } } }
}`;

let api: TestApi;
afterEach(() => api.close());

async function seedPipeline(): Promise<void> {
  await api.data(`mutation {
    train: registerDataset(input: { key: "train", name: "train" }) { dataset { id } }
    holdout: registerDataset(input: { key: "holdout", name: "holdout" }) { dataset { id } }
    registerModel(input: { key: "m", name: "price" }) { model { id } }
    logRun(input: { runId: "r", model: "models/m", datasets: ["datasets/train"] }) { run { id } }
  }`);
}

const evaluate = (input: Record<string, unknown>) =>
  api.execute(REGISTER_EVALUATION, { input: { key: 'e', name: 'nightly', score: 0.91, split: 'test', model: 'models/m', datasets: ['datasets/holdout'], ...input } });

describe('the Evaluation example', () => {
  beforeEach(async () => {
    api = createTestApi({ catalogue: evaluationCatalogue() });
    await seedPipeline();
  });

  test('registerEvaluation stores the evaluation with its typed fields and relations', async () => {
    expect(await evaluate({})).toEqual({
      data: {
        registerEvaluation: {
          evaluation: {
            id: 'evaluations/e',
            kind: 'EVALUATION',
            name: 'nightly',
            score: 0.91,
            split: 'test',
            model: { id: 'models/m' },
            datasets: [{ id: 'datasets/holdout' }],
          },
        },
      },
    });
  });

  test("a model's downstream contains its evaluations, and an evaluation's upstream the model's whole upstream", async () => {
    await evaluate({});
    const data = await api.data(`{
      model: node(id: "models/m") { ... on Model { evaluations { id } downstream { nodes { asset { id } degree } } } }
      evaluation: node(id: "evaluations/e") { ... on Asset { upstream { nodes { asset { id kind } degree } edges { kind from { id } to { id } } } } }
    }`);
    expect(data).toEqual({
      model: { evaluations: [{ id: 'evaluations/e' }], downstream: { nodes: [{ asset: { id: 'evaluations/e' }, degree: 1 }] } },
      evaluation: {
        upstream: {
          nodes: [
            { asset: { id: 'datasets/holdout', kind: 'DATASET' }, degree: 1 },
            { asset: { id: 'models/m', kind: 'MODEL' }, degree: 1 },
            { asset: { id: 'run/r', kind: 'RUN' }, degree: 2 },
            { asset: { id: 'datasets/train', kind: 'DATASET' }, degree: 3 },
          ],
          edges: expect.arrayContaining([
            { kind: 'evaluation_model', from: { id: 'evaluations/e' }, to: { id: 'models/m' } },
            { kind: 'evaluation_datasets', from: { id: 'evaluations/e' }, to: { id: 'datasets/holdout' } },
            { kind: 'run_models', from: { id: 'models/m' }, to: { id: 'run/r' } },
          ]),
        },
      },
    });
  });

  test('lineage filters and listings take the custom kind; a lineage of any size costs one traverse call', async () => {
    await evaluate({});
    api.store.reset();
    const data = await api.data(`{
      node(id: "datasets/train") { ... on Asset { downstream(kinds: [EVALUATION]) { nodes { asset { id ... on Evaluation { score model { id } } } degree } } } }
    }`);
    expect(data).toEqual({ node: { downstream: { nodes: [{ asset: { id: 'evaluations/e', score: 0.91, model: { id: 'models/m' } }, degree: 3 }] } } });
    expect(api.store.calls.map((call) => call.operation)).toEqual(['getAssets', 'traverse', 'neighbors']);
    const listed = await api.data(`{ assets(kind: EVALUATION) { edges { node { id kind } } } }`);
    expect(listed).toEqual({ assets: { edges: [{ node: { id: 'evaluations/e', kind: 'EVALUATION' } }] } });
  });

  test('custom relation fields batch like built-in ones: a list nested two levels deep costs three store calls, whatever its length', async () => {
    for (let i = 0; i < 20; i++) {
      await api.data(`mutation { registerModel(input: { key: "m${i}", name: "m${i}" }) { model { id } } }`);
      await evaluate({ key: `e${i}`, model: `models/m${i}`, datasets: ['datasets/holdout', 'datasets/train'] });
    }
    api.store.reset();
    const data = await api.data<{ assets: { edges: { node: { model: { evaluations: unknown[] }; datasets: unknown[] } }[] } }>(`{
      assets(kind: EVALUATION, first: 20) { edges { node { ... on Evaluation { datasets { id } model { id evaluations { id score } } } } } }
    }`);
    expect(data.assets.edges).toHaveLength(20);
    expect(data.assets.edges.every(({ node }) => node.datasets.length === 2 && node.model.evaluations.length === 1)).toBe(true);
    expect(api.store.calls).toEqual([
      { operation: 'listAssets', batch: 1 },
      { operation: 'neighbors', batch: 40 },
      { operation: 'neighbors', batch: 20 },
    ]);
  });

  test('a retry with the same key and content answers the same evaluation; other content is a CONFLICT naming input.key', async () => {
    await evaluate({});
    expect((await evaluate({})).errors).toBeUndefined();
    expect(onlyError(await evaluate({ score: 0.5 }))).toMatchObject({ extensions: { code: 'CONFLICT', field: 'input.key' } });
  });

  test('relation ids are checked against the kinds the relation joins; bounds hold as for every mutation', async () => {
    api.store.reset();
    expect(onlyError(await evaluate({ model: 'datasets/train' }))).toMatchObject({
      message: expect.stringContaining('expected the id of a models asset'),
      extensions: { code: 'BAD_USER_INPUT', field: 'input.model' },
    });
    expect(onlyError(await evaluate({ split: 'x'.repeat(5000) }))).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.split' } });
    const many = Array.from({ length: 1001 }, (_, i) => `datasets/d${i}`);
    expect(onlyError(await evaluate({ datasets: many }))).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.datasets' } });
    expect(onlyError(await evaluate({ datasets: ['datasets/holdout', 'datasets/holdout'] }))).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.datasets.1' },
    });
    expect(api.store.count('commit')).toBe(0);
    expect(onlyError(await evaluate({ model: 'models/missing' }))).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'input.model' } });
    expect(await api.store.getAssets(['evaluations/e'])).toEqual([null]);
  });

  test('linkAssets and unlinkAssets link any relation of the catalogue, custom or built-in, checked at both ends', async () => {
    await evaluate({ datasets: [] });
    const link = `mutation ($input: LinkAssetsInput!) { linkAssets(input: $input) { relation from { id } to { id } } }`;
    const unlink = `mutation ($input: LinkAssetsInput!) { unlinkAssets(input: $input) { relation from { id } to { id } } }`;
    const input = { relation: 'evaluation_datasets', from: 'evaluations/e', to: 'datasets/train' };
    expect(await api.data(link, { input })).toEqual({
      linkAssets: { relation: 'evaluation_datasets', from: { id: 'evaluations/e' }, to: { id: 'datasets/train' } },
    });
    expect(await api.data(link, { input: { relation: 'run_datasets', from: 'run/r', to: 'datasets/holdout' } })).toMatchObject({
      linkAssets: { relation: 'run_datasets' },
    });
    const datasets = async () => api.data(`{ node(id: "evaluations/e") { ... on Evaluation { datasets { id } } } }`);
    expect(await datasets()).toEqual({ node: { datasets: [{ id: 'datasets/train' }] } });

    expect(onlyError(await api.execute(link, { input: { relation: 'evaluation_model', from: 'models/m', to: 'models/m2' } }))).toMatchObject({
      message: 'input.from: expected the id of an evaluations asset such as "evaluations/eval-0042", received "models/m" (a models asset)',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.from' },
    });
    expect(onlyError(await api.execute(link, { input: { ...input, to: 'models/m' } }))).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.to' },
    });
    expect(onlyError(await api.execute(link, { input: { ...input, relation: 'evaluation_everything' } }))).toMatchObject({
      message: expect.stringContaining('expected a relation of the catalogue'),
      extensions: { code: 'BAD_USER_INPUT', field: 'input.relation' },
    });

    expect(await api.data(unlink, { input })).toEqual({
      unlinkAssets: { relation: 'evaluation_datasets', from: { id: 'evaluations/e' }, to: { id: 'datasets/train' } },
    });
    expect(await datasets()).toEqual({ node: { datasets: [] } });
    expect(onlyError(await api.execute(unlink, { input }))).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'input.to' } });
  });

  test('linkAssets and unlinkAssets name the missing end, from or to, for custom and built-in relations', async () => {
    await evaluate({ datasets: [] });
    const link = `mutation ($input: LinkAssetsInput!) { linkAssets(input: $input) { relation } }`;
    const unlink = `mutation ($input: LinkAssetsInput!) { unlinkAssets(input: $input) { relation } }`;
    const cases = [
      [{ relation: 'evaluation_datasets', from: 'evaluations/none', to: 'datasets/train' }, 'input.from', 'evaluations/none'],
      [{ relation: 'evaluation_datasets', from: 'evaluations/e', to: 'datasets/none' }, 'input.to', 'datasets/none'],
      [{ relation: 'run_datasets', from: 'run/none', to: 'datasets/train' }, 'input.from', 'run/none'],
    ] as const;
    for (const [input, field, id] of cases) {
      expect(onlyError(await api.execute(link, { input }))).toMatchObject({
        message: `${field}: no asset with id "${id}"`,
        extensions: { code: 'NOT_FOUND', field },
      });
    }
    expect(onlyError(await api.execute(unlink, { input: cases[0][0] }))).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'input.from' } });
    expect(onlyError(await api.execute(unlink, { input: cases[2][0] }))).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'input.from' } });
    expect(onlyError(await api.execute(unlink, { input: cases[1][0] }))).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'input.to' } });
  });

  test('_entities resolves evaluations in one getAssets call, and an id of another type to null', async () => {
    await evaluate({});
    api.store.reset();
    const data = await api.data(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Evaluation { id score } } }`,
      { r: [{ __typename: 'Evaluation', id: 'evaluations/e' }, { __typename: 'Evaluation', id: 'models/m' }, { __typename: 'Asset', id: 'evaluations/e' }] },
    );
    expect(data).toEqual({ _entities: [{ id: 'evaluations/e', score: 0.91 }, null, { id: 'evaluations/e', score: 0.91 }] });
    expect(api.store.calls).toEqual([{ operation: 'getAssets', batch: 2 }]);
  });
});

describe('the extended schema', () => {
  const schema = buildSchema(evaluationCatalogue());

  test('each custom type has every field of Asset, with its arguments, as the built-in types do', () => {
    const asset = schema.getType('Asset');
    const evaluation = schema.getType('Evaluation');
    const model = schema.getType('Model');
    if (!isInterfaceType(asset) || !isObjectType(evaluation) || !isObjectType(model)) throw new Error('missing types');
    const shape = (field: GraphQLField<unknown, unknown> | undefined) =>
      field && { type: String(field.type), args: field.args.map((arg) => `${arg.name}: ${String(arg.type)}`), description: field.description };
    for (const [name, field] of Object.entries(asset.getFields())) {
      expect(shape(evaluation.getFields()[name]), name).toEqual(shape(field));
    }
    expect(evaluation.getInterfaces().map(String)).toEqual(['Node', 'Asset']);
    expect(evaluation.description).toBe('A model evaluated on held-out data.');
    expect(Object.keys(evaluation.getFields()).slice(-4)).toEqual(['score', 'split', 'model', 'datasets']);
    expect(String(model.getFields()['evaluations']?.type)).toBe('[Evaluation!]!');
  });

  test('a payload field is its type in lowerCamelCase, a leading acronym lower-cased whole', () => {
    const text = `type MLReview @kind(collection: "ml_reviews") { a: Int }\ntype ModelCard2 @kind(collection: "cards") { a: Int }`;
    const extended = buildSchema(loadExtensions([{ name: 'ext.graphql', text }]));
    const fields = (name: string) => {
      const type = extended.getType(name);
      return type && 'getFields' in type ? Object.keys(type.getFields()) : [];
    };
    expect(fields('RegisterMLReviewPayload')).toEqual(['mlReview']);
    expect(fields('RegisterModelCard2Payload')).toEqual(['modelCard2']);
  });

  test('AssetKind gains EVALUATION; Mutation gains registerEvaluation; _Entity gains Evaluation', () => {
    const kind = schema.getType('AssetKind');
    const entity = schema.getType('_Entity');
    if (!isEnumType(kind) || !isUnionType(entity)) throw new Error('missing types');
    expect(kind.getValues().map((value) => value.name).at(-1)).toBe('EVALUATION');
    expect(entity.getTypes().map(String)).toContain('Evaluation');
    const register = schema.getMutationType()?.getFields()['registerEvaluation'];
    expect(register && `${register.args.map((a) => `${a.name}: ${String(a.type)}`).join()} → ${String(register.type)}`).toBe(
      'input: RegisterEvaluationInput! → RegisterEvaluationPayload!',
    );
    const input = schema.getType('RegisterEvaluationInput');
    if (!input || !('getFields' in input)) throw new Error('missing input');
    expect(Object.entries(input.getFields()).map(([name, field]) => `${name}: ${String(getNamedType(field.type))}${String(field.type).endsWith('!') ? '!' : ''}`)).toEqual([
      'key: String',
      'name: String!',
      'version: String',
      'tag: String',
      'properties: JSON',
      'score: Float',
      'split: String',
      'model: ID',
      'datasets: ID',
    ]);
  });

  test('query cost counts a custom type as any asset type: an evaluation’s lineage costs what a model’s does', () => {
    const measure = (source: string) => {
      const document = parse(source);
      return measureOperation(schema, document, document.definitions[0] as OperationDefinitionNode, {}, costModel(DEFAULT_LINEAGE_CAPS));
    };
    const ofType = (type: string) => measure(`{ node(id: "x") { ... on ${type} { upstream { nodes { asset { id } } } derivatives { id } } } }`);
    expect(ofType('Evaluation')).toEqual(ofType('Model'));
    expect(measure(`{ node(id: "x") { ... on Evaluation { datasets { id name } } } }`).cost).toBeGreaterThan(
      measure(`{ node(id: "x") { ... on Evaluation { model { id name } } } }`).cost,
    );
  });
});

describe('a kind owned through a relation (ModelCard), for tokens scoped to projects', () => {
  const REGISTER_CARD = `mutation ($input: RegisterModelCardInput!) {
    registerModelCard(input: $input) { modelCard { id risk reviewedAt limitations model { id } } }
  }`;

  beforeEach(async () => {
    api = createTestApi({ catalogue: EXTENDED_CATALOGUE, viewer: viewer('writer', TWO.alpha) });
    await seedTwoProjects(api.store);
    api.store.reset();
  });

  test('registers a card of its own project’s model, typed fields as declared (enum, instant, list)', async () => {
    const result = await api.execute(REGISTER_CARD, {
      input: { key: 'c', name: 'card', risk: 'HIGH', reviewedAt: '2026-01-02T10:00:00+02:00', limitations: ['tabular only'], model: TWO.alphaModel },
    });
    expect(result).toEqual({
      data: {
        registerModelCard: {
          modelCard: { id: 'model_cards/c', risk: 'HIGH', reviewedAt: '2026-01-02T08:00:00.000Z', limitations: ['tabular only'], model: { id: TWO.alphaModel } },
        },
      },
    });
    expect(await api.store.owners(['model_cards/c'])).toEqual([[TWO.alpha]]);
  });

  test('refuses a card of another project’s model, and one with no model: the card would belong elsewhere or nowhere', async () => {
    const other = await api.execute(REGISTER_CARD, { input: { key: 'c', name: 'card', model: TWO.betaModel } });
    expect(onlyError(other)).toMatchObject({ extensions: { code: 'FORBIDDEN', field: 'input.model' } });
    const none = await api.execute(REGISTER_CARD, { input: { key: 'c', name: 'card' } });
    expect(onlyError(none)).toMatchObject({ extensions: { code: 'FORBIDDEN', field: 'input.model' } });
    expect(api.store.count('commit')).toBe(0);
  });

  test('another project’s card is FORBIDDEN to read, and left out of lists and lineages', async () => {
    await api.data(REGISTER_CARD, { input: { key: 'beta-card', name: 'card', model: TWO.betaModel } }, viewer('writer'));
    expect(onlyError(await api.execute(`{ node(id: "model_cards/beta-card") { id } }`))).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await api.data(`{ assets(kind: MODEL_CARD) { edges { node { id } } } }`)).toEqual({ assets: { edges: [] } });
    expect(await api.data(`{ assets(kind: MODEL_CARD) { edges { node { id } } } }`, undefined, viewer('reader', TWO.beta))).toEqual({
      assets: { edges: [{ node: { id: 'model_cards/beta-card' } }] },
    });
  });

  test('linkAssets of an ownership relation needs what registering needs: both ends writable', async () => {
    await api.data(REGISTER_CARD, { input: { key: 'c', name: 'card', model: TWO.alphaModel } });
    api.store.reset();
    const link = `mutation ($input: LinkAssetsInput!) { linkAssets(input: $input) { relation } }`;
    const intoBeta = await api.execute(link, { input: { relation: 'model_card_model', from: 'model_cards/c', to: TWO.betaModel } });
    expect(onlyError(intoBeta)).toMatchObject({ extensions: { code: 'FORBIDDEN', field: 'input.to' } });
    const adopt = await api.execute(link, { input: { relation: 'project_models', from: TWO.alpha, to: TWO.orphanModel } });
    expect(onlyError(adopt)).toMatchObject({ extensions: { code: 'FORBIDDEN', field: 'input.to' } });
    expect(api.store.count('commit')).toBe(0);
    const own = await api.execute(link, { input: { relation: 'project_models', from: TWO.alpha, to: TWO.alphaModel } });
    expect(own.errors).toBeUndefined();
  });
});
