#!/usr/bin/env python
"""Resolve rez requests at a resolve time (`rez env --time T`) with rez itself and write what
it answers, for `resolves_at_a_time_as_rez_does` in native/tests/rez_resolve.rs.

Usage: rez_resolve_time.py BENCH_REPO > out.json

rez turns `ResolvedContext(timestamp=T)` into the package filter `TimestampRule.after(T)`:
a package whose `timestamp` is later than T is left out where the solver meets it. Every
package.py of rez's benchmark repository has a `timestamp`, written as the repository was
generated (1600129408 to 1600130933, a family's versions within seconds of each other and
not in version order), so the times that change an answer are those just before the
releases a resolve picks.

Cases:
- `families`: requests of families released over several seconds, alone or with a second
  request (plain, versioned, weak or conflict), each at a second before the first family's
  first release and at each second it released in: a request picks an older version (and
  older dependencies), or none is left (rez raises), or what is left conflicts (rez fails).
- `benchmark`: every 18th request of rez's benchmark (rez/data/benchmarking/requests.json),
  resolved by rez without a time first, then a second before the latest release that
  resolve picked and at the median of them (mostly rez raises: this repository's requests
  pin versions released last).
Each resolved with `ResolvedContext(request, package_paths=[repo],
add_implicit_packages=False, timestamp=T)` and written as rez_resolve.py writes a case, with
`time`.
"""
import json
import multiprocessing
import os
import sys

os.environ.setdefault("REZ_QUIET", "1")

import rez  # noqa: E402
from rez.resolved_context import ResolvedContext  # noqa: E402
from _rez_answers import answer  # noqa: E402

from rez.packages import iter_packages  # noqa: E402

# The repository's earliest timestamp and the median of its 18,226.
FALLBACK_TIMES = (1600129408, 1600129886)

# Requests over families whose versions were written over several seconds and whose
# dependencies came before them, so that a time within their releases still resolves (to an
# older version); with a second request that makes the older versions raise or conflict.
FAMILY_REQUESTS = (
    ["cock"],
    ["decency"],
    ["calculus"],
    ["contributor"],
    ["crystal"],
    ["appendix"],
    ["ATM"],
    ["clergyman"],
    ["ceramic", "cleaner"],
    ["cock", "!cock-17.0"],
    ["cock", "support-18.0.566"],
    ["calculus", "~calculus-1.13"],
    ["decency", "cock-17.3"],
    ["appendix", "ceramic-1.5"],
)


def resolve(job):
    repo, request, time, name = job
    case = {"set": name, "request": request, "time": time, "mode": "version_priority"}
    out, ctx = answer(lambda: ResolvedContext(request, package_paths=[repo],
                                              add_implicit_packages=False, timestamp=time),
                      ephemerals=True)
    case.update(out)
    if out["status"] == "solved":
        # Not written: what the untimed resolve picked, for the times to try.
        case["picked"] = sorted({v.parent.timestamp for v in ctx.resolved_packages})
    return case


def family_times(repo, family):
    """A second before `family`'s first release, and each second it released in (at most 6,
    spread out)."""
    released = sorted({p.timestamp for p in iter_packages(family, paths=[repo])})
    step = max(1, -(-len(released) // 6))
    return [released[0] - 1] + released[::step]


def times_to_try(untimed):
    """A second before the latest release the untimed resolve picked, and the median of
    them; the fallback times when it picked nothing."""
    picked = [t for t in untimed.get("picked", []) if t]
    if not picked:
        return list(FALLBACK_TIMES)
    return sorted({picked[-1] - 1, picked[len(picked) // 2]})


def main():
    bench = os.path.abspath(sys.argv[1])
    requests_json = os.path.join(os.path.dirname(rez.__file__), "data", "benchmarking",
                                 "requests.json")
    requests = json.load(open(requests_json))[::18]
    jobs = [(bench, r, t, "families") for r in FAMILY_REQUESTS for t in family_times(bench, r[0])]
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        untimed = pool.map(resolve, [(bench, r, None, "benchmark") for r in requests])
        jobs += [(bench, case["request"], time, case["set"])
                 for case in untimed for time in times_to_try(case)]
        cases = pool.map(resolve, jobs)
    out = sys.stdout
    out.write('{"bench_repo": %s, "cases": [\n' % json.dumps(bench))
    for i, case in enumerate(cases):
        case.pop("picked", None)
        out.write(("" if i == 0 else ",\n") + json.dumps(case))
    out.write("\n]}\n")


if __name__ == "__main__":
    main()
