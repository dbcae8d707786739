"""Reference for tests/tests/wheels.rs: what Python's zipfile/tarfile + packaging read from each
wheel and sdist in a directory.

Usage: python wheel_metadata.py DIR [DIR...] > wheels.json
For each *.whl: the METADATA of the `.dist-info` folder matching the file name (else the only
one); for each sdist (*.tar.gz, *.zip): the first top-level `*/PKG-INFO`. The metadata is read
with `packaging.metadata.parse_email(data)` (what `Metadata.from_email(data, validate=False)`
keeps as `_raw`): every field as written (`raw`, the description left out: pkglens does not
report it), the names of the fields packaging could not take (`unparsed`: a repeated
single-valued field, a duplicate Project-URL label, bad encoding), and each `Requires-Dist`
through `packaging.requirements.Requirement` (`requirements`: name, extras (normalised),
specifiers (versions in normal form), url, whether it has a marker, or "rejected").
"""

import json
import os
import re
import sys
import tarfile
import zipfile

from packaging.metadata import Metadata, parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version


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


def requirement(text):
    try:
        r = Requirement(text)
    except InvalidRequirement:
        return "rejected"
    # pkglens reports extras normalised (PEP 685) and specifier versions in their normal form
    # (`>=2023.03.6` is `>=2023.3.6`), as pep508_rs does; packaging keeps both as written.
    specifiers = []
    for s in r.specifier:
        if s.operator == "===":
            specifiers.append(str(s))
        elif s.version.endswith(".*"):
            specifiers.append(s.operator + str(Version(s.version[:-2])) + ".*")
        else:
            specifiers.append(s.operator + str(Version(s.version)))
    return {
        "name": r.name,
        "extras": sorted({canonicalize_name(e) for e in r.extras}),
        "specifiers": sorted(specifiers),
        "url": r.url,
        "marker": r.marker is not None,
    }


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
            raw, unparsed = parse_email(data)
            # The same reading as the validating API's, with validation off.
            assert Metadata.from_email(data, validate=False)._raw == raw
            raw.pop("description", None)
            out[f] = {
                "member": member,
                "raw": raw,
                "unparsed": sorted(unparsed),
                "requirements": [requirement(r) for r in raw.get("requires_dist", [])],
            }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
