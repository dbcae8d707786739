"""Peer for `scripts/bench python`: every wheel's METADATA with zipfile + email.parser.

    python wheels_zipfile.py DIR > out.ndjson

For each `*.whl` in DIR (sorted): open it with `zipfile`, take the `.dist-info/METADATA` of the
wheel's own name (else the first), parse it with `email.parser.BytesParser` (compat32, what
packaging uses) and write one JSON line: the file, name, version and every header as a list.
"""

import email.parser
import email.policy
import json
import os
import sys
import zipfile


def main():
    d = sys.argv[1]
    parser = email.parser.BytesParser(policy=email.policy.compat32)
    out = sys.stdout
    for f in sorted(os.listdir(d)):
        if not f.endswith(".whl"):
            continue
        prefix = "-".join(f.split("-")[:2]).lower() + ".dist-info/"
        with zipfile.ZipFile(os.path.join(d, f)) as zf:
            names = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
            member = next((n for n in names if n.lower() == prefix + "metadata"), names[0])
            msg = parser.parsebytes(zf.read(member))
        headers = {k.lower(): [str(v) for v in msg.get_all(k)] for k in set(msg.keys())}
        out.write(json.dumps({"path": f, "name": msg["Name"], "version": msg["Version"],
                              "headers": headers}) + "\n")


if __name__ == "__main__":
    main()
