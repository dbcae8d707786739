// Real drops (Chromium's own drag and drop of a folder of this machine), the why and diff views,
// graph roots chosen by name, and problems linked to their packages: the page in a real browser,
// as in app.test.mjs. Any console error or page error fails the test.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dropPaths, launch, openPage, shot, startPreview, waitLoaded } from './harness.mjs';
import { makeFixture } from './fixture.mjs';

/** The packages of the current set in order, as `path name version`. */
const listing = (page) => page.evaluate(() => window.pkglens.loaded.packages.map((p) => `${p.path} ${p.name} ${p.version}`));

/** Drops `paths` on a scratch element, so that `window.__handles` holds the real FileSystem
 * handles a drop or a picker gives the page (a promise of them, in drop order). */
async function dropForHandles(page, paths) {
  await page.evaluate(() => {
    const scratch = Object.assign(document.createElement('div'), { id: 'scratch' });
    scratch.style.cssText = 'position:fixed;left:0;bottom:0;width:80px;height:40px';
    scratch.addEventListener('dragover', (e) => e.preventDefault());
    scratch.addEventListener('drop', (e) => {
      e.preventDefault();
      e.stopPropagation();
      window.__handles = Promise.all([...e.dataTransfer.items].map((item) => item.getAsFileSystemHandle()));
    });
    document.body.append(scratch);
  });
  await dropPaths(page, '#scratch', paths);
  await page.evaluate(async () => {
    await window.__handles;
    document.querySelector('#scratch').remove();
  });
}

describe('real drops, why, diff, graph roots by name', () => {
  let server, browser, page, errors, fixture, oldSide;
  let loads = 0;

  before(async () => {
    server = await startPreview({ isolated: true });
    browser = await launch();
    ({ page, errors } = await openPage(browser.context, server.url));
    fixture = makeFixture();
    // The old side of a diff: foo 2.0.0 and qux not there yet, a package since removed, bar
    // needing baz-1.
    oldSide = join(fixture.parent, 'old');
    cpSync(fixture.root, oldSide, { recursive: true });
    rmSync(join(oldSide, 'rez', 'foo', '2.0.0'), { recursive: true });
    rmSync(join(oldSide, 'rez', 'qux'), { recursive: true });
    mkdirSync(join(oldSide, 'rez', 'legacy', '1.0'), { recursive: true });
    writeFileSync(join(oldSide, 'rez', 'legacy', '1.0', 'package.py'), 'name = "legacy"\nversion = "1.0"\n');
    writeFileSync(join(oldSide, 'rez', 'bar', '1.0', 'package.py'), 'name = "bar"\nversion = "1.0"\nrequires = ["foo-1.5+", "baz-1"]\n');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (fixture) rmSync(fixture.parent, { recursive: true, force: true });
  });

  test('a dropped folder is walked by the worker and read as the folder input reads it', async () => {
    await page.setInputFiles('#folder-input', fixture.root);
    await waitLoaded(page, ++loads);
    assert.equal(await page.evaluate(() => window.pkglens.source), 'files');
    const viaInput = await listing(page);
    const problemsViaInput = await page.evaluate(() => window.pkglens.loaded.problems.map((p) => p.message));

    await dropPaths(page, '#drop', [fixture.root]);
    const got = await waitLoaded(page, ++loads);
    assert.equal(await page.evaluate(() => window.pkglens.source), 'handles', 'the drop reached the worker as a directory handle');
    assert.equal(got.selected, 9, 'node_modules and .git skipped, as the CLI does');
    assert.deepEqual(await listing(page), viaInput, 'the same packages in the same (walk) order');
    assert.deepEqual(await page.evaluate(() => window.pkglens.loaded.problems.map((p) => p.message)), problemsViaInput);
    assert.deepEqual(errors, []);
  });

  test('a dropped site-packages is read as one: only its metadata folders, as the CLI reads it', async () => {
    // Modules named like the formats (apt's `package.py`) are not packages.
    const site = join(fixture.parent, 'site-packages');
    const write = (path, text) => {
      mkdirSync(join(site, path, '..'), { recursive: true });
      writeFileSync(join(site, path), text);
    };
    write('apt/package.py', 'import apt_pkg\n');
    write('apt-2.6.dist-info/METADATA', 'Metadata-Version: 2.1\nName: apt\nVersion: 2.6\n');
    write('six.egg-info/PKG-INFO', 'Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\n');
    await dropPaths(page, '#drop', [site]);
    const dropped = await waitLoaded(page, ++loads);
    assert.equal(await page.evaluate(() => window.pkglens.source), 'handles');
    assert.equal(dropped.selected, 2);
    await page.setInputFiles('#folder-input', site);
    const picked = await waitLoaded(page, ++loads);
    assert.equal(picked.selected, 2);
    assert.deepEqual(errors, []);
  });

  test('a dropped wheel file is read lazily through its handle', async () => {
    await dropPaths(page, '#drop', [join(fixture.root, 'wheelhouse', 'alpha-1.0-py3-none-any.whl')]);
    const got = await waitLoaded(page, ++loads);
    assert.equal(await page.evaluate(() => window.pkglens.source), 'handles');
    assert.equal(got.packages, 1);
    assert.deepEqual(await listing(page), ['alpha-1.0-py3-none-any.whl alpha 1.0']);
    assert.deepEqual(errors, []);
  });

  test('Folder… uses showDirectoryPicker where there is one, and the worker walks the folder', async () => {
    // A real directory handle (from a real drop on a scratch element) stands for the picker's.
    await dropForHandles(page, [fixture.root]);
    await page.evaluate(() => {
      window.showDirectoryPicker = () => window.__handles.then((handles) => handles[0]);
    });
    await page.getByRole('button', { name: 'Folder…' }).press('Enter');
    const got = await waitLoaded(page, ++loads);
    assert.equal(await page.evaluate(() => window.pkglens.source), 'handles');
    assert.equal(got.selected, 9);
    await page.evaluate(() => delete window.showDirectoryPicker);
    assert.deepEqual(errors, []);
  });

  test('a picked file changed or gone before it is read: an io error record in its place, the rest read', async () => {
    const dir = join(fixture.parent, 'changing');
    const write = (path, text) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write('rez/a/1.0/package.py', 'name = "a"\nversion = "1.0"\n');
    write('rez/b/1.0/package.py', 'name = "b"\nversion = "1.0"\n');
    write('rez/c/1.0/package.py', 'name = "c"\nversion = "1.0"\nrequires = ["a-1", "b-1"]\n');
    write('rez/d/1.0/package.py', 'name = "d"\nversion = "1.0"\nrequires = ["c"]\n');
    // Picked on a scratch input the page does not listen to: the Files are taken now (size and
    // time noted), and read only once the page is given them.
    await page.evaluate(() => {
      const input = Object.assign(document.createElement('input'), { type: 'file', id: 'scratch-input', multiple: true, webkitdirectory: true, hidden: true });
      document.body.append(input);
    });
    await page.setInputFiles('#scratch-input', dir);
    // Meanwhile, as when a build rewrites a folder being read: a changes, b goes.
    write('rez/a/1.0/package.py', 'name = "a"\nversion = "1.0"\nrequires = ["somewhere-else"]\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'rez/a/1.0/package.py'), later, later);
    rmSync(join(dir, 'rez/b/1.0/package.py'));
    // The page gets those Files as from its own folder input.
    await page.evaluate(() => {
      const from = document.querySelector('#scratch-input');
      const to = document.querySelector('#folder-input');
      to.files = from.files;
      from.remove();
      to.dispatchEvent(new Event('change'));
    });
    const got = await waitLoaded(page, ++loads);
    assert.equal(got.files, 4, 'a record for every file');
    assert.deepEqual(await listing(page), ['changing/rez/c/1.0/package.py c 1.0', 'changing/rez/d/1.0/package.py d 1.0']);
    const problems = await page.evaluate(() => window.pkglens.loaded.problems.map(({ kind, path, requirement, message }) => ({ kind, path, requirement, message })));
    const unreadable = problems.filter((p) => p.kind === 'parse_error');
    assert.deepEqual(unreadable.map((p) => p.path), ['changing/rez/a/1.0/package.py', 'changing/rez/b/1.0/package.py']);
    for (const p of unreadable) assert.match(p.message, /^(NotReadableError|NotFoundError): /, p.message);
    // The files read are checked as usual: c needs what could not be read.
    assert.deepEqual(problems.filter((p) => p.kind === 'missing').map((p) => p.requirement).sort(), ['a-1', 'b-1']);
    // And the export says what kind of error each one was.
    const download = page.waitForEvent('download');
    await page.click('#export-json');
    const doc = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
    assert.deepEqual(doc.records.filter((r) => r.status === 'error').map((r) => [r.path, r.error.kind, r.format]),
      [['changing/rez/a/1.0/package.py', 'io', null], ['changing/rez/b/1.0/package.py', 'io', null]]);
    assert.equal(doc.summary.errors, 2);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(errors, []);
  });

  test('a dropped file gone before the worker opens it: an io error record', async () => {
    const dir = join(fixture.parent, 'gone');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'requirements.txt'), 'alpha\n');
    writeFileSync(join(dir, 'METADATA'), 'Metadata-Version: 2.1\nName: kept\nVersion: 1.0\n');
    // Real file handles (from a real drop on a scratch element) stand for a drop's.
    await dropForHandles(page, [join(dir, 'METADATA'), join(dir, 'requirements.txt')]);
    rmSync(join(dir, 'requirements.txt'));
    // The page's drop handler, given those handles: the worker opens them.
    await page.evaluate(async () => {
      const handles = await window.__handles;
      const data = new DataTransfer();
      const drop = new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
      // A synthetic drop has no handles of its own: hand these over as a real drop would.
      Object.defineProperty(data, 'items', { value: handles.map((h) => ({ kind: 'file', getAsFileSystemHandle: async () => h, webkitGetAsEntry: () => null, getAsFile: () => null })) });
      document.querySelector('#drop').dispatchEvent(drop);
    });
    const got = await waitLoaded(page, ++loads);
    assert.equal(await page.evaluate(() => window.pkglens.source), 'handles');
    assert.equal(got.files, 2);
    assert.equal(got.packages, 1);
    const bad = got.problemList.filter((p) => p.kind === 'parse_error');
    assert.deepEqual(bad.map((p) => p.path), ['requirements.txt']);
    const message = await page.evaluate(() => window.pkglens.loaded.problems.find((p) => p.kind === 'parse_error').message);
    assert.match(message, /^NotFoundError: /, message);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(errors, []);
  });

  test('progress: files per second and threads while reading; cancel keeps what was read', async () => {
    // A folder large enough to take a few seconds through the folder input (the large-folder
    // benchmarks, which test the same on 18,226 files, are left out by SKIP_BENCH=1).
    const dir = join(fixture.parent, 'many');
    const total = 3000;
    for (let i = 0; i < total; i++) {
      mkdirSync(join(dir, `p${i}`, '1.0'), { recursive: true });
      writeFileSync(join(dir, `p${i}`, '1.0', 'package.py'), `name = "p${i}"\nversion = "1.0"\nrequires = ["p${i + 1}-1"]\n`);
    }
    await page.evaluate(() => (location.hash = '#/packages'));
    await page.setInputFiles('#folder-input', dir);
    await page.waitForFunction(() => /files\/s/.test(document.querySelector('#progress-text').textContent));
    const text = await page.locator('#progress-text').textContent();
    assert.match(text, new RegExp(`^[\\d,]+ / ${total.toLocaleString('en')} files · [\\d,]+ files/s · (?:[2-9]|\\d{2,}) threads$`), text);
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).isVisible(), true);
    await page.getByRole('button', { name: 'Cancel' }).click();
    const got = await waitLoaded(page, ++loads);
    assert.equal(await page.evaluate(() => window.pkglens.loaded.cancelled), true);
    assert.ok(got.files > 0 && got.files < total, `${got.files} files read before the cancel`);
    assert.equal(got.packages, got.files, 'what was read is in the table');
    assert.match(await page.locator('#progress-text').textContent(), /^Cancelled after reading [\d,]+ of 3,000 files/);
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).isHidden(), true);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(errors, []);
  });

  test('every problem about a package links to that package', async () => {
    await dropPaths(page, '#drop', [fixture.root]);
    await waitLoaded(page, ++loads);
    const unlinked = await page.evaluate(() => window.pkglens.loaded.problems.filter((p) => p.package && p.pkg === null));
    assert.deepEqual(unlinked, []);
    const problems = await page.evaluate(() => window.pkglens.loaded.problems.filter((p) => p.pkg !== null)
      .map((p) => ({ label: p.package, path: p.path, pkg: p.pkg })));
    assert.ok(problems.length >= 3);
    await page.getByRole('link', { name: /^Problems/ }).click();
    for (const p of problems.slice(0, 4)) {
      await page.evaluate(() => (location.hash = '#/problems'));
      await page.locator(`#view-problems a.pkg[href="#/package/${p.pkg}"]`).first().click();
      await page.waitForFunction((label) => document.querySelector('#package-title')?.textContent.startsWith(label), p.label);
      assert.match(await page.locator('#view-package dl').textContent(), new RegExp(p.path.replace(/[.]/g, '\\.')));
    }
    assert.deepEqual(errors, []);
  });

  test('why: the chains from a root down to a package, each step a link', async () => {
    const foo = await page.evaluate(() => window.pkglens.loaded.packages.find((p) => p.name === 'foo' && p.version === '2.0.0').id);
    await page.evaluate((id) => (location.hash = `#/package/${id}`), foo);
    await page.getByRole('link', { name: 'Why is it in the set?' }).click();
    await page.waitForSelector('#why-title');
    assert.match(await page.locator('#why-title').textContent(), /^Why foo is in the set: \d+ chains?/);
    const chains = await page.locator('ol.chains > li').allTextContents();
    assert.ok(chains.some((c) => /qux 0\.1 → bar 1\.0 → foo/.test(c)), chains.join('\n'));
    // Each step links to its package page.
    await page.locator('ol.chains > li').first().locator('a.pkg').first().click();
    await page.waitForSelector('#package-title');
    // By name, with the keyboard: a root is a root.
    await page.evaluate(() => (location.hash = '#/why'));
    await page.locator('#why-name').fill('qux');
    await page.locator('#why-name').press('Enter');
    await page.waitForFunction(() => /qux/.test(document.querySelector('#why-title')?.textContent ?? ''));
    assert.match(await page.locator('#why-title').textContent(), /Nothing in the set requires qux/);
    // An unknown name says so.
    await page.locator('#why-name').fill('no-such-thing');
    await page.locator('#why-name').press('Enter');
    await page.waitForSelector('#why-result [role="alert"]');
    assert.match(await page.locator('#why-result').textContent(), /no package named `no-such-thing`/);
    await page.locator('#why-name').fill('alpha');
    await page.locator('#why-name').press('Enter');
    await page.waitForFunction(() => /Why alpha/.test(document.querySelector('#why-title')?.textContent ?? ''));
    await shot(page, 'why');
    assert.deepEqual(errors, []);
  });

  test('graph: a root chosen by name', async () => {
    await page.evaluate(() => (location.hash = '#/graph'));
    await page.locator('#graph-root').fill('bar');
    await page.locator('#graph-root').press('Enter');
    await page.waitForFunction(() => document.querySelector('#graph-title').textContent.startsWith('Neighbourhood of bar'));
    await page.waitForFunction(() => document.body.dataset.graph === 'drawn');
    const nodes = await page.locator('#graph-nodes li').allTextContents();
    for (const name of ['bar', 'foo', 'qux']) assert.ok(nodes.some((n) => n.startsWith(name)), `${name} in ${nodes}`);
    // Names match as the ecosystem matches them; several versions: the newest.
    await page.locator('#graph-root').fill('FOO');
    await page.locator('#graph-root').press('Enter');
    await page.waitForFunction(() => document.querySelector('#graph-title').textContent.startsWith('Neighbourhood of foo 2.0.0'));
    await page.locator('#graph-root').fill('nothing-by-that-name');
    await page.locator('#graph-root').press('Enter');
    await page.waitForFunction(() => /No package named/.test(document.querySelector('#graph-title').textContent));
    assert.deepEqual(errors, []);
  });

  test('diff: an old folder dropped on the diff view, compared with the current set', async () => {
    await page.getByRole('link', { name: 'Diff' }).click();
    await page.waitForSelector('#diff-result p');
    await shot(page, 'diff-empty');
    assert.match(await page.locator('#diff-result').textContent(), /No old side yet/);
    await dropPaths(page, '#diff-drop', [oldSide]);
    await page.waitForSelector('#diff-title');
    assert.match(await page.locator('#diff-title').textContent(), /^From old \(\d+ packages\) to the current set/);
    const section = (name) => page.locator(`#diff-result section[aria-label="${name}"] li`).allTextContents();
    assert.deepEqual(await section('Added'), ['qux 0.1']);
    assert.deepEqual(await section('Removed'), ['legacy 1.0']);
    // Changed: one row per package, its versions and requirements each in a column, an item a line.
    const changed = await page.locator('#diff-result section[aria-label="Changed"] tbody tr').evaluateAll((rows) =>
      rows.map((r) => [...r.cells].map((c) => (c.querySelector('ul') ? [...c.querySelectorAll('li')].map((l) => l.textContent).join(' | ') : c.textContent)).join(' ; ')));
    assert.ok(changed.includes('foo ; rez ; 1.0.0 ; 1.0.0 | 2.0.0 ; +python 3 ; '), changed.join('\n'));
    assert.equal(changed.length, 2, changed.join('\n'));
    assert.ok(changed.some((c) => /^bar ; rez ; 1\.0 ; 1\.0 ; \+baz 2 ; −baz 1$/.test(c)), changed.join('\n'));
    // The current set is untouched.
    assert.equal(await page.evaluate(() => window.pkglens.loaded.packages.length), 8);
    // Each added package links to its page.
    await page.locator('#diff-result section[aria-label="Added"] a.pkg').click();
    await page.waitForFunction(() => document.querySelector('#package-title')?.textContent.startsWith('qux'));
    assert.deepEqual(errors, []);
  });

  test('diff: keep the current set, load another, see what changed', async () => {
    await page.getByRole('link', { name: 'Diff' }).click();
    await page.click('#diff-keep');
    await page.waitForSelector('#diff-result [role="status"]');
    await page.setInputFiles('#folder-input', oldSide);
    await waitLoaded(page, ++loads);
    await page.getByRole('link', { name: 'Diff' }).click();
    await page.waitForSelector('#diff-title');
    assert.match(await page.locator('#diff-title').textContent(), /^From the kept set/);
    await shot(page, 'diff');
    assert.deepEqual(await page.locator('#diff-result section[aria-label="Added"] li').allTextContents(), ['legacy 1.0']);
    assert.deepEqual(await page.locator('#diff-result section[aria-label="Removed"] li').allTextContents(), ['qux 0.1']);
    // Added packages link to their page in the current set.
    await page.locator('#diff-result section[aria-label="Added"] a.pkg').click();
    await page.waitForFunction(() => document.querySelector('#package-title')?.textContent.startsWith('legacy'));
    assert.deepEqual(errors, []);
  });

  test('narrow layout: why and diff views', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    for (const view of ['why/alpha', 'diff', 'graph']) {
      await page.evaluate((v) => (location.hash = `#/${v}`), view);
      await page.waitForTimeout(250);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${view}: no horizontal scroll (${overflow}px)`);
    }
    await shot(page, 'narrow-diff');
    await page.setViewportSize({ width: 1280, height: 860 });
    assert.deepEqual(errors, []);
  });
});
