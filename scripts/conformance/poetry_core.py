"""pkglens's reading of Poetry projects against poetry-core's own: the metadata poetry-core
writes for the wheel (`Metadata.from_package` over `Factory.create_poetry`: name, version,
summary, Requires-Python, Requires-Dist, Provides-Extra) and its dependency groups.

Compared by meaning, not by text (poetry-core writes `foo (>=1.0,<2.0)`, pkglens `foo>=1.0,<2.0`;
it merges markers its own way): for every environment of a grid (Python 2.7 to 3.14 with
several patch levels, Linux, Windows, macOS, each extra or none) the requirements that apply,
each as its name, extras, URL and which of a set of versions its specifiers allow, must be the
same; Requires-Python must allow the same Python versions.

Usage: python poetry_core.py PKGLENS FOLDER...   (each FOLDER holds a pyproject.toml, or
folders that do). Exit 1 on any difference; a project poetry-core cannot read must be an
error in pkglens's record, or have no package.
"""

import itertools
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.markers import Marker, default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version
from poetry.core.factory import Factory
from poetry.core.masonry.metadata import Metadata

PYTHONS = [f"2.7.{p}" for p in (0, 9, 18)] + [
    f"3.{m}.{p}" for m in range(0, 16) for p in (0, 1, 2, 7, 9, 12)
]
PLATFORMS = [
    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
    {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
]


def environments(extras):
    base = default_environment()
    for python, platform, extra in itertools.product(PYTHONS, PLATFORMS, [""] + extras):
        env = dict(base)
        env.update(platform)
        env["python_full_version"] = python
        env["python_version"] = ".".join(python.split(".")[:2])
        env["implementation_name"] = "cpython"
        env["platform_python_implementation"] = "CPython"
        env["platform_machine"] = "x86_64"
        env["extra"] = extra
        yield env


def probe_versions(specs):
    """Versions around every version the specifiers name."""
    out = {"0", "0.0.1", "9999"}
    for spec in specs:
        for text in re.findall(r"\d+(?:\.\d+)*", spec):
            parts = [int(p) for p in text.split(".")]
            out.add(text)
            for i in range(len(parts)):
                for delta in (-1, 1):
                    bumped = parts[: i + 1]
                    bumped[i] += delta
                    if bumped[i] >= 0:
                        out.add(".".join(map(str, bumped)))
            out.add(text + ".1")
            out.add(text + ".post1")
            out.add(text + "b1")
    return sorted(out, key=Version)


def url_key(url):
    """A URL as compared: a file's by its last part (poetry-core makes it absolute), the
    user and password left out (pkglens hides them, as pip's `redact_auth_from_url` does)."""
    if url is None:
        return None
    url = re.sub(r"//[^/@]*@", "//", url)
    if url.startswith("file:"):
        return "file:" + url.rstrip("/").rsplit("/", 1)[-1]
    return url


class Req:
    """A requirement: name, extras, URL, specifiers and marker (packaging's objects)."""

    def __init__(self, name, extras, url, spec, marker):
        self.name = canonicalize_name(name)
        self.extras = tuple(sorted(canonicalize_name(e) for e in extras))
        self.url = url_key(url)
        self.spec = SpecifierSet(spec or "")
        self.marker = Marker(marker) if marker else None
        self.text = f"{name}{list(extras) or ''} {url or spec or ''} ; {marker or ''}"

    def applies(self, env):
        return self.marker is None or self.marker.evaluate(env)


def meaning(reqs, extras, probes):
    """For each environment, what applies: (name, extras, url, which of `probes` it allows)."""
    allowed = {
        id(r): tuple(r.spec.contains(v, prereleases=True) for v in probes) for r in reqs
    }
    out = []
    for env in environments(extras):
        applying = sorted(
            (r.name, r.extras, r.url or "", allowed[id(r)]) for r in reqs if r.applies(env)
        )
        out.append((env["python_full_version"], env["sys_platform"], env["extra"], applying))
    return out


def first_difference(a, b):
    for x, y in zip(a, b):
        if x != y:
            return x, y
    return None


def is_path(req):
    """A path dependency: poetry-core drops one whose folder is not there (as here, in a copy
    of the project), so they are not compared."""
    return req.url is not None and req.url.startswith("file:")


def describe(diff):
    """What applies on one side only, by name."""
    ours, theirs = diff[0][3], diff[1][3]
    only_ours = sorted({r[0] for r in ours if r not in theirs})
    only_theirs = sorted({r[0] for r in theirs if r not in ours})
    return f"only pkglens {only_ours}, only poetry-core {only_theirs}"


def from_poetry(text):
    """poetry-core's requirement; `None` where it wrote one that is not PEP 508."""
    try:
        r = Requirement(text)
    except InvalidRequirement:
        return None
    return Req(r.name, r.extras, r.url, str(r.specifier), str(r.marker) if r.marker else None)


def from_pkglens(r, extra=None):
    marker = r.get("marker")
    if extra is not None:
        marker = f'({marker}) and extra == "{extra}"' if marker else f'extra == "{extra}"'
    return Req(r["name"], r.get("extras", []), r.get("url"), r.get("spec", ""), marker)


def poetry_reading(folder):
    """poetry-core's metadata and groups, read from a copy of the project with its readme
    files made (poetry-core refuses a project whose readme is missing; pkglens never reads
    it)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        text = (folder / "pyproject.toml").read_text(encoding="utf-8")
        (copy / "pyproject.toml").write_text(text, encoding="utf-8")
        readme = tomllib.loads(text).get("tool", {}).get("poetry", {}).get("readme")
        for name in [readme] if isinstance(readme, str) else readme or []:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).touch()
        return read_copy(copy)


def read_copy(folder):
    poetry = Factory().create_poetry(folder)
    package = poetry.package
    meta = Metadata.from_package(package) if poetry.is_package_mode else None
    main = [d.to_pep_508() for d in package.requires]
    groups = {}
    for name in package.dependency_group_names(include_optional=True):
        if name == "main":
            continue
        groups[canonicalize_name(name)] = [
            d.to_pep_508() for d in package.dependency_group(name).dependencies
        ]
    return meta, main, groups


def compare(pkglens, folder):
    diffs = []
    say = diffs.append
    out = subprocess.run(
        [pkglens, "scan", "--format", "json", str(folder / "pyproject.toml")],
        capture_output=True,
        text=True,
    )
    record = json.loads(out.stdout)["records"][0]
    try:
        meta, main, groups = poetry_reading(folder)
    except Exception as err:  # poetry-core refuses the project
        if record["status"] != "error" and record["packages"]:
            say(f"poetry-core fails ({type(err).__name__}: {err}); pkglens reads a package")
        return diffs, "refused"
    unreadable = [t for t in main if from_poetry(t) is None]
    if unreadable and record["status"] != "error":
        say(f"poetry-core writes requirements that are not PEP 508 ({unreadable}); pkglens has no fault")
    if record["status"] == "error" and not unreadable:
        say(f"pkglens: {record.get('error', {}).get('message')}")
    if meta is None:
        # Non-package mode: the main dependencies are the record's `run` requirements.
        if record["packages"]:
            say("pkglens reads a package; poetry-core's non-package mode has none")
        got = [from_pkglens(r) for r in record["requirements"] if r["kind"] == "run"]
        got = [r for r in got if not is_path(r)]
        want = [r for r in map(from_poetry, main) if r is not None and not is_path(r)]
        probes = probe_versions([str(r.spec) for r in got + want])
        diff = first_difference(meaning(got, [], probes), meaning(want, [], probes))
        if diff:
            say(f"dependencies differ at {diff[0][:3]}: {describe(diff)}")
    elif not record["packages"]:
        say("pkglens has no package")
    else:
        compare_package(record, meta, say)
    compare_groups(record, groups, say)
    return diffs, "compared"


def compare_package(record, meta, say):
    p = record["packages"][0]
    if canonicalize_name(p["name"]) != canonicalize_name(meta.name):
        say(f"name {p['name']} != {meta.name}")
    if Version(p["version"]) != Version(meta.version):
        say(f"version {p['version']} != {meta.version}")
    if (p.get("summary") or None) != (meta.summary or None):
        say(f"summary {p.get('summary')!r} != {meta.summary!r}")
    want_rp = SpecifierSet(meta.requires_python or "")
    got_rp = SpecifierSet(p.get("requires_python") or "")
    pythons = PYTHONS + ["2.6", "2.7", "3.0", "4.0", "4.1"]
    if [want_rp.contains(v) for v in pythons] != [got_rp.contains(v) for v in pythons]:
        say(f"requires_python {got_rp} != {want_rp}")
    want_extras = sorted(canonicalize_name(e) for e in meta.provides_extra)
    got_extras = sorted(canonicalize_name(e) for e in p.get("provides_extra", []))
    if got_extras != want_extras:
        say(f"extras {got_extras} != {want_extras}")
    want = [r for r in map(from_poetry, meta.requires_dist) if r is not None and not is_path(r)]
    got = []
    for r in p["requires"]:
        kind = r["kind"]
        if kind == "run":
            got.append(from_pkglens(r))
        elif kind.startswith("optional:"):
            got.append(from_pkglens(r, canonicalize_name(kind.split(":", 1)[1])))
    got = [r for r in got if not is_path(r)]
    probes = probe_versions([str(r.spec) for r in got + want])
    diff = first_difference(
        meaning(got, want_extras, probes), meaning(want, want_extras, probes)
    )
    if diff:
        say(f"requires differ at {diff[0][:3]}: {describe(diff)}")
        say("  pkglens: " + "; ".join(r.text for r in got))
        say("  poetry-core: " + "; ".join(meta.requires_dist))


def compare_groups(record, groups, say):
    got_groups = {}
    for r in record["requirements"]:
        if r["kind"].startswith("group:"):
            req = from_pkglens(r)
            if not is_path(req):
                got_groups.setdefault(canonicalize_name(r["kind"][6:]), []).append(req)
    for name in sorted(set(groups) | set(got_groups)):
        a = got_groups.get(name, [])
        b = [r for r in map(from_poetry, groups.get(name, [])) if r is not None and not is_path(r)]
        probes = probe_versions([str(r.spec) for r in a + b])
        diff = first_difference(meaning(a, [], probes), meaning(b, [], probes))
        if diff:
            say(f"group {name} differs at {diff[0][:3]}: {describe(diff)}")
            say("  pkglens: " + "; ".join(r.text for r in a))
            say("  poetry-core: " + "; ".join(groups.get(name, [])))


def main():
    pkglens, roots = sys.argv[1], [Path(a) for a in sys.argv[2:]]
    folders = []
    for root in roots:
        if (root / "pyproject.toml").is_file():
            folders.append(root)
        else:
            folders.extend(sorted(d for d in root.iterdir() if (d / "pyproject.toml").is_file()))
    failed = 0
    counts = {"compared": 0, "refused": 0}
    for folder in folders:
        diffs, how = compare(pkglens, folder)
        counts[how] += 1
        if diffs:
            failed += 1
            print(f"{folder}:")
            for d in diffs:
                print(f"  {d}")
    print(
        f"{len(folders)} Poetry projects: {counts['compared']} compared with poetry-core's "
        f"metadata and groups, {counts['refused']} refused by poetry-core; {failed} differ"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
