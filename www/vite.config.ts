// Vite serves and builds the page. Both `vite` (dev) and `vite preview` send the cross-origin
// isolation headers, so the page gets SharedArrayBuffer and pkglens its threaded build; set
// PKGLENS_NO_ISOLATION=1 to serve without them (the single-thread fallback, as the tests do).
import { cpSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const examples = join(here, '..', 'examples');
const samples = join(here, 'public', 'samples');

const isolation = process.env.PKGLENS_NO_ISOLATION
  ? {}
  : {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Copies the repository's `examples/` into public/samples (not committed) with an index. */
function sampleSet(): Plugin {
  return {
    name: 'pkglens-samples',
    buildStart() {
      rmSync(samples, { recursive: true, force: true });
      const target = join(samples, 'examples');
      mkdirSync(target, { recursive: true });
      cpSync(examples, target, { recursive: true });
      const files = walk(target)
        .map((path) => relative(samples, path).split(sep).join('/'))
        .filter((path) => !path.endsWith('/README.md'));
      writeFileSync(join(samples, 'index.json'), JSON.stringify(files, null, 1) + '\n');
    },
  };
}

/** The package's runtime files (its browser entry, the API, both builds, the rayon helper). */
function packageFiles(): { name: string; path: string }[] {
  const pkg = realpathSync(join(here, 'node_modules', 'pkglens'));
  return walk(pkg)
    .map((path) => ({ name: relative(pkg, path).split(sep).join('/'), path }))
    .filter(({ name }) => /\.(js|wasm)$/.test(name) && name !== 'node.js');
}

/**
 * Serves (dev) or copies (build) the package's runtime files as they are, under `pkglens/`: the
 * worker imports them by URL, neither bundled nor transformed (see src/worker.ts).
 * Package folder: node_modules/pkglens (-> ../web/pkg).
 */
function unbundledPackage(): Plugin {
  return {
    name: 'pkglens-unbundled',
    configureServer(server) {
      server.middlewares.use('/pkglens/', (req, res, next) => {
        const name = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\//, '');
        const file = packageFiles().find((f) => f.name === name);
        if (!file) return next();
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.setHeader('Cache-Control', 'no-cache');
        for (const [key, value] of Object.entries(isolation)) res.setHeader(key, value);
        res.end(readFileSync(file.path));
      });
    },
    generateBundle() {
      const files = packageFiles();
      for (const needed of ['browser.js', 'single/pkglens_web_bg.wasm', 'threads/pkglens_web_bg.wasm']) {
        if (!files.some((f) => f.name === needed)) this.error(`the package lacks ${needed}: run scripts/build-web`);
      }
      for (const { name, path } of files) {
        this.emitFile({ type: 'asset', fileName: `pkglens/${name}`, source: readFileSync(path) });
      }
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [sampleSet(), unbundledPackage()],
  // The worker's chunk is in assets/ (src/ in dev); the package beside it in pkglens/.
  define: { PACKAGE_ENTRY: JSON.stringify('../pkglens/browser.js') },
  server: {
    headers: isolation,
    // The package is linked from ../web/pkg: let the dev server read it.
    fs: { allow: [join(here, '..')] },
  },
  preview: { headers: isolation },
  // Pre-bundling would move the package's modules and break its `new URL(..., import.meta.url)`
  // paths to the wasm files and to wasm-bindgen-rayon's worker helper.
  optimizeDeps: { exclude: ['pkglens'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
});
