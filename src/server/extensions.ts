import type { Catalogue } from '../domain/catalogue.js';
import { ExtensionError, loadExtensions } from '../graphql/index.js';
import { ConfigError, type Config } from './config.js';

/**
 * The server's catalogue: the built-in kinds and relations, with what the
 * configured extension files declare. A bad file stops the start with a
 * ConfigError listing every problem as `file:line:column: what`.
 */
export function catalogueOf(config: Pick<Config, 'extensions'>): Catalogue {
  try {
    return loadExtensions(config.extensions);
  } catch (error) {
    if (error instanceof ExtensionError) throw new ConfigError(`Invalid extensions:\n  ${error.problems.join('\n  ')}`);
    throw error;
  }
}
