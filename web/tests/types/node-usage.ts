// Type-checked with tsc against the installed package (Node resolution): the types must
// describe what the API returns. A wrong field name here fails the test command.
import { parseFiles, passedOver, scanJson, PackageSet, pep440, rez, selectFiles, walkFolder, planWheel, finishWheel, readWheelUrl, indexTree, type FileRecord, type Problem, type Resolved, type ScanSummary, type WalkPlace, type SetOptions, resolve, resolveJson, resolveDot, resolveMermaid, type ResolveOptions, type ResolveReport, type PackageOrdererConfig } from 'pkglens';

const records: FileRecord[] = parseFiles([{ name: 'requirements.txt', bytes: 'requests>=2\n' }]);
const first: FileRecord = records[0]!;
const names: string[] = first.requirements.map((r) => r.name);
const line: number = first.error?.line ?? 0;
const set = new PackageSet(records, { python: '3.12', platform: 'linux', groups: ['dev'] });
const problems: Problem[] = set.check().problems;
const kinds: string[] = problems.map((p) => p.kind);
const byKind: number | undefined = set.check().summary.by_kind['missing'];
const resolved: Resolved[] = set.requirements(0);
const states = resolved.map((r) => r.resolution satisfies 'satisfied' | 'unsatisfied' | 'missing' | 'inactive');
const dot: string = set.graphDot({ roots: ['requests'], depth: 2 });
const order: number = pep440.compare('1.0', '2.0') + rez.compare('1', '2');
const ok: boolean = pep440.satisfies('1.0', '>=1') && rez.satisfies('1.5', '1+<2');
const chosen: string[] = selectFiles(['a/package.py'], 'a');
const step = walkFolder(null, ['requirements.txt'], ['site-packages']);
const read: number[] = step.files;
const next: WalkPlace | null = step.folders[0] ?? null;
const scan: ScanSummary = set.scanSummary();
const plan = planWheel('x-1.0-py3-none-any.whl', 100);
const wanted: number = plan.read ? plan.read.start + plan.read.length : 0;
const wheel: FileRecord | undefined = plan.record;
const finished: FileRecord = finishWheel('x-1.0-py3-none-any.whl', 100, [{ start: 0, bytes: new Uint8Array(100) }]);
// Over HTTP: a record per URL; a tree with the CLI's graph and check JSON, progress as it reads.
const remote: Promise<FileRecord> = readWheelUrl('https://files.example/x-1.0-py3-none-any.whl', { fetch: globalThis.fetch });
const tree = indexTree(['flask[async]'], {
  indexUrl: 'http://127.0.0.1:8080/simple', python: '3.12', platform: 'linux', connections: 4,
  onProgress: ({ visited, requests, bytes, wanted, record }) => [visited + requests + bytes, wanted.name, record?.status],
});
const treeNodes: Promise<number> = tree.then((t) => t.graph.graph.nodes.length + t.check.summary.problems + t.records.length);
// Target names are checked: a platform the CLI refuses is a type error too.
const target: SetOptions = { python: '3.9', platform: 'darwin', machine: 'arm64' };
// @ts-expect-error not a platform
const badTarget: SetOptions = { platform: 'beos' };
// rez resolves over files and over a set: the CLI's `resolve --format json`.
const report: ResolveReport = resolve('usd-24 python-3.11', { files: [{ name: 'usd/24.05/package.py', bytes: 'name = "usd"\n' }], repos: [''] });
const filtered: ResolveReport = resolve('usd', { files: [], packageFilter: [{ excludes: ['glob(*.beta)'], includes: 'foo' }] });
const configured: ResolveReport = resolve('usd', { files: [], packageFilter: "package_filter = {'excludes': 'after(1429830188)'}\n" });
const ordered: ResolveReport = resolve('usd', { files: [], orderers: [{ type: 'per_family', orderers: [{ type: 'version_split', first_version: '3.10', packages: ['python'] }] }] });
const soft: ResolveReport = resolve('usd', { files: [], orderers: [{ type: 'soft_timestamp', timestamp: 1600129408, rank: 3 }] });
const fromText: PackageOrdererConfig[] | undefined = resolve('usd', { files: [], orderers: '- {type: soft_timestamp, timestamp: 1}\n' }).package_orderers;
const chains: string[][] = report.failure?.chains ?? [];
const variants: (number | null)[] = (set.resolve(['usd'], { variantSelectMode: 'intersection_priority' }).packages ?? []).map((p) => p.variant);
const resolvedText: string = resolveJson(['usd'], { files: [], implicit: ['~platform==linux'], allowDynamic: true, time: '-2h' });
const atTime: number | undefined = set.resolve(['usd'], { time: 1600129408 }).requested_timestamp;
// ... and its graph, as `resolve --format dot|mermaid` prints it.
const resolveGraphs: string[] = [resolveDot('usd', { files: [] }), resolveMermaid(['usd'], { files: [], repos: [''] }), set.resolveDot('usd'), set.resolveMermaid('usd', { allowDynamic: true, time: 1600129408 })];
// @ts-expect-error the files are needed
const noFiles = resolveDot('usd', {});
// @ts-expect-error not a variant selection mode
const badMode: ResolveOptions = { variantSelectMode: 'newest' };
// What the walk passed over: listed, then given to scanJson as scan -v gives it.
const skippedFiles = passedOver(['r/a/notes.md', 'r/a/package.py'], 'r');
const skippedReason: string = skippedFiles[0]?.reason ?? '';
const scannedText: string = scanJson([], { passedOver: skippedFiles });
export { skippedReason, scannedText, remote, treeNodes, target, badTarget, names, line, kinds, byKind, states, dot, order, ok, chosen, read, next, scan, wanted, wheel, finished, chains, variants, resolvedText, resolveGraphs, noFiles, badMode };
