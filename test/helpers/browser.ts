import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core: never a browser that
 * Playwright downloads. Each launch gets a fresh profile, and every request
 * to another origin than the server's is blocked and recorded.
 */
export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface GuardedBrowser {
  context: BrowserContext;
  /** Every http(s) URL a page asked for that was not on the allowed origin (each was blocked). */
  leaks: string[];
  /** Console errors and CSP violations the pages reported. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export function playwrightVersion(): string {
  const require = createRequire(import.meta.url);
  const manifest: unknown = require('playwright-core/package.json');
  return manifest && typeof manifest === 'object' && 'version' in manifest ? String(manifest.version) : 'unknown';
}

/** Launches Chromium for pages of `origin` only; fails with a message naming the pairing when it cannot. */
export async function launchGuardedChromium(origin: string): Promise<GuardedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'metalayer-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1400, height: 900 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `playwright-core ${playwrightVersion()} could not launch ${CHROMIUM} (install it with \`apt-get install chromium\`, ` +
        `or pin a playwright-core release that supports this Chromium): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const leaks: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', async (route) => {
    if (new URL(route.request().url()).origin === origin) return route.continue();
    return route.abort('blockedbyclient');
  });
  // Every request a page starts, blocked or not, is seen here.
  context.on('request', (request) => {
    const url = request.url();
    if (/^https?:/.test(url) && new URL(url).origin !== origin) leaks.push(url);
  });
  context.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  return {
    context,
    leaks,
    consoleErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
