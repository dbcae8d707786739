#!/usr/bin/env python
"""Resolve rez requests with rez itself and write what it answers, for
tests/tests/rez_resolve.rs.

Usage: rez_resolve.py BENCH_REPO SOLVER_TESTS_REPO > out.json

Three sets of cases:
- `benchmark`: the 188 requests of rez's own benchmark
  (rez/data/benchmarking/requests.json) over BENCH_REPO, each resolved as
  `rez-benchmark` does: `ResolvedContext(request, package_paths=[repo],
  add_implicit_packages=False)`.
- `random`: 60 requests drawn with a fixed seed from BENCH_REPO's families and
  versions (plain, exact, weak and conflict requests), which include failures.
- `solver_tests`: the requests of rez's own solver tests (`_solve` and `_fail`
  calls of rez/tests/test_solver.py, read with `ast`) over SOLVER_TESTS_REPO,
  in both variant selection modes.

Each case: `set`, `request`, `mode`, `status` (`solved`, `failed`, or `error`
when rez raises), `resolved` (rez's `str(variant)`: `family-version[index]`),
`ephemerals`, and `error` (the exception's message).
"""
import ast
import json
import multiprocessing
import os
import random
import sys

os.environ.setdefault("REZ_QUIET", "1")

import rez  # noqa: E402
from rez.config import config  # noqa: E402
from rez.resolved_context import ResolvedContext  # noqa: E402
from _rez_answers import answer  # noqa: E402

MODES = ("version_priority", "intersection_priority")


def resolve(repo, request, mode):
    config.override("variant_select_mode", mode)
    case = {"request": request, "mode": mode}
    out, _ = answer(lambda: ResolvedContext(request, package_paths=[repo],
                                            add_implicit_packages=False), ephemerals=True)
    case.update(out)
    return case


def random_requests(repo, n, seed):
    rng = random.Random(seed)
    families = sorted(f for f in os.listdir(repo) if os.path.isdir(os.path.join(repo, f)))
    out = []
    for _ in range(n):
        request = []
        for fam in rng.sample(families, rng.randint(1, 4)):
            versions = sorted(os.listdir(os.path.join(repo, fam)))
            kind = rng.random()
            version = rng.choice(versions) if versions else ""
            if kind < 0.4 or not version:
                request.append(fam)
            elif kind < 0.7:
                request.append("%s-%s" % (fam, version))
            elif kind < 0.8:
                request.append("%s==%s" % (fam, version))
            elif kind < 0.9:
                request.append("~%s-%s" % (fam, version))
            else:
                request.append("!%s-%s" % (fam, version))
        out.append(request)
    return out


def solver_test_requests():
    path = os.path.join(os.path.dirname(rez.__file__), "tests", "test_solver.py")
    tree = ast.parse(open(path).read())
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr == "_solve" and node.args and isinstance(node.args[0], ast.List):
            request = [ast.literal_eval(e) for e in node.args[0].elts]
        elif node.func.attr == "_fail" and all(isinstance(e, ast.Constant) for e in node.args):
            # `_fail(*pkgs)` inside a helper is not data; its callers' literals are not
            # calls of `_fail` and are left out.
            request = [ast.literal_eval(e) for e in node.args]
        else:
            continue
        if request not in out:
            out.append(request)
    return out


def main():
    bench, tests = (os.path.abspath(p) for p in sys.argv[1:3])
    requests_json = os.path.join(os.path.dirname(rez.__file__), "data", "benchmarking",
                                 "requests.json")
    out = sys.stdout
    out.write('{"bench_repo": %s, "tests_repo": %s, "cases": [\n' % (json.dumps(bench), json.dumps(tests)))
    first = True

    def emit(case):
        # One case a line, written as it is done (a long run can be watched).
        nonlocal first
        out.write(("" if first else ",\n") + json.dumps(case))
        out.flush()
        first = False

    jobs = [(tests, request, mode, "solver_tests")
            for request in solver_test_requests() for mode in MODES]
    jobs += [(bench, request, MODES[0], "benchmark") for request in json.load(open(requests_json))]
    jobs += [(bench, request, MODES[0], "random") for request in random_requests(bench, 60, 20)]
    # rez resolves in Python, one core each: a process per core, answers kept in input order.
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        for case in pool.imap(resolve_job, jobs):
            emit(case)
    out.write("\n]}\n")


def resolve_job(job):
    repo, request, mode, name = job
    return dict(resolve(repo, request, mode), set=name)

if __name__ == "__main__":
    main()
