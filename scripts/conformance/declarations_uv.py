#!/usr/bin/env python3
"""pkglens check on declarations-only projects against uv's resolver and pip check.

Usage: declarations_uv.py UV PKGLENS WORKDIR

A declarations-only project is a `pyproject.toml` with a pinned `requirements.txt` beside it
and nothing installed (the shape of most application repositories: pip-compile's output
committed next to the project). Each case below is written into WORKDIR/<case>/, with a local
wheelhouse of minimal wheels (name, version, no dependencies) for every version named, and:

- uv: `uv pip compile pyproject.toml requirements.txt --no-index --find-links WHEELS
  --python-version 3.11` resolves the project's declared ranges and the pins together, offline.
  It fails exactly when a pin (whose marker holds) is outside a declared range.
- pip: `pip check` in an empty virtual environment finds nothing broken: nothing is installed.
- pkglens: `check --format json --target-python 3.11` must fail (an `unsatisfied` problem, on
  the names uv names) exactly when uv fails, never report `missing`, and note (`unpinned`)
  exactly the declared dependencies that no active pin covers.

Prints one line per case, exits 1 on any disagreement.
"""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

PYPROJECT = """[project]
name = "app"
version = "1.0"
requires-python = ">=3.9"
dependencies = [{deps}]
"""

# (case, declared dependencies, requirements.txt, unpinned names expected)
CASES = [
    # pip-compile's output, every pin inside the declared ranges, a transitive pin too.
    ("pins-fit", ['requests>=2.30', 'click>=8,<9'],
     "requests==2.32.3\nclick==8.1.7\nurllib3==2.2.0\n", []),
    # A pin below the declared range (the requirements file was not recompiled).
    ("pin-outside-range", ['requests>=2.30', 'click>=8,<9'],
     "requests==2.32.3\nclick==7.1.2\n", []),
    # A pin on an excluded version.
    ("pin-excluded", ['idna!=3.5'], "idna==3.5\n", []),
    # Compatible release.
    ("compatible-release", ['attrs~=23.1'], "attrs==24.2.0\n", []),
    # A declared dependency without a pin: a note, uv resolves it from the wheelhouse.
    ("unpinned", ['requests>=2.30', 'rich'], "requests==2.32.3\n", ["rich"]),
    # A pin whose marker is false on the target is no pin there.
    ("pin-marker-false", ['click>=8'],
     'click==7.1.2 ; python_version < "3.0"\n', ["click"]),
    # A pre-release pinned explicitly satisfies `>=` (pip and uv take it when pinned).
    ("prerelease-pin", ['six>=1.0'], "six==2.0b1\n", []),
    # Arbitrary equality.
    ("arbitrary-equality", ['six<1.16'], "six===1.17.0\n", []),
    # Names compared normalised.
    ("normalised-names", ['Typing_Extensions>=4.10'], "typing-extensions==4.9.0\n", []),
]

EXTRA_VERSIONS = {"rich": ["13.7.1"]}


def wheel(folder: Path, name: str, version: str) -> None:
    """A minimal wheel: METADATA, WHEEL and RECORD, no dependencies."""
    dist = name.replace("-", "_")
    path = folder / f"{dist}-{version}-py3-none-any.whl"
    info = f"{dist}-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{info}/METADATA",
                   f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        z.writestr(f"{info}/WHEEL",
                   "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{info}/RECORD", "")


def pins_of(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.splitlines():
        requirement = line.split(";")[0].strip()
        for op in ("===", "=="):
            if op in requirement:
                name, version = requirement.split(op)
                out.append((name.strip(), version.strip()))
                break
    return out


def main() -> int:
    uv, pkglens = (str(Path(p).resolve()) for p in sys.argv[1:3])
    work = Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    wheels = work / "wheels"
    wheels.mkdir(exist_ok=True)
    versions: dict[str, set[str]] = {}
    for _, deps, reqs, _ in CASES:
        for name, version in pins_of(reqs):
            versions.setdefault(name.lower().replace("_", "-"), set()).add(version)
    for name, extra in EXTRA_VERSIONS.items():
        versions.setdefault(name, set()).update(extra)
    for name, vs in versions.items():
        for version in vs:
            wheel(wheels, name, version)

    # pip check in an empty environment: nothing installed, nothing broken.
    venv = work / "empty-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip_check = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "check"],
        capture_output=True, text=True)
    print(f"pip check, empty environment: {pip_check.stdout.strip()} (exit {pip_check.returncode})",
          flush=True)
    failures = 0
    if pip_check.returncode != 0:
        failures += 1

    for case, deps, reqs, unpinned in CASES:
        folder = work / case
        folder.mkdir(exist_ok=True)
        (folder / "pyproject.toml").write_text(
            PYPROJECT.format(deps=", ".join(json.dumps(d) for d in deps)))
        (folder / "requirements.txt").write_text(reqs)
        uv_run = subprocess.run(
            [uv, "pip", "compile", "--quiet", "--no-index", "--find-links", str(wheels),
             "--python-version", "3.11", "--no-cache", "pyproject.toml", "requirements.txt"],
            cwd=folder, capture_output=True, text=True)
        uv_ok = uv_run.returncode == 0
        out = subprocess.run(
            [pkglens, "check", "--format", "json", "--target-python", "3.11", str(folder)],
            capture_output=True, text=True)
        doc = json.loads(out.stdout)
        kinds = [p["kind"] for p in doc["problems"]]
        unsatisfied = sorted({p["name"] for p in doc["problems"] if p["kind"] == "unsatisfied"})
        noted = sorted({p["name"] for p in doc["problems"] if p["kind"] == "unpinned"})
        pkglens_ok = doc["summary"]["failures"] == 0
        problems = []
        if uv_ok != pkglens_ok:
            problems.append(f"uv {'resolves' if uv_ok else 'fails'}, pkglens "
                            f"{'passes' if pkglens_ok else 'fails'}: {doc['problems']} / "
                            f"{uv_run.stderr.strip()}")
        normal = uv_run.stderr.lower().replace("_", "-")
        if not uv_ok and not all(n.lower().replace("_", "-") in normal for n in unsatisfied):
            problems.append(f"pkglens names {unsatisfied}, uv says: {uv_run.stderr.strip()}")
        if "missing" in kinds:
            problems.append("a `missing` problem where nothing is installed")
        if noted != sorted(unpinned):
            problems.append(f"unpinned {noted}, expected {sorted(unpinned)}")
        if doc["summary"]["shapes"].get("python") != "declarations":
            problems.append(f"shapes {doc['summary']['shapes']}")
        verdict = "ok" if not problems else "DIFFERS: " + "; ".join(problems)
        print(f"{case}: uv {'resolves' if uv_ok else 'fails'}, pkglens {kinds}: {verdict}")
        failures += bool(problems)
    print(f"{len(CASES)} cases, {failures} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
