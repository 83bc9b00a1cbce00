import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.js';

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

  it('refuses bad settings with a message naming each one', () => {
    expect(() => loadConfig([], { PORT: '70000', METALAYER_STORE: 'postgres' })).toThrow(ConfigError);
    try {
      loadConfig([], { PORT: '70000', METALAYER_STORE: 'postgres' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT: .*\n.*METALAYER_STORE: /);
    }
    expect(() => loadConfig(['--nope'], {})).toThrow(/Unknown option '--nope'/);
  });
});
