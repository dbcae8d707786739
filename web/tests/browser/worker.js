// One build of pkglens in a module Worker: loads it, reads packed corpora, parses, times.
import { load } from 'pkglens';

let pkglens;

/** A packed corpus: u32 header length, JSON { count, files: [[name, length]...] }, then the
 * bytes end to end; the first `count` files are parsed, the others may be included. */
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
  return { files: all.slice(0, header.count), includes: all.slice(header.count) };
}

const tasks = {
  async init({ build, threads }) {
    pkglens = await load({ build, threads });
    return { build: pkglens.build, threads: pkglens.threads(), isolated: self.crossOriginIsolated, fallback: pkglens.fallback ?? null };
  },
  async scan({ url, options }) {
    const { files, includes } = await corpus(url);
    const records = pkglens.parseFiles(files, { includes });
    const set = new pkglens.PackageSet(records, options);
    const check = set.checkJson();
    set.free();
    return { scan: pkglens.scanJson(files, { includes }), check, files: files.length };
  },
  async bench({ url, rounds }) {
    const { files } = await corpus(url);
    const time = (f) => {
      f(files.slice(0, 200)); // warm up
      const times = [];
      for (let i = 0; i < rounds; i++) {
        const start = performance.now();
        f(files);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      return +times[Math.floor(times.length / 2)].toFixed(1);
    };
    const spin = () => {
      const start = performance.now();
      pkglens.benchSpin(20000, 20000);
      return +(performance.now() - start).toFixed(1);
    };
    spin();
    const alloc = () => {
      const start = performance.now();
      pkglens.benchAlloc(20000, 100);
      return +(performance.now() - start).toFixed(1);
    };
    alloc();
    return {
      spin_ms: spin(),
      alloc_ms: alloc(),
      files: files.length,
      parse_ms: time((f) => pkglens.parseSummary(f)),
      records_ms: time((f) => pkglens.parseFiles(f)),
      objects_ms: time((f) => pkglens.parseFilesObjects(f)),
    };
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
