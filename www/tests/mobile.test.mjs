// A phone and a keyboard: at 375 px no view scrolls sideways and the header leaves the screen
// to the content; the table is two Tabs and Enter from the top (a skip link), and Back from a
// package's page gives the table its focus back on the row opened. The folder input says that
// the browser is listing files before its files arrive.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launch, openPage, shot, startPreview, waitLoaded } from './harness.mjs';

describe('375 px and the keyboard', () => {
  let server, browser, page, errors;
  let loads = 0;

  before(async () => {
    server = await startPreview({ isolated: true });
    browser = await launch();
    ({ page, errors } = await openPage(browser.context, server.url));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('skip link: the table in two Tabs and Enter; Back returns focus to the row or link followed', async () => {
    // From the top of a fresh page, the second Tab is the skip link.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the package table');
    await page.getByRole('button', { name: 'Sample set', exact: true }).click();
    await waitLoaded(page, ++loads);
    await page.locator('#skip-table').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.classList.contains('vtable'));
    // Down three rows, open the package, come back.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    const opened = await page.evaluate(() => document.activeElement.getAttribute('aria-activedescendant'));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#package-title');
    await page.goBack();
    await page.waitForFunction(() => document.activeElement?.classList.contains('vtable'));
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-activedescendant')), opened);
    // The same from the problems view: back on the link followed.
    await page.evaluate(() => (location.hash = '#/problems'));
    const link = page.locator('#view-problems a.pkg').first();
    const href = await link.getAttribute('href');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#package-title');
    await page.goBack();
    await page.waitForFunction((h) => document.activeElement?.getAttribute('href') === h
      && document.querySelector('#view-problems').contains(document.activeElement), href);
    assert.deepEqual(errors, []);
  });

  test('375 px: no view scrolls sideways; the header takes at most a quarter of the screen', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    const usd = await page.evaluate(() => window.pkglens.loaded.packages.find((p) => p.name === 'usd').id);
    for (const view of ['packages', `package/${usd}`, 'problems', 'graph', `graph/${usd}`, 'tree', 'why/python', 'diff']) {
      await page.evaluate((v) => (location.hash = `#/${v}`), view);
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${view}: scrolls sideways by ${overflow}px`);
      if (view === `package/${usd}`) await shot(page, 'phone-package');
      if (view === 'packages') await shot(page, 'phone-packages');
    }
    const tabsTop = await page.evaluate(() => document.querySelector('nav.tabs').getBoundingClientRect().top);
    assert.ok(tabsTop <= 740 / 4, `the header ends at ${tabsTop}px of 740`);
    await page.setViewportSize({ width: 1280, height: 860 });
    assert.deepEqual(errors, []);
  });

  test('folder input: says the browser is listing files before they arrive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkglens-mobile-'));
    try {
      mkdirSync(join(dir, 'a', '1.0'), { recursive: true });
      writeFileSync(join(dir, 'a', '1.0', 'package.py'), 'name = "a"\nversion = "1.0"\n');
      // The folder input's own route (Firefox's and Safari's): its file chooser, held open.
      const chooser = page.waitForEvent('filechooser');
      await page.locator('#folder-input').evaluate((input) => input.click());
      const picking = await chooser;
      assert.equal(await page.locator('#progress').isVisible(), true);
      assert.match(await page.locator('#progress-text').textContent(), /^Waiting for the folder: the browser lists all its files/);
      assert.equal(await page.evaluate(() => document.querySelector('#progress').classList.contains('waiting')), true);
      await picking.setFiles(dir);
      await waitLoaded(page, ++loads);
      assert.equal(await page.evaluate(() => document.querySelector('#progress').classList.contains('waiting')), false);
      assert.match(await page.locator('#progress-text').textContent(), /^Read 1 of 1 files/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(errors, []);
  });
});
