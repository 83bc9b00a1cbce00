import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_KINDS, BUILTIN_RELATIONS, createCatalogue } from '../../src/domain/catalogue.js';
import type { AssetKind } from '../../src/domain/kinds.js';
import { MIGRATIONS, migrate, syncCatalogue } from '../../src/store/sqlite/migrations.js';
import { rankRunsSql } from '../../src/store/sqlite/ranking.js';
import type { RankQuery } from '../../src/store/store.js';
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
    expect(migrate(raw)).toEqual([4]);
    expect(raw.prepare('SELECT devperf_id, name, value, run_id FROM metric_latest ORDER BY devperf_id, name').all()).toEqual([
      { devperf_id: 'devperf/r1', name: 'r2', value: 1, run_id: 'run/r1' },
      { devperf_id: 'devperf/r1', name: 'rmse', value: 1.5, run_id: 'run/r1' },
      { devperf_id: 'devperf/r2', name: 'rmse', value: 2, run_id: null },
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
