// Reading a corpus folder the way `pkglens scan <dir>` does, with the package's own selection
// (selectFiles): the same files, the same order, the same paths.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (relative to the cwd, `/`-separated), symlinks to files included. */
export function listFiles(dir) {
  const out = [];
  const visit = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = `${d}/${entry.name}`;
      if (entry.isDirectory()) visit(path);
      else out.push(path);
    }
  };
  visit(dir.replace(/\/+$/, ''));
  return out;
}

/** The inputs `pkglens scan dir` reads, as `{ name, bytes }`, from the cwd `base`. */
export function corpus(pkglens, dir, base = process.cwd()) {
  const names = pkglens.selectFiles(listFiles(join(base, dir)).map((p) => p.slice(base.length + 1)), dir);
  return names.map((name) => ({ name, bytes: readFileSync(join(base, name)) }));
}

/** What `pkglens scan dir` passes over, as the package's `passedOver` gives it. */
export function passedOver(pkglens, dir, base = process.cwd()) {
  return pkglens.passedOver(listFiles(join(base, dir)).map((p) => p.slice(base.length + 1)), dir);
}

/** The text files of `dir` that the walk does not choose: what requirements files may include. */
export function includes(pkglens, dir, base = process.cwd()) {
  const all = listFiles(join(base, dir)).map((p) => p.slice(base.length + 1));
  const chosen = new Set(pkglens.selectFiles(all, dir));
  return all
    .filter((name) => !chosen.has(name) && /\.(txt|in)$/.test(name))
    .map((name) => ({ name, bytes: readFileSync(join(base, name)) }));
}
