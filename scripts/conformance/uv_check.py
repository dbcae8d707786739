#!/usr/bin/env python3
"""pkglens against uv on a uv.lock and a pylock.toml that uv itself writes.

Usage: uv_check.py UV PKGLENS WORKDIR

Copies scripts/conformance/uv_project/pyproject.toml (real PyPI dependencies, extras, markers, a
fork, an optional dependency, a dependency group; `exclude-newer` for a reproducible resolution)
into WORKDIR/project, runs `uv lock` and `uv export --format pylock.toml`, then compares:

uv.lock
- the packages: `pkglens scan` (name, version; the project itself marked root) against
  `uv export --format requirements-txt --all-groups --all-extras`;
- the edges: each package's dependents by pkglens (`dependencies` and `optional-dependencies`)
  against the export's `# via` annotations;
- `uv lock --check` exits 0, and `pkglens check` (every group, several targets) reports no
  problem of a kind that says the lock is inconsistent: `missing`, `unsatisfied`, `conflict`,
  `duplicate`, `parse_error`. `cycle` (uv locks cycles) and `dynamic` (not a resolution
  problem) are printed, not counted.
pylock.toml
- the packages with their markers against `uv export --format requirements-txt` (the same
  groups as the pylock export);
- per target (Python, platform): what `uv pip install --dry-run -r pylock.toml` would install
  against the packages whose marker, as pkglens read it, holds there (evaluated by `packaging`);
  `pkglens check` reports no problem.
Broken copies, each with uv's verdict and pkglens's:
- uv.lock without idna's `[[package]]`: uv refuses the lock; pkglens reports `missing` idna
  for exactly the packages uv's export lists idna `# via`;
- uv.lock with the locked click of the Python >= 3.10 fork changed (8.2.1 -> 8.2.0) while the
  project's dependency entry pins `click==8.2.1`: uv refuses the lock; pkglens reports
  `unsatisfied` click for Python 3.12, nothing for 3.9 (where the marker is false);
- uv.lock with urllib3 1.0.0 (requests needs urllib3>=1.21.1,<3) and with requests 2.0.0 (the
  project declares requests>=2.31): uv.lock records a registry package's dependencies by name
  only, and uv does not check locked versions against `[package.metadata].requires-dist`, so
  `uv lock --check` and `uv export --frozen` accept both; pkglens must agree (no problem).
  The wheel and sdist file names are renamed with the version, or uv refuses a wheel whose
  name disagrees with its entry (a check of the file, not of the resolution);
- pylock.toml without idna: PEP 751 packages as uv writes them carry no `dependencies`, so uv
  installs the rest and pkglens reports nothing;
- pylock.toml with an invalid marker: uv refuses it, pkglens reports `parse_error`.

Prints one line per check and `test result: ok. N passed; M failed` (FAILED when M > 0);
exits 1 on any difference. Needs the network to PyPI for the first `uv lock` (uv's cache is
kept in WORKDIR/cache, so later runs need it only when the project changes).
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

from packaging.markers import Marker
from packaging.utils import canonicalize_name

uv, pkglens, workdir = sys.argv[1:4]
uv = os.path.abspath(uv)
pkglens = os.path.abspath(pkglens)
work = pathlib.Path(workdir).resolve()
source = pathlib.Path(__file__).resolve().parent / "uv_project" / "pyproject.toml"

# uv's own settings from the caller's environment would change what it writes or reads
# (UV_FROZEN, UV_EXCLUDE_NEWER, ...); keep only the ones about reaching the index.
env = {k: v for k, v in os.environ.items()
       if not k.startswith("UV_") or k in ("UV_NATIVE_TLS", "UV_HTTP_TIMEOUT", "UV_INDEX_URL",
                                           "UV_DEFAULT_INDEX", "UV_INSECURE_HOST")}
# uv.toml files of the user and the system are ignored (XDG_CONFIG_HOME, XDG_CONFIG_DIRS);
# UV_NO_CONFIG would also ignore the project's [tool.uv], which holds `exclude-newer`.
env.update(UV_CACHE_DIR=str(work / "cache"), XDG_CONFIG_HOME=str(work / "config"),
           XDG_CONFIG_DIRS=str(work / "config"), UV_PYTHON_DOWNLOADS="never",
           UV_PYTHON=sys.executable, UV_NO_PROGRESS="1", NO_COLOR="1")

RESOLUTION = {"missing", "unsatisfied", "conflict", "duplicate", "parse_error"}
TARGETS = [("3.9", "linux"), ("3.10", "linux"), ("3.12", "linux"), ("3.13", "macos"),
           ("3.12", "windows")]
PLATFORMS = {  # pkglens --platform: uv --python-platform, marker values
    "linux": ("x86_64-unknown-linux-gnu", {"sys_platform": "linux", "platform_system": "Linux",
                                           "os_name": "posix"}),
    "macos": ("x86_64-apple-darwin", {"sys_platform": "darwin", "platform_system": "Darwin",
                                      "os_name": "posix"}),
    "windows": ("x86_64-pc-windows-msvc", {"sys_platform": "win32", "platform_system": "Windows",
                                           "os_name": "nt"}),
}

passed = failed = 0


def result(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(f"{'ok    ' if ok else 'FAILED'} {name}{': ' + detail if detail else ''}", flush=True)


def run(args, cwd=None):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)


def uv_run(args, cwd):
    return run([uv, *args], cwd=cwd)


def why(proc):
    """uv's reason for refusing, in one line."""
    lines = [l.strip() for l in proc.stderr.splitlines()]
    lines = [l for l in lines if l.strip("^ ") and "|" not in l
             and not l.startswith(("Using ", "warning:", "Would create", "Resolved "))]
    return " / ".join(lines[:4]) if lines else f"exit {proc.returncode}"


def scan(path):
    out = run([pkglens, "scan", "--format", "json", "--no-progress", str(path)])
    doc = json.loads(out.stdout)
    (record,) = doc["records"]
    return record


def check(path, python, platform, groups=True):
    args = [pkglens, "check", "--format", "json", "--no-progress", "--target-python", python,
            "--platform", platform, "--machine", "x86_64"]
    if groups:
        args += ["--group", "*"]
    out = run([*args, str(path)])
    doc = json.loads(out.stdout)
    if out.returncode != (1 if doc["summary"]["failures"] else 0):
        raise SystemExit(f"pkglens check exited {out.returncode} with "
                         f"{doc['summary']['failures']} failing problems: {out.stderr}")
    return doc["problems"]


def problems_line(problems):
    return "; ".join(f"{p['kind']} {p.get('package', p.get('path'))} needs {p.get('requirement')!r}" for p in problems)


def export_requirements(text):
    """`uv export --format requirements-txt` with annotations: {(name, version, marker): via}."""
    out = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            m = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+?)(?: ; (.+))?", line.strip())
            if not m:
                raise SystemExit(f"unparsed uv export line: {line!r}")
            current = (canonicalize_name(m[1]), m[2], m[3])
            out[current] = set()
            continue
        m = re.fullmatch(r"\s+#\s+(?:via\s*)?(\S*)", line)
        if m and m[1] and current:
            out[current].add(canonicalize_name(m[1]))
    return out


def marker_env(python, platform):
    values = dict(PLATFORMS[platform][1])
    values.update(python_version=python, python_full_version=python + ".0",
                  platform_machine="x86_64", implementation_name="cpython",
                  platform_python_implementation="CPython", extra="")
    return values


def edit_block(text, header, name, edit):
    """Applies `edit` to the `[[header]]` block of package `name` (None: removes it)."""
    sep = f"\n[[{header}]]\n"
    head, *blocks = text.split(sep)
    out = []
    hit = 0
    for block in blocks:
        if re.match(rf'name = "{re.escape(name)}"\n', block) and (hit := hit + 1):
            block = edit(block) if edit else None
        if block is not None:
            out.append(block)
    result = sep.join([head, *out])
    if not hit or result == text:
        raise SystemExit(f"no [[{header}]] block for {name} to change")
    return result


def set_version(old, new):
    """An edit changing a package's version, with its file names."""
    def edit(block):
        if not re.search(rf'^version = "{re.escape(old)}"$', block, re.M):
            return block
        block = re.sub(rf'^version = "{re.escape(old)}"$', f'version = "{new}"', block, flags=re.M)
        return block.replace(f"-{old}.tar.gz", f"-{new}.tar.gz").replace(f"-{old}-", f"-{new}-")
    return edit


def copy_with(name, files):
    path = work / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    shutil.copy(source, path / "pyproject.toml")
    for file, text in files.items():
        (path / file).write_text(text)
    return path


def main():
    version = run([uv, "--version"]).stdout.strip()
    print(f"{version}; {run([pkglens, '--version']).stdout.strip()}")
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copy(source, project / "pyproject.toml")

    lock = uv_run(["lock"], project)
    result("uv lock", lock.returncode == 0, why(lock) if lock.returncode else "")
    if lock.returncode:
        return
    lock_text = (project / "uv.lock").read_text()
    locked = uv_run(["lock", "--check"], project)
    result("uv lock --check on the fresh lock", locked.returncode == 0,
           why(locked) if locked.returncode else "")

    # --- uv.lock: packages and edges -----------------------------------------------------------
    exp = uv_run(["export", "--frozen", "--format", "requirements-txt", "--no-hashes",
                  "--no-header", "--all-groups", "--all-extras"], project)
    if exp.returncode:
        result("uv export (requirements-txt)", False, why(exp))
        return
    theirs = export_requirements(exp.stdout)
    record = scan(project / "uv.lock")
    result("pkglens scan uv.lock: status ok", record["status"] == "ok" and record["format"] == "uv-lock",
           f"{record['format']} {record['status']} {record.get('error', '')}".strip())
    roots = [p for p in record["packages"] if p.get("extra", {}).get("root")]
    result("pkglens scan uv.lock: the project is the one root",
           [p["name"] for p in roots] == ["uv-check-demo"], str([p["name"] for p in roots]))
    ours = sorted((canonicalize_name(p["name"]), p["version"]) for p in record["packages"]
                  if not p.get("extra", {}).get("root"))
    uvs = sorted((n, v) for n, v, _ in theirs)
    result("uv.lock packages: pkglens scan == uv export", ours == uvs,
           f"{len(ours)} packages" if ours == uvs else
           f"only pkglens {sorted(set(ours) - set(uvs))}, only uv {sorted(set(uvs) - set(ours))}")
    dependents = {}
    for p in record["packages"]:
        for r in p.get("requires", []):
            if r["kind"] == "run" or r["kind"].startswith("optional:"):
                dependents.setdefault(canonicalize_name(r["name"]), set()).add(canonicalize_name(p["name"]))
    via = {}
    for (n, _, _), names in theirs.items():
        via.setdefault(n, set()).update(names)
    diff = sorted(n for n in via if via[n] != dependents.get(n, set()))
    result("uv.lock edges: pkglens dependents == uv export `# via`", not diff,
           f"{sum(map(len, via.values()))} edges" if not diff else
           "; ".join(f"{n}: pkglens {sorted(dependents.get(n, ()))}, uv {sorted(via[n])}" for n in diff))
    for python, platform in TARGETS:
        problems = check(project / "uv.lock", python, platform)
        bad = [p for p in problems if p["kind"] in RESOLUTION]
        other = [p for p in problems if p["kind"] not in RESOLUTION]
        result(f"pkglens check uv.lock --group '*' ({python}, {platform}): consistent, as uv says",
               not bad, problems_line(bad) or (f"not counted: {problems_line(other)}" if other else ""))

    # --- uv.lock per target: the packages `uv tree` shows ------------------------------------
    for python, platform in TARGETS:
        tree = uv_run(["tree", "--frozen", "--offline", "--python-version", python,
                       "--python-platform", PLATFORMS[platform][0]], project)
        shown = sorted({(canonicalize_name(m[1]), m[2]) for m in
                        re.finditer(r"(?:^|[─ ])([A-Za-z0-9._-]+)(?:\[[^\]]*\])? v(\S+)", tree.stdout, re.M)})
        out = run([pkglens, "graph", "--format", "json", "--no-progress", "--target-python", python,
                   "--platform", platform, "--machine", "x86_64", str(project / "uv.lock")])
        nodes = json.loads(out.stdout)["graph"]["nodes"]
        ours = sorted({(canonicalize_name(n["name"]), n["version"]) for n in nodes if not n["missing"]})
        name = f"uv.lock ({python}, {platform}): pkglens graph == uv tree"
        if tree.returncode:
            result(name, False, why(tree))
        else:
            result(name, ours == shown, f"{len(ours)} packages" if ours == shown else
                   f"only pkglens {sorted(set(ours) - set(shown))}, only uv {sorted(set(shown) - set(ours))}")

    # --- pylock.toml ---------------------------------------------------------------------------
    pylock_ok = True
    exported = uv_run(["export", "--frozen", "--format", "pylock.toml", "-o", "pylock.toml"], project)
    if exported.returncode:
        print(f"skipped pylock.toml: {version} cannot export it ({why(exported)})")
        pylock_ok = False
    if pylock_ok:
        pylock_text = (project / "pylock.toml").read_text()
        exp = uv_run(["export", "--frozen", "--format", "requirements-txt", "--no-hashes",
                      "--no-header", "--no-annotate"], project)
        theirs = sorted((n, v, m) for n, v, m in export_requirements(exp.stdout))
        record = scan(project / "pylock.toml")
        result("pkglens scan pylock.toml: status ok", record["status"] == "ok" and record["format"] == "pylock",
               f"{record['format']} {record['status']} {record.get('error', '')}".strip())
        ours = sorted((canonicalize_name(p["name"]), p["version"], p.get("extra", {}).get("marker"))
                      for p in record["packages"])
        result("pylock.toml packages and markers: pkglens scan == uv export", ours == theirs,
               f"{len(ours)} packages" if ours == theirs else
               f"only pkglens {sorted(set(ours) - set(theirs))}, only uv {sorted(set(theirs) - set(ours))}")
        venv = work / "env"
        if not (venv / "bin" / "python").exists():
            made = uv_run(["venv", "-q", "--offline", str(venv)], work)
            if made.returncode:
                raise SystemExit(f"uv venv: {why(made)}")
        for python, platform in TARGETS:
            dry = uv_run(["pip", "install", "--dry-run", "--offline", "--preview-features", "pylock",
                          "--python", str(venv / "bin" / "python"), "--python-version", python,
                          "--python-platform", PLATFORMS[platform][0], "-r", "pylock.toml"], project)
            would = sorted((canonicalize_name(m[1]), m[2]) for m in
                           re.finditer(r"^ \+ (\S+)==(\S+)$", dry.stderr + dry.stdout, re.M))
            values = marker_env(python, platform)
            selected = sorted((n, v) for n, v, m in ours if m is None or Marker(m).evaluate(values))
            name = f"pylock.toml ({python}, {platform}): uv pip install --dry-run == pkglens's markers"
            if dry.returncode:
                result(name, False, why(dry))
            else:
                result(name, would == selected, f"{len(would)} packages" if would == selected else
                       f"only pkglens {sorted(set(selected) - set(would))}, only uv {sorted(set(would) - set(selected))}")
            problems = check(project / "pylock.toml", python, platform)
            result(f"pkglens check pylock.toml ({python}, {platform}): no problem", not problems,
                   problems_line(problems))

    # --- the project folder: pyproject.toml, uv.lock and pylock.toml are one project ---------
    for python, platform in TARGETS:
        problems = check(project, python, platform)
        bad = [p for p in problems if p["kind"] in RESOLUTION]
        result(f"pkglens check of the project folder ({python}, {platform}): no duplicate, no problem",
               not bad, problems_line(bad))

    # --- broken copies -------------------------------------------------------------------------
    # (a) a package removed from uv.lock.
    broken = copy_with("break-uvlock-idna", {"uv.lock": edit_block(lock_text, "package", "idna", None)})
    refused = [p for p in (uv_run(["lock", "--check", "--offline"], broken),
                           uv_run(["export", "--frozen", "--no-hashes"], broken)) if p.returncode]
    problems = check(broken / "uv.lock", "3.12", "linux")
    found = {canonicalize_name(p["package"].split()[0]) for p in problems
             if p["kind"] == "missing" and canonicalize_name(p["requirement"].split()[0]) == "idna"}
    other = [p for p in problems if p["kind"] != "missing" or not p["requirement"].startswith("idna")]
    result("uv.lock without idna: uv refuses it", len(refused) == 2,
           why(refused[0]) if refused else "uv lock --check and uv export --frozen accept it")
    result("uv.lock without idna: pkglens `missing` idna for idna's dependents per uv",
           found == via["idna"] and not other,
           f"pkglens {sorted(found)}, uv via {sorted(via['idna'])}"
           + (f"; other problems: {problems_line(other)}" if other else ""))

    # (b) a fork's pinned version no longer locked.
    broken = copy_with("break-uvlock-click", {"uv.lock": edit_block(
        lock_text, "package", "click", set_version("8.2.1", "8.2.0"))})
    refused = [p for p in (uv_run(["lock", "--check", "--offline"], broken),
                           uv_run(["export", "--frozen", "--no-hashes"], broken)) if p.returncode]
    result("uv.lock with click 8.2.0 for a click==8.2.1 pin: uv refuses it", len(refused) == 2,
           why(refused[0]) if refused else "uv lock --check and uv export --frozen accept it")
    problems = check(broken / "uv.lock", "3.12", "linux")
    ok = (len(problems) == 1 and problems[0]["kind"] == "unsatisfied"
          and problems[0]["requirement"].startswith("click==8.2.1"))
    result("uv.lock with click 8.2.0: pkglens `unsatisfied` click==8.2.1 (3.12, linux)", ok,
           problems_line(problems) or "no problem")
    problems = check(broken / "uv.lock", "3.9", "linux")
    result("uv.lock with click 8.2.0: pkglens no problem (3.9, linux: the pin's marker is false)",
           not problems, problems_line(problems))

    # (b) versions violating specifiers that uv.lock does not record, or that uv does not check.
    for name, old, new, rule in (("urllib3", "2.4.0", "1.0.0", "requests needs urllib3>=1.21.1,<3"),
                                 ("requests", "2.32.3", "2.0.0", "the project declares requests>=2.31")):
        broken = copy_with(f"break-uvlock-{name}", {"uv.lock": edit_block(
            lock_text, "package", name, set_version(old, new))})
        checked = uv_run(["lock", "--check", "--offline"], broken)
        exp = uv_run(["export", "--frozen", "--no-hashes", "--no-header", "--no-annotate"], broken)
        accepted = checked.returncode == 0 and exp.returncode == 0 and f"{name}=={new}" in exp.stdout
        problems = check(broken / "uv.lock", "3.12", "linux")
        flagged = [p for p in problems if p["kind"] in RESOLUTION]
        result(f"uv.lock with {name} {new} ({rule}): uv and pkglens agree",
               accepted == (not flagged),
               f"uv {'accepts it' if accepted else 'refuses it: ' + why(checked if checked.returncode else exp)}; "
               f"pkglens {problems_line(flagged) or 'no problem'}")

    if pylock_ok:
        # (a) a package removed from pylock.toml: no dependency edges to break.
        broken = copy_with("break-pylock-idna", {"pylock.toml": edit_block(pylock_text, "packages", "idna", None)})
        dry = uv_run(["pip", "install", "--dry-run", "--offline", "--preview-features", "pylock",
                      "--python", str(work / "env" / "bin" / "python"), "-r", "pylock.toml"], broken)
        problems = check(broken / "pylock.toml", "3.12", "linux")
        result("pylock.toml without idna: uv installs the rest, pkglens reports nothing "
               "(uv's pylock packages carry no dependencies)",
               dry.returncode == 0 and "idna" not in dry.stderr and not problems,
               f"uv exit {dry.returncode}; pkglens {problems_line(problems) or 'no problem'}")
        # (c) an invalid marker.
        bad = pylock_text.replace("marker = \"python_full_version < '3.11'\"",
                                  "marker = \"python_full_version <<< '3.11'\"", 1)
        broken = copy_with("break-pylock-marker", {"pylock.toml": bad})
        dry = uv_run(["pip", "install", "--dry-run", "--offline", "--preview-features", "pylock",
                      "--python", str(work / "env" / "bin" / "python"), "-r", "pylock.toml"], broken)
        problems = check(broken / "pylock.toml", "3.12", "linux")
        uv_line = re.search(r"at line (\d+)", dry.stderr)
        result("pylock.toml with an invalid marker: uv refuses it, pkglens `parse_error` at uv's line",
               bad != pylock_text and dry.returncode != 0 and uv_line
               and [(p["kind"], p["line"]) for p in problems] == [("parse_error", int(uv_line[1]))],
               f"uv: {why(dry)}; pkglens: " + ("; ".join(f"{p['kind']} line {p['line']}: {p['message']}"
                                                    for p in problems) or "no problem"))


try:
    main()
except (SystemExit, Exception) as stop:  # a step that cannot go on: one failure, then the count
    result("cannot go on", False, f"{type(stop).__name__}: {stop}")
print(f"test result: {'ok' if not failed else 'FAILED'}. {passed} passed; {failed} failed")
sys.exit(1 if failed else 0)
