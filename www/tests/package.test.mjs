// The npm package as a stranger uses it: the packed tarball installed into a fresh Vite app
// (the config its README gives), run under the dev server and as a production build, in
// Chromium. `load()` must return under both (the dev server's rewritten imports stop the thread
// pool's blob workers: the single-thread build with a console warning, not a hang); no
// "deprecated parameters" warning from wasm-bindgen; `readWheel(blob)` without a name is a
// clear TypeError and with one reads the wheel; bad target options are rejected.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, WWW, freePort, launch } from './harness.mjs';

const VITE = join(WWW, 'node_modules', 'vite', 'bin', 'vite.js');
const version = JSON.parse(readFileSync(join(ROOT, 'web', 'npm', 'package.json'), 'utf8')).version;
const TARBALL = join(ROOT, 'target', 'npm', `pkglens-${version}.tgz`);

const app = {
  'index.html': '<!doctype html><title>app</title><link rel="icon" href="data:,"><p id="out">starting</p><script type="module" src="/main.js"></script>\n',
  'main.js': `const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => { window.result = data; document.getElementById('out').textContent = 'done'; };
`,
  // The worker does what the package's README shows, then what a stranger gets wrong.
  'worker.js': `import { load } from 'pkglens';
const started = performance.now();
const pkglens = await load({ threadStartTimeout: 4000 });
const loadMs = performance.now() - started;
const records = pkglens.parseFiles([{ name: 'requirements.txt', bytes: 'alpha>=1\\n' }, { name: 'foo/1.0/package.py', bytes: 'name = "foo"\\nversion = "1.0"\\n' }]);
const caught = (f) => { try { f(); return null; } catch (err) { return \`\${err.constructor.name}: \${err.message}\`; } };
const wheel = await (await fetch('/alpha-1.0-py3-none-any.whl')).blob();
let nameless;
try { await pkglens.readWheel(wheel); } catch (err) { nameless = \`\${err.constructor.name}: \${err.message}\`; }
const named = await pkglens.readWheel(wheel, 'alpha-1.0-py3-none-any.whl');
const set = new pkglens.PackageSet(records, { python: '3.9', platform: 'darwin', machine: 'arm64' });
postMessage({
  build: pkglens.build, fallback: pkglens.fallback ?? null, loadMs, threads: pkglens.threads(),
  packages: set.size, checked: set.check().summary !== undefined,
  nameless, named: named.packages.map((p) => \`\${p.name} \${p.version}\`),
  banana: caught(() => new pkglens.PackageSet(records, { python: 'banana' })),
  beos: caught(() => new pkglens.PackageSet(records, { platform: 'beos' })),
  typo: caught(() => new pkglens.PackageSet(records, { pyhton: '3.12' })),
  builder: caught(() => pkglens.PackageSet.builder({ machine: 'vax' })),
});
`,
  'vite.config.js': `const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
export default {
  optimizeDeps: { exclude: ['pkglens'] },
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
  logLevel: 'warn',
};
`,
};

/** A tiny real wheel (zip, deflated METADATA), as Python's zipfile writes one. */
function writeWheel(dir) {
  execFileSync('python3', ['-c', `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("alpha/__init__.py", "")
    z.writestr("alpha-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: alpha\\nVersion: 1.0\\n")
    z.writestr("alpha-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nTag: py3-none-any\\n")
    z.writestr("alpha-1.0.dist-info/RECORD", "")
`, join(dir, 'alpha-1.0-py3-none-any.whl')]);
}

/** Starts `vite <args>` in `cwd` on a free port and waits for it to answer. */
async function serve(cwd, args) {
  const port = await freePort();
  const child = spawn(process.execPath, [VITE, ...args, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite ${args.join(' ')} exited: ${output}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`vite did not answer on ${url}: ${output}`);
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

/** Opens the app; its result and every console message of the page and its workers. */
async function run(context, url) {
  const page = await context.newPage();
  const messages = [];
  const record = (where) => (msg) => messages.push(`${where} ${msg.type()}: ${msg.text()}`);
  page.on('console', record('page'));
  page.on('pageerror', (err) => messages.push(`page error: ${err.message}`));
  page.on('worker', (worker) => worker.on('console', record('worker')));
  await page.goto(url);
  await page.waitForFunction(() => window.result, null, { timeout: 30_000 });
  const result = await page.evaluate(() => window.result);
  await page.close();
  return { result, messages };
}

function checkApi(result) {
  assert.equal(result.packages, 1);
  assert.ok(result.checked);
  assert.match(result.nameless, /^TypeError: pkglens: readWheel: this source has no file name: pass the wheel's file name/);
  assert.deepEqual(result.named, ['alpha 1.0']);
  assert.match(result.banana, /^Error: pkglens: set options: python: "banana": expected a Python version X\.Y or X\.Y\.Z/);
  assert.match(result.beos, /^Error: pkglens: set options: platform: "beos": unknown platform; expected one of: linux, macos/);
  assert.match(result.typo, /^Error: pkglens: set options: unknown field `pyhton`/);
  assert.match(result.builder, /machine: "vax": unknown machine/);
}

describe('the packed package in a fresh Vite app', () => {
  let dir, browser;

  before(async () => {
    assert.ok(existsSync(TARBALL), `${TARBALL}: run scripts/build-web first`);
    dir = mkdtempSync(join(tmpdir(), 'pkglens-vite-app-'));
    writeFileSync(join(dir, 'package.json'), '{ "name": "fresh-app", "private": true, "type": "module" }\n');
    for (const [name, text] of Object.entries(app)) writeFileSync(join(dir, name), text);
    mkdirSync(join(dir, 'public'));
    writeWheel(join(dir, 'public'));
    // The tarball has no dependencies: nothing is fetched.
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', TARBALL], { cwd: dir });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the threads helper initialises its wasm with the options object', () => {
    const snippets = join(dir, 'node_modules', 'pkglens', 'threads', 'snippets');
    const helper = readdirSync(snippets, { recursive: true }).find((f) => f.endsWith('workerHelpers.no-bundler.js'));
    const text = readFileSync(join(snippets, helper), 'utf8');
    assert.ok(!text.includes('pkg.default(data.module, data.memory)'), 'positional arguments make wasm-bindgen warn');
    assert.ok(text.includes('pkg.default({ module_or_path: data.module, memory: data.memory })'));
  });

  test('vite dev server: load() returns (single-thread fallback with a warning), the API works', async () => {
    const server = await serve(dir, []);
    try {
      const { result, messages } = await run(browser.context, server.url);
      checkApi(result);
      if (result.build === 'single') {
        assert.match(result.fallback, /the threaded build failed to start/);
        assert.ok(messages.some((m) => m.includes('warning: pkglens: using the single-thread build')), messages.join('\n'));
        assert.ok(result.loadMs < 15_000);
      }
      assert.ok(!messages.some((m) => /deprecated parameters/.test(m)), messages.join('\n'));
      assert.ok(!messages.some((m) => / error: /.test(m)), messages.join('\n'));
    } finally {
      await server.close();
    }
  });

  test('vite build + preview: the threaded build, no warnings', async () => {
    execFileSync(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: dir, stdio: 'inherit' });
    const server = await serve(dir, ['preview']);
    try {
      const { result, messages } = await run(browser.context, server.url);
      checkApi(result);
      assert.equal(result.build, 'threads', result.fallback);
      assert.ok(result.threads >= 2);
      assert.deepEqual(messages.filter((m) => /warning|error/.test(m)), []);
    } finally {
      await server.close();
    }
  });
});
