import type { Database } from 'better-sqlite3';
import {
  created,
  deleted,
  relationChange,
  updated as updatedChange,
  type ChangeDraft,
} from '../../domain/changes.js';
import type { Catalogue } from '../../domain/catalogue.js';
import { notFound, type FieldPath } from '../../domain/errors.js';
import { contentOf, isKind, type AssetContent, type AssetKind, type AssetRecord } from '../../domain/kinds.js';
import {
  answerRepeatedPoints,
  metricsAfter,
  pointInstant,
  unchanged,
  updatedRun,
  type StoredMetricPoint,
} from '../../domain/runs.js';
import { assertNever } from '../../domain/never.js';
import type { EdgeRecord } from '../../domain/relations.js';
import {
  answerRepeatedPut,
  checkEdge,
  emptyWriteResult,
  isNamedKind,
  nameTaken,
  patched,
  relationNotFound,
  unchangedState,
  type CommitResult,
  type UnitOfWork,
  type WriteOp,
} from '../../domain/writes.js';
import { ChangeWriter, type ChangeStamp } from './changes.js';
import { ASSET_COLUMNS, toRecord, toRow, type AssetRow } from './rows.js';

/**
 * The SQLite engine's unit of work: every op in one transaction, so the
 * first failure rolls back everything before it. The rules that decide each
 * op's outcome are the domain's (domain/writes.ts); this file reads the
 * facts they need and stores.
 */
export class SqliteWrites {
  private readonly statements: Statements;
  private readonly log: ChangeWriter;

  constructor(
    private readonly db: Database,
    private readonly catalogue: Catalogue,
  ) {
    this.statements = prepareStatements(db);
    this.log = new ChangeWriter(db);
  }

  commit(unit: UnitOfWork): CommitResult {
    return this.db.transaction(() => {
      // Stamped when its first change is made: a unit that changes nothing reads nothing of the log.
      let stamp: ChangeStamp | null = null;
      const record = (draft: ChangeDraft) => this.log.append((stamp ??= this.log.stamp(unit)), draft);
      const unitOfWork = new Unit(this.statements, this.catalogue, unit.at, record);
      const result = unitOfWork.apply(unit.ops);
      const revision = unitOfWork.changed
        ? (this.statements.nextRevision.get() as number)
        : (this.statements.revision.get() as number);
      return { ...result, revision: String(revision) };
    }).immediate();
  }
}

/**
 * One unit of work in progress: applies ops in order, notes whether any
 * changed the database, and records each change as it makes it.
 */
class Unit {
  changed = false;

  constructor(
    private readonly statements: Statements,
    private readonly catalogue: Catalogue,
    private readonly at: string,
    private readonly record: (draft: ChangeDraft) => void,
  ) {}

  apply(ops: readonly WriteOp[]) {
    const result = emptyWriteResult();
    for (const op of ops) {
      switch (op.type) {
        case 'putAsset':
          result.assets.set(op.content.id, this.putAsset(op));
          break;
        case 'putEdge':
          this.putEdge(op.edge, op.field, op.fromField);
          break;
        case 'removeEdge':
          this.removeEdge(op.edge, op.field, op.fromField);
          break;
        case 'updateAsset':
          result.assets.set(op.id, this.updateAsset(op));
          break;
        case 'deleteAsset': {
          result.assets.delete(op.id);
          result.deleted.set(op.id, this.deleteAsset(op.id, op.field));
          break;
        }
        case 'updateRun':
          result.assets.set(op.id, this.updateRun(op));
          break;
        case 'recordMetrics':
          result.assets.set(op.devPerf.id, this.recordMetrics(op));
          break;
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

  private putAsset({ content, field, repeat }: Extract<WriteOp, { type: 'putAsset' }>): AssetRecord {
    const existing = this.get(content.id);
    if (existing) return answerRepeatedPut(existing, content, field, repeat);
    this.requireNameFree(content);
    return this.insert(content);
  }

  private requireNameFree(content: Pick<AssetContent, 'id' | 'kind' | 'name' | 'version'>): void {
    if (!isNamedKind(this.catalogue, content.kind)) return;
    const taken = this.statements.nameHolder(content);
    if (taken) throw nameTaken(this.catalogue, content, taken);
  }

  private putEdge(edge: EdgeRecord, field: FieldPath, fromField?: FieldPath): void {
    const kindOf = (id: string) => (this.statements.kindOf.get(id) as AssetKind | undefined) ?? null;
    const fromKind = kindOf(edge.from);
    checkEdge(this.catalogue, edge, fromKind, kindOf(edge.to), field, fromField);
    const { changes } = this.statements.insertEdge.run(edge.from, edge.relation, edge.to, this.at);
    if (changes === 0 || fromKind === null) return;
    this.changed = true;
    this.record(relationChange('LINK', edge, fromKind));
  }

  private removeEdge(edge: EdgeRecord, field: FieldPath, fromField?: FieldPath): void {
    const fromKind = this.statements.kindOf.get(edge.from) as AssetKind | undefined;
    if (fromKind === undefined && fromField) throw notFound(edge.from, fromField);
    const { changes } = this.statements.deleteEdge.run(edge.from, edge.relation, edge.to);
    if (changes === 0 || fromKind === undefined) throw relationNotFound(edge, field);
    this.changed = true;
    this.record(relationChange('UNLINK', edge, fromKind));
  }

  private updateAsset(op: Extract<WriteOp, { type: 'updateAsset' }>): AssetRecord {
    const existing = this.get(op.id);
    if (!existing) throw notFound(op.id, op.field);
    const updated = patched(existing, op.patch);
    if (unchangedState(existing, updated)) return existing;
    this.requireNameFree(updated);
    return this.replace(existing, updated);
  }

  /** Stores an asset's new name, version, tag, typed fields and properties. */
  private replace(existing: AssetRecord, updated: AssetRecord): AssetRecord {
    const row = toRow(contentOf(updated), updated.createdAt, this.at);
    this.statements.update.run({
      id: row.id,
      name: row.name,
      version: row.version,
      tag: row.tag,
      fields: row.fields,
      properties: row.properties,
      updated_at: this.at,
    });
    this.changed = true;
    const stored = this.stored(updated.id);
    this.record(updatedChange(existing, stored));
    return stored;
  }

  private updateRun(op: Extract<WriteOp, { type: 'updateRun' }>): AssetRecord {
    const existing = this.get(op.id);
    if (!existing && op.create) return this.insert(op.create);
    if (!existing) throw notFound(op.id, op.field);
    const updated = updatedRun(existing, op.change, this.at, op.field);
    return unchanged(existing, updated) ? existing : this.replace(existing, updated);
  }

  /**
   * Puts the development performance when missing, answers a keyed retry
   * from the points the key holds, and otherwise stores the points and the
   * latest value of each name, decided from each name's latest stored point.
   */
  private recordMetrics(op: Extract<WriteOp, { type: 'recordMetrics' }>): AssetRecord {
    const { devPerf: content, points, key } = op;
    const current = this.get(content.id) ?? this.insert(content);
    if (!isKind('DEV_PERF')(current)) throw new Error(`"${content.id}" is not a development performance`);
    if (key !== null) {
      const prior = this.statements.batchPoints.all(content.id, key) as StoredMetricPoint[];
      if (answerRepeatedPoints(prior, points, op.field) === 'repeat') return current;
    }
    const names = [...new Set(points.map((point) => point.name))];
    const latest = new Map<string, StoredMetricPoint>();
    for (const name of names) {
      const point = this.statements.latestPoint.get(content.id, name) as StoredMetricPoint | undefined;
      if (point) latest.set(name, point);
    }
    const stored = points.map((point) => ({ ...point, at: pointInstant(point, this.at) }));
    for (const point of stored) {
      this.statements.insertPoint.run(content.id, point.name, point.at, point.step, point.value, key);
    }
    this.changed = true;
    return this.replace(current, { ...current, ...metricsAfter(current, latest, stored) });
  }

  private insert(content: AssetContent): AssetRecord {
    this.statements.insert.run(toRow(content, this.at, this.at));
    this.changed = true;
    const stored = this.stored(content.id);
    this.record(created(stored));
    return stored;
  }

  /** Removes an asset and its relations: an UNLINK for each relation, oldest first, then the DELETE. */
  private deleteAsset(id: string, field: FieldPath): { asset: AssetRecord; relations: number } {
    const asset = this.get(id);
    if (!asset) throw notFound(id, field);
    const relations = this.statements.edgesOf.all({ id }) as (EdgeRecord & { fromKind: AssetKind })[];
    for (const { fromKind, ...edge } of relations) this.record(relationChange('UNLINK', edge, fromKind));
    this.statements.delete.run(id);
    this.changed = true;
    this.record(deleted(asset));
    return { asset, relations: relations.length };
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
      SET name = @name, version = @version, tag = @tag, fields = @fields, properties = @properties,
        updated_at = @updated_at
      WHERE id = @id`),
    batchPoints: db.prepare(`/* batchPoints */ SELECT name, value, step, at, seq FROM metric_points
      WHERE devperf_id = ? AND batch_key = ? ORDER BY seq`),
    latestPoint: db.prepare(`/* latestPoint */ SELECT name, value, step, at, seq FROM metric_points
      WHERE devperf_id = ? AND name = ? ORDER BY at DESC, step DESC, seq DESC LIMIT 1`),
    insertPoint: db.prepare(`/* insertPoint */ INSERT INTO metric_points (devperf_id, name, at, step, value, batch_key)
      VALUES (?, ?, ?, ?, ?, ?)`),
    nameHolder: nameHolder(db),
    insertEdge: db.prepare(`/* insertEdge */ INSERT INTO edges (from_id, relation, to_id, created_at)
      VALUES (?, ?, ?, ?) ON CONFLICT (from_id, relation, to_id) DO NOTHING`),
    deleteEdge: db.prepare(`/* deleteEdge */ DELETE FROM edges WHERE from_id = ? AND relation = ? AND to_id = ?`),
    edgesOf: db.prepare(`/* edgesOf */ SELECT e.from_id AS "from", e.relation, e.to_id AS "to", f.kind AS fromKind
      FROM edges e JOIN assets f ON f.id = e.from_id
      WHERE e.rowid IN (SELECT rowid FROM edges WHERE from_id = @id UNION SELECT rowid FROM edges WHERE to_id = @id)
      ORDER BY e.rowid`),
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
