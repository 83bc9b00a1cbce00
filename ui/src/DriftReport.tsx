import type { ExplorerAssetQuery } from './generated/graphql.js';
import { Link } from './Link.js';
import { assetPath } from './route.js';

type Deployment = Extract<NonNullable<ExplorerAssetQuery['node']>, { __typename: 'Deployment' }>;

const STATUS_TEXT = {
  COMPARED: 'compared',
  MISSING_IN_CURRENT: 'missing in serving',
  NEW_IN_CURRENT: 'new in serving',
  NO_BASELINE: 'no training baseline',
} as const;

/**
 * A deployment's drift report (Deployment.drift): the latest serving period
 * with statistics against the data its model was trained on, feature by
 * feature. Nothing is shown when either side has no statistics.
 */
export function DriftReport({ report }: { report: Deployment['drift'] }) {
  if (!report) return null;
  return (
    <section aria-labelledby="drift-title" data-testid="drift-report" data-drifted={report.drifted}>
      <h2 id="drift-title">Training/serving drift</h2>
      <p className={report.drifted ? 'alert' : undefined}>
        {report.drifted ? 'Drifted' : 'No drift'}: <Link to={assetPath(report.current.id)}>{report.current.name}</Link>{' '}
        against{' '}
        {report.baseline.map((dataset, i) => (
          <span key={dataset.id}>
            {i > 0 ? ', ' : ''}
            <Link to={assetPath(dataset.id)}>
              {dataset.name}
              {dataset.version ? ` ${dataset.version}` : ''}
            </Link>
          </span>
        ))}{' '}
        ({report.method}, threshold {report.threshold}).
      </p>
      <table className="drift">
        <caption className="muted">Feature by feature; a score at or above the threshold has drifted.</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Status</th>
            <th scope="col">Score</th>
            <th scope="col">Drifted</th>
          </tr>
        </thead>
        <tbody>
          {report.features.map((feature) => (
            <tr key={feature.name} data-feature={feature.name} data-drifted={feature.drifted}>
              <th scope="row">{feature.name}</th>
              <td>
                {STATUS_TEXT[feature.status]}
                {feature.rebinned ? ' (re-binned)' : ''}
              </td>
              <td>{feature.score === null || feature.score === undefined ? '–' : feature.score.toFixed(3)}</td>
              <td>{feature.drifted ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
