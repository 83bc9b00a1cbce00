import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtinCatalogue } from '../src/domain/catalogue.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';
import { importGraph } from './bulk-import.js';
import { parseSize } from './size.js';

/**
 * `npm run bench:import -- [--size 100k] [--seed N]`: W6 alone. Imports the
 * generated graph into a new SQLite file in a temporary folder, with the
 * store's own settings (WAL, `synchronous = FULL`), prints one JSON line
 * (items, chunks, seconds inside `importBulk`, items per second) and
 * deletes the file. It only needs `importGraph` and the store, so the same
 * file runs unchanged on older code, for runs back to back against it.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: { size: { type: 'string', default: '100k' }, seed: { type: 'string', default: '42' } },
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, received "${values.seed}"`);
  const dir = mkdtempSync(join(tmpdir(), 'metalayer-import-'));
  try {
    const file = join(dir, 'metalayer.db');
    const store = openSqliteStore({ path: file, catalogue: builtinCatalogue() });
    const { figures } = await importGraph(store, { assets: parseSize(values.size), seed, chunkAssets: 50_000 }).finally(() => store.close());
    console.log(
      JSON.stringify({
        items: figures.assets + figures.edges,
        chunks: figures.chunks,
        importSeconds: Number(figures.importSeconds.toFixed(2)),
        itemsPerSecond: Math.round(figures.itemsPerSecond),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error('usage: npm run bench:import -- [--size 10k|100k|1m] [--seed N]');
  process.exit(1);
});
