"""Reference answers of packaging for PEP 440 versions and specifiers and PEP 508 requirements
and markers, for `tests/tests/pep440_508.rs`.

Usage: python pep440_508.py [--refresh-vectors] > pep440_508.json

Inputs:
- packaging's own test vectors, as data in `core/test-data/pep508/packaging_vectors.json`:
  the strings of the parametrised tests (and the literal `to_parse = "..."` / `Requirement(...)`
  / `Marker(...)` strings) of tests/test_version.py, tests/test_specifiers.py,
  tests/test_requirements.py and tests/test_markers.py of the packaging sdist whose version is
  installed. `--refresh-vectors` downloads that sdist (`pip download packaging==X --no-binary
  :all: --no-deps`) and rewrites the file; otherwise the committed file is read (no network);
- a seeded random matrix of versions x specifier sets (SEED below);
- every `Requires-Dist` of the wheels (METADATA) and sdists (PKG-INFO) under the directories of
  $PKGLENS_WHEELS_DIR (colon-separated), and every requirement line of
  core/test-data/requirements_txt/**/*.txt (options, comments and continuations skipped).

Answers (all from the installed packaging): `str(Version)` or null and an order rank for each
version; a containment bitmap per specifier set (`SpecifierSet(s).contains(v,
prereleases=True)`, as pkglens's `Specifiers::contains`: pre-releases included); for each
requirement its name, extras, specifiers (normalised), marker, url or "rejected"; for each
marker its value in the four ENVIRONMENTS below ("error" where packaging raises).
"""

import ast
import email.parser
import glob
import importlib
import inspect
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import types
import zipfile
from pathlib import Path

import packaging
from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent.parent
VECTORS = ROOT / "core/test-data/pep508/packaging_vectors.json"
SEED = 20260508
N_VERSIONS = 2000
N_SPECIFIERS = 300

# The four environments, shaped as packaging.markers.default_environment() shapes them (all
# eleven keys), `extra` unset (packaging then evaluates with extra == "").
ENVIRONMENTS = {
    "cpython3.8-linux-x86_64": {
        "implementation_name": "cpython",
        "implementation_version": "3.8.20",
        "os_name": "posix",
        "platform_machine": "x86_64",
        "platform_release": "6.8.0-45-generic",
        "platform_system": "Linux",
        "platform_version": "#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024",
        "python_full_version": "3.8.20",
        "platform_python_implementation": "CPython",
        "python_version": "3.8",
        "sys_platform": "linux",
    },
    "cpython3.12-windows-amd64": {
        "implementation_name": "cpython",
        "implementation_version": "3.12.7",
        "os_name": "nt",
        "platform_machine": "AMD64",
        "platform_release": "10",
        "platform_system": "Windows",
        "platform_version": "10.0.22631",
        "python_full_version": "3.12.7",
        "platform_python_implementation": "CPython",
        "python_version": "3.12",
        "sys_platform": "win32",
    },
    "cpython3.13-macos-arm64": {
        "implementation_name": "cpython",
        "implementation_version": "3.13.1",
        "os_name": "posix",
        "platform_machine": "arm64",
        "platform_release": "24.1.0",
        "platform_system": "Darwin",
        "platform_version": "Darwin Kernel Version 24.1.0: Thu Oct 10 21:02:45 PDT 2024; "
        "root:xnu-11215.41.3~2/RELEASE_ARM64_T8122",
        "python_full_version": "3.13.1",
        "platform_python_implementation": "CPython",
        "python_version": "3.13",
        "sys_platform": "darwin",
    },
    "cpython3.11-linux-aarch64": {
        "implementation_name": "cpython",
        "implementation_version": "3.11.10",
        "os_name": "posix",
        "platform_machine": "aarch64",
        "platform_release": "5.15.0-1064-aws",
        "platform_system": "Linux",
        "platform_version": "#70-Ubuntu SMP Thu Jun 6 22:06:05 UTC 2024",
        "python_full_version": "3.11.10",
        "platform_python_implementation": "CPython",
        "python_version": "3.11",
        "sys_platform": "linux",
    },
}


# --- packaging's test vectors -------------------------------------------------------------


def _fake_pytest():
    """Just enough of pytest (and pretend) to import the test modules and keep their
    `parametrize` arguments on the test functions."""

    class Param:
        def __init__(self, *values, marks=(), id=None):
            self.values = values

    class Mark:
        def parametrize(self, names, values, **kw):
            def deco(f):
                f.__dict__.setdefault("_params", []).append((names, list(values)))
                return f

            return deco

        def __getattr__(self, name):
            return lambda *a, **k: (lambda f: f)

    pytest = types.ModuleType("pytest")
    pytest.mark = Mark()
    pytest.param = Param
    pytest.raises = pytest.warns = lambda *a, **k: None
    pytest.fixture = lambda *a, **k: (a[0] if a and callable(a[0]) else (lambda f: f))
    pytest.MonkeyPatch = object
    sys.modules["pytest"] = pytest
    sys.modules.setdefault("pretend", types.ModuleType("pretend"))
    return Param


def _strings(value, Param):
    if isinstance(value, str):
        yield value
    elif isinstance(value, Param):
        for v in value.values:
            yield from _strings(v, Param)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from _strings(v, Param)


def _params(module, Param):
    """(test name, argument name, string) for every parametrised string argument."""
    funcs = [(n, o) for n, o in vars(module).items() if inspect.isfunction(o)]
    for cname, cls in vars(module).items():
        if inspect.isclass(cls) and cname.startswith("Test"):
            funcs += [(f"{cname}.{n}", o) for n, o in vars(cls).items() if inspect.isfunction(o)]
    for name, func in funcs:
        for names, values in getattr(func, "_params", []):
            names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
            for row in values:
                if isinstance(row, Param):
                    row = row.values if len(names) > 1 else row.values[0]
                row = row if len(names) > 1 else (row,)
                for arg, value in zip(names, row):
                    for s in _strings(value, Param):
                        yield name, arg, s


def _literals(path, callee, variable):
    """String literals passed to `callee(...)` or assigned to `variable`."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == callee
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.append(node.args[0].value)
        elif (
            isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == variable for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            out.append(node.value.value)
    return out


def _unique(items):
    return list(dict.fromkeys(items))


def harvest(sdist_dir):
    tests = sdist_dir / "tests"
    Param = _fake_pytest()
    sys.path.insert(0, str(sdist_dir))
    mods = {m: importlib.import_module(f"tests.{m}") for m in
            ["test_version", "test_specifiers", "test_requirements", "test_markers"]}
    versions, specifiers, requirements, markers = [], [], [], []
    for test, arg, s in _params(mods["test_version"], Param):
        if "comparison" in test:
            continue  # all pairs of VERSIONS, which are in the list already
        if arg in ("version", "normalized", "expected", "public", "base_version", "string"):
            versions.append(s)
    versions += mods["test_version"].VERSIONS
    for test, arg, s in _params(mods["test_specifiers"], Param):
        if "version" in arg or arg in ("input", "versions", "test_versions", "input_versions",
                                       "installed", "expected") and "specifier" not in test:
            versions.append(s)
        if arg in ("specifier", "specifiers", "spec", "spec_str", "left", "right", "spec1",
                   "spec2") or (arg == "expected" and "str_and_repr" in test):
            specifiers.append(s)
    specifiers += getattr(mods["test_specifiers"], "LEGACY_SPECIFIERS", [])
    versions = [v for v in versions if len(v) < 100]
    specifiers = [s for s in specifiers if len(s) < 100]

    # test_basic_valid_requirement_parsing, rebuilt as the test builds it.
    func = mods["test_requirements"].test_basic_valid_requirement_parsing
    grid = {tuple(n.split(",")) if "," in n else n: v for n, v in func._params}
    for name in grid["name"]:
        for extras in grid["extras"]:
            for url, spec in grid[("url", "specifier")]:
                for marker in grid["marker"]:
                    for ws in grid["whitespace"]:
                        parts = [name]
                        if extras:
                            parts += ["[", "{ws},{ws}".format(ws=ws).join(sorted(extras)), "]"]
                        if spec:
                            parts.append(spec.format(ws=ws))
                        if url is not None:
                            parts += ["@", url.format(ws=ws)]
                        if marker is not None:
                            parts += [" ;" if url is not None else ";", marker.format(ws=ws)]
                        requirements.append(ws.join(parts))
    for test, arg, s in _params(mods["test_requirements"], Param):
        if arg in ("req_str", "input_req", "norm_req", "dep1", "dep2", "to_parse",
                   "invalid_requirement"):
            requirements.append(s)
        elif arg == "requirement":
            requirements += [s, s + " ", s + "\n"]
        elif arg == "marker" and "valid_marker" in test:
            requirements.append(f"name; {s}")
            markers.append(s)
        elif arg == "url" and "file_url" in test:
            requirements.append(f"name @ {s}")
    requirements += _literals(tests / "test_requirements.py", "Requirement", "to_parse")
    requirements += [f"{a}{b}" for a, b in mods["test_requirements"].EQUAL_DEPENDENCIES]

    for test, arg, s in _params(mods["test_markers"], Param):
        if arg in ("marker_string", "marker_str", "example1", "example2", "expression"):
            markers.append(s)
    markers += _literals(tests / "test_markers.py", "Marker", "marker_string")
    return {
        "source": f"packaging {packaging.__version__} sdist (pip download "
        f"packaging=={packaging.__version__} --no-binary :all: --no-deps): strings of "
        "tests/test_version.py, tests/test_specifiers.py, tests/test_requirements.py, "
        "tests/test_markers.py (parametrize arguments and literal Requirement/Marker/to_parse "
        "strings), extracted by scripts/conformance/pep440_508.py --refresh-vectors",
        "packaging_version": packaging.__version__,
        "versions": _unique(versions),
        "specifiers": _unique(specifiers),
        "requirements": _unique(requirements),
        "markers": _unique(markers),
    }


def refresh_vectors():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             f"packaging=={packaging.__version__}", "--no-binary", ":all:", "--no-deps",
             "-d", tmp],
            check=True, stdout=sys.stderr,
        )
        (archive,) = glob.glob(os.path.join(tmp, "packaging-*.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        data = harvest(Path(tmp) / f"packaging-{packaging.__version__}")
    VECTORS.parent.mkdir(parents=True, exist_ok=True)
    VECTORS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# --- the random matrix --------------------------------------------------------------------


def random_version(rng):
    if rng.random() < 0.04:  # something that is not a version, or nearly
        return rng.choice(["1.0.", "1..0", "1.0+", "1.0-", "a1.0", "1.0+loc@l", "1.0.x", "",
                           " ", "1.0 0", "-1.0", "1.0.dev-1", "1!", "!1.0", "1.0+.a",
                           "1.0a1a2", "1.0.post", "1.0.*", "v", "1.0rc1.post1.dev2.post3",
                           "1" * 21, "٣.0", "1.0+ä"])
    parts = []
    if rng.random() < 0.05:
        parts.append(rng.choice(["v", "V"]))
    if rng.random() < 0.1:
        parts.append(f"{rng.choice([0, 1, 2, 10])}!")
    release = [str(rng.choice([0, 0, 1, 1, 1, 2, 2, 3, 10])) for _ in range(rng.choice([1, 2, 2, 3, 3, 4]))]
    if rng.random() < 0.1:
        i = rng.randrange(len(release))
        release[i] = "0" + release[i]
    parts.append(".".join(release))
    sep = lambda: rng.choice(["", "", ".", "-", "_"])
    if rng.random() < 0.3:
        tag = rng.choice(["a", "b", "rc", "alpha", "beta", "c", "pre", "preview", "A", "RC"])
        num = rng.choice(["", "0", "1", "2", "01"])
        parts.append(sep() + tag + (sep() if num else "") + num)
    if rng.random() < 0.2:
        if rng.random() < 0.2:
            parts.append("-" + str(rng.choice([0, 1, 2])))
        else:
            tag = rng.choice(["post", "rev", "r", "POST"])
            num = rng.choice(["", "0", "1", "2"])
            parts.append(sep() + tag + (sep() if num else "") + num)
    if rng.random() < 0.2:
        tag = rng.choice(["dev", "DEV"])
        num = rng.choice(["", "0", "1", "2"])
        parts.append(sep() + tag + num)
    if rng.random() < 0.12:
        segs = [rng.choice(["ubuntu", "1", "2", "abc", "ABC", "0", "x1"]) for _ in range(rng.choice([1, 2, 3]))]
        parts.append("+" + "".join(s + rng.choice([".", "-", "_"]) for s in segs[:-1]) + segs[-1])
    text = "".join(parts)
    if rng.random() < 0.05:
        text = text.upper()
    if rng.random() < 0.03:
        text = rng.choice([" ", "\t", "\n"]) + text + rng.choice([" ", "", "\n"])
    return text


def random_clause(rng):
    op = rng.choice(["==", "!=", "<", "<=", ">", ">=", "~=", "===", "==*", "!=*"])
    if op == "===":
        return "===" + rng.choice(["1.0", "1.0.0", "foobar", "1.0+local", "1!1.0", random_version(rng)])
    if op in ("==*", "!=*"):
        release = ".".join(str(rng.choice([0, 1, 1, 2, 3])) for _ in range(rng.choice([1, 1, 2, 3])))
        epoch = "1!" if rng.random() < 0.05 else ""
        return f"{op[:2]}{epoch}{release}.*"
    version = random_version(rng).strip()
    if rng.random() < 0.3:
        return f"{op} {version}"
    return op + version


def random_specifier(rng):
    n = rng.choice([1, 1, 1, 2, 2, 3])
    return rng.choice([",", ", ", " ,"]).join(random_clause(rng) for _ in range(n))


def version_answers(texts):
    normalized, parsed = [], []
    for t in texts:
        try:
            v = Version(t)
            normalized.append(str(v))
            parsed.append(v)
        except (InvalidVersion, ValueError):
            normalized.append(None)
            parsed.append(None)
    distinct = sorted(set(v for v in parsed if v is not None))
    rank = {v: i for i, v in enumerate(distinct)}
    return normalized, [None if v is None else rank[v] for v in parsed]


def specifier_answers(specs, versions):
    out = []
    for s in specs:
        try:
            ss = SpecifierSet(s)
        except (InvalidSpecifier, ValueError):
            out.append({"spec": s, "valid": False})
            continue
        bits = []
        for v in versions:
            try:
                bits.append("1" if ss.contains(v, prereleases=True) else "0")
            except ValueError:  # an oversized version
                bits.append("e")
        out.append({"spec": s, "valid": True, "contains": "".join(bits)})
    return out


# --- requirements and markers -------------------------------------------------------------


def requires_dist():
    out = []
    for d in filter(None, os.environ.get("PKGLENS_WHEELS_DIR", "").split(":")):
        for path in sorted(Path(d).iterdir()):
            text = None
            if path.suffix == ".whl":
                with zipfile.ZipFile(path) as z:
                    names = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
                    text = z.read(names[0]).decode("utf-8") if names else None
            elif path.name.endswith((".tar.gz", ".zip")) and path.suffix != ".whl":
                if path.name.endswith(".tar.gz"):
                    with tarfile.open(path) as tar:
                        member = next((m for m in tar.getmembers() if m.name.count("/") == 1
                                       and m.name.endswith("/PKG-INFO")), None)
                        text = tar.extractfile(member).read().decode("utf-8") if member else None
            if text:
                msg = email.parser.Parser().parsestr(text)
                out += [(f"{path.name}:Requires-Dist", r) for r in msg.get_all("Requires-Dist") or []]
    return out


def requirements_txt():
    out = []
    for path in sorted((ROOT / "core/test-data/requirements_txt").rglob("*.txt")):
        rel = path.relative_to(ROOT)
        for line in path.read_text(encoding="utf-8-sig", errors="replace").splitlines():
            line = line.split(" #")[0].split("\t#")[0].strip()
            if not line or line.startswith(("#", "-")) or line.endswith("\\"):
                continue
            line = line.split(" --")[0].strip()
            if "://" in line.split("@")[0] or line.startswith((".", "/", "~")):
                continue  # a bare URL or path (pip's extension, not PEP 508)
            out.append((str(rel), line))
    return out


def evaluate(marker):
    out = {}
    for name, env in ENVIRONMENTS.items():
        try:
            out[name] = marker.evaluate(env)
        except Exception as e:  # UndefinedComparison, UndefinedEnvironmentName, InvalidVersion
            out[name] = "error: " + type(e).__name__
    return out


def requirement_answer(text):
    try:
        r = Requirement(text)
    except (InvalidRequirement, ValueError):
        return "rejected"
    specifiers = []
    for s in r.specifier:
        if s.operator == "===":
            specifiers.append(str(s))
        elif s.version.endswith(".*"):
            specifiers.append(s.operator + str(Version(s.version[:-2])) + ".*")
        else:
            specifiers.append(s.operator + str(Version(s.version)))
    return {
        "name": canonicalize_name(r.name),
        "extras": sorted(canonicalize_name(e) for e in r.extras),
        "specifiers": sorted(specifiers),
        "marker": str(r.marker) if r.marker is not None else None,
        "marker_eval": evaluate(r.marker) if r.marker is not None else None,
        "url": r.url,
    }


# Marker strings with escapes: packaging reads a quoted string with ast.literal_eval, so
# Python's escapes apply (named ones by Unicode name or alias, any case; not named sequences).
ESCAPE_MARKERS = [
    r'os_name == "\N{LATIN SMALL LETTER P}osix"',
    r'os_name == "\N{latin small letter p}osix"',
    r'os_name != "\N{LINE FEED}"',
    r'os_name != "\N{BYTE ORDER MARK}"',
    r'platform_release == "\N{HANGUL SYLLABLE GA}\N{CJK UNIFIED IDEOGRAPH-4E00}"',
    r'os_name == "\N{LATIN SMALL LETTER R WITH TILDE}"',
    r'os_name == "\N{KEYCAP NUMBER SIGN}"',
    r'os_name == "\N{ LATIN SMALL LETTER A}"',
    r'os_name == "\N{latin_small_letter_a}"',
    r'os_name == "\N{}"',
    r'os_name == "\N"',
    r"os_name == '\x70osix'",
    r"os_name == '\160osix'",
    r"os_name == '\u0070osix'",
    r"os_name == '\U00000070osix'",
    r"os_name == 'posix\q'",
    r"os_name == '\x7'",
    r"os_name == 'a\\'",
    r'os_name == "\t\a\b\f\v"',
]


def marker_answer(text):
    try:
        m = Marker(text)
    except (InvalidMarker, ValueError):
        return "rejected"
    return {"str": str(m), "eval": evaluate(m)}


def main():
    if "--refresh-vectors" in sys.argv:
        refresh_vectors()
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    if vectors["packaging_version"] != packaging.__version__:
        print(f"warning: vectors from packaging {vectors['packaging_version']}, "
              f"installed {packaging.__version__}", file=sys.stderr)

    rng = random.Random(SEED)
    versions = [random_version(rng) for _ in range(N_VERSIONS)]
    specifiers = [random_specifier(rng) for _ in range(N_SPECIFIERS)]
    # A few fixed ones so that every operator and wildcard shape is certainly there.
    specifiers += ["", "==1.*", "!=1.*", "==1.0.*", "!=1.0.*", "~=1.0", "~=1.0.0", "~=1!1.0",
                   "===1.0", "===foobar", ">=1.0a1", "<1.0", ">1.0", "<=1.0.post1", ">1.0.post1",
                   "<1.0+local", "==1.0+local", "!=1.0+local", ">=0,<1!0"]

    def matrix(vs, ss, source):
        normalized, rank = version_answers(vs)
        return {
            "source": source,
            "versions": vs,
            "normalized": normalized,
            "rank": rank,
            "specifiers": specifier_answers(_unique(ss), vs),
        }

    reqs = [("packaging tests", r) for r in vectors["requirements"]]
    reqs += requires_dist() + requirements_txt()
    requirements = [{"source": src, "text": t, "packaging": requirement_answer(t)} for src, t in reqs]
    markers = [("packaging tests", m) for m in vectors["markers"]]
    markers += [("string escapes", m) for m in ESCAPE_MARKERS]
    markers += [(r["source"], r["packaging"]["marker"]) for r in requirements
                if isinstance(r["packaging"], dict) and r["packaging"]["marker"]]
    seen = set()
    marker_out = []
    for src, m in markers:
        if m not in seen:
            seen.add(m)
            marker_out.append({"source": src, "text": m, "packaging": marker_answer(m)})

    json.dump({
        "packaging_version": packaging.__version__,
        "vectors_source": vectors["source"],
        "seed": SEED,
        "environments": ENVIRONMENTS,
        "vectors": matrix(vectors["versions"], vectors["specifiers"], "packaging tests"),
        "random": matrix(versions, specifiers, f"random.Random({SEED})"),
        "requirements": requirements,
        "markers": marker_out,
    }, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    print()


if __name__ == "__main__":
    main()
