// One build of pkglens in a module Worker: loads it, reads packed corpora, parses, times.
import { load } from 'pkglens';

let pkglens;

/** A packed corpus: u32 header length, JSON { count, passedOver, files: [[name, length]...] },
 * then the bytes end to end; the first `count` files are parsed, the others may be included;
 * `passedOver` counts the files the walk passed over. */
async function corpus(url) {
  const buffer = await (await fetch(url)).arrayBuffer();
  const view = new DataView(buffer);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength)));
  let at = 4 + headerLength;
  const all = header.files.map(([name, length]) => {
    const bytes = new Uint8Array(buffer, at, length);
    at += length;
    return { name, bytes };
  });
  return { files: all.slice(0, header.count), includes: all.slice(header.count), passedOver: header.passedOver };
}

const tasks = {
  async init({ build, threads }) {
    pkglens = await load({ build, threads });
    return { build: pkglens.build, threads: pkglens.threads(), isolated: self.crossOriginIsolated, fallback: pkglens.fallback ?? null };
  },
  async scan({ url, options }) {
    const { files, includes, passedOver } = await corpus(url);
    const records = pkglens.parseFiles(files, { includes });
    const set = new pkglens.PackageSet(records, options);
    const check = set.checkJson();
    set.free();
    return { scan: pkglens.scanJson(files, { includes, passedOver }), check, files: files.length };
  },
  /** Every round's time of each measure in `measures` (ms), after a warm-up on 200 files. */
  async bench({ url, rounds, measures }) {
    const { files } = await corpus(url);
    const timed = {
      // A pure computation and small allocations over the pool: its own parallelism (only in
      // a package built with the `bench` feature: `BENCH=1 scripts/build-web`).
      spin_ms: () => pkglens.benchSpin(20000, 20000),
      alloc_ms: () => pkglens.benchAlloc(20000, 100),
      // Packing the files into wasm memory alone: the serial part of every parse below.
      pack_ms: (f) => pkglens.benchPack(f),
      parse_ms: (f) => pkglens.parseSummary(f),
      records_ms: (f) => pkglens.parseFiles(f),
      objects_ms: (f) => pkglens.parseFilesObjects(f),
    };
    const out = { files: files.length };
    if (measures.some((key) => key === 'spin_ms' || key === 'alloc_ms') && !pkglens.benchSpin) {
      throw new Error('spin_ms and alloc_ms need the bench exports: build the package with BENCH=1 scripts/build-web');
    }
    for (const key of measures) {
      const f = timed[key];
      f(files.slice(0, 200)); // warm up
      const times = [];
      for (let i = 0; i < (key === 'spin_ms' || key === 'alloc_ms' ? 1 : rounds); i++) {
        const start = performance.now();
        f(files);
        times.push(+(performance.now() - start).toFixed(1));
      }
      out[key] = times;
    }
    return out;
  },
};

self.onmessage = async ({ data }) => {
  const { id, task, ...args } = data;
  try {
    self.postMessage({ id, result: await tasks[task](args) });
  } catch (err) {
    self.postMessage({ id, error: String(err?.stack ?? err) });
  }
};
