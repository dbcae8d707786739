// The screenshots of www/README.md: the rez benchmark repository (18,226 package.py) dropped on
// the page, each view at 1280 px, and the package table and a package's page at 375 px.
// Run by hand after `vite build`: node tests/screenshots.mjs [repository] (writes screenshots/).
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import { ROOT, WWW, dropPaths, launch, openPage, startPreview, waitLoaded } from './harness.mjs';

const repository = realpathSync(process.argv[2] ?? join(ROOT, '.cache', 'corpora', 'rez-benchmark', 'packages'));
const out = (name) => join(WWW, 'screenshots', `${name}.png`);
const server = await startPreview({ isolated: true });
const browser = await launch();
try {
  const { page, errors } = await openPage(browser.context, server.url);
  const started = Date.now();
  await dropPaths(page, '#drop', [repository]);
  const got = await waitLoaded(page, 1, 240_000);
  console.log(`loaded ${got.packages} packages, ${got.problems} problems in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const show = async (hash, name, ready) => {
    await page.evaluate((h) => (location.hash = h), hash);
    if (ready) await page.waitForFunction(ready, null, { timeout: 120_000 });
    await page.waitForTimeout(400);
    await page.screenshot({ path: out(name) });
  };
  await show('#/packages', 'rez-packages');
  await show('#/problems', 'rez-problems');
  const id = await page.evaluate(() => window.pkglens.loaded.packages.find((p) => p.name === 'maya')?.id
    ?? window.pkglens.loaded.packages[0].id);
  await page.evaluate(() => (document.body.dataset.graph = ''));
  await show(`#/graph/${id}?depth=2`, 'rez-graph', () => document.body.dataset.graph === 'drawn');
  await page.evaluate(() => (document.body.dataset.tree = ''));
  let t = Date.now();
  await show('#/tree', 'rez-tree', () => document.body.dataset.tree === 'drawn');
  console.log(`tree of the whole set in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  await page.locator('#tree > li > details > summary').first().click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: out('rez-tree') });
  await show(`#/package/${id}`, 'rez-package', () => document.querySelector('#package-title'));
  await page.setViewportSize({ width: 375, height: 740 });
  await show('#/packages', 'phone-packages');
  await show(`#/package/${id}`, 'phone-package', () => document.querySelector('#package-title'));
  await show('#/problems', 'phone-problems');
  if (errors.length) console.log(errors);
} finally {
  await browser.close();
  await server.close();
}
