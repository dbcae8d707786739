// Problems rolled up by the name required and the cause, searched, and Why answering for a
// missing name; a cancelled load showing no checks of a half-read set; a pasted requirements
// list alone shown as a set of its own, an include line reported instead of dropping the paste;
// a load whose every file failed saying so; no literal backticks in messages; the diff view's
// rows, cap and progress.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dropPaths, launch, openPage, shot, startPreview, waitLoaded } from './harness.mjs';

/** A rez repository where 30 packages need openexr (absent), 5 need boost-2 (boost 1.82 there),
 * and one package.py cannot be read. */
function studio(root) {
  const write = (path, text) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  for (let i = 0; i < 30; i++) write(`shot${i}/1.0/package.py`, `name = "shot${i}"\nversion = "1.0"\nrequires = ["openexr-3"]\n`);
  for (let i = 0; i < 5; i++) write(`tool${i}/1.0/package.py`, `name = "tool${i}"\nversion = "1.0"\nrequires = ["boost-2"]\n`);
  write('boost/1.82.0/package.py', 'name = "boost"\nversion = "1.82.0"\n');
  write('broken/1.0/package.py', 'name = "broken"\nversion = "1.0"\nrequires = ["a",\n');
}

describe('problems rolled up, pasted lists, empty and failed states', () => {
  let server, browser, page, errors, scratch;
  let loads = 0;

  before(async () => {
    server = await startPreview({ isolated: true });
    browser = await launch();
    ({ page, errors } = await openPage(browser.context, server.url));
    scratch = mkdtempSync(join(tmpdir(), 'pkglens-states-'));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('problems: one row per missing name and cause, searchable; Why answers for the missing name', async () => {
    const root = join(scratch, 'studio');
    studio(root);
    await dropPaths(page, '#drop', [root]);
    const got = await waitLoaded(page, ++loads);
    assert.equal(got.byKind.missing, 30, JSON.stringify({ ...got, problemList: got.problemList.length }));
    assert.equal(got.byKind.unsatisfied, 5);
    await page.evaluate(() => (location.hash = '#/problems'));
    const missing = page.locator('section[aria-label="Missing requirements"] .problem-group');
    assert.equal(await missing.count(), 1, 'thirty problems, one row');
    assert.match(await missing.locator('summary').textContent(), /openexr\s+not in the set\s+30 requirements/);
    const unsatisfied = page.locator('section[aria-label="Unsatisfied requirements"] .problem-group');
    assert.equal(await unsatisfied.count(), 1);
    // Opened by keyboard, the row lists its thirty requirers.
    await missing.locator('summary').focus();
    await page.keyboard.press('Enter');
    await missing.locator('li.problem').nth(29).waitFor(); // made on the toggle event, a task later
    assert.equal(await missing.locator('li.problem').count(), 30);
    // Search keeps the matching rows only.
    await page.fill('#problems-search', 'boost');
    assert.equal(await page.locator('.problem-group').count(), 1);
    assert.match(await page.locator('#problems-shown').textContent(), /^1 group matches/);
    await page.fill('#problems-search', 'tool3');
    assert.equal(await page.locator('.problem-group').count(), 1, 'a requirer\'s name finds its row');
    await page.fill('#problems-search', '');
    // No literal backticks in any message shown.
    assert.ok(!(await page.locator('#view-problems').textContent()).includes('`'));
    await shot(page, 'problems-grouped');
    // Why, for a name that is not in the set: the packages that want it.
    await page.getByRole('link', { name: 'Why is openexr wanted?' }).click();
    await page.waitForSelector('#why-title');
    assert.match(await page.locator('#why-title').textContent(), /^openexr is not in the set; it is wanted by 30 chains/);
    assert.deepEqual(errors, []);
  });

  test('a cancelled load lists no check of the half-read set as a problem', async () => {
    const dir = join(scratch, 'chain');
    for (let i = 0; i < 3000; i++) {
      mkdirSync(join(dir, `p${i}`, '1.0'), { recursive: true });
      writeFileSync(join(dir, `p${i}`, '1.0', 'package.py'), `name = "p${i}"\nversion = "1.0"\nrequires = ["p${i + 1}-1"]\n`);
    }
    await page.evaluate(() => (location.hash = '#/packages'));
    await page.setInputFiles('#folder-input', dir);
    await page.waitForFunction(() => /files\/s/.test(document.querySelector('#progress-text').textContent));
    await page.getByRole('button', { name: 'Cancel' }).click();
    const got = await waitLoaded(page, ++loads);
    assert.equal(await page.evaluate(() => window.pkglens.loaded.cancelled), true);
    assert.ok(got.problemList.some((p) => p.kind === 'missing'), 'the engine checked the half set');
    // ... but the page does not present those checks as problems.
    assert.equal(await page.locator('#count-problems').textContent(), '0');
    await page.evaluate(() => (location.hash = '#/problems'));
    assert.match(await page.locator('#view-problems .note').textContent(), /cancelled after [\d,]+ of 3,000 files: requirements are not checked/);
    assert.equal(await page.locator('.problem-group').count(), 0);
    assert.deepEqual(errors, []);
  });

  test('a pasted list alone is a set of its own; an include line is an error of its own', async () => {
    // The last load's set is replaced (the "add" box is not ticked).
    const base = join(scratch, 'site');
    mkdirSync(join(base, 'idna-3.7.dist-info'), { recursive: true });
    writeFileSync(join(base, 'idna-3.7.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: idna\nVersion: 3.7\n');
    await page.evaluate(() => (location.hash = '#/packages'));
    await page.click('#paste-open');
    await page.fill('#paste-text', 'requests>=2.31\n-r other.txt\nidna<3\nrich\n');
    await page.click('#paste-ok');
    await waitLoaded(page, ++loads);
    const empty = page.locator('#empty');
    await page.waitForFunction(() => document.querySelector('#empty')?.textContent.includes('requirement list'));
    assert.equal(await empty.isVisible(), true);
    assert.ok(!(await empty.textContent()).includes('No packages yet'));
    assert.match(await empty.locator('h3').textContent(), /pasted\/requirements\.txt 3 requirements: 3 missing/);
    assert.deepEqual(await empty.locator('tbody code').allTextContents(), ['requests>=2.31', 'idna<3', 'rich']);
    assert.match(await page.locator('#error').textContent(), /^Pasted line 2: “-r other\.txt” includes another file, which a paste cannot reach/);
    await shot(page, 'pasted-alone');
    // Added to a site-packages: what the set satisfies is shown as satisfied or not.
    await page.check('#append');
    await dropPaths(page, '#drop', [base]);
    await waitLoaded(page, ++loads);
    await page.uncheck('#append');
    const problems = await page.evaluate(() => window.pkglens.loaded.problems.map((p) => `${p.kind} ${p.requirement}`).sort());
    assert.deepEqual(problems, ['missing requests>=2.31', 'missing rich', 'unsatisfied idna<3']);
    assert.deepEqual(errors, []);
  });

  test('diff: one row per changed package, items in columns, capped with "Show more"; the progress finishes', async () => {
    const side = (name, version) => {
      const dir = join(scratch, name);
      for (let i = 0; i < 250; i++) {
        mkdirSync(join(dir, `lib${i}`, version), { recursive: true });
        writeFileSync(join(dir, `lib${i}`, version, 'package.py'),
          `name = "lib${i}"\nversion = "${version}"\nrequires = ["python-3.${version === '1.0' ? 9 : 11}"]\n`);
      }
      return dir;
    };
    const oldSide = side('old-side', '1.0');
    await dropPaths(page, '#drop', [side('new-side', '2.0')]);
    await waitLoaded(page, ++loads);
    await page.evaluate(() => (location.hash = '#/diff'));
    await dropPaths(page, '#diff-drop', [oldSide]);
    await page.waitForSelector('#diff-title');
    const rows = page.locator('#diff-result section[aria-label="Changed"] tbody tr');
    assert.equal(await rows.count(), 200);
    assert.deepEqual(await rows.first().locator('td, th').allTextContents(), ['lib0', 'rez', '1.0', '2.0', '+python 3.11', '−python 3.9']);
    await page.getByRole('button', { name: /^Show more \(200 of 250 shown\)/ }).click();
    assert.equal(await rows.count(), 250);
    assert.equal(await page.getByRole('button', { name: /^Show more/ }).count(), 0);
    assert.match(await page.locator('#progress-text').textContent(), /^Read the old side \(old-side\)\.$/);
    await shot(page, 'diff-capped');
    assert.deepEqual(errors, []);
  });

  test('every file failed: said so, not "No packages yet"', async () => {
    const dir = join(scratch, 'bad');
    mkdirSync(join(dir, 'a', '1.0'), { recursive: true });
    mkdirSync(join(dir, 'b', '1.0'), { recursive: true });
    writeFileSync(join(dir, 'a', '1.0', 'package.py'), 'name = "a"\nrequires = [\n');
    writeFileSync(join(dir, 'b', '1.0', 'package.py'), 'name = \n');
    await dropPaths(page, '#drop', [dir]);
    await waitLoaded(page, ++loads);
    await page.waitForFunction(() => document.querySelector('#empty').textContent.includes('could be read'));
    assert.match(await page.locator('#empty').textContent(), /^None of the 2 files could be read: see why in Problems\.$/);
    await page.getByRole('link', { name: 'see why in Problems' }).click();
    // The Problems view renders after the click: wait for it (count() alone does not wait).
    const groups = page.locator('section[aria-label="Files that could not be read"] .problem-group');
    await groups.first().waitFor();
    assert.equal(await groups.count() >= 1, true);
    assert.ok(!(await page.locator('#view-problems').textContent()).includes('`'));
    assert.deepEqual(errors, []);
  });
});
