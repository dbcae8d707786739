// The npm package over HTTP under Node, against a package index on 127.0.0.1
// (index-server.mjs: the CLI test server's fixture and layout). Records read by URL are
// compared with the same wheel parsed from its bytes; trees from the index with the native
// CLI's `graph --index-url` and `check --index-url` on the same server (PKGLENS_BIN, when set).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as pkglens from 'pkglens';
import { startIndexServer } from './index-server.mjs';

const { readWheelUrl, indexTree, parseFiles } = pkglens;
const TARGET = { python: '3.12', platform: 'linux', machine: 'x86_64' };
let server;

before(async () => { server = await startIndexServer(); });
after(() => server.close());

const fileOf = (name) => server.files.find((f) => f.name === name);
/** The record of a fixture wheel parsed from its bytes, as `scan` of the local file gives it. */
const local = (name) => parseFiles([{ name, bytes: fileOf(name).bytes }])[0];
const withoutPath = (record) => ({ ...record, path: undefined });
const sha256 = async (bytes) => Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');

test('a wheel URL is read by ranges (tail, METADATA) as the local wheel', async () => {
  const name = 'demo-2.0-py3-none-any.whl';
  server.clear();
  const record = await readWheelUrl(`${server.base}/r/${name}`);
  assert.equal(record.path, `${server.base}/r/${name}`);
  assert.deepEqual(withoutPath(record), withoutPath(local(name)));
  const requests = server.log.filter((r) => r.path.endsWith(name));
  assert.ok(requests.length >= 2 && requests.length <= 3, `${requests.length} requests`);
  assert.ok(requests.every((r) => r.status === 206 && r.range?.startsWith('bytes=')));
  assert.equal(requests[0].range, 'bytes=-32768');
});

test('a small wheel needs one request: its tail holds it all', async () => {
  const name = 'dep-1.0-py3-none-any.whl';
  server.clear();
  assert.deepEqual(withoutPath(await readWheelUrl(`${server.base}/r/${name}`)), withoutPath(local(name)));
  assert.equal(server.log.length, 1);
});

test('a server that ignores Range gives the whole file, its #sha256= checked', async () => {
  const name = 'demo-2.0-py3-none-any.whl';
  const hash = await sha256(fileOf(name).bytes);
  server.clear();
  const record = await readWheelUrl(`${server.base}/n/${name}#sha256=${hash}`);
  assert.equal(record.status, 'ok');
  assert.deepEqual(withoutPath(record), withoutPath(local(name)));
  assert.equal(server.log.length, 1);
  const wrong = await readWheelUrl(`${server.base}/n/${name}#sha256=${'0'.repeat(64)}`);
  assert.equal(wrong.status, 'error');
  assert.equal(wrong.error.kind, 'io');
  assert.match(wrong.error.message, /sha256 mismatch: expected 0{64}, the server sent [0-9a-f]{64}/);
  assert.equal(wrong.path, `${server.base}/n/${name}`);
});

test('a PEP 658 metadata URL reads as its wheel', async () => {
  const name = 'demo-2.0-py3-none-any.whl';
  const record = await readWheelUrl(`${server.base}/r/${name}.metadata`);
  assert.equal(record.status, 'ok');
  assert.deepEqual(record.packages, local(name).packages);
});

test('a 404 is an io error record, and a failing fetch is one too', async () => {
  const record = await readWheelUrl(`${server.base}/r/nothing-1.0-py3-none-any.whl`);
  assert.equal(record.status, 'error');
  assert.equal(record.error.kind, 'io');
  assert.match(record.error.message, /^HTTP 404/);
  const refused = await readWheelUrl('http://127.0.0.1:9/x-1.0-py3-none-any.whl', {
    fetch: async () => { throw new TypeError('fetch failed'); },
  });
  assert.equal(refused.status, 'error');
  assert.match(refused.error.message, /fetch failed/);
});

test('credentials are sent as Basic authentication and never shown', async () => {
  const url = new URL(`${server.base}/r/nothing-1.0-py3-none-any.whl`);
  url.username = 'user';
  url.password = 's3cret';
  server.clear();
  const record = await readWheelUrl(url.href);
  assert.equal(server.log[0].authorization, `Basic ${Buffer.from('user:s3cret').toString('base64')}`);
  assert.doesNotMatch(JSON.stringify(record), /s3cret/);
  assert.match(record.path, /user:\*\*\*\*@/);
  const tree = await indexTree(['nothing-here'], { indexUrl: `http://user:s3cret@${url.host}/json/simple`, ...TARGET });
  assert.doesNotMatch(JSON.stringify(tree), /s3cret/);
  assert.match(tree.records[1].error.message, /no project named nothing-here/);
});

test('a Range request the network refuses (a browser\'s failed CORS preflight) falls back to one whole GET', async () => {
  const name = 'demo-2.0-py3-none-any.whl';
  const hash = await sha256(fileOf(name).bytes);
  const seen = [];
  const record = await readWheelUrl(`${server.base}/r/${name}#sha256=${hash}`, {
    fetch: async (url, init) => {
      seen.push(init.headers.Range ?? 'whole');
      if (init.headers.Range) throw new TypeError('Failed to fetch');
      return fetch(url, init);
    },
  });
  assert.deepEqual(withoutPath(record), withoutPath(local(name)));
  // The refused request is tried as every failing request is (three attempts), then one GET.
  assert.deepEqual(seen, ['bytes=-32768', 'bytes=-32768', 'bytes=-32768', 'whole']);
});

test('a pluggable fetch sees every request', async () => {
  const seen = [];
  const record = await readWheelUrl(`${server.base}/r/dep-1.0-py3-none-any.whl`, {
    fetch: (url, init) => { seen.push([url, init.headers.Range]); return fetch(url, init); },
  });
  assert.equal(record.status, 'ok');
  assert.deepEqual(seen, [[`${server.base}/r/dep-1.0-py3-none-any.whl`, 'bytes=-32768']]);
});

/** `name==version` of each package record of a tree, in walk order. */
const picks = (tree) => tree.records.slice(1).map((r) => (r.packages[0] ? `${r.packages[0].name}==${r.packages[0].version}` : `error ${r.error.message}`));

test('the tree from an index is the same whatever the page and the server', async () => {
  const roots = ['demo[x]', 'native', 'old'];
  const expected = ['demo==2.0', 'dep==1.0', 'extra-dep==1.0', 'native==1.0', 'old==1.0'];
  for (const mode of ['json', 'html', 'plain', 'norange', 'gone', 'nohash']) {
    const progress = [];
    const tree = await indexTree(roots, { indexUrl: `${server.base}/${mode}/simple`, ...TARGET, onProgress: (p) => progress.push(p) });
    assert.deepEqual(picks(tree), expected, mode);
    // The binary wheel is picked over the pure one on its platform; the sdist is marked dynamic.
    assert.equal(tree.records.find((r) => r.packages[0]?.name === 'native').packages[0].summary, 'binary');
    assert.equal(tree.records.find((r) => r.packages[0]?.name === 'old').status, 'dynamic');
    assert.equal(progress.length, 6, mode);
    assert.ok(progress.every((p, i) => p.visited === i + 1 && p.requests > 0));
  }
});

test('metadata files are read when offered, with a hash or without: no wheel is touched', async () => {
  for (const mode of ['json', 'html', 'nohash']) {
    server.clear();
    const tree = await indexTree(['demo[x]'], { indexUrl: `${server.base}/${mode}/simple`, ...TARGET });
    assert.deepEqual(picks(tree), ['demo==2.0', 'dep==1.0', 'extra-dep==1.0'], mode);
    const fileRequests = server.log.filter((r) => !r.path.includes('/simple/'));
    assert.ok(fileRequests.length > 0 && fileRequests.every((r) => r.path.endsWith('.metadata')), `${mode}: ${JSON.stringify(fileRequests)}`);
  }
});

test('a wrong hash on the index is an error record of that package', async () => {
  const tree = await indexTree(['demo', 'old'], { indexUrl: `${server.base}/bad/simple`, ...TARGET });
  const errors = tree.records.filter((r) => r.status === 'error');
  assert.equal(errors.length, 2);
  for (const record of errors) assert.match(record.error.message, /sha256 mismatch/);
});

test('no backtracking: a conflict is reported by the check, not solved', async () => {
  const tree = await indexTree(['a', 'b'], { indexUrl: `${server.base}/json/simple`, ...TARGET });
  assert.deepEqual(picks(tree), ['a==1.0', 'c==1.0', 'b==1.0']);
  const kinds = tree.check.problems.map((p) => p.kind);
  assert.ok(kinds.includes('unsatisfied') || kinds.includes('conflict'), JSON.stringify(kinds));
});

test('name @ url: a wheel is read from its URL, any other URL is an unsupported record, never fetched', async () => {
  const pinned = `c @ ${server.base}/r/c-1.0-py3-none-any.whl`;
  const tree = await indexTree([pinned, 'a', 'vcs @ git+https://example.invalid/vcs.git@v1'], { indexUrl: `${server.base}/json/simple`, ...TARGET });
  assert.deepEqual(picks(tree).slice(0, 2), ['c==1.0', 'a==1.0']);
  assert.equal(tree.records.length, 4);
  const vcs = tree.records.find((r) => r.status === 'error');
  assert.equal(vcs.error.kind, 'unsupported');
  assert.match(vcs.path, /example\.invalid/);
  // c's record is the URL's file (a, asking for c<2 from the index, keeps that pick).
  assert.match(tree.records.find((r) => r.packages[0]?.name === 'c').path, /\/r\/c-1\.0-py3-none-any\.whl$/);
});

test('a project missing from the index is an error record; a bad requirement throws', async () => {
  const tree = await indexTree('nothing-here\n', { indexUrl: `${server.base}/json/simple`, ...TARGET });
  assert.equal(tree.records[1].status, 'error');
  assert.equal(tree.records[1].path, `${server.base}/json/simple/nothing-here/`);
  await assert.rejects(indexTree(['demo>='], { indexUrl: `${server.base}/json/simple` }), /requirement/);
});

const BIN = process.env.PKGLENS_BIN;
test('graph and check JSON are the native CLI\'s on the same server', { skip: !BIN && 'PKGLENS_BIN not set' }, async () => {
  for (const [mode, roots] of [['json', ['demo[x]', 'native', 'old']], ['html', ['a', 'b', 'new']], ['norange', ['demo']], ['nohash', ['demo[x]', 'old']], ['json', [`c @ ${server.base}/r/c-1.0-py3-none-any.whl`, 'a', 'vcs @ git+https://example.invalid/v.git']]]) {
    const indexUrl = `${server.base}/${mode}/simple`;
    const tree = await indexTree(roots, { indexUrl, ...TARGET });
    // Not execFileSync: the server answers on this process's event loop.
    const cli = async (command) => {
      const args = [command, '--no-cache', '--format', 'json', '--target-python', '3.12', '--platform', 'linux', '--machine', 'x86_64', '--index-url', indexUrl, ...roots];
      try {
        return JSON.parse((await promisify(execFile)(BIN, args, { env: { ...process.env, NO_PROXY: '*' } })).stdout);
      } catch (err) {
        if (err.code !== 1 || !err.stdout) throw err;
        return JSON.parse(err.stdout); // check exits 1 on problems
      }
    };
    assert.deepEqual(tree.graph, await cli('graph'), mode);
    assert.deepEqual(tree.check, await cli('check'), mode);
  }
});
