import { describe, expect, it } from 'vitest';
import type { RelationName } from '../../src/domain/relations.js';
import { makeListQuery, type Store } from '../../src/store/store.js';
import { commitOps, content, putAsset, putEdge, rejection, traverseRequest } from '../helpers/assets.js';
import { customContent, EXTENDED_CATALOGUE as CAT, kindOf } from '../helpers/extensions.js';

/**
 * Custom kinds and relations (examples/extensions/), stored by the engine
 * beside the built-in ones: typed fields kept as declared, relations
 * checked against the kinds at their ends, lineage through them, ownership
 * through an owner relation, and relations removed. Every engine runs the
 * contract with this catalogue.
 */
const EVALUATION = kindOf(CAT, 'Evaluation');
const MODEL_CARD = kindOf(CAT, 'ModelCard');
const rel = (name: string): RelationName => {
  if (!CAT.isRelationName(name)) throw new Error(`no relation ${name}`);
  return name;
};
const evaluationModel = rel('evaluation_model');
const evaluationDatasets = rel('evaluation_datasets');
const modelCardModel = rel('model_card_model');

/** A project's model, trained by a run on a dataset, evaluated on another dataset, with a card. */
async function seedEvaluated(store: Store): Promise<void> {
  await commitOps(store, [
    putAsset(content('PROJECT', 'p')),
    putAsset(content('DATASET', 'train')),
    putAsset(content('DATASET', 'holdout')),
    putAsset(content('MODEL', 'm')),
    putAsset(content('RUN', 'r')),
    putAsset(customContent(CAT, 'Evaluation', 'e', { score: 0.91, split: 'test' })),
    putAsset(customContent(CAT, 'ModelCard', 'c', { risk: 'LOW', reviewedAt: '2026-01-02T00:00:00.000Z', limitations: ['tabular only'] })),
    putEdge('project_models', 'project/p', 'models/m'),
    putEdge('run_models', 'models/m', 'run/r'),
    putEdge('run_datasets', 'run/r', 'datasets/train'),
    putEdge(evaluationModel, 'evaluations/e', 'models/m'),
    putEdge(evaluationDatasets, 'evaluations/e', 'datasets/holdout'),
    putEdge(modelCardModel, 'model_cards/c', 'models/m'),
  ]);
}

export function extensionsContract(store: () => Store): void {
  describe('custom kinds and relations', () => {
    it('stores a custom kind’s typed fields and answers them as written, absent ones left out', async () => {
      await seedEvaluated(store());
      const [evaluation, card] = await store().getAssets(['evaluations/e', 'model_cards/c']);
      expect(evaluation).toMatchObject({ kind: EVALUATION, id: 'evaluations/e', key: 'e', fields: { score: 0.91, split: 'test' }, properties: {} });
      expect(card).toMatchObject({
        kind: MODEL_CARD,
        fields: { risk: 'LOW', reviewedAt: '2026-01-02T00:00:00.000Z', limitations: ['tabular only'] },
      });
      expect(card && 'fields' in card ? Object.keys(card.fields).sort() : []).toEqual(['limitations', 'reviewedAt', 'risk']);
    });

    it('lists a custom kind, and reads its relations in both directions', async () => {
      await seedEvaluated(store());
      const page = await store().listAssets(makeListQuery({ kind: EVALUATION }));
      expect(page.assets.map((a) => a.id)).toEqual(['evaluations/e']);
      const [models, evaluations] = await store().neighbors([
        { id: 'evaluations/e', relation: evaluationModel, direction: 'OUT', asOf: null },
        { id: 'models/m', relation: evaluationModel, direction: 'IN', asOf: null },
      ]);
      expect(models?.map((a) => a.id)).toEqual(['models/m']);
      expect(evaluations?.map((a) => a.id)).toEqual(['evaluations/e']);
    });

    it('refuses a custom relation between kinds it does not join, writing nothing', async () => {
      await seedEvaluated(store());
      const error = await rejection(() => commitOps(store(), [putEdge(evaluationModel, 'evaluations/e', 'datasets/train', ['model'])]));
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: ['model'] });
      const [models] = await store().neighbors([{ id: 'evaluations/e', relation: evaluationModel, direction: 'OUT', asOf: null }]);
      expect(models?.map((a) => a.id)).toEqual(['models/m']);
    });

    it('follows custom relations in lineage: a model’s downstream holds its evaluation, the evaluation’s upstream the model’s whole upstream', async () => {
      await seedEvaluated(store());
      const [down, up] = await store().traverse([
        traverseRequest('models/m', { direction: 'DOWNSTREAM' }),
        traverseRequest('evaluations/e', { direction: 'UPSTREAM' }),
      ]);
      expect(down?.nodes.map((n) => [n.asset.id, n.degree])).toEqual(expect.arrayContaining([['evaluations/e', 1], ['model_cards/c', 1]]));
      expect(new Map(up?.nodes.map((n) => [n.asset.id, n.degree]))).toEqual(
        new Map([
          ['models/m', 1],
          ['datasets/holdout', 1],
          ['run/r', 2],
          ['datasets/train', 3],
        ]),
      );
      expect(up?.edges).toContainEqual({ relation: evaluationModel, from: 'evaluations/e', to: 'models/m' });
    });

    it('filters a lineage by a custom kind, passing through the others', async () => {
      await seedEvaluated(store());
      const [down] = await store().traverse([traverseRequest('datasets/train', { direction: 'DOWNSTREAM', kinds: [EVALUATION] })]);
      expect(down?.nodes.map((n) => [n.asset.id, n.degree])).toEqual([['evaluations/e', 3]]);
    });

    it('finds the owners of a custom kind through its owner relation; a kind without one is shared', async () => {
      await seedEvaluated(store());
      expect(await store().owners(['model_cards/c', 'evaluations/e'])).toEqual([['project/p'], []]);
    });

    it('removes a custom relation and keeps its ends; NOT_FOUND when there is none', async () => {
      await seedEvaluated(store());
      await commitOps(store(), [{ type: 'removeEdge', edge: { relation: evaluationModel, from: 'evaluations/e', to: 'models/m' }, field: ['to'] }]);
      const [models] = await store().neighbors([{ id: 'evaluations/e', relation: evaluationModel, direction: 'OUT', asOf: null }]);
      expect(models).toEqual([]);
      expect(await store().getAssets(['evaluations/e', 'models/m'])).toMatchObject([{ id: 'evaluations/e' }, { id: 'models/m' }]);
      const again = await rejection(() =>
        commitOps(store(), [{ type: 'removeEdge', edge: { relation: evaluationModel, from: 'evaluations/e', to: 'models/m' }, field: ['to'] }]),
      );
      expect(again).toMatchObject({ code: 'NOT_FOUND', field: ['to'] });
    });

    it('joins custom kinds by derived_from, as every kind', async () => {
      await seedEvaluated(store());
      await commitOps(store(), [putAsset(customContent(CAT, 'Evaluation', 'e2', { score: 0.93 })), putEdge('derived_from', 'evaluations/e2', 'evaluations/e')]);
      const [older] = await store().neighbors([{ id: 'evaluations/e2', relation: 'derived_from', direction: 'OUT', asOf: null }]);
      expect(older?.map((a) => a.id)).toEqual(['evaluations/e']);
    });
  });
}
