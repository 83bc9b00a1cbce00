import { existsSync } from 'node:fs';
import type { Catalogue } from '../domain/catalogue.js';
import { MetalayerError } from '../domain/errors.js';
import { parseId } from '../domain/ids.js';
import { parseInstant } from '../domain/instants.js';
import { ConfigError, type Config } from '../server/config.js';
import type { Store } from '../store/store.js';

/**
 * `metalayer history prune --before <instant>` and `metalayer history purge
 * --asset <id>`: retention and erasure of the change log, run by an
 * operator against the store. Each prints one sentence saying what it did;
 * a refusal is a ConfigError (one line on stderr, exit code 2).
 */

export type HistoryAction = { action: 'prune'; before: string } | { action: 'purge'; asset: string };

/**
 * Takes the history subcommand and its own flag out of `argv`, leaving the
 * flags every command shares (`--store`, `--db`…) for the configuration.
 */
export function parseHistoryArgs(argv: readonly string[], now: Date, usage: string): { action: HistoryAction; rest: string[] } {
  const [subcommand, ...flags] = argv;
  if (subcommand === 'prune') {
    const { value, rest } = takeFlag(flags, '--before', usage);
    const before = parseInstant(value);
    if (before === null) throw new ConfigError(`--before: expected an instant such as 2026-01-31 or 2026-01-31T12:00:00Z, received "${value}"`);
    if (before > now.toISOString()) throw new ConfigError(`--before: ${before} is in the future; history can only be pruned up to now`);
    return { action: { action: 'prune', before }, rest };
  }
  if (subcommand === 'purge') {
    const { value, rest } = takeFlag(flags, '--asset', usage);
    return { action: { action: 'purge', asset: value }, rest };
  }
  throw new ConfigError(`Expected "metalayer history prune --before INSTANT" or "metalayer history purge --asset ID"\n\n${usage}`);
}

/**
 * Refuses a purge of an id that names no kind of the catalogue (the
 * server's, extensions included, so known only once the configuration is read).
 */
export function checkHistoryAction(action: HistoryAction, catalogue: Catalogue): void {
  if (action.action !== 'purge') return;
  try {
    parseId(action.asset, ['asset'], catalogue);
  } catch (error) {
    if (error instanceof MetalayerError) throw new ConfigError(`--asset: ${error.detail}`);
    throw error;
  }
}

/**
 * Refuses a SQLite database file that does not exist: opening one creates
 * it, so a mistyped `--db` would prune or purge a new empty database and
 * report success. History commands work on an existing store only.
 */
export function checkHistoryStore(action: HistoryAction, store: Config['store']): void {
  if (store.engine !== 'sqlite' || store.path === ':memory:' || existsSync(store.path)) return;
  throw new ConfigError(`--db: no SQLite database at ${store.path}; history ${action.action} works on an existing one`);
}

/** The value of `--name VALUE` or `--name=VALUE`, and the other arguments. */
function takeFlag(argv: readonly string[], name: string, usage: string): { value: string; rest: string[] } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === name) {
      value = argv[i + 1];
      i++;
    } else if (arg.startsWith(`${name}=`)) {
      value = arg.slice(name.length + 1);
    } else {
      rest.push(arg);
    }
  }
  if (value === undefined || value === '') throw new ConfigError(`${name} is required\n\n${usage}`);
  return { value, rest };
}

/** Runs the action and returns the sentence that says what it did. */
export async function runHistoryAction(store: Store, action: HistoryAction): Promise<string> {
  try {
    if (action.action === 'prune') {
      const pruned = await store.pruneHistory(action.before);
      const start = (await store.historyStart()) ?? action.before;
      const dropped = pruned === 0 ? 'No change was older' : `Dropped ${count(pruned, 'change')} made before ${action.before}`;
      return `${dropped}. History now starts at ${start}: reads as of an earlier instant are refused.`;
    }
    const purged = await store.purgeHistory(action.asset);
    if (purged === 0) return `Nothing left to erase of ${action.asset}: its changes were erased already.`;
    return `Erased the content of ${count(purged, 'change')} of ${action.asset}; their tombstones keep when, by whom and what was done.`;
  } catch (error) {
    if (error instanceof MetalayerError) throw new ConfigError(`history ${action.action}: ${error.detail}`);
    throw error;
  }
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
