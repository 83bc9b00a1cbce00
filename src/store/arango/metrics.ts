import type { AqlQuery } from 'arangojs/aql';
import type { EnsurePersistentIndexOptions } from 'arangojs/indexes';
import type { StoredMetricPoint } from '../../domain/runs.js';
import type { StoredDocument } from './attributes.js';
import { Bindings } from './bindings.js';
import { METRIC_POINTS_COLLECTION } from './catalogue.js';

/**
 * Metric series in ArangoDB: one document per point in metalayer's own
 * collection (`metalayer_metric_points`), beside arangopipe's. A
 * development performance's document keeps the latest value of each name in
 * its metrics, as arangopipe reads them. The persistent index on (devperf,
 * name, at, step, seq) answers a series, and a name's latest point, from
 * that performance's points of that name alone.
 */

/** A point's document. `seq` orders points by when they were received; `key` is the keyed call that sent it. */
export interface MetricPointDocument {
  devperf: string;
  name: string;
  at: string;
  step: number | null;
  value: number;
  seq: number;
  key: string | null;
}

/** The indexes of the points collection: a series in order, and the points of one keyed call. */
export const METRIC_POINT_INDEXES: readonly EnsurePersistentIndexOptions[] = [
  { type: 'persistent', name: 'metalayer_series', fields: ['devperf', 'name', 'at', 'step', 'seq'], inBackground: true },
  { type: 'persistent', name: 'metalayer_batch', fields: ['devperf', 'key', 'seq'], sparse: true, inBackground: true },
];

/** What recording points needs to know: the performance's document, what the key holds, each name's latest point. */
export interface MetricFacts {
  devPerf: StoredDocument | null;
  prior: StoredMetricPoint[];
  latest: StoredMetricPoint[];
}

/**
 * `/* metricFacts *\/`: the development performance's document, the points
 * recorded under `key` (none without one) in the order received, and the
 * latest stored point of each of `names`.
 */
export function metricFactsStatement(devPerf: string, key: string | null, names: readonly string[]): AqlQuery {
  const b = new Bindings();
  const id = b.bind('devPerf', devPerf);
  return b.query([
    '/* metricFacts */',
    `LET prior = (`,
    `  FOR p IN ${METRIC_POINTS_COLLECTION}`,
    `    FILTER p.devperf == ${id} AND p.key == ${b.bind('key', key)} AND p.key != null`,
    '    SORT p.seq',
    '    RETURN KEEP(p, "name", "value", "step", "at", "seq")',
    ')',
    'LET latest = (',
    `  FOR name IN ${b.bind('names', names)}`,
    '    LET point = FIRST(',
    `      FOR p IN ${METRIC_POINTS_COLLECTION}`,
    `        FILTER p.devperf == ${id} AND p.name == name`,
    '        SORT p.at DESC, p.step DESC, p.seq DESC',
    '        LIMIT 1',
    '        RETURN KEEP(p, "name", "value", "step", "at", "seq")',
    '    )',
    '    FILTER point != null',
    '    RETURN point',
    ')',
    `RETURN { devPerf: DOCUMENT(${id}), prior, latest }`,
  ]);
}

/** `/* insertMetricPoints *\/`: inserts the points' documents. */
export function insertMetricPointsStatement(points: readonly MetricPointDocument[]): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* insertMetricPoints */',
    `FOR point IN ${b.bind('points', points)}`,
    `  INSERT point INTO ${METRIC_POINTS_COLLECTION}`,
  ]);
}

/** One series asked for: a performance's points of one name, as of an instant (its points at or before it) or now (null). */
export interface SeriesRequest {
  devPerf: string;
  name: string;
  asOf: string | null;
}

/** `/* metricSeries *\/`: one row, an array of points per request, oldest first. */
export function metricSeriesQuery(requests: readonly SeriesRequest[]): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* metricSeries */',
    `FOR r IN ${b.bind('requests', requests)}`,
    '  RETURN (',
    `    FOR p IN ${METRIC_POINTS_COLLECTION}`,
    '      FILTER p.devperf == r.devPerf AND p.name == r.name AND (r.asOf == null OR p.at <= r.asOf)',
    '      SORT p.at, p.step, p.seq',
    '      RETURN { at: p.at, value: p.value, step: p.step }',
    '  )',
  ]);
}
