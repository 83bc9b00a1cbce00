import type { AssetContent, AssetKind, AssetRecord, JsonObject } from '../../domain/kinds.js';

/** An `assets` row as better-sqlite3 returns it. */
export interface AssetRow {
  id: string;
  kind: AssetKind;
  key: string;
  name: string;
  version: string | null;
  tag: string | null;
  fields: string;
  properties: string;
  created_at: string;
  updated_at: string;
}

/** The columns every asset shares; a kind's typed fields live in the `fields` JSON column. */
export const ASSET_COLUMNS = 'id, kind, key, name, version, tag, fields, properties, created_at, updated_at';

/**
 * A row as a record. The cast is the engine's boundary: the `kind` CHECK and
 * `toRow` (the only writer of `fields`) guarantee each kind's typed fields.
 */
export function toRecord(row: AssetRow): AssetRecord {
  const fields = JSON.parse(row.fields) as Record<string, unknown>;
  return {
    ...fields,
    kind: row.kind,
    id: row.id,
    key: row.key,
    name: row.name,
    version: row.version,
    tag: row.tag,
    properties: JSON.parse(row.properties) as JsonObject,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } as AssetRecord;
}

export function toRow(content: AssetContent, createdAt: string, updatedAt: string): AssetRow {
  const { kind, id, key, name, version, tag, properties, ...fields } = content;
  return {
    id,
    kind,
    key,
    name,
    version,
    tag,
    fields: JSON.stringify(fields),
    properties: JSON.stringify(properties),
    created_at: createdAt,
    updated_at: updatedAt,
  };
}
