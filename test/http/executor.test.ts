import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * The executor as an operator sees it: each request's log line names the
 * executor that ran its operations, and an operation graphql-jit cannot
 * compile is logged once, with the reason, and then runs on graphql-js.
 */
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.server.stop();
  running = undefined;
});

/** The request's log line, once the response has finished. */
async function requestLine(server: RunningServer, requestId: string): Promise<Record<string, unknown>> {
  for (;;) {
    const line = server.logs.find((entry) => entry['requestId'] === requestId && entry['msg'] === 'request');
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A JSON literal holding a variable: graphql-jit would read it without the variable, so graphql-js runs it. */
const FALLBACK = `mutation Register($owner: String) { registerProject(input: { name: "p", properties: { owner: $owner } }) { project { properties } } }`;

describe('the executor in the request log', () => {
  it('names jit for compiled operations, graphql-js for a fallback, and logs the fallback once with its reason', async () => {
    running = await startServer({ METALAYER_EXECUTOR: 'jit' });
    const server = running;
    await server.post({ query: '{ assets { edges { node { id } } } }' }, { 'x-request-id': 'compiled' });
    const fallback = await server.post({ query: FALLBACK, variables: { owner: 'ana' } }, { 'x-request-id': 'fallback-1' });
    await server.post({ query: FALLBACK.replace('"p"', '"q"'), variables: { owner: 'bo' } }, { 'x-request-id': 'fallback-2' });
    await server.post({ query: '{ nope }' }, { 'x-request-id': 'invalid' });
    expect(fallback.body).toEqual({ data: { registerProject: { project: { properties: { owner: 'ana' } } } } });
    expect(await requestLine(server, 'compiled')).toMatchObject({ executor: 'jit', status: 200 });
    expect(await requestLine(server, 'fallback-1')).toMatchObject({ executor: 'graphql-js' });
    expect(await requestLine(server, 'fallback-2')).toMatchObject({ executor: 'graphql-js' });
    expect(await requestLine(server, 'invalid')).not.toHaveProperty('executor');
    const fallbacks = server.logs.filter((entry) => entry['executorFallback'] === true);
    // Two documents, each logged once: the second differs in its text.
    expect(fallbacks).toEqual([
      expect.objectContaining({
        level: 40,
        operationName: 'Register',
        reason: 'a JSON literal holds a variable, which graphql-jit would read as unset',
      }),
      expect.objectContaining({ operationName: 'Register' }),
    ]);
    await server.post({ query: FALLBACK, variables: { owner: 'cy' } }, { 'x-request-id': 'fallback-3' });
    await requestLine(server, 'fallback-3');
    expect(server.logs.filter((entry) => entry['executorFallback'] === true)).toHaveLength(2);
  });

  it('names graphql-js for every operation when METALAYER_EXECUTOR=graphql-js, and logs no fallback', async () => {
    running = await startServer({ METALAYER_EXECUTOR: 'graphql-js' });
    const server = running;
    await server.post({ query: '{ assets { edges { node { id } } } }' }, { 'x-request-id': 'plain' });
    await server.post({ query: FALLBACK, variables: { owner: 'ana' } }, { 'x-request-id': 'nested' });
    expect(await requestLine(server, 'plain')).toMatchObject({ executor: 'graphql-js' });
    expect(await requestLine(server, 'nested')).toMatchObject({ executor: 'graphql-js' });
    expect(server.logs.filter((entry) => entry['executorFallback'] === true)).toEqual([]);
  });
});
