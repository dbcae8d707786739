// The page in a real browser: the built app (www/dist) under `vite preview`, driven by
// playwright-core in Debian's Chromium; and the dev server's headers. Any console error or page
// error fails the test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WWW, cliCheck, freePort, launch, openPage, shot, sortProblems, startPreview, waitLoaded } from './harness.mjs';
import { makeFixture } from './fixture.mjs';

// Counts of the bundled examples, when the release CLI is not built to say them.
const EXAMPLES = { packages: 23, problems: 3, byKind: { dynamic: 1, missing: 2 } };

function expectedExamples() {
  const cli = cliCheck(['examples']);
  if (!cli) return { ...EXAMPLES, problemList: null };
  return {
    packages: cli.summary.packages,
    problems: cli.summary.problems,
    byKind: cli.summary.by_kind,
    problemList: sortProblems(cli.problems),
  };
}

async function loadSamples(page, n) {
  await page.getByRole('button', { name: 'Sample set', exact: true }).click();
  return waitLoaded(page, n);
}

describe('cross-origin isolated page: threaded build', () => {
  let server, browser, page, errors, fixture;
  let loads = 0;

  before(async () => {
    server = await startPreview({ isolated: true });
    browser = await launch();
    ({ page, errors } = await openPage(browser.context, server.url));
    fixture = makeFixture();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (fixture) rmSync(fixture.parent, { recursive: true, force: true });
  });

  test('starts the threaded engine on an isolated page', async () => {
    const info = await page.evaluate(() => ({ coi: crossOriginIsolated, ready: window.pkglens.ready }));
    assert.equal(info.coi, true, 'the page is cross-origin isolated');
    assert.equal(info.ready.build, 'threads');
    assert.ok(info.ready.threads > 1, `threads: ${info.ready.threads}`);
    assert.equal(await page.locator('#note').isHidden(), true, 'no single-thread note');
    assert.deepEqual(errors, []);
  });

  test('sample set: table and problem counts as the CLI says', async () => {
    const got = await loadSamples(page, ++loads);
    const want = expectedExamples();
    assert.equal(got.packages, want.packages);
    assert.equal(got.problems, want.problems);
    assert.deepEqual(got.byKind, want.byKind);
    if (want.problemList) assert.deepEqual(sortProblems(got.problemList), want.problemList);
    assert.ok(got.threads > 1, `parsed on ${got.threads} threads`);
    await assert.doesNotReject(page.getByRole('row').filter({ hasText: 'requests' }).first().waitFor());
    assert.equal(await page.locator('#count-packages').textContent(), String(want.packages));
    assert.equal(await page.locator('#count-problems').textContent(), String(want.problems));
    assert.match(await page.locator('#shown').textContent(), new RegExp(`^${want.packages} of ${want.packages} packages$`));
    // Filters: ecosystem and problems.
    await page.selectOption('#filter-eco', 'rez');
    const rez = await page.evaluate(() => window.pkglens.loaded.packages.filter((p) => p.ecosystem === 'rez').length);
    assert.match(await page.locator('#shown').textContent(), new RegExp(`^${rez} of `));
    await page.selectOption('#filter-eco', '');
    await page.selectOption('#filter-problems', 'with');
    assert.match(await page.locator('#shown').textContent(), /^3 of /);
    await page.selectOption('#filter-problems', '');
    await shot(page, 'table');
    assert.deepEqual(errors, []);
  });

  test('table: sort by a column; a load keeps the order, sorted in the worker', async () => {
    /** The rows shown at the top of the table, in table order: [name, problems]. */
    const top = () => page.evaluate(() => [...document.querySelectorAll('.vspacer .vrow:not([hidden])')]
      .sort((a, b) => a.dataset.index - b.dataset.index)
      .map((row) => [row.querySelector('.c-name').textContent, Number(row.querySelector('.c-prob').textContent || 0)]));
    const sortOf = (label) => page.locator('.vhead [role="columnheader"]', { has: page.getByRole('button', { name: label, exact: true }) }).getAttribute('aria-sort');
    assert.equal(await sortOf('Name'), 'ascending');
    const names = (await top()).map(([name]) => name);
    const lower = names.map((n) => n.toLowerCase());
    assert.ok(lower.every((n, i) => i === 0 || lower[i - 1] <= n), `by name: ${names}`);
    // Problems, then again for the most problems first.
    await page.getByRole('button', { name: 'Problems', exact: true }).click();
    assert.equal(await sortOf('Problems'), 'ascending');
    await page.getByRole('button', { name: 'Problems', exact: true }).click();
    assert.equal(await sortOf('Problems'), 'descending');
    assert.equal(await sortOf('Name'), 'none');
    const counts = (await top()).map(([, n]) => n);
    assert.ok(counts[0] > 0 && counts.every((n, i) => i === 0 || n <= counts[i - 1]), `most problems first: ${counts}`);
    // A new load is sorted by the worker in that order, and shown so.
    await loadSamples(page, ++loads);
    assert.deepEqual(await page.evaluate(() => window.pkglens.loaded.order.sort), { key: 'problems', dir: -1 });
    assert.deepEqual((await top()).map(([, n]) => n), counts);
    assert.equal(await sortOf('Problems'), 'descending');
    // Back to names, with the keyboard.
    await page.getByRole('button', { name: 'Name', exact: true }).press('Enter');
    assert.equal(await sortOf('Name'), 'ascending');
    assert.deepEqual((await top()).map(([name]) => name), names);
    assert.deepEqual(errors, []);
  });

  test('keyboard: filter, open a package, follow a problem, open the graph', async () => {
    await page.fill('#filter-text', 'usd');
    await page.waitForFunction(() => document.querySelector('#shown').textContent.startsWith('2 of'));
    // usd 23.11, then usd 24.05: move down to the second, open it.
    await page.locator('.vtable[role="grid"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#package-title');
    assert.match(await page.locator('#package-title').textContent(), /^usd 24\.05/);
    const missing = page.locator('#view-package tr.r-missing');
    assert.equal(await missing.count(), 1);
    assert.match(await missing.textContent(), /openexr-3\.2\+/);
    assert.ok(await page.locator('#view-package tr.r-satisfied').count() >= 1, 'some requirements satisfied');
    // A satisfied requirement links to the version that satisfies it.
    assert.ok(await page.locator('#view-package tr.r-satisfied a.pkg').count() >= 1);
    await shot(page, 'package');

    await page.getByRole('link', { name: 'Next problem →' }).click();
    await page.waitForFunction(() => !document.querySelector('#package-title')?.textContent.startsWith('usd'));
    const next = await page.locator('#package-title').textContent();
    assert.match(next, /^(requests|studio_pipeline) /);

    await page.getByRole('link', { name: 'Graph of its neighbourhood' }).click();
    await page.waitForFunction(() => document.body.dataset.graph === 'drawn');
    assert.ok(await page.locator('#graph-canvas svg g.node').count() >= 2, 'the layout drew its nodes as SVG');
    assert.ok(await page.locator('#graph-nodes li').count() >= 2, 'the neighbourhood has neighbours');
    await page.evaluate(() => (location.hash = '#/packages'));
    await page.fill('#filter-text', '');
    assert.deepEqual(errors, []);
  });

  test('problems panel groups by kind and links to the package', async () => {
    await page.getByRole('link', { name: /^Problems/ }).click();
    // The view renders on `hashchange`, a task after the click returns: wait for it to show.
    await page.waitForSelector('#view-problems section.kind');
    const sections = page.locator('#view-problems section.kind');
    assert.equal(await sections.count(), 2);
    await page.locator('#view-problems a.pkg', { hasText: 'requests' }).click();
    await page.waitForSelector('#package-title');
    assert.match(await page.locator('#package-title').textContent(), /^requests 2\.32\.3/);
    assert.deepEqual(errors, []);
  });

  test('graph: the whole set and a package neighbourhood with a chosen depth', async () => {
    await page.evaluate(() => (location.hash = '#/graph'));
    await page.waitForFunction(() => document.querySelector('#graph-title').textContent.startsWith('Whole set'));
    const usd = await page.evaluate(() => window.pkglens.loaded.packages.find((p) => p.name === 'usd').id);
    await page.evaluate((id) => (location.hash = `#/graph/${id}?depth=1`), usd);
    await page.waitForFunction(() => document.querySelector('#graph-title').textContent.startsWith('Neighbourhood of usd'));
    const one = await page.locator('#graph-nodes li').count();
    await page.selectOption('#graph-depth', '0');
    await page.waitForFunction((n) => document.querySelectorAll('#graph-nodes li').length > n, one);
    await page.waitForTimeout(300);
    await shot(page, 'graph');
    const download = page.waitForEvent('download');
    await page.click('#export-dot');
    const dot = readFileSync(await (await download).path(), 'utf8');
    assert.match(dot, /^digraph/);
    assert.match(dot, /usd/);
    assert.deepEqual(errors, []);
  });

  test('folder input: a project, wheels and a rez repository', async () => {
    await page.evaluate(() => (location.hash = '#/packages'));
    const t0 = Date.now();
    await page.setInputFiles('#folder-input', fixture.root);
    const got = await waitLoaded(page, ++loads);
    const want = cliCheck(['fixture'], { cwd: fixture.parent });
    // 3 wheels, 4 rez packages, the project; node_modules and .git are skipped as the CLI does.
    assert.equal(got.selected, 9, 'files chosen as the CLI walk chooses them');
    if (want) {
      assert.equal(got.packages, want.summary.packages);
      assert.deepEqual(sortProblems(got.problemList), sortProblems(want.problems));
    } else {
      assert.equal(got.packages, 8);
    }
    const names = await page.evaluate(() => window.pkglens.loaded.packages.map((p) => `${p.ecosystem}:${p.name}`).sort());
    for (const name of ['python:alpha', 'python:beta', 'python:gamma', 'rez:bar', 'rez:foo', 'rez:qux']) {
      assert.ok(names.includes(name), `${name} in ${names}`);
    }
    assert.ok(got.threads > 1);
    // A wheel's package page: its requirement on beta is satisfied by the wheel beta 1.5.
    const alpha = await page.evaluate(() => window.pkglens.loaded.packages.find((p) => p.name === 'alpha').id);
    await page.evaluate((id) => (location.hash = `#/package/${id}`), alpha);
    await page.waitForFunction(() => document.querySelector('#package-title')?.textContent.startsWith('alpha'));
    const beta = page.locator('#view-package tr', { hasText: 'beta>=1' });
    assert.match(await beta.textContent(), /satisfied.*beta 1\.5/);
    assert.match(await page.locator('#view-package dl').textContent(), /wheelhouse\/alpha-1\.0-py3-none-any\.whl/);
    console.log(`# fixture folder: table after ${Date.now() - t0} ms`);
    assert.deepEqual(errors, []);
  });

  test('target environment controls re-evaluate markers', async () => {
    const before = await page.evaluate(() => window.pkglens.loaded.problems.length);
    await page.selectOption('#platform', 'windows');
    await page.waitForFunction((n) => window.pkglens.loaded.problems.length !== n, before);
    const windows = await page.evaluate(() => window.pkglens.loaded.problems);
    assert.ok(windows.some((p) => p.requirement.startsWith('colorama')), 'colorama is needed on windows');
    const want = cliCheck(['fixture'], { cwd: fixture.parent, platform: 'windows' });
    if (want) assert.deepEqual(sortProblems(windows), sortProblems(want.problems));
    await page.selectOption('#platform', 'linux');
    await page.waitForFunction((n) => window.pkglens.loaded.problems.length === n, before);
    assert.deepEqual(errors, []);
  });

  test('export: records and problems as JSON (pkglens/1)', async () => {
    const download = page.waitForEvent('download');
    await page.click('#export-json');
    const doc = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
    assert.equal(doc.schema, 'pkglens/1');
    assert.equal(doc.records.length, 9);
    const problems = await page.evaluate(() => window.pkglens.loaded.problems.length);
    assert.equal(doc.problems.length, problems);
    assert.deepEqual(errors, []);
  });

  test('paste a requirements list, added to the set', async () => {
    await page.check('#append');
    await page.click('#paste-open');
    await page.fill('#paste-text', 'alpha>=2\nbeta\n');
    await page.click('#paste-ok');
    const got = await waitLoaded(page, ++loads);
    assert.ok(got.problemList.some((p) => p.path === 'pasted/requirements.txt' && p.kind === 'unsatisfied'),
      'alpha>=2 is unsatisfied by alpha 1.0');
    await page.uncheck('#append');
    assert.deepEqual(errors, []);
  });

  test('drop files on the drop zone', async () => {
    // A synthetic drop: its items have no file system entries, so the page takes their Files.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['Metadata-Version: 2.1\nName: dropped\nVersion: 1.0\nRequires-Dist: nothing-here\n'], 'METADATA'));
      data.items.add(new File(['dropped>=2\n'], 'requirements.txt'));
      document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    const got = await waitLoaded(page, ++loads);
    assert.equal(got.packages, 1);
    assert.deepEqual(got.problemList.map((p) => p.kind).sort(), ['missing', 'unsatisfied']);
    // Only the new set's rows are shown (no row left over from the larger set before).
    assert.equal(await page.locator('.vspacer .vrow:visible').count(), 1);
    assert.deepEqual(errors, []);
  });

  test('every control and landmark has a name for screen readers', async () => {
    for (const view of ['packages', 'problems', 'graph', 'why', 'diff']) {
      await page.evaluate((v) => (location.hash = `#/${v}`), view);
      await page.waitForTimeout(100);
      const unnamed = await page.evaluate(() => {
        const name = (el) => (el.getAttribute('aria-label') || el.getAttribute('title') || '').trim() ||
          [...(el.getAttribute('aria-labelledby') ?? '').split(' ')].map((id) => document.getElementById(id)?.textContent ?? '').join('').trim() ||
          [...(el.labels ?? [])].map((l) => l.textContent).join('').trim() ||
          (el.matches('button, a, summary, [role="button"]') ? el.textContent.trim() : '');
        return [...document.querySelectorAll('button, a[href], input, select, textarea, summary, [role="button"], [role="grid"], [role="region"], [role="img"], section[aria-label], nav, dialog')]
          .filter((el) => !name(el))
          .map((el) => el.outerHTML.slice(0, 120));
      });
      assert.deepEqual(unnamed, [], `${view}: controls without a name`);
    }
    await page.evaluate(() => (location.hash = '#/packages'));
    assert.deepEqual(errors, []);
  });

  test('accessibility: axe-core finds nothing serious or critical in any view', async () => {
    // axe-core (pinned in package.json) run in the page on each view of the sample set.
    await loadSamples(page, ++loads);
    await page.evaluate(readFileSync(join(WWW, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
    const id = await page.evaluate(() => window.pkglens.loaded.packages.find((p) => p.requires > 0)?.id ?? 0);
    const found = [];
    for (const hash of ['#/packages', '#/problems', `#/package/${id}`, `#/graph/${id}?depth=2`, '#/why', '#/diff']) {
      await page.evaluate((h) => (location.hash = h), hash);
      await page.waitForTimeout(300);
      const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
      found.push(...violations.map((v) => ({ view: hash, ...v })));
    }
    await page.evaluate(() => (location.hash = '#/packages'));
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
  });

  test('narrow layout', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.evaluate(() => (location.hash = '#/packages'));
    await page.waitForTimeout(200);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no horizontal scroll (${overflow}px)`);
    await shot(page, 'narrow');
    await page.setViewportSize({ width: 1280, height: 860 });
    assert.deepEqual(errors, []);
  });
});

describe('page without isolation headers: single-thread fallback', () => {
  let server, browser, page, errors;

  before(async () => {
    server = await startPreview({ isolated: false });
    browser = await launch();
    ({ page, errors } = await openPage(browser.context, server.url));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('falls back to the single-thread build with a visible note', async () => {
    const info = await page.evaluate(() => ({ coi: crossOriginIsolated, ready: window.pkglens.ready }));
    assert.equal(info.coi, false);
    assert.equal(info.ready.build, 'single');
    assert.equal(info.ready.threads, 1);
    assert.equal(await page.locator('#note').isVisible(), true);
    assert.match(await page.locator('#note').textContent(), /single-threaded.*cross-origin isolated/i);
    const got = await loadSamples(page, 1);
    const want = expectedExamples();
    assert.equal(got.packages, want.packages);
    assert.equal(got.problems, want.problems);
    assert.equal(got.threads, 1);
    await shot(page, 'single-thread');
    assert.deepEqual(errors, []);
  });
});

describe('dev server: the same isolation headers as the preview', () => {
  test('vite (dev) sends COOP/COEP on the page and serves the package unbundled, wasm as application/wasm', async () => {
    const port = await freePort();
    const child = spawn(join(WWW, 'node_modules', '.bin', 'vite'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort'],
      { cwd: WWW, stdio: 'ignore' });
    try {
      const url = `http://127.0.0.1:${port}/`;
      let page = null;
      for (let i = 0; i < 150 && !page; i++) {
        assert.equal(child.exitCode, null, 'vite (dev) exited');
        page = await fetch(url).catch(() => null);
        if (!page) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(page?.ok, `vite (dev) answers on ${url}`);
      assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
      const wasm = await fetch(`${url}pkglens/threads/pkglens_web_bg.wasm`);
      assert.equal(wasm.status, 200);
      assert.equal(wasm.headers.get('content-type'), 'application/wasm');
      assert.equal(wasm.headers.get('cross-origin-embedder-policy'), 'require-corp');
      assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
