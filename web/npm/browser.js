// Browser entry: `await load()` picks the threaded build when the page is cross-origin
// isolated and shared memory is available, the single-thread build otherwise. Call it from a
// dedicated module Worker: parsing blocks the thread it runs on, and the page must not block.
import { makeApi } from './api.js';

/**
 * How long the thread pool may take to start before the single-thread build is used instead.
 * Starting it takes 70 to 300 ms (TOOLCHAIN.md); a pool whose workers cannot load never
 * answers (under Vite's dev server the blob workers cannot resolve the module import Vite
 * rewrote), and `load()` must not hang on it.
 */
const THREAD_START_MS = 10_000;

function whyNoThreads(threads, forced) {
  if (threads < 2 && !forced) return 'one thread asked for';
  if (!globalThis.crossOriginIsolated) return 'the page is not cross-origin isolated (COOP/COEP headers)';
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available';
  return null;
}

/** `promise`, or a rejection after `ms` milliseconds saying what did not finish. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The threaded build with its pool of `threads` web workers started. */
async function startThreads(threads, timeout) {
  const wasm = await import('./threads/pkglens_web.js');
  // One options object: positional arguments make wasm-bindgen warn of deprecated parameters.
  const { memory } = await wasm.default({});
  await within(wasm.initThreadPool(threads), timeout, 'starting the thread pool');
  return makeApi(wasm, { build: 'threads', memory });
}

/**
 * Loads pkglens. `threads`: how many threads to start (default: navigator.hardwareConcurrency);
 * `build`: force `'single'` or `'threads'`; `threadStartTimeout`: milliseconds the thread pool
 * may take to start (default 10 s) before the single-thread build is used instead. The API
 * tells which build it got in `build`, and why it is single-thread in `fallback`; a threaded
 * build that was possible but failed to start is also a console warning.
 */
export async function load({ threads, build, threadStartTimeout = THREAD_START_MS } = {}) {
  const wanted = threads ?? globalThis.navigator?.hardwareConcurrency ?? 1;
  let fallback = build === 'single' ? 'single-thread build asked for' : whyNoThreads(wanted, build === 'threads');
  if (!fallback) {
    try {
      return await startThreads(wanted, threadStartTimeout);
    } catch (err) {
      if (build === 'threads') throw err;
      fallback = `the threaded build failed to start: ${err?.message ?? err}`;
      console.warn(`pkglens: using the single-thread build: ${fallback}`);
    }
  } else if (build === 'threads') {
    throw new Error(`pkglens: cannot use the threaded build: ${fallback}`);
  }
  const wasm = await import('./single/pkglens_web.js');
  const { memory } = await wasm.default({});
  return Object.freeze({ ...makeApi(wasm, { build: 'single', memory }), fallback });
}
