// Time to table for large inputs given through the folder input, on the threaded page: rez's
// benchmark repository (18,226 package.py files) and the wheelhouse of real wheels, when
// scripts/test has put them in .cache/corpora. Also records the page's longest main-thread task
// meanwhile (the page must stay responsive). Results go to target/www-bench.json.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, dropPaths, launch, openPage, shot, startPreview, waitLoaded } from './harness.mjs';

const REZ = join(ROOT, '.cache', 'corpora', 'rez-benchmark', 'packages');
const WHEELS = join(ROOT, '.cache', 'corpora', 'wheels', 'wheels');
const results = {};

describe('bench: large folders through the folder input', () => {
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
    mkdirSync(join(ROOT, 'target'), { recursive: true });
    writeFileSync(join(ROOT, 'target', 'www-bench.json'), JSON.stringify(results, null, 2) + '\n');
  });

  async function measure(name, folder, how = 'input') {
    const t0page = await page.evaluate(() => {
      window.__longTasks = [];
      return performance.now();
    });
    // A heartbeat on the page's thread: the longest gap between animation frames while loading.
    await page.evaluate(() => {
      window.__gap = 0;
      let last = performance.now();
      const beat = (now) => {
        window.__gap = Math.max(window.__gap, now - last);
        last = now;
        if (document.body.dataset.state !== 'loaded') requestAnimationFrame(beat);
      };
      requestAnimationFrame(beat);
    });
    const t0 = Date.now();
    if (how === 'drop') await dropPaths(page, '#drop', [folder]);
    else await page.setInputFiles('#folder-input', folder, { timeout: 120_000 });
    const got = await waitLoaded(page, ++loads, 180_000);
    const wall = Date.now() - t0;
    const tasks = await page.evaluate(() => window.__longTasks);
    const longest = Math.max(0, ...tasks.map((t) => t.ms));
    const timings = await page.evaluate(() => window.pkglens.timings);
    const gap = await page.evaluate(() => window.__gap);
    // The same records, in the same order, and the same problems, however the folder arrived.
    const fingerprint = await page.evaluate(() => {
      const { packages, problems } = window.pkglens.loaded;
      let h = 2166136261;
      const add = (s) => {
        for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
      };
      for (const p of packages) add(`${p.path}\n${p.name}\n${p.version}\n`);
      for (const p of problems) add(`${p.kind}\n${p.path}\n${p.message}\n${p.pkg}\n`);
      return h.toString(16);
    });
    const worker = await page.evaluate(() => ({ source: window.pkglens.source, setMs: window.pkglens.loaded.setMs, steps: window.pkglens.loaded.steps }));
    const result = {
      how,
      source: worker.source,
      files: got.files,
      fingerprint,
      packages: got.packages,
      problems: got.problems,
      threads: got.threads,
      parseMs: Math.round(got.parseMs),
      timeToRowsMs: Math.round(await page.evaluate(() => window.pkglens.timeToRowsMs)),
      timeToTableMs: Math.round(got.timeToTableMs),
      wallMs: wall,
      longestTaskMs: Math.round(longest),
      longestFrameGapMs: Math.round(gap),
      // The set built, checked and its problems linked, in the worker after the parse.
      setMs: Math.round(worker.setMs),
      steps: Object.fromEntries(Object.entries(worker.steps ?? {}).map(([k, v]) => [k, Math.round(v)])),
      // Milestones from the input event, and the page's long tasks from setInputFiles.
      timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])),
      longTasks: tasks.filter((t) => t.ms >= 200).map((t) => ({ at: t.start - Math.round(t0page), ms: t.ms })),
    };
    results[name] = result;
    console.log(`# ${name}: ${JSON.stringify(result)}`);
    return result;
  }

  test('rez benchmark repository (18,226 files): time to table', async (t) => {
    if (!existsSync(REZ)) {
      console.log(`# skipped: ${REZ} is absent (scripts/test fetches it)`);
      t.skip('rez benchmark repository absent');
      return;
    }
    const r = await measure('rez-benchmark', REZ);
    assert.equal(r.files, 18226);
    assert.ok(r.packages >= 18000, `${r.packages} packages`);
    assert.ok(r.threads > 1);
    // Scroll the 18k-row table: the DOM holds only the rows in view.
    await page.locator('.vtable[role="grid"]').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.waitForTimeout(100);
    assert.ok(await page.locator('.vspacer .vrow:not([hidden])').count() < 80, 'the table is virtualised');
    await shot(page, 'rez-benchmark');
    assert.deepEqual(errors, []);
  });

  test('rez benchmark repository dropped: the worker walks the folder itself', async (t) => {
    if (!existsSync(REZ)) {
      t.skip('rez benchmark repository absent');
      return;
    }
    const r = await measure('rez-benchmark-drop', REZ, 'drop');
    assert.equal(r.source, 'handles', 'the drop reached the worker as a directory handle');
    assert.equal(r.files, 18226);
    assert.equal(r.packages, 18226);
    if (results['rez-benchmark']) assert.equal(r.fingerprint, results['rez-benchmark'].fingerprint, 'the same set as through the folder input');
    assert.ok(r.longestTaskMs < 500, `longest task on the page's thread: ${r.longestTaskMs} ms`);
    await shot(page, 'rez-benchmark-drop');
    assert.deepEqual(errors, []);
  });

  test('the 18,226-row table scrolls smoothly from top to bottom', async (t) => {
    if (!existsSync(REZ) || !results['rez-benchmark-drop']) {
      t.skip('rez benchmark repository absent or not loaded');
      return;
    }
    // The set the drop loaded. 300 scroll positions through the whole table, one per animation
    // frame, as a fast fling would give: the frames' intervals, and whether rows were drawn
    // where the view was when the next frame came.
    await page.evaluate(() => (location.hash = '#/packages'));
    await page.waitForTimeout(200);
    const r = await page.locator('.vtable[role="grid"]').evaluate(async (grid) => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      grid.scrollTop = 0;
      await frame();
      await frame();
      const steps = 300;
      const span = grid.scrollHeight - grid.clientHeight;
      const intervals = [];
      let blank = 0;
      let most = 0;
      let last = await frame();
      for (let i = 1; i <= steps; i++) {
        grid.scrollTop = Math.round((i * span) / steps);
        const now = await frame();
        intervals.push(now - last);
        last = now;
        // After this frame's callbacks (the table draws in one, after the scroll event): the
        // rows drawn cover the top of the view.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const top = grid.scrollTop;
        const rows = [...grid.querySelectorAll('.vspacer .vrow:not([hidden])')];
        most = Math.max(most, rows.length);
        const covered = rows.some((row) => {
          const y = Number(/translateY\((\d+)px\)/.exec(row.style.transform)?.[1] ?? -1);
          return y <= top && top < y + row.offsetHeight;
        });
        if (!covered) blank++;
      }
      intervals.sort((a, b) => a - b);
      const at = (q) => intervals[Math.min(intervals.length - 1, Math.floor(q * intervals.length))];
      return { frames: steps, medianMs: at(0.5), p95Ms: at(0.95), maxMs: intervals[intervals.length - 1], over50: intervals.filter((x) => x > 50).length, blank, mostRows: most, end: grid.scrollTop >= span - 1 };
    });
    results['rez-scroll'] = r;
    console.log(`# scroll through 18,226 rows: ${JSON.stringify(r)}`);
    assert.ok(r.end, 'the scroll reached the last row');
    assert.ok(r.mostRows < 120, `the table is virtualised (${r.mostRows} rows drawn at most)`);
    // Loose bounds, for a shared 2-core machine: a table drawing every row misses them by far.
    assert.ok(r.medianMs < 40, `median frame ${r.medianMs} ms`);
    assert.ok(r.p95Ms < 120, `95th percentile frame ${r.p95Ms} ms`);
    assert.ok(r.blank <= r.frames / 20, `${r.blank} of ${r.frames} frames showed no row at the top of the view`);
    assert.deepEqual(errors, []);
  });

  test('cancel stops a large load and keeps what was read', async (t) => {
    if (!existsSync(REZ)) {
      t.skip('rez benchmark repository absent');
      return;
    }
    await page.setInputFiles('#folder-input', REZ);
    await page.waitForFunction(() => /files\/s/.test(document.querySelector('#progress-text').textContent));
    await page.click('#cancel');
    const got = await waitLoaded(page, ++loads, 180_000);
    const cancelled = await page.evaluate(() => window.pkglens.loaded.cancelled);
    assert.equal(cancelled, true);
    assert.ok(got.files < 18226, `${got.files} files read before the cancel`);
    assert.match(await page.locator('#progress-text').textContent(), /^Cancelled after reading/);
    assert.deepEqual(errors, []);
  });

  test('cancel stops a large drop while the worker walks it', async (t) => {
    if (!existsSync(REZ)) {
      t.skip('rez benchmark repository absent');
      return;
    }
    await dropPaths(page, '#drop', [REZ]);
    await page.waitForFunction(() => /found so far/.test(document.querySelector('#progress-text').textContent));
    await page.click('#cancel');
    const got = await waitLoaded(page, ++loads, 180_000);
    assert.equal(await page.evaluate(() => window.pkglens.loaded.cancelled), true);
    assert.ok(got.files > 0 && got.files < 18226, `${got.files} files read before the cancel`);
    assert.match(await page.locator('#progress-text').textContent(), /^Cancelled after reading/);
    assert.deepEqual(errors, []);
  });

  test('wheelhouse of real wheels: dependencies and problems', async (t) => {
    if (!existsSync(WHEELS)) {
      console.log(`# skipped: ${WHEELS} is absent (scripts/test fetches it)`);
      t.skip('wheelhouse absent');
      return;
    }
    const count = readdirSync(WHEELS).filter((f) => f.endsWith('.whl')).length;
    const r = await measure('wheelhouse', WHEELS);
    assert.equal(r.files, count);
    assert.ok(r.packages >= count * 0.95, `${r.packages} packages of ${count} wheels`);
    await page.evaluate(() => (location.hash = '#/problems'));
    await shot(page, 'wheelhouse-problems');
    assert.deepEqual(errors, []);
  });
});
