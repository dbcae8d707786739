// Type-checked with tsc against the installed package (bundler resolution: the browser entry).
import { load, type Pkglens, type FileRecord, type StreamInput } from 'pkglens';

export async function main(files: File[]): Promise<number> {
  const pkglens: Pkglens = await load({ threads: 2 });
  const build: 'single' | 'threads' = pkglens.build;
  const why: string | null | undefined = pkglens.fallback;
  let n = 0;
  for await (const record of pkglens.parseStream(pkglens.selectFiles(files, 'repo'), { window: 256 })) {
    const r: FileRecord = record;
    n += r.packages.length;
  }
  const wheel: FileRecord = await pkglens.readWheel(files[0]!);
  // A Blob has no file name, and the wheel's name is part of what is read: it must be given.
  const blob = new Blob([await files[0]!.arrayBuffer()]);
  const named: FileRecord = await pkglens.readWheel(blob, 'x-1.0-py3-none-any.whl');
  // @ts-expect-error a Blob without a name
  void pkglens.readWheel(blob);
  n += named.packages.length;
  // A record read elsewhere passes through the stream in its place.
  const mixed: StreamInput[] = [{ name: 'w.whl', record: wheel }, { name: 'package.py', bytes: 'name = "a"\n' }, files[1]!];
  for await (const record of pkglens.parseStream(mixed)) n += record.requirements.length;
  return n + wheel.packages.length + (build === 'threads' ? 1 : 0) + (why ? 1 : 0);
}
