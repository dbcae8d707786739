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

/**
 * Every file under the dropped items, folders walked through `webkitGetAsEntry`. `onCount` is
 * told how many files were found so far (a large tree takes a moment to list).
 */
export async function fromDataTransfer(data: DataTransfer, onCount: (n: number) => void): Promise<InputFile[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (entries.length === 0 && loose.length === 0) return fromFileList(data.files);
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
export function fromText(text: string): InputFile {
  const pyproject = /^\s*\[(project|build-system|tool\.|dependency-groups)/m.test(text);
  const pylock = /^\s*lock-version\s*=/m.test(text) && /^\s*\[\[packages\]\]/m.test(text);
  const name = pylock ? 'pasted/pylock.toml' : pyproject ? 'pasted/pyproject.toml' : 'pasted/requirements.txt';
  return { name, bytes: text };
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
