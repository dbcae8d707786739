// A micro-benchmark of the ways a worker can read many small files in Chromium, for the choice
// made in src/worker.ts and src/walk.ts (docs/benchmarks.md). Not run by scripts/test-www:
//
//   node www/tests/read-bench.mjs [FOLDER] [ROUNDS]
//
// FOLDER (default: the rez benchmark repository) is given to a page twice: through an
// `<input webkitdirectory>` (Files posted to a worker) and dropped (a directory handle the worker
// walks). Each way of reading gets its own disjoint share of the files (file i goes to way
// i % ways), so no way reads a File another has already read; the shares rotate each round.
// Prints per-file microseconds per way, and the page's long tasks.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT, dropPaths, launch } from './harness.mjs';

const folder = process.argv[2] ?? join(ROOT, '.cache', 'corpora', 'rez-benchmark', 'packages');
const rounds = Number(process.argv[3] ?? 1);

const page = `<!doctype html><meta charset="utf-8"><title>read bench</title>
<input id="dir" type="file" webkitdirectory multiple><div id="drop" style="width:400px;height:200px;border:1px solid">drop</div>
<script type="module">
window.longTasks = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push({ start: Math.round(e.startTime), ms: Math.round(e.duration) }); }).observe({ type: 'longtask', buffered: true });
const worker = new Worker('/worker.js', { type: 'module' });
let answer = null;
worker.onmessage = (e) => answer?.(e.data);
window.ask = (msg, transfer) => new Promise((r) => { answer = r; worker.postMessage(msg, transfer ?? []); });
const input = document.getElementById('dir');
window.changed = null;
input.addEventListener('change', () => { window.changed = performance.now(); });
/** Posts the picked Files to the worker, a few at a time, timing this thread. */
window.postPicked = async (per) => {
  const files = Array.from(input.files);
  const t0 = performance.now();
  let worst = 0;
  for (let i = 0; i < files.length; i += per) {
    const s = performance.now();
    worker.postMessage({ files: files.slice(i, i + per) });
    worst = Math.max(worst, performance.now() - s);
    if (i % (per * 16) === 0) await new Promise((r) => setTimeout(r, 0));
  }
  return { count: files.length, ms: performance.now() - t0, worstPostMs: worst };
};
/** Main-thread costs of fresh Files of the picked folder: reading .size, posting sized ones, posting fresh ones, one Blob of them. */
window.probe = (n) => {
  const files = Array.from(input.files);
  const share = (k) => files.filter((_, i) => i % 4 === k).slice(0, n);
  const out = {};
  let t = performance.now();
  const a = share(0);
  for (const f of a) void f.size;
  out.sizeUs = (1000 * (performance.now() - t)) / n;
  t = performance.now();
  for (let i = 0; i < n; i += 8) worker.postMessage({ probe: a.slice(i, i + 8) });
  out.postSizedUs = (1000 * (performance.now() - t)) / n;
  const b = share(1);
  t = performance.now();
  for (let i = 0; i < n; i += 8) worker.postMessage({ probe: b.slice(i, i + 8) });
  out.postFreshUs = (1000 * (performance.now() - t)) / n;
  const c = share(2);
  t = performance.now();
  const blob = new Blob(c);
  out.blobUs = (1000 * (performance.now() - t)) / n;
  t = performance.now();
  worker.postMessage({ probe: blob });
  out.postBlobMs = performance.now() - t;
  const d = share(3);
  t = performance.now();
  worker.postMessage({ probe: d });
  out.postFreshOneMessageUs = (1000 * (performance.now() - t)) / n;
  return out;
};
/** Posts Blobs of \`per\` Files made on this thread (with the Files, sized), for the worker's 'posted' test. */
window.postBlobs = async (per, every, k) => {
  const files = Array.from(input.files).filter((_, i) => i % every === k);
  const t0 = performance.now();
  for (let i = 0; i < files.length; i += per) {
    const part = files.slice(i, i + per);
    const blob = new Blob(part);
    worker.postMessage({ blob, sizes: part.map((f) => f.size), also: part });
    if (i % (per * 16) === 0) await new Promise((r) => setTimeout(r, 0));
  }
  return { count: files.length, mainUs: (1000 * (performance.now() - t0)) / files.length };
};
window.postSized = async (per, every, k) => {
  const files = Array.from(input.files).filter((_, i) => i % every === k);
  const t0 = performance.now();
  for (let i = 0; i < files.length; i += per) {
    const part = files.slice(i, i + per);
    for (const f of part) void f.size;
    worker.postMessage({ sized: part });
    if (i % (per * 16) === 0) await new Promise((r) => setTimeout(r, 0));
  }
  return { count: files.length, mainUs: (1000 * (performance.now() - t0)) / files.length };
};
/** Posts the picked FileList whole. */
window.postList = () => { const s = performance.now(); worker.postMessage({ list: input.files }); return performance.now() - s; };
document.getElementById('drop').addEventListener('dragover', (e) => e.preventDefault());
document.getElementById('drop').addEventListener('drop', (e) => {
  e.preventDefault();
  window.entry = e.dataTransfer.items[0].webkitGetAsEntry();
  window.dropped = e.dataTransfer.items[0].getAsFileSystemHandle();
});
/** Walks the dropped folder's entries (webkitGetAsEntry) on this thread: one top folder in \`every\`. */
window.walkEntries = async (every) => {
  const readAll = (reader) => new Promise((resolve, reject) => { const out = []; const step = () => reader.readEntries((c) => { if (!c.length) resolve(out); else { out.push(...c); step(); } }, reject); step(); });
  const t = performance.now();
  const top = (await readAll(window.entry.createReader())).filter((_, i) => i % every === 0);
  const files = [];
  const walk = async (entry) => {
    if (entry.isFile) files.push(await new Promise((r, j) => entry.file(r, j)));
    else await Promise.all((await readAll(entry.createReader())).map(walk));
  };
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => { while (next < top.length) await walk(top[next++]); }));
  const walked = performance.now() - t;
  const p = performance.now();
  for (let i = 0; i < files.length; i += 8) worker.postMessage({ probe: files.slice(i, i + 8) });
  return { files: files.length, walkUs: (1000 * walked) / files.length, postUs: (1000 * (performance.now() - p)) / files.length };
};
</script>`;

const worker = `
let files = [];
let blobMs = 0;
const blobs = [];
const sized = [];
let handles = [];
const split = (blobs, joined) => { let at = 0; return blobs.map((b) => { const part = joined.subarray(at, at + b.size); at += b.size; return part; }); };
const ways = {
  // Files of the folder input (posted by the page)
  'file.arrayBuffer, one at a time': async (list) => { for (const f of list) await f.arrayBuffer(); },
  'file.arrayBuffer, 16 at once': async (list) => { let i = 0; await Promise.all(Array.from({ length: 16 }, async () => { while (i < list.length) await list[i++].arrayBuffer(); })); },
  'FileReaderSync, one at a time': async (list) => { const r = new FileReaderSync(); for (const f of list) r.readAsArrayBuffer(f); },
  'Blob of 64, arrayBuffer': (list) => windows(list, 64, 1, (b) => b.arrayBuffer()),
  'Blob of 512, arrayBuffer': (list) => windows(list, 512, 1, (b) => b.arrayBuffer()),
  'Blob of 2048, arrayBuffer': (list) => windows(list, 2048, 1, (b) => b.arrayBuffer()),
  'Blob of 512, arrayBuffer, 3 at once': (list) => windows(list, 512, 3, (b) => b.arrayBuffer()),
  'Blob of 2048, arrayBuffer, 2 at once': (list) => windows(list, 2048, 2, (b) => b.arrayBuffer()),
  'Blob of 512, FileReaderSync': (list) => windows(list, 512, 1, (b) => new FileReaderSync().readAsArrayBuffer(b)),
  'Blob of 512, Response': (list) => windows(list, 512, 1, (b) => new Response(b).arrayBuffer()),
};
async function windows(list, n, parallel, read) {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < list.length) {
      const part = list.slice(next, next += n);
      const tb = performance.now();
      const made = new Blob(part);
      blobMs += performance.now() - tb;
      const joined = new Uint8Array(await read(made));
      const total = part.reduce((s, f) => s + f.size, 0);
      if (joined.length !== total) throw new Error('size mismatch');
      split(part, joined);
    }
  }));
}
const handleWays = {
  'getFile 32 at once, Blob of 512': (list) => openThenRead(list, 32, 512),
  'getFile 128 at once, Blob of 512': (list) => openThenRead(list, 128, 512),
  'getFile 32 at once, each arrayBuffer': async (list) => { let i = 0; await Promise.all(Array.from({ length: 32 }, async () => { while (i < list.length) await (await list[i++].getFile()).arrayBuffer(); })); },
  'getFile 32 at once, FileReaderSync of 512': (list) => openThenRead(list, 32, 512, true),
};
async function openThenRead(list, opening, n, sync) {
  for (let s = 0; s < list.length; s += n) {
    const part = list.slice(s, s + n);
    const out = new Array(part.length);
    let i = 0;
    await Promise.all(Array.from({ length: opening }, async () => { while (i < part.length) { const k = i++; out[k] = await part[k].getFile(); } }));
    const blob = new Blob(out);
    const joined = new Uint8Array(sync ? new FileReaderSync().readAsArrayBuffer(blob) : await blob.arrayBuffer());
    split(out, joined);
  }
}
async function listAll(tops, parallel) {
  const found = [];
  const queue = [...tops];
  let busy = 0;
  await new Promise((resolve) => {
    const pump = () => {
      while (busy < parallel && queue.length) {
        const dir = queue.pop();
        busy++;
        (async () => { for await (const e of dir.values()) (e.kind === 'directory' ? queue : found).push(e); })().finally(() => { busy--; if (!busy && !queue.length) resolve(); else pump(); });
      }
    };
    pump();
  });
  return found;
}
async function listing(root) {
  const tops = [];
  for await (const e of root.values()) if (e.kind === 'directory') tops.push(e);
  const out = {};
  for (const [k, parallel] of [[0, 1], [1, 16], [2, 64]]) {
    const share = tops.filter((_, i) => i % 3 === k);
    const t = performance.now();
    const found = await listAll(share, parallel);
    out[\`list \${parallel} at once\`] = Math.round((1000 * (performance.now() - t)) / found.length);
  }
  return out;
}
async function walk(dir) {
  for await (const entry of dir.values()) {
    if (entry.kind === 'directory') await walk(entry);
    else handles.push(entry);
  }
}
async function run(table, list, round) {
  const names = Object.keys(table);
  const out = {};
  for (let w = 0; w < names.length; w++) {
    const k = (w + round) % names.length;
    const share = list.filter((_, i) => i % names.length === k);
    const t = performance.now();
    blobMs = 0;
    await table[names[w]](share);
    out[names[w]] = Math.round((1000 * (performance.now() - t)) / share.length) + (blobMs ? \` (Blob made: \${Math.round((1000 * blobMs) / share.length)})\` : '');
  }
  return out;
}
onmessage = async ({ data }) => {
  if (data.files) { files.push(...data.files); return; }
  if (data.list) { files = Array.from(data.list); postMessage(files.length); return; }
  if (data.count) { postMessage(files.length); return; }
  if (data.probe) return;
  if (data.blob) { blobs.push(data); return; }
  if (data.sized) { sized.push(...data.sized); return; }
  if (data.readPosted) {
    const t = performance.now(); let n = 0;
    for (let i = 0; i < blobs.length; i += 20) {
      const group = blobs.slice(i, i + 20);
      const joined = new Uint8Array(await new Blob(group.map((g) => g.blob)).arrayBuffer());
      n += group.reduce((s, g) => s + g.sizes.length, 0);
      if (joined.length !== group.reduce((s, g) => s + g.sizes.reduce((a, b) => a + b, 0), 0)) throw new Error('mismatch');
    }
    const out = { blobsReadUs: (1000 * (performance.now() - t)) / n };
    const t2 = performance.now(); blobMs = 0;
    await windows(sized, 512, 1, (b) => b.arrayBuffer());
    out.sizedFilesUs = (1000 * (performance.now() - t2)) / sized.length; out.sizedBlobMadeUs = (1000 * blobMs) / sized.length;
    postMessage(out); return;
  }
  if (data.getFileOnly) {
    const list = handles.filter((_, i) => i % 4 === 0);
    let t = performance.now(); const got = new Array(list.length); let i = 0;
    await Promise.all(Array.from({ length: 32 }, async () => { while (i < list.length) { const k = i++; got[k] = await list[k].getFile(); } }));
    const out = { getFileUs: (1000 * (performance.now() - t)) / list.length };
    t = performance.now();
    for (let s = 0; s < got.length; s += 512) await new Blob(got.slice(s, s + 512)).arrayBuffer();
    out.readUs = (1000 * (performance.now() - t)) / list.length;
    postMessage(out); return;
  }
  if (data.listing) { postMessage(await listing(data.listing)); return; }
  if (data.walk) { const t = performance.now(); handles = []; await walk(data.walk); postMessage({ handles: handles.length, ms: performance.now() - t }); return; }
  if (data.files === undefined && data.run === 'files') postMessage(await run(ways, files, data.round));
  if (data.run === 'handles') postMessage(await run(handleWays, handles, data.round));
};
`;

const server = createServer((req, res) => {
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  if (req.url === '/worker.js') res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(worker);
  else res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(page);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
try {
  const tab = await browser.context.newPage();
  tab.on('pageerror', (e) => console.log('pageerror', e.message));
  tab.on('console', (m) => console.log('console', m.text()));
  await tab.goto(url);
  const t0 = await tab.evaluate(() => performance.now());
  await tab.setInputFiles('#dir', folder, { timeout: 300_000 });
  await tab.waitForFunction(() => window.changed !== null, null, { timeout: 300_000 });
  const changed = await tab.evaluate(() => window.changed);
  console.log(`folder input: change event ${Math.round(changed - t0)} ms after setInputFiles began;`,
    'long tasks:', JSON.stringify(await tab.evaluate((t) => window.longTasks.map((x) => ({ at: x.start - Math.round(t), ms: x.ms })), t0)));
  console.log('main thread, µs per fresh File:', JSON.stringify(await tab.evaluate(() => window.probe(1000))));
  console.log('blobs made on the page:', JSON.stringify(await tab.evaluate(() => window.postBlobs(24, 4, 1))));
  console.log('sized Files posted:', JSON.stringify(await tab.evaluate(() => window.postSized(8, 4, 2))));
  console.log('worker reads of those (µs per file):', JSON.stringify(await tab.evaluate(() => window.ask({ readPosted: 1 }))));
  console.log('posting the Files, 8 a message:', JSON.stringify(await tab.evaluate(() => window.postPicked(8))));
  await tab.evaluate(() => window.ask({ count: 1 }));
  for (let round = 0; round < rounds; round++) {
    console.log(`round ${round} Files (µs per file):`, JSON.stringify(await tab.evaluate((r) => window.ask({ run: 'files', round: r }), round), null, 1));
  }
  await dropPaths(tab, '#drop', [folder]);
  await tab.waitForFunction(() => window.dropped);
  console.log('listing handles (µs per file):', JSON.stringify(await tab.evaluate(async () => window.ask({ listing: await window.dropped }))));
  console.log('entries on the page, one top folder in 3 (µs per file):', JSON.stringify(await tab.evaluate(() => window.walkEntries(3))));
  console.log('walked:', JSON.stringify(await tab.evaluate(async () => window.ask({ walk: await window.dropped }))));
  console.log('handles: getFile, then read (µs per file):', JSON.stringify(await tab.evaluate(() => window.ask({ getFileOnly: 1 }))));
  for (let round = 0; round < rounds; round++) {
    console.log(`round ${round} handles (µs per file):`, JSON.stringify(await tab.evaluate((r) => window.ask({ run: 'handles', round: r }), round), null, 1));
  }
} finally {
  await browser.close();
  server.close();
}
