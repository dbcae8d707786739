#!/usr/bin/env python
"""Resolve rez requests with rez itself under custom package orderers, for
native/tests/rez_orderers.rs.

Usage: rez_orderers.py BENCH_REPO SOFT_REPO > out.json

rez's `package_orderers` change which versions the solver tries first and how
it ranks a package's variants. Each case resolves one request over BENCH_REPO
(rez's benchmark repository) with `ResolvedContext(request, package_paths=[repo],
add_implicit_packages=False, package_orderers=[...])`, for a few orderer lists
that change rez's answers: `version_split` on the benchmark's python (`wave`),
`sorted` ascending on one family, `per_family`, two orderers naming the same
family (the first wins), and one for every family. The requests: the first
benchmark requests (rez/data/benchmarking/requests.json) and single-family ones.

`soft_timestamp` orders by release time, which rez reads from every version of the
family through `iter_packages`, over the *configured* `packages_path` (not the context's
`package_paths`): each resolve sets `packages_path` to the resolve's repository, as `rez env`
has it. Over BENCH_REPO (timestamps 1600129408 to 1600130933, a family's versions within
seconds of each other, not in version order): one time for every family, with and without a
`rank`, and per family inside `per_family`, for the single-family requests and the first
benchmark requests. SOFT_REPO (tests/data/rez_soft_timestamp) is a small repository written
for it, in the shape rez-release writes package.py files (`timestamp = ...`), with a
package built locally and so without a timestamp, several ranks and times.

`no_order` only names families with one version (the benchmark's platform and
arch): under it rez keeps the versions in the order its filesystem repository
lists them, a Python set's order, which changes from one process to the next
(PYTHONHASHSEED), so no answer over several versions can be compared; what is
compared is that it takes those families from the orderer after it.

Each case: `orderers` (the list, as a rezconfig holds it), `name` (of the list),
`request`, `mode` (rez's `variant_select_mode`: version_priority, and
intersection_priority for two lists), `status` (`solved`, `failed`, or `error` when rez raises) and
`resolved` (`family-version[index]`); `default` is rez's answer without the
orderers, so that the test can count the cases the orderers changed.
"""
import json
import multiprocessing
import os
import sys

os.environ.setdefault("REZ_QUIET", "1")

import rez  # noqa: E402
from rez import package_order  # noqa: E402
from rez.config import config  # noqa: E402
from rez.resolved_context import ResolvedContext  # noqa: E402
from _rez_answers import answer  # noqa: E402

ORDERERS = {
    "python 2 first": [
        {"type": "version_split", "first_version": "2.7.99", "packages": ["wave"]},
    ],
    "ascending crystal and unit": [
        {"type": "sorted", "descending": False, "packages": ["crystal", "unit"]},
    ],
    "per_family": [
        {"type": "per_family",
         "orderers": [
             {"packages": ["sentence", "magnet"], "type": "version_split",
              "first_version": "2.9"},
             {"packages": ["wave"], "type": "sorted", "descending": False},
         ],
         # rez keeps it but never reaches it: get_orderer finds per_family by its families.
         "default_order": {"type": "sorted", "descending": False}},
    ],
    "first match wins": [
        {"type": "version_split", "first_version": "3.6.99", "packages": ["wave"]},
        {"type": "sorted", "descending": False, "packages": ["wave", "cymbal"]},
    ],
    "every family split": [
        {"type": "version_split", "first_version": "2"},
    ],
    "every family ascending, but wave": [
        {"type": "no_order", "packages": ["diam", "understatement"]},
        {"type": "sorted", "descending": True, "packages": "wave"},
        {"type": "sorted", "descending": False},
    ],
}

# Times of rez's benchmark repository: its median, and when wave and crystal were released.
BENCH_MEDIAN, WAVE_T, CRYSTAL_T = 1600129886, 1600129473, 1600129564
SOFT_BENCH = {
    "soft_timestamp at the median": [{"type": "soft_timestamp", "timestamp": BENCH_MEDIAN}],
    "soft_timestamp rank 2 at the median": [
        {"type": "soft_timestamp", "timestamp": BENCH_MEDIAN, "rank": 2},
    ],
    "per_family soft_timestamp": [
        {"type": "per_family",
         "orderers": [
             {"packages": ["wave"], "type": "soft_timestamp", "timestamp": WAVE_T, "rank": 3},
             {"packages": ["crystal", "unit"], "type": "soft_timestamp",
              "timestamp": CRYSTAL_T},
             {"packages": ["sentence", "magnet"], "type": "version_split",
              "first_version": "2.9"},
         ]},
    ],
}
SOFT_REPO = {
    "soft_timestamp 1600000350": [{"type": "soft_timestamp", "timestamp": 1600000350}],
    "soft_timestamp 1600000350 rank 1": [
        {"type": "soft_timestamp", "timestamp": 1600000350, "rank": 1}],
    "soft_timestamp 1600000550 rank 2": [
        {"type": "soft_timestamp", "timestamp": 1600000550, "rank": 2}],
    "soft_timestamp rank 3 on python, ascending tool": [
        {"type": "soft_timestamp", "timestamp": 1600000450, "rank": 3, "packages": ["python"]},
        {"type": "sorted", "descending": False, "packages": ["tool"]},
    ],
    "soft_timestamp before every release": [{"type": "soft_timestamp", "timestamp": 1}],
    "soft_timestamp after every release, rank 2": [
        {"type": "soft_timestamp", "timestamp": 1700000000, "rank": 2}],
}
SOFT_REQUESTS = [["app"], ["tool"], ["lib"], ["python"], ["app-1.0"], ["tool", "lib-2.0"],
                 ["lib", "tool-1"], ["tool-1.0", "python-3"], ["python-3.11"]]
SOFT_BENCH_REQUESTS = 10
ORDERERS.update(SOFT_BENCH)
ORDERERS.update(SOFT_REPO)

SINGLE = [["wave"], ["crystal"], ["sentence"], ["magnet"], ["unit"], ["cymbal"]]
BENCHMARK_REQUESTS = 40
INTERSECTION_REQUESTS = 20


def resolve(repo, request, orderers, mode):
    config.override("variant_select_mode", mode)
    # soft_timestamp reads its families through the configured packages_path.
    config.override("packages_path", [repo])
    orderers = None if orderers is None else [package_order.from_pod(o) for o in orderers]
    out, _ = answer(lambda: ResolvedContext(request, package_paths=[repo],
                                            add_implicit_packages=False,
                                            package_orderers=orderers))
    return out


def job(args):
    repo, name, request, mode = args
    case = {"name": name, "orderers": ORDERERS[name], "request": request, "mode": mode,
            "repo": repo}
    case.update(resolve(repo, request, ORDERERS[name], mode))
    case["default"] = resolve(repo, request, None, mode)["resolved"]
    return case


def main():
    bench = os.path.abspath(sys.argv[1])
    soft = os.path.abspath(sys.argv[2])
    requests_json = os.path.join(os.path.dirname(rez.__file__), "data", "benchmarking",
                                 "requests.json")
    requests = SINGLE + json.load(open(requests_json))[:BENCHMARK_REQUESTS]
    earlier = [name for name in ORDERERS if name not in SOFT_BENCH and name not in SOFT_REPO]
    jobs = [(bench, name, request, "version_priority") for name in earlier for request in requests]
    jobs += [(bench, name, request, "version_priority") for name in SOFT_BENCH
             for request in requests[:len(SINGLE) + SOFT_BENCH_REQUESTS]]
    jobs += [(soft, name, request, mode) for name in SOFT_REPO for request in SOFT_REQUESTS
             for mode in ("version_priority", "intersection_priority")]
    jobs += [(bench, name, request, "intersection_priority")
             for name in ("per_family", "every family ascending, but wave")
             for request in requests[:INTERSECTION_REQUESTS]]
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        cases = pool.map(job, jobs)
    json.dump({"bench_repo": bench, "cases": cases}, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
