#!/usr/bin/env python
"""Resolve rez requests with rez itself under custom package orderers, for
native/tests/rez_orderers.rs.

Usage: rez_orderers.py BENCH_REPO > out.json

rez's `package_orderers` change which versions the solver tries first and how
it ranks a package's variants. Each case resolves one request over BENCH_REPO
(rez's benchmark repository) with `ResolvedContext(request, package_paths=[repo],
add_implicit_packages=False, package_orderers=[...])`, for a few orderer lists
that change rez's answers: `version_split` on the benchmark's python (`wave`),
`sorted` ascending on one family, `per_family`, two orderers naming the same
family (the first wins), and one for every family. The requests: the first
benchmark requests (rez/data/benchmarking/requests.json) and single-family ones.

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
from rez.resolver import ResolverStatus  # noqa: E402

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

SINGLE = [["wave"], ["crystal"], ["sentence"], ["magnet"], ["unit"], ["cymbal"]]
BENCHMARK_REQUESTS = 40
INTERSECTION_REQUESTS = 20


def resolve(repo, request, orderers, mode):
    config.override("variant_select_mode", mode)
    orderers = None if orderers is None else [package_order.from_pod(o) for o in orderers]
    try:
        ctx = ResolvedContext(request, package_paths=[repo], add_implicit_packages=False,
                              package_orderers=orderers)
    except Exception as e:  # rez raises instead of answering
        return {"status": "error", "resolved": [], "error": str(e)}
    if ctx.status == ResolverStatus.solved:
        return {"status": "solved", "resolved": [
            "%s[%s]" % (v.qualified_package_name, "" if v.index is None else v.index)
            for v in ctx.resolved_packages]}
    return {"status": "failed", "resolved": [], "error": ctx.failure_description or ""}


def job(args):
    repo, name, request, mode = args
    case = {"name": name, "orderers": ORDERERS[name], "request": request, "mode": mode}
    case.update(resolve(repo, request, ORDERERS[name], mode))
    case["default"] = resolve(repo, request, None, mode)["resolved"]
    return case


def main():
    bench = os.path.abspath(sys.argv[1])
    requests_json = os.path.join(os.path.dirname(rez.__file__), "data", "benchmarking",
                                 "requests.json")
    requests = SINGLE + json.load(open(requests_json))[:BENCHMARK_REQUESTS]
    jobs = [(bench, name, request, "version_priority") for name in ORDERERS for request in requests]
    jobs += [(bench, name, request, "intersection_priority")
             for name in ("per_family", "every family ascending, but wave")
             for request in requests[:INTERSECTION_REQUESTS]]
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        cases = pool.map(job, jobs)
    json.dump({"bench_repo": bench, "cases": cases}, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
