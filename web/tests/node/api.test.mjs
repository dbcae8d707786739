// The npm package under Node, installed from its tarball: parse, set, versions, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, openSync, readSync, fstatSync } from 'node:fs';
import * as pkglens from 'pkglens';

const { parseFiles, parseStream, PackageSet, pep440, rez, readWheel, planWheel, finishWheel, selectFiles } = pkglens;
const file = (name, text) => ({ name, bytes: new TextEncoder().encode(text) });

const METADATA = 'Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.0\nRequires-Dist: idna>=3 ; python_version >= "3.8"\nRequires-Dist: missing-dep\n';
const IDNA = 'Metadata-Version: 2.1\nName: idna\nVersion: 3.7\n';

test('the package says what it is', async () => {
  assert.equal(pkglens.schema, 'pkglens/1');
  assert.equal(pkglens.build, 'single');
  assert.equal(pkglens.threads(), 1);
  assert.match(pkglens.version(), /^\d+\.\d+\.\d+/);
  assert.equal(await pkglens.load(), await pkglens.load());
});

test('parseFiles is aligned with its input and never throws for a bad file', () => {
  const records = parseFiles([
    file('site/demo_pkg-1.0.dist-info/METADATA', METADATA),
    file('bad/pkg/1.0/package.py', 'name = "pkg"\nversion = \n'),
    file('notes.bin', '\u0000\u0001'),
    { name: 'requirements.txt', bytes: 'requests>=2\n-r requirements-dev.txt\n' },
    file('requirements-dev.txt', 'pytest\n'),
  ]);
  assert.equal(records.length, 5);
  assert.deepEqual(records.map((r) => r.status), ['ok', 'error', 'error', 'ok', 'ok']);
  const [meta, bad, unknown, reqs] = records;
  assert.equal(meta.packages[0].name, 'Demo_Pkg');
  assert.equal(meta.packages[0].requires[0].raw, 'idna>=3 ; python_version >= "3.8"');
  assert.equal(bad.path, 'bad/pkg/1.0/package.py');
  assert.equal(bad.error.kind, 'syntax');
  assert.equal(bad.error.line, 2);
  assert.ok(bad.error.column > 0);
  assert.equal(unknown.error.kind, 'unsupported');
  // Includes are looked up among the same files.
  assert.deepEqual(reqs.requirements.map((r) => r.name), ['requests', 'pytest']);
});

test('bad arguments are errors, not crashes', () => {
  assert.throws(() => parseFiles('nope'), TypeError);
  assert.throws(() => parseFiles([{ name: 1 }]), TypeError);
  assert.throws(() => parseFiles([{ name: 'x', bytes: 42 }]), TypeError);
  assert.throws(() => new PackageSet('nope'), Error);
  assert.throws(() => new PackageSet([]).requirements(3), /below 0/);
  assert.throws(() => new PackageSet([]).why('nothing'), /no package named/);
});

test('parseStream yields in input order with a small window, from sync and async sources', async () => {
  const files = Array.from({ length: 23 }, (_, i) =>
    file(`p${i}/${i}.0/package.py`, `name = "p${i}"\nversion = "${i}.0"\nrequires = ["p${i + 1}"]\n`));
  const whole = parseFiles(files);
  const fromSync = [];
  for await (const r of parseStream(files, { window: 4 })) fromSync.push(r);
  assert.deepEqual(fromSync, whole);
  async function* slow() {
    for (const f of files) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      yield f;
    }
  }
  const fromAsync = [];
  for await (const r of parseStream(slow(), { window: 5 })) fromAsync.push(r);
  assert.deepEqual(fromAsync, whole);
  // A record obtained elsewhere passes through in its place, unparsed.
  const mixed = [files[0], { name: 'elsewhere.whl', record: whole[5] }, files[1]];
  const fromMixed = [];
  for await (const r of parseStream(mixed, { window: 2 })) fromMixed.push(r);
  assert.deepEqual(fromMixed, [whole[0], whole[5], whole[1]]);
  assert.equal(fromMixed[1], whole[5], 'the same object, not a copy');
  await assert.rejects(async () => { for await (const _ of parseStream(files, { window: 0 })) ; }, RangeError);
  const controller = new AbortController();
  const seen = [];
  await assert.rejects(async () => {
    for await (const r of parseStream(files, { window: 4, signal: controller.signal })) {
      seen.push(r);
      if (seen.length === 2) controller.abort(new Error('stop'));
    }
  }, /stop/);
  assert.equal(seen.length, 4, 'the window in flight is yielded, nothing after it');
});

test('a package set checks, graphs, explains and diffs', () => {
  const records = parseFiles([
    file('site/demo_pkg-1.0.dist-info/METADATA', METADATA),
    file('site/idna-3.7.dist-info/METADATA', IDNA),
  ]);
  const set = new PackageSet(records, { python: '3.11', platform: 'linux' });
  assert.equal(set.size, 2);
  const report = set.check();
  assert.equal(report.schema, 'pkglens/1');
  assert.deepEqual(report.problems.map((p) => [p.kind, p.requirement]), [['missing', 'missing-dep']]);
  assert.equal(report.summary.target.python, '3.11');
  assert.equal(set.checkJson(), JSON.stringify(report) + '\n');
  const [demo] = set.find('demo-pkg');
  const reqs = set.requirements(demo);
  assert.deepEqual(reqs.map((r) => [r.requirement.name, r.resolution]), [['idna', 'satisfied'], ['missing-dep', 'missing']]);
  const idna = set.find('IDNA')[0];
  assert.deepEqual(reqs[0].packages, [idna]);
  assert.deepEqual(set.dependents(idna).map((d) => d.from), [demo]);
  assert.equal(set.packages()[demo].problems, 1);
  const graph = set.graph({ roots: ['demo-pkg'] }).graph;
  // As `pkglens graph` draws it: a missing name is a node of its own, its edge `missing`.
  assert.deepEqual(graph.edges.map((e) => [e.from, e.to, e.status]), [
    ['python:demo-pkg@1.0', 'python:idna@3.7', 'satisfied'],
    ['python:demo-pkg@1.0', 'missing:python:missing-dep', 'missing'],
  ]);
  assert.match(set.graphDot(), /^digraph/);
  assert.deepEqual(set.why('idna').chains, [['demo-pkg 1.0', 'idna 3.7']].map((c) => c.map((x) => x.replace('demo-pkg', 'Demo_Pkg'))));
  // With an old Python, the marker is false and idna is not needed.
  const old = new PackageSet(records, { python: '3.7' });
  assert.equal(old.requirements(demo)[0].resolution, 'inactive');
  const older = new PackageSet(parseFiles([file('site/idna-2.0.dist-info/METADATA', IDNA.replace('3.7', '2.0'))]));
  const diff = set.diff(older).diff;
  assert.deepEqual(diff.added, ['Demo_Pkg 1.0']);
  assert.deepEqual(diff.changed.map((c) => [c.name, c.old_versions, c.new_versions]), [['idna', ['2.0'], ['3.7']]]);
  set.free();
});

test('a builder fed in batches, or by parseStream, gives the set of all the records', async () => {
  const files = Array.from({ length: 30 }, (_, i) =>
    file(`p${i % 7}/${i}.0/package.py`, `name = "p${i % 7}"\nversion = "${i}.0"\nrequires = ["p${(i + 1) % 9}-${i % 3}+"]\n`));
  files.push(file('site/demo_pkg-1.0.dist-info/METADATA', METADATA), file('bad/x/1/package.py', 'name = \n'));
  const whole = parseFiles(files);
  const options = { python: '3.7' };
  const expected = new PackageSet(whole, options);
  const same = (set) => {
    assert.equal(set.checkJson(), expected.checkJson());
    assert.deepEqual(set.packages(), expected.packages());
    assert.equal(set.size, expected.size);
  };
  // In batches from JS.
  const builder = PackageSet.builder(options);
  for (let i = 0; i < whole.length; i += 7) builder.add(whole.slice(i, i + 7));
  assert.equal(builder.length, whole.length);
  same(builder.build());
  assert.equal(builder.length, 0, 'a built builder is empty');
  // Straight from parseStream, the parsed records never crossing back in, with records given
  // as they are (a lazily read wheel, an unreadable file) in their places.
  const given = { name: 'elsewhere.whl', record: whole[5] };
  const mixed = [...files.slice(0, 5), given, ...files.slice(6)];
  const streamed = PackageSet.builder(options);
  const yielded = [];
  for await (const r of parseStream(mixed, { window: 4, builder: streamed })) yielded.push(r);
  assert.deepEqual(yielded, whole);
  same(streamed.build());
  const fromFiles = new pkglens.PackageSetBuilder(options);
  assert.deepEqual(parseFiles(files, { builder: fromFiles }), whole);
  same(fromFiles.build());
  // Records added in another order, built in the original one.
  const shuffled = whole.map((_, i) => (i * 17) % whole.length);
  const reordered = PackageSet.builder(options).add(shuffled.map((i) => whole[i]));
  // Record `order[i]` of those added is record `i` of the set.
  same(reordered.build({ order: whole.map((_, i) => shuffled.indexOf(i)) }));
  assert.throws(() => PackageSet.builder().add(whole.slice(0, 2)).build({ order: [0, 0] }), /permutation/);
  assert.throws(() => PackageSet.builder().add(whole.slice(0, 2)).build({ order: [0] }), /order of 2/);
  assert.throws(() => PackageSet.builder().add('nope'), Error);
  assert.throws(() => parseFiles(files, { builder: {} }), TypeError);
  // A set that grows: the records of a set, then more; and a set rebuilt with other options.
  const first = new PackageSet(whole.slice(0, 10), options);
  same(PackageSet.builder(options).addSet(first).add(whole.slice(10)).build());
  same(new PackageSet(whole).withOptions(options));
  // Stopped early, the window in flight is cut back to what was taken.
  const cut = PackageSet.builder(options);
  let taken = 0;
  for await (const _ of parseStream(files, { window: 8, builder: cut })) if (++taken === 11) break;
  assert.equal(cut.length, 16);
  cut.truncate(taken);
  assert.equal(cut.build().checkJson(), new PackageSet(whole.slice(0, 11), options).checkJson());
});

test('versions: PEP 440 and rez', () => {
  assert.equal(pep440.compare('1.0', '1.0.0'), 0);
  assert.equal(pep440.compare('1.0rc1', '1.0'), -1);
  assert.equal(pep440.compare('1!0.1', '2.0'), 1);
  assert.equal(pep440.satisfies('1.4.2', '~=1.4'), true);
  assert.equal(pep440.satisfies('2.0', '~=1.4'), false);
  assert.equal(pep440.satisfies('1.0rc1', '>=0.9'), true); // as packaging 26.3 answers
  assert.equal(pep440.satisfies('1.0rc1', '>=1.0rc1'), true);
  assert.equal(pep440.satisfies('3.1', ''), true);
  assert.throws(() => pep440.compare('not a version', '1'), /invalid PEP 440 version/);
  assert.throws(() => pep440.satisfies('1', '>>1'), /invalid PEP 440 specifiers/);
  assert.equal(rez.compare('1.10', '1.9'), 1);
  assert.equal(rez.compare('1.0.alpha', '1.0'), 1);
  assert.equal(rez.satisfies('1.5', '1.2+<2'), true);
  assert.equal(rez.satisfies('2.0', '1.2+<2'), false);
  assert.equal(rez.satisfies('3.1.4', '3'), true);
  assert.throws(() => rez.satisfies('1', '1..2..3'), Error);
});

test('selectFiles chooses what the CLI walk reads, in its order', () => {
  const names = ['r/z/PKG-INFO', 'r/.git/PKG-INFO', 'r/a/package.py', 'r/a/notes.md',
    'r/v/pyvenv.cfg', 'r/v/lib/python3.12/site-packages/x-1.dist-info/METADATA', 'r/v/bin/PKG-INFO'];
  assert.deepEqual(selectFiles(names, 'r'), ['r/a/package.py', 'r/v/lib/python3.12/site-packages/x-1.dist-info/METADATA', 'r/z/PKG-INFO']);
});

test('passedOver says what the CLI walk passes over, and scanJson counts or lists it as scan and scan -v do', () => {
  const names = ['r/z/PKG-INFO', 'r/.git/PKG-INFO', 'r/a/package.py', 'r/a/notes.md',
    'r/v/pyvenv.cfg', 'r/v/lib/python3.12/site-packages/x-1.dist-info/METADATA', 'r/v/bin/PKG-INFO'];
  const skipped = pkglens.passedOver(names, 'r');
  // .git and the venv's bin are never entered: the CLI never sees their files either.
  assert.deepEqual(skipped.map((s) => s.path), ['r/a/notes.md', 'r/v/pyvenv.cfg']);
  assert.equal(skipped[0].file, 'r/a/notes.md');
  assert.match(skipped[0].reason, /not a dependency file/);
  const files = [{ name: 'r/a/package.py', bytes: new TextEncoder().encode('name = "a"\nversion = "1"\n') }];
  const counted = JSON.parse(pkglens.scanJson(files, { passedOver: skipped.length })).summary;
  assert.equal(counted.passed_over, 2);
  assert.equal(counted.passed_over_files, undefined);
  const listed = JSON.parse(pkglens.scanJson(files, { passedOver: skipped })).summary;
  assert.deepEqual(listed.passed_over_files, skipped.map(({ path, reason }) => ({ path, reason })));
  assert.equal(JSON.parse(pkglens.scanJson(files)).summary.passed_over, undefined);
  assert.equal(pkglens.summarize(pkglens.parseFiles(files), { passedOver: 2 }).passed_over, 2);
});

test('walkFolder, folder by folder, reads what selectFiles chooses', () => {
  const names = ['r/z/PKG-INFO', 'r/.git/PKG-INFO', 'r/a/package.py', 'r/a/notes.md', 'r/node_modules/x/PKG-INFO',
    'r/v/pyvenv.cfg', 'r/v/lib/python3.12/site-packages/x-1.dist-info/METADATA', 'r/v/lib/python3.12/site-packages/x/package.py',
    'r/v/bin/PKG-INFO', 'site-packages/y-2.dist-info/METADATA', 'site-packages/y/package.py', 'requirements.txt', 'notes.md'];
  // The tree of those paths: a folder is { files: [names], folders: Map(name -> folder) }.
  const tree = { files: [], folders: new Map() };
  for (const path of names) {
    const parts = path.split('/');
    let folder = tree;
    for (const part of parts.slice(0, -1)) {
      if (!folder.folders.has(part)) folder.folders.set(part, { files: [], folders: new Map() });
      folder = folder.folders.get(part);
    }
    folder.files.push(parts.at(-1));
  }
  const read = [];
  const walk = (folder, place, prefix) => {
    const subfolders = [...folder.folders.keys()];
    const step = pkglens.walkFolder(place, folder.files, subfolders);
    for (const i of step.files) read.push(prefix + folder.files[i]);
    step.folders.forEach((next, i) => { if (next) walk(folder.folders.get(subfolders[i]), next, `${prefix}${subfolders[i]}/`); });
    return step;
  };
  const roots = walk(tree, null, '');
  assert.deepEqual(roots.folders, ['normal', 'site']);
  assert.deepEqual(read.sort(), selectFiles(names).sort());
  assert.deepEqual(pkglens.walkFolder('normal', ['pyvenv.cfg', 'PKG-INFO'], ['lib', 'bin', 'site-packages']),
    { files: [], folders: ['venv', null, 'site'], companions: [] });
  // pip-compile's pair is read, a template is not; a `requirements` folder has its own place.
  assert.deepEqual(pkglens.walkFolder('normal', ['MANIFEST.in', 'main.in', 'main.txt'], ['requirements']),
    { files: [1, 2], folders: ['requirements'], companions: [] });
  assert.deepEqual(pkglens.walkFolder('requirements', ['base.txt', 'README.md'], []), { files: [0], folders: [], companions: [] });
  // An egg-info folder, named: its requires.txt is read with its PKG-INFO.
  assert.deepEqual(pkglens.walkFolder('normal', ['PKG-INFO', 'requires.txt', 'top_level.txt'], [], 'six-1.16.egg-info'),
    { files: [0], folders: [], companions: [1] });
  assert.throws(() => pkglens.walkFolder('nowhere', [], []), /expected a place/);
});

test('a set\'s scanSummary is the summary of its records', () => {
  const records = parseFiles([file('requirements.txt', 'requests>=2\nidna<3\n'), file('broken/pyproject.toml', '[project')]);
  const set = new PackageSet(records);
  assert.deepEqual(set.scanSummary(), pkglens.summarize(records));
  set.free();
});

test('real wheels are read lazily in at most three reads and match a whole read', async (t) => {
  const dir = process.env.PKGLENS_WHEELS;
  if (!dir) return t.skip('PKGLENS_WHEELS is not set');
  const wheels = readdirSync(dir).filter((n) => n.endsWith('.whl')).slice(0, 40);
  assert.ok(wheels.length > 0);
  for (const name of wheels) {
    const fd = openSync(`${dir}/${name}`, 'r');
    let reads = 0;
    const source = {
      size: fstatSync(fd).size,
      read(start, length) {
        reads++;
        const buf = Buffer.alloc(length);
        readSync(fd, buf, 0, length, start);
        return buf;
      },
    };
    const lazy = await readWheel(source, name);
    assert.ok(reads <= 3, `${name}: ${reads} reads`);
    const [whole] = parseFiles([{ name, bytes: readFileSync(`${dir}/${name}`) }]);
    assert.deepEqual(lazy, whole, name);
    assert.equal(lazy.status, 'ok', `${name}: ${JSON.stringify(lazy.error)}`);
  }
});

test('planWheel asks for at most three ranges, and finishWheel gives the whole read\'s record', (t) => {
  const dir = process.env.PKGLENS_WHEELS;
  if (!dir) return t.skip('PKGLENS_WHEELS is not set');
  const wheels = readdirSync(dir).filter((n) => n.endsWith('.whl')).slice(0, 40);
  assert.ok(wheels.length > 0);
  for (const name of wheels) {
    const bytes = readFileSync(`${dir}/${name}`);
    const chunks = [];
    let step = planWheel(name, bytes.length);
    while (step.read) {
      assert.ok(chunks.length < 3, `${name}: more than three ranges`);
      const { start, length } = step.read;
      chunks.push({ start, bytes: bytes.subarray(start, start + length) });
      // Chunks in any order.
      step = planWheel(name, bytes.length, [...chunks].reverse());
    }
    const [whole] = parseFiles([{ name, bytes }]);
    assert.deepEqual(step.record, whole, name);
    assert.deepEqual(finishWheel(name, bytes.length, chunks), whole, name);
    // The whole file as one chunk answers at once.
    assert.deepEqual(planWheel(name, bytes.length, [{ start: 0, bytes }]).record, whole, name);
    // A missing range is an error, not a wrong record.
    assert.throws(() => finishWheel(name, bytes.length, chunks.slice(0, -1)), /do not hold bytes/);
  }
});

test('planWheel gives an error record for a file that is not a zip', () => {
  const bytes = new TextEncoder().encode('not a zip at all');
  let step = planWheel('x-1.0-py3-none-any.whl', bytes.length);
  assert.deepEqual(step.read, { start: 0, length: bytes.length });
  step = planWheel('x-1.0-py3-none-any.whl', bytes.length, [{ start: 0, bytes }]);
  assert.equal(step.record.status, 'error');
  assert.equal(step.record.format, 'wheel');
});

test('set options are checked as the CLI checks its target flags', () => {
  const records = parseFiles([file('site/idna-3.7.dist-info/METADATA', IDNA)]);
  assert.throws(() => new PackageSet(records, { python: 'banana' }),
    { message: 'pkglens: set options: python: "banana": expected a Python version X.Y or X.Y.Z, such as 3.12 or 3.9.18' });
  assert.throws(() => new PackageSet(records, { platform: 'beos' }), /platform: "beos": unknown platform; expected one of: linux, macos, darwin/);
  assert.throws(() => new PackageSet(records, { machine: 'vax' }), /machine: "vax": unknown machine/);
  assert.throws(() => new PackageSet(records, { pyhton: '3.12' }), /unknown field `pyhton`, expected one of: python, platform/);
  assert.throws(() => PackageSet.builder({ python: '3' }), /python: "3"/);
  assert.throws(() => new PackageSet(records).withOptions({ platform: 'plan9' }), /platform: "plan9"/);
  // The CLI's aliases are taken: darwin is macos, arm64 is aarch64.
  const set = new PackageSet(records, { python: '3.9.18', platform: 'Darwin', machine: 'arm64' });
  assert.equal(set.size, 1);
});

test('readWheel: a source without a file name needs one, and says so', async () => {
  const source = { size: 100, read: () => new Uint8Array(100) };
  await assert.rejects(readWheel(source), { name: 'TypeError', message: /^pkglens: readWheel: this source has no file name: pass the wheel's file name/ });
  // With a name, the same source is read (a bad wheel is an error record, not an exception).
  const record = await readWheel(source, 'x-1.0-py3-none-any.whl');
  assert.equal(record.status, 'error');
});

test('an egg-info\'s requires.txt is merged into its PKG-INFO, as the CLI and pip do', async () => {
  // tests/data/debian-dist-packages: the shapes of Ubuntu 22.04's dist-packages (PyGObject's
  // egg-info whose requires.txt needs pycairo, which is not installed: what `pip check` says).
  const { execFileSync } = await import('node:child_process');
  const { corpus, listFiles } = await import('./corpus.mjs');
  const base = process.env.PKGLENS_BASE;
  assert.ok(base, 'PKGLENS_BASE names the repository (web/tests/run.sh sets it)');
  const dir = 'tests/data/debian-dist-packages/usr/lib/python3/dist-packages';
  const all = listFiles(`${base}/${dir}`).map((p) => p.slice(base.length + 1));
  const companions = pkglens.companionFiles(all, dir);
  assert.deepEqual(companions.map((p) => p.split('/').slice(-2).join('/')).sort(),
    ['PyGObject-3.42.2.egg-info/requires.txt', 'requests-2.25.1.egg-info/requires.txt']);
  const includes = companions.map((name) => ({ name, bytes: readFileSync(`${base}/${name}`) }));
  const files = corpus(pkglens, dir, base);
  const options = { python: '3.12', platform: 'linux', machine: 'x86_64' };
  const set = new PackageSet(parseFiles(files, { includes }), options);
  const problems = set.check().problems;
  assert.deepEqual(problems.map((p) => [p.kind, p.package, p.requirement]), [['missing', 'PyGObject 3.42.2', 'pycairo>=1.16.0']]);
  // Streamed, each PKG-INFO bringing its own requires.txt: the same set.
  const streamed = PackageSet.builder(options);
  const items = files.map((f) => {
    const own = f.name.replace(/PKG-INFO$/, 'requires.txt');
    return { ...f, includes: includes.filter((i) => i.name === own) };
  });
  for await (const _ of pkglens.parseStream(items, { window: 1, builder: streamed })) { /* consumed */ }
  const fromStream = streamed.build();
  assert.equal(fromStream.checkJson(), set.checkJson());
  fromStream.free();
  // The CLI's `check --format json` on the same folder, byte for byte, when it is built.
  const cli = [`${base}/target/release/pkglens`, `${base}/target/debug/pkglens`].find((p) => {
    try { return readFileSync(p).length > 0; } catch { return false; }
  });
  if (cli) {
    let native;
    try {
      native = execFileSync(cli, ['check', '--format', 'json', '--target-python', '3.12', '--platform', 'linux', '--machine', 'x86_64', dir], { cwd: base, encoding: 'utf8' });
    } catch (err) {
      native = err.stdout; // exit 1: problems found
    }
    assert.equal(set.checkJson(), native);
  }
  set.free();
});
