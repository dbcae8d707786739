"""Peer for `scripts/bench python`: a requirements file's lines with packaging's `Requirement`.

    python requirements_packaging.py FILE > out.ndjson

Every line of FILE (one PEP 508 requirement a line, as `prepare_python.py` writes it) through
`packaging.requirements.Requirement`; one JSON line each: name, extras, specifier, marker, url.
"""

import json
import sys

from packaging.requirements import Requirement


def main():
    out = sys.stdout
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            r = Requirement(line.rstrip("\n"))
            out.write(json.dumps({"name": r.name, "extras": sorted(r.extras),
                                  "spec": str(r.specifier), "url": r.url,
                                  "marker": str(r.marker) if r.marker else None}) + "\n")


if __name__ == "__main__":
    main()
