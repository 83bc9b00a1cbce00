#!/usr/bin/env node
import { seedHousingDemo } from './demo/housing.js';
import { createMetalayerServer } from './server/app.js';
import { ConfigError, loadConfig, type Config } from './server/config.js';
import { createLogger, type Logger } from './server/logger.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

const USAGE = `metalayer: a GraphQL lineage API for machine-learning metadata

Usage:
  metalayer serve [--demo] [--port N] [--host H] [--store sqlite|arango] [--db PATH]
      Serves GraphQL at /graphql and health at /healthz. With --demo, loads the
      demo pipeline first when the store is empty.
  metalayer seed --demo [--store sqlite|arango] [--db PATH]
      Loads the demo pipeline (loading it twice changes nothing).

Every flag has an environment variable (PORT, HOST, METALAYER_STORE,
METALAYER_DB, LOG_LEVEL); see the README for the rest.`;

async function main(argv: readonly string[]): Promise<number> {
  const { config, switches, positionals } = loadConfig(argv, process.env);
  const [command] = positionals;
  if (switches.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !switches.help ? 1 : 0;
  }
  const logger = createLogger(config);
  switch (command) {
    case 'serve':
      await serve(config, logger, switches.demo);
      return 0;
    case 'seed':
      if (!switches.demo) throw new ConfigError('seed needs --demo: the demo pipeline is the only seed there is');
      await withStore(config, async (store) => {
        const count = await seedHousingDemo(store);
        logger.info({ assets: count, store: store.engine }, 'demo pipeline loaded');
      });
      return 0;
    default:
      throw new ConfigError(`Unknown command "${command}"; expected serve or seed\n\n${USAGE}`);
  }
}

async function withStore(config: Config, use: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore(config.store);
  try {
    await use(store);
  } finally {
    await store.close();
  }
}

async function serve(config: Config, logger: Logger, demo: boolean): Promise<void> {
  const store = await openStore(config.store);
  if (demo) await seedIfEmpty(store, logger);
  const server = await createMetalayerServer(config, store, logger);
  const port = await server.listen();
  logger.info({ url: `http://${config.host}:${port}/graphql`, store: store.engine }, 'metalayer is serving');

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

async function seedIfEmpty(store: Store, logger: Logger): Promise<void> {
  const page = await store.listAssets({
    kind: null,
    nameContains: null,
    tag: null,
    project: null,
    createdAfter: null,
    createdBefore: null,
    first: 1,
    after: null,
  });
  if (page.assets.length > 0) {
    logger.info('the store holds data already: the demo pipeline is not loaded');
    return;
  }
  const count = await seedHousingDemo(store);
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
