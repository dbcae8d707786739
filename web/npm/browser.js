// Browser entry: `await load()` picks the threaded build when the page is cross-origin
// isolated and shared memory is available, the single-thread build otherwise. Call it from a
// dedicated module Worker: parsing blocks the thread it runs on, and the page must not block.
import { makeApi } from './api.js';

function whyNoThreads(threads, forced) {
  if (threads < 2 && !forced) return 'one thread asked for';
  if (!globalThis.crossOriginIsolated) return 'the page is not cross-origin isolated (COOP/COEP headers)';
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available';
  return null;
}

/**
 * Loads pkglens. `threads`: how many threads to start (default: navigator.hardwareConcurrency);
 * `build`: force `'single'` or `'threads'`. The API tells which build it got in `build`, and why
 * it is single-thread in `fallback`.
 */
export async function load({ threads, build } = {}) {
  const wanted = threads ?? globalThis.navigator?.hardwareConcurrency ?? 1;
  let fallback = build === 'single' ? 'single-thread build asked for' : whyNoThreads(wanted, build === 'threads');
  if (!fallback) {
    try {
      const wasm = await import('./threads/pkglens_web.js');
      const { memory } = await wasm.default();
      await wasm.initThreadPool(wanted);
      return makeApi(wasm, { build: 'threads', memory });
    } catch (err) {
      if (build === 'threads') throw err;
      fallback = `the threaded build failed to start: ${err?.message ?? err}`;
    }
  } else if (build === 'threads') {
    throw new Error(`pkglens: cannot use the threaded build: ${fallback}`);
  }
  const wasm = await import('./single/pkglens_web.js');
  const { memory } = await wasm.default();
  return Object.freeze({ ...makeApi(wasm, { build: 'single', memory }), fallback });
}
