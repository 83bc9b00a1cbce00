import type { Database } from 'better-sqlite3';
import { ASSET_KINDS, NAMED_KINDS } from '../../domain/kinds.js';
import { RELATION_NAMES, RELATIONS } from '../../domain/relations.js';

/**
 * Versioned schema migrations, applied in order inside one transaction each;
 * `PRAGMA user_version` records the last one applied. A migration, once
 * released, never changes: later changes are new migrations.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
const list = (values: Iterable<string>) => [...values].map(quote).join(', ');

/** The relation catalogue as rows, so the database itself refuses an edge between the wrong kinds. */
const relationKindRows = RELATION_NAMES.flatMap((name) =>
  RELATIONS[name].from.flatMap((from) => RELATIONS[name].to.map((to) => `(${list([name, from, to])})`)),
).join(',\n    ');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'assets, edges and the relation catalogue',
    sql: `
  CREATE TABLE assets (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN (${list(ASSET_KINDS)})),
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
    WHERE kind IN (${list(NAMED_KINDS)});
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
    ${relationKindRows};

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
`,
  },
];

/** Brings the database up to the newest migration; returns the versions applied. */
export function migrate(db: Database): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = MIGRATIONS.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`The database is at schema version ${current}, newer than this metalayer (${newest})`);
  }
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
