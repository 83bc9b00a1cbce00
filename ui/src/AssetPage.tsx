import { useQuery } from '@apollo/client/react';
import { useCallback, useDeferredValue, useMemo } from 'react';
import { ErrorNotice } from './ErrorNotice.js';
import type { ExplorerAssetQuery } from './generated/graphql.js';
import { ASSET_KINDS, KIND_STYLES, kindStyle } from './kinds.js';
import { edgeKey, layoutLineage, type Layout } from './layout.js';
import { KindLegend, LineageGraph } from './LineageGraph.js';
import { LineageTable } from './LineageTable.js';
import { Link } from './Link.js';
import { AssetPageQuery } from './operations.js';
import { assetPath, navigate, routeUrl, type Route } from './route.js';
import { RunsSideBySide } from './RunsSideBySide.js';
import { DriftReport } from './DriftReport.js';
import { ServingChart } from './ServingChart.js';

type AssetRoute = Extract<Route, { page: 'asset' }>;
/** An asset the page shows; `node` may name a change too, which the page does not show. */
type Loaded = Exclude<NonNullable<ExplorerAssetQuery['node']>, { __typename: 'Change' }>;

const DEPTHS = [1, 2, 3, 4, 5, 6, 8, 10];

/**
 * One asset: its fields and properties, its direct relations, and its
 * lineage as a layered graph beside a table. Depth and the kind filter are
 * in the URL, so a view can be shared.
 */
export function AssetPage({ route }: { route: AssetRoute }) {
  const { data, loading, error } = useQuery(AssetPageQuery, {
    variables: { id: route.id, depth: route.depth, kinds: route.kinds.length ? route.kinds : null },
    // A lineage of a thousand assets is drawn, not edited: normalising it into the cache and
    // reading it back would cost more than the request.
    fetchPolicy: 'no-cache',
  });
  const node = data?.node;
  const asset = node && node.__typename !== 'Change' ? node : null;
  return (
    <section aria-labelledby="asset-title" data-asset-id={route.id}>
      {error ? <ErrorNotice error={error} /> : null}
      {loading && !asset ? <p aria-live="polite">Loading {route.id}…</p> : null}
      {!loading && !error && !asset ? (
        <div className="error" role="alert" data-error-code="NOT_FOUND">
          <strong>No such asset</strong>
          <p>
            There is no asset with the id <code>{route.id}</code>. <Link to="/">Search assets</Link>
          </p>
        </div>
      ) : null}
      {asset ? <AssetView asset={asset} route={route} /> : null}
    </section>
  );
}

function AssetView({ asset, route }: { asset: Loaded; route: AssetRoute }) {
  const layout = useMemo(() => layoutLineage(asset, asset.upstream, asset.downstream), [asset]);
  const open = useCallback((id: string) => navigate(assetPath(id)), []);
  // The table follows the graph: a large lineage is drawn first, then listed.
  const tableLayout = useDeferredValue(layout, null);
  return (
    <>
      <h1 id="asset-title">
        <span className="badge" style={{ background: kindStyle(asset.kind).colour }}>
          {kindStyle(asset.kind).label}
        </span>{' '}
        {asset.name}
        {asset.version ? <span className="muted"> {asset.version}</span> : null}
      </h1>
      <div className="columns">
        <Fields asset={asset} />
        <Relations asset={asset} layout={layout} />
      </div>
      {asset.__typename === 'Model' ? <RunsSideBySide runs={asset.producedBy} /> : null}
      {asset.__typename === 'Deployment' ? <ServingChart periods={asset.servingPerf} /> : null}
      {asset.__typename === 'Deployment' ? <DriftReport report={asset.drift} /> : null}
      <h2>Lineage</h2>
      <LineageControls route={route} />
      <LineageStatus asset={asset} />
      <KindLegend layout={layout} />
      <div className="lineage">
        <LineageGraph layout={layout} onOpen={open} />
        {tableLayout ? <LineageTable layout={tableLayout} /> : <p aria-live="polite">Listing the lineage…</p>}
      </div>
    </>
  );
}

/** The typed fields of the kind, then the free-form properties. */
function Fields({ asset }: { asset: Loaded }) {
  const rows: Array<[string, unknown]> = Object.entries(asset).filter(
    ([name, value]) => !['__typename', 'upstream', 'downstream', 'producedBy', 'servingPerf', 'drift', 'properties', 'name', 'kind'].includes(name) && value !== null,
  );
  return (
    <div>
      <h2>Fields</h2>
      <dl className="fields">
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{typeof value === 'string' || typeof value === 'number' ? String(value) : <pre>{JSON.stringify(value, null, 2)}</pre>}</dd>
          </div>
        ))}
      </dl>
      <h2>Properties</h2>
      <pre className="properties">{JSON.stringify(asset.properties, null, 2)}</pre>
    </div>
  );
}

/** The asset's own relations: the lineage edges that touch it, by relation name. */
function Relations({ asset, layout }: { asset: Loaded; layout: Layout }) {
  const names = new Map(layout.nodes.map((node) => [node.asset.id, node.asset]));
  const touching = layout.edges.filter((edge) => edge.from === asset.id || edge.to === asset.id);
  return (
    <div>
      <h2>Relations</h2>
      {touching.length === 0 ? <p className="muted">No relations within the lineage shown.</p> : null}
      <ul className="relations">
        {touching.map((edge) => {
          const other = edge.from === asset.id ? edge.to : edge.from;
          const otherAsset = names.get(other);
          return (
            <li key={edgeKey(edge.kind, edge.from, edge.to)}>
              <code>{edge.kind}</code> {edge.from === asset.id ? '→' : '←'}{' '}
              <Link to={assetPath(other)}>{otherAsset ? `${otherAsset.name}${otherAsset.version ? ` ${otherAsset.version}` : ''}` : other}</Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function LineageControls({ route }: { route: AssetRoute }) {
  const go = (next: Partial<AssetRoute>) => navigate(routeUrl({ ...route, ...next }), true);
  const toggle = (kind: (typeof ASSET_KINDS)[number]) =>
    go({ kinds: route.kinds.includes(kind) ? route.kinds.filter((k) => k !== kind) : [...route.kinds, kind] });
  return (
    <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label="Lineage options">
      <label>
        Depth
        <select name="depth" value={route.depth ?? ''} onChange={(e) => go({ depth: e.target.value ? Number(e.target.value) : null })}>
          <option value="">All (server limit)</option>
          {DEPTHS.map((depth) => (
            <option key={depth} value={depth}>
              {depth} {depth === 1 ? 'hop' : 'hops'}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Only these kinds (none ticked: all)</legend>
        {ASSET_KINDS.map((kind) => (
          <label key={kind} className="kind-toggle">
            <input type="checkbox" name="kinds" value={kind} checked={route.kinds.includes(kind)} onChange={() => toggle(kind)} />
            {KIND_STYLES[kind].label}
          </label>
        ))}
      </fieldset>
    </form>
  );
}

/** `truncated` and `restricted`, said in words, per side. */
function LineageStatus({ asset }: { asset: Loaded }) {
  const notes: Array<{ key: string; text: string }> = [];
  for (const [side, lineage] of [['upstream', asset.upstream], ['downstream', asset.downstream]] as const) {
    if (lineage.truncated) notes.push({ key: `${side}-truncated`, text: `The ${side} lineage is truncated: the depth or node limit cut it, and more assets lie beyond.` });
    if (lineage.restricted > 0)
      notes.push({
        key: `${side}-restricted`,
        text: `${lineage.restricted} ${side} ${lineage.restricted === 1 ? 'asset is' : 'assets are'} hidden: ${lineage.restricted === 1 ? 'it belongs' : 'they belong'} to projects this token may not see.`,
      });
  }
  return (
    <div className="status" data-testid="lineage-status" data-upstream-truncated={asset.upstream.truncated} data-downstream-truncated={asset.downstream.truncated} data-restricted={asset.upstream.restricted + asset.downstream.restricted}>
      <p>
        {asset.upstream.nodes.length} upstream, {asset.downstream.nodes.length} downstream.
      </p>
      {notes.map((note) => (
        <p key={note.key} className="warning" role="status">
          {note.text}
        </p>
      ))}
    </div>
  );
}
