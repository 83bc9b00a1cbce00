import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { hashToken, newToken, type TokenEntry } from '../../src/server/tokens.js';
import { seedTwoProjects, TWO } from '../helpers/projects.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * Authentication and roles over HTTP (src/server/authenticate.ts): bearer
 * tokens configured by their hashes, anonymous requests as configured, and
 * the status codes a client sees.
 */

const tokens = { reader: newToken(), writer: newToken(), alpha: newToken(), admin: newToken() };
const entries: TokenEntry[] = [
  { name: 'rita', sha256: hashToken(tokens.reader), role: 'reader' },
  { name: 'walt', sha256: hashToken(tokens.writer), role: 'writer' },
  { name: 'alma', sha256: hashToken(tokens.alpha), role: 'writer', projects: [TWO.alpha] },
  { name: 'ada', sha256: hashToken(tokens.admin), role: 'admin' },
];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const READ = { query: `{ node(id: "${TWO.betaModel}") { id } }` };
const WRITE = { query: 'mutation { registerDataset(input: { key: "d", name: "d" }) { dataset { id } } }' };

const servers: RunningServer[] = [];
async function serve(env: Record<string, string>): Promise<RunningServer> {
  const running = await startServer(env);
  servers.push(running);
  await seedTwoProjects(running.store);
  return running;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((running) => running.server.stop()));
});

describe('with tokens configured', () => {
  const env = { METALAYER_TOKENS: JSON.stringify(entries) };

  test('an unknown or malformed token is refused with 401 UNAUTHENTICATED and a Bearer challenge', async () => {
    const running = await serve(env);
    for (const authorization of [`Bearer ${newToken()}`, `Basic ${tokens.reader}`, 'Bearer', `Bearer ${tokens.reader} extra`]) {
      const { status, body, headers } = await running.post(READ, { authorization });
      expect(status).toBe(401);
      expect(headers.get('www-authenticate')).toBe('Bearer realm="metalayer"');
      expect(body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  });

  test('the scheme is case-insensitive, and a known token reads', async () => {
    const running = await serve(env);
    const { status, body } = await running.post(READ, { authorization: `bearer ${tokens.reader}` });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { node: { id: TWO.betaModel } } });
  });

  test('without a token, only introspection is answered unless anonymous reads are on', async () => {
    const running = await serve(env);
    const refused = await running.post(READ);
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const introspection = await running.post({ query: '{ __typename __schema { queryType { name } } }' });
    expect(introspection).toMatchObject({ status: 200, body: { data: { __typename: 'Query', __schema: { queryType: { name: 'Query' } } } } });
    expect((await running.post(WRITE)).status).toBe(401);
  });

  test('METALAYER_ANONYMOUS_READS=true lets anonymous requests read everything, and write nothing', async () => {
    const running = await serve({ ...env, METALAYER_ANONYMOUS_READS: 'true' });
    expect(await running.post(READ)).toMatchObject({ status: 200, body: { data: { node: { id: TWO.betaModel } } } });
    const write = await running.post(WRITE);
    expect(write.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await running.store.getAssets(['datasets/d']))[0]).toBeNull();
  });

  test('mutations need writer, projects admin', async () => {
    const running = await serve(env);
    const byReader = await running.post(WRITE, bearer(tokens.reader));
    expect(byReader.body.errors).toEqual([
      expect.objectContaining({
        message: 'A mutation needs the writer role; the token "rita" has the reader role',
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
    expect((await running.post(WRITE, bearer(tokens.writer))).body).toEqual({ data: { registerDataset: { dataset: { id: 'datasets/d' } } } });
    const project = { query: 'mutation { registerProject(input: { key: "p", name: "p" }) { project { id } } }' };
    expect((await running.post(project, bearer(tokens.writer))).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await running.post(project, bearer(tokens.admin))).body).toEqual({ data: { registerProject: { project: { id: 'project/p' } } } });
  });

  test("a token scoped to a project is refused another project's asset", async () => {
    const running = await serve(env);
    const { status, body } = await running.post(READ, bearer(tokens.alpha));
    expect(status).toBe(200);
    expect(body.errors[0]).toMatchObject({ path: ['node'], extensions: { code: 'FORBIDDEN' } });
  });

  test('persisted queries are kept per token: another token, or an anonymous request, learns nothing of them', async () => {
    const running = await serve(env);
    const query = `{ node(id: "${TWO.alphaModel}") { id } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const notFound = { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] };

    // Before anyone registered it, and after: an anonymous request gets the same answer.
    const anonymousBefore = await running.post({ extensions });
    expect((await running.post({ query, extensions }, bearer(tokens.alpha))).body).toEqual({ data: { node: { id: TWO.alphaModel } } });
    const anonymousAfter = await running.post({ extensions });
    expect([anonymousBefore.status, anonymousBefore.body]).toEqual([200, notFound]);
    expect([anonymousAfter.status, anonymousAfter.body]).toEqual([200, notFound]);

    // The token that registered it finds it; another token does not.
    expect((await running.post({ extensions }, bearer(tokens.alpha))).body).toEqual({ data: { node: { id: TWO.alphaModel } } });
    expect((await running.post({ extensions }, bearer(tokens.reader))).body).toEqual(notFound);
  });

  test('the request log names the token, never shows it', async () => {
    const running = await serve(env);
    await running.post(READ, bearer(tokens.reader));
    await running.post(READ, { authorization: `Bearer ${tokens.writer}x` });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const logs = JSON.stringify(running.logs);
    for (const token of Object.values(tokens)) expect(logs).not.toContain(token.slice(3));
    expect(running.logs).toContainEqual(expect.objectContaining({ msg: 'request', viewer: 'rita', status: 200 }));
    expect(running.logs).toContainEqual(expect.objectContaining({ msg: 'request', status: 401 }));
  });
});

describe('the tokens file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metalayer-tokens-'));
  const file = join(dir, 'tokens.json');
  beforeAll(() => writeFileSync(file, JSON.stringify(entries.slice(0, 1))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('METALAYER_TOKENS_FILE configures the tokens', async () => {
    const running = await serve({ METALAYER_TOKENS_FILE: file });
    expect((await running.post(READ, bearer(tokens.reader))).status).toBe(200);
    expect((await running.post(READ, bearer(tokens.writer))).status).toBe(401);
  });
});

describe('without tokens', () => {
  test('authentication is off: every request acts as an unscoped admin, and the start warns', async () => {
    const running = await serve({});
    expect((await running.post(WRITE)).body).toEqual({ data: { registerDataset: { dataset: { id: 'datasets/d' } } } });
    expect((await running.post(READ, { authorization: 'Bearer anything' })).status).toBe(200);
    expect(running.logs).toContainEqual(expect.objectContaining({ level: 40, security: 'authentication-off' }));
  });

  test('in production the warning is an error', async () => {
    const running = await serve({ NODE_ENV: 'production' });
    expect(running.logs).toContainEqual(expect.objectContaining({ level: 50, security: 'authentication-off' }));
  });
});
