// The resolve view in Chromium: the repository's examples/rez dropped as a person drops it, a
// request typed as `rez env` takes it, the resolved list and graph; a failing request shows
// rez's reason and the chain to each requirement; rez's error shows its message. The answers
// are the CLI's (`pkglens resolve --repo examples/rez`), which rez 3.4.0 gives too. The view's
// DOT and Mermaid exports are the CLI's `--format dot|mermaid` bytes. A time and package
// orderers typed in the view change the answer as `--time` and `--orderers` do. Any console
// error or page error fails the test.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, WWW, dropPaths, openSession, shot, waitLoaded } from './harness.mjs';

/** `pkglens resolve --format json` of the CLI over examples/rez, when it is built. */
function cliResolve(request) {
  const bin = ['release', 'debug'].map((p) => join(ROOT, 'target', p, 'pkglens')).find(existsSync);
  if (!bin) return null;
  try {
    return JSON.parse(execFileSync(bin, ['resolve', '--format', 'json', '--repo', 'examples/rez', ...request.split(' ')], { cwd: ROOT, encoding: 'utf8' }));
  } catch (err) {
    if (err.status !== 1) throw err;
    return JSON.parse(err.stdout);
  }
}

/**
 * The CLI's `resolve --format <format>` text over the dropped folder as the page names it
 * (`rez`, from examples/), so that even rez's messages, which name paths, are the same bytes.
 */
function cliText(request, format) {
  const bin = ['release', 'debug'].map((p) => join(ROOT, 'target', p, 'pkglens')).find(existsSync);
  if (!bin) return null;
  try {
    return execFileSync(bin, ['resolve', '--format', format, '--repo', 'rez', '--', ...request.split(' ')], { cwd: join(ROOT, 'examples'), encoding: 'utf8' });
  } catch (err) {
    if (err.status !== 1) throw err;
    return err.stdout;
  }
}

/** The text of the file `click` makes the page download. */
async function downloaded(page, click) {
  const download = page.waitForEvent('download');
  await click();
  const file = await download;
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

/** Types `request` in the view and waits for its answer's title. */
async function resolveIn(page, request, title) {
  await page.fill('#resolve-request', request);
  await page.press('#resolve-request', 'Enter');
  await page.waitForFunction((t) => document.querySelector('#resolve-title')?.textContent === t, title, { timeout: 30_000 });
}

describe('the resolve view', () => {
  let session, page, errors;

  before(async () => {
    session = await openSession();
    ({ page, errors } = session);
  });

  after(() => session?.close());

  test('a dropped rez repository resolves a typed request: the list and the graph', async () => {
    await dropPaths(page, '#drop', [join(ROOT, 'examples', 'rez')]);
    await waitLoaded(page, 1);
    await page.click('#tab-resolve');
    await page.waitForSelector('#view-resolve:not([hidden])');
    assert.equal(await page.inputValue('#resolve-repos'), 'rez', 'the dropped folder is the repository');
    await resolveIn(page, 'usd-23 !python-3.11', 'Resolved 6 packages');
    const rows = await page.$$eval('#resolve-packages tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    // rez 3.4.0 resolves the same (ResolvedContext over examples/rez).
    assert.deepEqual(rows, [
      ['arch', 'x86_64', '–', 'rez/arch/x86_64/package.py'],
      ['platform', 'linux', '–', 'rez/platform/linux/package.py'],
      ['python', '3.9.18', '0', 'rez/python/3.9.18/package.py'],
      ['boost', '1.82.0', '0', 'rez/boost/1.82.0/package.py'],
      ['tbb', '2020.3', '–', 'rez/tbb/2020.3/package.py'],
      ['usd', '23.11', '–', 'rez/usd/23.11/package.py'],
    ]);
    const cli = cliResolve('usd-23 !python-3.11');
    if (cli) {
      assert.deepEqual(rows.map((r) => [r[0], r[1], r[2] === '–' ? null : Number(r[2]), `examples/${r[3]}`]),
        cli.packages.map((p) => [p.name, p.version, p.variant, p.path]));
    }
    // The graph: the request and the six packages, an edge from whatever required each.
    assert.equal(await page.locator('#resolve-graph svg g.node').count(), 7);
    assert.ok(await page.locator('#resolve-graph svg path.edge, #resolve-graph svg .edge').count() >= 6);
    assert.match(page.url(), /#\/resolve\/usd-23%20!python-3\.11$/);
    await shot(page, 'resolve-solved');
    assert.deepEqual(errors, []);
  });

  test('a failing request shows rez\'s reason and the chain to each requirement', async () => {
    await resolveIn(page, 'usd-24 python-3.9', 'Resolve failed');
    const reason = await page.textContent('#resolve-reason');
    assert.equal(reason, 'The following package conflicts occurred: (python-3.11 <--!--> python==3.9.18)');
    const cli = cliResolve('usd-24 python-3.9');
    if (cli) assert.equal(reason, cli.failure.description);
    assert.deepEqual(await page.$$eval('#resolve-chains li', (lis) => lis.map((li) => li.textContent)),
      ['request → usd → python-3.11', 'request → python==3.9.18']);
    assert.equal(await page.locator('#resolve-graph').count(), 0, 'no graph for a failed resolve');
    await shot(page, 'resolve-failed');
    assert.deepEqual(errors, []);
  });

  test('a package filter leaves packages out, as rez\'s package_filter does', async () => {
    // Resolves boost with the filter typed, and waits for the python version it picks.
    const boostWith = async (filter, python) => {
      await page.fill('#resolve-filter', filter);
      await page.fill('#resolve-request', 'boost');
      await page.press('#resolve-request', 'Enter');
      await page.waitForFunction((v) => [...document.querySelectorAll('#resolve-packages tr')]
        .some((tr) => tr.cells[0].textContent === 'python' && tr.cells[1].textContent === v), python, { timeout: 30_000 });
    };
    // rez 3.4.0 resolves the same (ResolvedContext over examples/rez, package_filter=PackageFilterList.from_pod(...)).
    await boostWith('{"excludes": "range(python-3.11+)"}', '3.9.18');
    assert.equal(await page.textContent('#resolve-filter-note'), 'Packages the package filter excludes left out.');
    // A rezconfig.py's text, read statically: an inclusion lets 3.11 back in.
    await boostWith("package_filter = [{'excludes': ['glob(python-3.*)'], 'includes': ['python-3.11']}]", '3.11.6');
    await boostWith('[{"excludes": ["glob(python-3.11*)"]}]', '3.9.18');
    // A bad rule: rez's words, naming the field.
    await page.fill('#resolve-filter', '[{"excludes": ["foo(bar)"]}]');
    await page.press('#resolve-request', 'Enter');
    await page.waitForFunction(() => /packageFilter\[0\]\.excludes\[0\]: 'foo' is not a valid package filter type/.test(document.querySelector('#resolve-result p.error')?.textContent ?? ''));
    // No filter: rez's default answer, and no note.
    await boostWith('', '3.11.6');
    assert.equal(await page.locator('#resolve-filter-note').count(), 0);
    assert.deepEqual(errors, []);
  });

  test('accessibility: axe-core finds nothing serious or critical in a solved or a failed resolve', async () => {
    await page.evaluate(readFileSync(join(WWW, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
    const found = [];
    for (const [request, title] of [['usd-23 !python-3.11', 'Resolved 6 packages'], ['usd-24 python-3.9', 'Resolve failed']]) {
      await resolveIn(page, request, title);
      const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
      found.push(...violations.map((v) => ({ request, ...v })));
    }
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
  });

  test('rez\'s errors and invalid requests are said, not thrown at the console', async () => {
    await resolveIn(page, 'usd', 'Resolve error');
    assert.match(await page.textContent('#resolve-result'), /package family not found: openexr, was required by: usd \(searched: rez\)/);
    await page.fill('#resolve-request', 'foo-[1');
    await page.press('#resolve-request', 'Enter');
    await page.waitForFunction(() => /invalid request/.test(document.querySelector('#resolve-result p.error')?.textContent ?? ''));
    assert.deepEqual(errors, []);
  });

  test('the resolve graph exports as DOT and Mermaid, the CLI\'s bytes: solved, failed and rez\'s error', async () => {
    const cases = [['usd-23 !python-3.11', 'Resolved 6 packages'], ['usd-24 python-3.9', 'Resolve failed'], ['usd', 'Resolve error']];
    for (const [request, title] of cases) {
      await resolveIn(page, request, title);
      const dot = await downloaded(page, () => page.click('#resolve-export-dot'));
      const mermaid = await downloaded(page, () => page.click('#resolve-export-mermaid'));
      assert.equal(dot.name, 'resolve.dot');
      assert.equal(mermaid.name, 'resolve.mmd');
      assert.ok(dot.text.startsWith('digraph resolve {\n  n0 [label="request"];\n'), dot.text);
      assert.ok(mermaid.text.startsWith('flowchart LR\n  n0["request"]\n'), mermaid.text);
      const [cliDot, cliMermaid] = [cliText(request, 'dot'), cliText(request, 'mermaid')];
      if (cliDot !== null) {
        assert.equal(dot.text, cliDot, `dot: ${request}`);
        assert.equal(mermaid.text, cliMermaid, `mermaid: ${request}`);
      }
      // The tab bar's Export DOT, on this view, is the resolve's graph too.
      assert.equal((await downloaded(page, () => page.click('#export-dot'))).text, dot.text);
    }
    // The failure's graph, as rez's: the chains, and the two conflicting requirements joined.
    await resolveIn(page, 'usd-24 python-3.9', 'Resolve failed');
    const failed = await downloaded(page, () => page.click('#resolve-export-mermaid'));
    assert.equal(failed.text, ['flowchart LR', '  n0["request"]', '  n1["usd"]', '  n2["python-3.11"]', '  n3["python==3.9.18"]',
      '  n0 --> n1', '  n1 --> n2', '  n0 --> n3', '  n2 -. conflict .-> n3', ''].join('\n'));
    assert.deepEqual(errors, []);
  });

  test('a time leaves out what was released after it, as rez env --time does', async () => {
    // A repository whose packages carry `timestamp`, as rez-release writes it.
    const scratch = mkdtempSync(join(tmpdir(), 'pkglens-resolve-time-'));
    const write = (path, text) => {
      mkdirSync(join(scratch, path, '..'), { recursive: true });
      writeFileSync(join(scratch, path), text);
    };
    write('studio/tool/1.0/package.py', "name = 'tool'\nversion = '1.0'\ntimestamp = 100\n");
    write('studio/tool/2.0/package.py', "name = 'tool'\nversion = '2.0'\nrequires = ['lib']\ntimestamp = 200\n");
    write('studio/lib/1.0/package.py', "name = 'lib'\nversion = '1.0'\n");
    try {
      await dropPaths(page, '#drop', [join(scratch, 'studio')]);
      await waitLoaded(page, 2);
      await page.click('#tab-resolve');
      await page.fill('#resolve-repos', 'studio');
      await page.fill('#resolve-time', '150');
      await resolveIn(page, 'tool', 'Resolved 1 package');
      assert.deepEqual(await page.$$eval('#resolve-packages tr', (trs) => trs.map((tr) => tr.cells[0].textContent + '-' + tr.cells[1].textContent)), ['tool-1.0']);
      assert.equal(await page.textContent('#resolve-time-note'), 'Packages released after 1970-01-01T00:02:30.000Z (150) left out.');
      // rez's own words for a time it does not take.
      await page.fill('#resolve-time', '-1w');
      await page.press('#resolve-request', 'Enter');
      await page.waitForFunction(() => /'-1w' is an unrecognised time format\./.test(document.querySelector('#resolve-result p.error')?.textContent ?? ''));
      // No time: the latest, and no note.
      await page.fill('#resolve-time', '');
      await resolveIn(page, 'tool', 'Resolved 2 packages');
      assert.equal(await page.locator('#resolve-time-note').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('orderers typed as an --orderers file holds them change the versions tried first, as rez orders them', async () => {
    // tests/data/rez_soft_timestamp; rez 3.4.0's answers from scripts/conformance/rez_orderers.py
    // (`soft_timestamp 1600000350`: what was released by then first).
    await dropPaths(page, '#drop', [join(ROOT, 'tests', 'data', 'rez_soft_timestamp')]);
    await waitLoaded(page, 3);
    await page.click('#tab-resolve');
    await page.fill('#resolve-repos', 'rez_soft_timestamp');
    await page.fill('#resolve-time', '');
    const resolved = () => page.$$eval('#resolve-packages tr', (trs) => trs.map((tr) => `${tr.cells[0].textContent}-${tr.cells[1].textContent}`));
    await page.fill('#resolve-orderers', '- type: soft_timestamp\n  timestamp: 1600000350\n');
    await resolveIn(page, 'app', 'Resolved 4 packages');
    assert.deepEqual(await resolved(), ['python-3.7.4', 'lib-2.0', 'tool-1.0.0', 'app-1.0']);
    assert.equal(await page.textContent('#resolve-orderers-note'), 'Versions tried in the order of soft_timestamp: *.');
    // The export draws the resolve on show, orderers included (the CLI's `--orderers` bytes).
    const dot = await downloaded(page, () => page.click('#resolve-export-dot'));
    assert.ok(dot.text.includes('n1 [label="python-3.7.4[]"];\n  n2 [label="lib-2.0[]"];'), dot.text);
    // JSON, per family: only python is ordered by time (its 3.9.18 has no timestamp).
    await page.fill('#resolve-orderers', '[{"type": "soft_timestamp", "timestamp": 1600000350, "packages": ["python"]}]');
    await resolveIn(page, 'python', 'Resolved 1 package');
    assert.deepEqual(await resolved(), ['python-3.9.18']);
    assert.equal(await page.textContent('#resolve-orderers-note'), 'Versions tried in the order of soft_timestamp: python.');
    // A list rez cannot read: the field named.
    await page.fill('#resolve-orderers', '- type: sorted\n');
    await page.press('#resolve-request', 'Enter');
    await page.waitForFunction(() => /orderers: package_orderers\[0\]\.descending: missing/.test(document.querySelector('#resolve-result p.error')?.textContent ?? ''));
    // None: rez's default, and no note.
    await page.fill('#resolve-orderers', '');
    await resolveIn(page, 'app', 'Resolved 4 packages');
    assert.deepEqual(await resolved(), ['python-3.12.1', 'lib-2.1', 'tool-2.0.0', 'app-1.1']);
    assert.equal(await page.locator('#resolve-orderers-note').count(), 0);
    assert.deepEqual(errors, []);
  });
});
