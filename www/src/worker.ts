/// <reference lib="webworker" />
// The parsing worker: loads pkglens (threaded when the page is cross-origin isolated), reads the
// files it is given in windows, holds the records and the package set, and answers the page's
// questions. Nothing here touches the DOM; the page's thread never waits on the engine.
import type { Pkglens, PackageSet, Record, SetOptions, Graph, StreamInput } from 'pkglens';
import type {
  Control, GraphRequest, InputFile, LinkedProblem, Loaded, Methods, PackageDetails, Ready, Request,
  WorkerEvent,
} from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/**
 * The package's `load`. The dev server serves the package's modules as they are; a production
 * build must not bundle them: wasm-bindgen-rayon's worker helper spawns its own module (fetched
 * from `import.meta.url`) and imports the wasm-bindgen glue by its URL, so both must stay the
 * package's own files. The build copies them to `pkglens/` beside `assets/` (vite.config.ts).
 */
async function loader(): Promise<typeof import('pkglens').load> {
  if (import.meta.env.DEV) return (await import('pkglens')).load;
  const entry = PACKAGE_ENTRY;
  const module = (await import(/* @vite-ignore */ new URL(entry, import.meta.url).href)) as typeof import('pkglens');
  return module.load;
}

let api: Pkglens | null = null;
let ready: Ready | null = null;
let records: Record[] = [];
let set: PackageSet | null = null;
let options: SetOptions = {};
let abort: AbortController | null = null;
let last: Omit<Loaded, 'parseMs' | 'offered' | 'selected' | 'parsed' | 'cancelled'> | null = null;

function post(message: WorkerEvent): void {
  self.postMessage(message);
}

function engine(): Pkglens {
  if (!api) throw new Error('pkglens is not loaded yet');
  return api;
}

function currentSet(): PackageSet {
  if (!set) throw new Error('no package set: load some files first');
  return set;
}

/** Problems, each with the id of the package it concerns (by file and `name version`). */
function linkProblems(s: PackageSet, problems: ReturnType<PackageSet['check']>['problems']) {
  const packages = s.packages();
  const byKey = new Map<string, number>();
  const byPath = new Map<string, number[]>();
  for (const p of packages) {
    byKey.set(`${p.path}\n${p.name} ${p.version}`, p.id);
    const list = byPath.get(p.path);
    if (list) list.push(p.id);
    else byPath.set(p.path, [p.id]);
  }
  const counts = new Array<number>(packages.length).fill(0);
  const linked: LinkedProblem[] = problems.map((problem) => {
    let pkg: number | null = null;
    if (problem.package) {
      pkg = byKey.get(`${problem.path}\n${problem.package}`) ?? null;
      if (pkg === null) {
        const inFile = byPath.get(problem.path);
        if (inFile && inFile.length === 1) pkg = inFile[0];
      }
    }
    if (pkg !== null) counts[pkg]++;
    return { ...problem, pkg };
  });
  return { packages, counts, linked };
}

function rebuild(): NonNullable<typeof last> {
  const started = performance.now();
  set?.free();
  set = new (engine().PackageSet)(records, options);
  const report = set.check();
  const { packages, counts, linked } = linkProblems(set, report.problems);
  last = {
    packages,
    problemCounts: counts,
    problems: linked,
    summary: report.summary,
    scan: engine().summarize(records),
    setMs: performance.now() - started,
    threads: engine().threads(),
  };
  return last;
}

async function parse(files: InputFile[], append: boolean, opts: SetOptions): Promise<Loaded> {
  const pkglens = engine();
  abort?.abort();
  const controller = new AbortController();
  abort = controller;
  const started = performance.now();
  post({ event: 'progress', progress: { done: 0, total: files.length, elapsedMs: 0, phase: 'listing' } });
  // `{ name, bytes: Blob | string }` is a FileInput or a Blob input: say which, for the types.
  const chosen: StreamInput[] = pkglens.selectFiles(files).map(({ name, bytes }) =>
    typeof bytes === 'string' ? { name, bytes } : { name, bytes });
  const total = chosen.length;
  const fresh: Record[] = [];
  let cancelled = false;
  let lastPost = 0;
  try {
    for await (const record of pkglens.parseStream(chosen, { window: 256, signal: controller.signal })) {
      fresh.push(record);
      const now = performance.now();
      if (now - lastPost > 80) {
        lastPost = now;
        post({ event: 'progress', progress: { done: fresh.length, total, elapsedMs: now - started, phase: 'parsing' } });
      }
      if (controller.signal.aborted) break;
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  if (controller.signal.aborted) cancelled = true;
  if (abort === controller) abort = null;
  const parseMs = performance.now() - started;
  post({ event: 'progress', progress: { done: fresh.length, total, elapsedMs: parseMs, phase: 'checking' } });
  records = append ? records.concat(fresh) : fresh;
  options = opts;
  const built = rebuild();
  return { ...built, parseMs, offered: files.length, selected: total, parsed: fresh.length, cancelled };
}

function names(ids: Iterable<number>): { [id: number]: string } {
  const out: { [id: number]: string } = {};
  const packages = last?.packages ?? [];
  for (const id of ids) {
    const p = packages[id];
    if (p) out[id] = `${p.name} ${p.version}`;
  }
  return out;
}

function details(id: number): PackageDetails {
  const s = currentSet();
  if (!last) throw new Error('no package set');
  const pkg = last.packages[id];
  if (!pkg) throw new Error(`no package ${id}`);
  const record = records[pkg.record];
  const requirements = s.requirements(id);
  const dependents = s.dependents(id);
  const ids = new Set<number>();
  for (const r of requirements) for (const p of r.packages) ids.add(p);
  for (const r of dependents) if (r.from !== null) ids.add(r.from);
  return {
    pkg,
    package: record.packages[pkg.index],
    record: { path: record.path, format: record.format, status: record.status, reason: record.reason, error: record.error },
    requirements,
    dependents,
    names: names(ids),
    problems: last.problems.filter((p) => p.pkg === id),
  };
}

/** A package's neighbourhood (its dependencies and its dependents), or the whole set. */
function graph({ root, depth }: GraphRequest): Graph {
  const s = currentSet();
  if (root === null) return s.graph({}).graph;
  const down = s.graph({ roots: [root], depth }).graph;
  const up = s.graph({ roots: [root], depth, reverse: true }).graph;
  const nodes = new Map(down.nodes.map((n) => [n.id, n]));
  for (const n of up.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const edges = new Map(down.edges.map((e) => [`${e.from}\n${e.to}\n${e.requirement}`, e]));
  // Reverse graphs may list edges either way round: keep them as `from` needs `to`.
  for (const e of up.edges) {
    const key = `${e.from}\n${e.to}\n${e.requirement}`;
    if (!edges.has(key)) edges.set(key, e);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()], roots: down.roots, reverse: false };
}

function exportJson(): string {
  const s = currentSet();
  const check = s.check();
  const scan = engine().summarize(records);
  return JSON.stringify({ schema: 'pkglens/1', records, problems: check.problems, summary: { ...scan, check: check.summary } }, null, 2) + '\n';
}

function exportDot({ root, depth }: GraphRequest): string {
  const s = currentSet();
  return root === null ? s.graphDot({}) : s.graphDot({ roots: [root], depth });
}

const methods: { [M in keyof Methods]: (args: Parameters<Methods[M]>[0]) => ReturnType<Methods[M]> | Promise<ReturnType<Methods[M]>> } = {
  async init({ build }) {
    if (ready) return ready;
    const started = performance.now();
    const load = await loader();
    api = await load(build ? { build } : {});
    ready = {
      build: api.build,
      threads: api.threads(),
      fallback: api.fallback ?? null,
      version: api.version(),
      crossOriginIsolated: self.crossOriginIsolated,
      startMs: performance.now() - started,
    };
    return ready;
  },
  parse: ({ files, append, options: opts }) => parse(files, append, opts),
  setOptions({ options: opts }) {
    options = opts;
    const built = rebuild();
    return { ...built, parseMs: 0, offered: 0, selected: records.length, parsed: 0, cancelled: false };
  },
  details: ({ id }) => details(id),
  graph,
  exportJson,
  exportDot,
  clear() {
    records = [];
    set?.free();
    set = null;
    last = null;
    return null;
  },
};

self.onmessage = async (event: MessageEvent<Request | Control>) => {
  const data = event.data;
  if ('control' in data) {
    if (data.control === 'cancel') abort?.abort();
    return;
  }
  const { rid, method, args } = data;
  try {
    const run = methods[method] as (a: unknown) => unknown;
    const value = await run(args);
    post({ rid, ok: true, value });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    post({ rid, ok: false, error: message });
  }
};
