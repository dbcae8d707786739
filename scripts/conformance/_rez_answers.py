"""What the rez resolve generators (rez_resolve.py, rez_resolve_time.py, rez_orderers.py,
rez_filter.py) write of one resolve: rez's status and resolved `family-version[variant]` list.

A module whose name starts with `_` is a helper, not a generator: scripts/lib.sh's `generate`
stamps it with every generator of this folder, so that changing it regenerates their output.
"""
from rez.resolver import ResolverStatus


def labels(ctx):
    """The resolved variants as `family-version[index]` (`[]` for a package without variants)."""
    return ["%s[%s]" % (v.qualified_package_name, "" if v.index is None else v.index)
            for v in ctx.resolved_packages]


def answer(make, ephemerals=False, error=str):
    """rez's answer of the context `make()` builds, and the context (None when rez raised).

    The answer: `status` (`solved`, `failed`, or `error` when rez raises instead of answering),
    `resolved`, `ephemerals` when asked (sorted), and `error` when not solved: `error(e)` of
    what rez raised, or rez's failure description."""
    try:
        ctx = make()
    except Exception as e:  # rez raises instead of answering
        out = {"status": "error", "resolved": []}
        if ephemerals:
            out["ephemerals"] = []
        out["error"] = error(e)
        return out, None
    if ctx.status == ResolverStatus.solved:
        out = {"status": "solved", "resolved": labels(ctx)}
        if ephemerals:
            out["ephemerals"] = sorted(str(e) for e in ctx.resolved_ephemerals)
        return out, ctx
    out = {"status": "failed", "resolved": []}
    if ephemerals:
        out["ephemerals"] = []
    out["error"] = ctx.failure_description or ""
    return out, ctx
