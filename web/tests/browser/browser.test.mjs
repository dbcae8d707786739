// The npm package in Debian's Chromium, driven by playwright-core: a page built with Vite, the
// threaded build in a module Worker, on the same corpora as the CLI, byte for byte.
// PKGLENS_BASE: the repository; PKGLENS_CROSS: the cases of the cross-target test (native
// outputs already written); PKGLENS_VITE: vite's CLI. PKGLENS_BENCH=1: time single vs threads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkglens from 'pkglens';
import { corpus, includes } from './corpus.mjs';

const base = process.env.PKGLENS_BASE;
const require = createRequire(join(base, 'web/package.json'));
const { chromium } = require('playwright-core');
const cases = JSON.parse(readFileSync(process.env.PKGLENS_CROSS, 'utf8'));
const bench = process.env.PKGLENS_BENCH === '1';

/** Packs a corpus (its files, then what they may include) as the page's worker reads it. */
function pack(chosen, others) {
  const files = chosen.concat(others);
  const header = new TextEncoder().encode(JSON.stringify({ count: chosen.length, files: files.map((f) => [f.name, f.bytes.length]) }));
  const total = 4 + header.length + files.reduce((n, f) => n + f.bytes.length, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let at = 4 + header.length;
  for (const f of files) {
    out.set(f.bytes, at);
    at += f.bytes.length;
  }
  return out;
}

let server, browser, page, profile;
const errors = [];
const port = 4300 + Math.floor(Math.random() * 500);

before(async () => {
  mkdirSync('public/corpora', { recursive: true });
  cases.forEach((c, i) => writeFileSync(`public/corpora/${i}.bin`,
    pack(corpus(pkglens, c.dir, base), includes(pkglens, c.dir, base))));
  execFileSync(process.execPath, [process.env.PKGLENS_VITE, 'build'], { stdio: 'inherit' });
  server = spawn(process.execPath, [process.env.PKGLENS_VITE, 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore' });
  profile = mkdtempSync(join(tmpdir(), 'pkglens-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  for (let i = 0; ; i++) {
    try {
      await page.goto(`http://127.0.0.1:${port}/`);
      break;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(profile, { recursive: true, force: true });
});

test('the page is cross-origin isolated and the threaded build starts 2 threads', async () => {
  const info = await page.evaluate(() => window.task('threads', { task: 'init', build: 'threads', threads: 2 }));
  assert.deepEqual(info, { build: 'threads', threads: 2, isolated: true, fallback: null });
  const single = await page.evaluate(() => window.task('single', { task: 'init', build: 'single' }));
  assert.equal(single.build, 'single');
  assert.equal(single.threads, 1);
});

test('the threaded build in Chromium gives the CLI\'s JSON, byte for byte', async () => {
  for (const [i, c] of cases.entries()) {
    const got = await page.evaluate(([url, options]) => window.task('threads', { task: 'scan', url, options }),
      [`/corpora/${i}.bin`, c.options]);
    assert.ok(got.files > 0, c.dir);
    assert.ok(got.scan === readFileSync(c.scan, 'utf8'), `${c.dir}: scan JSON differs from the CLI's`);
    assert.ok(got.check === readFileSync(c.check, 'utf8'), `${c.dir}: check JSON differs from the CLI's`);
  }
});

test('parsing speed, single vs threaded (PKGLENS_BENCH=1)', async (t) => {
  if (!bench) return t.skip('set PKGLENS_BENCH=1 to time');
  const i = cases.findIndex((c) => c.dir.includes('rez-benchmark'));
  const url = `/corpora/${i}.bin`;
  const rounds = Number(process.env.PKGLENS_BENCH_ROUNDS ?? 7);
  await page.evaluate(() => window.task('threads1', { task: 'init', build: 'threads', threads: 1 }));
  const run = (key) => page.evaluate(([key, url, rounds]) => window.task(key, { task: 'bench', url, rounds }), [key, url, rounds]);
  const single = await run('single');
  const threads = await run('threads');
  const threads1 = await run('threads1');
  const result = { files: single.files, single, threads, threads1, speedup: {} };
  for (const k of ['spin_ms', 'alloc_ms', 'parse_ms', 'records_ms', 'objects_ms']) result.speedup[k] = +(single[k] / threads[k]).toFixed(2);
  console.log(`bench: ${JSON.stringify(result)}`);
  if (process.env.PKGLENS_BENCH_OUT) writeFileSync(process.env.PKGLENS_BENCH_OUT, JSON.stringify(result) + '\n');
});

test('no console errors and no page errors', () => {
  assert.deepEqual(errors, []);
});
