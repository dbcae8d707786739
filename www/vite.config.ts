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

/**
 * Copies the package's runtime files (its entry, the API, both wasm builds and the rayon worker
 * helper) into the build as they are, under `pkglens/`: the worker imports them by URL instead
 * of bundling them (see src/worker.ts). Package folder: node_modules/pkglens (-> ../web/pkg).
 */
function unbundledPackage(): Plugin {
  return {
    name: 'pkglens-unbundled',
    apply: 'build',
    generateBundle() {
      const pkg = realpathSync(join(here, 'node_modules', 'pkglens'));
      for (const path of walk(pkg)) {
        const name = relative(pkg, path).split(sep).join('/');
        if (!/\.(js|wasm)$/.test(name) || name === 'node.js') continue;
        this.emitFile({ type: 'asset', fileName: `pkglens/${name}`, source: readFileSync(path) });
      }
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [sampleSet(), unbundledPackage()],
  // The worker's chunk is in assets/; the package beside it in pkglens/.
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
