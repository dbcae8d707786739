#!/usr/bin/env python
"""What rez itself says of single packages of a repository, for native/tests/rez_check.rs:
`pkglens check` must call a rez package broken only where rez cannot resolve it.

Usage: rez_check.py REPO [COUNT] > out.json

For COUNT (default 80) packages drawn with a fixed seed from REPO (`family/version/`), rez 3.4
resolves `family==version` as `rez-env family==version` would, from REPO alone and without
implicit packages: `ResolvedContext([request], package_paths=[REPO],
add_implicit_packages=False)`. Each case: `package` ("family version"), `request`, `status`
(`solved`, `failed`, or `error` when rez raises) and rez's failure description.
"""
import json
import multiprocessing
import os
import random
import sys

os.environ.setdefault("REZ_QUIET", "1")

from rez.resolved_context import ResolvedContext  # noqa: E402
from rez.resolver import ResolverStatus  # noqa: E402

SEED = 20261206


def resolve(job):
    """rez's answer for one `family==version`."""
    repo, family, version = job
    request = "%s==%s" % (family, version)
    case = {"package": "%s %s" % (family, version), "request": request}
    try:
        ctx = ResolvedContext([request], package_paths=[repo], add_implicit_packages=False)
        solved = ctx.status == ResolverStatus.solved
        case.update(status="solved" if solved else "failed",
                    error="" if solved else (ctx.failure_description or ""))
    except Exception as e:  # rez raises instead of answering
        case.update(status="error", error=str(e))
    return case


def main():
    repo = os.path.abspath(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 80
    packages = sorted(
        (family, version)
        for family in os.listdir(repo)
        if os.path.isdir(os.path.join(repo, family))
        for version in os.listdir(os.path.join(repo, family))
        if os.path.isfile(os.path.join(repo, family, version, "package.py"))
    )
    sample = random.Random(SEED).sample(packages, min(count, len(packages)))
    # rez resolves in Python, one core each: a process per core, answers kept in order.
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        cases = pool.map(resolve, [(repo, family, version) for family, version in sorted(sample)])
    json.dump({"repo": repo, "cases": cases}, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
