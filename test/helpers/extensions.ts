import { readFileSync } from 'node:fs';
import type { Catalogue } from '../../src/domain/catalogue.js';
import { loadExtensions, type ExtensionSource } from '../../src/graphql/index.js';

/** The Evaluation example of docs/extensions.md, as a server reads it with `--extensions`. */
export const EVALUATION_PATH = 'examples/extensions/evaluation.graphql';

export const EVALUATION_SOURCE: ExtensionSource = {
  name: EVALUATION_PATH,
  text: readFileSync(new URL(`../../${EVALUATION_PATH}`, import.meta.url), 'utf8'),
};

/** The catalogue of a server started with the Evaluation example. */
export function evaluationCatalogue(): Catalogue {
  return loadExtensions([EVALUATION_SOURCE]);
}
