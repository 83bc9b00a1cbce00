import type { ExplorerAssetQuery } from './generated/graphql.js';

type Deployment = Extract<NonNullable<ExplorerAssetQuery['node']>, { __typename: 'Deployment' }>;
type Period = Deployment['servingPerf'][number];

const WIDTH = 520;
const HEIGHT = 160;
const PAD = { left: 64, right: 16, top: 16, bottom: 36 };

/**
 * A deployment's serving performance over time: one line chart per metric,
 * each point a period (placed at its start), hand-drawn in SVG. The values
 * are also in each point's tooltip and in a table for screen readers.
 */
export function ServingChart({ periods }: { periods: Deployment['servingPerf'] }) {
  if (periods.length === 0) return null;
  const names = [...new Set(periods.flatMap((period) => period.metrics.map((m) => m.name)))].sort();
  return (
    <section aria-labelledby="serving-title">
      <h2 id="serving-title">Serving performance over time</h2>
      <div className="charts">
        {names.map((name) => (
          <MetricChart key={name} name={name} periods={periods} />
        ))}
      </div>
    </section>
  );
}

function MetricChart({ name, periods }: { name: string; periods: Period[] }) {
  const points = periods.flatMap((period) => {
    const value = period.metrics.find((m) => m.name === name)?.value;
    return value === undefined ? [] : [{ id: period.id, at: Date.parse(period.periodStart), label: period.periodStart.slice(0, 10), value }];
  });
  const [first, last] = [Math.min(...points.map((p) => p.at)), Math.max(...points.map((p) => p.at))];
  const [low, high] = [Math.min(...points.map((p) => p.value)), Math.max(...points.map((p) => p.value))];
  const x = (at: number) => PAD.left + (last === first ? 0.5 : (at - first) / (last - first)) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => PAD.top + (high === low ? 0.5 : 1 - (value - low) / (high - low)) * (HEIGHT - PAD.top - PAD.bottom);
  const line = points.map((p) => `${x(p.at)},${y(p.value)}`).join(' ');
  return (
    <figure className="chart" data-metric={name} data-points={points.length}>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${name} over time`}>
        <line x1={PAD.left} y1={HEIGHT - PAD.bottom} x2={WIDTH - PAD.right} y2={HEIGHT - PAD.bottom} className="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={HEIGHT - PAD.bottom} className="axis" />
        <text x={PAD.left - 6} y={y(high) + 4} textAnchor="end" className="tick">
          {compact(high)}
        </text>
        <text x={PAD.left - 6} y={y(low) + 4} textAnchor="end" className="tick">
          {compact(low)}
        </text>
        <text x={PAD.left} y={HEIGHT - 12} className="tick">
          {points[0]?.label}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 12} textAnchor="end" className="tick">
          {points[points.length - 1]?.label}
        </text>
        <polyline points={line} className="series" />
        {points.map((p) => (
          <circle key={p.id} cx={x(p.at)} cy={y(p.value)} r="3.5" className="point" data-period={p.label} data-value={p.value}>
            <title>{`${name} ${compact(p.value)} in the period from ${p.label}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption>{name}</figcaption>
    </figure>
  );
}

function compact(value: number): string {
  return Math.abs(value) >= 1000 ? value.toLocaleString('en', { maximumFractionDigits: 0 }) : value.toPrecision(3);
}
