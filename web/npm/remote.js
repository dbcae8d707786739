// Package metadata over HTTP through `fetch`, fewest bytes first, as `pkglens scan URL` and
// `pkglens graph --index-url` read it: the PEP 691 JSON (else PEP 503 HTML) page of a project,
// the PEP 658 metadata file when the index offers one (its hash checked), else the wheel's
// tail and METADATA member by `Range` requests (three at most), else the whole file (a server
// that ignores `Range`), its hash checked. Every decision (which file, which range, the tree's
// walk, the records) is core's through the wasm module; this file only fetches. Credentials in
// URLs are sent as Basic authentication (fetch refuses URLs that hold them) and redacted from
// every record and error.

/** What pip sends: JSON preferred, HTML accepted. */
const ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';
/** Attempts of a request answered 429 or 5xx, or failing on the network. */
const ATTEMPTS = 3;

/** Hex SHA-256 of bytes, by Web Crypto (Node 20 and browsers; http://127.0.0.1 is secure). */
async function sha256(bytes) {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Base64 of UTF-8 text (btoa takes Latin-1 only). */
function base64(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A failure with a status (4xx/5xx) or none (network, hash, size). */
class NetError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** Counts requests and bytes, bounds connections, retries, and keeps credentials out of URLs. */
function client({ fetch: fetchFn = globalThis.fetch, connections = 8, signal } = {}) {
  if (typeof fetchFn !== 'function') throw new TypeError('pkglens: no fetch function: pass { fetch }');
  if (!Number.isInteger(connections) || connections < 1) throw new RangeError('pkglens: connections must be a positive integer');
  const counters = { requests: 0, bytes: 0 };
  let active = 0;
  const waiting = [];
  const acquire = () => (active < connections ? (active++, Promise.resolve()) : new Promise((r) => waiting.push(r)));
  const release = () => {
    const next = waiting.shift();
    if (next) next(); else active--;
  };

  /** One GET; answers `{ status, headers, url, bytes }` with the whole body read. */
  async function once(url, headers) {
    const target = new URL(url);
    const sent = { ...headers };
    if (target.username || target.password) {
      sent.Authorization = `Basic ${base64(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`)}`;
      target.username = '';
      target.password = '';
    }
    target.hash = '';
    counters.requests++;
    const response = await fetchFn(target.href, { headers: sent, signal, redirect: 'follow' });
    const bytes = new Uint8Array(await response.arrayBuffer());
    counters.bytes += bytes.byteLength;
    return { status: response.status, statusText: response.statusText, headers: response.headers, url: response.redirected ? response.url : url, bytes };
  }

  /** A GET retried on 429, 5xx and network failures, with backoff. */
  async function get(url, headers = {}) {
    await acquire();
    try {
      for (let attempt = 1; ; attempt++) {
        let reply;
        try {
          reply = await once(url, headers);
        } catch (err) {
          if (signal?.aborted || attempt >= ATTEMPTS) throw new NetError(`${err?.cause?.message ?? err?.message ?? err}`);
        }
        if (reply && !(reply.status === 429 || reply.status >= 500)) return reply;
        if (reply && attempt >= ATTEMPTS) return reply;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    } finally {
      release();
    }
  }
  return { get, counters, aborted: () => Boolean(signal?.aborted) };
}

/** An answer that is not a success, as the CLI says it (`HTTP 404 Not Found`). */
const statusError = (reply) => new NetError(`HTTP ${reply.status}${reply.statusText ? ` ${reply.statusText}` : ''}`, reply.status);

export function makeRemote(wasm, { readWheel }) {
  const redact = (text) => wasm.redactText(String(text));
  const TAIL = wasm.tailBytes();

  /** An `io` error record of `path`, its message redacted. */
  const failed = (path, format, err) => wasm.ioErrorRecord(path, format, err?.message ?? String(err));

  /** What a URL's records show: the URL redacted, without its fragment. */
  const shownOf = (url) => redact(url.split('#')[0]);

  /** A file fetched whole, its hash checked when one is known. */
  async function whole(http, url, sha) {
    const reply = await http.get(url);
    if (reply.status < 200 || reply.status >= 300) throw statusError(reply);
    if (sha) {
      const got = await sha256(reply.bytes);
      if (got !== sha) throw new NetError(`sha256 mismatch: expected ${sha}, the server sent ${got}`);
    }
    return reply.bytes;
  }

  /** A wheel by range requests (tail, then what core asks for), or whole when Range is ignored. */
  async function wheelByRanges(http, url, shown, sha) {
    const ask = async (range) => {
      const header = range ? `bytes=${range.start}-${range.start + range.length - 1}` : `bytes=-${TAIL}`;
      const reply = await http.get(url, { Range: header });
      if (reply.status === 200) return { whole: reply.bytes };
      if (reply.status !== 206) throw statusError(reply);
      const span = wasm.contentRange(reply.headers.get('content-range') ?? '');
      if (!span) throw new NetError('a 206 answer without a valid Content-Range');
      const [start, end, total] = span;
      const want = range ? [range.start, range.start + range.length] : [Math.max(0, total - TAIL), total];
      if (start !== want[0] || end !== want[1]) {
        throw new NetError(`asked for bytes ${want[0]}..${want[1]}, the server sent ${start}..${end}`);
      }
      if (reply.bytes.byteLength !== end - start) {
        throw new NetError(`the body ended after ${reply.bytes.byteLength} of ${end - start} bytes`);
      }
      return { bytes: reply.bytes, total };
    };
    const fromWhole = async (bytes) => {
      if (sha) {
        const got = await sha256(bytes);
        if (got !== sha) throw new NetError(`sha256 mismatch: expected ${sha}, the server sent ${got}`);
      }
      return readWheel({ size: bytes.byteLength, read: (s, n) => bytes.subarray(s, s + n) }, shown);
    };
    let first;
    try {
      first = await ask(null);
    } catch (err) {
      // A browser refuses a cross-origin `Range: bytes=-N` whose preflight the server does not
      // answer (the suffix form is not a CORS-safelisted range): fetch fails with no status.
      // One plain GET of the whole file instead; it fails the same way if the network is down.
      if (err.status !== undefined || http.aborted()) throw err;
      const reply = await http.get(url);
      if (reply.status < 200 || reply.status >= 300) throw statusError(reply);
      return fromWhole(reply.bytes);
    }
    if (first.whole) return fromWhole(first.whole);
    const reader = wasm.WheelReader.overHttp(shown, first.total);
    try {
      let range = reader.firstRead();
      if (range.length !== first.bytes.byteLength) {
        throw new NetError(`the server sent ${first.bytes.byteLength} bytes of the last ${range.length}`);
      }
      let bytes = first.bytes;
      for (;;) {
        const step = reader.feed(range.start, bytes);
        if (step.record) return step.record;
        range = step.read;
        const next = await ask(range);
        if (next.whole) return fromWhole(next.whole);
        if (next.total !== first.total) throw new NetError('the file changed size between two requests');
        bytes = next.bytes;
      }
    } finally {
      reader.free();
    }
  }

  /** The record of a wheel URL or a PEP 658 metadata URL; never throws: failures are records. */
  async function readUrlWith(http, url, sha = wasm.urlSha256(url)) {
    const shown = shownOf(url);
    try {
      if (wasm.isMetadataUrl(url)) {
        return wasm.metadataRecord(shown, wasm.metadataWheel(shown), await whole(http, url, sha));
      }
      return await wheelByRanges(http, url, shown, sha);
    } catch (err) {
      if (http.aborted()) throw err;
      return failed(shown, 'wheel', err);
    }
  }

  /**
   * The record of a wheel at `url` (or of a PEP 658 `<wheel>.metadata` URL), the same as the
   * local wheel's but for its path (the URL, credentials redacted). A `#sha256=` fragment is
   * checked whenever the whole file comes. `options`: `fetch` (default globalThis.fetch),
   * `signal`. Network failures are `io` error records.
   */
  async function readWheelUrl(url, options = {}) {
    return readUrlWith(client(options), String(url));
  }

  /** The record of the file pip picked: metadata file, else wheel ranges, else the sdist. */
  async function readPick(http, pick) {
    const { file } = pick;
    const shown = shownOf(file.url);
    if (pick.sdist) {
      try {
        return wasm.sdistRecord(shown, await whole(http, file.url, file.sha256 ?? undefined));
      } catch (err) {
        return failed(shown, 'sdist', err);
      }
    }
    // `metadata` is absent when no file is offered, null when one is offered without a hash.
    if (file.metadata !== undefined) {
      try {
        const bytes = await whole(http, `${file.url}.metadata`, file.metadata ?? undefined);
        return wasm.metadataRecord(shown, file.filename, bytes);
      } catch (err) {
        // A metadata file the index offers but does not serve: read the wheel instead. A wrong
        // hash or the network: said, not worked around.
        if (!(err.status >= 400 && err.status < 500)) return failed(shown, 'wheel', err);
      }
    }
    return readUrlWith(http, file.url, file.sha256 ?? undefined);
  }

  /**
   * The dependency tree of `requirements` (strings, or requirements.txt text) on an index:
   * what `pkglens graph --index-url URL REQUIREMENT...` reads. The walk is core's: serial,
   * depth first, the newest match per name kept (no backtracking: a conflict is a problem of
   * the check, not solved), extras and markers followed for the target. Every package the
   * walk will need soon is fetched at once, at most `connections` requests at a time.
   * `onProgress({ visited, requests, bytes, wanted, record })` is called after each package.
   * Answers `{ records, graph, check, requests, bytes }`: the records (the roots' first), and
   * `graph --format json` and `check --format json` of them for the target.
   */
  async function indexTree(requirements, options = {}) {
    const {
      indexUrl = 'https://pypi.org/simple', python, platform, machine, onProgress, ahead = 64,
    } = options;
    const text = Array.isArray(requirements) ? requirements.join('\n') : String(requirements);
    const target = { python, platform, machine };
    const http = client(options);
    const base = indexUrl.endsWith('/') ? indexUrl : `${indexUrl}/`;
    const tree = new wasm.IndexTree(text, target);
    try {
      const pages = new Map();
      const files = (name) => {
        if (!pages.has(name)) pages.set(name, projectFiles(http, base, name));
        return pages.get(name);
      };
      const reads = new Map();
      const load = async (wanted) => {
        // `name @ url`: a wheel is read from its URL; anything else is reported, never built.
        if (wanted.url) return wasm.directUrlRecord(wanted.url) ?? readUrlWith(http, wanted.url);
        const page = await files(wanted.name);
        if (page.error) return page.error;
        const pick = wasm.pickFile(page.files, wanted.name, wanted.spec, target);
        if (pick === undefined) return null;
        const key = `${pick.file.url}#${pick.file.sha256 ?? ''}`;
        if (!reads.has(key)) reads.set(key, readPick(http, pick));
        return reads.get(key);
      };
      const started = new Map();
      const keyOf = (w) => JSON.stringify([w.name, w.spec, w.extras, w.url ?? null]);
      const start = (w) => {
        const key = keyOf(w);
        if (!started.has(key)) started.set(key, load(w));
        return started.get(key);
      };
      let visited = 0;
      for (let wanted = tree.next(); wanted !== undefined; wanted = tree.next()) {
        const found = start(wanted);
        for (const soon of tree.upcoming(ahead)) start(soon);
        const record = await found;
        started.delete(keyOf(wanted));
        options.signal?.throwIfAborted?.();
        tree.feed(wanted, record);
        visited++;
        onProgress?.({ visited, requests: http.counters.requests, bytes: http.counters.bytes, wanted, record });
      }
      const records = tree.records();
      const set = new wasm.PackageSet(records, target);
      try {
        return {
          records,
          graph: set.graph([], false, undefined),
          check: set.check(),
          requests: http.counters.requests,
          bytes: http.counters.bytes,
        };
      } finally {
        set.free();
      }
    } finally {
      tree.free();
    }
  }

  /**
   * A project's files on the index, or `{ error }`: the error record of its page. `name` is
   * normalised already (core's `Wanted`).
   */
  async function projectFiles(http, base, name) {
    const url = `${base}${name}/`;
    try {
      const reply = await http.get(url, { Accept: ACCEPT });
      if (reply.status === 404) throw new NetError(`no project named ${name} on ${redact(base)}`);
      if (reply.status < 200 || reply.status >= 300) throw statusError(reply);
      const json = (reply.headers.get('content-type') ?? '').includes('json');
      const body = new TextDecoder().decode(reply.bytes);
      return { files: wasm.indexFiles(reply.url, body, json) };
    } catch (err) {
      return { error: failed(redact(`${base.replace(/\/$/, '')}/${name}/`), null, err) };
    }
  }

  return { readWheelUrl, indexTree };
}
