import { afterEach, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * The explorer (GraphiQL at /graphql for browsers), introspection and the subgraph SDL, over HTTP,
 * under each setting of NODE_ENV, METALAYER_INTROSPECTION and
 * METALAYER_EXPLORER (src/server/config.ts).
 */

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((running) => running.server.stop()));
});

async function serve(env: Record<string, string>): Promise<RunningServer> {
  const running = await startServer(env);
  servers.push(running);
  return running;
}

/** What a browser opening /graphql gets: the status, and the HTML when it is a page. */
async function openInBrowser(running: RunningServer): Promise<{ status: number; html: string | null }> {
  const response = await fetch(`${running.url}/graphql`, { headers: { accept: 'text/html' } });
  const html = response.headers.get('content-type')?.startsWith('text/html') ? await response.text() : null;
  return { status: response.status, html };
}

/** The error codes of an introspection query and of a `_service` query, or 'ok' for each answered. */
async function schemaAccess(running: RunningServer): Promise<{ introspection: string; sdl: string }> {
  const outcome = async (query: string) => {
    const { status, body } = await running.post({ query });
    return status === 200 && !body.errors ? 'ok' : `${status} ${body.errors?.[0]?.extensions?.code}`;
  };
  return {
    introspection: await outcome('{ __schema { queryType { name } } }'),
    sdl: await outcome('{ _service { sdl } }'),
  };
}

describe('in development', () => {
  test('GET /graphql in a browser opens the bundled GraphiQL, loaded from this server only', async () => {
    const running = await serve({ NODE_ENV: 'development' });
    const { status, html } = await openInBrowser(running);
    expect(status).toBe(200);
    expect(html).toContain('<title>metalayer · GraphiQL</title>');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(await schemaAccess(running)).toEqual({ introspection: 'ok', sdl: 'ok' });
  });
});

describe('in production', () => {
  test('introspection, the subgraph SDL and the explorer are off', async () => {
    const running = await serve({ NODE_ENV: 'production' });
    const { status, html } = await openInBrowser(running);
    // No page: the GET is a GraphQL request without a query, refused by CSRF prevention first.
    expect(status).toBe(400);
    expect(html).toBeNull();
    expect(await schemaAccess(running)).toEqual({
      introspection: '400 GRAPHQL_VALIDATION_FAILED',
      sdl: '400 GRAPHQL_VALIDATION_FAILED',
    });
    const { body } = await running.post({ query: '{ _service { sdl } }' });
    expect(body.errors[0].message).toBe('The subgraph SDL (`_service`) is not available: introspection is turned off on this server');
  });

  test('METALAYER_INTROSPECTION turns introspection and the SDL on, and the explorer with them', async () => {
    const running = await serve({ NODE_ENV: 'production', METALAYER_INTROSPECTION: 'true' });
    expect(await schemaAccess(running)).toEqual({ introspection: 'ok', sdl: 'ok' });
    expect((await openInBrowser(running)).html).toContain('metalayer · GraphiQL');
  });

  test('METALAYER_EXPLORER turns the explorer on alone, or off alone', async () => {
    const explorerOnly = await serve({ NODE_ENV: 'production', METALAYER_EXPLORER: 'true' });
    expect((await openInBrowser(explorerOnly)).html).toContain('metalayer · GraphiQL');
    expect(await schemaAccess(explorerOnly)).toEqual({
      introspection: '400 GRAPHQL_VALIDATION_FAILED',
      sdl: '400 GRAPHQL_VALIDATION_FAILED',
    });

    const introspectionOnly = await serve({ NODE_ENV: 'production', METALAYER_INTROSPECTION: 'true', METALAYER_EXPLORER: 'false' });
    expect((await openInBrowser(introspectionOnly)).html).toBeNull();
    expect(await schemaAccess(introspectionOnly)).toEqual({ introspection: 'ok', sdl: 'ok' });
  });
});
