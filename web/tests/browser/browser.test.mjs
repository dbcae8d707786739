// The npm package in Debian's Chromium, driven by playwright-core: a page built with Vite, the
// threaded build in a module Worker, on the same corpora as the CLI, byte for byte.
// PKGLENS_BASE: the repository; PKGLENS_CROSS: the cases of the cross-target test (native
// outputs already written); PKGLENS_VITE: vite's CLI. PKGLENS_BENCH=1: time single vs threads.
// PKGLENS_PROFILE=1: CPU profiles of the threaded build's workers while it parses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkglens from 'pkglens';
import { corpus, includes } from './corpus.mjs';
import { profileWorkers } from './profile.mjs';

const base = process.env.PKGLENS_BASE;
const require = createRequire(join(base, 'web/package.json'));
const { chromium } = require('playwright-core');
const cases = JSON.parse(readFileSync(process.env.PKGLENS_CROSS, 'utf8'));
const bench = process.env.PKGLENS_BENCH === '1';
const profiling = process.env.PKGLENS_PROFILE === '1';

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
const debugPort = port + 1000;

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
      '--disable-component-update', '--disable-sync', ...(profiling ? [`--remote-debugging-port=${debugPort}`] : [])],
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

/** The median of numbers. */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : +((s[m - 1] + s[m]) / 2).toFixed(1);
}

// Single, threaded (2 workers) and threaded with 1 worker, interleaved: each repetition runs
// each measure on the three builds one after the other, so that the machine's load (shared
// here) changes as little as possible between the three.
// PKGLENS_BENCH_REPS repetitions (3) of PKGLENS_BENCH_ROUNDS rounds (7); the medians are over
// every round of every repetition, and each repetition's parse ratio is printed too.
test('parsing speed, single vs threaded (PKGLENS_BENCH=1)', async (t) => {
  if (!bench) return t.skip('set PKGLENS_BENCH=1 to time');
  const i = cases.findIndex((c) => c.dir.includes('rez-benchmark'));
  const url = `/corpora/${i}.bin`;
  const rounds = Number(process.env.PKGLENS_BENCH_ROUNDS ?? 7);
  const reps = Number(process.env.PKGLENS_BENCH_REPS ?? 3);
  const measures = (process.env.PKGLENS_BENCH_MEASURES ?? 'spin_ms,alloc_ms,pack_ms,parse_ms,records_ms,objects_ms').split(',');
  await page.evaluate(() => window.task('threads1', { task: 'init', build: 'threads', threads: 1 }));
  const builds = ['single', 'threads', 'threads1'];
  const all = Object.fromEntries(builds.map((b) => [b, Object.fromEntries(measures.map((m) => [m, []]))]));
  const perRep = [];
  let files = 0;
  for (let r = 0; r < reps; r++) {
    const got = Object.fromEntries(builds.map((b) => [b, {}]));
    for (const m of measures) {
      for (const build of builds) {
        const times = await page.evaluate(([key, url, rounds, measures]) => window.task(key, { task: 'bench', url, rounds, measures }),
          [build, url, rounds, [m]]);
        files = times.files;
        got[build][m] = times[m];
        all[build][m].push(...times[m]);
      }
    }
    const rep = {};
    for (const m of measures) rep[m] = builds.map((b) => median(got[b][m]));
    perRep.push(rep);
    console.log(`bench rep ${r + 1}/${reps} (single / threads / threads1, ms): ${JSON.stringify(rep)}`);
  }
  const result = { files, rounds, reps };
  for (const b of builds) result[b] = Object.fromEntries(measures.map((m) => [m, median(all[b][m])]));
  result.speedup = Object.fromEntries(measures.map((m) => [m, +(result.single[m] / result.threads[m]).toFixed(2)]));
  result.perRep = perRep;
  console.log(`bench: ${JSON.stringify(result)}`);
  if (process.env.PKGLENS_BENCH_OUT) writeFileSync(process.env.PKGLENS_BENCH_OUT, JSON.stringify(result) + '\n');
});

// Self time by function on each worker of the threaded build (2 workers) while it parses the
// rez benchmark repository PKGLENS_BENCH_ROUNDS times: where the pool's time goes.
test('CPU profile of the threaded build\'s workers (PKGLENS_PROFILE=1)', async (t) => {
  if (!profiling) return t.skip('set PKGLENS_PROFILE=1 to profile');
  const i = cases.findIndex((c) => c.dir.includes('rez-benchmark'));
  const url = `/corpora/${i}.bin`;
  const rounds = Number(process.env.PKGLENS_BENCH_ROUNDS ?? 7);
  const measures = (process.env.PKGLENS_BENCH_MEASURES ?? 'parse_ms').split(',');
  const { webSocketDebuggerUrl } = await (await fetch(`http://127.0.0.1:${debugPort}/json/version`)).json();
  const { result, profiles } = await profileWorkers(webSocketDebuggerUrl, `127.0.0.1:${port}`,
    () => page.evaluate(([url, rounds, measures]) => window.task('threads', { task: 'bench', url, rounds, measures }), [url, rounds, measures]));
  console.log(`profiled run (ms): ${JSON.stringify(result)}`);
  for (const p of profiles) {
    console.log(`profile of ${p.url}: ${p.total} ms sampled; self time by function:`);
    for (const [name, ms] of p.top.slice(0, Number(process.env.PKGLENS_PROFILE_TOP ?? 25))) console.log(`  ${String(ms).padStart(8)} ms  ${name}`);
  }
});

test('no console errors and no page errors', () => {
  assert.deepEqual(errors, []);
});
