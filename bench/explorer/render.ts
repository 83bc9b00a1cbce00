import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { CATALOGUE, commitOps, content, putAsset, putEdge } from '../../test/helpers/assets.js';
import { launchGuardedChromium } from '../../test/helpers/browser.js';
import { startServer } from '../../test/helpers/server.js';

/**
 * `npm run bench:explorer`: how long the explorer takes to lay out and draw
 * a lineage of 1,000 assets in headless Chromium (Debian's, as the browser
 * tests use). A tree of datasets, `derived_from` its root in three layers
 * (9, 90 and 900 assets), is the lineage of the root. Three figures, the
 * median of RUNS:
 *
 * - first render: a fresh page load of the root's URL until all 1,000
 *   nodes are in the page (HTML, scripts, the GraphQL request, layout, draw);
 * - in-app navigation: from another asset's page, a click on the root until
 *   its 1,000 nodes are drawn (the query, layout and draw; no page load);
 * - interaction: a depth change to 1 hop and back, until redrawn.
 *
 * Needs the UI built (`npm run build:ui`).
 */
const RUNS = 5;
const BRANCHES = [9, 10, 10];

async function seedTree(store: Awaited<ReturnType<typeof startServer>>['store']): Promise<number> {
  const ops = [putAsset(content('DATASET', 'root'))];
  let layer = ['datasets/root'];
  for (const branches of BRANCHES) {
    const next: string[] = [];
    for (const parent of layer) {
      for (let i = 0; i < branches; i += 1) {
        const key = `${parent.slice('datasets/'.length)}-${i}`;
        ops.push(putAsset(content('DATASET', key)), putEdge('derived_from', `datasets/${key}`, parent));
        next.push(`datasets/${key}`);
      }
    }
    layer = next;
  }
  await commitOps(store, ops);
  return ops.filter((op) => op.type === 'putAsset').length;
}

/** The page's DOM, as much of it as the bench reads (the server's typecheck has no DOM types). */
interface PageGlobals {
  document: { querySelectorAll(selector: string): { length: number } };
}

/**
 * Polls in the page until `count` nodes are drawn. A function, not a string:
 * the explorer's policy forbids eval, which a string predicate needs.
 */
function drawn(page: Page, count: number): Promise<unknown> {
  const predicate = (expected: number) => (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-node-id]').length === expected;
  return page.waitForFunction(predicate, count, { timeout: 30_000 });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const running = await startServer({ LOG_LEVEL: 'silent' });
  const assets = await seedTree(running.store);
  const browser = await launchGuardedChromium(running.url);
  const firstRender: number[] = [];
  const navigation: number[] = [];
  const interaction: number[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const page = await browser.context.newPage();
      await page.goto(`${running.url}/assets/datasets/root`);
      await drawn(page, 1000);
      firstRender.push(await page.evaluate<number>('performance.now()'));

      await page.goto(`${running.url}/assets/datasets/root-0`);
      await page.locator('[data-node-id="datasets/root"]').waitFor();
      const clicked = performance.now();
      await page.locator('[data-node-id="datasets/root"]').click();
      await drawn(page, 1000);
      navigation.push(performance.now() - clicked);

      const changed = performance.now();
      await page.getByLabel('Depth').selectOption('1');
      await drawn(page, 10);
      await page.getByLabel('Depth').selectOption('');
      await drawn(page, 1000);
      interaction.push(performance.now() - changed);
      await page.close();
    }
  } finally {
    await browser.close();
    await running.server.stop();
  }
  if (browser.leaks.length) throw new Error(`Requests tried to leave the server: ${browser.leaks.join(', ')}`);
  const ms = (values: number[]) => `${Math.round(median(values))} ms (runs: ${values.map(Math.round).join(', ')})`;
  console.log(`A lineage of ${assets} assets (the root and ${assets - 1} downstream), median of ${RUNS} runs in headless Chromium:`);
  console.log(`  first render (page load to 1,000 nodes drawn): ${ms(firstRender)}`);
  console.log(`  in-app navigation (click to 1,000 nodes drawn): ${ms(navigation)}`);
  console.log(`  depth 1 and back (two queries, two redraws):    ${ms(interaction)}`);
}

await main();
