// A package index on 127.0.0.1 for the npm package's network tests (Node and Chromium): the
// fixture and the URL layout of the CLI's own test server (native/tests/remote.rs), so that
// both read the same index. Wheels are zips of stored members (as `zipfile` writes them with
// ZIP_STORED), METADATA first and a large stored module after it in `demo-2.0` (its METADATA is
// not in the 32 KiB tail asked for first); one sdist (setuptools' shape: `name-version/PKG-INFO`
// in a .tar.gz). Paths:
//   /<mode>/simple/<project>/   a project page. Modes: `json` (PEP 691 when asked for, else
//       HTML; PEP 658 hashes), `html` (PEP 503 + 592 + 658/714 attributes, relative links),
//       `plain` (HTML, no metadata files), `norange` (files from a server that ignores Range),
//       `bad` (wrong hashes), `gone` (metadata files offered, not served: 404), `nohash` (HTML,
//       metadata files offered as `data-core-metadata="true"`, PEP 714's form without a hash)
//   /r/<file>  files with Range;  /n/<file>  without;  /m/<file>  Range, no `.metadata` files
// Every answer carries CORS headers and `Cross-Origin-Resource-Policy: cross-origin` (the page
// under test is cross-origin isolated). Run as a script, it prints its base URL and serves until
// killed.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const utf8 = (text) => Buffer.from(text, 'utf8');

/** A zip of stored members. */
export function zip(members) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of members) {
    const nameBytes = utf8(name);
    const header = (central) => {
      const h = Buffer.alloc(central ? 46 : 30);
      let at = 0;
      const u16 = (v) => { h.writeUInt16LE(v, at); at += 2; };
      const u32 = (v) => { h.writeUInt32LE(v >>> 0, at); at += 4; };
      u32(central ? 0x02014b50 : 0x04034b50);
      if (central) u16(20);
      for (const v of [20, 0, 0, 0, 0x21]) u16(v);
      for (const v of [crc32(data), data.length, data.length]) u32(v);
      u16(nameBytes.length);
      u16(0);
      if (central) {
        for (const v of [0, 0, 0]) u16(v);
        u32(0);
        u32(offset);
      }
      return Buffer.concat([h, nameBytes]);
    };
    const local = header(false);
    parts.push(local, data);
    central.push(header(true));
    offset += local.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

/** Bytes that do not compress, deterministic. */
function noise(len) {
  const out = Buffer.alloc(len);
  let state = 0x12345678;
  for (let i = 0; i < len; i++) {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}

/** The METADATA of a package (metadata 2.1, as setuptools writes it). */
export function metadata(name, version, lines = []) {
  return `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${lines.map((l) => `${l}\n`).join('')}\nA description.\n`;
}

/** A wheel: METADATA, `pad` bytes of a stored module, RECORD. */
function wheel(file, meta, pad) {
  const [name, version] = file.replace(/\.whl$/, '').split('-');
  const distInfo = `${name}-${version}.dist-info`;
  return zip([[`${distInfo}/METADATA`, utf8(meta)], ['blob/data.bin', noise(pad)], [`${distInfo}/RECORD`, Buffer.alloc(0)]]);
}

/** A .tar.gz holding one file (a ustar header, the data, padding, two zero blocks). */
function sdist(name, version, pkgInfo) {
  const data = utf8(pkgInfo);
  const header = Buffer.alloc(512);
  header.write(`${name}-${version}/PKG-INFO`, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return gzipSync(Buffer.concat([header, data, pad, Buffer.alloc(1024)]));
}

/** The files of the index: the CLI test server's (native/tests/remote.rs `files()`). */
export function files() {
  const w = (name, meta, pad = 10, extra = {}) => ({ name, bytes: wheel(name, meta, pad), meta, yanked: false, requiresPython: null, ...extra });
  return [
    w('demo-1.0-py3-none-any.whl', metadata('demo', '1.0')),
    w('demo-2.0-py3-none-any.whl', metadata('demo', '2.0', [
      'Requires-Python: >=3.8', 'Provides-Extra: x', 'Requires-Dist: dep>=1',
      'Requires-Dist: winonly; sys_platform == "win32"', 'Requires-Dist: extra-dep; extra == "x"',
    ]), 200_000),
    w('demo-3.0b1-py3-none-any.whl', metadata('demo', '3.0b1')),
    w('dep-1.0-py3-none-any.whl', metadata('dep', '1.0')),
    w('dep-2.0-py3-none-any.whl', metadata('dep', '2.0'), 10, { yanked: true }),
    w('extra_dep-1.0-py3-none-any.whl', metadata('extra-dep', '1.0')),
    w('winonly-1.0-py3-none-any.whl', metadata('winonly', '1.0')),
    w('native-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', metadata('native', '1.0', ['Summary: binary'])),
    w('native-1.0-py3-none-any.whl', metadata('native', '1.0', ['Summary: pure'])),
    w('a-1.0-py3-none-any.whl', metadata('a', '1.0', ['Requires-Dist: c<2'])),
    w('b-1.0-py3-none-any.whl', metadata('b', '1.0', ['Requires-Dist: c>=2'])),
    w('c-1.0-py3-none-any.whl', metadata('c', '1.0')),
    w('c-2.0-py3-none-any.whl', metadata('c', '2.0')),
    w('new-1.0-py3-none-any.whl', metadata('new', '1.0'), 10, { requiresPython: '>=3.99' }),
    { name: 'old-1.0.tar.gz', bytes: sdist('old', '1.0', metadata('old', '1.0', ['Requires-Dist: dep'])), meta: null, yanked: false, requiresPython: null },
  ];
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Range, Accept, Authorization',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Content-Type, ETag',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/** A `Range: bytes=A-B` or `bytes=-N` answer, as a static file server gives it. */
function ranged(bytes, range) {
  const spec = range?.startsWith('bytes=') ? range.slice(6) : null;
  if (spec === null) return [200, {}, bytes];
  const [a, b] = spec.split('-');
  const len = bytes.length;
  const [start, end] = a === '' ? [Math.max(0, len - Number(b)), len - 1] : [Number(a), b === '' ? len - 1 : Math.min(Number(b), len - 1)];
  return [206, { 'Content-Range': `bytes ${start}-${end}/${len}` }, bytes.subarray(start, end + 1)];
}

function indexPage(state, mode, project, accept) {
  const found = state.files.filter((f) => f.name.split('-')[0].replace(/_/g, '-') === project);
  if (!found.length || !['json', 'html', 'plain', 'norange', 'bad', 'gone', 'nohash'].includes(mode)) return [404, {}, utf8('no such project')];
  const fileMode = { norange: 'n', bad: 'n', gone: 'm' }[mode] ?? 'r';
  const hash = (bytes) => (mode === 'bad' ? '0'.repeat(64) : sha256(bytes));
  const withMeta = ['json', 'html', 'bad', 'gone', 'nohash'].includes(mode);
  if (mode === 'json' && accept?.includes('vnd.pypi.simple.v1+json')) {
    const list = found.map((f) => ({
      filename: f.name,
      url: `/${fileMode}/${f.name}`,
      hashes: { sha256: hash(f.bytes) },
      'requires-python': f.requiresPython,
      yanked: f.yanked,
      ...(withMeta && f.meta ? { 'core-metadata': { sha256: hash(utf8(f.meta)) } } : {}),
    }));
    const page = { meta: { 'api-version': '1.1' }, name: project, files: list };
    return [200, { 'Content-Type': 'application/vnd.pypi.simple.v1+json' }, utf8(JSON.stringify(page))];
  }
  let html = '<!DOCTYPE html>\n<html><body><h1>Links</h1>\n';
  for (const f of found) {
    let attrs = '';
    if (f.requiresPython) attrs += ` data-requires-python="${f.requiresPython.replace(/>/g, '&gt;')}"`;
    if (f.yanked) attrs += ' data-yanked=""';
    if (withMeta && f.meta) {
      const value = mode === 'nohash' ? 'true' : `sha256=${hash(utf8(f.meta))}`;
      attrs += ` data-dist-info-metadata="${value}" data-core-metadata="${value}"`;
    }
    html += `<a href="../../../${fileMode}/${f.name}#sha256=${hash(f.bytes)}"${attrs}>${f.name}</a><br/>\n`;
  }
  return [200, { 'Content-Type': 'text/html' }, utf8(`${html}</body></html>\n`)];
}

function route(state, path, headers) {
  const notFound = [404, {}, utf8('not found')];
  const [, mode, ...rest] = decodeURIComponent(path.split('?')[0]).split('/');
  const tail = rest.join('/');
  if (tail.startsWith('simple/')) return indexPage(state, mode, tail.slice(7).replace(/\/$/, ''), headers.accept);
  const isMeta = tail.endsWith('.metadata');
  const file = state.files.find((f) => f.name === (isMeta ? tail.slice(0, -9) : tail));
  if (!file) return notFound;
  if (isMeta && (!file.meta || mode === 'm')) return notFound;
  const bytes = isMeta ? utf8(file.meta) : file.bytes;
  if (mode === 'r' || mode === 'm') return ranged(bytes, headers.range);
  if (mode === 'n') return [200, {}, bytes];
  return notFound;
}

/** Starts the server on 127.0.0.1 (a free port): `{ base, files, log, clear(), close() }`. */
export async function startIndexServer() {
  const state = { files: files(), log: [] };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Allow-Methods': 'GET, HEAD' });
      res.end();
      return;
    }
    const [status, headers, body] = route(state, req.url, req.headers);
    state.log.push({ path: req.url, range: req.headers.range, authorization: req.headers.authorization, status });
    res.writeHead(status, { ...CORS, 'Content-Length': body.length, ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}`,
    files: state.files,
    log: state.log,
    clear() { state.log.length = 0; },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startIndexServer();
  console.log(server.base);
}
