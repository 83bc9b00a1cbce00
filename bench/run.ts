import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { builtinCatalogue, type Catalogue } from '../src/domain/catalogue.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/store.js';
import type { GraphSpec, Probes } from './data/generate.js';
import { measureHttp, type HttpOptions } from './http/throughput.js';
import { measureWorkers } from './http/workers.js';
import { importGraph } from './bulk-import.js';
import { measureChangeLog } from './change-log.js';
import type { Budget } from './measure.js';
import { measureReads } from './reads.js';
import { judgeTargets, type BenchResults, type Machine } from './results.js';
import { createVariants } from './variants.js';
import { readWorkloads } from './workloads.js';

/**
 * One benchmark run, start to end: generate the graph and load it through
 * `importBulk` into a SQLite file (W6), measure the read workloads in their
 * three variants (W1–W4), then W4 and W5 over HTTP, W4 and a mixed load with
 * one worker and two, and judge the targets.
 */
export interface BenchOptions {
  graph: GraphSpec;
  /** A database file to use and keep: loaded when missing, reused (W6 skipped) when present. */
  db: string | null;
  budget: Budget;
  remoteBudget: Budget;
  /** Null skips the HTTP runs. */
  http: HttpOptions | null;
  command: string;
}

export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchResults> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const tempDir = options.db ? null : mkdtempSync(join(tmpdir(), 'metalayer-bench-'));
  const dbFile = options.db ?? join(tempDir ?? '.', 'metalayer.db');
  try {
    const reuse = existsSync(dbFile) && statSync(dbFile).size > 0;
    log(reuse ? `reusing ${dbFile}` : `W6: generating ${options.graph.assets} assets into ${dbFile}`);
    // The generated graph holds built-in kinds only.
    const catalogue = builtinCatalogue();
    const loading = openSqliteStore({ path: dbFile, catalogue });
    const { summary, figures: load } = await importGraph(reuse ? null : loading, options.graph).finally(() => loading.close());
    const { probes, ...graph } = summary;
    const changeLog = measureChangeLog(dbFile);

    // The reads start on a fresh connection, as a server that opens the file does.
    const store = openSqliteStore({ path: dbFile, catalogue });
    const reads = await readPhase(store, catalogue, probes, options, dbFile, log).finally(() => store.close());

    log(options.http ? 'HTTP: floor, W4, W5' : 'HTTP: skipped');
    const http = options.http ? await measureHttp(dbFile, probes, options.http) : null;
    if (options.http) log('HTTP: W4 and a mixed load with 1 and 2 workers');
    const workers = options.http ? await measureWorkers(dbFile, probes, options.http) : null;

    const partial: Omit<BenchResults, 'targets'> = {
      command: options.command,
      startedAt,
      durationSeconds: (performance.now() - started) / 1000,
      machine: machine(),
      graph: {
        ...graph,
        seed: options.graph.seed,
        dbFile: tempDir ? '(temporary) metalayer.db' : dbFile,
        dbMiB: statSync(dbFile).size / 1_048_576,
      },
      load: reuse ? null : load,
      changeLog,
      reads: reads.figures,
      checks: reads.checks,
      http,
      workers,
      benchMaxRssMiB: process.resourceUsage().maxRSS / 1024,
    };
    return { ...partial, targets: judgeTargets(partial) };
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

async function readPhase(
  store: Store,
  catalogue: Catalogue,
  probes: Probes,
  options: BenchOptions,
  dbFile: string,
  log: (line: string) => void,
) {
  const [lastPoint] = await store.getAssets([probes.pointIds.at(-1) ?? probes.deepModel]);
  if (!lastPoint) throw new Error(`${dbFile} does not hold the graph of seed ${options.graph.seed} at this size`);
  // The cursor key a server of this database would read at start (startCore).
  const cursorKey = await store.sharedSecret('cursor-key');
  return measureReads(store, readWorkloads(probes), createVariants(catalogue, cursorKey), {
    budget: options.budget,
    remoteBudget: options.remoteBudget,
    remoteWorkloads: ['W1', 'W2'],
  }, log);
}

/** The machine, Node and SQLite library versions, for the record. */
function machine(): Machine {
  const probe = new BetterSqlite3(':memory:');
  const sqlite = probe.prepare('SELECT sqlite_version()').pluck().get() as string;
  probe.close();
  const [cpu] = cpus();
  return {
    cpus: cpus().length,
    cpuModel: cpu?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()}`,
    node: process.version,
    sqlite,
    nodeEnv: process.env['NODE_ENV'] ?? '(unset)',
  };
}
