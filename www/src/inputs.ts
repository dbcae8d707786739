// Turning what the person gives (a drop, a picked folder, picked files, pasted text) into
// `{ name, bytes }` inputs: `name` is the path inside the dropped tree, `bytes` a File read later
// by the worker (wheels lazily, through Blob.slice).
import type { InputFile } from './protocol';

/** Files of an `<input type=file>` (a folder picker gives paths in `webkitRelativePath`). */
export function fromFileList(list: FileList | File[]): InputFile[] {
  return Array.from(list, (file) => ({ name: file.webkitRelativePath || file.name, bytes: file }));
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in chunks (100 in Chromium) until it answers an empty list.
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const step = () =>
      reader.readEntries((chunk) => {
        if (chunk.length === 0) resolve(out);
        else {
          out.push(...chunk);
          step();
        }
      }, reject);
    step();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** What a drop holds, taken while its event runs (a DataTransfer is empty afterwards). */
export interface Dropped {
  /** File System Access handles of the dropped items, where the browser gives them. */
  handles: Promise<(FileSystemHandle | null)[]> | null;
  entries: FileSystemEntry[];
  loose: File[];
  files: File[];
}

type WithHandle = DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> };

/** Takes what a drop holds; call it in the `drop` event. Nothing is listed yet. */
export function captureDrop(data: DataTransfer): Dropped {
  const items = Array.from(data.items).filter((item) => item.kind === 'file') as WithHandle[];
  const handles = items.length && items.every((item) => typeof item.getAsFileSystemHandle === 'function')
    ? Promise.all(items.map((item) => (item.getAsFileSystemHandle as () => Promise<FileSystemHandle | null>).call(item).catch(() => null)))
    : null;
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of items) {
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  return { handles, entries, loose, files: Array.from(data.files) };
}

/**
 * The dropped items as directory and file handles for the worker to walk, or null when the
 * browser gives none (no File System Access API, or items made by a script).
 */
export async function droppedHandles(dropped: Dropped): Promise<FileSystemHandle[] | null> {
  if (!dropped.handles) return null;
  const handles = await dropped.handles;
  // Chromium answers undefined (not null) for the items of a DataTransfer made by a script.
  return handles.length > 0 && handles.every((h) => h && (h.kind === 'file' || h.kind === 'directory'))
    ? (handles as FileSystemHandle[])
    : null;
}

/**
 * Every file under the dropped items, folders walked through `webkitGetAsEntry` on this thread
 * (the fallback where the worker cannot walk them). `onCount` is told how many files were found
 * so far (a large tree takes a while to list).
 */
export async function fromDropped(dropped: Dropped, onCount: (n: number) => void): Promise<InputFile[]> {
  const { entries, loose } = dropped;
  if (entries.length === 0 && loose.length === 0) return fromFileList(dropped.files);
  const out: InputFile[] = loose.map((file) => ({ name: file.name, bytes: file }));
  const files: Promise<void>[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) {
      files.push(fileOf(entry as FileSystemFileEntry).then((file) => {
        out.push({ name: path, bytes: file });
        if (out.length % 500 === 0) onCount(out.length);
      }));
    } else if (entry.isDirectory) {
      const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
      await Promise.all(children.map((child) => walk(child, path)));
    }
  };
  await Promise.all(entries.map((entry) => walk(entry, '')));
  await Promise.all(files);
  onCount(out.length);
  return out;
}

/** A pasted text as a file: a pyproject when it looks like one, a requirements list otherwise. */
export function fromText(text: string): { file: InputFile; includes: { line: number; text: string }[] } {
  const pyproject = /^\s*\[(project|build-system|tool\.|dependency-groups)/m.test(text);
  const pylock = /^\s*lock-version\s*=/m.test(text) && /^\s*\[\[packages\]\]/m.test(text);
  if (pylock || pyproject) return { file: { name: pylock ? 'pasted/pylock.toml' : 'pasted/pyproject.toml', bytes: text }, includes: [] };
  // A pasted list has no files beside it: an include (`-r other.txt`, `-c constraints.txt`)
  // would make the whole list an error, as pip refuses it. The include's line is left blank
  // (the other lines keep their numbers) and reported on its own.
  const includes: { line: number; text: string }[] = [];
  const lines = text.split('\n').map((line, i) => {
    if (!INCLUDE.test(line)) return line;
    includes.push({ line: i + 1, text: line.trim() });
    return '';
  });
  return { file: { name: 'pasted/requirements.txt', bytes: lines.join('\n') }, includes };
}

/** A requirements line that includes another file: pip's `-r`, `-c` and their long forms. */
const INCLUDE = /^\s*(?:-[rc]|--requirement|--constraint)(?:[\s=]|(?=[^\s-]))/;

/** What to say of the includes a paste could not follow. */
export function includesMessage(includes: { line: number; text: string }[]): string {
  return includes.map(({ line, text }) => `Pasted line ${line}: “${text}” includes another file, which a paste cannot reach; `
    + 'the rest of the list was read without it. Drop the folder that holds both files to read them together.').join('\n');
}

/** The bundled examples (copied from the repository's `examples/` at build time). */
export async function samples(base: string): Promise<InputFile[]> {
  const index = (await (await fetch(`${base}samples/index.json`)).json()) as string[];
  return Promise.all(
    index.map(async (path) => {
      const response = await fetch(`${base}samples/${path}`);
      if (!response.ok) throw new Error(`sample ${path}: HTTP ${response.status}`);
      return { name: path, bytes: await response.blob() };
    }),
  );
}
