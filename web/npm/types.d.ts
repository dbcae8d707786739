// Types of schema `pkglens/1` (docs/schema.md) and of the API. Checked with `tsc` by the tests.

export type Ecosystem = 'python' | 'rez';
export type Format =
  | 'metadata' | 'pkg-info' | 'rez-package-py' | 'rez-package-yaml' | 'pyproject'
  | 'requirements-txt' | 'pylock' | 'uv-lock' | 'wheel' | 'sdist';
export type Status = 'ok' | 'dynamic' | 'error';
export type Platform = 'linux' | 'macos' | 'darwin' | 'windows' | 'win32' | 'freebsd';
export type Machine = 'x86_64' | 'amd64' | 'aarch64' | 'arm64' | 'x86' | 'i686' | 'armv7l' | 'ppc64le' | 's390x' | 'riscv64';
export type ErrorKind =
  | 'encoding' | 'syntax' | 'missing_field' | 'invalid_value' | 'too_large' | 'binary' | 'unsupported' | 'io';

/** One requirement as written, and its parts. */
export interface Requirement {
  raw: string;
  name: string;
  /** PEP 440 specifiers or a rez range; empty for any version. */
  spec: string;
  extras?: string[];
  marker?: string;
  url?: string;
  /** `run`, `build`, `private_build`, `optional:<extra>`, `group:<name>`, `constraint`, `weak`, `conflict`. */
  kind: string;
  /** 1-based line it was read from (0 when unknown). */
  line: number;
}

export interface Package {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  requires: Requirement[];
  requires_python?: string;
  provides_extra?: string[];
  summary?: string;
  metadata_version?: string;
  license_expression?: string;
  dynamic?: string[];
  build_requires?: Requirement[];
  private_build_requires?: Requirement[];
  variants?: Requirement[][];
  tools?: string[];
  description?: string;
  extra?: { [field: string]: unknown };
  line?: number;
}

export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
  /** 1-based; 0 when the error concerns the whole file. */
  line: number;
  /** 1-based, in characters; 0 when the error concerns the whole file. */
  column: number;
}

/**
 * What one input file describes. Named `FileRecord`, not `Record`, so that importing it does not
 * shadow TypeScript's built-in `Record<K, V>`.
 */
export interface FileRecord {
  path: string;
  format: Format | null;
  status: Status;
  reason?: string;
  error?: ErrorInfo;
  packages: Package[];
  requirements: Requirement[];
}

export interface ScanSummary {
  files: number;
  ok: number;
  dynamic: number;
  errors: number;
  packages: number;
  requirements: number;
  /** Files the walk passed over (absent when none): given as `passedOver`. */
  passed_over?: number;
  /** Those files and why, when `passedOver` gave them (as `scan -v` lists them). */
  passed_over_files?: PassedOverFile[];
}

/** A file `pkglens scan` passes over, and why (`scan -v`). */
export interface PassedOverFile {
  path: string;
  reason: string;
}

/** What a caller's walk passed over: a count, or the files and why (`passedOver()`). */
export type PassedOverInput = number | Iterable<PassedOverFile>;

export type ProblemKind = 'parse_error' | 'missing' | 'unsatisfied' | 'conflict' | 'cycle' | 'duplicate' | 'incompatible' | 'unpinned' | 'dynamic';

export interface Problem {
  kind: ProblemKind;
  /** `name version`, or empty for a file-level requirement. */
  package: string;
  requirement: string;
  /** The name required (`missing`, `unsatisfied`, `conflict`), else empty. */
  name: string;
  path: string;
  line: number;
  message: string;
}

export interface CheckReport {
  schema: 'pkglens/1';
  problems: Problem[];
  summary: {
    files: number;
    packages: number;
    /** Lock packages left out as not for the target. */
    off_target: number;
    problems: number;
    /** Problems that fail the check (all but `dynamic`). */
    failures: number;
    by_kind: { [kind: string]: number };
    shapes: { [ecosystem: string]: 'environment' | 'repository' | 'empty' | 'declarations' };
    target: { python: string; platform: string; machine: string };
    sets: { path: string; files: number; packages: number; problems: number }[];
  };
}

/** A file a view left out because it could not be read. */
export interface Unreadable { path: string; line: number; message: string }
export interface GraphNode { id: string; name: string; version: string; ecosystem: Ecosystem | 'file'; path: string; missing: boolean }
export interface GraphEdge {
  from: string;
  to: string;
  requirement: string;
  spec: string;
  status: 'satisfied' | 'unsatisfied' | 'missing';
  kind: 'run' | 'extra' | 'group' | 'build';
}
export interface Graph { nodes: GraphNode[]; edges: GraphEdge[]; roots: string[]; reverse: boolean }
export interface GraphReport { schema: 'pkglens/1'; graph: Graph; unreadable: Unreadable[] }
export interface WhyReport {
  schema: 'pkglens/1';
  name: string;
  /** Whether a package of the name is in the set (else the chains end at its requirers). */
  present: boolean;
  chains: string[][];
  truncated: boolean;
  unreadable: Unreadable[];
}
export interface Change {
  ecosystem: Ecosystem;
  name: string;
  old_versions: string[];
  new_versions: string[];
  requirements_added: string[];
  requirements_removed: string[];
}
export interface RequirementChange { name: string; old: string[]; new: string[] }
export interface DiffReport {
  schema: 'pkglens/1';
  diff: { added: string[]; removed: string[]; changed: Change[]; requirements: RequirementChange[] };
  unreadable: Unreadable[];
}

/** A package of a set. `id` is its index in `packages()`. */
export interface SetPackage {
  id: number;
  ecosystem: Ecosystem;
  name: string;
  version: string;
  path: string;
  /** Index of its record, and of the package in that record. */
  record: number;
  index: number;
  /**
   * Its requirements that apply for the set's target: its rez variants' included; an extra
   * nobody asks for, a false marker, a build requirement (unless `build`) not.
   */
  requires: number;
  /** Its requirements that are missing or unsatisfied. */
  problems: number;
}

/** A requirement and how it resolved against the set. */
export interface Resolved {
  /** The requiring package, or null for a file-level requirement. */
  from: number | null;
  path: string;
  /** `requires`, `build_requires`, `private_build_requires`, `variants[i]` or `requirements`. */
  list: string;
  requirement: Requirement;
  resolution: 'satisfied' | 'unsatisfied' | 'missing' | 'inactive';
  /** Packages of that name that satisfy it (satisfied) or do not (unsatisfied). */
  packages: number[];
}

/**
 * The target a set is checked for. The names are checked as the CLI checks `--target-python`,
 * `--platform` and `--machine`: a bad value, or an unknown option, throws an `Error`.
 */
export interface SetOptions {
  /** Python version markers are evaluated for, `X.Y` or `X.Y.Z` (default 3.12). */
  python?: string;
  /** `linux`, `macos` (`darwin`), `windows` (`win32`) or `freebsd` (default linux). */
  platform?: Platform;
  /** `x86_64` (`amd64`), `aarch64` (`arm64`), `x86` (`i686`), `armv7l`, `ppc64le`, `s390x` or `riscv64` (default x86_64). */
  machine?: Machine;
  /** Dependency groups whose requirements are needed; `*` for all. */
  groups?: string[];
  /** Whether build requirements are needed. */
  build?: boolean;
}

export interface GraphOptions { roots?: string[]; reverse?: boolean; depth?: number }

export declare class PackageSet {
  constructor(records: FileRecord[], options?: SetOptions);
  /** A builder of a set with these options: records go in as they come, `build()` at the end. */
  static builder(options?: SetOptions): PackageSetBuilder;
  /** The same records in a new set with other options (they do not leave wasm). */
  withOptions(options?: SetOptions): PackageSet;
  readonly size: number;
  check(): CheckReport;
  /** Exactly what `pkglens check --format json` prints. */
  checkJson(): string;
  packages(): SetPackage[];
  find(name: string): number[];
  requirements(id: number): Resolved[];
  dependents(id: number): Resolved[];
  graph(options?: GraphOptions): GraphReport;
  graphDot(options?: GraphOptions): string;
  graphMermaid(options?: GraphOptions): string;
  why(name: string, limit?: number): WhyReport;
  /** The summary of `scan --format json` over the set's records. */
  scanSummary(): ScanSummary;
  /** What changed from `old` to this set. */
  diff(old: PackageSet): DiffReport;
  /** `resolve` over the set's rez package records (their paths stand for the repositories' files). */
  resolve(requests: string[] | string, options?: ResolveOptions): ResolveReport;
  /** Exactly what `pkglens resolve --format json` prints, over the set's rez package records. */
  resolveJson(requests: string[] | string, options?: ResolveOptions): string;
  /** Exactly what `pkglens resolve --format dot` prints (the resolve graph), over the set's rez package records. */
  resolveDot(requests: string[] | string, options?: ResolveOptions): string;
  /** Exactly what `pkglens resolve --format mermaid` prints, over the set's rez package records. */
  resolveMermaid(requests: string[] | string, options?: ResolveOptions): string;
  /** Frees the wasm memory now (otherwise when garbage collected). */
  free(): void;
}

/**
 * A package set under construction: records go in while files are still being read (`add`, or
 * `parseStream`/`parseFiles` given it as `builder`, whose parsed records then stay in wasm), and
 * `build()` makes the set `new PackageSet(records, options)` would give for the same records.
 */
export declare class PackageSetBuilder {
  constructor(options?: SetOptions);
  /** The number of records held. */
  readonly length: number;
  /** Adds records after those held. */
  add(records: FileRecord[]): this;
  /** Adds the records of a set, without their leaving wasm. */
  addSet(set: PackageSet): this;
  /** Keeps the first `length` records only. */
  truncate(length: number): this;
  /**
   * The set of the records held; with `order` (a permutation of their indices), record
   * `order[i]` becomes the set's record `i`. The builder is empty after.
   */
  build(options?: { order?: ArrayLike<number> }): PackageSet;
  /** Frees the wasm memory now (otherwise when garbage collected). */
  free(): void;
}

/** An input file. `bytes` may also be a Blob in `parseStream`. */
export interface FileInput { name: string; bytes: Uint8Array | ArrayBuffer | ArrayBufferView | string }
/** A record obtained elsewhere (`readWheel`, a cache): `parseStream` yields it as is, in its place. */
export interface RecordInput { name: string; record: FileRecord }
/**
 * A stream input; a file may bring `includes`, files only there to be looked up with it (an
 * egg-info's `requires.txt` beside its `PKG-INFO`).
 */
export type StreamInput = ((FileInput | { name: string; bytes: Blob }) & { includes?: (FileInput | { name: string; bytes: Blob })[] })
  | Blob | RecordInput;

/** A range of a file's bytes. */
export interface ByteRange { start: number; length: number }
/** Bytes of a wheel read from `start` on. */
export interface WheelChunk { start: number; bytes: Uint8Array | ArrayBuffer | ArrayBufferView }

/** Where `readWheel` reads from when it is not a Blob. */
export interface RangeSource {
  size: number;
  read(start: number, length: number): Uint8Array | Promise<Uint8Array>;
}

/**
 * Where a folder is in a walk: anywhere (`normal`), a folder named like `requirements` or below
 * one (`requirements`: its `.txt`, `.in` and `.lock` files are read), a virtual environment's way
 * to its site-packages (`venv`), a site-packages (`site`).
 */
export type WalkPlace = 'normal' | 'requirements' | 'venv' | 'site';

/** One folder of a walk: the files read (indices, in walk order) and the place of each folder (null: skipped). */
export interface WalkStep {
  files: number[];
  folders: (WalkPlace | null)[];
  /** Files read with another (an egg-info's `requires.txt`): known when the folder's name is given. */
  companions: number[];
}

export interface Versions {
  /** -1, 0 or 1; throws for an invalid version. */
  compare(a: string, b: string): number;
  /** Whether `version` is in `spec` (empty: any); throws for invalid input. */
  satisfies(version: string, spec: string): boolean;
}

/** Options of a rez resolve (`pkglens resolve`). */
export interface ResolveOptions {
  /** The repositories' folders among the files' names, searched in order like rez's `packages_path` (default `['']`: the names start at the one repository). */
  repos?: string[];
  /** rez's `variant_select_mode` (default `version_priority`). */
  variantSelectMode?: 'version_priority' | 'intersection_priority';
  /** rez's `implicit_packages`: requests put before the others, e.g. `~platform==linux`. */
  implicit?: string[];
  /** The CLI's `--allow-dynamic`: use the literal values of a package whose solver fields are partly computed. */
  allowDynamic?: boolean;
  /** The CLI's `--time`: leave out packages released after it, as `rez env --time`. An epoch time (a number, or its digits), or a time before now (`'-10s'`, `'-5m'`, `'-2h'`, `'-1d'`); `0` or `''` is none. Anything else throws. */
  time?: number | string;
  /**
   * rez's `package_orderers`, as in a rezconfig: e.g.
   * `[{ type: 'version_split', first_version: '3.7', packages: ['python'] }]`
   * (`sorted`, `version_split`, `no_order`, `per_family`, `soft_timestamp`); or the text of
   * an orderers file, YAML or JSON (the list, or a rezconfig mapping setting `package_orderers`),
   * as the CLI's `--orderers FILE` reads a `.yaml` one.
   */
  orderers?: PackageOrdererConfig[] | string;
  /**
   * rez's `package_filter`, as in a rezconfig: one filter or a list of them, e.g.
   * `[{ excludes: ['glob(*.beta)', 'after(1429830188)'], includes: ['foo'] }]`
   * (rules: `glob(...)`, `regex(...)`, `range(...)`, `before(T)`, `after([family:]T)`; a bare
   * rule is a glob if it holds `*`, else a range), or the text of a `rezconfig.py` that sets
   * it (read statically). Packages it excludes are left out; a bad rule throws, naming it.
   */
  packageFilter?: PackageFilterConfig | PackageFilterConfig[] | string;
}

/** One filter of rez's `package_filter`: a package is excluded when an `excludes` rule matches it and no `includes` rule does. */
export interface PackageFilterConfig {
  excludes?: string | string[];
  includes?: string | string[];
}

/** One entry of rez's `package_orderers`: its `type` and that orderer's fields. */
export interface PackageOrdererConfig {
  type: 'sorted' | 'version_split' | 'no_order' | 'per_family' | 'soft_timestamp';
  /** The families it orders (default: every family); required inside `per_family`. */
  packages?: string | string[];
  /** `sorted`: highest version first. */
  descending?: boolean;
  /** `version_split`: versions up to this one first. */
  first_version?: string;
  /** `soft_timestamp`: the epoch time; versions released by it are tried first. */
  timestamp?: number;
  /** `soft_timestamp`: later versions differing only from this rank on come with earlier ones. */
  rank?: number;
  /** `per_family`: an orderer per family. */
  orderers?: PackageOrdererConfig[];
  /** `per_family`: rez's `default_order`. */
  default_order?: PackageOrdererConfig;
}

/** One resolved package of `resolve`. */
export interface ResolvedPackage {
  name: string;
  version: string;
  /** The variant's index, or null for a package without variants. */
  variant: number | null;
  path: string;
  /** The variant's requirements, merged as rez merges them. */
  requires: string[];
  /** Who required it: a resolved family, or null for the request. */
  requested_by: { by: string | null; requirement: string }[];
  /** Solver fields taken as absent (`allowDynamic`). */
  computed?: string[];
}

/** The answer of `pkglens resolve --format json` (docs/schema.md, "Resolve"). */
export interface ResolveReport {
  schema: 'pkglens/1';
  /** The requests as rez merges them (implicit ones first). */
  request: string[];
  /** The resolve's time (`time`), when it had one. */
  requested_timestamp?: number;
  /** The orderers given (the `orderers` option), as rez's resolved context records them; absent without any. */
  package_orderers?: PackageOrdererConfig[];
  /** The package filter given (the `packageFilter` option), as rez's resolved context records it: each filter's `excludes` and `includes` rule strings (`glob(*.beta)`, `range(foo-1+)`, `after(1600000000)`); absent without one. */
  package_filter?: { excludes?: string[]; includes?: string[] }[];
  families_read: number;
  /** `solved`, `failed` (rez's solver fails) or `error` (rez raises). */
  status: 'solved' | 'failed' | 'error';
  solves?: number;
  fails?: number;
  packages?: ResolvedPackage[];
  ephemerals?: string[];
  /** Why the resolve failed: rez's description, and each requirement's chain from the request. */
  failure?: { kind: 'conflicts' | 'total_reduction' | 'cycle'; description: string; chains: string[][] };
  /** rez's error message. */
  error?: string;
}

export interface Pkglens {
  /**
   * One record per file, in input order; never throws for a bad file. With `builder`, the
   * records are also added to it, without crossing back into wasm.
   */
  parseFiles(files: FileInput[], options?: { includes?: FileInput[]; builder?: PackageSetBuilder }): FileRecord[];
  /**
   * Records in input order, with at most `window` files held at once. With `builder`, each
   * window's records are added to it before they are yielded (parsed ones without crossing
   * back into wasm): stopping early leaves it the whole window, which `truncate` can cut.
   */
  parseStream(
    files: AsyncIterable<StreamInput> | Iterable<StreamInput>,
    options?: { window?: number; signal?: AbortSignal; includes?: FileInput[]; builder?: PackageSetBuilder },
  ): AsyncGenerator<FileRecord, void, undefined>;
  /** Exactly what `pkglens scan --format json` prints for these files. */
  scanJson(files: FileInput[], options?: { includes?: FileInput[]; passedOver?: PassedOverInput }): string;
  /**
   * The files `pkglens scan <root>` passes over among `files`, in walk order, and why: what
   * the CLI's summary counts as `passed_over` (give it to `scanJson` or `summarize`).
   */
  passedOver<T extends string | { name: string } | File>(files: Iterable<T>, root?: string): Array<PassedOverFile & { file: T }>;
  /** The files `pkglens scan <root>` would read among these, in its walk order. */
  selectFiles<T extends string | { name: string } | File>(files: Iterable<T>, root?: string): T[];
  /**
   * The files `pkglens scan <root>` reads together with another (an egg-info's `requires.txt`,
   * merged into its `PKG-INFO`): pass them as `includes` beside the files `selectFiles` chose.
   */
  companionFiles<T extends string | { name: string } | File>(files: Iterable<T>, root?: string): T[];
  /**
   * One folder of the walk `pkglens scan` makes, for callers that list folders themselves:
   * given its place (from an earlier answer; none for the walk's roots) and the names of its
   * files and folders, which files are read and what each folder is entered as.
   */
  walkFolder(place: WalkPlace | null | undefined, files: readonly string[], folders: readonly string[], name?: string): WalkStep;
  /**
   * A wheel read lazily: the tail, then at most two ranges. The wheel's file name
   * (`name-version-tags.whl`) is part of what is read (it is checked against the METADATA), so
   * a source without one, a Blob or a RangeSource, needs `name`; a File has its own.
   */
  readWheel(source: File | (Blob & { name: string }) | (RangeSource & { name: string })): Promise<FileRecord>;
  readWheel(source: Blob | RangeSource, name: string): Promise<FileRecord>;
  /**
   * The stateless form of `readWheel`: the next byte range the wheel needs given the chunks
   * read so far, or its record once they hold enough.
   */
  planWheel(name: string, size: number, chunks?: WheelChunk[]): { read: ByteRange; record?: undefined } | { record: FileRecord; read?: undefined };
  /** The record of a wheel from the chunks `planWheel` asked for; throws if one is missing. */
  finishWheel(name: string, size: number, chunks: WheelChunk[]): FileRecord;
  /**
   * The record of a wheel URL (or a PEP 658 `<wheel>.metadata` URL) over `fetch`: the tail and
   * the METADATA member by `Range` requests (three at most), or the whole file when the server
   * ignores `Range` (a `#sha256=` fragment checked). Failures are `io` error records.
   */
  readWheelUrl(url: string, options?: FetchOptions): Promise<FileRecord>;
  /**
   * The dependency tree of requirements on an index, as `pkglens graph --index-url` reads it:
   * the newest match per name, no backtracking (conflicts are problems of `check`), extras and
   * markers followed for the target.
   */
  indexTree(requirements: string | string[], options?: IndexTreeOptions): Promise<IndexTree>;
  summarize(records: FileRecord[], options?: { passedOver?: PassedOverInput }): ScanSummary;
  /**
   * rez requests (an array, or one string split at spaces like `rez env`'s) resolved over the
   * files of rez repositories, as `pkglens resolve --format json` answers; a family's files are
   * parsed only when the solver asks for it. Throws for an invalid request.
   */
  resolve(requests: string[] | string, options: ResolveOptions & { files: FileInput[] }): ResolveReport;
  /** Exactly what `pkglens resolve --format json` prints. */
  resolveJson(requests: string[] | string, options: ResolveOptions & { files: FileInput[] }): string;
  /**
   * Exactly what `pkglens resolve --format dot` prints: the resolve graph (the request, each
   * resolved package and what required it; for a failure, the chains and the conflicts).
   */
  resolveDot(requests: string[] | string, options: ResolveOptions & { files: FileInput[] }): string;
  /** Exactly what `pkglens resolve --format mermaid` prints: the resolve graph as a Mermaid flowchart. */
  resolveMermaid(requests: string[] | string, options: ResolveOptions & { files: FileInput[] }): string;
  PackageSet: typeof PackageSet;
  PackageSetBuilder: typeof PackageSetBuilder;
  pep440: Versions;
  rez: Versions;
  /** Threads parsing uses (1 for the single-thread build). */
  threads(): number;
  version(): string;
  readonly schema: 'pkglens/1';
  readonly build: 'single' | 'threads';
  /** Why the single-thread build was chosen, when threads were possible to ask for. */
  readonly fallback?: string | null;
}

/** How the network is reached: `fetch` defaults to globalThis.fetch. */
export interface FetchOptions {
  fetch?: (url: string, init: { headers: Record<string, string>; signal?: AbortSignal; redirect: 'follow' }) => Promise<Response>;
  /** The most requests at once (default 8). */
  connections?: number;
  signal?: AbortSignal;
}

/** One package read by `indexTree`, and what was transferred so far. */
export interface IndexProgress {
  visited: number;
  requests: number;
  bytes: number;
  wanted: { name: string; spec: string; extras: string[] };
  /** The record read (null: no file matches). */
  record: FileRecord | null;
}

export interface IndexTreeOptions extends FetchOptions {
  /** The index's simple API (default https://pypi.org/simple). */
  indexUrl?: string;
  python?: string;
  platform?: Platform;
  machine?: Machine;
  /** How many packages ahead of the walk are fetched at once (default 64). */
  ahead?: number;
  onProgress?: (progress: IndexProgress) => void;
}

/** What `indexTree` answers: the records (the roots' requirements first), graph and check. */
export interface IndexTree {
  records: FileRecord[];
  /** What `pkglens graph --format json --index-url ...` prints. */
  graph: GraphReport;
  /** What `pkglens check --format json --index-url ...` prints. */
  check: CheckReport;
  requests: number;
  bytes: number;
}
