import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatReport } from './report.js';
import { runBench, type BenchOptions } from './run.js';
import { parseSize } from './size.js';

/**
 * `npm run bench -- [--size 10k|100k|1m] [--seed N] [--db FILE] [--out FILE] [--quick] [--no-http]`
 *
 * Prints the tables and writes every figure as JSON (bench/results/latest.json
 * by default). `--db` keeps the loaded database in FILE, and a later run with
 * the same FILE, size and seed reuses it (skipping W6). `--quick` shortens
 * every measurement, for a look rather than a figure.
 */
const USAGE = 'usage: npm run bench -- [--size 10k|100k|1m] [--seed N] [--db FILE] [--out FILE] [--quick] [--no-http]';

export function parseOptions(argv: readonly string[]): { options: BenchOptions; out: string } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      size: { type: 'string', default: '1m' },
      seed: { type: 'string', default: '42' },
      db: { type: 'string' },
      out: { type: 'string', default: fileURLToPath(new URL('./results/latest.json', import.meta.url)) },
      quick: { type: 'boolean', default: false },
      'no-http': { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, received "${values.seed}"`);
  const quick = values.quick;
  return {
    out: values.out,
    options: {
      graph: { assets: parseSize(values.size), seed, chunkAssets: 50_000 },
      db: values.db ?? null,
      budget: quick ? { warmup: 1, minRuns: 3, maxRuns: 50, ms: 300 } : { warmup: 3, minRuns: 10, maxRuns: 2000, ms: 3000 },
      remoteBudget: quick ? { warmup: 0, minRuns: 2, maxRuns: 20, ms: 300 } : { warmup: 1, minRuns: 5, maxRuns: 500, ms: 3000 },
      http: values['no-http']
        ? null
        : { rounds: quick ? 1 : 3, seconds: quick ? 2 : 5, warmupSeconds: quick ? 1 : 3, connections: 10, lineages: quick ? 2 : 10 },
      command: argv.length > 0 ? `npm run bench -- ${argv.join(' ')}` : 'npm run bench',
    },
  };
}

async function main(): Promise<void> {
  const { options, out } = parseOptions(process.argv.slice(2));
  const results = await runBench(options, (line) => console.error(line));
  console.log(formatReport(results));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nfigures written to ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
