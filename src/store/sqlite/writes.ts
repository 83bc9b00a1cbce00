import type { Database, Statement } from 'better-sqlite3';
import { conflict, notFound } from '../../domain/errors.js';
import { canonicalJson } from '../../domain/json.js';
import { COLLECTION_OF_KIND, NAMED_KINDS, contentOf, type AssetContent, type AssetRecord } from '../../domain/kinds.js';
import { assertNever } from '../../domain/never.js';
import type { EdgeRecord } from '../../domain/relations.js';
import { mergeProperties, type AssetPatch, type WriteOp, type WriteResult } from '../../domain/writes.js';
import { ASSET_COLUMNS, toRecord, toRow, type AssetRow } from './rows.js';

/**
 * The SQLite engine's unit of work: every op in one transaction, so the
 * first failure rolls back everything before it (semantics in domain/writes.ts).
 */
export class SqliteWrites {
  private readonly statements: Statements;

  constructor(private readonly db: Database) {
    this.statements = prepareStatements(db);
  }

  write(ops: readonly WriteOp[], now: string): WriteResult {
    return this.db.transaction(() => applyOps(this.statements, ops, now))();
  }
}

function applyOps(statements: Statements, ops: readonly WriteOp[], now: string): WriteResult {
  const result: WriteResult = { assets: new Map(), deleted: new Map() };
  for (const op of ops) {
    switch (op.type) {
      case 'putAsset':
        result.assets.set(op.content.id, putAsset(statements, op.content, now, op.field));
        break;
      case 'putEdge':
        putEdge(statements, op.edge, now, op.field);
        break;
      case 'updateAsset':
        result.assets.set(op.id, updateAsset(statements, op.id, op.patch, now, op.field));
        break;
      case 'deleteAsset': {
        const deleted = deleteAsset(statements, op.id, op.field);
        result.assets.delete(op.id);
        result.deleted.set(op.id, deleted);
        break;
      }
      default:
        assertNever(op, 'write operation');
    }
  }
  return result;
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database) {
  return {
    get: db.prepare(`/* getAsset */ SELECT ${ASSET_COLUMNS} FROM assets WHERE id = ?`),
    exists: db.prepare(`/* assetExists */ SELECT 1 FROM assets WHERE id = ?`).pluck(),
    insert: db.prepare(`/* insertAsset */ INSERT INTO assets (${ASSET_COLUMNS})
      VALUES (@id, @kind, @key, @name, @version, @tag, @fields, @properties, @created_at, @updated_at)`),
    update: db.prepare(`/* updateAsset */ UPDATE assets
      SET name = @name, version = @version, tag = @tag, properties = @properties, updated_at = @updated_at
      WHERE id = @id`),
    sameName: db
      .prepare(`/* assetByName */ SELECT id FROM assets
        WHERE kind = ? AND name = ? AND ifnull(version, '') = ifnull(?, '') AND id <> ?`)
      .pluck(),
    insertEdge: db.prepare(`/* insertEdge */ INSERT INTO edges (from_id, relation, to_id, created_at)
      VALUES (?, ?, ?, ?) ON CONFLICT (from_id, relation, to_id) DO NOTHING`),
    countEdges: db
      .prepare(`/* countEdges */ SELECT (SELECT count(*) FROM edges WHERE from_id = @id)
        + (SELECT count(*) FROM edges WHERE to_id = @id)`)
      .pluck(),
    delete: db.prepare(`/* deleteAsset */ DELETE FROM assets WHERE id = ?`),
  };
}

function getRecord(statements: Statements, id: string): AssetRecord | null {
  const row = statements.get.get(id) as AssetRow | undefined;
  return row ? toRecord(row) : null;
}

function putAsset(statements: Statements, content: AssetContent, now: string, field: string): AssetRecord {
  const existing = getRecord(statements, content.id);
  if (existing) {
    if (canonicalJson(contentOf(existing)) === canonicalJson(content)) return existing;
    throw conflict(`"${content.id}" already exists with different content`, `${field}.key`);
  }
  checkNameFree(statements, content);
  statements.insert.run(toRow(content, now, now));
  return getRecord(statements, content.id) as AssetRecord;
}

/** A named kind's (name, version) must be free; the unique index backs this check. */
export function checkNameFree(
  statements: { sameName: Statement },
  content: Pick<AssetContent, 'id' | 'kind' | 'name' | 'version'>,
  field = 'input.name',
) {
  if (!NAMED_KINDS.has(content.kind)) return;
  const taken = statements.sameName.get(content.kind, content.name, content.version, content.id) as string | undefined;
  if (taken) {
    const version = content.version === null ? 'with no version' : `version "${content.version}"`;
    throw conflict(
      `A ${COLLECTION_OF_KIND[content.kind]} asset named "${content.name}" ${version} already exists ("${taken}"); give a distinct version`,
      field,
    );
  }
}

function putEdge(statements: Statements, edge: EdgeRecord, now: string, field: string): void {
  for (const id of [edge.from, edge.to]) {
    if (!statements.exists.get(id)) throw notFound(id, field);
  }
  statements.insertEdge.run(edge.from, edge.relation, edge.to, now);
}

function updateAsset(statements: Statements, id: string, patch: AssetPatch, now: string, field: string): AssetRecord {
  const existing = getRecord(statements, id);
  if (!existing) throw notFound(id, field);
  const updated = {
    ...existing,
    name: patch.name ?? existing.name,
    version: patch.version === undefined ? existing.version : patch.version,
    tag: patch.tag === undefined ? existing.tag : patch.tag,
    properties: mergeProperties(existing.properties, patch.properties),
  };
  checkNameFree(statements, updated);
  statements.update.run({
    id,
    name: updated.name,
    version: updated.version,
    tag: updated.tag,
    properties: JSON.stringify(updated.properties),
    updated_at: now,
  });
  return getRecord(statements, id) as AssetRecord;
}

function deleteAsset(statements: Statements, id: string, field: string): { asset: AssetRecord; relations: number } {
  const asset = getRecord(statements, id);
  if (!asset) throw notFound(id, field);
  const relations = statements.countEdges.get({ id }) as number;
  statements.delete.run(id);
  return { asset, relations };
}
