import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { builtUiDirectory, EXPLORER_CSP, GRAPHIQL_CSP } from '../../src/server/ui.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * How the built UI is served (src/server/ui.ts): the explorer's files and
 * its deep links, GraphiQL for browsers at /graphql, the cache and security
 * headers, and nothing at all when the explorer is off. Needs the UI built
 * (`npm run build:ui`, part of `npm test`).
 */

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((running) => running.server.stop()));
});
async function serve(env: Record<string, string> = {}): Promise<RunningServer> {
  const running = await startServer(env);
  servers.push(running);
  return running;
}

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const UI = builtUiDirectory();

function hashedFiles(): string[] {
  if (!UI) throw new Error('The UI is not built: run `npm run build:ui`');
  return readdirSync(`${UI}static`);
}

describe('the explorer at /', () => {
  test('the UI is built, and names no other host to load anything from', () => {
    expect(UI).not.toBeNull();
    const loads = /(?:src|href)\s*=\s*["']https?:|url\(\s*["']?https?:|@import\s+["']?(?:url\()?["']?https?:/;
    for (const file of hashedFiles().filter((name) => /\.(css|html)$/.test(name))) {
      expect(readFileSync(`${UI}static/${file}`, 'utf8'), file).not.toMatch(loads);
    }
    for (const page of ['index.html', 'graphiql/index.html']) expect(readFileSync(`${UI}${page}`, 'utf8')).not.toMatch(loads);
  });

  test('/ and a deep link answer index.html, revalidated every time, under the narrow policy', async () => {
    const running = await serve();
    for (const path of ['/', '/assets/models/housing-gbm-tuned', '/signin']) {
      const response = await fetch(`${running.url}${path}`, { headers: HTML });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toBe(EXPLORER_CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>metalayer · lineage explorer</title>');
    }
  });

  test('hashed files are cached for a year; a missing one is a 404, not the app', async () => {
    const running = await serve();
    const script = hashedFiles().find((name) => /^explorer-.*\.js$/.test(name));
    const response = await fetch(`${running.url}/static/${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${running.url}/static/missing-0000.js`, { headers: HTML })).status).toBe(404);
  });

  test('the policies allow this origin only; GraphiQL alone may use inline styles', () => {
    expect(EXPLORER_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(GRAPHIQL_CSP).toBe(EXPLORER_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
  });
});

describe('GraphiQL at /graphql', () => {
  test('a browser gets the page under its own policy; a JSON GET still reaches GraphQL', async () => {
    const running = await serve();
    const page = await fetch(`${running.url}/graphql`, { headers: HTML });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(GRAPHIQL_CSP);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<div id="graphiql"></div>');

    const query = await fetch(`${running.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('with the explorer off (production by default)', () => {
  test('/ is a 404 and a browser GET of /graphql is a plain GraphQL request', async () => {
    const running = await serve({ NODE_ENV: 'production' });
    const root = await fetch(`${running.url}/`, { headers: HTML });
    expect(root.status).toBe(404);
    expect(await root.text()).not.toContain('lineage explorer');
    expect((await fetch(`${running.url}/static/anything.js`)).status).toBe(404);
    const graphql = await fetch(`${running.url}/graphql`, { headers: HTML });
    expect(graphql.status).toBe(400);
    expect(graphql.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
