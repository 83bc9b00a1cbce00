import type { Database } from 'better-sqlite3';
import type { Catalogue } from '../../domain/catalogue.js';

/**
 * Versioned schema migrations, applied in order inside one transaction each;
 * `PRAGMA user_version` records the last one applied. A migration, once
 * released, never changes: it is frozen SQL text, and later changes are new
 * migrations. What depends on the catalogue (which kinds exist, which kinds
 * each relation joins) is not migrated but kept in tables that
 * `syncCatalogue` rewrites at every start, so a database made by an older
 * version accepts kinds added later.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const BUILTIN_KINDS_LIST = `'PROJECT', 'DATASET', 'FEATURESET', 'MODEL', 'RUN', 'MODEL_PARAMS', 'DEV_PERF', 'DEPLOYMENT', 'SERVING_PERF'`;

/** Migration 1 as released: the kinds and relations of that version were written into it. */
const MIGRATION_1 = `
  CREATE TABLE assets (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN (${BUILTIN_KINDS_LIST})),
    key         TEXT NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) > 0),
    version     TEXT,
    tag         TEXT,
    fields      TEXT NOT NULL CHECK (json_valid(fields) AND json_type(fields) = 'object'),
    properties  TEXT NOT NULL CHECK (json_valid(properties) AND json_type(properties) = 'object'),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  ) STRICT;

  -- A named kind's (name, version) is unique; a missing version counts as one value.
  CREATE UNIQUE INDEX assets_name_version ON assets (kind, name, ifnull(version, ''))
    WHERE kind IN ('PROJECT', 'DATASET', 'FEATURESET', 'MODEL', 'DEPLOYMENT');
  CREATE INDEX assets_created ON assets (created_at, id);
  CREATE INDEX assets_kind_created ON assets (kind, created_at, id);
  CREATE INDEX assets_tag_created ON assets (tag, created_at, id) WHERE tag IS NOT NULL;

  CREATE TABLE relation_kinds (
    relation  TEXT NOT NULL,
    from_kind TEXT NOT NULL,
    to_kind   TEXT NOT NULL,
    PRIMARY KEY (relation, from_kind, to_kind)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO relation_kinds (relation, from_kind, to_kind) VALUES
    ('project_models', 'PROJECT', 'MODEL'),
    ('run_models', 'MODEL', 'RUN'),
    ('run_modelparams', 'RUN', 'MODEL_PARAMS'),
    ('run_datasets', 'RUN', 'DATASET'),
    ('run_featuresets', 'RUN', 'FEATURESET'),
    ('run_devperf', 'RUN', 'DEV_PERF'),
    ('featureset_dataset', 'FEATURESET', 'DATASET'),
    ('deployment_model', 'DEPLOYMENT', 'MODEL'),
    ('deployment_modelparams', 'DEPLOYMENT', 'MODEL_PARAMS'),
    ('deployment_featureset', 'DEPLOYMENT', 'FEATURESET'),
    ('deployment_servingperf', 'DEPLOYMENT', 'SERVING_PERF');
  WITH k(kind) AS (VALUES ('PROJECT'), ('DATASET'), ('FEATURESET'), ('MODEL'), ('RUN'), ('MODEL_PARAMS'),
                          ('DEV_PERF'), ('DEPLOYMENT'), ('SERVING_PERF'))
  INSERT INTO relation_kinds (relation, from_kind, to_kind)
    SELECT 'derived_from', f.kind, t.kind FROM k f, k t;

  -- The rowid orders a vertex's relations oldest first; both directions are indexed.
  CREATE TABLE edges (
    from_id    TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    relation   TEXT NOT NULL,
    to_id      TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (from_id, relation, to_id),
    CHECK (from_id <> to_id)
  ) STRICT;
  CREATE INDEX edges_to ON edges (to_id, relation, from_id);

  CREATE TRIGGER edges_fit_relation BEFORE INSERT ON edges
  WHEN NOT EXISTS (
    SELECT 1 FROM relation_kinds rk
    JOIN assets f ON f.id = NEW.from_id
    JOIN assets t ON t.id = NEW.to_id
    WHERE rk.relation = NEW.relation AND rk.from_kind = f.kind AND rk.to_kind = t.kind
  )
  BEGIN
    SELECT RAISE(ABORT, 'edge does not fit its relation');
  END;
`;

/**
 * Migration 2: the kinds leave the table definition. The CHECK on
 * `assets.kind` listed migration 1's kinds, and SQLite cannot alter a
 * CHECK, so the table is rebuilt (SQLite's documented procedure, with
 * foreign keys off: see `migrate`) and a trigger reading the `kinds` table
 * takes the CHECK's place. Two small tables join: `counters` (the commit
 * revision) and `secrets` (values made once and shared by every server on
 * this database, such as the cursor key).
 */
const MIGRATION_2 = `
  CREATE TABLE kinds (
    kind       TEXT PRIMARY KEY,
    collection TEXT NOT NULL UNIQUE,
    named      INTEGER NOT NULL CHECK (named IN (0, 1))
  ) STRICT, WITHOUT ROWID;

  DROP TRIGGER edges_fit_relation;
  CREATE TABLE assets_rebuilt (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) > 0),
    version     TEXT,
    tag         TEXT,
    fields      TEXT NOT NULL CHECK (json_valid(fields) AND json_type(fields) = 'object'),
    properties  TEXT NOT NULL CHECK (json_valid(properties) AND json_type(properties) = 'object'),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  ) STRICT;
  INSERT INTO assets_rebuilt (id, kind, key, name, version, tag, fields, properties, created_at, updated_at)
    SELECT id, kind, key, name, version, tag, fields, properties, created_at, updated_at FROM assets;
  DROP TABLE assets;
  ALTER TABLE assets_rebuilt RENAME TO assets;

  CREATE UNIQUE INDEX assets_name_version ON assets (kind, name, ifnull(version, ''))
    WHERE kind IN ('PROJECT', 'DATASET', 'FEATURESET', 'MODEL', 'DEPLOYMENT');
  CREATE INDEX assets_created ON assets (created_at, id);
  CREATE INDEX assets_kind_created ON assets (kind, created_at, id);
  CREATE INDEX assets_tag_created ON assets (tag, created_at, id) WHERE tag IS NOT NULL;

  CREATE TRIGGER assets_kind_known BEFORE INSERT ON assets
  WHEN NOT EXISTS (SELECT 1 FROM kinds WHERE kind = NEW.kind)
  BEGIN
    SELECT RAISE(ABORT, 'asset of a kind the catalogue does not declare');
  END;

  CREATE TRIGGER edges_fit_relation BEFORE INSERT ON edges
  WHEN NOT EXISTS (
    SELECT 1 FROM relation_kinds rk
    JOIN assets f ON f.id = NEW.from_id
    JOIN assets t ON t.id = NEW.to_id
    WHERE rk.relation = NEW.relation AND rk.from_kind = f.kind AND rk.to_kind = t.kind
  )
  BEGIN
    SELECT RAISE(ABORT, 'edge does not fit its relation');
  END;

  CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  INSERT INTO counters (name, value) VALUES ('revision', 0);

  CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
`;

/**
 * Migration 3: metric series. Each point belongs to a development
 * performance (deleted with it); `seq` orders points by when they were
 * received. The index answers a series, and a name's latest point, reading
 * only that performance's points of that name; `batch_key` the retry of a
 * keyed call.
 */
const MIGRATION_3 = `
  CREATE TABLE metric_points (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    devperf_id TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    at         TEXT NOT NULL,
    step       INTEGER,
    value      REAL NOT NULL,
    batch_key  TEXT
  ) STRICT;
  CREATE INDEX metric_points_series ON metric_points (devperf_id, name, at, step, seq);
  CREATE INDEX metric_points_batch ON metric_points (devperf_id, batch_key, seq) WHERE batch_key IS NOT NULL;
`;

/**
 * Migration 4: the latest value of every metric of every development
 * performance, with the run that measured it, kept by triggers as the
 * performance's `metrics` and its `run_devperf` relation change (through
 * `commit` and `importBulk` alike). The index serves a leaderboard: one
 * metric's runs in value order, read from the start of the range, never
 * every run. `run_id` is null while the performance has no run; where one
 * has several, it is the oldest relation's run.
 */
const MIGRATION_4 = `
  CREATE TABLE metric_latest (
    devperf_id TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      REAL NOT NULL,
    run_id     TEXT,
    PRIMARY KEY (devperf_id, name)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX metric_latest_rank ON metric_latest (name, value, run_id);

  CREATE TRIGGER metric_latest_insert AFTER INSERT ON assets WHEN NEW.kind = 'DEV_PERF'
  BEGIN
    INSERT INTO metric_latest (devperf_id, name, value, run_id)
      SELECT NEW.id, m.key, m.value,
        (SELECT e.from_id FROM edges e WHERE e.to_id = NEW.id AND e.relation = 'run_devperf' ORDER BY e.rowid LIMIT 1)
      FROM json_each(NEW.fields, '$.metrics') m WHERE m.type IN ('integer', 'real');
  END;

  CREATE TRIGGER metric_latest_update AFTER UPDATE OF fields ON assets WHEN NEW.kind = 'DEV_PERF'
  BEGIN
    DELETE FROM metric_latest WHERE devperf_id = NEW.id;
    INSERT INTO metric_latest (devperf_id, name, value, run_id)
      SELECT NEW.id, m.key, m.value,
        (SELECT e.from_id FROM edges e WHERE e.to_id = NEW.id AND e.relation = 'run_devperf' ORDER BY e.rowid LIMIT 1)
      FROM json_each(NEW.fields, '$.metrics') m WHERE m.type IN ('integer', 'real');
  END;

  CREATE TRIGGER metric_latest_run_added AFTER INSERT ON edges WHEN NEW.relation = 'run_devperf'
  BEGIN
    UPDATE metric_latest SET run_id = NEW.from_id WHERE devperf_id = NEW.to_id AND run_id IS NULL;
  END;

  CREATE TRIGGER metric_latest_run_removed AFTER DELETE ON edges WHEN OLD.relation = 'run_devperf'
  BEGIN
    UPDATE metric_latest
      SET run_id = (SELECT e.from_id FROM edges e WHERE e.to_id = OLD.to_id AND e.relation = 'run_devperf' ORDER BY e.rowid LIMIT 1)
      WHERE devperf_id = OLD.to_id AND run_id = OLD.from_id;
  END;

  INSERT INTO metric_latest (devperf_id, name, value, run_id)
    SELECT a.id, m.key, m.value,
      (SELECT e.from_id FROM edges e WHERE e.to_id = a.id AND e.relation = 'run_devperf' ORDER BY e.rowid LIMIT 1)
    FROM assets a, json_each(a.fields, '$.metrics') m
    WHERE a.kind = 'DEV_PERF' AND m.type IN ('integer', 'real');
`;

/**
 * Migration 5: the change log (domain/changes.ts). `changes` holds one row
 * per change, its sequence the AUTOINCREMENT rowid (never reused);
 * `edge_spans` one row per time a relation existed, from the sequence of
 * the change that linked it to the one that unlinked it (null while it
 * exists); `history_meta` the history's `start` once pruned. What the
 * database holds already is the baseline: one CREATE per asset at its
 * creation and one LINK per relation at its creation, by `unknown`, in
 * (instant, asset before relation, id) order, as one unit of work
 * (transaction `baseline`).
 */
const MIGRATION_5 = `
  CREATE TABLE changes (
    sequence  INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('CREATE', 'UPDATE', 'DELETE', 'LINK', 'UNLINK')),
    asset_id  TEXT NOT NULL,
    kind      TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    relation  TEXT,
    from_id   TEXT,
    to_id     TEXT,
    source    TEXT NOT NULL,
    tx        TEXT NOT NULL
  ) STRICT;
  CREATE INDEX changes_asset ON changes (asset_id, sequence);
  CREATE INDEX changes_to ON changes (to_id, sequence) WHERE to_id IS NOT NULL;
  CREATE INDEX changes_at ON changes (at);

  CREATE TABLE edge_spans (
    from_id  TEXT NOT NULL,
    relation TEXT NOT NULL,
    to_id    TEXT NOT NULL,
    linked   INTEGER NOT NULL,
    unlinked INTEGER
  ) STRICT;
  CREATE INDEX edge_spans_from ON edge_spans (from_id, relation, linked);
  CREATE INDEX edge_spans_to ON edge_spans (to_id, relation, linked);

  CREATE TABLE history_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;

  INSERT INTO changes (at, actor, operation, asset_id, kind, before, after, relation, from_id, to_id, source, tx)
    SELECT at, 'unknown', operation, asset_id, kind, NULL, after, relation, from_id, to_id, 'baseline', 'baseline'
    FROM (
      SELECT a.created_at AS at, 0 AS edge, a.rowid AS n, 'CREATE' AS operation, a.id AS asset_id, a.kind AS kind,
        json_set(a.fields, '$.name', a.name, '$.version', a.version, '$.tag', a.tag, '$.properties', json(a.properties)) AS after,
        NULL AS relation, NULL AS from_id, NULL AS to_id
      FROM assets a
      UNION ALL
      SELECT e.created_at, 1, e.rowid, 'LINK', e.from_id, f.kind, NULL, e.relation, e.from_id, e.to_id
      FROM edges e JOIN assets f ON f.id = e.from_id
    )
    ORDER BY at, edge, asset_id, n;
  INSERT INTO edge_spans (from_id, relation, to_id, linked, unlinked)
    SELECT from_id, relation, to_id, sequence, NULL FROM changes WHERE operation = 'LINK' ORDER BY sequence;
`;

/**
 * Migration 6: indexes for reads as of an instant. A lineage step along the
 * spans, and a relation field, read every column they need from the
 * spans' indexes, which become covering (same leading columns, so what
 * used them still does); an asset's state at a sequence, and whether it
 * existed then, is one seek of an index of its state changes alone,
 * skipping its relations' changes, without reading the change rows.
 */
const MIGRATION_6 = `
  DROP INDEX edge_spans_from;
  DROP INDEX edge_spans_to;
  CREATE INDEX edge_spans_from ON edge_spans (from_id, relation, linked, unlinked, to_id);
  CREATE INDEX edge_spans_to ON edge_spans (to_id, relation, linked, unlinked, from_id);
  CREATE INDEX changes_states ON changes (asset_id, sequence, operation, at)
    WHERE operation IN ('CREATE', 'UPDATE', 'DELETE');
`;

/**
 * Migration 7: usage (Store.usage), kept as a cache filled on demand.
 * `asset_usage` holds an asset's counts for one scope (`''` for an
 * unscoped reader, else the sorted projects as JSON); its index serves a
 * reuse ranking. The triggers note the ends of every relation added or
 * removed in `usage_stale` while any count is cached (through `commit`,
 * cascading deletes and `importBulk` alike); the engine, before it reads a
 * count, drops the cached counts of those ends and of everything upstream
 * of them, the only assets whose downstream lineage a relation changes.
 */
const MIGRATION_7 = `
  CREATE TABLE asset_usage (
    scope       TEXT NOT NULL,
    asset_id    TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    runs        INTEGER NOT NULL,
    models      INTEGER NOT NULL,
    deployments INTEGER NOT NULL,
    PRIMARY KEY (scope, asset_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX asset_usage_rank ON asset_usage (scope, kind, models DESC, asset_id);
  CREATE INDEX asset_usage_asset ON asset_usage (asset_id);

  CREATE TABLE usage_stale (
    id TEXT PRIMARY KEY
  ) STRICT, WITHOUT ROWID;

  CREATE TRIGGER usage_stale_edge_added AFTER INSERT ON edges WHEN EXISTS (SELECT 1 FROM asset_usage)
  BEGIN
    INSERT OR IGNORE INTO usage_stale (id) VALUES (NEW.from_id), (NEW.to_id);
  END;

  CREATE TRIGGER usage_stale_edge_removed AFTER DELETE ON edges WHEN EXISTS (SELECT 1 FROM asset_usage)
  BEGIN
    INSERT OR IGNORE INTO usage_stale (id) VALUES (OLD.from_id), (OLD.to_id);
  END;
`;

/**
 * Migration 8: the spans of relations kept in a table keyed like the index
 * that found them from their `from` end, (from, relation, linked), with
 * `unlinked` and `to` beside the key: the table is that index, and every
 * relation linked writes one B-tree less (an import of relations wrote a
 * span row, and then the same columns again into `edge_spans_from`). The
 * version also marks that an imported CREATE may hold no copy of its state
 * (`after` null, read from its asset: change-states.ts), which an older
 * metalayer would not read.
 */
const MIGRATION_8 = `
  CREATE TABLE edge_spans_keyed (
    from_id  TEXT NOT NULL,
    relation TEXT NOT NULL,
    linked   INTEGER NOT NULL,
    unlinked INTEGER,
    to_id    TEXT NOT NULL,
    PRIMARY KEY (from_id, relation, linked)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO edge_spans_keyed (from_id, relation, linked, unlinked, to_id)
    SELECT from_id, relation, linked, unlinked, to_id FROM edge_spans;
  DROP TABLE edge_spans;
  ALTER TABLE edge_spans_keyed RENAME TO edge_spans;
  CREATE INDEX edge_spans_to ON edge_spans (to_id, relation, linked, unlinked, from_id);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'assets, edges and the relation catalogue', sql: MIGRATION_1 },
  { version: 2, name: 'kinds kept in a table, counters and secrets', sql: MIGRATION_2 },
  { version: 3, name: 'metric series', sql: MIGRATION_3 },
  { version: 4, name: 'latest metric values for leaderboards', sql: MIGRATION_4 },
  { version: 5, name: 'change log', sql: MIGRATION_5 },
  { version: 6, name: 'indexes for reads as of an instant', sql: MIGRATION_6 },
  { version: 7, name: 'usage counts, cached', sql: MIGRATION_7 },
  { version: 8, name: 'relation spans keyed by their from end', sql: MIGRATION_8 },
];

/**
 * Brings the database up to the newest migration (or to `target`, for
 * tests of upgrades); returns the versions applied. Foreign keys are off
 * while migrations run, as SQLite's table-rebuild procedure requires (the
 * pragma is a no-op inside a transaction), and the database must hold no
 * dangling reference when they end.
 */
export function migrate(db: Database, target = MIGRATIONS.at(-1)?.version ?? 0): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = MIGRATIONS.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`The database is at schema version ${current}, newer than this metalayer (${newest})`);
  }
  const pending = MIGRATIONS.filter((migration) => migration.version > current && migration.version <= target);
  if (pending.length === 0) return [];
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  const applied: number[] = [];
  try {
    for (const migration of pending) {
      db.transaction(() => {
        // Another process opening the same file may have applied it since the version was read.
        if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
        db.exec(migration.sql);
        const dangling = db.pragma('foreign_key_check') as unknown[];
        if (dangling.length > 0) throw new Error(`Migration ${migration.version} leaves ${dangling.length} dangling references`);
        db.pragma(`user_version = ${migration.version}`);
        applied.push(migration.version);
      }).immediate();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return applied;
}

/**
 * Writes the catalogue's kinds and relation ends into the tables the
 * integrity triggers read, in one transaction. Run at every start, after
 * `migrate`: the catalogue is the server's, not the schema's.
 *
 * Refuses a catalogue that lacks a kind or relation the database holds data
 * of (an extension removed, or not given at this start), naming each kind
 * with its collection and how many assets it holds, and each relation with
 * how many it joins: serving without them would hide that data, and writes
 * could not keep its integrity.
 */
export function syncCatalogue(db: Database, catalogue: Catalogue): void {
  refuseUndeclaredData(db, catalogue);
  const insertKind = db.prepare('/* syncKind */ INSERT INTO kinds (kind, collection, named) VALUES (?, ?, ?)');
  const insertEnds = db.prepare('/* syncRelationKinds */ INSERT INTO relation_kinds (relation, from_kind, to_kind) VALUES (?, ?, ?)');
  db.transaction(() => {
    db.exec('/* clearCatalogue */ DELETE FROM kinds; DELETE FROM relation_kinds;');
    for (const spec of catalogue.kinds) insertKind.run(spec.kind, spec.collection, spec.named ? 1 : 0);
    for (const rel of catalogue.relations) {
      for (const from of rel.from) for (const to of rel.to) insertEnds.run(rel.name, from, to);
    }
  }).immediate();
}

function refuseUndeclaredData(db: Database, catalogue: Catalogue): void {
  const kinds = JSON.stringify(catalogue.kinds.map((spec) => spec.kind));
  const relations = JSON.stringify(catalogue.relations.map((rel) => rel.name));
  const assets = db
    .prepare(
      `/* undeclaredKinds */ SELECT a.kind, k.collection, count(*) AS count FROM assets a LEFT JOIN kinds k ON k.kind = a.kind
       WHERE a.kind NOT IN (SELECT value FROM json_each(?)) GROUP BY a.kind ORDER BY a.kind`,
    )
    .all(kinds) as { kind: string; collection: string | null; count: number }[];
  const edges = db
    .prepare(
      `/* undeclaredRelations */ SELECT relation, count(*) AS count FROM edges
       WHERE relation NOT IN (SELECT value FROM json_each(?)) GROUP BY relation ORDER BY relation`,
    )
    .all(relations) as { relation: string; count: number }[];
  if (assets.length === 0 && edges.length === 0) return;
  const held = [
    ...assets.map(({ kind, collection, count }) => `kind ${kind}${collection ? ` (collection ${collection})` : ''} holds ${count} asset${count === 1 ? '' : 's'}`),
    ...edges.map(({ relation, count }) => `relation ${relation} holds ${count} relation${count === 1 ? '' : 's'}`),
  ];
  throw new Error(`the database holds data of kinds or relations no extension declares: ${held.join('; ')}. Start with the extension files that declare them`);
}
