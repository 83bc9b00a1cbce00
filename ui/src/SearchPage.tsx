import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from './ErrorNotice.js';
import { ASSET_KINDS, isAssetKind, KIND_STYLES, kindStyle } from './kinds.js';
import { Link } from './Link.js';
import { SearchAssetsQuery } from './operations.js';
import { assetPath, navigate, routeUrl, type Route } from './route.js';

const PAGE_SIZE = 20;

/** Search by name and kind, a page of `assets` at a time. The terms live in the URL. */
export function SearchPage({ route }: { route: Extract<Route, { page: 'search' }> }) {
  const [name, setName] = useState(route.q);
  const [kind, setKind] = useState<string>(route.kind ?? '');
  // The cursors of the pages before this one, so "Previous" can go back.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, loading, error } = useQuery(SearchAssetsQuery, {
    variables: { nameContains: route.q || null, kind: route.kind, first: PAGE_SIZE, after },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(routeUrl({ page: 'search', q: name.trim(), kind: isAssetKind(kind) ? kind : null }));
  };
  const page = data?.assets;
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Search assets</h1>
      <form className="search" onSubmit={submit} role="search">
        <label>
          Name contains
          <input name="q" type="search" value={name} onChange={(e) => setName(e.target.value)} placeholder="housing" />
        </label>
        <label>
          Kind
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Any kind</option>
            {ASSET_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_STYLES[k].label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      {loading && !page ? <p aria-live="polite">Searching…</p> : null}
      {page ? (
        <>
          <ul className="results" data-testid="search-results">
            {page.edges.map(({ node }) => (
              <li key={node.id} data-result-id={node.id}>
                <span className="badge" data-kind={node.kind} style={{ background: kindStyle(node.kind).colour }}>
                  {kindStyle(node.kind).label}
                </span>
                <Link to={assetPath(node.id)}>{node.name}</Link>
                {node.version ? <span className="muted"> {node.version}</span> : null}
                {node.tag ? <span className="muted"> #{node.tag}</span> : null}
                <code className="muted"> {node.id}</code>
              </li>
            ))}
          </ul>
          {page.edges.length === 0 ? <p>No assets match on this page.</p> : null}
          <div className="pager">
            <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous page
            </button>
            <span>Page {cursors.length}</span>
            <button type="button" disabled={!page.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, page.pageInfo.endCursor ?? null])}>
              Next page
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}
