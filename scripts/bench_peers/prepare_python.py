"""Builds the corpora of `scripts/bench python` from a folder of wheels.

    python prepare_python.py WHEELS OUT [LINES]

- OUT/metadata/<name>-<version>.dist-info/METADATA: each wheel's METADATA, extracted;
- OUT/requirements.txt: every `Requires-Dist` of those wheels that packaging accepts and that
  is one line of pip's syntax (no `#`, no leading `-`), repeated in order until the file holds
  LINES lines (default 200,000).
"""

import os
import shutil
import sys
import zipfile

from packaging.requirements import InvalidRequirement, Requirement


def main():
    wheels, out = sys.argv[1], sys.argv[2]
    lines = int(sys.argv[3]) if len(sys.argv) > 3 else 200_000
    meta = os.path.join(out, "metadata")
    shutil.rmtree(meta, ignore_errors=True)
    os.makedirs(meta)
    reqs = []
    for f in sorted(os.listdir(wheels)):
        if not f.endswith(".whl"):
            continue
        prefix = "-".join(f.split("-")[:2])
        with zipfile.ZipFile(os.path.join(wheels, f)) as zf:
            names = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
            member = next((n for n in names if n.lower() == prefix.lower() + ".dist-info/metadata"),
                          names[0])
            data = zf.read(member)
        folder = os.path.join(meta, prefix + ".dist-info")
        os.makedirs(folder)
        with open(os.path.join(folder, "METADATA"), "wb") as w:
            w.write(data)
        for line in data.decode("utf-8").split("\n\n", 1)[0].splitlines():
            if line.lower().startswith("requires-dist:"):
                req = line.split(":", 1)[1].strip()
                if "#" in req or req.startswith("-"):
                    continue
                try:
                    Requirement(req)
                except InvalidRequirement:
                    continue
                reqs.append(req)
    with open(os.path.join(out, "requirements.txt"), "w", encoding="utf-8") as w:
        for i in range(lines):
            w.write(reqs[i % len(reqs)] + "\n")
    print(f"{len(os.listdir(meta))} METADATA files, {len(reqs)} distinct requirement lines, "
          f"{lines} lines written")


if __name__ == "__main__":
    main()
