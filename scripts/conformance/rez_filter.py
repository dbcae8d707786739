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

`cli`: `rez env --exclude/--include` cases (CLI above): `filter` (the configured pod or
null), `exclude`, `include`, `time`, `request`, `status`, `resolved`, and `package_filter`,
the list as rez's context records it (`ResolvedContext.to_dict()["package_filter"]`), and
`default`, rez's answer with no filter.

`rules`: single rule strings (every form above, and seeded random globs, regexes and ranges
over the benchmark's names, with `[!]-` sets, `*?` and odd parentheses) applied by rez to
`packages` (a seeded sample of the benchmark's family and version folders, each given a
timestamp or none): for each rule, `error` (rez's `from_pod` raises) or `excluded`, one `1`
or `0` per package, rez's `PackageFilterList.from_pod([{"excludes": [rule]}]).excludes()`.
"""
import json
import multiprocessing
import os
import random
import sys

os.environ.setdefault("REZ_QUIET", "1")

import rez  # noqa: E402
from rez.package_filter import PackageFilterList, Rule  # noqa: E402
from rez.resolved_context import ResolvedContext  # noqa: E402
from _rez_answers import answer  # noqa: E402
from rez.version import Version  # noqa: E402

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

# `rez env --exclude RULE... --include RULE...` onto the configured filter (a pod of FILTERS,
# or none), as rez's env command adds them: every exclusion into the last filter (a new one in
# an empty list), then every inclusion into each filter; with a resolve time or none.
CLI = {
    "exclude pre-releases": (None, ["*.alpha*", "glob(*.beta*)"], [], None),
    "exclude and include": (None, ["glob(*.alpha*)", "range(danger-2.17+)"],
                            ["danger", "glob(support-17.*)"], None),
    "include alone changes nothing": (None, [], ["glob(*)"], None),
    "onto two filters": ("two filters", ["glob(*.beta*)", "after(support:1600129490)"],
                         ["integer", "regex(coast-.*)"], None),
    "families kept in order": (None, ["range(support-18+)", "glob(*.m?)", "before(cock:1600129865)",
                                      "glob(support-17.*)"],
                               ["range(support-18.0)", "cock"], None),
    # A timestamp rule of the family "" is kept under "" and so never applies; not beside a
    # rule of every family, whose `str` rez cannot sort against it (TypeError).
    "an empty family": (None, ["after(:1600129500)", "range(support-18+)"], [], None),
    "exclusions with a time": (None, ["glob(*.alpha*)", "glob(*.staging*)"], ["danger"], 1600130600),
    "a rule refused": (None, ["glob(*.alpha*)", "after(soon)"], [], None),
}

SINGLE = [["support"], ["danger"], ["overnighter"], ["civilisation"], ["crystal"],
          ["cock"], ["wave"], ["integer"], ["danger", "support-17"]]
BENCHMARK_REQUESTS = 16


def raised(e):
    return "%s: %s" % (type(e).__name__, e)


def resolve(repo, request, pod, time):
    def make():
        package_filter = None if pod is None else PackageFilterList.from_pod(
            pod if isinstance(pod, list) else [pod])
        return ResolvedContext(request, package_paths=[repo], add_implicit_packages=False,
                               package_filter=package_filter, timestamp=time)
    return answer(make, error=raised)[0]


def cli_job(args):
    """A `rez env` filter case: the filter list rez's env command builds, its resolve, and the
    list as the context records it (`package_filter.to_pod()`)."""
    repo, name, request = args
    base, excludes, includes, time = CLI[name]
    case = {"name": name, "filter": FILTERS[base] if base else None, "exclude": excludes,
            "include": includes, "time": time, "request": request}
    try:
        pod = case["filter"]
        flist = PackageFilterList() if pod is None else PackageFilterList.from_pod(
            pod if isinstance(pod, list) else [pod])
        for rule in excludes:
            flist.add_exclusion(Rule.parse_rule(rule))
        for rule in includes:
            flist.add_inclusion(Rule.parse_rule(rule))
    except Exception as e:
        case.update({"status": "error", "resolved": [], "error": raised(e)})
        return case
    out, ctx = answer(lambda: ResolvedContext(request, package_paths=[repo],
                                              add_implicit_packages=False,
                                              package_filter=flist, timestamp=time),
                      error=raised)
    if ctx is not None:
        case["package_filter"] = ctx.to_dict()["package_filter"]
    case.update(out)
    return case


def job(args):
    repo, name, request, time = args
    case = {"name": name, "filter": FILTERS.get(name), "time": time, "request": request}
    case.update(resolve(repo, request, case["filter"], time))
    return case


FIXED_RULES = [
    "*.beta", "glob(*.alpha*)", "glob(support-18.*)", "glob(*-test)", "glob(cr*-*)", "glob(*[!0-9])",
    "glob(*-[0-2]*)", "glob(*.m[0-9])", "glob(d?nger-*)", "glob([]a-c]*)", "glob(*[a-c-e])",
    r"regex(.*\.m\d$)", r"regex(danger-2\.1[67].*)", "regex(c.*)", "regex(.*(alpha|beta))",
    "range(support-18+)", "danger-2.17+", "range(!wave-3)", "range(~integer-1.6.10+)", "cock",
    "before(1600129500)", "after(1600129900)", "after(support:1600129490)", "before(cock:1600129865)",
    "foo(bar)", "after(soon)", "range(foo-1+<)", "regex(foo-(1)", "glob(x(y)*)", "regex([)",
]


def random_rules(names, count):
    """Globs and regexes made from real qualified names, some characters turned into
    wildcards, sets (negated, with ranges, reversed ranges, `]` first) or odd characters, so
    that many match and some barely do; ranges of real families and versions."""
    rng = random.Random(12)

    def mutate(text, wild):
        out = ""
        for c in text:
            roll = rng.random()
            if roll < 0.08:
                out += rng.choice(wild)
            elif roll < 0.14:
                lo, hi = sorted([c, rng.choice("0az.-")])
                other = rng.choice("0az.-]!^\\")
                out += rng.choice(["[%s]" % c, "[!%s]" % c, "[%s-%s]" % (lo, hi), "[%s-%s]" % (hi, lo),
                                   "[]%s]" % c, "[%s-]" % c, "[!]%s]" % c, "[%s-]" % other,
                                   "[!%s-]" % other, "[%s%s]" % (other, c), "[%s-%s-%s]" % (lo, c, hi)])
            elif roll < 0.16:
                out += rng.choice(["(", ")", "\\", "[", "]", "!", "^", "$", "&&", "~"])
            else:
                out += c
        return out

    out = []
    for _ in range(count):
        family, version = rng.choice(names)
        qualified = family + ("-" + version if version else "")
        kind = rng.random()
        if kind < 0.55:
            text = mutate(qualified, ["*", "?", "**"])
            if rng.random() < 0.3:
                text = text[: rng.randint(1, len(text))] + "*"
            out.append("glob(%s)" % text if rng.random() < 0.5 else text)
        elif kind < 0.8:
            text = mutate(qualified.replace(".", "\\."), [".*", ".", ".+", "\\d+", "\\w*"])
            out.append("regex(%s)" % text)
        else:
            op = rng.choice(["-", "<", ">", "==", "-1+<", "!", "~", "+<"])
            if op in "!~":
                out.append(op + family + "-" + version)
            else:
                out.append(family + op + version)
    return out


def rule_cases(bench):
    """rez's `excludes` of single rules over a sample of the benchmark's folders."""
    rng = random.Random(7)
    names = []
    for family in sorted(os.listdir(bench)):
        folder = os.path.join(bench, family)
        if not os.path.isdir(folder):
            continue
        for version in sorted(os.listdir(folder)):
            if os.path.isdir(os.path.join(folder, version)) and not version.startswith("."):
                try:
                    names.append((family, str(Version(version))))
                except Exception:
                    pass
    sample = rng.sample(names, 300)
    packages = [{"name": n, "version": v,
                 "timestamp": rng.choice([None, 1600129400 + rng.randint(0, 1600)])}
                for n, v in sample]

    class Package:
        def __init__(self, p):
            self.name = p["name"]
            self.version = Version(p["version"])
            self.timestamp = p["timestamp"]
            self.qualified_name = self.name + ("-" + p["version"] if p["version"] else "")

    objects = [Package(p) for p in packages]
    rules = []
    for rule in FIXED_RULES + random_rules(sample, 400):
        try:
            flist = PackageFilterList.from_pod([{"excludes": [rule]}])
        except Exception as e:
            rules.append({"rule": rule, "error": "%s: %s" % (type(e).__name__, e)})
            continue
        rules.append({"rule": rule, "excluded": "".join(
            "1" if flist.excludes(p) else "0" for p in objects)})
    return packages, rules


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
    cli_requests = SINGLE + json.load(open(requests_json))[:4]
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        cli = pool.map(cli_job, [(bench, name, r) for name in CLI for r in cli_requests])
    for case in cli:
        case["default"] = default[(json.dumps(case["request"]), case["time"])]
    packages, rules = rule_cases(bench)
    out = sys.stdout
    out.write('{"bench_repo": %s,\n"packages": %s,\n"rules": [\n' % (
        json.dumps(bench), json.dumps(packages)))
    out.write(",\n".join(json.dumps(rule) for rule in rules))
    out.write('],\n"cli": [\n')
    out.write(",\n".join(json.dumps(case) for case in cli))
    out.write('],\n"cases": [\n')
    for i, case in enumerate(cases):
        out.write(("" if i == 0 else ",\n") + json.dumps(case))
    out.write("\n]}\n")


if __name__ == "__main__":
    main()
