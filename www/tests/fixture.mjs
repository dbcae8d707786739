// A fixture folder for the folder input: a project (pyproject + requirements), a wheelhouse of
// small wheels written with Python's zipfile (deflated METADATA, as real wheels have), a rez
// repository, and folders the CLI's walk skips.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const files = {
  'project/pyproject.toml': `[project]
name = "viewer"
version = "1.2.0"
dependencies = ["alpha>=1", "beta>=2", "ghost~=1.0"]

[project.optional-dependencies]
win = ["winthing; sys_platform == 'win32'"]
`,
  'project/requirements.txt': 'alpha==1.0\nbeta>=1\n',
  'rez/foo/1.0.0/package.py': 'name = "foo"\nversion = "1.0.0"\nrequires = []\n',
  'rez/foo/2.0.0/package.py': 'name = "foo"\nversion = "2.0.0"\nrequires = ["python-3"]\n',
  'rez/bar/1.0/package.py': 'name = "bar"\nversion = "1.0"\nrequires = [\n    "foo-1.5+",\n    "baz-2",\n]\n',
  'rez/qux/0.1/package.py': 'name = "qux"\nversion = "0.1"\nrequires = ["bar", "foo-3+"]\n',
  'node_modules/junk/requirements.txt': 'never-read\n',
  '.git/requirements.txt': 'never-read-either\n',
};

const wheels = [
  ['alpha', '1.0', ['beta>=1', 'gamma<2', 'colorama; sys_platform == "win32"']],
  ['beta', '1.5', []],
  ['gamma', '1.1', ['alpha']],
];

const makeWheels = `
import sys, zipfile, json
out, spec = sys.argv[1], json.loads(sys.argv[2])
for name, version, requires in spec:
    dist = f"{name}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\nSummary: fixture wheel {name}\\n"
    meta += "".join(f"Requires-Dist: {r}\\n" for r in requires)
    with zipfile.ZipFile(f"{out}/{name}-{version}-py3-none-any.whl", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{name}/__init__.py", "# " + "x" * 5000 + "\\n")
        z.writestr(f"{dist}/METADATA", meta)
        z.writestr(f"{dist}/WHEEL", "Wheel-Version: 1.0\\nGenerator: fixture\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
        z.writestr(f"{dist}/RECORD", "")
`;

/** Writes the fixture; returns its parent folder and its own path (`<parent>/fixture`). */
export function makeFixture() {
  const parent = mkdtempSync(join(tmpdir(), 'pkglens-fixture-'));
  const root = join(parent, 'fixture');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const wheelhouse = join(root, 'wheelhouse');
  mkdirSync(wheelhouse, { recursive: true });
  execFileSync('python3', ['-c', makeWheels, wheelhouse, JSON.stringify(wheels)]);
  return { parent, root };
}
