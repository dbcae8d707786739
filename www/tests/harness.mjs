// Shared by the browser tests: a `vite preview` server of www/dist on a free localhost port
// (with or without the cross-origin isolation headers), Debian's Chromium driven by
// playwright-core, and a page that fails the test on any console error or page error.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const WWW = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = join(WWW, '..');
export const SHOTS = join(ROOT, 'target', 'www-screenshots');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `vite preview` of www/dist (or of `outDir`, another build) on a free port;
 * `isolated: false` serves it without COOP/COEP.
 */
export async function startPreview({ isolated = true, outDir = null } = {}) {
  const port = await freePort();
  const env = { ...process.env };
  if (isolated) delete env.PKGLENS_NO_ISOLATION;
  else env.PKGLENS_NO_ISOLATION = '1';
  const child = spawn(join(WWW, 'node_modules', '.bin', 'vite'),
    ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', ...(outDir ? ['--outDir', outDir] : [])],
    { cwd: WWW, env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited: ${output}`);
    try {
      const response = await fetch(url);
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`vite preview did not answer on ${url}: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Chromium with the flags TOOLCHAIN.md lists, in a fresh profile. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'pkglens-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A new page that records every console error and page error (of the page and its workers);
 * `errors` is checked by the tests.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('worker', (worker) => {
    worker.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`worker console: ${msg.text()}`);
    });
  });
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  // Long tasks on the page's main thread: the page must stay responsive while parsing.
  await page.addInitScript(() => {
    window.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push({ start: Math.round(entry.startTime), ms: Math.round(entry.duration) });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // longtask timing unavailable
    }
  });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.engine, null, { timeout: 30_000 });
  if ((await page.evaluate(() => document.body.dataset.engine)) === 'failed') {
    throw new Error(`the engine failed to start: ${await page.locator('#error').textContent()}`);
  }
  return { page, errors };
}

/**
 * The page of a suite: the built page served cross-origin isolated, Chromium, and the page
 * opened at `query` (`?stall=5000`...); `close()` ends them.
 */
export async function openSession(query = '') {
  const server = await startPreview({ isolated: true });
  const browser = await launch();
  const { page, errors } = await openPage(browser.context, `${server.url}${query}`);
  return {
    page,
    errors,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Waits until the page shows the table of a finished load (the `n`th load of this page). */
export async function waitLoaded(page, n, timeout = 60_000) {
  await page.waitForFunction((count) => window.pkglens.loads >= count && document.body.dataset.state === 'loaded',
    n, { timeout });
  return page.evaluate(() => {
    const { loaded, ready, timeToTableMs } = window.pkglens;
    return {
      ready,
      timeToTableMs,
      packages: loaded.packages.length,
      problems: loaded.problems.length,
      byKind: loaded.summary.by_kind,
      files: loaded.scan.files,
      selected: loaded.selected,
      threads: loaded.threads,
      parseMs: loaded.parseMs,
      problemList: loaded.problems.map(({ kind, package: pkg, requirement, path, line }) => ({ kind, package: pkg, requirement, path, line })),
    };
  });
}

export function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  return page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** `pkglens check --format json` of the release CLI, when it is built, for the page's target. */
export function cliCheck(args, { cwd = ROOT, python = '3.12', platform = 'linux' } = {}) {
  const bin = join(ROOT, 'target', 'release', 'pkglens');
  if (!existsSync(bin)) return null;
  let out;
  try {
    out = execFileSync(bin, ['check', '--format', 'json', '--no-progress', '--target-python', python,
      '--platform', platform, '--machine', 'x86_64', ...args], { cwd, encoding: 'utf8' });
  } catch (err) {
    if (err.status !== 1) throw err; // 1: problems found
    out = err.stdout;
  }
  return JSON.parse(out);
}

export function sortProblems(list) {
  const key = (p) => `${p.kind}\n${p.path}\n${p.package}\n${p.requirement}\n${p.line}`;
  return list.map(({ kind, package: pkg, requirement, path, line }) => ({ kind, package: pkg, requirement, path, line }))
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Drops a folder (or files) of this machine on `selector` as a person would: Chromium's own
 * drag and drop through the DevTools protocol, so the page gets real file system entries and
 * File System Access handles, as from a file manager.
 */
export async function dropPaths(page, selector, paths) {
  // Drag events go to viewport coordinates: the target must be on screen.
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  try {
    for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  } finally {
    await cdp.detach();
  }
}
