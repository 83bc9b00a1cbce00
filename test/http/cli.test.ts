import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { servingLine } from '../../src/cli/start.js';
import { COMMAND_USAGE, GLOBAL_USAGE } from '../../src/cli/usage.js';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { makeChangeSelection } from '../../src/store/store.js';
import { CATALOGUE, commitOps } from '../helpers/assets.js';
import { runCli, runCliInTerminal, type CliProcess } from '../helpers/cli.js';
import { startServer } from '../helpers/server.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Every line a process printed on stdout, as one text. */
const stdout = (cli: CliProcess) => cli.lines.join('\n');

describe('metalayer command line', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDb = () => {
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-cli-'));
    dirs.push(dir);
    return join(dir, 'data', 'metalayer.db');
  };

  it('serve --demo loads the demo into an empty store, serves it, and stops cleanly on SIGTERM', async () => {
    const db = tempDb();
    const cli = runCli(['serve', '--demo', '--port', '0', '--db', db]);
    const loaded = JSON.parse(await cli.waitForLine(/demo pipeline loaded/));
    expect(loaded.assets).toBe(24);
    const serving = JSON.parse(await cli.waitForLine(/metalayer is serving/));
    expect(serving.explorer).toBe(serving.url.replace(/graphql$/, ''));
    // Piped, stdout holds JSON lines only: the line for people is for terminals.
    expect(cli.lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    const response = await fetch(serving.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ node(id: "models/housing-gbm-tuned") { id ... on Model { name } } }' }),
    });
    expect(await response.json()).toEqual({
      data: { node: { id: 'models/housing-gbm-tuned', name: 'Housing gradient boosting' } },
    });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.lines.some((l) => l.includes('shutting down'))).toBe(true);

    // A second start finds data and leaves it alone.
    const again = runCli(['serve', '--demo', '--port', '0', '--db', db]);
    await again.waitForLine(/holds data already/);
    await again.waitForLine(/metalayer is serving/);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('history prune drops the log before an instant and says so; history purge erases a deleted asset’s content', async () => {
    const db = tempDb();
    const store = openSqliteStore({ path: db, catalogue: CATALOGUE });
    await seedHousingDemo(store, CATALOGUE);
    await commitOps(store, [{ type: 'deleteAsset', id: 'servingperf/housing-prod-2026-w14', field: ['id'] }]);
    await store.close();

    const exists = runCli(['history', 'purge', '--asset', 'models/housing-gbm', '--db', db]);
    expect(await exists.exited).toBe(2);
    expect(exists.stderr()).toBe('history purge: "models/housing-gbm" exists: only a deleted asset\'s history is purged; delete it first\n');
    const purge = runCli(['history', 'purge', '--asset', 'servingperf/housing-prod-2026-w14', '--db', db]);
    expect(await purge.exited).toBe(0);
    expect(stdout(purge)).toBe(
      'Erased the content of 2 changes of servingperf/housing-prod-2026-w14; their tombstones keep when, by whom and what was done.',
    );

    const twice = runCli(['history', 'purge', '--asset', 'servingperf/housing-prod-2026-w14', '--db', db]);
    expect(await twice.exited).toBe(0);
    expect(stdout(twice)).toBe('Nothing left to erase of servingperf/housing-prod-2026-w14: its changes were erased already.');

    // A mistyped path names no database: refused, rather than a new empty one created and reported as done.
    const missing = join(db, '..', 'metalayer-typo.db');
    for (const args of [['prune', '--before', '2020-01-01'], ['purge', '--asset', 'models/housing-gbm']]) {
      const typo = runCli(['history', ...args, '--db', missing]);
      expect(await typo.exited).toBe(2);
      expect(typo.stderr()).toBe(`--db: no SQLite database at ${missing}; history ${args[0]} works on an existing one\n`);
      expect(existsSync(missing)).toBe(false);
    }

    const future = runCli(['history', 'prune', '--before', '2999-01-01', '--db', db]);
    expect(await future.exited).toBe(2);
    expect(future.stderr()).toBe('--before: 2999-01-01T00:00:00.000Z is in the future; history can only be pruned up to now\n');
    const malformed = runCli(['history', 'prune', '--before', 'yesterday', '--db', db]);
    expect(await malformed.exited).toBe(2);
    expect(malformed.stderr()).toMatch(/^--before: expected an instant/);

    const before = new Date().toISOString();
    const prune = runCli(['history', 'prune', '--before', before, '--db', db]);
    expect(await prune.exited).toBe(0);
    expect(stdout(prune)).toMatch(new RegExp(`^Dropped [0-9]+ changes made before ${before}\\. History now starts at ${before}: reads as of an earlier instant are refused\\.$`));
    const again = runCli(['history', 'prune', '--before', '2020-01-01', '--db', db]);
    expect(await again.exited).toBe(0);
    expect(stdout(again)).toBe(`No change was older. History now starts at ${before}: reads as of an earlier instant are refused.`);

    const after = openSqliteStore({ path: db, catalogue: CATALOGUE });
    try {
      expect(await after.historyStart()).toBe(before);
      expect((await after.changes({ selection: makeChangeSelection(), afterSequence: null, first: 10, scope: null })).changes).toEqual([]);
    } finally {
      await after.close();
    }
  }, 120_000);

  it('seed --demo is idempotent', async () => {
    const db = tempDb();
    for (let i = 0; i < 2; i++) {
      const cli = runCli(['seed', '--demo', '--db', db]);
      expect(await cli.exited).toBe(0);
      expect(JSON.parse(cli.lines.find((l) => l.includes('demo pipeline loaded')) ?? '{}').assets).toBe(24);
    }
  });

  it('token create prints a token once and the entry that makes a server accept it', async () => {
    const cli = runCli(['token', 'create', '--name', 'ci-bot', '--role', 'writer', '--project', 'project/housing']);
    expect(await cli.exited).toBe(0);
    const token = cli.lines.find((line) => line.startsWith('ml_'));
    const entry = JSON.parse(cli.lines.find((line) => line.startsWith('{')) ?? '{}');
    expect(token).toMatch(/^ml_[A-Za-z0-9_-]{43}$/);
    expect(cli.lines[0]).toBe('A writer token for "ci-bot", scoped to project/housing. It is shown only now: hand it over and keep it secret.');
    expect(entry).toEqual({ name: 'ci-bot', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), role: 'writer', projects: ['project/housing'] });
    expect(cli.lines.filter((line) => line.includes(token ?? '-'))).toHaveLength(1);

    const running = await startServer({ METALAYER_TOKENS: JSON.stringify([entry]) });
    try {
      const query = { query: '{ node(id: "models/none") { id } }' };
      expect(await running.post(query, { authorization: `Bearer ${token}` })).toMatchObject({ status: 200, body: { data: { node: null } } });
      expect((await running.post(query, { authorization: `Bearer ${token}x` })).status).toBe(401);
    } finally {
      await running.server.stop();
    }
  });

  it('token create refuses a bad request with exit code 2, naming the flag', async () => {
    const scopedAdmin = runCli(['token', 'create', '--name', 'root', '--role', 'admin', '--project', 'project/housing']);
    expect(await scopedAdmin.exited).toBe(2);
    expect(scopedAdmin.stderr()).toMatch(/--project: an admin token cannot be scoped/);
    expect(scopedAdmin.lines.some((line) => line.startsWith('ml_'))).toBe(false);
    const badProject = runCli(['token', 'create', '--name', 'x', '--role', 'reader', '--project', 'models/m']);
    expect(await badProject.exited).toBe(2);
    expect(badProject.stderr()).toMatch(/--project: expected a project id/);
  });

  it('refuses bad configuration with exit code 2 and a message naming the setting', async () => {
    const badPort = runCli(['serve', '--port', 'eighty']);
    expect(await badPort.exited).toBe(2);
    expect(badPort.stderr()).toMatch(/PORT/);
    const badEngine = runCli(['serve'], { METALAYER_STORE: 'postgres' });
    expect(await badEngine.exited).toBe(2);
    expect(badEngine.stderr()).toMatch(/METALAYER_STORE/);
    const unknown = runCli(['frobnicate']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toBe('Unknown command "frobnicate"; expected serve, seed, token or history (metalayer --help says more)\n');
    const flagFirst = runCli(['--demo', 'serve']);
    expect(await flagFirst.exited).toBe(2);
    expect(flagFirst.stderr()).toBe('Expected a command before "--demo"; expected serve, seed, token or history (metalayer --help says more)\n');
  });

  it('token create names an admin token with "An"', async () => {
    const cli = runCli(['token', 'create', '--name', 'root', '--role', 'admin']);
    expect(await cli.exited).toBe(0);
    expect(cli.lines[0]).toBe('An admin token for "root", unscoped. It is shown only now: hand it over and keep it secret.');
  });
});

// Each test starts its own processes and shares nothing, so they run side by side.
describe.concurrent('metalayer --help and --version', () => {
  it('--version prints the version package.json states', async () => {
    const cli = runCli(['--version']);
    expect(await cli.exited).toBe(0);
    expect(cli.lines).toEqual([VERSION]);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([['--help'], ['-h'], ['help']])('%s prints the usage of every command on stdout', async (flag) => {
    const cli = runCli([flag]);
    expect(await cli.exited).toBe(0);
    expect(stdout(cli)).toBe(GLOBAL_USAGE);
    expect(cli.stderr()).toBe('');
  });

  it.each([
    [['serve', '--help'], 'serve'],
    [['serve', '--port', '1', '-h'], 'serve'],
    [['help', 'serve'], 'serve'],
    [['seed', '--help'], 'seed'],
    [['help', 'seed'], 'seed'],
    [['token', '--help'], 'token'],
    [['token', 'create', '--help'], 'token'],
    [['help', 'token'], 'token'],
    [['history', '--help'], 'history'],
    [['history', 'prune', '--help'], 'history'],
    [['help', 'history'], 'history'],
  ] as const)('%j prints the flags of %s and starts nothing', async (args, command) => {
    // An invalid setting does not stop help: help reads no configuration.
    const cli = runCli([...args], { PORT: 'eighty' });
    expect(await cli.exited).toBe(0);
    expect(stdout(cli)).toBe(COMMAND_USAGE[command]);
    expect(COMMAND_USAGE[command]).toMatch(new RegExp(`^Usage: metalayer ${command} `));
    expect(cli.stderr()).toBe('');
  });

  it('without a command prints the usage on stderr and exits with 2', async () => {
    const cli = runCli([]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toBe(`${GLOBAL_USAGE}\n`);
    expect(cli.lines).toEqual([]);
  });
});

describe.concurrent('metalayer start failures', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'metalayer-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a busy port is one line on stderr and exit code 2, with the store closed', async () => {
    const holder = createServer();
    const port = await new Promise<number>((resolve) =>
      holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)),
    );
    const cli = runCli(['serve', '--port', String(port), '--db', ':memory:']);
    const code = await cli.exited;
    holder.close();
    expect(code).toBe(2);
    expect(cli.stderr()).toBe(
      `metalayer: cannot listen on 127.0.0.1:${port}: the port is in use; stop what holds it, or choose another with --port or PORT (EADDRINUSE)\n`,
    );
    expect(cli.lines.some((line) => line.includes('metalayer is serving'))).toBe(false);
  });

  it('a file that is not a SQLite database is one line on stderr and exit code 2, for serve and seed', async () => {
    const db = join(dir, 'metalayer.db');
    writeFileSync(db, 'not a database, but long enough to have a header SQLite reads and refuses: '.repeat(4));
    for (const command of [['serve', '--port', '0'], ['seed', '--demo']]) {
      const cli = runCli([...command, '--db', db]);
      expect(await cli.exited).toBe(2);
      expect(cli.stderr()).toBe(`metalayer: cannot open the SQLite database ${db}: the file is not a SQLite database (SQLITE_NOTADB)\n`);
    }
  });

  it('serve --extensions serves custom kinds, and refuses to start without the extension once its kind holds data', async () => {
    const db = join(dir, 'extended.db');
    const cli = runCli(['serve', '--port', '0', '--db', db, '--extensions', 'examples/extensions/evaluation.graphql']);
    const serving = JSON.parse(await cli.waitForLine(/metalayer is serving/, 60_000));
    const response = await fetch(serving.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation {
          registerModel(input: { key: "m", name: "m" }) { model { id } }
          registerEvaluation(input: { key: "e", name: "e", score: 0.9, model: "models/m" }) { evaluation { id score } }
        }`,
      }),
    });
    expect(((await response.json()) as { data: { registerEvaluation: unknown } }).data.registerEvaluation).toEqual({ evaluation: { id: 'evaluations/e', score: 0.9 } });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);

    const without = runCli(['serve', '--port', '0', '--db', db]);
    expect(await without.exited).toBe(2);
    expect(without.stderr()).toBe(
      `metalayer: cannot open the SQLite database ${db}: the database holds data of kinds or relations no extension declares: ` +
        'kind EVALUATION (collection evaluations) holds 1 asset; relation evaluation_model holds 1 relation. Start with the extension files that declare them\n',
    );
    const fromEnv = runCli(['seed', '--demo', '--db', db], {
      METALAYER_EXTENSIONS: 'examples/extensions/evaluation.graphql, examples/extensions/model-card.graphql',
    });
    expect(await fromEnv.exited).toBe(0);
   }, 90_000);

  it('a bad extension file stops the start with exit code 2, naming file, line and column of each mistake', async () => {
    const bad = join(dir, 'bad.graphql');
    writeFileSync(bad, 'type Review @kind(collection: "reviews") {\n  model: Modle @relation(name: "review_model")\n  tag: String\n}\n');
    const cli = runCli(['serve', '--port', '0', '--db', ':memory:', '--extensions', bad]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toBe(
      `Invalid extensions:\n  ${bad}:2:3: relation field model leads to Modle, which is not a known asset type\n` +
        `  ${bad}:3:3: Review.tag clashes with the Asset field tag, which every kind has\n`,
    );
    const generated = join(dir, 'generated.graphql');
    writeFileSync(generated, 'type Check @kind(collection: "checks") {\n  __x: Int\n}\nenum RegisterCheckPayload { A }\n');
    const clash = runCli(['serve', '--port', '0', '--db', ':memory:', '--extensions', generated]);
    expect(await clash.exited).toBe(2);
    expect(clash.stderr()).toBe(
      `Invalid extensions:\n  ${generated}:2:3: the name __x begins with "__", which GraphQL keeps for introspection\n` +
        `  ${generated}:4:1: enum RegisterCheckPayload clashes with the payload type of registerCheck, which the server generates for Check (${generated}:1:1)\n`,
    );
    const missing = runCli(['serve', '--port', '0', '--db', ':memory:'], { METALAYER_EXTENSIONS: join(dir, 'missing.graphql') });
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toBe(`Invalid configuration:\n  extensions: cannot read ${join(dir, 'missing.graphql')} (ENOENT)\n`);
   }, 90_000);

  it('a database path through a file is one line on stderr and exit code 2', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    const cli = runCli(['serve', '--port', '0', '--db', join(file, 'metalayer.db')]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/^metalayer: cannot open the SQLite database .*: a part of its path is a file, not a folder \((EEXIST|ENOTDIR)\)\n$/);
  });
});

describe('metalayer serve in a terminal', () => {
  it('prints one line for people, after the JSON logs that say the same for machines', async () => {
    const cli = runCliInTerminal(['serve', '--port', '0', '--db', ':memory:']);
    const line = await cli.waitForLine(/^metalayer \S+ serving /);
    expect(line).toMatch(new RegExp(`^metalayer ${VERSION.replaceAll('.', '\\.')} serving http://127\\.0\\.0\\.1:\\d+ — explorer at /, GraphQL at /graphql, health at /healthz$`));
    const serving = JSON.parse(await cli.waitForLine(/metalayer is serving/)) as { url: string };
    expect(line.split(' ')[3]).toBe(serving.url.replace(/\/graphql$/, ''));
    const response = await fetch(`${line.split(' ')[3]}/healthz`);
    expect(response.status).toBe(200);
    cli.child.kill('SIGTERM');
    await cli.exited;
  });

  it('says where GraphQL is, and only that, when the explorer is off', () => {
    expect(servingLine({ version: '1.2.3', host: '127.0.0.1', port: 4000, explorer: false })).toBe(
      'metalayer 1.2.3 serving http://127.0.0.1:4000 — GraphQL at /graphql, health at /healthz',
    );
    expect(servingLine({ version: '1.2.3', host: '0.0.0.0', port: 80, explorer: true })).toBe(
      'metalayer 1.2.3 serving http://localhost:80 — explorer at /, GraphQL at /graphql, health at /healthz',
    );
    expect(servingLine({ version: '1.2.3', host: '::1', port: 4000, explorer: false })).toMatch(/^metalayer 1\.2\.3 serving http:\/\/\[::1\]:4000 /);
  });

  it('says how many workers serve when there are several, and nothing about one', () => {
    expect(servingLine({ version: '1.2.3', host: '127.0.0.1', port: 4000, explorer: false, workers: 4 })).toBe(
      'metalayer 1.2.3 serving http://127.0.0.1:4000 with 4 workers — GraphQL at /graphql, health at /healthz',
    );
    expect(servingLine({ version: '1.2.3', host: '127.0.0.1', port: 4000, explorer: false, workers: 1 })).toBe(
      'metalayer 1.2.3 serving http://127.0.0.1:4000 — GraphQL at /graphql, health at /healthz',
    );
  });
});
