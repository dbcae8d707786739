#!/usr/bin/env python
"""Load every package.py under the given trees with rez's own loader and
write NDJSON (one line per file) for tests/conformance.rs.

Usage: rez_load.py TREE [TREE...] > out.ndjson

rez executes the file (rez.serialise.load_from_file, memcache disabled):
@early functions are evaluated, @late ones stay functions (SourceCode), plain
functions are dropped. For each file we report the 7 solver fields as plain
JSON and which of them were functions / not plainly serialisable ("computed").
"""
import json
import os
import sys
from inspect import isfunction

os.environ.setdefault("REZ_QUIET", "1")

from rez import serialise  # noqa: E402
from rez.serialise import FileFormat  # noqa: E402

FIELDS = ["name", "version", "requires", "build_requires",
          "private_build_requires", "variants", "tools"]

_functions = {}


_orig_process = serialise.process_python_objects


def _recording_process(data, filepath=None):
    # record which top-level names were functions before rez processed them
    _functions[filepath] = sorted(k for k, v in data.items() if isfunction(v))
    return _orig_process(data, filepath=filepath)


serialise.process_python_objects = _recording_process


def plain(v):
    """Convert to plain JSON; raise TypeError on anything else."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    raise TypeError(type(v).__name__)


def load(path):
    rec = {"path": path}
    _functions.clear()
    try:
        data = serialise.load_from_file(path, FileFormat.py, disable_memcache=True)
    except BaseException as e:  # noqa: B036 (SystemExit from a package too)
        rec["ok"] = False
        rec["error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
        return rec
    rec["ok"] = True
    funcs = set(next(iter(_functions.values()), []))
    fields = {}
    computed = []
    for f in FIELDS:
        if f in funcs:
            computed.append(f)
            continue
        if f not in data:
            continue
        v = data[f]
        try:
            fields[f] = str(v) if f == "version" else plain(v)
        except TypeError:
            computed.append(f)
    rec["fields"] = fields
    rec["computed"] = computed
    return rec


def main(argv):
    out = sys.stdout
    for tree in argv:
        paths = []
        for root, dirs, files in os.walk(tree):
            dirs.sort()
            if "package.py" in files:
                paths.append(os.path.join(root, "package.py"))
        for p in paths:
            out.write(json.dumps(load(p), sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
