import type { Database } from 'better-sqlite3';
import type { Catalogue } from '../../domain/catalogue.js';
import { notFound, type FieldPath } from '../../domain/errors.js';
import type { AssetContent, AssetKind, AssetRecord } from '../../domain/kinds.js';
import { assertNever } from '../../domain/never.js';
import type { EdgeRecord } from '../../domain/relations.js';
import {
  answerRepeatedPut,
  checkEdge,
  emptyWriteResult,
  isNamedKind,
  nameTaken,
  patched,
  type CommitResult,
  type UnitOfWork,
  type WriteOp,
} from '../../domain/writes.js';
import { ASSET_COLUMNS, toRecord, toRow, type AssetRow } from './rows.js';

/**
 * The SQLite engine's unit of work: every op in one transaction, so the
 * first failure rolls back everything before it. The rules that decide each
 * op's outcome are the domain's (domain/writes.ts); this file reads the
 * facts they need and stores.
 */
export class SqliteWrites {
  private readonly statements: Statements;

  constructor(
    private readonly db: Database,
    private readonly catalogue: Catalogue,
  ) {
    this.statements = prepareStatements(db);
  }

  commit(unit: UnitOfWork): CommitResult {
    return this.db.transaction(() => {
      const unitOfWork = new Unit(this.statements, this.catalogue, unit.at);
      const result = unitOfWork.apply(unit.ops);
      const revision = unitOfWork.changed
        ? (this.statements.nextRevision.get() as number)
        : (this.statements.revision.get() as number);
      return { ...result, revision: String(revision) };
    })();
  }
}

/** One unit of work in progress: applies ops in order and notes whether any changed the database. */
class Unit {
  changed = false;

  constructor(
    private readonly statements: Statements,
    private readonly catalogue: Catalogue,
    private readonly at: string,
  ) {}

  apply(ops: readonly WriteOp[]) {
    const result = emptyWriteResult();
    for (const op of ops) {
      switch (op.type) {
        case 'putAsset':
          result.assets.set(op.content.id, this.putAsset(op.content, op.field));
          break;
        case 'putEdge':
          this.putEdge(op.edge, op.field);
          break;
        case 'updateAsset':
          result.assets.set(op.id, this.updateAsset(op));
          break;
        case 'deleteAsset': {
          result.assets.delete(op.id);
          result.deleted.set(op.id, this.deleteAsset(op.id, op.field));
          break;
        }
        default:
          assertNever(op, 'write operation');
      }
    }
    return result;
  }

  private get(id: string): AssetRecord | null {
    const row = this.statements.get.get(id) as AssetRow | undefined;
    return row ? toRecord(row) : null;
  }

  private putAsset(content: AssetContent, field: FieldPath): AssetRecord {
    const existing = this.get(content.id);
    if (existing) return answerRepeatedPut(existing, content, field);
    this.requireNameFree(content);
    this.statements.insert.run(toRow(content, this.at, this.at));
    this.changed = true;
    return this.stored(content.id);
  }

  private requireNameFree(content: Pick<AssetContent, 'id' | 'kind' | 'name' | 'version'>): void {
    if (!isNamedKind(this.catalogue, content.kind)) return;
    const taken = this.statements.nameHolder(content);
    if (taken) throw nameTaken(this.catalogue, content, taken);
  }

  private putEdge(edge: EdgeRecord, field: FieldPath): void {
    const kindOf = (id: string) => (this.statements.kindOf.get(id) as AssetKind | undefined) ?? null;
    checkEdge(this.catalogue, edge, kindOf(edge.from), kindOf(edge.to), field);
    const { changes } = this.statements.insertEdge.run(edge.from, edge.relation, edge.to, this.at);
    if (changes > 0) this.changed = true;
  }

  private updateAsset(op: Extract<WriteOp, { type: 'updateAsset' }>): AssetRecord {
    const existing = this.get(op.id);
    if (!existing) throw notFound(op.id, op.field);
    const updated = patched(existing, op.patch);
    this.requireNameFree(updated);
    this.statements.update.run({
      id: op.id,
      name: updated.name,
      version: updated.version,
      tag: updated.tag,
      properties: JSON.stringify(updated.properties),
      updated_at: this.at,
    });
    this.changed = true;
    return this.stored(op.id);
  }

  private deleteAsset(id: string, field: FieldPath): { asset: AssetRecord; relations: number } {
    const asset = this.get(id);
    if (!asset) throw notFound(id, field);
    const relations = this.statements.countEdges.get({ id }) as number;
    this.statements.delete.run(id);
    this.changed = true;
    return { asset, relations };
  }

  /** An asset this unit has just written. */
  private stored(id: string): AssetRecord {
    const record = this.get(id);
    if (!record) throw new Error(`"${id}" is missing right after this unit of work wrote it`);
    return record;
  }
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database) {
  return {
    get: db.prepare(`/* getAsset */ SELECT ${ASSET_COLUMNS} FROM assets WHERE id = ?`),
    kindOf: db.prepare(`/* assetKind */ SELECT kind FROM assets WHERE id = ?`).pluck(),
    insert: db.prepare(`/* insertAsset */ INSERT INTO assets (${ASSET_COLUMNS})
      VALUES (@id, @kind, @key, @name, @version, @tag, @fields, @properties, @created_at, @updated_at)`),
    update: db.prepare(`/* updateAsset */ UPDATE assets
      SET name = @name, version = @version, tag = @tag, properties = @properties, updated_at = @updated_at
      WHERE id = @id`),
    nameHolder: nameHolder(db),
    insertEdge: db.prepare(`/* insertEdge */ INSERT INTO edges (from_id, relation, to_id, created_at)
      VALUES (?, ?, ?, ?) ON CONFLICT (from_id, relation, to_id) DO NOTHING`),
    countEdges: db
      .prepare(`/* countEdges */ SELECT (SELECT count(*) FROM edges WHERE from_id = @id)
        + (SELECT count(*) FROM edges WHERE to_id = @id)`)
      .pluck(),
    delete: db.prepare(`/* deleteAsset */ DELETE FROM assets WHERE id = ?`),
    revision: db.prepare(`/* revision */ SELECT value FROM counters WHERE name = 'revision'`).pluck(),
    nextRevision: db
      .prepare(`/* nextRevision */ UPDATE counters SET value = value + 1 WHERE name = 'revision' RETURNING value`)
      .pluck(),
  };
}

/** The asset other than `content` that holds its kind, name and version, if any. */
export function nameHolder(db: Database) {
  const sameName = db
    .prepare(`/* assetByName */ SELECT id FROM assets
      WHERE kind = ? AND name = ? AND ifnull(version, '') = ifnull(?, '') AND id <> ?`)
    .pluck();
  return (content: Pick<AssetContent, 'id' | 'kind' | 'name' | 'version'>): string | undefined =>
    sameName.get(content.kind, content.name, content.version, content.id) as string | undefined;
}
