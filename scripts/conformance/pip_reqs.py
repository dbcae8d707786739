"""Reads every fixtures/*.txt with pip's own requirements-file parser and prints JSON.

Usage: python pip_reqs.py FIXTURES_DIR > pip_reqs.json

Each file is parsed as a root (includes followed, as pip does). pip stops at the first bad
line; to see every bad line, _parse_file is overridden to record a line that fails option
parsing and go on, and each requirement is built on its own, so a failure is recorded against
its line. The environment for ${VAR} is fixed: RTX_INDEX=https://pypi.example/simple,
RTX_VER=2.0, RTX_EMPTY=''; everything else is unset.
"""

import glob
import json
import os
import re
import sys

import pip
from pip._internal.network.session import PipSession
from pip._internal.req import req_file
from pip._internal.req.constructors import install_req_from_parsed_requirement
from pip._internal.utils.urls import url_to_path
from pip._vendor.packaging.version import InvalidVersion, Version

ENV = {"RTX_INDEX": "https://pypi.example/simple", "RTX_VER": "2.0", "RTX_EMPTY": ""}
ENVIRONMENTS = [
    {"python_version": "3.7", "python_full_version": "3.7.9", "sys_platform": "linux",
     "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64",
     "implementation_name": "cpython", "platform_python_implementation": "CPython"},
    {"python_version": "3.12", "python_full_version": "3.12.1", "sys_platform": "win32",
     "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64",
     "implementation_name": "cpython", "platform_python_implementation": "CPython"},
    {"python_version": "3.9", "python_full_version": "3.9.18", "sys_platform": "darwin",
     "platform_system": "Darwin", "os_name": "posix", "platform_machine": "arm64",
     "implementation_name": "pypy", "platform_python_implementation": "PyPy"},
    {"python_version": "3.13", "python_full_version": "3.13.0", "sys_platform": "linux",
     "platform_system": "Linux", "os_name": "posix", "platform_machine": "aarch64",
     "implementation_name": "cpython", "platform_python_implementation": "CPython"},
]

REJECTS = []


class Parser(req_file.RequirementsFileParser):
    def _parse_file(self, filename, constraint):
        _, content = req_file.get_file_content(filename, self._session)
        for line_number, line in req_file.preprocess(content):
            try:
                args_str, opts = self._line_parser(line)
            except Exception as e:  # OptionParsingError, CommandError
                msg = getattr(e, "msg", None) or str(e)
                REJECTS.append({"file": rel(filename), "line": line_number, "message": msg.strip()})
                continue
            yield req_file.ParsedLine(filename, line_number, args_str, opts, constraint)


def rel(path):
    return os.path.relpath(os.path.abspath(path)).replace(os.sep, "/")


def norm_version(spec):
    op, version = spec.operator, spec.version
    if op == "===":
        return op + version
    try:
        if version.endswith(".*"):
            return op + str(Version(version[:-2])) + ".*"
        return op + str(Version(version))
    except InvalidVersion:
        return op + version


def url_of(link):
    if link is None:
        return None
    if link.scheme == "file":
        path = url_to_path(link.url_without_fragment)
        if path.startswith(os.getcwd() + os.sep):
            return rel(path)
        return path
    return link.url


def read(root):
    REJECTS.clear()
    out = {"file": root, "error": None, "reqs": [], "rejects": REJECTS}
    session = PipSession()
    parser = Parser(session, req_file.get_line_parser(None))
    try:
        for line in parser.parse(root, False):
            parsed = req_file.handle_line(line)
            if parsed is None:
                continue
            lineno = int(re.match(r"line (\d+) of ", parsed.line_source).group(1))
            try:
                ireq = install_req_from_parsed_requirement(parsed)
            except Exception as e:
                REJECTS.append({"file": rel(line.filename), "line": lineno, "message": str(e)})
                continue
            req = ireq.req
            markers = ireq.markers
            hashes = sorted(
                f"{algo}:{d}" for algo, ds in (ireq.hash_options or {}).items() for d in ds
            )
            out["reqs"].append({
                "file": rel(line.filename),
                "line": lineno,
                "name": req.name if req else None,
                "specifier": sorted(norm_version(s) for s in req.specifier) if req else [],
                "extras": sorted(e.lower() for e in ireq.extras),
                "marker": str(markers) if markers else None,
                "marker_eval": [markers.evaluate(env) for env in ENVIRONMENTS] if markers else None,
                "url": url_of(ireq.link),
                "editable": ireq.editable,
                "hashes": hashes,
                "constraint": ireq.constraint,
            })
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {e}"
    out["rejects"] = list(REJECTS)
    return out


def main():
    os.chdir(sys.argv[1])
    for key in list(os.environ):
        if key.startswith("RTX_"):
            del os.environ[key]
    os.environ.update(ENV)
    files = sorted(glob.glob("*.txt"))
    print(json.dumps({"pip": pip.__version__, "environments": ENVIRONMENTS,
                      "env": ENV, "files": [read(f) for f in files]}, indent=1))


if __name__ == "__main__":
    main()
