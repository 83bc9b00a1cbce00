import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startServer } from '../helpers/server.js';

describe('metalayer command line', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDb = () => {
    const dir = mkdtempSync(join(tmpdir(), 'metalayer-cli-'));
    dirs.push(dir);
    return join(dir, 'data', 'metalayer.db');
  };

  it('serve --demo loads the demo into an empty store, serves it, and stops cleanly on SIGTERM', async () => {
    const db = tempDb();
    const cli = runCli(['serve', '--demo', '--port', '0', '--db', db]);
    const loaded = JSON.parse(await cli.waitForLine(/demo pipeline loaded/));
    expect(loaded.assets).toBe(23);
    const serving = JSON.parse(await cli.waitForLine(/metalayer is serving/));
    expect(serving.explorer).toBe(serving.url.replace(/graphql$/, ''));
    const response = await fetch(serving.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ node(id: "models/housing-gbm-tuned") { id ... on Model { name } } }' }),
    });
    expect(await response.json()).toEqual({
      data: { node: { id: 'models/housing-gbm-tuned', name: 'Housing gradient boosting' } },
    });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.lines.some((l) => l.includes('shutting down'))).toBe(true);

    // A second start finds data and leaves it alone.
    const again = runCli(['serve', '--demo', '--port', '0', '--db', db]);
    await again.waitForLine(/holds data already/);
    await again.waitForLine(/metalayer is serving/);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('seed --demo is idempotent', async () => {
    const db = tempDb();
    for (let i = 0; i < 2; i++) {
      const cli = runCli(['seed', '--demo', '--db', db]);
      expect(await cli.exited).toBe(0);
      expect(JSON.parse(cli.lines.find((l) => l.includes('demo pipeline loaded')) ?? '{}').assets).toBe(23);
    }
  });

  it('token create prints a token once and the entry that makes a server accept it', async () => {
    const cli = runCli(['token', 'create', '--name', 'ci-bot', '--role', 'writer', '--project', 'project/housing']);
    expect(await cli.exited).toBe(0);
    const token = cli.lines.find((line) => line.startsWith('ml_'));
    const entry = JSON.parse(cli.lines.find((line) => line.startsWith('{')) ?? '{}');
    expect(token).toMatch(/^ml_[A-Za-z0-9_-]{43}$/);
    expect(entry).toEqual({ name: 'ci-bot', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), role: 'writer', projects: ['project/housing'] });
    expect(cli.lines.filter((line) => line.includes(token ?? '-'))).toHaveLength(1);

    const running = await startServer({ METALAYER_TOKENS: JSON.stringify([entry]) });
    try {
      const query = { query: '{ node(id: "models/none") { id } }' };
      expect(await running.post(query, { authorization: `Bearer ${token}` })).toMatchObject({ status: 200, body: { data: { node: null } } });
      expect((await running.post(query, { authorization: `Bearer ${token}x` })).status).toBe(401);
    } finally {
      await running.server.stop();
    }
  });

  it('token create refuses a bad request with exit code 2, naming the flag', async () => {
    const scopedAdmin = runCli(['token', 'create', '--name', 'root', '--role', 'admin', '--project', 'project/housing']);
    expect(await scopedAdmin.exited).toBe(2);
    expect(scopedAdmin.stderr()).toMatch(/--project: an admin token cannot be scoped/);
    expect(scopedAdmin.lines.some((line) => line.startsWith('ml_'))).toBe(false);
    const badProject = runCli(['token', 'create', '--name', 'x', '--role', 'reader', '--project', 'models/m']);
    expect(await badProject.exited).toBe(2);
    expect(badProject.stderr()).toMatch(/--project: expected a project id/);
  });

  it('refuses bad configuration with exit code 2 and a message naming the setting', async () => {
    const badPort = runCli(['serve', '--port', 'eighty']);
    expect(await badPort.exited).toBe(2);
    expect(badPort.stderr()).toMatch(/PORT/);
    const badEngine = runCli(['serve'], { METALAYER_STORE: 'postgres' });
    expect(await badEngine.exited).toBe(2);
    expect(badEngine.stderr()).toMatch(/METALAYER_STORE/);
    const unknown = runCli(['frobnicate']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toMatch(/Unknown command "frobnicate"/);
  });
});
