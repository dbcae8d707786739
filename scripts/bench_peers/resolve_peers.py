"""The peers of `pkglens resolve` for `scripts/bench resolve`: resolves a JSON list of rez
requests (rez's `requests.json`) one after the other in one process, each a fresh resolve from
the files on disk, and prints one JSON line per request (index, seconds, status, resolved
`family-version[variant]` list), as native/examples/resolve_requests.rs does for pkglens.

    python resolve_peers.py pyrer REPO REQUESTS.json
    python resolve_peers.py rez REPO REQUESTS.json

- pyrer: `pyrer.solve(request, load_family=...)`, where `load_family` lists the family's
  `<version>/package.py` files and parses them with pyrer's batched static parser
  (`parse_static_packages_py`, Rust on a rayon pool); pyrer caches families within one solve
  only, so each request loads what it needs afresh.
- rez: `ResolvedContext(request, package_paths=[REPO], add_implicit_packages=False)`, as
  `rez-benchmark` does, with rez's in-memory repository caches cleared before each request
  (`package_repository_manager.clear_caches()`), so that each loads its families afresh.
"""

import json
import os
import sys
import time

os.environ.setdefault("REZ_QUIET", "1")


def label(name, version, index):
    return "%s%s[%s]" % (name, "-%s" % version if version else "", "" if index is None else index)


def pyrer_resolver(repo):
    import pyrer

    def load_family(name):
        folder = os.path.join(repo, name)
        if not os.path.isdir(folder):
            return []
        paths = [os.path.join(folder, v, "package.py") for v in sorted(os.listdir(folder))]
        paths = [p for p in paths if os.path.isfile(p)]
        return [p for p in pyrer.parse_static_packages_py(paths) if p is not None]

    def resolve(request):
        result = pyrer.solve(request, load_family=load_family)
        resolved = [label(v.name, v.version, v.variant_index) for v in result.resolved_packages]
        return result.status, resolved if result.status == "solved" else []

    return resolve


def rez_resolver(repo):
    from rez.package_repository import package_repository_manager
    from rez.resolved_context import ResolvedContext
    from rez.resolver import ResolverStatus

    def resolve(request):
        package_repository_manager.clear_caches()
        try:
            ctx = ResolvedContext(request, package_paths=[repo], add_implicit_packages=False)
        except Exception:
            return "error", []
        if ctx.status != ResolverStatus.solved:
            return "failed", []
        return "solved", [label(v.name, str(v.version), v.index) for v in ctx.resolved_packages]

    return resolve


def main():
    which, repo, requests = sys.argv[1:4]
    resolve = {"pyrer": pyrer_resolver, "rez": rez_resolver}[which](repo)
    for index, request in enumerate(json.load(open(requests))):
        start = time.perf_counter()
        status, resolved = resolve(request)
        seconds = time.perf_counter() - start
        print(json.dumps({"index": index, "seconds": seconds, "status": status,
                          "resolved": resolved}), flush=True)


if __name__ == "__main__":
    main()
