import type { Catalogue } from '../domain/catalogue.js';
import { assertNever } from '../domain/never.js';
import type { Store } from './store.js';

/** Which engine to open, and its settings. */
export type StoreConfig =
  | { engine: 'sqlite'; path: string }
  | {
      engine: 'arango';
      urls: string[];
      database: string;
      username: string;
      password: string;
      token: string | null;
      graph: string;
      replicationFactor: number | null;
      writeConcern: number | null;
      poolSize: number;
      /** Every AQL query's memory limit, in bytes. */
      queryMemoryLimit: number;
      /** Every AQL query's run-time limit, in seconds. */
      queryMaxRuntime: number;
    };

/** Opens the engine the configuration selects for the server's catalogue; engines load only when chosen. */
export async function openStore(config: StoreConfig, catalogue: Catalogue): Promise<Store> {
  switch (config.engine) {
    case 'sqlite': {
      const { openSqliteStore } = await import('./sqlite/index.js');
      return openSqliteStore({ path: config.path, catalogue });
    }
    case 'arango': {
      const { createArangoStore } = await import('./arango/index.js');
      return createArangoStore({
        urls: config.urls,
        database: config.database,
        auth: config.token ? { token: config.token } : { username: config.username, password: config.password },
        graphName: config.graph,
        replicationFactor: config.replicationFactor ?? undefined,
        writeConcern: config.writeConcern ?? undefined,
        poolSize: config.poolSize,
        memoryLimit: config.queryMemoryLimit,
        maxRuntime: config.queryMaxRuntime,
        catalogue,
      });
    }
    default:
      return assertNever(config, 'store engine');
  }
}
