#!/usr/bin/env python
"""Resolve rez requests with rez itself under package filters (rezconfig's
`package_filter`), for native/tests/rez_filter.rs.

Usage: rez_filter.py BENCH_REPO > out.json

Each case resolves one request over BENCH_REPO (rez's benchmark repository) with
`ResolvedContext(request, package_paths=[repo], add_implicit_packages=False,
package_filter=PackageFilterList.from_pod(FILTER), timestamp=TIME)` for each filter below:
exclusion and inclusion rules of every type (glob, regex, range, before, after, and the bare
forms: a glob when it holds `*`, else a range), family-specific rules (a range's family; a
glob or regex up to its last separator), several filters in one list (rez's documented
shape), filters that leave a family nothing (rez raises) or make the request conflict (rez
fails), a filter with a resolve time (rez adds `after(T)` to the costliest filter, whose
inclusions then let later packages through: rez issue 303), and rule strings rez refuses
(`from_pod` raises, status `error`).

The benchmark's versions have pre-release tails (`.alpha.m1`, `.beta`, `.staging.0`,
`-test`), and its timestamps run from 1600129408 to 1600130933, so these filters change
answers. The requests: single families whose latest versions are such pre-releases, and the
first benchmark requests (rez/data/benchmarking/requests.json).

Each case: `name`, `filter` (the list, as a rezconfig holds it), `time` (or null),
`request`, `status` (`solved`, `failed`, or `error` when rez raises), `resolved`
(`family-version[index]`), and `default`, rez's answer with no filter (so that the test can
count the cases a filter changed).
"""
import json
import multiprocessing
import os
import sys

os.environ.setdefault("REZ_QUIET", "1")

import rez  # noqa: E402
from rez.package_filter import PackageFilterList  # noqa: E402
from rez.resolved_context import ResolvedContext  # noqa: E402
from rez.resolver import ResolverStatus  # noqa: E402

MEDIAN_TIME = 1600129886

FILTERS = {
    # rez's rezconfig.py example: one dict, a rule string each, bare glob and range.
    "no pre-releases but danger": {"excludes": "glob(*.alpha*)", "includes": "danger"},
    # With a time: danger and what it needs that was released after the time, let through.
    "danger at any time": [{"excludes": ["glob(*.alpha*)"],
                            "includes": ["danger", "range(interject)", "glob(population-*)",
                                         "regex(coast-.*)", "sentence", "hiking", "maybe",
                                         "record", "pennant"]}],
    "bare globs": [{"excludes": ["*.alpha*", "*.staging*", "*.beta*", "*-test"]}],
    "regex": [{"excludes": [r"regex(.*\.(alpha|staging)(\.\w+)*$)", r"regex(.*-1\.6\.\d+$)"]}],
    "family ranges": [{"excludes": ["range(support-18+)", "danger-2.17+", "range(!wave-3)",
                                    "range(~integer-1.6.10+)"]}],
    "family globs and regex": [{"excludes": ["glob(support-18.*)", "regex(danger-2\\.1[67].*)",
                                             "glob(cr*-*)"]}],
    "includes override": [{"excludes": ["glob(*.m?)", "glob(*.alpha*)"],
                           "includes": ["glob(support-17.*)", "range(crystal-6)", "regex(.*\\.m0$)"]}],
    "before the median": [{"excludes": ["before(%d)" % MEDIAN_TIME]}],
    # Each family's versions were written within seconds: these split them.
    "per family times": [{"excludes": ["after(support:1600129490)", "after(danger:1600129966)",
                                       "after(integer:1600129573)", "before(cock:1600129865)"]}],
    # rez's rezconfig.py example with two filters: a timestamp for all but one family.
    "two filters": [{"excludes": ["glob(*.alpha*)", "glob(*.staging*)"]},
                    {"excludes": ["after(%d)" % MEDIAN_TIME], "includes": ["support", "integer"]}],
    "everything": [{"excludes": ["glob(*)"], "includes": ["range(integer)"]}],
    "includes only": [{"includes": ["glob(*)"]}],
    "bad type": [{"excludes": ["foo(bar)"]}],
    "bad time": [{"excludes": ["after(soon)"]}],
    "bad range": [{"excludes": ["range(foo-1+<)"]}],
    # Parentheses inside: not `label(text)`, so rez reads the whole string as a range.
    "parentheses inside": [{"excludes": ["regex(foo-(1)"]}],
}

# With a resolve time: the time joins the costliest filter (its includes then win over it).
TIMED = {
    # danger was released after it: its inclusion lets it through all the same.
    "no pre-releases but danger": MEDIAN_TIME,
    "danger at any time": MEDIAN_TIME,
    "two filters": 1600130600,
    "family ranges": 1600130600,
}

SINGLE = [["support"], ["danger"], ["overnighter"], ["civilisation"], ["crystal"],
          ["cock"], ["wave"], ["integer"], ["danger", "support-17"]]
BENCHMARK_REQUESTS = 16


def resolve(repo, request, pod, time):
    try:
        package_filter = None if pod is None else PackageFilterList.from_pod(
            pod if isinstance(pod, list) else [pod])
        ctx = ResolvedContext(request, package_paths=[repo], add_implicit_packages=False,
                              package_filter=package_filter, timestamp=time)
    except Exception as e:  # rez raises instead of answering
        return {"status": "error", "resolved": [], "error": "%s: %s" % (type(e).__name__, e)}
    if ctx.status == ResolverStatus.solved:
        return {"status": "solved", "resolved": [
            "%s[%s]" % (v.qualified_package_name, "" if v.index is None else v.index)
            for v in ctx.resolved_packages]}
    return {"status": "failed", "resolved": [], "error": ctx.failure_description or ""}


def job(args):
    repo, name, request, time = args
    case = {"name": name, "filter": FILTERS.get(name), "time": time, "request": request}
    case.update(resolve(repo, request, case["filter"], time))
    return case


def main():
    bench = os.path.abspath(sys.argv[1])
    requests_json = os.path.join(os.path.dirname(rez.__file__), "data", "benchmarking",
                                 "requests.json")
    requests = SINGLE + json.load(open(requests_json))[:BENCHMARK_REQUESTS]
    jobs = [(bench, name, r, None) for name in FILTERS for r in requests]
    jobs += [(bench, name, r, time) for name, time in TIMED.items() for r in requests]
    # rez's answers without a filter, with and without each time.
    defaults = [(bench, None, r, t) for t in {None, *TIMED.values()} for r in requests]
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        done = pool.map(job, defaults + jobs)
    default = {(json.dumps(c["request"]), c["time"]): c["resolved"] for c in done[:len(defaults)]}
    cases = done[len(defaults):]
    for case in cases:
        case["default"] = default[(json.dumps(case["request"]), case["time"])]
    out = sys.stdout
    out.write('{"bench_repo": %s, "cases": [\n' % json.dumps(bench))
    for i, case in enumerate(cases):
        out.write(("" if i == 0 else ",\n") + json.dumps(case))
    out.write("\n]}\n")


if __name__ == "__main__":
    main()
