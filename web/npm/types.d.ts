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
}

export type ProblemKind = 'parse_error' | 'missing' | 'unsatisfied' | 'conflict' | 'cycle' | 'duplicate' | 'incompatible' | 'dynamic';

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
    shapes: { [ecosystem: string]: 'environment' | 'repository' | 'empty' };
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
  scanJson(files: FileInput[], options?: { includes?: FileInput[] }): string;
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
  summarize(records: FileRecord[]): ScanSummary;
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
