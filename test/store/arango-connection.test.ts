import { CATALOGUE } from '../helpers/assets.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArangoError } from 'arangojs/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/store/arango/connection.js';

/**
 * What connection.ts and the docs say of arangojs 10's failover with several
 * URLs, checked against the installed arangojs and two loopback stand-ins
 * for coordinators: which one each request reaches, and which are sent again.
 */

interface Coordinator {
  url: string;
  /** The paths of the requests it received, in order. */
  seen: string[];
  /** Whether it answers its next request with a write-write conflict (409, 1200). */
  failNext: boolean;
  close(): Promise<void>;
}

async function coordinator(): Promise<Coordinator> {
  const state = { seen: [] as string[], failNext: false };
  const server: Server = createServer((request, response) => {
    state.seen.push(new URL(request.url ?? '/', 'http://coordinator').pathname);
    response.setHeader('content-type', 'application/json');
    if (state.failNext) {
      state.failNext = false;
      response.statusCode = 409;
      response.end(JSON.stringify({ error: true, code: 409, errorNum: 1200, errorMessage: 'conflict' }));
      return;
    }
    response.end(JSON.stringify({ server: 'arango', version: '3.12.4', license: 'community' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** A loopback URL where nothing listens: its connections are refused. */
async function refusingUrl(): Promise<string> {
  const placeholder = await coordinator();
  await placeholder.close();
  return placeholder.url;
}

describe('arango connection: several coordinators', () => {
  const opened: Coordinator[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(opened.splice(0).map((c) => c.close()));
  });

  const options = (urls: string[]) => ({ urls, database: 'metalayer', auth: { username: 'root', password: '' }, catalogue: CATALOGUE });

  it('moves to the next URL after an error response, without sending the failed request again', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const [first, second] = [await coordinator(), await coordinator()] as const;
    opened.push(first, second);
    const db = connect(options([first.url, second.url]));
    try {
      await db.version();
      first.failNext = true;
      const failure = await db.version().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ArangoError);
      expect((failure as ArangoError).errorNum).toBe(1200);
      await db.version();
      expect(first.seen).toEqual(['/_db/metalayer/_api/version', '/_db/metalayer/_api/version']);
      expect(second.seen).toEqual(['/_db/metalayer/_api/version']);
    } finally {
      db.close();
    }
  });

  it('sends a request whose connection was refused again, to the next URL', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const live = await coordinator();
    opened.push(live);
    const db = connect(options([await refusingUrl(), live.url]));
    try {
      await expect(db.version()).resolves.toMatchObject({ version: '3.12.4' });
      expect(live.seen).toEqual(['/_db/metalayer/_api/version']);
    } finally {
      db.close();
    }
  });
});
