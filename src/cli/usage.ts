/** What `--help` prints, per command; the README and docs/operations.md say the same at length. */

export type CommandName = 'serve' | 'seed' | 'token' | 'history';

const SERVE = `Usage: metalayer serve [--demo] [--workers N|auto] [--port N] [--host H] [--store sqlite|arango]
                       [--db PATH] [--log-level LEVEL] [--no-relay-node] [--extensions FILE ...]

Serves GraphQL at /graphql (subscriptions over WebSocket on the same path),
OpenLineage events at /api/v1/lineage and health at /healthz, with the
explorer at / and GraphiQL at /graphql for browsers outside production, until
SIGTERM or SIGINT, closing subscriptions and finishing requests in flight first.

  --demo            load the demo pipeline first when the store is empty
  --workers N       server processes sharing the port, or auto for one per core
                    (METALAYER_WORKERS, default 1); SIGTERM drains them all
  --port N          HTTP port, 0 for any free one (PORT, default 4000)
  --host H          interface to listen on (HOST, default 127.0.0.1)
  --store ENGINE    sqlite or arango (METALAYER_STORE, default sqlite)
  --db PATH         the SQLite file, or :memory: (METALAYER_DB, default ./data/metalayer.db)
  --log-level L     fatal, error, warn, info, debug, trace or silent (LOG_LEVEL, default info)
  --no-relay-node   leave Query.node and nodes out of the schema, for a supergraph
                    in which another subgraph owns them (METALAYER_RELAY_NODE=false)
  --extensions FILE custom kinds and relations declared in SDL; repeat for more
                    (METALAYER_EXTENSIONS, paths separated by commas; docs/extensions.md)

Logs are JSON lines on stdout. Every other setting is an environment
variable; see docs/operations.md.`;

const SEED = `Usage: metalayer seed --demo [--store sqlite|arango] [--db PATH] [--log-level LEVEL] [--extensions FILE ...]

Loads the demo pipeline (24 assets) into the store; loading it twice changes nothing.

  --demo            the demo pipeline, the only seed there is
  --store ENGINE    sqlite or arango (METALAYER_STORE, default sqlite)
  --db PATH         the SQLite file (METALAYER_DB, default ./data/metalayer.db)
  --log-level L     LOG_LEVEL, default info
  --extensions FILE the extension files the server is started with (METALAYER_EXTENSIONS)`;

const TOKEN = `Usage: metalayer token create --name NAME --role reader|writer|admin [--project ID ...]

Makes an API token. Prints the token once, for its holder, and the entry for
the server's tokens file (METALAYER_TOKENS_FILE or METALAYER_TOKENS), which
holds its SHA-256, never the token.

  --name NAME       a unique name; the request log names callers by it
  --role ROLE       reader, writer or admin
  --project ID      scope the token to a project (project/churn); repeat for more.
                    Admin tokens cannot be scoped.`;

const HISTORY = `Usage: metalayer history prune --before INSTANT [--store sqlite|arango] [--db PATH] [--extensions FILE ...]
       metalayer history purge --asset ID [--store sqlite|arango] [--db PATH] [--extensions FILE ...]

The change log is kept forever unless pruned (docs/history.md).

  prune --before INSTANT   drop every change made before INSTANT (2026-01-31, or
                           2026-01-31T12:00:00Z); reads as of an earlier instant
                           are refused from then on
  purge --asset ID         erase a deleted asset's content (its fields before and
                           after each change) from the log, leaving tombstones
  --store ENGINE           sqlite or arango (METALAYER_STORE, default sqlite)
  --db PATH                the SQLite file (METALAYER_DB, default ./data/metalayer.db)
  --extensions FILE        the extension files the server is started with (METALAYER_EXTENSIONS)`;

export const COMMAND_USAGE: Record<CommandName, string> = { serve: SERVE, seed: SEED, token: TOKEN, history: HISTORY };

export const GLOBAL_USAGE = `metalayer: a GraphQL lineage API for machine-learning metadata

Usage: metalayer <command> [flags]

Commands:
  serve           serve GraphQL at /graphql (with --demo, load the demo pipeline first)
  seed --demo     load the demo pipeline into the store
  token create    make an API token
  history prune   drop the change log before an instant
  history purge   erase a deleted asset's content from the change log
  help [command]  print this, or a command's flags

Flags:
  -h, --help      print the usage of metalayer or of a command
  --version       print metalayer's version

Run "metalayer <command> --help" for a command's flags.`;

export function isCommandName(name: string | undefined): name is CommandName {
  return name === 'serve' || name === 'seed' || name === 'token' || name === 'history';
}
