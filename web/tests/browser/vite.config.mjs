// The test page, built by Vite as an application would build it, served cross-origin isolated.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default {
  // The package's wasm and worker URLs (new URL(..., import.meta.url)) must survive bundling.
  optimizeDeps: { exclude: ['pkglens'] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  server: { headers: isolation },
  preview: { headers: isolation },
  logLevel: 'warn',
};
