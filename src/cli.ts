#!/usr/bin/env node
import { checkHistoryAction, checkHistoryStore, parseHistoryArgs, runHistoryAction } from './cli/history.js';
import { describeListen, describeStore, servingLine, StartFailure, startStep } from './cli/start.js';
import { COMMAND_USAGE, GLOBAL_USAGE, isCommandName } from './cli/usage.js';
import { packageVersion } from './cli/version.js';
import { isWorker, reportListening, reportStartFailure, startWorkers, workerId } from './cli/workers.js';
import { startCore } from './app/session.js';
import { seedHousingDemo } from './demo/housing.js';
import type { Catalogue } from './domain/catalogue.js';
import { coreSettings, createMetalayerServer, type MetalayerServer } from './server/app.js';
import { ConfigError, loadConfig, parseFlags, type Config } from './server/config.js';
import { catalogueOf } from './server/extensions.js';
import { createLogger, type Logger } from './server/logger.js';
import { createTokenEntry } from './server/tokens.js';
import { openStore } from './store/open.js';
import { makeListQuery, type Store } from './store/store.js';

/** What the command line is given besides its arguments, so that a test can set it. */
interface Surroundings {
  env: Readonly<Record<string, string | undefined>>;
  /** stdout is a terminal: a person reads it, so the start adds one line for people beside the JSON logs. */
  interactive: boolean;
}

/**
 * `metalayer <command> [flags]`. Exit codes: 0 done, 1 an unexpected
 * failure, 2 a problem the caller can fix (usage, configuration, a busy
 * port, an unreadable database), stated in one line on stderr.
 */
async function main(argv: readonly string[], surroundings: Surroundings): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version') {
    console.log(packageVersion());
    return 0;
  }
  if (command === '--help' || command === '-h') {
    console.log(GLOBAL_USAGE);
    return 0;
  }
  if (command === 'help') return help(rest[0]);
  if (command === undefined) {
    console.error(GLOBAL_USAGE);
    return 2;
  }
  if (!isCommandName(command)) {
    const problem = command.startsWith('-') ? `Expected a command before "${command}"` : `Unknown command "${command}"`;
    throw new ConfigError(`${problem}; expected serve, seed, token or history (metalayer --help says more)`);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(COMMAND_USAGE[command]);
    return 0;
  }
  if (command === 'token') return tokenCommand(rest);
  if (command === 'history') return historyCommand(rest, surroundings);
  const { config, switches, positionals } = loadConfig(rest, surroundings.env);
  if (positionals.length > 0) throw new ConfigError(`Unexpected argument "${positionals.join(' ')}" to ${command}\n\n${COMMAND_USAGE[command]}`);
  if (command === 'serve') {
    const options = { demo: switches.demo, interactive: surroundings.interactive };
    if (config.workers === 1) await serve(config, createLogger(config), options);
    else if (isWorker()) await serveAsWorker(config, createLogger(config, workerId()));
    else await superviseWorkers(config, createLogger(config, workerId()), options);
    return 0;
  }
  const logger = createLogger(config);
  if (!switches.demo) throw new ConfigError('seed needs --demo: the demo pipeline is the only seed there is');
  const catalogue = catalogueOf(config);
  await withStore(config, catalogue, async (store) => {
    const count = await seedHousingDemo(store, catalogue);
    logger.info({ assets: count, store: store.engine }, 'demo pipeline loaded');
  });
  return 0;
}

/** `history prune` and `history purge`: one sentence on stdout saying what was done. */
async function historyCommand(argv: readonly string[], surroundings: Surroundings): Promise<number> {
  const { action, rest } = parseHistoryArgs(argv, new Date(), COMMAND_USAGE.history);
  const { config, positionals } = loadConfig(rest, surroundings.env);
  if (positionals.length > 0) throw new ConfigError(`Unexpected argument "${positionals.join(' ')}" to history\n\n${COMMAND_USAGE.history}`);
  const catalogue = catalogueOf(config);
  checkHistoryAction(action, catalogue);
  checkHistoryStore(action, config.store);
  await withStore(config, catalogue, async (store) => console.log(await runHistoryAction(store, action)));
  return 0;
}

function help(topic: string | undefined): number {
  if (topic === undefined) {
    console.log(GLOBAL_USAGE);
    return 0;
  }
  if (!isCommandName(topic)) throw new ConfigError(`No help for "${topic}"; expected serve, seed, token or history`);
  console.log(COMMAND_USAGE[topic]);
  return 0;
}

/** `token create`: needs no configuration and no store; the secret goes to stdout, once. */
function tokenCommand(argv: readonly string[]): number {
  const parsed = parseFlags(argv, {
    name: { type: 'string' },
    role: { type: 'string' },
    project: { type: 'string', multiple: true },
  });
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'create') {
    throw new ConfigError(`Expected "metalayer token create --name NAME --role ROLE [--project ID ...]"\n\n${COMMAND_USAGE.token}`);
  }
  const created = createTokenEntry({ name: parsed.values.name, role: parsed.values.role, projects: parsed.values.project ?? [] });
  if ('problems' in created) throw new ConfigError(`Cannot create the token:\n  ${created.problems.join('\n  ')}`);
  const { token, entry } = created;
  const scope = entry.projects ? `scoped to ${entry.projects.join(', ')}` : 'unscoped';
  console.log(`${withArticle(entry.role)} token for "${entry.name}", ${scope}. It is shown only now: hand it over and keep it secret.`);
  console.log('');
  console.log(token);
  console.log('');
  console.log('Add this entry to the JSON array in the tokens file (METALAYER_TOKENS_FILE) or in METALAYER_TOKENS:');
  console.log('');
  console.log(JSON.stringify(entry));
  return 0;
}

/** "A reader", "An admin". */
function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'An' : 'A'} ${word}`;
}

async function withStore(config: Config, catalogue: Catalogue, use: (store: Store) => Promise<void>): Promise<void> {
  const store = await startStep(() => openStore(config.store, catalogue), describeStore(config.store));
  try {
    await use(store);
  } finally {
    await store.close();
  }
}

async function serve(config: Config, logger: Logger, options: { demo: boolean; interactive: boolean }): Promise<void> {
  const { server, port } = await startServing(config, logger, { demo: options.demo });
  announce(config, logger, port, options.interactive);
  stopOnSignals(server, logger);
}

/** Where the server listens: a JSON log line, and, on a terminal, one line for people. */
function announce(config: Config, logger: Logger, port: number, interactive: boolean): void {
  const explorer = config.explorer ? { explorer: `http://${config.host}:${port}/` } : {};
  const workers = config.workers > 1 ? { workers: config.workers } : {};
  logger.info({ url: `http://${config.host}:${port}/graphql`, ...explorer, store: config.store.engine, ...workers }, 'metalayer is serving');
  if (interactive) {
    console.log(servingLine({ version: packageVersion(), host: config.host, port, explorer: config.explorer, workers: config.workers }));
  }
}

/** Opens the store, seeds it when asked, and listens: one server in this process. */
async function startServing(
  config: Config,
  logger: Logger,
  options: { demo: boolean; worker?: { id: number; pid: number } },
): Promise<{ server: MetalayerServer; port: number }> {
  const catalogue = catalogueOf(config);
  const store = await startStep(() => openStore(config.store, catalogue), describeStore(config.store));
  if (options.demo) await seedIfEmpty(store, catalogue, logger);
  const core = await startCore({ store, catalogue, ...coreSettings(config, logger) });
  const server = await createMetalayerServer(config, core, logger, options.worker ? { worker: options.worker } : {});
  const port = await listenOrStop(server, config);
  return { server, port };
}

/** SIGTERM or SIGINT (and, in a worker, losing the primary) drain the server, then the process exits. */
function stopOnSignals(server: MetalayerServer, logger: Logger): void {
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
  if (isWorker()) process.on('disconnect', () => shutdown('disconnect'));
}

/**
 * `serve --workers N`, in the primary: prepares the store once (migrations,
 * the catalogue, the demo), forks the workers, and says where they serve
 * once all listen. Signals drain every worker; the primary exits when all
 * have.
 */
async function superviseWorkers(config: Config, logger: Logger, options: { demo: boolean; interactive: boolean }): Promise<void> {
  const catalogue = catalogueOf(config);
  await withStore(config, catalogue, async (store) => {
    if (options.demo) await seedIfEmpty(store, catalogue, logger);
  });
  const workers = await startWorkers(config.workers, logger);
  announce(config, logger, workers.port, options.interactive);
  process.on('SIGTERM', () => workers.stop('SIGTERM'));
  process.on('SIGINT', () => workers.stop('SIGINT'));
  void workers.done.then((code) => process.exit(code));
}

/** `serve --workers N`, in a worker: the normal server without seeding; a start failure goes to the primary, which prints it. */
async function serveAsWorker(config: Config, logger: Logger): Promise<void> {
  const worker = { id: workerId(), pid: process.pid };
  let started: Awaited<ReturnType<typeof startServing>>;
  try {
    started = await startServing(config, logger, { demo: false, worker });
  } catch (error) {
    if (!(error instanceof StartFailure)) throw error;
    await reportStartFailure(error.message);
    process.exit(2);
  }
  logger.info({ port: started.port, pid: worker.pid }, 'worker is serving');
  reportListening(started.port);
  stopOnSignals(started.server, logger);
}

/** Listens, or closes the store and fails the start saying why. */
async function listenOrStop(server: MetalayerServer, config: Config): Promise<number> {
  try {
    return await startStep(() => server.listen(), describeListen(config.host, config.port));
  } catch (error) {
    await server.stop();
    throw error;
  }
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

main(process.argv.slice(2), { env: process.env, interactive: process.stdout.isTTY === true }).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    if (error instanceof StartFailure) {
      console.error(`metalayer: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  },
);
