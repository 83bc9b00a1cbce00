import { readFileSync } from 'node:fs';
import type { Catalogue } from '../../src/domain/catalogue.js';
import type { AssetKind, CustomContent, JsonObject } from '../../src/domain/kinds.js';
import { loadExtensions, type ExtensionSource } from '../../src/graphql/index.js';

/**
 * The example extensions (examples/extensions/): Evaluation, the example of
 * docs/extensions.md, and ModelCard, a kind owned through a relation, with
 * an enum, an instant and a list field.
 */
export const EVALUATION_PATH = 'examples/extensions/evaluation.graphql';
export const MODEL_CARD_PATH = 'examples/extensions/model-card.graphql';

function source(path: string): ExtensionSource {
  return { name: path, text: readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8') };
}

export const EVALUATION_SOURCE = source(EVALUATION_PATH);
export const MODEL_CARD_SOURCE = source(MODEL_CARD_PATH);

/** The catalogue of a server started with the Evaluation example. */
export function evaluationCatalogue(): Catalogue {
  return loadExtensions([EVALUATION_SOURCE]);
}

/** The catalogue of a server started with both examples: the one the store contract runs with. */
export const EXTENDED_CATALOGUE: Catalogue = loadExtensions([EVALUATION_SOURCE, MODEL_CARD_SOURCE]);

/** The kind of a custom type of `catalogue`, by its GraphQL type. */
export function kindOf(catalogue: Catalogue, typeName: string): AssetKind {
  const spec = catalogue.kinds.find((each) => each.custom?.typeName === typeName);
  if (!spec) throw new Error(`no custom type ${typeName}`);
  return spec.kind;
}

/** The content of an asset of a custom kind, as a plan makes it. */
export function customContent(catalogue: Catalogue, typeName: string, key: string, fields: JsonObject = {}): CustomContent {
  const kind = kindOf(catalogue, typeName);
  const collection = catalogue.kind(kind).collection;
  // A custom kind comes from the catalogue: the only place a string becomes one.
  return { kind: kind as CustomContent['kind'], id: `${collection}/${key}`, key, name: key, version: null, tag: null, properties: {}, fields };
}
