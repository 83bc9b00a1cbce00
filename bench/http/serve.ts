import { startCore } from '../../src/app/session.js';
import { builtinCatalogue } from '../../src/domain/catalogue.js';
import { createMetalayerServer } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/logger.js';
import { openStore } from '../../src/store/open.js';

/**
 * The HTTP benchmark's server, in a child process so the load generator has
 * the other CPU: metalayer as `metalayer serve` runs it (configuration from
 * flags and the environment, JSON request logs on stdout, the SQLite file
 * given as the only argument). It answers its parent over the IPC channel:
 * `listening` with the port once bound, `memory` when asked `memory` (after
 * a full garbage collection), and it stops gracefully on `stop`.
 */
export type ServerMessage =
  | { type: 'listening'; port: number }
  | { type: 'memory'; maxRssMiB: number; rssMiB: number; heapUsedMiB: number };

async function main(): Promise<void> {
  const [db] = process.argv.slice(2);
  if (!db || !process.send) throw new Error('usage: forked with IPC, the SQLite file as the only argument');
  const send = (message: ServerMessage) => process.send?.(message);
  const { config } = loadConfig(['--db', db, '--port', '0', '--host', '127.0.0.1'], process.env);
  const catalogue = builtinCatalogue();
  const store = await openStore(config.store, catalogue);
  const core = await startCore({
    store,
    catalogue,
    lineageCaps: config.lineageCaps,
    executionTimeoutMs: config.queryLimits.executionTimeoutMs,
    maxResultAssets: config.queryLimits.maxResultAssets,
  });
  const server = await createMetalayerServer(config, core, createLogger(config));
  send({ type: 'listening', port: await server.listen() });

  process.on('message', (message) => {
    if (message === 'memory') {
      // Started with --expose-gc: the heap in use after a full collection is what the server retains.
      globalThis.gc?.();
      const mib = (bytes: number) => bytes / 1_048_576;
      const { rss, heapUsed } = process.memoryUsage();
      send({ type: 'memory', maxRssMiB: process.resourceUsage().maxRSS / 1024, rssMiB: mib(rss), heapUsedMiB: mib(heapUsed) });
    } else if (message === 'stop') {
      void server.stop().then(() => process.exit(0));
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
