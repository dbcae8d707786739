// The page only relays: each build runs in its own module Worker, the page never parses.
const workers = {};
let next = 0;
const pending = new Map();

function worker(build) {
  if (!workers[build]) {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.onmessage = ({ data }) => {
      const { id, result, error } = data;
      const p = pending.get(id);
      pending.delete(id);
      if (error) p.reject(new Error(error));
      else p.resolve(result);
    };
    workers[build] = w;
  }
  return workers[build];
}

window.task = (build, message) =>
  new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    worker(build).postMessage({ id, build, ...message });
  });
document.getElementById('status').textContent = 'ready';
