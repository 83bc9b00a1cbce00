import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { hashToken, newToken, type TokenEntry } from '../../src/server/tokens.js';
import { CATALOGUE } from '../helpers/assets.js';
import { launchGuardedChromium, playwrightVersion, type GuardedBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * The explorer and GraphiQL in Debian's Chromium, against a real server with
 * the demo loaded. Every request to another host is blocked, and the suite
 * ends by asserting that none was tried. METALAYER_SCREENSHOTS=1 also
 * writes the screenshots in docs/images/.
 */

const DEPLOYED_MODEL = 'models/housing-gbm-tuned';
const SCREENSHOTS = process.env['METALAYER_SCREENSHOTS'] === '1';

let running: RunningServer;
let browser: GuardedBrowser;

beforeAll(async () => {
  running = await startServer();
  await seedHousingDemo(running.store, CATALOGUE);
  browser = await launchGuardedChromium(running.url);
});

afterAll(async () => {
  await browser?.close();
  await running?.server.stop();
});

async function openPage(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${running.url}${path}`);
  return page;
}

/** The lineage the API answers for an asset, as the page should draw it. */
async function apiLineage(server: RunningServer, id: string, kinds?: string[], headers: Record<string, string> = {}) {
  const side = `{ nodes { degree asset { id } } edges { kind from { id } to { id } } }`;
  const { body } = await server.post({
    query: `query ($id: ID!, $kinds: [AssetKind!]) { node(id: $id) { ... on Asset { upstream(kinds: $kinds) ${side} downstream(kinds: $kinds) ${side} } } }`,
    variables: { id, kinds: kinds ?? null },
  }, headers);
  type Side = { nodes: Array<{ degree: number; asset: { id: string } }>; edges: Array<{ kind: string; from: { id: string }; to: { id: string } }> };
  const { upstream, downstream } = body.data.node as { upstream: Side; downstream: Side };
  const nodes = [`${id} start 0`, ...upstream.nodes.map((n) => `${n.asset.id} upstream ${n.degree}`), ...downstream.nodes.map((n) => `${n.asset.id} downstream ${n.degree}`)];
  const edges = [...upstream.edges, ...downstream.edges].map((e) => `${e.kind}:${e.from.id}->${e.to.id}`);
  return { nodes: [...new Set(nodes)].sort(), edges: [...new Set(edges)].sort() };
}

/** The nodes and edges the page drew, from their data attributes. */
async function drawnLineage(page: Page) {
  await page.locator('[data-side="start"]').waitFor();
  const nodes = await page.locator('[data-node-id]').evaluateAll((els) =>
    els.map((el) => `${el.getAttribute('data-node-id')} ${el.getAttribute('data-side')} ${el.getAttribute('data-degree')}`),
  );
  const edges = await page.locator('[data-edge]').evaluateAll((els) => els.map((el) => el.getAttribute('data-edge') ?? ''));
  return { nodes: nodes.sort(), edges: edges.sort() };
}

async function startOf(page: Page): Promise<string | null> {
  return page.locator('[data-side="start"]').getAttribute('data-node-id');
}

describe('Chromium and playwright-core', () => {
  test('the pinned playwright-core drives this Chromium, and the guard blocks other hosts', async () => {
    const page = await browser.context.newPage();
    const agent = await page.evaluate<string>('navigator.userAgent');
    expect(agent, `playwright-core ${playwrightVersion()} drove: ${agent}`).toMatch(/HeadlessChrome\/\d+/);
    const guard = await launchGuardedChromium(running.url);
    try {
      const probe = await guard.context.newPage();
      const outcome = await probe.evaluate(() => fetch('http://example.invalid/probe').then(() => 'reached', () => 'blocked'));
      expect(outcome).toBe('blocked');
      expect(guard.leaks).toEqual(['http://example.invalid/probe']);
    } finally {
      await guard.close();
    }
    await page.close();
  });
});

describe('the explorer', () => {
  test('search "housing" by kind, and open the deployed model', async () => {
    const page = await openPage('/');
    await page.getByLabel('Name contains').fill('housing');
    await page.getByLabel('Kind').selectOption('MODEL');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(`${running.url}/?q=housing&kind=MODEL`);
    const results = page.locator('[data-result-id]');
    await results.first().waitFor();
    expect((await results.evaluateAll((els) => els.map((el) => el.getAttribute('data-result-id')))).sort()).toEqual([
      'models/housing-gbm',
      DEPLOYED_MODEL,
      'models/housing-linear',
    ]);
    await page.locator(`[data-result-id="${DEPLOYED_MODEL}"] a`).click();
    await page.waitForURL(`${running.url}/assets/${DEPLOYED_MODEL}`);
    await expect.poll(() => startOf(page)).toBe(DEPLOYED_MODEL);
    expect(await page.locator('h1').innerText()).toBe('Model Housing gradient boosting tuned');
    await page.close();
  });

  test('the drawn nodes and edges are exactly the API lineage, on each side at its degree', async () => {
    const page = await openPage(`/assets/${DEPLOYED_MODEL}`);
    const drawn = await drawnLineage(page);
    const api = await apiLineage(running, DEPLOYED_MODEL);
    expect(drawn).toEqual(api);
    expect(drawn.nodes.length).toBe(15);
    // The table lists the same assets.
    const rows = await page.locator('[data-row-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-row-id')));
    expect(rows.sort()).toEqual(api.nodes.map((n) => n.split(' ')[0]).sort());
    if (SCREENSHOTS) {
      mkdirSync('docs/images', { recursive: true });
      await page.screenshot({ path: 'docs/images/explorer.png', fullPage: true });
    }
    await page.close();
  });

  test('the kind filter and depth are sent to the API and kept in the URL', async () => {
    const page = await openPage(`/assets/${DEPLOYED_MODEL}`);
    await page.locator('[data-side="start"]').waitFor();
    await page.getByRole('checkbox', { name: 'Dataset' }).check();
    await page.waitForURL(`${running.url}/assets/${DEPLOYED_MODEL}?kinds=DATASET`);
    await expect.poll(async () => (await drawnLineage(page)).nodes).toEqual((await apiLineage(running, DEPLOYED_MODEL, ['DATASET'])).nodes);
    await page.getByLabel('Depth').selectOption('1');
    await page.waitForURL(`${running.url}/assets/${DEPLOYED_MODEL}?depth=1&kinds=DATASET`);
    await page.locator('[data-testid="lineage-status"][data-upstream-truncated="true"]').waitFor();
    expect(await page.getByText('The upstream lineage is truncated').count()).toBe(1);
    await page.close();
  });

  test('clicking a dataset opens its page at its own URL, and the back button returns', async () => {
    const page = await openPage(`/assets/${DEPLOYED_MODEL}`);
    await page.locator('[data-node-id="datasets/census-1990-v3"]').click();
    await page.waitForURL(`${running.url}/assets/datasets/census-1990-v3`);
    await expect.poll(() => startOf(page)).toBe('datasets/census-1990-v3');
    expect(await page.locator('h1').innerText()).toBe('Dataset California housing census 3');
    expect(await drawnLineage(page)).toEqual(await apiLineage(running, 'datasets/census-1990-v3'));
    await page.goBack();
    expect(page.url()).toBe(`${running.url}/assets/${DEPLOYED_MODEL}`);
    await expect.poll(() => startOf(page)).toBe(DEPLOYED_MODEL);
    await page.goForward();
    await expect.poll(() => startOf(page)).toBe('datasets/census-1990-v3');
    await page.close();
  });

  test('the table is keyboard navigable: arrows move between rows, Enter opens one', async () => {
    const page = await openPage(`/assets/${DEPLOYED_MODEL}`);
    const links = page.locator('[data-testid="lineage-table"] tbody a');
    await links.first().waitFor();
    await links.nth(0).focus();
    await page.keyboard.press('ArrowDown');
    const second = await links.nth(1).innerText();
    expect(await page.evaluate<string | null>('document.activeElement?.textContent ?? null')).toBe(second);
    const target = await page.locator('[data-row-id]').nth(1).getAttribute('data-row-id');
    await page.keyboard.press('Enter');
    await expect.poll(() => startOf(page)).toBe(target);
    await page.close();
  });

  test("a model's runs side by side, and a deployment's serving performance as a chart", async () => {
    const page = await openPage('/assets/models/housing-gbm');
    await page.locator('[data-testid="runs"]').waitFor();
    const { body } = await running.post({ query: '{ node(id: "models/housing-gbm") { ... on Model { producedBy { id } } } }' });
    const runIds = body.data.node.producedBy.map((run: { id: string }) => run.id);
    expect(await page.locator('[data-run-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-run-id')))).toEqual(runIds);
    expect(await page.locator('[data-testid="runs"] tbody th').allInnerTexts()).toEqual(expect.arrayContaining(['metric rmse', 'metric r2', 'datasets']));

    await page.goto(`${running.url}/assets/deployment/housing-prod`);
    const chart = page.locator('figure[data-metric="rmse"]');
    await chart.waitFor();
    const serving = await running.post({ query: '{ node(id: "deployment/housing-prod") { ... on Deployment { servingPerf { rmse: metric(name: "rmse") } } } }' });
    const values = serving.body.data.node.servingPerf.map((period: { rmse: number }) => String(period.rmse));
    expect(await chart.locator('circle').evaluateAll((els) => els.map((el) => el.getAttribute('data-value')))).toEqual(values);
    expect(await page.locator('figure[data-metric]').evaluateAll((els) => els.map((el) => el.getAttribute('data-metric')))).toEqual(['requests', 'rmse']);
    await page.close();
  });

  test("a deployment's drift report, feature by feature, as the API computes it", async () => {
    const page = await openPage('/assets/deployment/housing-prod');
    const report = page.locator('[data-testid="drift-report"]');
    await report.waitFor();
    const { body } = await running.post({
      query: '{ node(id: "deployment/housing-prod") { ... on Deployment { drift { drifted features { name score drifted } } } } }',
    });
    const drift = body.data.node.drift;
    expect(drift.drifted).toBe(true);
    expect(await report.getAttribute('data-drifted')).toBe('true');
    const rows = await report.locator('tr[data-feature]').evaluateAll((els) =>
      els.map((el) => [el.getAttribute('data-feature'), el.getAttribute('data-drifted'), el.querySelectorAll('td')[1]?.textContent]),
    );
    expect(rows).toEqual(
      drift.features.map((f: { name: string; score: number | null; drifted: boolean }) => [
        f.name,
        String(f.drifted),
        f.score === null ? '–' : f.score.toFixed(3),
      ]),
    );
    await page.close();
  });

  test('an unknown asset says so instead of a blank page', async () => {
    const page = await openPage('/assets/models/no-such-model');
    await page.locator('[role="alert"][data-error-code="NOT_FOUND"]').waitFor();
    expect(await page.locator('[role="alert"]').innerText()).toContain('There is no asset with the id models/no-such-model');
    await page.close();
  });
});

describe('GraphiQL', () => {
  test('opens with the example operations and runs one', async () => {
    const page = await openPage('/graphql');
    await page.getByText('query DeployedModelProvenance').waitFor();
    const answered = page.waitForResponse((response) => response.url() === `${running.url}/graphql` && response.request().method() === 'POST' && (response.request().postData() ?? '').includes('"operationName":"DeployedModelProvenance"'));
    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('menuitem', { name: 'DeployedModelProvenance' }).click();
    const response = await answered;
    const body = await response.json();
    expect(body.data.node.name).toBe('Housing prices production');
    expect(body.data.node.model.id).toBe(DEPLOYED_MODEL);
    await page.locator('.result-window').getByText('Housing prices production').waitFor();
    if (SCREENSHOTS) {
      mkdirSync('docs/images', { recursive: true });
      await page.screenshot({ path: 'docs/images/graphiql.png' });
    }
    await page.close();
  });
});

describe('signing in on a server with tokens', () => {
  const reader = newToken();
  const outsider = newToken();
  const entries: TokenEntry[] = [
    { name: 'rita', sha256: hashToken(reader), role: 'reader' },
    { name: 'olga', sha256: hashToken(outsider), role: 'reader', projects: ['project/elsewhere'] },
  ];
  let secured: RunningServer;
  let securedBrowser: GuardedBrowser;
  beforeAll(async () => {
    secured = await startServer({ METALAYER_TOKENS: JSON.stringify(entries) });
    await seedHousingDemo(secured.store, CATALOGUE);
    securedBrowser = await launchGuardedChromium(secured.url);
  });
  afterAll(async () => {
    expect(securedBrowser.leaks).toEqual([]);
    await securedBrowser?.close();
    await secured?.server.stop();
  });

  async function signIn(page: Page, token: string) {
    await page.goto(`${secured.url}/signin`);
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  test('without a token, a 401 is said plainly; a wrong token is refused; a reader token reads', async () => {
    const page = await securedBrowser.context.newPage();
    await page.goto(`${secured.url}/assets/${DEPLOYED_MODEL}`);
    const alert = page.locator('[role="alert"][data-error-code="UNAUTHENTICATED"]');
    await alert.waitFor();
    expect(await alert.locator('strong').innerText()).toBe('Sign in needed (401 UNAUTHENTICATED)');

    await signIn(page, newToken());
    await page.locator('[role="alert"][data-error-code="UNAUTHENTICATED"]').waitFor();
    expect(page.url()).toBe(`${secured.url}/signin`);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('metalayer.token')")).toBeNull();

    await signIn(page, reader);
    await page.waitForURL(`${secured.url}/`);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('metalayer.token')")).toBe(reader);
    await page.goto(`${secured.url}/assets/${DEPLOYED_MODEL}`);
    expect(await drawnLineage(page)).toEqual(await apiLineage(secured, DEPLOYED_MODEL, undefined, { authorization: `Bearer ${reader}` }));
    expect((await drawnLineage(page)).nodes.length).toBe(15);
    await page.close();
  });

  test('a token scoped to other projects sees FORBIDDEN for a model, and a lineage of what it may see alone', async () => {
    const page = await securedBrowser.context.newPage();
    await signIn(page, outsider);
    await page.waitForURL(`${secured.url}/`);
    await page.goto(`${secured.url}/assets/${DEPLOYED_MODEL}`);
    const alert = page.locator('[role="alert"][data-error-code="FORBIDDEN"]');
    await alert.waitFor();
    expect(await alert.locator('strong').innerText()).toBe('Not allowed (FORBIDDEN)');

    // The store leaves hidden assets out of a scoped token's lineage: none is drawn, and none is counted.
    await page.goto(`${secured.url}/assets/datasets/census-1990-v1`);
    const status = page.locator('[data-testid="lineage-status"]');
    await status.waitFor();
    await page.locator('[data-node-id]').first().waitFor();
    expect(await status.getAttribute('data-restricted')).toBe('0');
    const drawn = await page.locator('[data-node-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-node-id')));
    expect(drawn).toContain('datasets/census-1990-v2');
    expect(drawn.filter((id) => id?.startsWith('models/') || id?.startsWith('run/') || id?.startsWith('deployment/'))).toEqual([]);
    await page.close();
  });
});

describe('the whole suite', () => {
  test('no request tried to leave the server, and no policy was violated', () => {
    expect(browser.leaks).toEqual([]);
    expect(browser.consoleErrors.filter((message) => /Content.Security.Policy|Refused to/i.test(message))).toEqual([]);
  });
});
