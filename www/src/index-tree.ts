// The worker's side of "from an index": the npm package's `indexTree` (fetch, Range requests,
// PEP 658 files; core decides the walk), each package read told to the page as it arrives.
import type { FileRecord, IndexProgress, Pkglens, SetOptions } from 'pkglens';
import type { IndexStep } from './protocol';

/** A requirement as the walk reached it: `name[extras]spec`. */
function wantedText({ name, spec, extras }: IndexProgress['wanted']): string {
  return `${name}${extras.length ? `[${extras.join(',')}]` : ''}${spec}`;
}

/**
 * What one package read says to the page. `kept` holds the version kept for each name so far:
 * a later read of another version is said to be left out (the walk does not backtrack).
 */
export function stepOf(progress: IndexProgress, kept: Map<string, string>): IndexStep {
  const { record } = progress;
  const pkg = record?.packages[0];
  let found = !record
    ? 'no file matches on this index for the target'
    : pkg
      ? `${pkg.name} ${pkg.version}`
      : record.error?.message ?? record.status;
  if (pkg) {
    const first = kept.get(progress.wanted.name);
    if (first === undefined) kept.set(progress.wanted.name, pkg.version);
    else if (first !== pkg.version) found += ` (${pkg.name} ${first} kept: no backtracking)`;
  }
  return {
    visited: progress.visited,
    requests: progress.requests,
    bytes: progress.bytes,
    wanted: wantedText(progress.wanted),
    found,
    status: record ? record.status : 'none',
  };
}

/** The records of the tree of `requirements` on the index, for the target of `options`. */
export async function fromIndex(
  api: Pkglens,
  args: { requirements: string; indexUrl: string; options: SetOptions; signal: AbortSignal },
  tell: (step: IndexStep) => void,
): Promise<FileRecord[]> {
  const { python, platform, machine } = args.options;
  const kept = new Map<string, string>();
  const tree = await api.indexTree(args.requirements, {
    indexUrl: args.indexUrl,
    python,
    platform,
    machine,
    signal: args.signal,
    onProgress: (progress) => tell(stepOf(progress, kept)),
  });
  return tree.records;
}
