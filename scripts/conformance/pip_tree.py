"""Reads the requirements files of a tree with pip's own requirements-file parser.

Usage: python pip_tree.py TREE > pip_tree.json

Every `.txt`, `.in`, `.lock` and `.pins` file under TREE is parsed with pip's
`parse_requirements` as a root (its `-r`/`-c` includes followed, as pip does). For each file:
its requirements in pip's order, each with its name (normalised), sorted specifiers and whether
it is a constraint or editable; or pip's error. The Rust side compares the files pkglens reads
as requirements files with this.
"""

import json
import os
import sys

from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name

EXTENSIONS = (".txt", ".in", ".lock", ".pins")


def read(path):
    out = []
    for parsed in parse_requirements(path, session=PipSession()):
        if parsed.is_editable:
            out.append({"editable": True, "constraint": parsed.constraint})
            continue
        req = Requirement(parsed.requirement)
        out.append({
            "name": canonicalize_name(req.name),
            "specifiers": sorted(str(s) for s in req.specifier),
            "constraint": parsed.constraint,
            "editable": False,
        })
    return out


def main(tree):
    os.chdir(tree)
    files = []
    for folder, _, names in sorted(os.walk(".")):
        for name in sorted(names):
            if not name.endswith(EXTENSIONS):
                continue
            path = os.path.normpath(os.path.join(folder, name))
            try:
                files.append({"path": path, "requirements": read(path)})
            except Exception as err:  # pip's own error, recorded for the file
                files.append({"path": path, "error": str(err)})
    json.dump({"files": files}, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
