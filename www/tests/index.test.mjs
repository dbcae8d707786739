// "From an index" in Chromium: the page (cross-origin isolated) reads a dependency tree from a
// package index on another origin (web/tests/index-server.mjs on 127.0.0.1: PEP 691 + 503, CORS
// and Cross-Origin-Resource-Policy headers), lists each package as its metadata arrives, and
// shows the tree as the current set. Compared with the npm package's `indexTree` under Node on
// the same server, and with the native CLI's `graph --index-url` when it is built.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { indexTree } from 'pkglens';
import { startIndexServer } from '../../web/tests/index-server.mjs';
import { ROOT, openSession, shot, waitLoaded } from './harness.mjs';

const TARGET = { python: '3.12', platform: 'linux', machine: 'x86_64' };
/** The CLI, when it is built (release first, as harness.mjs's cliCheck). */
const BIN = ['release', 'debug'].map((p) => join(ROOT, 'target', p, 'pkglens')).find((b) => existsSync(b));
const ROOTS = ['demo[x]', 'native', 'a', 'b', 'old'];

describe('from an index', () => {
  let index, session, page, errors;
  let loads = 0;

  before(async () => {
    index = await startIndexServer();
    session = await openSession();
    ({ page, errors } = session);
  });

  after(async () => {
    await session?.close();
    await index?.close();
  });

  /** Types the requirements and the index, submits, waits for the tree. */
  async function read(mode, roots) {
    index.clear();
    if (!(await page.locator('#from-index').evaluate((d) => d.open))) await page.click('#from-index > summary');
    await page.fill('#index-requirements', roots.join('\n'));
    await page.fill('#index-url', `${index.base}/${mode}/simple`);
    await page.click('#index-go');
    return waitLoaded(page, ++loads);
  }

  /** `name version` of each package of the page's set, sorted. */
  const pagePackages = () => page.evaluate(() => window.pkglens.loaded.packages.map((p) => `${p.name} ${p.version}`).sort());

  for (const mode of ['json', 'html', 'plain']) {
    test(`${mode}: the tree grows as metadata arrives and is the Node package's`, async () => {
      const loaded = await read(mode, ROOTS);
      // The page stays cross-origin isolated (threads) and still reads the other origin.
      assert.equal(loaded.ready.crossOriginIsolated, true);
      const expected = await indexTree(ROOTS, { indexUrl: `${index.base}/${mode}/simple`, ...TARGET });
      const packages = expected.records.slice(1).map((r) => `${r.packages[0].name} ${r.packages[0].version}`).sort();
      assert.deepEqual(await pagePackages(), packages);
      // One line per requirement followed, in the walk's order (depth first), with what it read.
      const steps = await page.locator('#index-live li').allTextContents();
      assert.deepEqual(steps, ['demo[x] → demo 2.0', 'dep>=1 → dep 1.0', 'extra-dep → extra-dep 1.0', 'native → native 1.0',
        'a → a 1.0', 'c<2 → c 1.0', 'b → b 1.0', 'c>=2 → c 2.0 (c 1.0 kept: no backtracking)', 'old → old 1.0', 'dep → dep 1.0']);
      assert.match(await page.locator('#index-status').textContent(), /10 requirements followed · \d+ requests · .* done in/);
      // The conflict (a needs c<2, b needs c>=2) is a problem, not solved; the sdist is dynamic.
      assert.ok(loaded.byKind.unsatisfied >= 1 || loaded.byKind.conflict >= 1, JSON.stringify(loaded.byKind));
      assert.equal(loaded.byKind.dynamic, 1);
      // The page went to the tree view, where the roots' requirements are a top-level row.
      assert.equal(await page.evaluate(() => location.hash), '#/tree');
      // The files were read fewest bytes first: metadata files where offered, else ranges.
      const files = index.log.filter((r) => !r.path.includes('/simple/') && r.status !== 204);
      if (mode === 'plain') assert.ok(files.some((r) => r.range), 'ranges asked for');
      else assert.ok(files.filter((r) => r.path.endsWith('.whl')).length === 0, JSON.stringify(files));
      assert.deepEqual(errors, []);
    });
  }

  test('the page\'s set is the native CLI\'s graph', { skip: !BIN && 'no target/*/pkglens' }, async () => {
    await read('json', ROOTS);
    const { stdout } = await promisify(execFile)(BIN, ['graph', '--no-cache', '--format', 'json', '--target-python', '3.12',
      '--platform', 'linux', '--machine', 'x86_64', '--index-url', `${index.base}/json/simple`, ...ROOTS]);
    const cli = JSON.parse(stdout).graph.nodes.filter((n) => n.ecosystem === 'python').map((n) => `${n.name} ${n.version}`).sort();
    assert.deepEqual(await pagePackages(), cli);
    await shot(page, 'from-an-index');
  });
});
