import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_KINDS, BUILTIN_RELATIONS, createCatalogue } from '../../src/domain/catalogue.js';
import type { AssetKind } from '../../src/domain/kinds.js';
import { MIGRATIONS, migrate, syncCatalogue } from '../../src/store/sqlite/migrations.js';
import { rankRunsSql } from '../../src/store/sqlite/ranking.js';
import { changesSql } from '../../src/store/sqlite/changes.js';
import { makeChangeSelection, type ChangeSelection, type RankQuery } from '../../src/store/store.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { CATALOGUE, content, putAsset, putEdge, commitOps } from '../helpers/assets.js';
import { customContent, EXTENDED_CATALOGUE } from '../helpers/extensions.js';

const relationOf = (name: string) => {
  if (!EXTENDED_CATALOGUE.isRelationName(name)) throw new Error(`no relation ${name}`);
  return name;
};

/** What the SQLite engine promises beyond the shared contract: files, migrations, integrity in the database. */
describe('sqlite engine', () => {
  const dirs: string[] = [];
  const tempPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-'));
    dirs.push(dir);
    return join(dir, 'nested', 'metalayer.db');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file and its folder, in WAL mode at the newest schema version, and keeps data across opens', async () => {
    const path = tempPath();
    const store = openSqliteStore({ path, catalogue: CATALOGUE });
    await commitOps(store, [putAsset(content('MODEL', 'm1', { task: 'regression' }))]);
    await store.close();

    const reopened = openSqliteStore({ path, catalogue: CATALOGUE });
    expect(await reopened.getAssets(['models/m1'])).toMatchObject([{ task: 'regression' }]);
    await reopened.close();

    const raw = new BetterSqlite3(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    raw.close();
  });

  it('refuses to open a database from a newer metalayer', () => {
    const path = tempPath();
    openSqliteStore({ path, catalogue: CATALOGUE }).close();
    const raw = new BetterSqlite3(path);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openSqliteStore({ path, catalogue: CATALOGUE })).toThrow(/schema version 999/);
  });

  it('enforces integrity in the database itself, whatever a writer skips', async () => {
    const path = tempPath();
    const store = openSqliteStore({ path, catalogue: CATALOGUE });
    await commitOps(store, [putAsset(content('MODEL', 'm1')), putAsset(content('DATASET', 'd1'))]);
    await store.close();
    const raw = new BetterSqlite3(path);
    raw.pragma('foreign_keys = ON');
    const insertEdge = raw.prepare(`INSERT INTO edges (from_id, relation, to_id, created_at) VALUES (?, ?, ?, 'now')`);
    expect(() => insertEdge.run('models/m1', 'run_datasets', 'datasets/d1')).toThrow(/does not fit its relation/);
    expect(() => insertEdge.run('models/m1', 'derived_from', 'models/m1')).toThrow(/CHECK/);
    expect(() => insertEdge.run('models/m1', 'derived_from', 'models/none')).toThrow(/does not fit|FOREIGN KEY/);
    expect(() =>
      raw
        .prepare(`INSERT INTO assets VALUES ('models/x', 'MODEL', 'x', 'm1', NULL, NULL, '{}', '{}', 'a', 'a')`)
        .run(),
    ).toThrow(/UNIQUE/);
    expect(() =>
      raw.prepare(`INSERT INTO assets VALUES ('x/y', 'WIDGET', 'y', 'n', NULL, NULL, '{}', '{}', 'a', 'a')`).run(),
    ).toThrow(/kind the catalogue does not declare/);
    expect(() =>
      raw.prepare(`INSERT INTO assets VALUES ('models/z', 'MODEL', 'z', 'z', NULL, NULL, '{}', '[1]', 'a', 'a')`).run(),
    ).toThrow(/CHECK/);
    raw.close();
  });
  it('keeps the relation trigger through bulk imports, whether they commit or roll back', async () => {
    const path = tempPath();
    const store = openSqliteStore({ path, catalogue: CATALOGUE });
    await store.importBulk({
      assets: [content('MODEL', 'm1'), content('RUN', 'r1'), content('DATASET', 'd1')],
      edges: [{ relation: 'run_models', from: 'models/m1', to: 'run/r1' }],
    });
    await expect(
      store.importBulk({ assets: [], edges: [{ relation: 'run_models', from: 'run/r1', to: 'datasets/d1' }] }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field: ['edges', 0],
      message: 'edges.0: run_models relates models to run, received run "run/r1" to datasets "datasets/d1"',
    });
    await store.close();

    const raw = new BetterSqlite3(path);
    raw.pragma('foreign_keys = ON');
    const triggers = raw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger'`).pluck().all();
    expect(triggers.sort()).toEqual([
      'assets_kind_known',
      'edges_fit_relation',
      'metric_latest_insert',
      'metric_latest_run_added',
      'metric_latest_run_removed',
      'metric_latest_update',
      'usage_stale_edge_added',
      'usage_stale_edge_removed',
    ]);
    expect(raw.prepare('SELECT count(*) FROM edges').pluck().get()).toBe(1);
    expect(() =>
      raw.prepare(`INSERT INTO edges (from_id, relation, to_id, created_at) VALUES ('run/r1', 'run_models', 'datasets/d1', 'now')`).run(),
    ).toThrow(/does not fit its relation/);
    raw.close();
  });

  it('upgrades a database made by migration 1, keeping its assets and relations, and then accepts kinds added later', async () => {
    const path = tempPath();
    const old = openSqliteStore({ path, catalogue: CATALOGUE });
    await old.close();
    // Rebuild the file as migration 1 alone made it, with data in it.
    rmSync(path);
    const raw = new BetterSqlite3(path);
    raw.pragma('foreign_keys = ON');
    expect(migrate(raw, 1)).toEqual([1]);
    raw.exec(`INSERT INTO assets VALUES
      ('models/m1', 'MODEL', 'm1', 'price', NULL, NULL, '{"description":null,"task":null,"framework":null,"uri":null}', '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
      ('run/r1', 'RUN', 'r1', 'r1', NULL, NULL, '{"runId":"r1","status":"COMPLETED","startedAt":null,"endedAt":null,"deploymentTag":null}', '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
      INSERT INTO edges (from_id, relation, to_id, created_at) VALUES ('models/m1', 'run_models', 'run/r1', '2026-01-01T00:00:00.000Z');`);
    expect(() =>
      raw.prepare(`INSERT INTO assets VALUES ('evaluations/e1', 'EVALUATION', 'e1', 'e1', NULL, NULL, '{}', '{}', 'a', 'a')`).run(),
    ).toThrow(/CHECK/);
    raw.close();

    const evaluation = { kind: 'EVALUATION' as AssetKind, collection: 'evaluations', named: false, owner: 'shared' as const };
    const extended = createCatalogue([...BUILTIN_KINDS, evaluation], BUILTIN_RELATIONS);
    const store = openSqliteStore({ path, catalogue: extended });
    expect(await store.getAssets(['models/m1', 'run/r1'])).toMatchObject([{ name: 'price' }, { runId: 'r1' }]);
    expect(await store.neighbors([{ id: 'models/m1', relation: 'run_models', direction: 'OUT', asOf: null }])).toMatchObject([
      [{ id: 'run/r1' }],
    ]);
    await store.close();

    const upgraded = new BetterSqlite3(path);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    upgraded
      .prepare(`INSERT INTO assets VALUES ('evaluations/e1', 'EVALUATION', 'e1', 'e1', NULL, NULL, '{}', '{}', 'a', 'a')`)
      .run();
    expect(upgraded.prepare(`SELECT count(*) FROM assets`).pluck().get()).toBe(3);
    upgraded.close();
  });

  it('refuses to open with an extension removed that has data, naming each kind, its collection and its count', async () => {
    const path = tempPath();
    const extended = openSqliteStore({ path, catalogue: EXTENDED_CATALOGUE });
    await commitOps(extended, [
      putAsset(content('MODEL', 'm')),
      putAsset(customContent(EXTENDED_CATALOGUE, 'Evaluation', 'e1')),
      putAsset(customContent(EXTENDED_CATALOGUE, 'Evaluation', 'e2')),
      putAsset(customContent(EXTENDED_CATALOGUE, 'ModelCard', 'c')),
      putEdge(relationOf('evaluation_model'), 'evaluations/e1', 'models/m'),
    ]);
    await extended.close();
    expect(() => openSqliteStore({ path, catalogue: CATALOGUE })).toThrow(
      'the database holds data of kinds or relations no extension declares: kind EVALUATION (collection evaluations) holds 2 assets; ' +
        'kind MODEL_CARD (collection model_cards) holds 1 asset; relation evaluation_model holds 1 relation. ' +
        'Start with the extension files that declare them',
    );
    const reopened = openSqliteStore({ path, catalogue: EXTENDED_CATALOGUE });
    expect(await reopened.getAssets(['evaluations/e1'])).toMatchObject([{ id: 'evaluations/e1' }]);
    await reopened.close();
  });

  it('keeps the catalogue of the server that opened the database last, so a kind the catalogue lacks is refused', async () => {
    const path = tempPath();
    openSqliteStore({ path, catalogue: CATALOGUE }).close();
    const raw = new BetterSqlite3(path);
    expect(raw.prepare(`SELECT kind, collection, named FROM kinds ORDER BY kind`).all()).toContainEqual({
      kind: 'MODEL',
      collection: 'models',
      named: 1,
    });
    expect(raw.prepare(`SELECT count(*) FROM relation_kinds WHERE relation = 'derived_from'`).pluck().get()).toBe(81);
    raw.close();
  });
});

describe('sqlite engine: metric series', () => {
  it('migration 3 adds metric_points, and a series or a name’s latest point is an index range of one performance', () => {
    const raw = new BetterSqlite3(':memory:');
    expect(migrate(raw, 3)).toEqual([1, 2, 3]);
    const plan = (sql: string) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('devperf/r', 'loss') as { detail: string }[]).map((row) => row.detail);
    expect(plan('SELECT at, value, step FROM metric_points WHERE devperf_id = ? AND name = ? ORDER BY at, step, seq')).toEqual([
      'SEARCH metric_points USING INDEX metric_points_series (devperf_id=? AND name=?)',
    ]);
    expect(
      plan('SELECT name, value, step, at, seq FROM metric_points WHERE devperf_id = ? AND name = ? ORDER BY at DESC, step DESC, seq DESC LIMIT 1'),
    ).toEqual(['SEARCH metric_points USING INDEX metric_points_series (devperf_id=? AND name=?)']);
    expect(
      plan(`SELECT name, value, step, at, seq FROM metric_points WHERE devperf_id = ? AND batch_key = ? ORDER BY seq`),
    ).toEqual(['SEARCH metric_points USING INDEX metric_points_batch (devperf_id=? AND batch_key=?)']);
    raw.close();
  });

  it('reads a series of 100,000 points, oldest first, without touching another run’s', async () => {
    const store = openSqliteStore({ path: ':memory:', catalogue: CATALOGUE });
    const devPerf = (key: string) => content('DEV_PERF', key, { metrics: {}, recordedAt: null });
    const points = Array.from({ length: 10_000 }, (_, i) => ({ name: 'loss', value: i, step: i, at: null }));
    for (let batch = 0; batch < 10; batch++) {
      const shifted = points.map((p) => ({ ...p, step: p.step + batch * 10_000 }));
      await commitOps(store, [{ type: 'recordMetrics', devPerf: devPerf('a'), points: shifted, key: null, field: ['key'] }], '2026-01-01T00:00:00.000Z');
    }
    await commitOps(store, [{ type: 'recordMetrics', devPerf: devPerf('b'), points: points.slice(0, 3), key: null, field: ['key'] }]);
    const [a, b] = await store.metricSeries([
      { devPerf: 'devperf/a', name: 'loss', asOf: null },
      { devPerf: 'devperf/b', name: 'loss', asOf: null },
    ]);
    expect(a).toHaveLength(100_000);
    expect(a?.[99_999]).toEqual({ at: '2026-01-01T00:00:00.000Z', value: 9_999, step: 99_999 });
    expect(b?.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(await store.getAssets(['devperf/a'])).toMatchObject([{ metrics: { loss: 9_999 } }]);
    await store.close();
  });
});

describe('sqlite engine: updated rows', () => {
  it('stores only the kind’s typed fields in `fields`, never the timestamps', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'metalayer-fields-')), 'db.sqlite');
    const store = openSqliteStore({ path, catalogue: CATALOGUE });
    await commitOps(store, [putAsset(content('RUN', 'r', { status: 'RUNNING', endedAt: null }))]);
    await commitOps(store, [{ type: 'updateRun', id: 'run/r', change: { status: 'FAILED' }, field: ['run'] }], '2026-03-01T00:00:00.000Z');
    await store.close();
    const raw = new BetterSqlite3(path);
    expect(JSON.parse(raw.prepare(`SELECT fields FROM assets WHERE id = 'run/r'`).pluck().get() as string)).toEqual({
      runId: 'r',
      status: 'FAILED',
      startedAt: null,
      endedAt: '2026-03-01T00:00:00.000Z',
      deploymentTag: null,
    });
    raw.close();
    rmSync(path);
  });
});

describe('sqlite engine: leaderboards', () => {
  const everyRun = { project: null, model: null, downstreamOf: null, tag: null, status: null, since: null, until: null };
  const plan = (raw: BetterSqlite3.Database, query: Partial<RankQuery>) => {
    const { sql, params } = rankRunsSql(CATALOGUE, {
      metric: 'rmse',
      order: 'ASC',
      selection: everyRun,
      bestPerModel: false,
      first: 10,
      after: null,
      asOf: null,
      scope: null,
      ...query,
    });
    return (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail);
  };

  it('migration 4 fills metric_latest from the performances stored already, with their runs', () => {
    const raw = new BetterSqlite3(':memory:');
    expect(migrate(raw, 3)).toEqual([1, 2, 3]);
    syncCatalogue(raw, CATALOGUE);
    raw.exec(`INSERT INTO assets VALUES
      ('run/r1', 'RUN', 'r1', 'r1', NULL, NULL, '{"runId":"r1","status":"COMPLETED","startedAt":null,"endedAt":null,"deploymentTag":null}', '{}', 'a', 'a'),
      ('devperf/r1', 'DEV_PERF', 'r1', 'r1', NULL, NULL, '{"metrics":{"rmse":1.5,"r2":1},"recordedAt":null}', '{}', 'a', 'a'),
      ('devperf/r2', 'DEV_PERF', 'r2', 'r2', NULL, NULL, '{"metrics":{"rmse":2},"recordedAt":null}', '{}', 'a', 'a');
      INSERT INTO edges (from_id, relation, to_id, created_at) VALUES ('run/r1', 'run_devperf', 'devperf/r1', 'a');`);
    expect(migrate(raw, 4)).toEqual([4]);
    expect(raw.prepare('SELECT devperf_id, name, value, run_id FROM metric_latest ORDER BY devperf_id, name').all()).toEqual([
      { devperf_id: 'devperf/r1', name: 'r2', value: 1, run_id: 'run/r1' },
      { devperf_id: 'devperf/r1', name: 'rmse', value: 1.5, run_id: 'run/r1' },
      { devperf_id: 'devperf/r2', name: 'rmse', value: 2, run_id: null },
    ]);
    raw.close();
  });

  it('migration 5 logs what exists as a baseline: a CREATE per asset and a LINK per relation at their creation, by unknown', () => {
    const raw = new BetterSqlite3(':memory:');
    expect(migrate(raw, 4)).toEqual([1, 2, 3, 4]);
    syncCatalogue(raw, CATALOGUE);
    raw.exec(`INSERT INTO assets VALUES
      ('models/m', 'MODEL', 'm', 'm', '2', 'prod', '{"description":null,"task":"t","framework":null,"uri":null}', '{"a":1}', '2026-01-02T00:00:00.000Z', '2026-01-05T00:00:00.000Z'),
      ('run/r', 'RUN', 'r', 'r', NULL, NULL, '{"runId":"r","status":"COMPLETED","startedAt":null,"endedAt":null,"deploymentTag":null}', '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
      INSERT INTO edges (from_id, relation, to_id, created_at) VALUES ('models/m', 'run_models', 'run/r', '2026-01-02T00:00:00.000Z');`);
    expect(migrate(raw, 5)).toEqual([5]);
    const changes = raw.prepare('SELECT sequence, at, actor, operation, asset_id, kind, before, after, relation, from_id, to_id, source, tx FROM changes ORDER BY sequence').all();
    expect(changes).toEqual([
      { sequence: 1, at: '2026-01-01T00:00:00.000Z', actor: 'unknown', operation: 'CREATE', asset_id: 'run/r', kind: 'RUN', before: null,
        after: '{"runId":"r","status":"COMPLETED","startedAt":null,"endedAt":null,"deploymentTag":null,"name":"r","version":null,"tag":null,"properties":{}}',
        relation: null, from_id: null, to_id: null, source: 'baseline', tx: 'baseline' },
      { sequence: 2, at: '2026-01-02T00:00:00.000Z', actor: 'unknown', operation: 'CREATE', asset_id: 'models/m', kind: 'MODEL', before: null,
        after: '{"description":null,"task":"t","framework":null,"uri":null,"name":"m","version":"2","tag":"prod","properties":{"a":1}}',
        relation: null, from_id: null, to_id: null, source: 'baseline', tx: 'baseline' },
      { sequence: 3, at: '2026-01-02T00:00:00.000Z', actor: 'unknown', operation: 'LINK', asset_id: 'models/m', kind: 'MODEL', before: null,
        after: null, relation: 'run_models', from_id: 'models/m', to_id: 'run/r', source: 'baseline', tx: 'baseline' },
    ]);
    expect(raw.prepare('SELECT * FROM edge_spans').all()).toEqual([
      { from_id: 'models/m', relation: 'run_models', to_id: 'run/r', linked: 3, unlinked: null },
    ]);
    raw.close();
  });

  it('reads a history through the (asset, sequence) and (to, sequence) indexes, and the audit trail from its position on', () => {
    const raw = new BetterSqlite3(':memory:');
    migrate(raw);
    const planOf = (selection: Partial<ChangeSelection>) => {
      const { sql, params } = changesSql(CATALOGUE, { selection: makeChangeSelection(selection), afterSequence: '7', first: 20, scope: null });
      return (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail);
    };
    expect(planOf({ assets: ['models/m'] })).toEqual(
      expect.arrayContaining([
        'SEARCH c USING INDEX changes_asset (asset_id=? AND sequence>?)',
        'SEARCH c USING INDEX changes_to (to_id=? AND sequence>?)',
      ]),
    );
    expect(planOf({ actor: 'alice' })).toEqual([
      'SEARCH c USING INTEGER PRIMARY KEY (rowid>?)',
      // An imported CREATE's state: its asset's next state change, else its row (change-states.ts).
      'CORRELATED SCALAR SUBQUERY 1',
      'SEARCH n USING INDEX changes_states (asset_id=? AND sequence>?)',
      'CORRELATED SCALAR SUBQUERY 2',
      'SEARCH h USING INDEX sqlite_autoindex_assets_1 (id=?)',
    ]);
    raw.close();
  });

  it('migration 8 keys the spans by their from end, keeping each, and reads what an older version logged', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'metalayer-spans-')), 'db.sqlite');
    const at = (day: number) => `2026-01-0${day}T00:00:00.000Z`;
    const raw = new BetterSqlite3(path);
    raw.pragma('journal_mode = WAL');
    expect(migrate(raw, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    syncCatalogue(raw, CATALOGUE);
    const fields = '{"description":null,"source":null,"statistics":null}';
    raw.exec(`INSERT INTO assets VALUES
        ('datasets/a', 'DATASET', 'a', 'a', NULL, NULL, '${fields}', '{}', '${at(1)}', '${at(1)}'),
        ('datasets/b', 'DATASET', 'b', 'b', NULL, 'x', '${fields}', '{}', '${at(1)}', '${at(1)}');
      INSERT INTO edges (from_id, relation, to_id, created_at) VALUES ('datasets/b', 'derived_from', 'datasets/a', '${at(4)}');
      INSERT INTO changes (at, actor, operation, asset_id, kind, before, after, relation, from_id, to_id, source, tx) VALUES
        ('${at(1)}', 'loader', 'CREATE', 'datasets/a', 'DATASET', NULL, json_set('${fields}', '$.name', 'a', '$.version', NULL, '$.tag', NULL, '$.properties', json('{}')), NULL, NULL, NULL, 'import', '1'),
        ('${at(1)}', 'loader', 'CREATE', 'datasets/b', 'DATASET', NULL, json_set('${fields}', '$.name', 'b', '$.version', NULL, '$.tag', 'x', '$.properties', json('{}')), NULL, NULL, NULL, 'import', '1'),
        ('${at(2)}', 'alice', 'LINK', 'datasets/b', 'DATASET', NULL, NULL, 'derived_from', 'datasets/b', 'datasets/a', 'test', '3'),
        ('${at(3)}', 'alice', 'UNLINK', 'datasets/b', 'DATASET', NULL, NULL, 'derived_from', 'datasets/b', 'datasets/a', 'test', '4'),
        ('${at(4)}', 'alice', 'LINK', 'datasets/b', 'DATASET', NULL, NULL, 'derived_from', 'datasets/b', 'datasets/a', 'test', '5');
      INSERT INTO edge_spans (from_id, relation, to_id, linked, unlinked) VALUES
        ('datasets/b', 'derived_from', 'datasets/a', 3, 4), ('datasets/b', 'derived_from', 'datasets/a', 5, NULL);`);
    raw.close();

    const store = openSqliteStore({ path, catalogue: CATALOGUE });
    const { changes } = await store.changes({ selection: makeChangeSelection({ operations: ['CREATE'] }), afterSequence: null, first: 10, scope: null });
    expect(changes.map((c) => c.after)).toEqual([
      { description: null, source: null, statistics: null, name: 'a', version: null, tag: null, properties: {} },
      { description: null, source: null, statistics: null, name: 'b', version: null, tag: 'x', properties: {} },
    ]);
    const upstream = async (day: number) =>
      (await store.neighbors([{ id: 'datasets/b', relation: 'derived_from', direction: 'OUT', asOf: at(day) }]))[0]?.map((a) => a.id);
    expect([await upstream(1), await upstream(2), await upstream(3), await upstream(4)]).toEqual([[], ['datasets/a'], [], ['datasets/a']]);
    await store.close();

    const upgraded = new BetterSqlite3(path);
    expect(upgraded.prepare('SELECT from_id, relation, to_id, linked, unlinked FROM edge_spans ORDER BY linked').all()).toEqual([
      { from_id: 'datasets/b', relation: 'derived_from', to_id: 'datasets/a', linked: 3, unlinked: 4 },
      { from_id: 'datasets/b', relation: 'derived_from', to_id: 'datasets/a', linked: 5, unlinked: null },
    ]);
    expect(upgraded.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'edge_spans'`).pluck().get()).toContain('WITHOUT ROWID');
    expect(upgraded.prepare(`SELECT name FROM sqlite_schema WHERE tbl_name = 'edge_spans' AND type = 'index' ORDER BY name`).pluck().all()).toEqual(['edge_spans_to']);
    // The file keeps the pages it was made with; only a new file gets 16 KiB ones.
    expect(upgraded.pragma('page_size', { simple: true })).toBe(4096);
    upgraded.close();
  });

  it('makes new files with 16 KiB pages, and reads a relation’s spans from the table keyed by its from end', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'metalayer-spans-')), 'db.sqlite');
    await openSqliteStore({ path, catalogue: CATALOGUE }).close();
    const raw = new BetterSqlite3(path);
    expect(raw.pragma('page_size', { simple: true })).toBe(16384);
    const plan = (sql: string) => (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('a', 'b', 1, 1) as { detail: string }[]).map((row) => row.detail).join('\n');
    expect(plan(`SELECT s.to_id FROM edge_spans s WHERE s.from_id = ? AND s.relation = ? AND s.linked <= ? AND (s.unlinked IS NULL OR s.unlinked > ?)`)).toContain(
      'SEARCH s USING PRIMARY KEY (from_id=? AND relation=? AND linked<?)',
    );
    expect(plan(`SELECT s.from_id FROM edge_spans s WHERE s.to_id = ? AND s.relation = ? AND s.linked <= ? AND (s.unlinked IS NULL OR s.unlinked > ?)`)).toContain(
      'COVERING INDEX edge_spans_to',
    );
    raw.close();
  });

  it('migration 6 lets reads as of an instant use covering indexes of the spans and of state changes alone', () => {
    const raw = new BetterSqlite3(':memory:');
    expect(migrate(raw, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(migrate(raw, 6)).toEqual([6]);
    const plan = (sql: string, ...params: unknown[]) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join('\n');
    expect(
      plan(`SELECT (SELECT c.operation FROM changes c WHERE c.asset_id = ? AND c.sequence <= ?
        AND c.operation IN ('CREATE', 'UPDATE', 'DELETE') ORDER BY c.sequence DESC LIMIT 1)`, 'models/m', 1),
    ).toContain('COVERING INDEX changes_states (asset_id=? AND sequence<?)');
    expect(
      plan(`SELECT s.to_id FROM edge_spans s WHERE s.from_id = ? AND s.relation = ? AND s.linked <= ? AND (s.unlinked IS NULL OR s.unlinked > ?)`, 'a', 'b', 1, 1),
    ).toContain('COVERING INDEX edge_spans_from');
    expect(
      plan(`SELECT s.from_id FROM edge_spans s WHERE s.to_id = ? AND s.relation = ? AND s.linked <= ? AND (s.unlinked IS NULL OR s.unlinked > ?)`, 'a', 'b', 1, 1),
    ).toContain('COVERING INDEX edge_spans_to');
    raw.close();
  });

  it('keeps a relation’s spans: one per time it existed, closed by the change that removed it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'metalayer-spans-')), 'db.sqlite');
    const store = openSqliteStore({ path, catalogue: CATALOGUE });
    const link = { type: 'putEdge', edge: { relation: 'derived_from', from: 'datasets/b', to: 'datasets/a' }, field: ['x'] } as const;
    await commitOps(store, [putAsset(content('DATASET', 'a')), putAsset(content('DATASET', 'b')), link]);
    await commitOps(store, [{ ...link, type: 'removeEdge' }]);
    await commitOps(store, [link]);
    await commitOps(store, [{ type: 'deleteAsset', id: 'datasets/a', field: ['id'] }]);
    await store.close();
    const raw = new BetterSqlite3(path);
    expect(raw.prepare('SELECT from_id, relation, to_id, linked, unlinked FROM edge_spans ORDER BY linked').all()).toEqual([
      { from_id: 'datasets/b', relation: 'derived_from', to_id: 'datasets/a', linked: 3, unlinked: 4 },
      { from_id: 'datasets/b', relation: 'derived_from', to_id: 'datasets/a', linked: 5, unlinked: 6 },
    ]);
    raw.close();
  });

  it('reads a page from the index on (name, value, run_id), seeking to the cursor, never scanning every run', () => {
    const raw = new BetterSqlite3(':memory:');
    migrate(raw);
    const ranged = ['SEARCH m USING COVERING INDEX metric_latest_rank (name=?)', 'SEARCH r USING INDEX sqlite_autoindex_assets_1 (id=?)'];
    expect(plan(raw, {})).toEqual(ranged);
    expect(plan(raw, { after: { value: 1, id: 'run/x' } })).toEqual([
      'SEARCH m USING COVERING INDEX metric_latest_rank (name=? AND value>?)',
      ranged[1],
    ]);
    // Descending values with ascending run ids: ties are sorted as they come, a few rows at a time.
    expect(plan(raw, { order: 'DESC', after: { value: 1, id: 'run/x' } })).toEqual([
      'SEARCH m USING COVERING INDEX metric_latest_rank (name=? AND value<?)',
      ranged[1],
      'USE TEMP B-TREE FOR LAST TERM OF ORDER BY',
    ]);
    raw.close();
  });
});

describe('sqlite engine: usage', () => {
  /**
   * A chain of 240 dataset versions (each derived from the one before), a
   * featureset on every third, a run of one of seven models (two projects,
   * fine-tuned in a chain) on every dataset or featureset, and deployments
   * of three models: enough datasets that a ranking counts them in memory.
   */
  async function seedChain(store: Awaited<ReturnType<typeof openSqliteStore>>): Promise<string[]> {
    const ops = [
      putAsset(content('PROJECT', 'p0')),
      putAsset(content('PROJECT', 'p1')),
      ...Array.from({ length: 7 }, (_, m) => [
        putAsset(content('MODEL', `m${m}`)),
        putEdge('project_models', `project/p${m % 2}`, `models/m${m}`),
        ...(m > 0 ? [putEdge('derived_from', `models/m${m}`, `models/m${m - 1}`)] : []),
        ...(m % 3 === 0 ? [putAsset(content('DEPLOYMENT', `dep${m}`)), putEdge('deployment_model', `deployment/dep${m}`, `models/m${m}`)] : []),
      ]).flat(),
    ];
    const datasets: string[] = [];
    for (let i = 0; i < 240; i++) {
      const uses = i % 3 === 0 ? `featuresets/f${i}` : `datasets/d${i}`;
      datasets.push(`datasets/d${i}`);
      ops.push(
        putAsset(content('DATASET', `d${i}`)),
        ...(i > 0 ? [putEdge('derived_from', `datasets/d${i}`, `datasets/d${i - 1}`)] : []),
        ...(i % 3 === 0 ? [putAsset(content('FEATURESET', `f${i}`)), putEdge('featureset_dataset', `featuresets/f${i}`, `datasets/d${i}`)] : []),
        ...(i % 5 === 0
          ? []
          : [
              putAsset(content('RUN', `r${i}`)),
              putEdge('run_models', `models/m${(i * 3) % 7}`, `run/r${i}`),
              putEdge(uses.startsWith('datasets/') ? 'run_datasets' : 'run_featuresets', `run/r${i}`, uses),
            ]),
      );
    }
    await commitOps(store, ops);
    return datasets;
  }

  async function ranked(store: Awaited<ReturnType<typeof openSqliteStore>>, scope: string[] | null) {
    const all = new Map<string, unknown>();
    let after = null;
    for (;;) {
      const page = await store.rankUsage({ kind: 'DATASET', minModels: 0, first: 100, after, scope, asOf: null });
      for (const entry of page.entries) all.set(entry.asset.id, entry.usage);
      const last = page.entries.at(-1);
      if (!page.hasNextPage || !last) return all;
      after = { models: last.usage.models, id: last.asset.id };
    }
  }

  it('counts a whole kind in memory exactly as the recursive statement counts each asset, scoped or not', async () => {
    for (const scope of [null, ['project/p1']]) {
      const inMemory = openSqliteStore({ path: ':memory:', catalogue: CATALOGUE });
      const byStatement = openSqliteStore({ path: ':memory:', catalogue: CATALOGUE });
      const datasets = await seedChain(inMemory);
      await seedChain(byStatement);
      const counted = await ranked(inMemory, scope);
      const expected = await byStatement.usage(datasets.map((id) => ({ id, scope, asOf: null })));
      expect(counted.size).toBe(240);
      expect(datasets.map((id) => counted.get(id))).toEqual(expected);
      // The root reaches every run and model; p1 owns three of the seven models and one deployment.
      expect(counted.get('datasets/d0')).toEqual(scope === null ? { runs: 192, models: 7, deployments: 3 } : { runs: 82, models: 3, deployments: 1 });
      await Promise.all([inMemory.close(), byStatement.close()]);
    }
  });

  it('drops cached counts a bulk import changes, and keeps the rest', async () => {
    const store = openSqliteStore({ path: ':memory:', catalogue: CATALOGUE });
    await seedChain(store);
    const before = await ranked(store, null);
    // d239's run is of m3, fine-tuned into m4, m5 and m6; dep3 and dep6 serve two of them.
    expect(before.get('datasets/d239')).toEqual({ runs: 1, models: 4, deployments: 2 });
    const run = content('RUN', 'bulk');
    const model = content('MODEL', 'bulk-model');
    await store.importBulk({
      assets: [run, model],
      edges: [
        { relation: 'run_models', from: model.id, to: run.id },
        { relation: 'run_datasets', from: run.id, to: 'datasets/d239' },
      ],
    });
    const after = await ranked(store, null);
    expect(after.get('datasets/d239')).toEqual({ runs: 2, models: 5, deployments: 2 });
    expect(after.get('datasets/d0')).toEqual({ runs: 193, models: 8, deployments: 3 });
    await store.close();
  });
});
