// Type-checked with tsc against the installed package (bundler resolution: the browser entry).
import { load, type Pkglens, type Record, type StreamInput } from 'pkglens';

export async function main(files: File[]): Promise<number> {
  const pkglens: Pkglens = await load({ threads: 2 });
  const build: 'single' | 'threads' = pkglens.build;
  const why: string | null | undefined = pkglens.fallback;
  let n = 0;
  for await (const record of pkglens.parseStream(pkglens.selectFiles(files, 'repo'), { window: 256 })) {
    const r: Record = record;
    n += r.packages.length;
  }
  const wheel: Record = await pkglens.readWheel(files[0]!);
  // A record read elsewhere passes through the stream in its place.
  const mixed: StreamInput[] = [{ name: 'w.whl', record: wheel }, { name: 'package.py', bytes: 'name = "a"\n' }, files[1]!];
  for await (const record of pkglens.parseStream(mixed)) n += record.requirements.length;
  return n + wheel.packages.length + (build === 'threads' ? 1 : 0) + (why ? 1 : 0);
}
