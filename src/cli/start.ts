import type { StoreConfig } from '../store/open.js';

/**
 * A start that cannot go on for a reason the operator can fix (a busy port,
 * an unreadable database): the command line prints its message as one line
 * and exits with code 2, without a stack trace.
 */
export class StartFailure extends Error {
  override readonly name = 'StartFailure';
}

/** Runs one step of the start, turning its failure into a StartFailure that says what could not be done. */
export async function startStep<T>(step: () => Promise<T>, what: string): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new StartFailure(`${what}: ${reasonOf(error)}`);
  }
}

/** What could not be opened, in the operator's words. */
export function describeStore(store: StoreConfig): string {
  return store.engine === 'sqlite'
    ? `cannot open the SQLite database ${store.path}`
    : `cannot open the ArangoDB database "${store.database}" at ${store.urls.join(', ')}`;
}

/** What could not be listened on. */
export function describeListen(host: string, port: number): string {
  return `cannot listen on ${host}:${port}`;
}

/** Known causes, by error code, worded for whoever started the server. */
const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is in use; stop what holds it, or choose another with --port or PORT',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'this machine has no such address; choose another with --host or HOST',
  ENOTFOUND: 'no such host; choose another with --host or HOST',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EEXIST: 'a part of its path is a file, not a folder',
  EISDIR: 'it is a folder',
  EROFS: 'the file system is read-only',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_CANTOPEN: 'the file cannot be opened; check the path and its permissions',
  SQLITE_READONLY: 'the file is read-only',
  SQLITE_CORRUPT: 'the database file is damaged',
  ECONNREFUSED: 'nothing answers at that address',
};

function reasonOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const known = code === undefined ? undefined : REASONS[code];
  if (known) return `${known} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

export interface Endpoints {
  version: string;
  host: string;
  port: number;
  explorer: boolean;
  /** Server processes sharing the port; one is not mentioned. */
  workers?: number;
}

/**
 * The one line a person starting the server reads: where to point a browser
 * or a client. Printed only when stdout is a terminal; the JSON logs say the
 * same for machines.
 */
export function servingLine({ version, host, port, explorer, workers = 1 }: Endpoints): string {
  const paths = [...(explorer ? ['explorer at /'] : []), 'GraphQL at /graphql', 'health at /healthz'];
  const processes = workers > 1 ? ` with ${workers} workers` : '';
  return `metalayer ${version} serving http://${browsableHost(host)}:${port}${processes} — ${paths.join(', ')}`;
}

/** A host a browser can open: the wildcard addresses mean this machine. */
function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
