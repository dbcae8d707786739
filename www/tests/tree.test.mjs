// The tree view against pipdeptree: the test venv's real site-packages dropped on the page,
// its top-level packages and what each needs compared with `pipdeptree --json-tree` on the same
// environment; expand and collapse by keyboard; edge status shown; and the Requires column of
// the table counting what applies (not optional extras; rez variants' requirements included).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, dropPaths, launch, openPage, shot, startPreview, waitLoaded } from './harness.mjs';

const VENV = join(ROOT, '.cache', 'venv');
const norm = (name) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** `pipdeptree --json-tree` of the venv: top-level `name version` → names it needs. */
function pipdeptree() {
  const text = execFileSync(join(VENV, 'bin', 'pipdeptree'), ['--python', join(VENV, 'bin', 'python'), '--json-tree'], { encoding: 'utf8' });
  return Object.fromEntries(JSON.parse(text).map((n) => [`${norm(n.package_name)} ${n.installed_version}`,
    n.dependencies.map((d) => norm(d.package_name)).sort()]));
}

describe('tree view', { skip: !existsSync(join(VENV, 'bin', 'pipdeptree')) && 'no pipdeptree in .cache/venv' }, () => {
  let server, browser, page, errors, scratch;
  let loads = 0;

  before(async () => {
    server = await startPreview({ isolated: true });
    browser = await launch();
    ({ page, errors } = await openPage(browser.context, server.url));
    scratch = mkdtempSync(join(tmpdir(), 'pkglens-tree-'));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('a real site-packages: top level and children as pipdeptree says', async () => {
    const lib = join(realpathSync(VENV), 'lib');
    const python = readdirSync(lib).find((d) => d.startsWith('python'));
    await page.selectOption('#python', python.slice('python'.length));
    await dropPaths(page, '#drop', [join(lib, python, 'site-packages')]);
    await waitLoaded(page, ++loads);
    await page.evaluate(() => {
      document.body.dataset.tree = '';
      location.hash = '#/tree';
    });
    await page.waitForFunction(() => document.body.dataset.tree === 'drawn');
    // Open every top-level row by keyboard (Enter on its summary), then read what each needs.
    const summaries = page.locator('#tree > li > details > summary');
    const count = await summaries.count();
    for (let i = 0; i < count; i++) {
      await summaries.nth(i).focus();
      await page.keyboard.press('Enter');
    }
    // The children are made on the toggle event, a task after the key press.
    await page.waitForFunction(() => [...document.querySelectorAll('#tree > li > details')].every((d) => d.open && d.querySelector('ul').childElementCount));
    const got = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#tree > li')].map((li) => {
      const own = li.querySelector(':scope > details > summary > .pkg, :scope > .pkg');
      const kids = [...li.querySelectorAll(':scope > details > ul > li')].map((k) => k.querySelector('.pkg').textContent.split(' ')[0]);
      return [own.textContent, kids];
    })));
    const normalised = Object.fromEntries(Object.entries(got).map(([k, v]) => {
      const [name, version] = k.split(' ');
      return [`${name.toLowerCase().replace(/[-_.]+/g, '-')} ${version}`, v.map((n) => n.toLowerCase().replace(/[-_.]+/g, '-')).sort()];
    }));
    assert.deepEqual(normalised, pipdeptree());
    // Statuses are shown on each child row; collapse closes every row.
    assert.ok(await page.locator('#tree .status.satisfied').count() >= 1);
    await shot(page, 'tree-site-packages');
    await page.getByRole('button', { name: 'Collapse all' }).click();
    assert.equal(await page.locator('#tree details[open]').count(), 0);
    assert.deepEqual(errors, []);
  });

  test('Requires counts what applies: no optional extras, rez variants included; missing shown in the tree', async () => {
    const root = join(scratch, 'set');
    mkdirSync(join(root, 'site', 'app-1.0.dist-info'), { recursive: true });
    // A METADATA as setuptools writes one: two run requirements, two behind an extra, one false marker.
    writeFileSync(join(root, 'site', 'app-1.0.dist-info', 'METADATA'), [
      'Metadata-Version: 2.1', 'Name: app', 'Version: 1.0',
      'Requires-Dist: lib>=1', 'Requires-Dist: gone', 'Provides-Extra: dev',
      'Requires-Dist: pytest; extra == "dev"', 'Requires-Dist: ruff; extra == "dev"',
      'Requires-Dist: pywin32; sys_platform == "win32"', ''].join('\n'));
    mkdirSync(join(root, 'site', 'lib-1.2.dist-info'), { recursive: true });
    writeFileSync(join(root, 'site', 'lib-1.2.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: lib\nVersion: 1.2\n');
    // A rez package with variants, as rez's own tests write them.
    mkdirSync(join(root, 'rez', 'tool', '2.0'), { recursive: true });
    writeFileSync(join(root, 'rez', 'tool', '2.0', 'package.py'),
      'name = "tool"\nversion = "2.0"\nrequires = ["lib"]\nvariants = [["python-3.10"], ["python-3.11"]]\n');
    await page.selectOption('#platform', 'linux');
    await dropPaths(page, '#drop', [root]);
    await waitLoaded(page, ++loads);
    const requires = await page.evaluate(() => Object.fromEntries(window.pkglens.loaded.packages.map((p) => [p.name, p.requires])));
    assert.equal(requires.app, 2, 'lib and gone: not the extras, not the win32 one');
    assert.equal(requires.tool, 3, 'lib and one requirement per variant');
    await page.evaluate(() => {
      document.body.dataset.tree = '';
      location.hash = '#/tree';
    });
    await page.waitForFunction(() => document.body.dataset.tree === 'drawn');
    const app = page.locator('#tree > li > details', { has: page.locator('summary', { hasText: 'app 1.0' }) });
    await app.locator('summary').click();
    await app.locator('ul > li').first().waitFor(); // made on the toggle event, a task later
    assert.match(await app.locator('ul').textContent(), /gone.*missing/s);
    assert.deepEqual(errors, []);
  });
});
