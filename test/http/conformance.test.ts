import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * GraphQL over HTTP conformance, audited by graphql-http's `serverAudits`
 * against the running server. Every MUST passes. The SHOULD and MAY audits
 * that do not pass are pinned here by id, with the reason, so the list in
 * the README stays true: a change in either direction fails this test.
 */

/** Apollo Server answers 400 to a request that never executes, whatever the Accept header. */
const SHOULD_NOT_MET = {
  '572B': 'SHOULD use 200 status code on document parsing failure when accepting application/json',
  FDE2: 'SHOULD use 200 status code on document validation failure when accepting application/json',
  '7B9B': 'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
};

/** CSRF prevention refuses a GET without a header a browser would preflight, as these audits send it. */
const MAY_NOT_MET = {
  '5A70': 'MAY accept application/x-www-form-urlencoded formatted GET requests',
  D6D5: 'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
  '6A70': 'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
};

let running: RunningServer;
let results: AuditResult[];

beforeAll(async () => {
  running = await startServer();
  results = [];
  // One at a time: the audits share one server, and their order makes failures easy to read.
  for (const audit of serverAudits({ url: `${running.url}/graphql`, fetchFn: fetch })) {
    results.push(await audit.fn());
  }
});
afterAll(async () => {
  await running.server.stop();
});

function notMet(level: 'MUST' | 'SHOULD' | 'MAY'): Record<string, string> {
  return Object.fromEntries(
    results.filter((result) => result.name.startsWith(`${level} `) && result.status !== 'ok').map((result) => [result.id, result.name]),
  );
}

describe('GraphQL over HTTP (graphql-http audits)', () => {
  test('every MUST audit passes', () => {
    expect(results.filter((result) => result.name.startsWith('MUST ')).length).toBeGreaterThan(10);
    expect(notMet('MUST')).toEqual({});
  });

  test('the SHOULD audits not met are exactly the three documented', () => {
    expect(notMet('SHOULD')).toEqual(SHOULD_NOT_MET);
  });

  test('the MAY audits not met are exactly the three GETs CSRF prevention refuses', () => {
    expect(notMet('MAY')).toEqual(MAY_NOT_MET);
  });
});

describe('GET requests', () => {
  test('answer a query when they carry a preflight header, and are refused as possible CSRF without one', async () => {
    const url = `${running.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;

    const allowed = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ data: { __typename: 'Query' } });

    const refused = await fetch(url);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('Cross-Site Request Forgery');
  });

  test('never run a mutation', async () => {
    const query = encodeURIComponent('mutation { deleteAsset(input: { id: "models/x" }) { deletedId } }');
    const response = await fetch(`${running.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(405);
  });
});
