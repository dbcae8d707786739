/// <reference lib="webworker" />
// The parsing worker: loads pkglens (threaded when the page is cross-origin isolated), reads the
// files it is given in windows, holds the records and the package set, and answers the page's
// questions. Nothing here touches the DOM; the page's thread never waits on the engine.
import { neighbourhood } from './neighbourhood';
import type { Pkglens, PackageSet, FileRecord, SetOptions, SetPackage, Graph, StreamInput } from 'pkglens';
import type {
  Control, GraphRequest, InputFile, LinkedProblem, Loaded, Methods, PackageDetails, Ready, Request,
  SlicedLoaded, WorkerEvent,
} from './protocol';
import { fromIndex } from './index-tree';
import { sortPackages, type SortSpec } from './order';
import { readJoined, type ReadItem } from './read';
import { readHandles, walkKeyOrder } from './walk';

declare const self: DedicatedWorkerGlobalScope;

/**
 * The package's `load`, imported by URL: the package's files must be neither bundled nor
 * transformed, because wasm-bindgen-rayon's worker helper spawns its own module (fetched from
 * `import.meta.url`, as a blob) and imports the wasm-bindgen glue by its URL. The dev server
 * serves them as they are and the build copies them, under `pkglens/` (vite.config.ts).
 */
async function loader(): Promise<typeof import('pkglens').load> {
  const entry = PACKAGE_ENTRY;
  const module = (await import(/* @vite-ignore */ new URL(entry, import.meta.url).href)) as typeof import('pkglens');
  return module.load;
}

let api: Pkglens | null = null;
let ready: Ready | null = null;
let records: FileRecord[] = [];
let set: PackageSet | null = null;
let options: SetOptions = {};
let abort: AbortController | null = null;
let last: Omit<Loaded, 'parseMs' | 'offered' | 'selected' | 'parsed' | 'cancelled' | 'order'> | null = null;

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

/** A package as problems name it: `name version`, or `name` alone (core's `PackageSet::label`). */
const label = (p: { name: string; version: string }) => (p.version ? `${p.name} ${p.version}` : p.name);

/** Problems, each with the id of the package it concerns (by file and `name version`). */
function linkProblems(s: PackageSet, problems: ReturnType<PackageSet['check']>['problems']) {
  const packages = s.packages();
  const byKey = new Map<string, number>();
  const byPath = new Map<string, number[]>();
  for (const p of packages) {
    byKey.set(`${p.path}\n${label(p)}`, p.id);
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

/**
 * Checks the set `make` builds (from a builder the load filled, or the current set's records
 * with other options: the records need not cross into wasm again) and makes it the current one.
 */
function rebuild(make: () => PackageSet): NonNullable<typeof last> {
  const started = performance.now();
  const next = make();
  set?.free();
  set = next;
  const built = performance.now();
  const report = set.check();
  const checked = performance.now();
  const { packages, counts, linked } = linkProblems(set, report.problems);
  // The set holds the same records as `records`: core counts them where they are.
  const scan = set.scanSummary();
  last = {
    packages,
    problemCounts: counts,
    problems: linked,
    summary: report.summary,
    scan,
    setMs: performance.now() - started,
    steps: { set: built - started, check: checked - built, link: performance.now() - checked },
    threads: engine().threads(),
  };
  return last;
}

/** Files sent by the page for the parse under way, as they arrive. */
class Inbox {
  items: InputFile[] = [];
  ended = false;
  /** Waiters (several windows wait at once), woken on every arrival. */
  #wake: (() => void)[] = [];
  push(files: InputFile[]): void {
    this.items.push(...files);
    this.#notify();
  }
  end(): void {
    this.ended = true;
    this.#notify();
  }
  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const w of wake) w();
  }
  /** Waits until `count` items arrived or the input ended. */
  async until(count: number): Promise<void> {
    while (this.items.length < count && !this.ended) {
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }
}
let inbox: Inbox | null = null;

/** Rows (and problems) of a checked set per `slice` message. */
const SLICE = 2000;

/**
 * A checked set for the page: sorted here for its table, and its rows, counts and problems sent
 * ahead in slices (see `SlicedLoaded`), so that no one message costs the page's thread more
 * than a few milliseconds to take. This worker keeps the whole arrays in `last`.
 */
function handOver(loaded: Omit<Loaded, 'order'>, sort: SortSpec): SlicedLoaded {
  const started = performance.now();
  const { packages, problemCounts, problems } = loaded;
  const order = { sort, ids: sortPackages(packages, problemCounts, sort).map((p) => p.id) };
  const steps = { ...loaded.steps, sort: performance.now() - started };
  for (let i = 0; i < Math.max(packages.length, problems.length); i += SLICE) {
    post({
      event: 'slice',
      packages: packages.slice(i, i + SLICE),
      problemCounts: problemCounts.slice(i, i + SLICE),
      problems: problems.slice(i, i + SLICE),
    });
  }
  return { ...loaded, steps, packages: [], problemCounts: [], problems: [], order, sliced: true };
}
const READ_WINDOW = 512;
/** Windows read at once: two or three reads in flight hide part of each one's round trips. */
const READS_AT_ONCE = 3;

/**
 * The chosen files as stream inputs, read `READS_AT_ONCE` windows ahead. The files of a window
 * (but wheels, which pkglens reads lazily) are read as one Blob (`readJoined`): in Chromium each
 * read of a File of a picked folder costs round trips to the browser process (2 to 3 ms here),
 * one read of their concatenation 0.3 to 0.5 ms a file.
 */
async function* readAhead(chosen: Inbox, signal: AbortSignal): AsyncGenerator<ReadItem> {
  const reads: Promise<ReadItem[]>[] = [];
  let next = 0;
  const start = () => {
    const from = next;
    next += READ_WINDOW;
    reads.push(chosen.until(from + READ_WINDOW).then(() => readJoined(chosen.items.slice(from, from + READ_WINDOW))));
  };
  for (;;) {
    while (reads.length < READS_AT_ONCE) start();
    const items = await (reads.shift() as Promise<ReadItem[]>);
    if (signal.aborted || items.length === 0) return;
    yield* items;
  }
}

/**
 * Requirements that apply before the set is built (then the set counts them for the target):
 * run requirements and each variant's, not optional extras.
 */
function applying(p: FileRecord['packages'][number]): number {
  const run = p.requires.filter((r) => !r.kind.startsWith('optional:')).length;
  return run + (p.variants ?? []).reduce((n, variant) => n + variant.length, 0);
}

/** Table rows of records not yet in a set, numbered from `first`. */
function rowsOf(batch: FileRecord[], first: number): SetPackage[] {
  const rows: SetPackage[] = [];
  for (const record of batch) {
    record.packages.forEach((p, index) => {
      rows.push({
        id: first + rows.length, ecosystem: p.ecosystem, name: p.name, version: p.version, path: record.path,
        record: -1, index, requires: applying(p), problems: 0,
      });
    });
  }
  return rows;
}

/** What a load reads: files the page sent, or folders the worker walks itself. */
type Source =
  | { kind: 'inbox'; total: number }
  | { kind: 'handles'; roots: FileSystemHandle[] };

/** The OLD side of the diff view: a second set, beside the current one. */
let old: { records: FileRecord[]; set: PackageSet; label: string } | null = null;

function keepOld(list: FileRecord[], label: string, built: PackageSet): { files: number; packages: number } {
  old?.set.free();
  old = { records: list, set: built, label };
  return { files: list.length, packages: old.set.size };
}

/** The current set's records in a set with the current options, or a set of `records`. */
function sameRecords(): PackageSet {
  return set ? set.withOptions(options) : new (engine().PackageSet)(records, options);
}

async function parse(source: Source, append: boolean, opts: SetOptions, sort: SortSpec, into: 'current' | 'old' = 'current'): Promise<Loaded> {
  const pkglens = engine();
  abort?.abort();
  const controller = new AbortController();
  abort = controller;
  const started = performance.now();
  let chosen: Inbox | null = null;
  let total = source.kind === 'inbox' ? source.total : 0;
  let listing = source.kind === 'handles';
  let inputs: AsyncIterable<ReadItem>;
  if (source.kind === 'inbox') {
    chosen = new Inbox();
    inbox = chosen;
    inputs = readAhead(chosen, controller.signal);
  } else {
    inputs = readHandles(source.roots, {
      walk: (place, files, folders, name) => pkglens.walkFolder(place, files, folders, name),
      signal: controller.signal,
      onFound: (found, stillListing) => {
        total = found;
        listing = stillListing;
      },
    });
  }
  let fresh: FileRecord[] = [];
  const paths: string[] = [];
  let reorderMs = 0;
  let cancelled = false;
  let lastPost = 0;
  let lastRows = performance.now();
  let shown = 0;
  let rowCount = append && last ? last.packages.length : 0;
  const named = (async function* () {
    for await (const input of inputs) {
      paths.push((input as { name: string }).name);
      yield input;
    }
  })();
  // The set is built while the files are read: parseStream keeps the records it parses in the
  // builder (they never cross back into wasm), so that after the last file only building and
  // checking remain. A load that adds to the set starts from the current set's records.
  const builder = pkglens.PackageSet.builder(into === 'old' ? options : opts);
  const base = into === 'current' && append && set ? builder.addSet(set).length : 0;
  let failure: unknown = null;
  const alive = setInterval(() => post({ event: 'alive' }), 1000);
  try {
    try {
      // Items that could not be read are error records, which parseStream passes through.
      for await (const record of pkglens.parseStream(named as AsyncIterable<StreamInput>, { window: READ_WINDOW, signal: controller.signal, builder })) {
        fresh.push(record);
        const now = performance.now();
        if (now - lastPost > 80) {
          lastPost = now;
          post({ event: 'progress', progress: { done: fresh.length, total, elapsedMs: now - started, phase: listing ? 'walking' : 'parsing' } });
        }
        // The table fills while the rest is read: new rows at most every 700 ms.
        if (into === 'current' && now - lastRows > 700 && fresh.length > shown) {
          lastRows = now;
          const rows = rowsOf(fresh.slice(shown), rowCount);
          shown = fresh.length;
          rowCount += rows.length;
          self.postMessage({ event: 'rows', rows } satisfies WorkerEvent);
        }
        if (controller.signal.aborted) break;
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
    if (controller.signal.aborted) cancelled = true;
    if (abort === controller) abort = null;
    if (chosen && inbox === chosen) inbox = null;
    const parseMs = performance.now() - started;
    // Stopped early, the builder holds the whole window in flight: keep what was taken.
    builder.truncate(base + fresh.length);
    let order: number[] | undefined;
    if (source.kind === 'handles') {
      // Read in the order files were opened: the records go in the CLI's walk order, in the
      // set too (record `order[i]` of those read is its record `base + i`).
      const reordering = performance.now();
      const keys = paths.map((path) => path.split('/'));
      const walk = fresh.map((_, i) => i).sort((a, b) => walkKeyOrder(keys[a], keys[b]));
      fresh = walk.map((i) => fresh[i]);
      order = Array.from({ length: base }, (_, i) => i).concat(walk.map((i) => base + i));
      reorderMs = performance.now() - reordering;
      total = cancelled ? total : fresh.length;
    }
    post({ event: 'progress', progress: { done: fresh.length, total, elapsedMs: parseMs, phase: 'checking' } });
    if (into === 'old') {
      if (cancelled) throw new Error('cancelled');
      keepOld(fresh, oldLabel, builder.build({ order }));
      return last ? { ...last, parseMs, offered: total, selected: total, parsed: fresh.length, cancelled, order: null } : ({} as Loaded);
    }
    records = append ? records.concat(fresh) : fresh;
    options = opts;
    const built = rebuild(() => builder.build({ order }));
    const steps = { ...built.steps, reorder: reorderMs };
    return handOver({ ...built, steps, parseMs, offered: total, selected: total, parsed: fresh.length, cancelled }, sort);
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    clearInterval(alive);
    try {
      builder.free();
    } catch (err) {
      // After a trap the builder stays borrowed: the trap is the failure to report.
      if (failure === null) throw err; // eslint-disable-line no-unsafe-finally
    }
  }
}

let oldLabel = '';
/** The OLD side of a diff is not shown in a table. */
const NO_SORT: SortSpec = { key: 'name', dir: 1 };

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
function graph({ root, depth, centre }: GraphRequest): Graph {
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
  const whole: Graph = { nodes: [...nodes.values()], edges: [...edges.values()], roots: down.roots, reverse: false };
  if (!centre) return whole;
  // The graph of a name starts from all its versions: keep the one asked for and what it reaches.
  const at = new Set(whole.nodes.filter((n) => whole.roots.includes(n.id) && n.version === centre.version && n.path === centre.path).map((n) => n.id));
  return at.size ? neighbourhood(whole, at, depth ?? 0) : whole;
}

function exportJson(): string {
  const s = currentSet();
  const check = s.check();
  const scan = s.scanSummary();
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
  select: ({ names }) => engine().selectFiles(names.map((name, i) => ({ name, i }))).map((f) => f.i),
  companions: ({ names }) => engine().companionFiles(names.map((name, i) => ({ name, i }))).map((f) => f.i),
  parse: ({ total, append, options: opts, sort }) => parse({ kind: 'inbox', total }, append, opts, sort),
  parseHandles: ({ roots, append, options: opts, sort }) => parse({ kind: 'handles', roots }, append, opts, sort),
  setOptions({ options: opts, sort }) {
    options = opts;
    const built = rebuild(sameRecords);
    return handOver({ ...built, parseMs: 0, offered: 0, selected: records.length, parsed: 0, cancelled: false }, sort);
  },
  details: ({ id }) => details(id),
  graph,
  find: ({ name }) => currentSet().find(name),
  why({ name, limit = 50 }) {
    const report = currentSet().why(name, limit + 1);
    const byLabel = new Map<string, number>();
    for (const p of last?.packages ?? []) if (!byLabel.has(label(p))) byLabel.set(label(p), p.id);
    const chains = report.chains.slice(0, limit).map((chain) => chain.map((step) => ({ label: step, pkg: byLabel.get(step) ?? null })));
    return { name: report.name, present: report.present, chains, limited: report.chains.length > limit };
  },
  async parseOld({ total, label: named }) {
    oldLabel = named;
    await parse({ kind: 'inbox', total }, false, options, NO_SORT, 'old');
    return { files: old?.records.length ?? 0, packages: old?.set.size ?? 0 };
  },
  async parseOldHandles({ roots, label: named }) {
    oldLabel = named;
    await parse({ kind: 'handles', roots }, false, options, NO_SORT, 'old');
    return { files: old?.records.length ?? 0, packages: old?.set.size ?? 0 };
  },
  keepAsOld: ({ label: named }) => keepOld(records, named, sameRecords()),
  diff() {
    if (!old) return null;
    const s = currentSet();
    const ids: { [label: string]: number } = {};
    for (const p of last?.packages ?? []) ids[label(p)] ??= p.id;
    return {
      diff: s.diff(old.set).diff,
      old: { label: old.label, files: old.records.length, packages: old.set.size },
      current: { files: records.length, packages: s.size },
      ids,
    };
  },
  exportJson,
  exportDot,
  async fromIndex({ requirements, indexUrl, options: opts, sort }) {
    abort?.abort();
    const controller = new AbortController();
    abort = controller;
    const started = performance.now();
    const read = await fromIndex(engine(), { requirements, indexUrl, options: opts, signal: controller.signal }, (step) => post({ event: 'index', step }));
    if (abort === controller) abort = null;
    records = read;
    options = opts;
    const built = rebuild(() => new (engine().PackageSet)(records, options));
    const parseMs = performance.now() - started;
    return handOver({ ...built, parseMs, offered: read.length, selected: read.length, parsed: read.length, cancelled: false }, sort);
  },
  clear() {
    records = [];
    set?.free();
    set = null;
    last = null;
    return null;
  },
  resolve({ requests, repos, time, orderers, packageFilter }) {
    return currentSet().resolve(requests, { repos, time, orderers, packageFilter });
  },
  resolveGraph({ requests, repos, time, orderers, packageFilter, syntax }) {
    const s = currentSet();
    const options = { repos, time, orderers, packageFilter };
    return syntax === 'dot' ? s.resolveDot(requests, options) : s.resolveMermaid(requests, options);
  },
};

self.onmessage = async (event: MessageEvent<Request | Control>) => {
  const data = event.data;
  if ('control' in data) {
    if (data.control === 'cancel') {
      abort?.abort();
      inbox?.end();
    } else if (data.control === 'files') inbox?.push(data.files);
    else if (data.control === 'end') inbox?.end();
    return;
  }
  const { rid, method, args } = data;
  try {
    const run = methods[method] as (a: unknown) => unknown;
    const value = await run(args);
    post({ rid, ok: true, value });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // A wasm trap (an abort, memory exhausted past `--max-memory`, a stack overflow) may leave
    // the engine's state half-changed: the page replaces this worker (`fatal`).
    const fatal = err instanceof WebAssembly.RuntimeError;
    post({ rid, ok: false, error: fatal ? `the engine failed (${message})` : message, ...(fatal ? { fatal } : {}) });
  }
};
