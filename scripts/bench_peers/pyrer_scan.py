"""The fastest peer of `pkglens scan --format ndjson` on a rez repository, as a whole process.

Walks the tree with os.walk (sorted, depth-first, as pkglens orders its output), then hands
every package.py path to pyrer's parse_static_packages_py (one batch, parsed in Rust on a rayon
pool with the GIL released), and writes one JSON line per file to standard output, so that both
sides do output work. pyrer extracts fewer fields than pkglens: name, version, requires and
variants; a file it cannot parse statically (dynamic, unreadable) comes back as None and is
written with "status": "skipped".

    python pyrer_scan.py DIR > out.ndjson
"""

import json
import os
import sys

import pyrer

from os_walk import walk


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pyrer_scan.py DIR")
    paths = walk(sys.argv[1])
    parsed = pyrer.parse_static_packages_py(paths)
    out = sys.stdout
    dumps = json.dumps
    for path, pkg in zip(paths, parsed):
        if pkg is None:
            out.write(dumps({"path": path, "status": "skipped"}) + "\n")
            continue
        out.write(
            dumps(
                {
                    "path": path,
                    "name": pkg.name,
                    "version": pkg.version,
                    "requires": pkg.requires,
                    "variants": pkg.variants,
                }
            )
            + "\n"
        )
    out.flush()


if __name__ == "__main__":
    main()
