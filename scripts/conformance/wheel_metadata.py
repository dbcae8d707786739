"""Reference for tests/real.rs: what Python's zipfile/tarfile + packaging read from each wheel
and sdist in a directory.

Usage: python wheel_metadata.py DIR [DIR...] > wheels.json
For each *.whl: the METADATA of the `.dist-info` folder matching the file name (else the only
one); for each sdist (*.tar.gz, *.zip): the first top-level `*/PKG-INFO`. The metadata is read
with `packaging.metadata.Metadata.from_email(data, validate=False)`; the fields compared are
the raw strings packaging keeps (`Metadata._raw`, as `parse_email` returns them), so that
requirements are compared as written, not as packaging re-serialises them.
"""

import json
import os
import re
import sys
import tarfile
import zipfile

from packaging.metadata import Metadata
from packaging.utils import canonicalize_name, parse_wheel_filename


def wheel_member(path):
    name, version, _, _ = parse_wheel_filename(os.path.basename(path))
    with zipfile.ZipFile(path) as zf:
        candidates = [
            n for n in zf.namelist()
            if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)
        ]
        exact = [
            n for n in candidates
            if "-" in n.split("/")[0]
            and canonicalize_name(n.split("/")[0][: -len(".dist-info")].split("-", 1)[0]) == name
        ]
        member = (exact or candidates)[0]
        return member, zf.read(member)


def sdist_member(path):
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for n in zf.namelist():
                if re.fullmatch(r"[^/]+/PKG-INFO", n):
                    return n, zf.read(n)
    else:
        with tarfile.open(path) as tf:
            for m in tf:
                if m.isfile() and re.fullmatch(r"(\./)*[^/]+/PKG-INFO", m.name):
                    return m.name, tf.extractfile(m).read()
    raise ValueError(f"no PKG-INFO in {path}")


def main():
    out = {}
    for d in sys.argv[1:]:
        for f in sorted(os.listdir(d)):
            path = os.path.join(d, f)
            if f.endswith(".whl"):
                member, data = wheel_member(path)
            elif f.endswith((".tar.gz", ".zip")):
                member, data = sdist_member(path)
            else:
                continue
            md = Metadata.from_email(data, validate=False)
            raw = md._raw
            out[f] = {
                "member": member,
                "name": raw.get("name"),
                "version": raw.get("version"),
                "requires_dist": raw.get("requires_dist", []),
                "requires_python": raw.get("requires_python"),
                "provides_extra": raw.get("provides_extra", []),
            }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
