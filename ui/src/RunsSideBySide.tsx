import type { ExplorerAssetQuery } from './generated/graphql.js';
import { Link } from './Link.js';
import { assetPath } from './route.js';

type Model = Extract<NonNullable<ExplorerAssetQuery['node']>, { __typename: 'Model' }>;
type Run = Model['producedBy'][number];

/**
 * A model's runs side by side, one column per run: every parameter and
 * metric any run has is a row, blank where a run lacks it, then the
 * datasets each trained on.
 */
export function RunsSideBySide({ runs }: { runs: Model['producedBy'] }) {
  if (runs.length === 0) return null;
  const paramNames = unionOf(runs.map((run) => Object.keys(paramsOf(run))));
  const metricNames = unionOf(runs.map((run) => (run.devPerf?.metrics ?? []).map((m) => m.name)));
  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Runs side by side</h2>
      <div className="scroll">
        <table className="runs" data-testid="runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              {runs.map((run) => (
                <th scope="col" key={run.id} data-run-id={run.id}>
                  <Link to={assetPath(run.id)}>{run.runId}</Link>
                  <div className="muted">{run.status.toLowerCase()}</div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {paramNames.map((name) => (
              <tr key={`param-${name}`}>
                <th scope="row">param {name}</th>
                {runs.map((run) => (
                  <td key={run.id}>{format(paramsOf(run)[name])}</td>
                ))}
              </tr>
            ))}
            {metricNames.map((name) => (
              <tr key={`metric-${name}`}>
                <th scope="row">metric {name}</th>
                {runs.map((run) => (
                  <td key={run.id}>{format(run.devPerf?.metrics.find((m) => m.name === name)?.value)}</td>
                ))}
              </tr>
            ))}
            <tr>
              <th scope="row">datasets</th>
              {runs.map((run) => (
                <td key={run.id}>
                  {run.datasets.map((dataset) => (
                    <div key={dataset.id}>
                      <Link to={assetPath(dataset.id)}>{`${dataset.name}${dataset.version ? ` ${dataset.version}` : ''}`}</Link>
                    </div>
                  ))}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}

function paramsOf(run: Run): Record<string, unknown> {
  const params = run.params?.params;
  return params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
}

function unionOf(lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}

function format(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
