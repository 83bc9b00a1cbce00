import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Probes } from '../data/generate.js';
import { DOWNSTREAM_LINEAGE, POINT_LOOKUP } from '../workloads.js';
import type { ServerMessage } from './serve.js';

/**
 * Throughput over loopback HTTP: the server in a child process
 * (http/serve.ts), autocannon in this one, each with a CPU. The floor
 * (`{ __typename }`, the framework's own cost) and W4 point lookups (ids
 * spread across the graph) alternate round by round, so a change in the
 * machine's speed hits both alike; then W5 logRun mutations with fresh run
 * ids (each one durable transaction, `synchronous = FULL`), and W11
 * OpenLineage run events posted to /api/v1/lineage (openLineageBody). An
 * answer with errors counts as a failure, not as throughput. Last, the server
 * answers the largest lineages W3 asks for (10,000 assets; 100,000 visited)
 * and its memory is read again.
 */
export interface HttpOptions {
  /** Rounds per operation, each `seconds` long, after one warm-up of `warmupSeconds`. */
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** How many times each of the largest lineages is asked for. */
  lineages: number;
}

export interface HttpRun {
  requestsPerSecond: number;
  /** The median of the rounds' medians, in ms. */
  p50: number;
  /** The worst of the rounds' 99th percentiles, in ms. */
  p99: number;
  requests: number;
  /** Connection errors, non-2xx answers and answers carrying GraphQL errors. */
  failures: number;
}

export interface HttpFigures {
  options: HttpOptions;
  floor: HttpRun;
  pointLookup: HttpRun;
  logRun: HttpRun;
  /** W11: OpenLineage run events ingested, in events per second. */
  openLineage: HttpRun;
  /** W4's throughput as a share of the floor's. */
  pointLookupShareOfFloor: number;
  /** The server's memory after W4 and W5, and after the largest lineages. */
  server: ServerMemory;
  afterLineages: ServerMemory & { lineages: number };
}

export interface ServerMemory {
  /** The process's peak resident memory so far; V8 collects lazily, so it includes garbage. */
  maxRssMiB: number;
  rssMiB: number;
  /** The heap still in use after a full garbage collection: what the server retains. */
  heapUsedMiB: number;
}

export type Body = (i: number) => string;

export async function measureHttp(db: string, probes: Probes, options: HttpOptions): Promise<HttpFigures> {
  const server = await startServer(db);
  return measureOneServer(server, probes, options).finally(() => server.stop());
}

async function measureOneServer(server: RunningServer, probes: Probes, options: HttpOptions): Promise<HttpFigures> {
  const url = `http://127.0.0.1:${server.port}/graphql`;
  const floor = operation(url, () => JSON.stringify({ query: '{ __typename }' }), options);
  const pointLookup = operation(url, pointLookupBody(probes), options);
  const logRun = operation(url, logRunBody(probes), options);
  const openLineage = operation(`http://127.0.0.1:${server.port}/api/v1/lineage`, openLineageBody(), options);
  await floor.warmUp();
  await pointLookup.warmUp();
  for (let round = 0; round < options.rounds; round++) {
    await floor.round();
    await pointLookup.round();
  }
  await logRun.warmUp();
  for (let round = 0; round < options.rounds; round++) await logRun.round();
  await openLineage.warmUp();
  for (let round = 0; round < options.rounds; round++) await openLineage.round();
  const memory = await server.memory();
  const lineages = await serveLargestLineages(url, probes, options.lineages);
  const [floorRun, pointLookupRun] = [floor.result(), pointLookup.result()];
  return {
    options,
    floor: floorRun,
    pointLookup: pointLookupRun,
    logRun: logRun.result(),
    openLineage: openLineage.result(),
    pointLookupShareOfFloor: pointLookupRun.requestsPerSecond / floorRun.requestsPerSecond,
    server: memory,
    afterLineages: { ...(await server.memory()), lineages },
  };
}

export function pointLookupBody(probes: Probes): Body {
  return (i) => JSON.stringify({ query: POINT_LOOKUP, variables: { id: probes.pointIds[i % probes.pointIds.length] } });
}

const LOG_RUN = /* GraphQL */ `
  mutation W5($input: LogRunInput!) { logRun(input: $input) { run { id status } } }`;

/** W5's bodies: fresh run ids under `prefix`, which must differ between the operations of one run. */
export function logRunBody(probes: Probes, prefix = `bench-${Date.now().toString(36)}`): Body {
  return (i) => {
    const input = probes.runInputs[i % probes.runInputs.length];
    if (!input) throw new Error('the generated graph has no logRun inputs');
    return JSON.stringify({
      query: LOG_RUN,
      variables: {
        input: {
          runId: `${prefix}-${i}`,
          ...input,
          params: { learning_rate: 0.01, max_depth: 1 + (i % 10) },
          metrics: [{ name: 'auc', value: 0.8 }, { name: 'logloss', value: 0.31 }],
          startedAt: '2026-01-10T09:00:00Z',
          endedAt: '2026-01-10T10:00:00Z',
        },
      },
    });
  };
}

/** The source tables W11's jobs read: a pool, so that most events find their inputs stored. */
const SOURCE_TABLES = 100;

/**
 * W11: the events of fresh runs of an extract job, as the Airflow provider
 * posts them: a START then a COMPLETE per run, each reading one of
 * SOURCE_TABLES Postgres tables and writing a file of its own on S3, with
 * the facets a real event carries (parent, schema, dataSource, output
 * statistics). Each event is one unit of work.
 */
function openLineageBody(): Body {
  const prefix = `w11-${Date.now().toString(36)}`;
  const producer = 'https://github.com/apache/airflow/tree/providers-openlineage/1.12.2';
  return (i) => {
    const run = Math.floor(i / 2);
    const complete = i % 2 === 1;
    const table = `shop.public.orders_${run % SOURCE_TABLES}`;
    return JSON.stringify({
      eventType: complete ? 'COMPLETE' : 'START',
      eventTime: new Date(Date.UTC(2026, 0, 10, 2, 0, complete ? 30 : 0) + run * 60_000).toISOString(),
      producer,
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: {
        runId: `${prefix}-${run}`,
        facets: { parent: { _producer: producer, run: { runId: `${prefix}-dag-${Math.floor(run / 10)}` }, job: { namespace: 'airflow-bench', name: 'orders_daily' } } },
      },
      job: { namespace: 'airflow-bench', name: 'orders_daily.extract', facets: {} },
      inputs: [
        {
          namespace: 'postgres://orders-db:5432',
          name: table,
          facets: {
            schema: { _producer: producer, fields: [{ name: 'order_id', type: 'bigint' }, { name: 'amount', type: 'numeric' }] },
            dataSource: { _producer: producer, name: 'postgres://orders-db:5432', uri: 'postgres://orders-db:5432/shop' },
          },
        },
      ],
      outputs: [
        {
          namespace: 's3://lake',
          name: `/staging/${prefix}/${run}`,
          ...(complete ? { outputFacets: { outputStatistics: { _producer: producer, rowCount: 1000 + run, size: 65_536 } } } : {}),
        },
      ],
    });
  };
}

/** W3 at the largest limit and W3 bounded by the visit limit, one after the other; returns how many were answered. */
async function serveLargestLineages(url: string, probes: Probes, times: number): Promise<number> {
  const variables = [{ id: probes.rootDataset, limit: 10_000 }, { id: probes.rootDataset, kinds: ['DEPLOYMENT'] }];
  let answered = 0;
  for (let i = 0; i < times; i++) {
    for (const v of variables) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: DOWNSTREAM_LINEAGE, variables: v }),
      });
      const body = (await response.json()) as { errors?: unknown };
      if (!response.ok || body.errors) throw new Error(`the largest lineage failed: ${JSON.stringify(body.errors)}`);
      answered++;
    }
  }
  return answered;
}

interface Round {
  ok: number;
  seconds: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

/** One operation under load, measured over rounds; the request counter runs on across rounds. */
export function operation(url: string, body: Body, options: HttpOptions) {
  let sent = 0;
  const rounds: Round[] = [];
  const attack = async (seconds: number): Promise<Round> => {
    let graphqlErrors = 0;
    const result = await autocannon({
      url,
      connections: options.connections,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request) => ({ ...request, body: body(sent++) }),
          onResponse: (_status, response) => {
            if (response.includes('"errors"')) graphqlErrors++;
          },
        },
      ],
    });
    return {
      ok: result['2xx'] - graphqlErrors,
      seconds: result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      requests: result.requests.total,
      failures: result.errors + result.non2xx + graphqlErrors,
    };
  };
  return {
    warmUp: async () => void (options.warmupSeconds > 0 && (await attack(options.warmupSeconds))),
    round: async () => void rounds.push(await attack(options.seconds)),
    result(): HttpRun {
      const sum = (pick: (r: Round) => number) => rounds.reduce((total, r) => total + pick(r), 0);
      const p50s = rounds.map((r) => r.p50).sort((a, b) => a - b);
      return {
        requestsPerSecond: sum((r) => r.ok) / sum((r) => r.seconds),
        p50: p50s[Math.floor(p50s.length / 2)] ?? 0,
        p99: Math.max(0, ...rounds.map((r) => r.p99)),
        requests: sum((r) => r.requests),
        failures: sum((r) => r.failures),
      };
    },
  };
}

interface RunningServer {
  port: number;
  memory(): Promise<ServerMemory>;
  stop(): Promise<void>;
}

async function startServer(db: string): Promise<RunningServer> {
  const child = fork(fileURLToPath(new URL('./serve.ts', import.meta.url)), [db], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const listening = await nextMessage(child, 'listening');
  return {
    port: listening.port,
    memory: async () => {
      child.send('memory');
      const { type: _type, ...memory } = await nextMessage(child, 'memory');
      return memory;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

function nextMessage<T extends ServerMessage['type']>(child: ChildProcess, type: T): Promise<Extract<ServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<ServerMessage, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`the benchmark server exited (${code}) before "${type}"`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
