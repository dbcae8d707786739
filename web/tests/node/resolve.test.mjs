// `resolve` of the npm package under Node: rez requests over a set of files, as
// `pkglens resolve --format json` answers them, and the resolve graph (`resolveDot`,
// `resolveMermaid`) as `--format dot` and `--format mermaid` print it.
// - Always: the repository's examples/rez (PKGLENS_BASE: the repository root), whose answers
//   were checked against rez 3.4.0's ResolvedContext; options and errors.
// - With PKGLENS_BIN (the native CLI): byte for byte against its JSON, over rez's solver-test
//   repository (PKGLENS_REZ_SOLVER, the requests of rez's tests/test_solver.py, failures and
//   cycles included, both variant selection modes), the examples, two repositories at once, and
//   the first requests of rez's benchmark over its 18,226-file repository (PKGLENS_REZ_BENCH,
//   PKGLENS_REZ_REQUESTS), from files and from a PackageSet of the parsed files; the DOT and
//   Mermaid of each of those resolves byte for byte against the CLI's too; with rez's
//   package_orderers (`orderers`, the CLI's `--orderers FILE`) for some of the benchmark's; with
//   rez's package_filter (`packageFilter`, the CLI's `--package-filter FILE`) on the examples.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import * as pkglens from 'pkglens';

const { resolve, resolveJson, resolveDot, resolveMermaid, parseFiles, PackageSet } = pkglens;
const base = process.env.PKGLENS_BASE ?? process.cwd();

/** Every file under `dir` (relative to `base`), named as the CLI names them: `dir/...`. */
function repoFiles(dir) {
  const out = [];
  const visit = (d) => {
    for (const entry of readdirSync(resolvePath(base, d), { withFileTypes: true })) {
      const path = `${d}/${entry.name}`;
      if (entry.isDirectory()) visit(path);
      else out.push({ name: path, bytes: readFileSync(resolvePath(base, path)) });
    }
  };
  visit(dir);
  return out;
}

const EXAMPLES = 'examples/rez';
const examples = repoFiles(EXAMPLES);
const names = (report) => report.packages.map((p) => `${p.name}-${p.version}[${p.variant ?? ''}]`);

test('a request resolves over a dropped repository as rez resolves it', () => {
  // rez 3.4.0: ResolvedContext(['usd-23', '!python-3.11'], package_paths=['examples/rez']).
  const report = resolve(['usd-23', '!python-3.11'], { files: examples, repos: [EXAMPLES] });
  assert.equal(report.schema, 'pkglens/1');
  assert.equal(report.status, 'solved');
  assert.deepEqual(names(report), [
    'arch-x86_64[]', 'platform-linux[]', 'python-3.9.18[0]', 'boost-1.82.0[0]', 'tbb-2020.3[]', 'usd-23.11[]',
  ]);
  const usd = report.packages.at(-1);
  assert.equal(usd.path, 'examples/rez/usd/23.11/package.py');
  assert.deepEqual(usd.requested_by, [{ by: null, requirement: 'usd-23' }]);
  // Only the families the solver asked for were read.
  assert.equal(report.families_read, 6);
  // One string is split at spaces, as `rez env` takes it.
  assert.equal(resolveJson('usd-23  !python-3.11', { files: examples, repos: [EXAMPLES] }),
    resolveJson(['usd-23', '!python-3.11'], { files: examples, repos: [EXAMPLES] }));
});

test('a failed resolve says why: rez\'s conflict and the chain to each requirement', () => {
  // rez: failed, "The following package conflicts occurred: (python-3.11 <--!--> python==3.9.18)".
  const report = resolve('usd-24 python-3.9', { files: examples, repos: [EXAMPLES] });
  assert.equal(report.status, 'failed');
  assert.equal(report.failure.kind, 'conflicts');
  assert.equal(report.failure.description, 'The following package conflicts occurred: (python-3.11 <--!--> python==3.9.18)');
  assert.deepEqual(report.failure.chains, [['usd', 'python-3.11'], ['python==3.9.18']]);
  assert.equal(report.packages, undefined);
});

test('rez\'s errors are answers too: a missing family, a computed requires', () => {
  // rez: PackageFamilyNotFoundError, with this message.
  const missing = resolve(['usd'], { files: examples, repos: [EXAMPLES] });
  assert.equal(missing.status, 'error');
  assert.equal(missing.error, 'package family not found: openexr, was required by: usd (searched: examples/rez)');
  const dynamic = resolve(['studio_pipeline'], { files: examples, repos: [EXAMPLES] });
  assert.equal(dynamic.status, 'error');
  assert.match(dynamic.error, /studio_pipeline\/2\.2\.0\/package\.py: field `requires` is not a literal/);
  // allowDynamic: the literal values stand in, and the package says which field was computed.
  const allowed = resolve(['studio_pipeline'], { files: examples, repos: [EXAMPLES], allowDynamic: true });
  assert.equal(allowed.status, 'solved');
  assert.deepEqual(allowed.packages.at(-1).computed, ['requires']);
});

test('repositories are searched in order and the names may start at the repository', () => {
  const inner = examples.map(({ name, bytes }) => ({ name: name.slice(EXAMPLES.length + 1), bytes }));
  const report = resolve(['ocio'], { files: inner });
  assert.deepEqual(names(report), ['arch-x86_64[]', 'platform-linux[]', 'python-3.11.6[0]', 'ocio-2.3.0[]']);
  assert.equal(report.packages.at(-1).path, 'ocio/2.3.0/package.yaml');
  // A second repository's python-3.11.6 is hidden by the first's; a newer one is not.
  const other = file('site/python/3.11.6/package.py', 'name = "python"\nversion = "3.11.6"\n');
  const newer = file('site/python/3.12.1/package.py', 'name = "python"\nversion = "3.12.1"\n');
  const both = [...examples, other, newer];
  const first = resolve(['python-3.11'], { files: both, repos: [EXAMPLES, 'site'] });
  assert.equal(first.packages.at(-1).path, 'examples/rez/python/3.11.6/package.py');
  const reversed = resolve(['python-3.11'], { files: both, repos: ['site', EXAMPLES] });
  assert.equal(reversed.packages.at(-1).path, 'site/python/3.11.6/package.py');
  assert.equal(resolve(['python'], { files: both, repos: [EXAMPLES, 'site'] }).packages.at(-1).version, '3.12.1');
});

test('a PackageSet of the parsed files resolves as the files do', () => {
  const set = new PackageSet(parseFiles(examples));
  for (const request of ['usd-23 !python-3.11', 'usd-24 python-3.9', 'usd', 'ocio ~python-3.9']) {
    assert.equal(set.resolveJson(request, { repos: [EXAMPLES] }), resolveJson(request, { files: examples, repos: [EXAMPLES] }));
  }
  assert.equal(set.resolve('ocio', { repos: [EXAMPLES] }).status, 'solved');
  set.free();
});

test('the resolve graph as DOT and Mermaid: what required each package; a failure\'s chains and conflict', () => {
  const options = { files: examples, repos: [EXAMPLES] };
  // rez 3.4.0 resolves `boost` over the examples to these four, boost-1.82.0 with its variant 1.
  assert.equal(resolveDot('boost', options), [
    'digraph resolve {', '  n0 [label="request"];', '  n1 [label="arch-x86_64[]"];', '  n2 [label="platform-linux[]"];',
    '  n3 [label="python-3.11.6[0]"];', '  n4 [label="boost-1.82.0[1]"];', '  n3 -> n1;', '  n3 -> n2;', '  n4 -> n3;', '  n0 -> n4;', '}', '',
  ].join('\n'));
  // rez: python-3.11 (required by usd-24) conflicts with the requested python-3.9.
  assert.equal(resolveMermaid('usd-24 python-3.9', options), [
    'flowchart LR', '  n0["request"]', '  n1["usd"]', '  n2["python-3.11"]', '  n3["python==3.9.18"]',
    '  n0 --> n1', '  n1 --> n2', '  n0 --> n3', '  n2 -. conflict .-> n3', '',
  ].join('\n'));
  // rez's error: the request and rez's message.
  const quoted = file('q/1.0/package.py', 'name = "q"\nversion = "1.0"\nrequires = ["gone"]\n');
  assert.match(resolveDot('q', { files: [quoted] }), /n1 \[label="package family not found: gone, was required by: q \(searched: \)"\];/);
  const set = new PackageSet(parseFiles(examples));
  for (const request of ['boost', 'usd-24 python-3.9', 'usd']) {
    assert.equal(set.resolveDot(request, { repos: [EXAMPLES] }), resolveDot(request, options));
    assert.equal(set.resolveMermaid(request, { repos: [EXAMPLES] }), resolveMermaid(request, options));
  }
  set.free();
  assert.throws(() => resolveDot(['foo-[1'], options), /invalid request/);
  assert.throws(() => resolveMermaid(['usd'], {}), /expected `files`/);
});

test('bad requests and options throw, naming what is wrong', () => {
  assert.throws(() => resolve(['foo-[1'], { files: examples }), /invalid request "foo-\[1": expected version range syntax/);
  assert.throws(() => resolve(['foo.'], { files: examples }), /Not a valid package name: 'foo\.'/);
  assert.throws(() => resolve(['!.bah'], { files: examples }), /Not a valid package name: '\.bah'/);
  assert.throws(() => resolve(['usd'], { files: examples, repo: [EXAMPLES] }), /unknown field `repo`/);
  assert.throws(() => resolve(['usd'], { files: examples, variantSelectMode: 'newest' }), /variantSelectMode/);
  assert.throws(() => resolve(['usd'], { files: examples, repos: [] }), /no repository/);
  assert.throws(() => resolve(['usd'], {}), /expected `files`/);
  assert.throws(() => resolve(42, { files: examples }), /expected the requests/);
  // rez's own message for a time it does not take (`get_epoch_time_from_str`).
  assert.throws(() => resolve(['usd'], { files: examples, time: '-1w' }), /time: '-1w' is an unrecognised time format\./);
  assert.throws(() => resolve(['usd'], { files: examples, time: 1.5 }), /time: expected a whole epoch time, found 1\.5/);
  assert.throws(() => resolve(['usd'], { files: examples, time: [1] }), /time: expected a number or a string/);
});

test('a time leaves out the packages released after it, as `rez env --time` does', () => {
  const files = [
    file('tool/1.0/package.py', "name = 'tool'\nversion = '1.0'\ntimestamp = 100\n"),
    file('tool/2.0/package.py', "name = 'tool'\nversion = '2.0'\ntimestamp = 200\n"),
  ];
  const at = (time) => {
    const report = resolve(['tool'], { files, time });
    return [names(report), report.requested_timestamp];
  };
  assert.deepEqual(at(150), [['tool-1.0[]'], 150]);
  assert.deepEqual(at('150'), [['tool-1.0[]'], 150]);
  // No time: none given, 0 and '' (rez: `if timestamp:`, `if opts.time:`).
  for (const time of [undefined, null, 0, '']) assert.deepEqual(at(time), [['tool-2.0[]'], undefined]);
  // A time before now, read at the JS clock.
  const [picked, requested] = at('-1d');
  assert.deepEqual(picked, ['tool-2.0[]']);
  assert.ok(Math.abs(requested - (Date.now() / 1000 - 86400)) < 5, `${requested}`);
  assert.equal(resolve(['tool'], { files, time: 99 }).error, 'Package could not be found: tool');
});

test('rez\'s package_orderers change the versions tried first; a bad orderer throws, naming the field', () => {
  const options = { files: examples, repos: [EXAMPLES] };
  // rez 3.4.0: ResolvedContext(['boost'], package_paths=['examples/rez'], add_implicit_packages=False),
  // without orderers and with package_orderers=[version_split at 3.10 on python].
  assert.deepEqual(names(resolve('boost', options)), [
    'arch-x86_64[]', 'platform-linux[]', 'python-3.11.6[0]', 'boost-1.82.0[1]',
  ]);
  const orderers = [{ type: 'version_split', first_version: '3.10', packages: ['python'] }];
  assert.deepEqual(names(resolve('boost', { ...options, orderers })), [
    'arch-x86_64[]', 'platform-linux[]', 'python-3.9.18[0]', 'boost-1.82.0[0]',
  ]);
  assert.throws(() => resolve('boost', { ...options, orderers: [{ type: 'version_split' }] }),
    /resolve options: orderers\[0\]\.first_version: missing/);
  assert.throws(() => resolve('boost', { ...options, orderers: [{ type: 'sorted', descending: true }, { type: 'newest' }] }),
    /orderers\[1\]\.type: unknown orderer "newest"/);
  assert.throws(() => resolve('boost', { ...options, orderers: [{ type: 'soft_timestamp', rank: 2 }] }),
    /resolve options: orderers\[0\]\.timestamp: missing/);
  // Hostile values: deeper than any stack, and cyclic.
  let deep = [];
  for (let i = 0; i < 200000; i++) deep = [deep];
  assert.throws(() => resolve('boost', { ...options, orderers: deep }), /resolve options: orderers: /);
  const cyclic = { type: 'sorted' };
  cyclic.self = cyclic;
  assert.throws(() => resolve('boost', { ...options, orderers: [cyclic] }), /resolve options: orderers: not a JSON value/);
});

test('a soft_timestamp orderer prefers what was released by its time, as rez does', () => {
  // tests/data/rez_soft_timestamp (python-3.9.18 has no timestamp). rez 3.4.0:
  // ResolvedContext(['app'], package_paths=[repo], add_implicit_packages=False), without orderers
  // and with package_orderers=[soft_timestamp at 1600000350] (scripts/conformance/rez_orderers.py).
  const SOFT = 'tests/data/rez_soft_timestamp';
  const options = { files: repoFiles(SOFT), repos: [SOFT] };
  assert.deepEqual(names(resolve('app', options)), [
    'python-3.12.1[]', 'lib-2.1[]', 'tool-2.0.0[1]', 'app-1.1[]',
  ]);
  const at = (orderer) => names(resolve('app', { ...options, orderers: [{ type: 'soft_timestamp', ...orderer }] }));
  assert.deepEqual(at({ timestamp: 1600000350 }), [
    'python-3.7.4[]', 'lib-2.0[]', 'tool-1.0.0[1]', 'app-1.0[]',
  ]);
  // The same time, only for python: the untimestamped 3.9.18 counts as released by then.
  assert.deepEqual(names(resolve('python', { ...options, orderers: [{ type: 'soft_timestamp', timestamp: 1600000350, packages: ['python'] }] })),
    ['python-3.9.18[]']);
  // rez raises on a ranked key of an unbounded range once a version is after the time.
  const report = resolve('lib-2.1', { ...options, orderers: [{ type: 'soft_timestamp', timestamp: 1600000450, rank: 3, packages: ['python'] }] });
  assert.equal(report.status, 'error');
  assert.equal(report.error, 'Version.inf cannot be trimmed');
  // The answer records the orderers as rez's context does.
  const list = [{ type: 'soft_timestamp', timestamp: 1600000350 }];
  assert.deepEqual(resolve('app', { ...options, orderers: list }).package_orderers,
    [{ type: 'soft_timestamp', timestamp: 1600000350, rank: 0, packages: ['*'] }]);
  assert.equal(resolve('app', options).package_orderers, undefined);
  // The text of an orderers file, YAML or JSON (the page's text area), as the CLI reads a .yaml one.
  for (const text of ['- type: soft_timestamp\n  timestamp: 1600000350\n', JSON.stringify(list),
    'package_orderers:\n- {type: soft_timestamp, timestamp: 1600000350}\n']) {
    assert.equal(resolveJson('app', { ...options, orderers: text }), resolveJson('app', { ...options, orderers: list }));
  }
  assert.throws(() => resolve('app', { ...options, orderers: '- type: sorted\n' }),
    /^Error: pkglens: resolve options: orderers: package_orderers\[0\]\.descending: missing$/);
});

test('rez\'s package_filter leaves packages out, from a value or a rezconfig.py\'s text; a bad rule throws, naming it', () => {
  const options = { files: examples, repos: [EXAMPLES] };
  // rez 3.4.0: ResolvedContext(['boost'], package_paths=['examples/rez'], add_implicit_packages=False,
  // package_filter=PackageFilterList.from_pod(...)) for each filter below.
  const older = ['arch-x86_64[]', 'platform-linux[]', 'python-3.9.18[0]', 'boost-1.82.0[0]'];
  assert.deepEqual(names(resolve('boost', { ...options, packageFilter: { excludes: 'range(python-3.11+)' } })), older);
  const rezconfig = "package_filter = [\n    {'excludes': ['glob(python-3.*)'], 'includes': [r'regex(python-3\\.9\\..*)']},\n]\n";
  const filtered = resolve('boost', { ...options, packageFilter: rezconfig });
  assert.deepEqual(names(filtered), older);
  // Recorded as rez's context records it (PackageFilterList.to_pod); absent without a filter.
  assert.deepEqual(filtered.package_filter,
    [{ excludes: ['glob(python-3.*)'], includes: ['regex(python-3\\.9\\..*)'] }]);
  assert.equal(resolve('boost', options).package_filter, undefined);
  const everything = resolve('boost', { ...options, packageFilter: [{ excludes: ['glob(*)'] }] });
  assert.equal(everything.error, 'Package could not be found: boost');
  // The same JSON as the CLI's `--package-filter FILE`.
  assert.throws(() => resolve('boost', { ...options, packageFilter: [{ excludes: ['glob(*.beta)', 'foo(bar)'] }] }),
    /resolve options: packageFilter\[0\]\.excludes\[1\]: 'foo' is not a valid package filter type/);
  assert.throws(() => resolve('boost', { ...options, packageFilter: 'package_filter = make()\n' }),
    /resolve options: packageFilter: rezconfig\.py: package_filter: `package_filter` is assigned an expression/);
  assert.throws(() => resolve('boost', { ...options, packageFilter: 5 }),
    /resolve options: packageFilter: expected a dict of excludes and includes, or a list of them, found an integer/);
  const cyclic = { excludes: [] };
  cyclic.self = cyclic;
  assert.throws(() => resolve('boost', { ...options, packageFilter: [cyclic] }), /packageFilter: not a JSON value/);
});

function file(name, text) {
  return { name, bytes: new TextEncoder().encode(text) };
}

// Cross-target: the CLI's JSON, byte for byte.
const bin = process.env.PKGLENS_BIN;
const solver = process.env.PKGLENS_REZ_SOLVER;

/** The CLI's `resolve --format <format>` for `requests` over `repos`, with `flags`. */
function native(requests, repos, flags = [], format = 'json') {
  const args = ['resolve', '--format', format, ...repos.flatMap((r) => ['--repo', r]), ...flags, '--', ...requests];
  try {
    return execFileSync(bin, args, { cwd: base, encoding: 'utf8' });
  } catch (err) {
    if (err.status === 1) return err.stdout; // failed or error: the JSON is still the answer
    if (err.status === 2) return { refused: err.stderr.replace(/^pkglens: /, '').trim() }; // an invalid request
    throw err;
  }
}

/** `orderers` in a JSON file, for the CLI's `--orderers FILE`. */
function orderersFile(orderers) {
  return scratchFile('orderers.json', orderers);
}

/** `packageFilter` in a JSON file, for the CLI's `--package-filter FILE`. */
function packageFilterFile(packageFilter) {
  return scratchFile('filter.json', packageFilter);
}

// The option files the CLI is given, in one folder removed when the tests end (each file was a
// folder of its own, left behind: 72 in the temporary folder per run).
let scratch = null;
let scratchCount = 0;
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** `value` as JSON in a new file of the scratch folder. */
function scratchFile(name, value) {
  scratch ??= mkdtempSync(join(tmpdir(), 'pkglens-resolve-test-'));
  const path = join(scratch, `${scratchCount++}-${name}`);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** The CLI's flags for resolve options. */
function flagsOf({ variantSelectMode, implicit = [], allowDynamic, time, orderers, packageFilter } = {}) {
  return [
    ...(time !== undefined ? [`--time=${time}`] : []),
    ...(orderers ? ['--orderers', orderersFile(orderers)] : []),
    ...(packageFilter ? ['--package-filter', packageFilterFile(packageFilter)] : []),
    ...(variantSelectMode ? ['--variant-select-mode', variantSelectMode.replace('_', '-')] : []),
    ...implicit.map((r) => `--implicit=${r}`),
    ...(allowDynamic ? ['--allow-dynamic'] : []),
  ];
}

function sameAsCli(files, repos, requests, options = {}, set = null) {
  const expected = native(requests, repos, flagsOf(options));
  if (expected.refused) {
    // The CLI refuses the request (rez's `rez env` does too): so does the package, saying the same.
    assert.throws(() => resolveJson(requests, { files, repos, ...options }), { message: expected.refused });
    return 'refused';
  }
  const got = resolveJson(requests, { files, repos, ...options });
  assert.equal(got, expected, `${requests.join(' ')} over ${repos.join(', ')}`);
  if (set) assert.equal(set.resolveJson(requests, { repos, ...options }), expected);
  // The resolve graph, as `--format dot` and `--format mermaid` print it.
  for (const [format, fromFiles, fromSet] of [['dot', resolveDot, 'resolveDot'], ['mermaid', resolveMermaid, 'resolveMermaid']]) {
    const graph = native(requests, repos, flagsOf(options), format);
    assert.equal(fromFiles(requests, { files, repos, ...options }), graph, `${format}: ${requests.join(' ')} over ${repos.join(', ')}`);
    if (set) assert.equal(set[fromSet](requests, { repos, ...options }), graph);
  }
  return JSON.parse(got).status;
}

// rez/tests/test_solver.py's requests (test_03 to test_14), solved and failed.
const SOLVER_REQUESTS = [
  'nada !nada', 'python-2.6 ~python-2.7', 'pyfoo nada !nada', '.foo-1 .foo-2', '.foo-2.5 !.foo-2',
  'pybah !python', 'pyfoo-3.1 python-2.7+', 'pyodd<2 python-2.7', 'nopy python-2.5.2', 'bahish pybah<5',
  'pybah-4 pyfoo-3.0', 'nada nopy', 'pyfoo', 'pyfoo-3.0', 'pyfoo-3.0 .eek-4.5', 'pybah', 'nopy python',
  'pybah !python-2.5', 'pybah !python-2.5 python<2.6.8', 'python pybah', 'python pyodd', 'pybah pyodd',
  'pysplit python-2.5', '~python<2.6 pysplit', 'python bahish pybah', '.foo-2.5+ .foo-2', 'pymum-1', 'pydad-1',
  'pyson-1', 'pymum-3', 'pydad-3', 'pymum-2', 'pyvariants python', 'pyvariants python nada',
  'test_variant_split_start', 'missing_variant_requires', 'test_weakly_reference_requires test_variant_split_mid2-2',
  'test_weakly_reference_variant-2.0 test_variant_split_mid2-2 pyfoo', 'nothere',
];

test('the CLI is given for the cross-target resolves', (t) => {
  if (!bin || !solver) t.skip('PKGLENS_BIN or PKGLENS_REZ_SOLVER is not set');
});

test('same JSON, DOT and Mermaid as the CLI: rez\'s solver tests, both variant selection modes', { skip: !bin || !solver }, () => {
  const files = repoFiles(solver);
  const set = new PackageSet(parseFiles(files));
  const statuses = new Set();
  for (const request of SOLVER_REQUESTS) {
    for (const variantSelectMode of ['version_priority', 'intersection_priority']) {
      statuses.add(sameAsCli(files, [solver], request.split(' '), { variantSelectMode }, set));
    }
  }
  assert.deepEqual([...statuses].sort(), ['error', 'failed', 'refused', 'solved']);
  set.free();
});

test('same JSON, DOT and Mermaid as the CLI: the examples, implicit requests, allowDynamic, two repositories, a final slash', { skip: !bin || !solver }, () => {
  const files = [...examples, ...repoFiles(solver)];
  for (const request of ['usd-23 !python-3.11', 'usd-24 python-3.9', 'usd', 'studio_pipeline', 'ocio', 'python', 'pyfoo']) {
    const requests = request.split(' ');
    sameAsCli(files, [EXAMPLES], requests, { implicit: ['~platform==linux', '~arch==x86_64'] });
    sameAsCli(files, [EXAMPLES], requests, { allowDynamic: true });
    sameAsCli(files, [solver, EXAMPLES], requests);
    sameAsCli(files, [EXAMPLES, solver], requests);
    sameAsCli(files, [`${EXAMPLES}/`], requests); // a repository named with its final slash
  }
});

const bench = process.env.PKGLENS_REZ_BENCH;
const benchRequests = process.env.PKGLENS_REZ_REQUESTS;

test('same JSON, DOT and Mermaid as the CLI: rez\'s benchmark requests over its 18,226-file repository', { skip: !bin || !bench || !benchRequests }, () => {
  const files = repoFiles(bench);
  const set = new PackageSet(parseFiles(files));
  const requests = JSON.parse(readFileSync(benchRequests, 'utf8')).slice(0, 12);
  for (const request of requests) sameAsCli(files, [bench], request, {}, set);
  // rez's package_orderers (scripts/conformance/rez_orderers.py checks these lists against rez).
  const orderers = [
    { type: 'per_family', orderers: [
      { packages: ['sentence', 'magnet'], type: 'version_split', first_version: '2.9' },
      { packages: ['wave'], type: 'sorted', descending: false },
    ] },
    { type: 'sorted', descending: false, packages: ['crystal', 'unit'] },
  ];
  for (const request of requests.slice(0, 6)) sameAsCli(files, [bench], request, { orderers }, set);
  // soft_timestamp reads every version of the families it orders: in the package as in the CLI.
  const soft = [{ type: 'per_family', orderers: [
    { packages: ['wave'], type: 'soft_timestamp', timestamp: 1600129473, rank: 3 },
    { packages: ['crystal', 'unit'], type: 'soft_timestamp', timestamp: 1600129564 },
  ] }, { type: 'soft_timestamp', timestamp: 1600129886 }];
  for (const request of requests.slice(0, 6)) sameAsCli(files, [bench], request, { orderers: soft }, set);
  // At resolve times (scripts/conformance/rez_resolve_time.py's, checked against rez): an
  // older version picked, a conflict, nothing left.
  const statuses = new Set();
  for (const [request, time] of [['cock', 1600129864], ['cock support-18.0.566', 1600129863], ['cock', 1600129862]]) {
    statuses.add(sameAsCli(files, [bench], request.split(' '), { time }, set));
  }
  assert.deepEqual([...statuses].sort(), ['error', 'failed', 'solved']);
  // rez's package_filter (its rule types checked against rez by scripts/conformance/rez_filter.py), alone
  // and joined with a resolve time.
  const packageFilter = [
    { excludes: ['glob(*.alpha*)', 'regex(.*\\.staging(\\.\\w+)*$)', 'range(!wave-3)'] },
    { excludes: ['after(1600129886)'], includes: ['support', 'danger'] },
  ];
  for (const request of [['support'], ['danger'], ...requests.slice(0, 4)]) {
    sameAsCli(files, [bench], request, { packageFilter }, set);
    sameAsCli(files, [bench], request, { packageFilter, time: 1600130600 }, set);
  }
  set.free();
});
