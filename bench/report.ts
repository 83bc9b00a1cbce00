import { figure, ratio, type BenchResults } from './results.js';
import type { HttpRun } from './http/throughput.js';
import type { Compared } from './http/workers.js';
import type { VariantName } from './workloads.js';

/**
 * The run as plain-text tables: reads (three variants side by side), HTTP,
 * bulk import, memory, and the targets. The same figures are in the JSON.
 */
export function formatReport(results: BenchResults): string {
  const { machine, graph } = results;
  return [
    `metalayer benchmark: ${graph.assets.toLocaleString('en-US')} assets, ${graph.edges.toLocaleString('en-US')} relations (seed ${graph.seed}), ${graph.dbMiB.toFixed(0)} MiB SQLite file`,
    `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}, SQLite ${machine.sqlite}, NODE_ENV=${machine.nodeEnv}`,
    `command: ${results.command}  (${results.durationSeconds.toFixed(0)} s)`,
    '',
    readsTable(results),
    '',
    httpTable(results),
    '',
    workersTable(results),
    '',
    loadLine(results),
    changeLogLine(results),
    memoryLine(results),
    '',
    'targets (set for the 1M-asset graph):',
    ...results.targets.map((t) => `  ${t.met === null ? '–' : t.met ? '✓' : '✗'} ${t.id}: ${t.goal}; measured ${t.measured}`),
  ].join('\n');
}

const VARIANTS: readonly VariantName[] = ['metalayer', 'graphql-js', 'naive', 'store'];

function readsTable(results: BenchResults): string {
  const rows: string[][] = [
    ['workload', 'store link', 'answer', "calls (a/a'/b/c)", "p50 ms (a / a' / b / c)", "p99 ms (a / a' / b / c)", '(a)/(c)', "(a')/(a)", '(b)/(a)'],
  ];
  const groups = [...new Set(results.reads.map((r) => `${r.workload}\u0000${r.link}`))];
  for (const group of groups) {
    const [workload = '', link = ''] = group.split('\u0000');
    const cells = VARIANTS.map((v) => figure(results.reads, workload, link, v));
    const answer = results.checks.find((c) => c.workload === workload)?.answerAssets;
    rows.push([
      workload,
      link,
      answer === undefined ? '' : `${answer}`,
      cells.map((c) => (c ? `${c.calls}` : '–')).join(' / '),
      cells.map((c) => (c ? ms(c.latency.p50) : '–')).join(' / '),
      cells.map((c) => (c ? ms(c.latency.p99) : '–')).join(' / '),
      times(ratio(results.reads, workload, link, 'metalayer', 'store')),
      times(ratio(results.reads, workload, link, 'graphql-js', 'metalayer')),
      times(ratio(results.reads, workload, link, 'naive', 'metalayer')),
    ]);
  }
  const titles = [...new Map(results.reads.map((r) => [r.workload, r.title])).entries()].map(([id, title]) => `  ${id}: ${title}`);
  return [
    "reads — (a) metalayer (graphql-jit, the default executor), (a') metalayer on graphql-js (W1–W4), (b) naive resolvers (graphql-js), (c) raw store calls; calls per operation, latency per operation",
    ...titles,
    table(rows),
  ].join('\n');
}

function httpTable(results: BenchResults): string {
  const http = results.http;
  if (!http) return 'HTTP: not run';
  const row = (name: string, run: HttpRun) => [
    name,
    Math.round(run.requestsPerSecond).toLocaleString('en-US'),
    `${run.p50}`,
    `${run.p99}`,
    `${run.failures}`,
  ];
  const { connections, seconds, rounds } = http.options;
  return [
    `HTTP over loopback, autocannon, ${connections} connections, ${rounds} rounds of ${seconds} s each, floor and W4 alternating (server in its own process, NODE_ENV=production)`,
    table([
      ['operation', 'requests/s', 'p50 ms', 'p99 ms', 'failures'],
      row('{ __typename } (floor)', http.floor),
      row('W4 point lookup', http.pointLookup),
      row('W5 logRun mutation', http.logRun),
      row('W11 OpenLineage event (events/s)', http.openLineage),
    ]),
    `W4 / floor = ${http.pointLookupShareOfFloor.toFixed(2)}`,
  ].join('\n');
}

function workersTable(results: BenchResults): string {
  const workers = results.workers;
  if (!workers) return 'HTTP with workers: not run';
  const rps = (run: HttpRun) => Math.round(run.requestsPerSecond).toLocaleString('en-US');
  const row = (name: string, compared: Compared) => [
    name,
    rps(compared.one),
    rps(compared.two),
    `${compared.ratio.toFixed(2)}×`,
    `${compared.one.p99} / ${compared.two.p99}`,
    `${compared.one.failures + compared.two.failures}`,
  ];
  const load = (averages: readonly number[]) => averages.map((average) => average.toFixed(2)).join(', ');
  return [
    `HTTP with workers: metalayer serve --workers 1 and 2 (the command line's server), rounds alternating; ` +
      `autocannon shares the ${workers.cpus} cores with the workers, so two workers compete with the load generator`,
    table([
      ['operation', '1 worker req/s', '2 workers req/s', '2 / 1', 'p99 ms (1 / 2)', 'failures'],
      row('W4 point lookup', workers.pointLookup),
      row(`mixed: W4, and W5 logRun for ${Math.round(workers.mixedWriteShare * 100)}%`, workers.mixed),
    ]),
    `load average (1, 5, 15 min) before: ${load(workers.loadBefore)}; after: ${load(workers.loadAfter)}`,
  ].join('\n');
}

function loadLine(results: BenchResults): string {
  const load = results.load;
  if (!load) return 'W6 bulk import: not run (an existing database file was reused)';
  const per = Math.round(load.itemsPerSecond).toLocaleString('en-US');
  return (
    `W6 bulk import: ${(load.assets + load.edges).toLocaleString('en-US')} assets and relations in ${load.chunks} importBulk calls, ` +
    `${load.importSeconds.toFixed(1)} s in the store (${per} per second; generating took ${load.generateSeconds.toFixed(1)} s more)`
  );
}

function changeLogLine(results: BenchResults): string {
  const log = results.changeLog;
  return (
    `change log on disk: ${log.changes.toLocaleString('en-US')} changes and ${log.spans.toLocaleString('en-US')} relation spans in ` +
    `${(log.bytes / 1_048_576).toFixed(1)} MiB, ${Math.round(log.bytesPerChange)} bytes per change ` +
    `(the assets and relations themselves: ${Math.round(log.bytesPerItem)} bytes each)`
  );
}

function memoryLine(results: BenchResults): string {
  const http = results.http;
  const server = http
    ? `; HTTP server ${http.server.maxRssMiB.toFixed(0)} MiB after W4 and W5 (heap retained ${http.server.heapUsedMiB.toFixed(0)} MiB), ` +
      `${http.afterLineages.maxRssMiB.toFixed(0)} MiB after ${http.afterLineages.lineages} of the largest lineages (heap retained ${http.afterLineages.heapUsedMiB.toFixed(0)} MiB)`
    : '';
  return `peak memory (maxRSS): benchmark process ${results.benchMaxRssMiB.toFixed(0)} MiB (generation, import, reads)${server}`;
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

function times(value: number | null): string {
  return value === null ? '–' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×`;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
