// The npm package in Debian's Chromium, driven by playwright-core: a page built with Vite, the
// threaded build in a module Worker, on the same corpora as the CLI, byte for byte.
// PKGLENS_BASE: the repository; PKGLENS_CROSS: the cases of the cross-target test (native
// outputs already written); PKGLENS_VITE: vite's CLI. PKGLENS_BENCH=1: time single vs threads
// (the spin and alloc measures need a package built with `BENCH=1 scripts/build-web`).
// PKGLENS_PROFILE=1: CPU profiles of the threaded build's workers while it parses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkglens from 'pkglens';
import { corpus, includes, passedOver } from './corpus.mjs';
import { profileWorkers } from './profile.mjs';

const base = process.env.PKGLENS_BASE;
const require = createRequire(join(base, 'web/package.json'));
const { chromium } = require('playwright-core');
const cases = JSON.parse(readFileSync(process.env.PKGLENS_CROSS, 'utf8'));
const bench = process.env.PKGLENS_BENCH === '1';
const profiling = process.env.PKGLENS_PROFILE === '1';

/** Packs a corpus (its files, then what they may include) as the page's worker reads it. */
function pack(chosen, others, passedOver) {
  const files = chosen.concat(others);
  const header = new TextEncoder().encode(JSON.stringify({ count: chosen.length, passedOver, files: files.map((f) => [f.name, f.bytes.length]) }));
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
    pack(corpus(pkglens, c.dir, base), includes(pkglens, c.dir, base), passedOver(pkglens, c.dir, base).length)));
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

/** Whether a profiled function is a worker waiting (for work, or for the pool to finish). */
const waiting = (name) => name.startsWith('(idle)') || /Condvar>::wait|futex_wait|atomic_wait/.test(name);

// Where the pool's time goes: V8's sampling profiler on every worker of the page while the
// threaded build parses the rez benchmark repository PKGLENS_BENCH_ROUNDS times with 2 workers,
// then with 1. Per run: the wall time, the busy time summed over the pool's workers (sampled
// time less waiting), and self time by function summed over them; then the functions whose
// summed time grew most from 1 worker to 2 (work that 2 workers do more of, or do slower).
// Names need a build without wasm-opt (PROFILE=dev scripts/build-web).
test('CPU profile of the threaded build\'s workers (PKGLENS_PROFILE=1)', async (t) => {
  if (!profiling) return t.skip('set PKGLENS_PROFILE=1 to profile');
  const i = cases.findIndex((c) => c.dir.includes('rez-benchmark'));
  const url = `/corpora/${i}.bin`;
  const rounds = Number(process.env.PKGLENS_BENCH_ROUNDS ?? 7);
  const top = Number(process.env.PKGLENS_PROFILE_TOP ?? 25);
  await page.evaluate(() => window.task('threads1', { task: 'init', build: 'threads', threads: 1 }));
  const { webSocketDebuggerUrl } = await (await fetch(`http://127.0.0.1:${debugPort}/json/version`)).json();
  // One profiling session over both runs; each build's pool is told apart by its size (the
  // workers a module Worker started: 2 for threads, 1 for threads1).
  const { result, profiles } = await profileWorkers(webSocketDebuggerUrl, `127.0.0.1:${port}`, async () => {
    const run = (build) => page.evaluate(([build, url, rounds]) => window.task(build, { task: 'bench', url, rounds, measures: ['parse_ms'] }), [build, url, rounds]);
    return { threads: await run('threads'), threads1: await run('threads1') };
  });
  const pools = new Map();
  for (const p of profiles.filter((p) => p.url.startsWith('blob:'))) pools.set(p.parent, [...(pools.get(p.parent) ?? []), p]);
  const summed = {};
  const busy = {};
  for (const build of ['threads', 'threads1']) {
    const pool = [...pools.values()].find((ws) => ws.length === (build === 'threads' ? 2 : 1)) ?? [];
    // The calling worker too: it packs the files, and with one worker the parse runs on it.
    const caller = profiles.filter((p) => p.session === pool[0]?.parent);
    const byName = new Map();
    busy[build] = 0;
    for (const p of pool.concat(caller)) {
      for (const [name, ms] of p.top) {
        if (waiting(name)) continue;
        busy[build] += ms;
        byName.set(name, (byName.get(name) ?? 0) + ms);
      }
    }
    summed[build] = byName;
    const times = result[build].parse_ms;
    const wall = times.reduce((a, b) => a + b, 0);
    console.log(`profile ${build}: parse rounds ${JSON.stringify(times)} ms (sum ${wall.toFixed(1)}); busy time over the calling worker and its ${pool.length} pool worker(s): ${busy[build].toFixed(1)} ms; self time:`);
    for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${ms.toFixed(1).padStart(8)} ms ${(100 * ms / busy[build]).toFixed(1).padStart(5)}%  ${name}`);
    }
  }
  // Shares of the busy time, so that time-slicing with other processes (which inflates every
  // function alike) cancels out: a function whose share grows is what 2 workers do more of.
  const names = new Set([...summed.threads.keys(), ...summed.threads1.keys()]);
  const share = (b, n) => (100 * (summed[b].get(n) ?? 0)) / busy[b];
  const grew = [...names].map((n) => [n, share('threads', n) - share('threads1', n)]).sort((a, b) => b[1] - a[1]);
  console.log('profile: share of busy time, 2 workers against 1 (percentage points), largest growth first:');
  for (const [name, pp] of grew.slice(0, top)) {
    console.log(`  ${pp.toFixed(2).padStart(6)}  (${share('threads1', name).toFixed(1)}% -> ${share('threads', name).toFixed(1)}%)  ${name}`);
  }
});

test('no console errors and no page errors', () => {
  assert.deepEqual(errors, []);
});
