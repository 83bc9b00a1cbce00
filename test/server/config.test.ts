import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.js';

const HASH = 'a'.repeat(64);

/** The message of the ConfigError that loading this environment throws. */
function problem(env: Record<string, string>): string {
  try {
    loadConfig([], env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('defaults to the embedded store, development, loopback and port 4000', () => {
    const { config, switches, positionals } = loadConfig(['serve'], {});
    expect(config).toMatchObject({
      environment: 'development',
      host: '127.0.0.1',
      port: 4000,
      introspection: true,
      explorer: true,
      bodyLimit: 1_048_576,
      store: { engine: 'sqlite', path: './data/metalayer.db' },
      lineageCaps: { defaultDepth: 100, maxDepth: 100, defaultLimit: 1000, maxLimit: 10_000, visitLimit: 100_000 },
    });
    expect(switches).toEqual({ demo: false, help: false });
    expect(positionals).toEqual(['serve']);
  });

  it('lets flags win over the environment, and treats empty variables as unset', () => {
    const { config, switches } = loadConfig(['serve', '--port', '5000', '--db', ':memory:', '--demo'], {
      PORT: '6000',
      METALAYER_DB: '/elsewhere.db',
      HOST: '',
    });
    expect(config.port).toBe(5000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.store).toEqual({ engine: 'sqlite', path: ':memory:' });
    expect(switches.demo).toBe(true);
  });

  it('turns introspection and the explorer off in production unless configured', () => {
    expect(loadConfig([], { NODE_ENV: 'production' }).config).toMatchObject({ introspection: false, explorer: false });
    expect(loadConfig([], { NODE_ENV: 'production', METALAYER_INTROSPECTION: 'true' }).config).toMatchObject({
      introspection: true,
      explorer: true,
    });
    expect(
      loadConfig([], { NODE_ENV: 'production', METALAYER_INTROSPECTION: '1', METALAYER_EXPLORER: 'false' }).config,
    ).toMatchObject({ introspection: true, explorer: false });
  });

  it('serves Relay node and nodes unless METALAYER_RELAY_NODE=false or --no-relay-node leaves them to another subgraph', () => {
    expect(loadConfig(['--port', '1'], {}).config.relayNode).toBe(true);
    expect(loadConfig([], { METALAYER_RELAY_NODE: 'false' }).config.relayNode).toBe(false);
    expect(loadConfig(['--no-relay-node'], { METALAYER_RELAY_NODE: 'true' }).config.relayNode).toBe(false);
    expect(problem({ METALAYER_RELAY_NODE: 'no' })).toMatch(/^Invalid configuration:\n {2}METALAYER_RELAY_NODE: /);
  });

  it('executes with graphql-jit unless METALAYER_EXECUTOR=graphql-js, and refuses any other executor by name', () => {
    expect(loadConfig([], {}).config.executor).toBe('jit');
    expect(loadConfig([], { METALAYER_EXECUTOR: 'graphql-js' }).config.executor).toBe('graphql-js');
    expect(loadConfig([], { METALAYER_EXECUTOR: 'jit' }).config.executor).toBe('jit');
    expect(problem({ METALAYER_EXECUTOR: 'graphql-jit' })).toMatch(/^Invalid configuration:\n {2}METALAYER_EXECUTOR: .*"jit".*"graphql-js"/);
  });

  it('keeps default lineage bounds within lowered caps', () => {
    const { lineageCaps } = loadConfig([], { METALAYER_MAX_DEPTH: '10', METALAYER_MAX_NODES: '50' }).config;
    expect(lineageCaps).toMatchObject({ defaultDepth: 10, maxDepth: 10, defaultLimit: 50, maxLimit: 50 });
  });

  it('reads the ArangoDB engine settings', () => {
    const { config } = loadConfig(['--store', 'arango'], {
      ARANGO_URL: 'http://a:8529, http://b:8529',
      ARANGO_DATABASE: 'ml',
      ARANGO_TOKEN: 'jwt',
      ARANGO_REPLICATION_FACTOR: '3',
    });
    expect(config.store).toEqual({
      engine: 'arango',
      urls: ['http://a:8529', 'http://b:8529'],
      database: 'ml',
      username: 'root',
      password: '',
      token: 'jwt',
      graph: 'enterprise_ml_graph',
      replicationFactor: 3,
      writeConcern: null,
      poolSize: 32,
      queryMemoryLimit: 512 * 2 ** 20,
      queryMaxRuntime: 30,
    });
  });

  it('serves in one process unless --workers or METALAYER_WORKERS asks for more; auto is one per core', () => {
    expect(loadConfig(['serve'], {}).config.workers).toBe(1);
    expect(loadConfig(['serve'], { METALAYER_WORKERS: '3' }).config.workers).toBe(3);
    expect(loadConfig(['serve', '--workers', '2'], { METALAYER_WORKERS: '3' }).config.workers).toBe(2);
    expect(loadConfig(['serve', '--workers', 'auto'], {}).config.workers).toBe(availableParallelism());
    // A database in memory is one per process, so it is one worker, or an ArangoDB the workers share.
    expect(loadConfig(['--workers', '2', '--store', 'arango'], { METALAYER_DB: ':memory:' }).config.workers).toBe(2);
  });

  it('refuses a number of workers that is not a whole number from 1 to 64 or auto, and several workers on :memory:', () => {
    const expected = (got: string) =>
      `Invalid configuration:\n  METALAYER_WORKERS: expected a number of processes from 1 to 64, or auto (one per core); got "${got}"`;
    for (const bad of ['0', '65', 'two', '1.5', '-1', 'AUTO']) expect(problem({ METALAYER_WORKERS: bad })).toBe(expected(bad));
    expect(() => loadConfig(['--workers', 'many'], {})).toThrow(expected('many'));
    expect(problem({ METALAYER_WORKERS: '2', METALAYER_DB: ':memory:' })).toBe(
      'Invalid configuration:\n  METALAYER_WORKERS: 2 workers need a database file they share; :memory: is a separate database in each process',
    );
  });

  it('refuses bad settings with a message naming each one', () => {
    expect(() => loadConfig([], { PORT: '70000', METALAYER_STORE: 'postgres' })).toThrow(ConfigError);
    try {
      loadConfig([], { PORT: '70000', METALAYER_STORE: 'postgres' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT: .*\n.*METALAYER_STORE: /);
    }
    expect(() => loadConfig(['--nope'], {})).toThrow(/Unknown option '--nope'/);
  });

  it('has authentication off, anonymous reads off and the default query limits unless configured', () => {
    const { config } = loadConfig([], {});
    expect(config.auth).toEqual({ tokens: [], anonymousReads: false });
    expect(config.queryLimits).toEqual({
      maxDepth: 12,
      maxCost: 1_000_000,
      maxAliases: 30,
      maxOperations: 20,
      executionTimeoutMs: 10_000,
      maxResultAssets: 100_000,
    });
    const tuned = loadConfig([], {
      METALAYER_MAX_QUERY_DEPTH: '8',
      METALAYER_MAX_QUERY_COST: '1000',
      METALAYER_MAX_ALIASES: '0',
      METALAYER_MAX_OPERATIONS: '3',
      METALAYER_EXECUTION_TIMEOUT_MS: '2500',
      METALAYER_MAX_RESULT_ASSETS: '500',
      METALAYER_ANONYMOUS_READS: 'true',
    }).config;
    expect(tuned.queryLimits).toEqual({
      maxDepth: 8,
      maxCost: 1000,
      maxAliases: 0,
      maxOperations: 3,
      executionTimeoutMs: 2500,
      maxResultAssets: 500,
    });
    expect(tuned.auth.anonymousReads).toBe(true);
  });

  it('reads the bounds of live subscriptions, and refuses one that is not a positive integer', () => {
    expect(loadConfig([], {}).config.subscriptions).toEqual({ pollMs: 1000, maxPerConnection: 20, maxBufferedBytes: 4_194_304, sendTimeoutMs: 10_000 });
    const tuned = loadConfig([], {
      METALAYER_SUBSCRIPTION_POLL_MS: '250',
      METALAYER_SUBSCRIPTIONS_PER_CONNECTION: '5',
      METALAYER_SUBSCRIPTION_BUFFER_BYTES: '65536',
      METALAYER_SUBSCRIPTION_SEND_TIMEOUT_MS: '2000',
    }).config;
    expect(tuned.subscriptions).toEqual({ pollMs: 250, maxPerConnection: 5, maxBufferedBytes: 65_536, sendTimeoutMs: 2000 });
    expect(problem({ METALAYER_SUBSCRIPTION_SEND_TIMEOUT_MS: '0' })).toContain('METALAYER_SUBSCRIPTION_SEND_TIMEOUT_MS');
  });

  it('reads token entries inline or from a file, keeping hashes only, lowercased', () => {
    const entries = [
      { name: 'alice', sha256: HASH.toUpperCase(), role: 'writer', projects: ['project/housing'] },
      { name: 'bob', sha256: 'b'.repeat(64), role: 'admin' },
    ];
    const expected = [
      { name: 'alice', sha256: HASH, role: 'writer', projects: ['project/housing'] },
      { name: 'bob', sha256: 'b'.repeat(64), role: 'admin' },
    ];
    expect(loadConfig([], { METALAYER_TOKENS: JSON.stringify(entries) }).config.auth.tokens).toEqual(expected);
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-config-'));
    try {
      const file = join(dir, 'tokens.json');
      writeFileSync(file, JSON.stringify(entries));
      expect(loadConfig([], { METALAYER_TOKENS_FILE: file }).config.auth.tokens).toEqual(expected);
      expect(problem({ METALAYER_TOKENS_FILE: join(dir, 'missing.json') })).toMatch(/METALAYER_TOKENS_FILE: cannot read .*missing\.json \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad token entries, naming the entry and field and never echoing a value', () => {
    const secret = 'ml_this-is-a-secret-that-must-not-be-echoed-000000';
    const bad = [
      { name: 'alice', sha256: secret, role: 'writer' },
      { name: 'alice', sha256: HASH, role: 'owner' },
      { name: 'carol', sha256: HASH, role: 'admin', projects: ['project/housing'] },
      { name: 'dave', sha256: 'c'.repeat(64), role: 'reader', projects: ['models/m', 'project/ok'] },
      { name: 'erin', sha256: 'd'.repeat(64), role: 'reader', projects: [] },
      { name: 'fay', sha256: 'e'.repeat(64), role: 'reader', token: secret },
    ];
    const message = problem({ METALAYER_TOKENS: JSON.stringify(bad) });
    expect(message).not.toContain(secret);
    for (const expected of [
      /METALAYER_TOKENS\.0\.sha256: expected the SHA-256 of the token/,
      /METALAYER_TOKENS\.1\.role: /,
      /METALAYER_TOKENS\.2\.projects: an admin token cannot be scoped/,
      /METALAYER_TOKENS\.3\.projects\.0: expected a project id/,
      /METALAYER_TOKENS\.4\.projects: expected at least one project/,
      /METALAYER_TOKENS\.5: Unrecognized key: "token"/,
    ]) {
      expect(message).toMatch(expected);
    }
    const twice = [
      { name: 'alice', sha256: HASH, role: 'reader' },
      { name: 'alice', sha256: HASH, role: 'writer' },
    ];
    expect(problem({ METALAYER_TOKENS: JSON.stringify(twice) })).toMatch(
      /METALAYER_TOKENS\.1\.name: the name "alice" is used twice\n {2}METALAYER_TOKENS\.1\.sha256: the same token hash is listed twice/,
    );
    expect(problem({ METALAYER_TOKENS: '[{"name": ' })).toMatch(/METALAYER_TOKENS: expected a JSON array of token entries, but it is not valid JSON/);
    expect(problem({ METALAYER_TOKENS: '[]', METALAYER_TOKENS_FILE: '/x' })).toMatch(/both set/);
  });

  it('reads the OpenLineage namespace map once, as a map from namespace to project id', () => {
    const { config } = loadConfig([], { METALAYER_OPENLINEAGE_NAMESPACES: '{"airflow-prod": "project/churn"}' });
    expect([...config.openLineageNamespaces]).toEqual([['airflow-prod', 'project/churn']]);
    expect(loadConfig([], {}).config.openLineageNamespaces.size).toBe(0);
    expect(problem({ METALAYER_OPENLINEAGE_NAMESPACES: '{"a": ' })).toContain(
      'METALAYER_OPENLINEAGE_NAMESPACES: expected a JSON object such as {"airflow-prod": "project/churn"}',
    );
    expect(problem({ METALAYER_OPENLINEAGE_NAMESPACES: '{"a": "models/m"}' })).toContain(
      'METALAYER_OPENLINEAGE_NAMESPACES.a: expected a project id "project/<key>"',
    );
  });
});
