#!/usr/bin/env python3
"""Reference reading of the lock-file fixtures, independent of pkglens.

Reads every `*.lock` (uv.lock) and `*pylock*.toml` (PEP 751) under tests/data with
`tomllib` and writes, per file, each package's name, version, header line, marker
(pylock) and dependencies (name, kind, spec, marker), following the specs:
- PEP 751: `[[packages]]`; `dependencies` are tables naming locked packages; a
  `version` key pins `==version`. Kind is always `run`.
- uv.lock: `[[package]]`; `dependencies` (run), `optional-dependencies.<extra>`
  (optional:<extra>), `dev-dependencies.<group>` (group:<group>); entries
  `{name, version?, marker?, extra?}`.
The header line is found by scanning the text for the `[[package]]` / `[[packages]]`
headers, not through a TOML parser's positions.

Usage: locks.py [DATA_DIR] > locks.json
"""
import json
import pathlib
import re
import sys
import tomllib


def header_lines(text, key):
    pattern = re.compile(r"^\s*\[\[\s*" + re.escape(key) + r"\s*\]\]\s*(#.*)?$")
    return [i for i, line in enumerate(text.splitlines(), 1) if pattern.match(line)]


def dep(entry, kind):
    version = entry.get("version")
    return {
        "name": entry["name"],
        "kind": kind,
        "spec": f"=={version}" if version else "",
        "marker": entry.get("marker"),
        "extras": entry.get("extra", []),
    }


def read_uv(doc, text):
    lines = header_lines(text, "package")
    out = []
    for pkg, line in zip(doc.get("package", []), lines):
        requires = [dep(d, "run") for d in pkg.get("dependencies", [])]
        for extra, deps in pkg.get("optional-dependencies", {}).items():
            requires += [dep(d, f"optional:{extra}") for d in deps]
        for group, deps in pkg.get("dev-dependencies", {}).items():
            requires += [dep(d, f"group:{group}") for d in deps]
        source = pkg.get("source", {})
        root = any(source.get(k) in (".", "./") for k in ("editable", "virtual"))
        out.append({
            "name": pkg["name"],
            "version": pkg.get("version", ""),
            "line": line,
            "marker": None,
            "root": root,
            "requires": requires,
        })
    return out


def read_pylock(doc, text):
    assert doc["lock-version"].split(".")[0] == "1"
    lines = header_lines(text, "packages")
    out = []
    for pkg, line in zip(doc["packages"], lines):
        requires = [
            {"name": d["name"], "kind": "run",
             "spec": f"=={d['version']}" if "version" in d else "",
             "marker": None, "extras": []}
            for d in pkg.get("dependencies", [])
        ]
        out.append({
            "name": pkg["name"],
            "version": pkg.get("version", ""),
            "line": line,
            "marker": pkg.get("marker"),
            "root": False,
            "requires": requires,
        })
    return out


def main():
    data = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data")
    files = []
    for path in sorted(data.rglob("*")):
        name = path.name
        if name.endswith(".lock"):
            fmt, reader = "uv-lock", read_uv
        elif name.endswith(".toml") and "pylock" in name:
            fmt, reader = "pylock", read_pylock
        else:
            continue
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
        files.append({
            "path": path.relative_to(data).as_posix(),
            "format": fmt,
            "packages": reader(doc, text),
        })
    json.dump({"tool": "tomllib", "python": sys.version.split()[0], "files": files},
              sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
