// The API of the npm package over one build of the wasm module. `wasm` is that build's
// wasm-bindgen module, already initialised, and `memory` its WebAssembly.Memory; everything here
// is plain JS around it: packing files into wasm memory, streaming, reading wheels lazily. No
// parsing happens in JS.

import { makeRemote } from './remote.js';

const encoder = new TextEncoder();

/** Bytes of one input: a Uint8Array, an ArrayBuffer, any typed array, or a string (UTF-8). */
function toBytes(bytes, name) {
  if (bytes instanceof Uint8Array) return bytes;
  if (typeof bytes === 'string') return encoder.encode(bytes);
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError(`pkglens: ${name}: expected bytes as a Uint8Array, an ArrayBuffer or a string`);
}

/** The largest staging buffer kept from one batch to the next. */
const KEEP_STAGING = 64 << 20;

/**
 * A packer of `[{ name, bytes }]` into wasm `Batch`es: the names (joined by NUL, UTF-8) and the
 * files' bytes end to end are staged in a plain buffer kept from call to call, then copied into
 * the batch in the wasm memory with one `set` each; the parser reads them there. Measured in
 * Chromium on 18,226 files (docs/benchmarks.md): writing them one by one into the threaded
 * build's shared memory, and encoding the names there character by character (`encodeInto`
 * refuses shared memory), cost about 3.5 and 7 ms, against about 2 and 2 ms through the plain
 * buffer; a fresh buffer per call costs its page faults. The caller frees each batch.
 */
function packer(wasm, memory) {
  let staging = new Uint8Array(0);
  return function pack(files) {
    if (!Array.isArray(files)) throw new TypeError('pkglens: expected an array of { name, bytes }');
    const names = new Array(files.length);
    const parts = new Array(files.length);
    let total = 0;
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      if (file === null || typeof file !== 'object' || typeof file.name !== 'string') {
        throw new TypeError(`pkglens: file ${i}: expected { name: string, bytes }`);
      }
      if (file.name.includes('\0')) throw new TypeError(`pkglens: file ${i}: a name cannot hold NUL`);
      names[i] = file.name;
      parts[i] = toBytes(file.bytes, file.name);
      total += parts[i].byteLength;
    }
    if (total > 0xffffffff) throw new RangeError('pkglens: a batch holds at most 4 GiB: use parseStream');
    const joined = names.join('\0');
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const need = joined.length * 3 + total;
    let stage = staging;
    if (stage.length < need) {
      stage = new Uint8Array(Math.max(need, Math.min(2 * stage.length, KEEP_STAGING)));
      if (stage.length <= KEEP_STAGING) staging = stage;
    }
    const { written } = encoder.encodeInto(joined, stage);
    const ends = new Uint32Array(files.length);
    let at = written;
    for (let i = 0; i < parts.length; i++) {
      stage.set(parts[i], at);
      at += parts[i].byteLength;
      ends[i] = at - written;
    }
    const batch = new wasm.Batch(written, total, files.length);
    try {
      // Views made after the allocation, which may have grown the memory (and replaced its buffer).
      const heap = new Uint8Array(memory.buffer);
      heap.set(stage.subarray(0, written), batch.namesPtr);
      heap.set(stage.subarray(written, at), batch.dataPtr);
      // wasm memory is little-endian, as is every platform browsers and Node run on.
      new Uint32Array(memory.buffer, batch.endsPtr, files.length).set(ends);
    } catch (err) {
      batch.free();
      throw err;
    }
    return batch;
  };
}

/** Frees a wasm object, when the engine still can. */
function freeQuietly(object) {
  try {
    object.free();
  } catch {
    // Still borrowed by a call that trapped: the engine is lost anyway.
  }
}

/** The error record of a file whose batch the engine's memory cannot hold. */
function tooLarge(name, message) {
  return {
    path: name, format: null, status: 'error', error: { kind: 'too_large', message, line: 0, column: 0 },
    packages: [], requirements: [],
  };
}

/** A source's own file name: a File's (its path in a dropped folder), or a `name` it carries. */
function nameOf(source) {
  if (isBlob(source)) return fileName(source) || undefined;
  return typeof source?.name === 'string' ? source.name : undefined;
}

const isWheel = (name) => name.toLowerCase().endsWith('.whl');
const isBlob = (value) => typeof Blob !== 'undefined' && value instanceof Blob;

/** The name a File of a dropped or picked folder goes by: its path inside the folder. */
function fileName(file) {
  return file.webkitRelativePath || file.relativePath || file.name;
}

export function makeApi(wasm, { build, memory }) {
  const pack = packer(wasm, memory);

  /** `parse(batch)` over the files packed into wasm memory; the batch is freed after. */
  function withBatch(files, parse) {
    const batch = pack(files);
    let result;
    try {
      result = parse(batch);
    } catch (err) {
      // After a trap (a WebAssembly.RuntimeError) the batch stays borrowed and cannot be
      // freed: the trap is what the caller must see, not the failed free.
      freeQuietly(batch);
      throw err;
    }
    batch.free();
    return result;
  }

  /**
   * Parses a batch: one record per file, in input order; a bad file is an error record.
   * Requirements files' `-r`/`-c` includes are looked up among `files` and `includes` (files
   * that are only there to be included, such as a `constraints.txt` no walk would choose).
   */
  function parseFiles(files, { includes = [], builder } = {}) {
    const all = includes.length ? files.concat(includes) : files;
    // Records cross as JSON text serialised on the parsing threads: several times faster than
    // building the objects through serde-wasm-bindgen (docs/decisions.md). With a builder, the
    // records also stay in wasm, in it, and never cross back in.
    const inner = builder === undefined ? null : builderOf(builder);
    return JSON.parse(withBatch(all, (batch) => {
      if (!inner) return wasm.parse(batch, files.length, { output: 'json' });
      const text = wasm.parse(batch, files.length, { output: 'json', keep: true });
      inner.takeParsed(batch);
      return text;
    }));
  }

  /**
   * `pkglens scan --format json` over the files, as text (with the CLI's final newline).
   * `passedOver`: what the caller's walk passed over, as `passedOver()` answers it (the summary
   * then lists the files, as `scan -v` does) or as a count (as `scan` does).
   */
  function scanJson(files, { includes = [], passedOver } = {}) {
    const all = includes.length ? files.concat(includes) : files;
    const options = { output: 'scan', passedOver: passedOverOption(passedOver) };
    return withBatch(all, (batch) => wasm.parse(batch, files.length, options)) + '\n';
  }

  /** `passedOver` as the wasm side takes it: a count, or `{ path, reason }` for each file. */
  function passedOverOption(passedOver) {
    if (passedOver === undefined || typeof passedOver === 'number') return passedOver;
    return Array.from(passedOver, ({ path, reason }) => ({ path, reason }));
  }

  /**
   * The files `pkglens scan <root>` passes over among `files` (names, `{ name }` objects or
   * Files of a dropped folder), in walk order, each as `{ file, path, reason }`: what the CLI's
   * summary counts as `passed_over` and `scan -v` lists. Files in folders the walk never
   * enters (`.git`, `node_modules`...) are not among them, as the CLI never sees them.
   */
  function passedOver(files, root = '') {
    const list = Array.from(files);
    const names = list.map((f) => (typeof f === 'string' ? f : isBlob(f) ? fileName(f) : f.name));
    return Array.from(wasm.passedOverPaths(root, names), ([i, reason]) => ({ file: list[i], path: names[i], reason }));
  }

  /**
   * Reads a wheel lazily: its tail, then only the ranges the core asks for (at most two more).
   * `source` is a Blob (a File), or `{ size, read(start, length) }` returning bytes.
   */
  async function readWheel(source, name = nameOf(source)) {
    if (typeof name !== 'string' || name === '') {
      // The wheel's file name is part of what is read (checked against its METADATA); a Blob
      // or a range source has none of its own.
      throw new TypeError('pkglens: readWheel: this source has no file name: pass the wheel\'s file name '
        + '(name-version-tags.whl) as the second argument, as in readWheel(blob, \'idna-3.7-py3-none-any.whl\')');
    }
    const read = isBlob(source)
      ? async (start, length) => new Uint8Array(await source.slice(start, start + length).arrayBuffer())
      : (start, length) => source.read(start, length);
    const reader = new wasm.WheelReader(name, source.size);
    try {
      let range = reader.firstRead();
      for (;;) {
        const step = reader.feed(range.start, toBytes(await read(range.start, range.length), name));
        if (step.record) return step.record;
        range = step.read;
      }
    } finally {
      reader.free();
    }
  }

  /**
   * The stateless form of `readWheel`, for callers that fetch byte ranges themselves (HTTP range
   * requests, a cache): given the wheel's name, its size and the chunks read so far
   * (`[{ start, bytes }]`, in any order, overlapping or not), answers `{ read: { start, length } }`
   * for the next range the wheel needs, or `{ record }` once the chunks hold enough. The first
   * call, with no chunks, asks for the tail; at most three ranges are ever asked for.
   */
  function planWheel(name, size, chunks = []) {
    const held = chunks.map(({ start, bytes }) => ({ start, bytes: toBytes(bytes, name) }));
    const reader = new wasm.WheelReader(name, size);
    try {
      let range = reader.firstRead();
      for (;;) {
        const chunk = held.find((c) => c.start <= range.start && c.start + c.bytes.length >= range.start + range.length);
        if (!chunk) return { read: range };
        const from = range.start - chunk.start;
        const step = reader.feed(range.start, chunk.bytes.subarray(from, from + range.length));
        if (step.record) return { record: step.record };
        range = step.read;
      }
    } finally {
      reader.free();
    }
  }

  /** The record of a wheel from chunks that `planWheel` asked for; throws if one is missing. */
  function finishWheel(name, size, chunks) {
    const step = planWheel(name, size, chunks);
    if (step.record) return step.record;
    throw new Error(`${name}: the chunks do not hold bytes ${step.read.start} to ${step.read.start + step.read.length}`);
  }

  /**
   * One stream item as `{ name, bytes }` or `{ name, record }` (wheels given as Blobs), with
   * the files it brings to be looked up (`includes`: an egg-info's `requires.txt` beside its
   * `PKG-INFO`) read as bytes.
   */
  async function load(item) {
    const loaded = await loadOne(item);
    if (!Array.isArray(item?.includes) || isBlob(item)) return loaded;
    const includes = await Promise.all(item.includes.map(async (file) => (isBlob(file.bytes)
      ? { name: file.name, bytes: new Uint8Array(await file.bytes.arrayBuffer()) }
      : file)));
    return { ...loaded, includes };
  }

  async function loadOne(item) {
    if (isBlob(item)) {
      const name = fileName(item);
      if (isWheel(name)) return { name, record: await readWheel(item, name) };
      return { name, bytes: new Uint8Array(await item.arrayBuffer()) };
    }
    if (item && isBlob(item.bytes)) {
      if (isWheel(item.name)) return { name: item.name, record: await readWheel(item.bytes, item.name) };
      return { name: item.name, bytes: new Uint8Array(await item.bytes.arrayBuffer()) };
    }
    return item;
  }

  /**
   * Parses files from an async (or sync) iterable, yielding records in input order. At most
   * `window` files are held at once: a window is read (Files and Blobs asynchronously, wheels
   * lazily), parsed as one batch on the engine, and yielded, while the next window is read.
   * Requirements files' includes are looked up within the same window, `includes`, and the
   * `includes` an item brings (`{ name, bytes, includes }`: an egg-info's `PKG-INFO` with its
   * `requires.txt`, as `companionFiles` or `walkFolder` name them).
   */
  async function* parseStream(files, { window = 512, signal, includes = [], builder } = {}) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError('pkglens: window must be a positive integer');
    const iterator = (files[Symbol.asyncIterator] ?? files[Symbol.iterator]).call(files);
    const readWindow = async () => {
      const loads = [];
      for (let i = 0; i < window; i++) {
        const next = await iterator.next();
        if (next.done) break;
        loads.push(load(next.value));
      }
      return Promise.all(loads);
    };
    let pending = readWindow();
    for (;;) {
      const batch = await pending;
      if (batch.length === 0) return;
      if (signal?.aborted) throw signal.reason ?? new Error('pkglens: parse cancelled');
      pending = readWindow(); // read the next window while this one is parsed
      const toParse = batch.filter((item) => !item.record);
      const base = builder?.length ?? 0;
      const brought = toParse.flatMap((item) => item.includes ?? []);
      const windowIncludes = brought.length ? includes.concat(brought) : includes;
      let parsed;
      try {
        parsed = toParse.length ? parseFiles(toParse, { includes: windowIncludes, builder }) : [];
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        // The window does not fit in the engine's memory: its files are error records, the
        // stream goes on with the next window.
        const records = batch.map((item) => item.record ?? tooLarge(item.name, err.message));
        if (builder) builderOf(builder).add(records);
        yield* records;
        continue;
      }
      if (builder && toParse.length < batch.length) {
        // Records given as they are go in their places among the parsed ones.
        const at = [];
        const given = [];
        batch.forEach((item, k) => {
          if (item.record) {
            at.push(base + k);
            given.push(item.record);
          }
        });
        builderOf(builder).insertAt(at, given);
      }
      let p = 0;
      for (const item of batch) yield item.record ?? parsed[p++];
    }
  }

  /**
   * One folder of the walk `pkglens scan` makes, for callers that list folders themselves:
   * given its place (from an earlier answer; none for the walk's roots) and the names of its
   * files and folders, the indices of the files read (in walk order) and the place each folder
   * is entered as (null: skipped). The rules are core's, restated nowhere.
   */
  function walkFolder(place, files, folders, name) {
    return wasm.walkFolder(place ?? undefined, Array.from(files), Array.from(folders), name ?? undefined);
  }

  /**
   * The files `pkglens scan <root>` would read among `files` (anything with a `name`, or a
   * File of a dropped folder), in the CLI's walk order: the same folders skipped (`.git`,
   * `node_modules`, a virtual environment but its site-packages...), the same files chosen.
   */
  function selectFiles(files, root = '') {
    const list = Array.from(files);
    const names = list.map((f) => (typeof f === 'string' ? f : isBlob(f) ? fileName(f) : f.name));
    return Array.from(wasm.selectPaths(root, names), (i) => list[i]);
  }

  /**
   * The files `pkglens scan <root>` reads together with another among `files` (an egg-info's
   * `requires.txt`, merged into its `PKG-INFO` as pip does): pass them as `includes` of
   * `parseFiles`, `scanJson` or `parseStream`, beside the files `selectFiles` chose.
   */
  function companionFiles(files, root = '') {
    const list = Array.from(files);
    const names = list.map((f) => (typeof f === 'string' ? f : isBlob(f) ? fileName(f) : f.name));
    return Array.from(wasm.companionPaths(root, names), (i) => list[i]);
  }

  /** Requests as `rez env` takes them: an array, or one string split at spaces. */
  function requestList(requests) {
    if (typeof requests === 'string') return requests.split(/\s+/).filter(Boolean);
    if (!Array.isArray(requests) || !requests.every((r) => typeof r === 'string')) {
      throw new TypeError('pkglens: resolve: expected the requests as an array of strings or one string');
    }
    return requests;
  }

  /**
   * `pkglens resolve --format json` over `files` (a rez repository's files, named by their
   * paths), as text with the CLI's final newline: `repos` are the repositories' folders among
   * the names, searched in order (`['']`: the names start at the repository). A family's files
   * are parsed only when the solver asks for it.
   */
  function resolveJson(requests, { files, ...options } = {}) {
    const list = requestList(requests);
    if (!Array.isArray(files)) throw new TypeError('pkglens: resolve: expected `files`, an array of { name, bytes }');
    return withBatch(files, (batch) => wasm.resolveFiles(batch, list, options)) + '\n';
  }

  /**
   * The resolve of `resolveJson` as its graph's text, `syntax` being `dot` or `mermaid`:
   * exactly what `pkglens resolve --format dot|mermaid` prints (with its final newline).
   */
  function resolveGraph(syntax, requests, { files, ...options } = {}) {
    const list = requestList(requests);
    if (!Array.isArray(files)) throw new TypeError('pkglens: resolve: expected `files`, an array of { name, bytes }');
    return withBatch(files, (batch) => wasm.resolveFilesGraph(batch, list, options, syntax));
  }

  /** The wasm objects behind a PackageSet and a PackageSetBuilder (not part of the API). */
  let setOf;
  let builderOf;
  /** A PackageSet over a wasm set already built. */
  const WRAP = Symbol('wrap');

  /**
   * A package set under construction: records are added while files are still being read, in
   * batches (`add`) or by `parseStream`/`parseFiles` given it as `builder` (the records they
   * parse then stay in wasm), and `build()` makes the set. The set is the one
   * `new PackageSet(records, options)` gives for the same records in the same order; `build`
   * takes an `order` (a permutation of the indices) to build with the records reordered.
   */
  class PackageSetBuilder {
    #inner;
    constructor(options = {}) {
      this.#inner = new wasm.PackageSetBuilder(options);
    }
    static {
      builderOf = (builder) => {
        if (!(builder instanceof PackageSetBuilder)) throw new TypeError('pkglens: builder: expected a PackageSetBuilder');
        return builder.#inner;
      };
    }
    /** The number of records held. */
    get length() { return this.#inner.length; }
    /** Adds records after those held. */
    add(records) {
      this.#inner.add(records);
      return this;
    }
    /** Adds the records of a set, without their leaving wasm. */
    addSet(set) {
      this.#inner.addSet(setOf(set));
      return this;
    }
    /** Keeps the first `length` records only. */
    truncate(length) {
      this.#inner.truncate(length);
      return this;
    }
    /** The set of the records held, in `order` if given; the builder is empty after. */
    build({ order } = {}) {
      const inner = this.#inner.build(order === undefined ? undefined : Uint32Array.from(order));
      return new PackageSet(WRAP, inner);
    }
    free() { this.#inner.free(); }
  }

  /** A package set from records: checks and queries, as the CLI answers them. */
  class PackageSet {
    #inner;
    constructor(records, options = {}) {
      this.#inner = records === WRAP ? options : new wasm.PackageSet(records, options);
    }
    static {
      setOf = (set) => {
        if (!(set instanceof PackageSet)) throw new TypeError('pkglens: expected a PackageSet');
        return set.#inner;
      };
    }
    /** A builder of a set with these options: records go in as they come, `build()` at the end. */
    static builder(options = {}) { return new PackageSetBuilder(options); }
    /** The same records in a new set with other options (they do not leave wasm). */
    withOptions(options = {}) { return new PackageSet(WRAP, this.#inner.withOptions(options)); }
    get size() { return this.#inner.size; }
    check() { return this.#inner.check(); }
    checkJson() { return this.#inner.checkJson() + '\n'; }
    packages() { return this.#inner.packages(); }
    find(name) { return Array.from(this.#inner.find(name)); }
    requirements(id) { return this.#inner.requirements(id); }
    dependents(id) { return this.#inner.dependents(id); }
    graph({ roots = [], reverse = false, depth } = {}) { return this.#inner.graph(roots, reverse, depth); }
    graphDot({ roots = [], reverse = false, depth } = {}) { return this.#inner.graphDot(roots, reverse, depth); }
    graphMermaid({ roots = [], reverse = false, depth } = {}) { return this.#inner.graphMermaid(roots, reverse, depth); }
    why(name, limit) { return this.#inner.why(name, limit); }
    scanSummary() { return this.#inner.scanSummary(); }
    diff(old) { return this.#inner.diff(old.#inner); }
    /** `pkglens resolve --format json` over the set's rez package records, as text. */
    resolveJson(requests, options = {}) { return this.#inner.resolveJson(requestList(requests), options) + '\n'; }
    /** `resolve` over the set's rez package records. */
    resolve(requests, options = {}) { return JSON.parse(this.resolveJson(requests, options)); }
    /** `pkglens resolve --format dot` over the set's rez package records. */
    resolveDot(requests, options = {}) { return this.#inner.resolveGraph(requestList(requests), options, 'dot'); }
    /** `pkglens resolve --format mermaid` over the set's rez package records. */
    resolveMermaid(requests, options = {}) { return this.#inner.resolveGraph(requestList(requests), options, 'mermaid'); }
    free() { this.#inner.free(); }
  }

  const { readWheelUrl, indexTree } = makeRemote(wasm, { readWheel });

  return Object.freeze({
    parseFiles,
    parseStream,
    scanJson,
    selectFiles,
    companionFiles,
    readWheel,
    planWheel,
    finishWheel,
    readWheelUrl,
    indexTree,
    summarize: (records, { passedOver } = {}) => wasm.summarize(records, passedOverOption(passedOver)),
    passedOver,
    walkFolder,
    resolve: (requests, options) => JSON.parse(resolveJson(requests, options)),
    resolveJson,
    resolveDot: (requests, options) => resolveGraph('dot', requests, options),
    resolveMermaid: (requests, options) => resolveGraph('mermaid', requests, options),
    /** Parses and answers only the summary: the parse without building records (benchmarks). */
    parseSummary(files) {
      return withBatch(files, (batch) => wasm.parse(batch, files.length, { output: 'summary' }));
    },
    /** Packs the files into wasm memory and frees them, without parsing (benchmarks). */
    benchPack(files) {
      return withBatch(files, () => files.length);
    },
    /** parseFiles through serde-wasm-bindgen instead of JSON text (for comparison). */
    parseFilesObjects(files) {
      return withBatch(files, (batch) => wasm.parse(batch, files.length, { output: 'records' }));
    },
    // A pure computation and small allocations over the threads (benchmarks: the pool's own
    // parallelism), in a build with the `bench` feature only (`BENCH=1 scripts/build-web`).
    ...(wasm.benchSpin ? {
      benchSpin: (items, work) => wasm.benchSpin(items, work),
      benchAlloc: (items, work) => wasm.benchAlloc(items, work),
    } : {}),
    PackageSet,
    PackageSetBuilder,
    pep440: Object.freeze({ compare: wasm.pep440Compare, satisfies: wasm.pep440Satisfies }),
    rez: Object.freeze({ compare: wasm.rezCompare, satisfies: wasm.rezSatisfies }),
    threads: () => wasm.threads(),
    version: () => wasm.version(),
    schema: wasm.schema(),
    build,
  });
}
