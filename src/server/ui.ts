import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Request, type RequestHandler, type Router } from 'express';

/**
 * The browser side of metalayer, built by Vite from ui/ into dist/ui/: the
 * lineage explorer (a single-page app at `/`) and GraphiQL (at `/graphql`
 * for browsers). Everything they load comes from this server: the policies
 * below allow no other origin, and the bundles hold no other host's URL
 * (fonts are inlined as data: URLs).
 */

/** The explorer's policy: its own origin only, no inline script or style. */
export const EXPLORER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GraphiQL's policy: as narrow, except that its editor (Monaco) writes
 * inline styles. Scripts still come only from this origin.
 */
export const GRAPHIQL_CSP = EXPLORER_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

/** Vite's content-hashed files live under this path; anything else is `no-cache`. */
const HASHED_PREFIX = '/static/';

/**
 * Where the built UI is: dist/ui/ beside the compiled server (dist/server/),
 * or, when the server runs from its sources (src/server/), the build in
 * dist/ui/. Null when the UI has not been built.
 */
export function builtUiDirectory(): string | null {
  const candidates = [new URL('../ui/', import.meta.url), new URL('../../dist/ui/', import.meta.url)];
  const found = candidates.find((url) => existsSync(new URL('index.html', url)));
  return found ? fileURLToPath(found) : null;
}

/** True when a request is a browser navigation: it prefers HTML to JSON. */
export function prefersHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

function securityHeaders(res: express.Response, policy: string): void {
  res.setHeader('content-security-policy', policy);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
}

/**
 * `GET /graphql` from a browser: the bundled GraphiQL page. Other requests
 * (JSON GETs, POSTs) go on to the GraphQL handler.
 */
export function graphiqlPage(uiDirectory: string | null): RequestHandler {
  return (req, res, next) => {
    if (!prefersHtml(req)) return next();
    securityHeaders(res, GRAPHIQL_CSP);
    if (!uiDirectory) return notBuilt(res);
    res.setHeader('cache-control', 'no-cache');
    res.sendFile('graphiql/index.html', { root: uiDirectory });
  };
}

/**
 * The explorer: hashed assets cached for a year, and `index.html` (never
 * cached without revalidation) for every other browser navigation, so that
 * a deep link such as `/assets/models/house-price-v2` opens the app.
 */
export function explorerRoutes(uiDirectory: string | null): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    securityHeaders(res, EXPLORER_CSP);
    next();
  });
  if (!uiDirectory) {
    router.get(/.*/, (req, res, next) => (prefersHtml(req) ? notBuilt(res) : next()));
    return router;
  }
  router.use(
    express.static(uiDirectory, {
      index: false,
      fallthrough: true,
      setHeaders: (res, path) => {
        const hashed = path.startsWith(`${uiDirectory.replace(/\/$/, '')}${HASHED_PREFIX}`);
        res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  router.get(/.*/, (req, res, next) => {
    if (req.path.startsWith(HASHED_PREFIX) || req.path.startsWith('/graphiql/') || !prefersHtml(req)) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile('index.html', { root: uiDirectory });
  });
  return router;
}

function notBuilt(res: express.Response): void {
  res.status(503).type('text/plain').send('The explorer is not built: run `npm run build` (it builds ui/ into dist/ui/).\n');
}
