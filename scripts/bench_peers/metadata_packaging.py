"""Peer for `scripts/bench python`: extracted METADATA files with `packaging.metadata`.

    python metadata_packaging.py DIR > out.ndjson

For each `DIR/*.dist-info/METADATA` (sorted): `Metadata.from_email(data, validate=False)`, then
the fields pkglens reports, each through packaging's own parsing (requirements with
`Requirement`, `Requires-Python` with `SpecifierSet`, names and versions normalised), one JSON
line per file. A field packaging refuses is left out of that line.
"""

import json
import os
import sys

from packaging.metadata import Metadata

FIELDS = ("name", "version", "summary", "metadata_version", "requires_python",
          "license_expression", "provides_extra", "dynamic", "requires_dist", "author",
          "author_email", "license", "keywords", "classifiers", "project_urls", "home_page")


def main():
    d = sys.argv[1]
    out = sys.stdout
    for entry in sorted(os.listdir(d)):
        path = os.path.join(d, entry, "METADATA")
        with open(path, "rb") as f:
            md = Metadata.from_email(f.read(), validate=False)
        line = {"path": path}
        for field in FIELDS:
            try:
                value = getattr(md, field)
            except Exception:  # packaging's ExceptionGroup / InvalidMetadata
                continue
            if isinstance(value, list):
                value = [str(v) for v in value]
            elif value is not None and not isinstance(value, (str, dict)):
                value = str(value)
            line[field] = value
        out.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
