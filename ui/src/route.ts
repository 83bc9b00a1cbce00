import { useEffect, useState } from 'react';
import { isAssetKind } from './kinds.js';
import type { AssetKind } from './generated/graphql.js';

/**
 * The explorer's pages and their URLs, kept in the address bar with the
 * history API so a page can be shared and the back button works:
 *
 * - `/?q=housing&kind=MODEL` — search
 * - `/assets/models/house-price-v2?depth=2&kinds=DATASET,RUN` — an asset
 * - `/signin` — sign in with a bearer token
 */
export type Route =
  | { page: 'search'; q: string; kind: AssetKind | null }
  | { page: 'asset'; id: string; depth: number | null; kinds: AssetKind[] }
  | { page: 'signin' }
  | { page: 'missing'; path: string };

export function parseRoute(location: { pathname: string; search: string }): Route {
  const params = new URLSearchParams(location.search);
  const path = location.pathname;
  if (path === '/' || path === '') {
    const kind = params.get('kind') ?? '';
    return { page: 'search', q: params.get('q') ?? '', kind: isAssetKind(kind) ? kind : null };
  }
  if (path === '/signin') return { page: 'signin' };
  if (path.startsWith('/assets/') && path.length > '/assets/'.length) {
    const id = decodeURIComponent(path.slice('/assets/'.length));
    const depth = Number(params.get('depth'));
    const kinds = (params.get('kinds') ?? '').split(',').filter(isAssetKind);
    return { page: 'asset', id, depth: Number.isInteger(depth) && depth > 0 ? depth : null, kinds };
  }
  return { page: 'missing', path };
}

export function routeUrl(route: Route): string {
  switch (route.page) {
    case 'search':
      return withQuery('/', { q: route.q || null, kind: route.kind });
    case 'asset':
      return withQuery(assetPath(route.id), {
        depth: route.depth === null ? null : String(route.depth),
        kinds: route.kinds.length ? route.kinds.join(',') : null,
      });
    case 'signin':
      return '/signin';
    case 'missing':
      return route.path;
    default:
      return unreachable(route);
  }
}

/** An asset's page; ids are `collection/key`, and a key may hold any character. */
export function assetPath(id: string): string {
  return `/assets/${id.split('/').map(encodeURIComponent).join('/')}`;
}

function withQuery(path: string, params: Record<string, string | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null) search.set(name, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

function unreachable(value: never): never {
  throw new Error(`Unknown route ${JSON.stringify(value)}`);
}

/** Opens a URL of this app without reloading; `replace` keeps it out of the back button's way. */
export function navigate(url: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current route, following pushState and the back and forward buttons. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location));
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}
