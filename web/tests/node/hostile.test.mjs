// Hostile inputs under Node (issue 17): a malformed or hostile file is an error record in its
// own slot, the other files of its batch are read as usual, and the next batch works. The
// shapes are those the native reliability tests feed the CLI (native/tests/reliability.rs):
// 5,000-deep marker parentheses, 100,000-deep nesting in package.py, TOML and YAML, a zip bomb,
// a lying central directory, a file over the size limit, invalid UTF-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import * as pkglens from 'pkglens';

const { parseFiles, parseStream, PackageSet } = pkglens;
const encoder = new TextEncoder();
const file = (name, text) => ({ name, bytes: typeof text === 'string' ? encoder.encode(text) : text });

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A zip of `members` ({ name, bytes }, deflated), as Python's zipfile writes one: local headers,
 * then the central directory and its end record. `lie(name, entry)` may rewrite a central
 * directory entry after it is written (its DataView, at the entry's start).
 */
function zip(members, lie = () => {}) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, bytes, size = bytes.length } of members) {
    const data = deflateRawSync(bytes);
    const nameBytes = encoder.encode(name);
    const crc = crc32(bytes);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, 8, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, size, true);
    local.setUint16(26, nameBytes.length, true);
    parts.push(new Uint8Array(local.buffer), nameBytes, data);
    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, 0x02014b50, true);
    entry.setUint16(4, 20, true);
    entry.setUint16(6, 20, true);
    entry.setUint16(10, 8, true);
    entry.setUint32(16, crc, true);
    entry.setUint32(20, data.length, true);
    entry.setUint32(24, size, true);
    entry.setUint16(28, nameBytes.length, true);
    entry.setUint32(42, offset, true);
    lie(name, entry);
    central.push(new Uint8Array(entry.buffer), nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const cdSize = central.reduce((n, p) => n + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, members.length, true);
  end.setUint16(10, members.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const METADATA = (name) => `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\n`;
const wheelOf = (name, members) => zip([
  ...members,
  { name: `${name}-1.0.dist-info/WHEEL`, bytes: encoder.encode('Wheel-Version: 1.0\nTag: py3-none-any\n') },
]);

const deepMarker = 'a ; ' + '('.repeat(5000) + 'os_name == "posix"' + ')'.repeat(5000);
const deep = (open, close, n = 100_000) => open.repeat(n) + close.repeat(n);

/** The hostile files, each with what it must be: an error record (of `kind`, when given). */
function hostile() {
  return [
    { input: file('m/deep-1.0.dist-info/METADATA', `${METADATA('deep')}Requires-Dist: ${deepMarker}\n`) },
    { input: file('r/requirements.txt', `${deepMarker}\nflask\n`) },
    { input: file('p/pyproject.toml', `[project]\nname = "p"\nversion = "1"\ndependencies = ['${deepMarker}']\n`) },
    { input: file('rez/deep/1.0/package.py', `name = "deep"\nversion = "1.0"\nrequires = ${deep('[', ']')}\n`) },
    { input: file('rez/deep/2.0/package.py', `name = "deep"\nversion = "2.0"\nx = ${deep('(', ')')}\n`) },
    { input: file('t/pyproject.toml', `[project]\nname = "t"\nversion = "1"\nx = ${deep('[', ']')}\n`) },
    { input: file('t2/pyproject.toml', `[project]\nname = "t"\nversion = "1"\nx = ${deep('{a=', '}')}\n`) },
    { input: file('y/package.yaml', `name: y\nversion: "1"\nrequires: ${deep('[', ']')}\n`) },
    { input: file('y2/package.yaml', `name: y\nversion: "1"\nrequires:\n${Array.from({ length: 20000 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}x\n`) },
    { input: file('l/uv.lock', `version = 1\n\n[[package]]\nname = "q"\nversion = "1.0"\nsource = ${deep('{a=', '}')}\n`) },
    {
      // A zip bomb: 200 MiB of spaces deflate to about 200 KiB; METADATA is read up to a cap.
      input: file('w/bomb-1.0-py3-none-any.whl', wheelOf('bomb', [{
        name: 'bomb-1.0.dist-info/METADATA', bytes: encoder.encode(METADATA('bomb') + ' '.repeat(200 << 20)),
      }])),
    },
    // A central directory that lies: METADATA's local header "is" past the end of the file.
    { input: file('w/liar-1.0-py3-none-any.whl', liar()) },
    {
      // A central directory whose sizes lie: 4 GiB - 1 uncompressed for a few bytes.
      input: file('w/sizes-1.0-py3-none-any.whl', zip([
        { name: 'sizes-1.0.dist-info/METADATA', bytes: encoder.encode(METADATA('sizes')), size: 0xffffffff },
        { name: 'sizes-1.0.dist-info/WHEEL', bytes: encoder.encode('Wheel-Version: 1.0\n') },
      ])),
    },
    { input: file('big/requirements.txt', new Uint8Array((64 << 20) + 1).fill(0x61)) },
    { input: file('u/bad-1.0.dist-info/METADATA', new Uint8Array([...encoder.encode(METADATA('bad')), 0xff, 0xfe, 0x0a])) },
  ];
}

/** A wheel whose central directory says METADATA's local header is past the end of the file. */
function liar() {
  return zip([
    { name: 'liar-1.0.dist-info/METADATA', bytes: encoder.encode(METADATA('liar')) },
    { name: 'liar-1.0.dist-info/WHEEL', bytes: encoder.encode('Wheel-Version: 1.0\n') },
  ], (name, entry) => {
    if (name.endsWith('METADATA')) entry.setUint32(42, 0x7ffffff0, true);
  });
}

const GOOD = [
  file('ok/good-1.0.dist-info/METADATA', `${METADATA('good')}Requires-Dist: idna>=3\n`),
  file('ok/idna-3.7.dist-info/METADATA', METADATA('idna').replace('1.0', '3.7')),
  file('ok/requirements.txt', 'good==1.0\n'),
];

test('every hostile file is an error record in its slot, the others are read, the next batch works', () => {
  const cases = hostile();
  // Hostile files between good ones, in one batch.
  const batch = [GOOD[0], ...cases.map((c) => c.input), GOOD[1], GOOD[2]];
  const started = performance.now();
  const records = parseFiles(batch);
  const took = performance.now() - started;
  assert.equal(records.length, batch.length);
  records.forEach((record, i) => assert.equal(record.path, batch[i].name));
  const middle = records.slice(1, 1 + cases.length);
  for (const record of middle) {
    assert.equal(record.status, 'error', `${record.path}: ${JSON.stringify(record).slice(0, 300)}`);
    assert.ok(record.error.message.length > 0, record.path);
  }
  for (const record of [records[0], ...records.slice(1 + cases.length)]) {
    assert.equal(record.status, 'ok', `${record.path}: ${JSON.stringify(record.error)}`);
  }
  // The deep requirement line is the error; the line after it is still read.
  const reqs = middle[1];
  assert.equal(reqs.error.line, 1, JSON.stringify(reqs.error));
  assert.deepEqual(reqs.requirements.map((r) => r.name), ['flask']);
  assert.equal(middle.at(-2).error.kind, 'too_large', JSON.stringify(middle.at(-2).error));
  assert.equal(middle.at(-1).error.kind, 'encoding');
  assert.ok(took < 60_000, `the hostile batch took ${Math.round(took)} ms`);
  // The next batch, and a set over it, work as if nothing had happened.
  const again = parseFiles(GOOD);
  assert.deepEqual(again.map((r) => r.status), ['ok', 'ok', 'ok']);
  const set = new PackageSet(again, { python: '3.12', platform: 'linux', machine: 'x86_64' });
  assert.deepEqual(set.check().problems, []);
  set.free();
});

test('each hostile file alone, then a good batch: nothing poisons the engine', async () => {
  const cases = hostile();
  for (const { input } of cases) {
    const [record] = parseFiles([input]);
    assert.equal(record.status, 'error', input.name);
    const out = [];
    for await (const r of parseStream([input, ...GOOD], { window: 2 })) out.push(r.status);
    assert.deepEqual(out, ['error', 'ok', 'ok', 'ok'], input.name);
  }
});
