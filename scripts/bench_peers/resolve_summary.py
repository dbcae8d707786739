"""Summarises `scripts/bench resolve`: for each resolver's JSON lines (index, seconds, status,
resolved), the total, median and worst request, the answers that differ from pkglens's, and
the ratios to pkglens.

    python resolve_summary.py NAME=FILE [NAME=FILE...]   (the first is pkglens)
"""

import json
import statistics
import sys


def main():
    runs = []
    for arg in sys.argv[1:]:
        name, path = arg.split("=", 1)
        lines = [json.loads(line) for line in open(path) if line.strip()]
        runs.append((name, lines))
    base_name, base = runs[0]
    base_total = sum(x["seconds"] for x in base)
    print("| resolver | requests | total s | median ms | worst ms (request) | differing answers | total / %s |" % base_name)
    print("|---|---|---|---|---|---|---|")
    for name, lines in runs:
        seconds = [x["seconds"] for x in lines]
        worst = max(lines, key=lambda x: x["seconds"])
        differ = sum(
            1 for a, b in zip(lines, base) if (a["status"], a["resolved"]) != (b["status"], b["resolved"])
        )
        total = sum(seconds)
        print("| %s | %d | %.2f | %.1f | %.1f (#%d) | %d | %.1fx |" % (
            name, len(lines), total, statistics.median(seconds) * 1000, worst["seconds"] * 1000,
            worst["index"], differ, total / base_total if base_total else 0.0))


if __name__ == "__main__":
    main()
