import { parseArgs } from 'node:util';
import { builtinCatalogue } from '../src/domain/catalogue.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { importGraph } from './bulk-import.js';
import { createVariants } from './variants.js';
import { readWorkloads, type VariantName } from './workloads.js';

/**
 * `NODE_ENV=production node --import tsx bench/interleaved.ts --db FILE --size 1m [--rounds N]`
 *
 * W7 beside W1 and W7-down beside W3, on a database `npm run bench -- --db
 * FILE` loaded, each pair executed alternately, so that a machine whose load
 * changes during the run slows both sides of a ratio alike (the main run
 * measures one workload after another). Prints each p50 and the ratios.
 */
const PAIRS = [
  ['W1', 'W7'],
  ['W3', 'W7-down'],
] as const;

const { values } = parseArgs({
  options: { db: { type: 'string' }, size: { type: 'string', default: '1m' }, seed: { type: 'string', default: '42' }, rounds: { type: 'string', default: '30' } },
});
if (!values.db) throw new Error('--db: the database file an earlier `npm run bench -- --db FILE` loaded');
const assets = Number(values.size.replace(/k$/i, '000').replace(/m$/i, '000000'));
const rounds = Number(values.rounds);

const catalogue = builtinCatalogue();
// The probes of the graph the file holds, regenerated from its size and seed without writing.
const { summary } = await importGraph(null, { assets, seed: Number(values.seed), chunkAssets: 50_000 });
const store = openSqliteStore({ path: values.db, catalogue });
const variants = createVariants(catalogue, await store.sharedSecret('cursor-key'));
const workloads = new Map(readWorkloads(summary.probes).map((workload) => [workload.id, workload]));
const times = new Map<string, number[]>();
const WARMUP = 3;

for (const variant of ['metalayer', 'store'] satisfies VariantName[]) {
  for (let i = 0; i < rounds + WARMUP; i++) {
    for (const id of PAIRS.flat()) {
      const workload = workloads.get(id);
      if (!workload) throw new Error(`no workload ${id}`);
      const started = performance.now();
      await variants.execute(variant, workload, i, store);
      const key = `${id} ${variant}`;
      if (i >= WARMUP) times.set(key, [...(times.get(key) ?? []), performance.now() - started]);
    }
  }
}
await store.close();

const p50 = (key: string) => {
  const sorted = [...(times.get(key) ?? [])].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
for (const variant of ['metalayer', 'store']) {
  for (const [current, asOf] of PAIRS) {
    const [a, b] = [p50(`${asOf} ${variant}`), p50(`${current} ${variant}`)];
    console.log(`${variant}: ${asOf} p50 ${a.toFixed(1)} ms, ${current} p50 ${b.toFixed(1)} ms, ratio ${(a / b).toFixed(2)}`);
  }
}
