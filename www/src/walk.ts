/// <reference lib="webworker" />
// Walking a dropped or picked folder in the worker, through its FileSystemDirectoryHandle (the
// File System Access API): nothing of it touches the page's thread, and listing, opening and
// reading overlap. Measured in Chromium on a 2-core machine (docs/benchmarks.md): every File of
// an `<input webkitdirectory>` costs the page's thread a synchronous round trip to the browser
// process (~0.45 ms) before it can be posted; a directory handle is posted once.
//
// The folders entered and the files read are the CLI's (core/src/select.rs): each folder's
// place, files and subfolders go to the engine's `walkFolder`, which answers which files are
// read and what each subfolder is entered as (or that it is skipped); no rule is restated here.
import type { WalkPlace, WalkStep } from 'pkglens';
import { readJoined, unreadable, type ReadItem } from './read';

/** Compares `/`-separated paths in the CLI's walk order: component by component, as UTF-8 bytes. */
export function walkOrder(a: string, b: string): number {
  return walkKeyOrder(a.split('/'), b.split('/'));
}

/**
 * `walkOrder` of paths already split at `/`: to sort many paths, split each once (18,226 paths:
 * 30 to 45 ms instead of 190 to 210 ms splitting in every comparison).
 */
export function walkKeyOrder(x: string[], y: string[]): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return codePointCompare(x[i], y[i]);
  }
  return x.length - y.length;
}

/** UTF-8 byte order is code point order; UTF-16 order differs only past the surrogates. */
function codePointCompare(a: string, b: string): number {
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(j) as number;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

export interface WalkOptions {
  /**
   * One folder of the walk (the engine's `walkFolder`): given its place (none for the roots)
   * and the names of its files and folders, the files read and the place of each folder.
   */
  walk: (place: WalkPlace | null, files: string[], folders: string[], name?: string) => WalkStep;
  signal: AbortSignal;
  /** Files read together as one Blob (one request to the browser process). */
  window?: number;
  /** Told the number of files found so far, and whether the walk is still listing folders. */
  onFound?: (found: number, listing: boolean) => void;
}

/** Folders listed at once, and files opened (`getFile`) at once. */
const LISTING = 16;
const OPENING = 32;
/** Windows read at once (each one Blob): a few reads in flight hide part of their round trips. */
const READS_AT_ONCE = 3;

/**
 * The files the CLI would read under `roots` (folders walked, files taken when chosen), as
 * stream inputs in the order they are read, which is not the walk order: sort the records by
 * `walkOrder` of their paths once all are read. Folders are listed, files opened and windows
 * read at the same time, up to `READS_AT_ONCE` windows; a window's files (but wheels, read
 * lazily) are read as one Blob (`readJoined`).
 */
export async function* readHandles(roots: FileSystemHandle[], options: WalkOptions): AsyncGenerator<ReadItem> {
  const { walk, signal } = options;
  const window = options.window ?? 256;
  const folders: { handle: FileSystemDirectoryHandle; path: string; place: WalkPlace }[] = [];
  /** Files to open, each with the files of its folder read with it (`companions`). */
  type Companion = { name: string; handle: FileSystemFileHandle };
  const closed: { name: string; handle: FileSystemFileHandle; companions?: Companion[] }[] = [];
  const open: { name: string; file: File; includes?: { name: string; bytes: File }[] }[] = [];
  let listing = 0;
  let opening = 0;
  let found = 0;
  let failure: unknown = null;
  const reads: Promise<ReadItem[]>[] = [];
  /** Files listed that could not be opened (gone since): error records, in their place. */
  const broken: ReadItem[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (err: unknown) => {
    failure ??= err;
  };

  const list = async ({ handle, path, place }: (typeof folders)[number]) => {
    const names: string[] = [];
    const files: FileSystemFileHandle[] = [];
    const subfolders: FileSystemDirectoryHandle[] = [];
    for await (const [name, entry] of handle.entries()) {
      if (signal.aborted) return;
      if (entry.kind === 'file') {
        names.push(name);
        files.push(entry as FileSystemFileHandle);
      } else subfolders.push(entry as FileSystemDirectoryHandle);
    }
    const step = walk(place, names, subfolders.map((sub) => sub.name), handle.name);
    const companions = step.companions.map((i) => ({ name: `${path}/${names[i]}`, handle: files[i] }));
    for (const i of step.files) {
      closed.push({ name: `${path}/${names[i]}`, handle: files[i], ...(companions.length ? { companions } : {}) });
    }
    found += step.files.length;
    step.folders.forEach((next, i) => {
      if (next) folders.push({ handle: subfolders[i], path: `${path}/${subfolders[i].name}`, place: next });
    });
  };
  const idle = () => listing === 0 && folders.length === 0 && opening === 0 && closed.length === 0;
  /** Starts reading full windows (and the last, partial one once all are opened). */
  const startReads = () => {
    while (!signal.aborted && !failure && reads.length < READS_AT_ONCE && (open.length >= window || (idle() && open.length))) {
      reads.push(readJoined(open.splice(0, window).map(({ name, file, includes }) => ({ name, bytes: file, includes }))));
    }
  };
  const pump = () => {
    while (!signal.aborted && !failure && listing < LISTING && folders.length) {
      const folder = folders.pop() as (typeof folders)[number];
      listing++;
      list(folder).catch(fail).finally(() => {
        listing--;
        pump();
        notify();
      });
    }
    while (!signal.aborted && !failure && opening < OPENING && closed.length) {
      const { name, handle, companions } = closed.pop() as (typeof closed)[number];
      opening++;
      // A companion that cannot be opened is left out: the file is read without it.
      const includes = Promise.all((companions ?? []).map((c) => c.handle.getFile().then((bytes) => ({ name: c.name, bytes }), () => null)))
        .then((list) => list.filter((c) => c !== null));
      Promise.all([handle.getFile(), includes]).then(([file, found]) => void open.push({ name, file, ...(found.length ? { includes: found } : {}) }),
        (err: unknown) => void broken.push(unreadable(name, err))).finally(() => {
        opening--;
        pump();
        startReads();
        notify();
      });
    }
  };

  // The roots: every folder entered (as `walkFolder` names it), files read in the order given.
  const rootFolders = roots.filter((root) => root.kind === 'directory') as FileSystemDirectoryHandle[];
  const rootFiles = roots.filter((root) => root.kind !== 'directory') as FileSystemFileHandle[];
  const step = walk(null, rootFiles.map((root) => root.name), rootFolders.map((root) => root.name));
  step.folders.forEach((place, i) => {
    if (place) folders.push({ handle: rootFolders[i], path: rootFolders[i].name, place });
  });
  const read = new Set(step.files);
  rootFiles.forEach((root, i) => {
    if (read.has(i)) closed.push({ name: root.name, handle: root });
  });
  found += read.size;
  pump();
  let told = -1;
  for (;;) {
    if (failure) throw failure;
    if (signal.aborted) return;
    if (found !== told) {
      told = found;
      options.onFound?.(found, listing > 0 || folders.length > 0);
    }
    if (broken.length) yield* broken.splice(0);
    startReads();
    if (reads.length) {
      const items = await (reads[0] as Promise<ReadItem[]>);
      reads.shift();
      yield* items;
      continue;
    }
    if (idle()) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
