#!/usr/bin/env python
"""Load every package.py and package.yaml under the given trees with rez's own
loader and write NDJSON (one line per file) for tests/tests/rez_load.rs.

Usage: rez_load.py TREE [TREE...] > out.ndjson

rez executes the file (rez.serialise.load_from_file, memcache disabled):
@early functions are evaluated, @late ones stay functions (SourceCode), plain
functions are dropped. For each file we report:

- `fields`: the 7 solver fields as plain JSON, and `computed`: which of them
  were functions or not plainly serialisable; a solver field rez's schema
  rejects (a tuple where it wants a list, `tools: a` in YAML) is in `invalid`
  too (rez raises when the package's field is read);
- `attributes`: every other attribute, as rez's package schema
  (package_resources.package_pod_schema) validates it: `description` and
  `changelog` dedented and stripped, versions and requests as strings, `config`
  the dict it overrides; `invalid`: the attributes that schema rejects (rez
  raises when they are read); `computed_attributes`: those that are functions;
- `installed`: true when the file sits at `<family>/<version>/package.py` with a
  valid family name, a valid version folder and a `name` that is the family's
  (or none). rez's filesystem repository then gives the package its folders'
  name and version, whatever the file says; they are read from the repository.

A file Python cannot compile is `ok: false` with `compile_error` (type, message, line: what
rez's `compile()` raises); one that raises when executed is `ok: false` with rez's error.
"""
import json
import os
import sys
from inspect import isfunction

os.environ.setdefault("REZ_QUIET", "1")

from rez import serialise  # noqa: E402
from rez.serialise import FileFormat  # noqa: E402
from rez.package_repository import package_repository_manager  # noqa: E402
from rez.package_resources import package_pod_schema_dict  # noqa: E402
from rez.utils.formatting import is_valid_package_name  # noqa: E402
from rez.utils.sourcecode import SourceCode  # noqa: E402
from rez.vendor.schema.schema import Schema, SchemaError  # noqa: E402
from rez.version import Version  # noqa: E402

FIELDS = ["name", "version", "requires", "build_requires",
          "private_build_requires", "variants", "tools"]

_functions = {}


_orig_process = serialise.process_python_objects


def _recording_process(data, filepath=None):
    # record which top-level names were functions before rez processed them
    _functions[filepath] = sorted(k for k, v in data.items() if isfunction(v))
    return _orig_process(data, filepath=filepath)


serialise.process_python_objects = _recording_process


def _attribute_schemas():
    """Each named key of rez's package schema and the schema of its value."""
    out = {}
    for key, value_schema in package_pod_schema_dict.items():
        while isinstance(key, Schema):
            key = key._schema
        if isinstance(key, str):
            out[key] = Schema(value_schema)
    return out


SCHEMAS = _attribute_schemas()


def plain(v):
    """Convert to plain JSON; raise TypeError on anything else."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if type(v).__name__ in ("Version", "PackageRequest", "Requirement"):
        return str(v)
    raise TypeError(type(v).__name__)


def installed_folders(path, data):
    """(family, version) when rez's filesystem repository would own the file."""
    version = os.path.basename(os.path.dirname(path))
    family = os.path.basename(os.path.dirname(os.path.dirname(path)))
    if not family or not version or version.startswith("."):
        return None
    if not is_valid_package_name(family):
        return None
    try:
        Version(version)
    except Exception:
        return None
    if data.get("name", family) != family:
        return None
    return family, version


def from_repository(path):
    """name and version of the installed package at `path`, from rez's repository."""
    path = os.path.realpath(path)
    root = os.path.dirname(os.path.dirname(os.path.dirname(path)))
    repo = package_repository_manager.get_repository(root)
    resource = repo.get_package_from_uri(path)
    return resource.name, str(resource.version)


def attribute(key, value):
    """rez's validated value of attribute `key`, as plain JSON."""
    if key == "config" and isinstance(value, dict):
        SCHEMAS[key].validate(value)  # raises as rez does; the value is the dict
        return plain(value)
    if key in SCHEMAS:
        value = SCHEMAS[key].validate(value)
    return plain(value)


def shape_of(v):
    """`v` with every string replaced by a valid request: lists stay lists, tuples tuples."""
    if isinstance(v, str):
        return "x"
    if isinstance(v, (list, tuple)):
        return type(v)(shape_of(x) for x in v)
    return v


def compile_error(path):
    """Python's own verdict, as rez's `compile(f.read(), filepath, 'exec')` gives it."""
    with open(path, "rb") as f:
        source = f.read()
    try:
        compile(source, path, "exec")
    except (SyntaxError, ValueError) as e:  # ValueError: null bytes
        return {"type": type(e).__name__, "message": str(e).splitlines()[0],
                "line": getattr(e, "lineno", None) or 0}
    return None


def load(path):
    rec = {"path": path}
    _functions.clear()
    yaml = path.endswith(".yaml")
    error = None if yaml else compile_error(path)
    if error:
        rec["ok"] = False
        rec["compile_error"] = error
        rec["error"] = error["message"]
        return rec
    try:
        file_format = FileFormat.yaml if yaml else FileFormat.py
        data = serialise.load_from_file(path, file_format, disable_memcache=True)
    except BaseException as e:  # noqa: B036 (SystemExit from a package too)
        rec["ok"] = False
        rec["error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
        return rec
    rec["ok"] = True
    funcs = set(next(iter(_functions.values()), []))
    fields = {}
    computed = []
    invalid = []
    for f in FIELDS:
        if f in funcs:
            computed.append(f)
            continue
        if f not in data:
            continue
        v = data[f]
        if f not in ("name", "version") and not isinstance(v, SourceCode):
            # The containers as rez's schema judges them; the requests themselves are
            # compared as read (a developer package's `foo-*` is expanded before validation).
            try:
                SCHEMAS[f].validate(shape_of(v))
            except SchemaError:
                invalid.append(f)
        try:
            fields[f] = str(v) if f == "version" else plain(v)
        except TypeError:
            computed.append(f)
    folders = installed_folders(path, data)
    rec["installed"] = folders is not None
    if folders:
        fields["name"], fields["version"] = from_repository(path)
        computed = [f for f in computed if f not in ("name", "version")]
    attributes, computed_attributes = {}, []
    for key, value in data.items():
        if key in FIELDS or key in funcs or isinstance(value, SourceCode):
            if key not in FIELDS:
                computed_attributes.append(key)
            continue
        try:
            attributes[key] = attribute(key, value)
        except SchemaError:
            invalid.append(key)
        except TypeError:
            computed_attributes.append(key)
    rec["fields"] = fields
    rec["computed"] = computed
    rec["attributes"] = attributes
    rec["invalid"] = sorted(invalid)
    rec["computed_attributes"] = sorted(computed_attributes)
    return rec


def main(argv):
    out = sys.stdout
    for tree in argv:
        paths = []
        for root, dirs, files in os.walk(os.path.abspath(tree)):
            dirs.sort()
            for name in ("package.py", "package.yaml"):
                if name in files:
                    paths.append(os.path.join(root, name))
        for p in paths:
            out.write(json.dumps(load(p), sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
