#!/usr/bin/env node
import { startCore } from './app/session.js';
import { seedHousingDemo } from './demo/housing.js';
import { builtinCatalogue, type Catalogue } from './domain/catalogue.js';
import { coreSettings, createMetalayerServer } from './server/app.js';
import { ConfigError, loadConfig, parseFlags, type Config } from './server/config.js';
import { createLogger, type Logger } from './server/logger.js';
import { createTokenEntry } from './server/tokens.js';
import { openStore } from './store/open.js';
import { makeListQuery, type Store } from './store/store.js';

const USAGE = `metalayer: a GraphQL lineage API for machine-learning metadata

Usage:
  metalayer serve [--demo] [--port N] [--host H] [--store sqlite|arango] [--db PATH]
      Serves GraphQL at /graphql and health at /healthz. With --demo, loads the
      demo pipeline first when the store is empty.
  metalayer seed --demo [--store sqlite|arango] [--db PATH]
      Loads the demo pipeline (loading it twice changes nothing).
  metalayer token create --name NAME --role reader|writer|admin [--project ID ...]
      Makes an API token: prints the secret once, and the entry (its hash,
      never the token) to add to the tokens file.

Every flag has an environment variable (PORT, HOST, METALAYER_STORE,
METALAYER_DB, LOG_LEVEL); see the README for the rest.`;

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'token') return tokenCommand(argv.slice(1));
  const { config, switches, positionals } = loadConfig(argv, process.env);
  const [command] = positionals;
  if (switches.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !switches.help ? 1 : 0;
  }
  const logger = createLogger(config);
  const catalogue = builtinCatalogue();
  switch (command) {
    case 'serve':
      await serve(config, catalogue, logger, switches.demo);
      return 0;
    case 'seed':
      if (!switches.demo) throw new ConfigError('seed needs --demo: the demo pipeline is the only seed there is');
      await withStore(config, catalogue, async (store) => {
        const count = await seedHousingDemo(store, catalogue);
        logger.info({ assets: count, store: store.engine }, 'demo pipeline loaded');
      });
      return 0;
    default:
      throw new ConfigError(`Unknown command "${command}"; expected serve, seed or token\n\n${USAGE}`);
  }
}

/** `token create`: needs no configuration and no store; the secret goes to stdout, once. */
function tokenCommand(argv: readonly string[]): number {
  const parsed = parseFlags(argv, {
    name: { type: 'string' },
    role: { type: 'string' },
    project: { type: 'string', multiple: true },
  });
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'create') {
    throw new ConfigError(`Expected "metalayer token create --name NAME --role ROLE [--project ID ...]"\n\n${USAGE}`);
  }
  const created = createTokenEntry({ name: parsed.values.name, role: parsed.values.role, projects: parsed.values.project ?? [] });
  if ('problems' in created) throw new ConfigError(`Cannot create the token:\n  ${created.problems.join('\n  ')}`);
  const { token, entry } = created;
  const scope = entry.projects ? `scoped to ${entry.projects.join(', ')}` : 'unscoped';
  console.log(`A ${entry.role} token for "${entry.name}", ${scope}. It is shown only now: hand it over and keep it secret.`);
  console.log('');
  console.log(token);
  console.log('');
  console.log('Add this entry to the JSON array in the tokens file (METALAYER_TOKENS_FILE) or in METALAYER_TOKENS:');
  console.log('');
  console.log(JSON.stringify(entry));
  return 0;
}

async function withStore(config: Config, catalogue: Catalogue, use: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore(config.store, catalogue);
  try {
    await use(store);
  } finally {
    await store.close();
  }
}

async function serve(config: Config, catalogue: Catalogue, logger: Logger, demo: boolean): Promise<void> {
  const store = await openStore(config.store, catalogue);
  if (demo) await seedIfEmpty(store, catalogue, logger);
  const core = await startCore({ store, catalogue, ...coreSettings(config) });
  const server = await createMetalayerServer(config, core, logger);
  const port = await server.listen();
  const explorer = config.explorer ? { explorer: `http://${config.host}:${port}/` } : {};
  logger.info({ url: `http://${config.host}:${port}/graphql`, ...explorer, store: store.engine }, 'metalayer is serving');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function seedIfEmpty(store: Store, catalogue: Catalogue, logger: Logger): Promise<void> {
  const page = await store.listAssets(makeListQuery({ first: 1 }));
  if (page.assets.length > 0) {
    logger.info('the store holds data already: the demo pipeline is not loaded');
    return;
  }
  const count = await seedHousingDemo(store, catalogue);
  logger.info({ assets: count }, 'demo pipeline loaded into the empty store');
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  },
);
