// Messages between the page and the parsing worker. The worker holds the records and the
// package set; the page asks it questions and gets plain, structured-cloneable answers.
import type {
  CheckReport, DiffReport, Graph, Package, Problem, FileRecord, Resolved, ScanSummary, SetOptions, SetPackage,
} from 'pkglens';
import type { PackageFilterConfig, ResolveReport } from 'pkglens';

/** rez's `package_filter` as the npm package's `packageFilter` option takes it. */
export type PackageFilterOption = PackageFilterConfig | PackageFilterConfig[] | string;
import type { SortSpec } from './order';

/** One input file: its path in the dropped tree, and its contents (a File read lazily, or text). */
export interface InputFile {
  name: string;
  bytes: Blob | string;
  /** Files read with this one (an egg-info's `requires.txt` with its `PKG-INFO`). */
  includes?: { name: string; bytes: Blob | string }[];
}

export interface Ready {
  build: 'single' | 'threads';
  threads: number;
  fallback: string | null;
  version: string;
  crossOriginIsolated: boolean;
  startMs: number;
}

/** A problem with the package it concerns, when it concerns one. */
export interface LinkedProblem extends Problem {
  /** Id of the package (index in `packages`), or null for a file-level requirement. */
  pkg: number | null;
}

export interface Loaded {
  packages: SetPackage[];
  /** Problems per package id, every kind counted. */
  problemCounts: number[];
  problems: LinkedProblem[];
  summary: CheckReport['summary'];
  scan: ScanSummary;
  /** Inputs offered, and among them the files read (the CLI's choice). */
  offered: number;
  selected: number;
  /** Files read this time (fewer than `selected` when cancelled). */
  parsed: number;
  parseMs: number;
  setMs: number;
  /**
   * Where `setMs` went: building the set, checking it, linking problems to packages; and, not in
   * `setMs`, putting the records of a walked folder in walk order before (`reorder`) and sorting
   * the rows for the page's table after (`sort`).
   */
  steps: { set: number; check: number; link: number; reorder?: number; sort?: number };
  threads: number;
  cancelled: boolean;
  /** Ids of `packages` in the table's order for `sort` (as asked), sorted in the worker. */
  order: { sort: SortSpec; ids: number[] } | null;
}

/**
 * A checked set as the worker answers it: `packages`, `problemCounts` and `problems` arrive
 * before it in `slice` events (a message each), not in this message, and the page's side of
 * the worker (src/client.ts) puts them back in place.
 */
export type SlicedLoaded = Loaded & { sliced: true };

export interface PackageDetails {
  pkg: SetPackage;
  package: Package;
  record: Pick<FileRecord, 'path' | 'format' | 'status' | 'reason' | 'error'>;
  requirements: Resolved[];
  dependents: Resolved[];
  /** Names of the packages the ids in `requirements` and `dependents` refer to. */
  names: { [id: number]: string };
  problems: LinkedProblem[];
}

export interface Progress {
  done: number;
  total: number;
  elapsedMs: number;
  /** `walking`: reading while folders are still listed (`total` is what was found so far). */
  phase: 'listing' | 'walking' | 'parsing' | 'checking';
}

/** `pkglens why NAME`: the chains from a root down to it, each step with its package id. */
export interface Why {
  name: string;
  /** Whether a package of the name is in the set (else the chains end at what requires it). */
  present: boolean;
  /** Each chain from a root (a file or a package nothing requires) down to `name`. */
  chains: { label: string; pkg: number | null }[][];
  /** Whether there may be more chains than shown. */
  limited: boolean;
}

/** `pkglens diff OLD NEW` with the current set as NEW, and what OLD is. */
export interface Diff {
  diff: DiffReport['diff'];
  old: { label: string; files: number; packages: number };
  current: { files: number; packages: number };
  /** Package ids of the current set by `name version`, to link added and changed packages. */
  ids: { [label: string]: number };
}

export interface GraphRequest {
  /** Package name at the centre, or null for the whole set. */
  root: string | null;
  depth?: number;
  /** The one package of that name at the centre (its version and file): its neighbourhood only, not its name's other versions'. */
  centre?: { version: string; path: string };
}

/** One package read from an index by `fromIndex`, as its metadata arrives. */
export interface IndexStep {
  visited: number;
  requests: number;
  bytes: number;
  /** The requirement the walk reached it by (`name[extras]spec`). */
  wanted: string;
  /** What was read: `name version`, or why nothing was (an error, no file matching). */
  found: string;
  status: 'ok' | 'dynamic' | 'error' | 'none';
}

/**
 * A resolve's request and options, as `pkglens resolve` takes them: `time` as `--time`,
 * `orderers` the text of an `--orderers` file (YAML or JSON; empty: none).
 */
export interface ResolveArgs {
  requests: string[];
  repos: string[];
  time?: string;
  orderers?: string;
  packageFilter?: PackageFilterOption;
}

export interface Methods {
  init(args: { build?: 'single' }): Ready;
  /** Indices of the files `pkglens scan` would read among these paths, in its walk order. */
  select(args: { names: string[] }): number[];
  /** The files read with another of their folder (an egg-info's `requires.txt`), as indices. */
  companions(args: { names: string[] }): number[];
  /**
   * Parses `total` files that arrive in `files` controls (then `end`), and checks the set.
   * Files are sent in small chunks: the first structured clone of a File of a picked folder
   * costs a round trip to the browser process, and the page's thread must not block.
   */
  parse(args: { total: number; append: boolean; options: SetOptions; sort: SortSpec }): Loaded;
  /**
   * Walks these dropped or picked folders (and files) in the worker, reads the files the CLI
   * would read, parses them and checks the set: the page's thread does nothing meanwhile.
   */
  parseHandles(args: { roots: FileSystemHandle[]; append: boolean; options: SetOptions; sort: SortSpec }): Loaded;
  setOptions(args: { options: SetOptions; sort: SortSpec }): Loaded;
  details(args: { id: number }): PackageDetails;
  graph(args: GraphRequest): Graph;
  /** Ids of the packages of this name (matched as its ecosystem matches names), in the set's order. */
  find(args: { name: string }): number[];
  why(args: { name: string; limit?: number }): Why;
  /**
   * Parses `total` files sent as for `parse` into the OLD side of the diff view, leaving the
   * current set as it is.
   */
  parseOld(args: { total: number; label: string }): { files: number; packages: number };
  /** Parses folders (handles) into the OLD side of the diff view. */
  parseOldHandles(args: { roots: FileSystemHandle[]; label: string }): { files: number; packages: number };
  /** Keeps the current set as the OLD side: the next load is compared with it. */
  keepAsOld(args: { label: string }): { files: number; packages: number };
  /** The diff from the OLD side to the current set, or null when there is no OLD side. */
  diff(args: Record0): Diff | null;
  exportJson(args: Record0): string;
  exportDot(args: GraphRequest): string;
  clear(args: Record0): null;
  /** `pkglens resolve --format json` over the set's rez packages, `repos` being folders of their paths. */
  resolve(args: ResolveArgs): ResolveReport;
  /** The same resolve's graph as `pkglens resolve --format dot|mermaid` prints it. */
  resolveGraph(args: ResolveArgs & { syntax: 'dot' | 'mermaid' }): string;
  /**
   * The dependency tree of `requirements` (requirements.txt lines) on the index at `indexUrl`,
   * read over fetch as `pkglens graph --index-url` reads it; each package read is an `index`
   * event as it arrives. The tree's records become the current set.
   */
  fromIndex(args: { requirements: string; indexUrl: string; options: SetOptions; sort: SortSpec }): Loaded;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type Record0 = {};

export type Method = keyof Methods;
export interface Request<M extends Method = Method> {
  rid: number;
  method: M;
  args: Parameters<Methods[M]>[0];
}
export type Response =
  | { rid: number; ok: true; value: unknown }
  | { rid: number; ok: false; error: string; cancelled?: boolean; fatal?: boolean };
export type WorkerEvent =
  | { event: 'progress'; progress: Progress }
  /** Posted every second while a parse is under way: this worker's thread is not stuck. */
  | { event: 'alive' }
  /** Packages read so far (ids continue from the last batch), before the set is checked. */
  | { event: 'rows'; rows: SetPackage[] }
  /** Part of the checked set the next answer (a `SlicedLoaded`) carries, in order. */
  | { event: 'slice'; packages: SetPackage[]; problemCounts: number[]; problems: LinkedProblem[] }
  /** A package read from an index (`fromIndex`). */
  | { event: 'index'; step: IndexStep }
  | Response;
export type Control = { control: 'cancel' } | { control: 'files'; files: InputFile[] } | { control: 'end' };
