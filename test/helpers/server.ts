import { pino } from 'pino';
import { startCore } from '../../src/app/session.js';
import { coreSettings, createMetalayerServer, type MetalayerServer } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { catalogueOf } from '../../src/server/extensions.js';
import type { Store } from '../../src/store/store.js';
import { CATALOGUE, memoryStore } from './assets.js';
import { testExecutor } from './graphql.js';

export interface RunningServer {
  url: string;
  server: MetalayerServer;
  store: Store;
  logs: Record<string, unknown>[];
  /** POSTs a GraphQL request and returns the status and parsed body. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

/**
 * Starts the real HTTP server on a free loopback port over an in-memory
 * store; logs are captured. The executor is METALAYER_EXECUTOR's, unless
 * `env` names one, so one suite runs under either.
 */
export async function startServer(env: Record<string, string> = {}, store?: Store): Promise<RunningServer> {
  const executor = testExecutor();
  const { config } = loadConfig([], { PORT: '0', NODE_ENV: 'test', ...(executor ? { METALAYER_EXECUTOR: executor } : {}), ...env });
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  // The catalogue of the configuration: the built-in one, unless METALAYER_EXTENSIONS names files.
  const catalogue = config.extensions.length > 0 ? catalogueOf(config) : CATALOGUE;
  const opened = store ?? memoryStore(undefined, catalogue);
  const core = await startCore({ store: opened, catalogue, ...coreSettings(config, logger) });
  const server = await createMetalayerServer(config satisfies Config, core, logger);
  const port = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    server,
    store: opened,
    logs,
    post: async (body, headers = {}) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
    },
  };
}
