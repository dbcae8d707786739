// Reading many small files in the worker. In Chromium each read of a File costs a few round
// trips between the browser's threads; one read of a Blob made of many Files costs about a
// quarter of that per File, and two or three such reads in flight at once hide some of the
// rest (tests/read-bench.mjs, docs/benchmarks.md).
import type { FileRecord, StreamInput } from 'pkglens';

/** What a read gives the parser: the bytes, a wheel left for it to read lazily, or an error record. */
export type ReadItem = StreamInput | { name: string; record: FileRecord };

/**
 * A file to read, with the files read with it (`includes`: an egg-info's `requires.txt` beside
 * its `PKG-INFO`), which go to the parser as they are (it reads them with the file).
 */
export interface ReadInput {
  name: string;
  bytes: Blob | string;
  includes?: { name: string; bytes: Blob | string }[];
}

/** `item` with the `includes` of `input`, when it has some. */
const withIncludes = (item: ReadItem, input: ReadInput): ReadItem =>
  (input.includes?.length && !('record' in item) ? { ...item, includes: input.includes } as ReadItem : item);

const isWheel = (name: string) => name.toLowerCase().endsWith('.whl');

/** The record of a file that could not be read (core's `Record::from_error`, kind `io`). */
export function unreadable(name: string, err: unknown): { name: string; record: FileRecord } {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    name,
    record: {
      path: name, format: null, status: 'error', error: { kind: 'io', message, line: 0, column: 0 },
      packages: [], requirements: [],
    },
  };
}

/**
 * Reads `items` as stream inputs, in order. Files (but wheels, which the parser reads lazily)
 * are read as one Blob and split by their sizes. When that read fails or its length is not the
 * sum of the sizes (a file changed after it was listed), each file is read alone, and one that
 * still cannot be read becomes an error record in its place.
 */
export async function readJoined(items: ReadInput[]): Promise<ReadItem[]> {
  const blobs: Blob[] = [];
  let total = 0;
  try {
    for (const { name, bytes } of items) {
      if (typeof bytes !== 'string' && !isWheel(name)) {
        blobs.push(bytes);
        total += bytes.size;
      }
    }
  } catch {
    return readEach(items); // a File gone before its size could be taken
  }
  let joined: Uint8Array | null = null;
  if (blobs.length) {
    try {
      joined = new Uint8Array(await new Blob(blobs).arrayBuffer());
    } catch {
      joined = null;
    }
    if (!joined || joined.length !== total) return readEach(items);
  }
  let at = 0;
  return items.map((input): ReadItem => {
    const { name, bytes } = input;
    if (typeof bytes === 'string') return withIncludes({ name, bytes }, input);
    if (isWheel(name)) return { name, bytes };
    const part = (joined as Uint8Array).subarray(at, at + bytes.size);
    at += bytes.size;
    return withIncludes({ name, bytes: part }, input);
  });
}

/** One read per file: the fallback of `readJoined`. */
function readEach(items: ReadInput[]): Promise<ReadItem[]> {
  return Promise.all(items.map(async (input): Promise<ReadItem> => {
    const { name, bytes } = input;
    if (typeof bytes === 'string') return withIncludes({ name, bytes }, input);
    if (isWheel(name)) return { name, bytes };
    try {
      return withIncludes({ name, bytes: new Uint8Array(await bytes.arrayBuffer()) }, input);
    } catch (err) {
      return unreadable(name, err);
    }
  }));
}
