#!/usr/bin/env python
"""Generate conformance data for the Rust `rez` module from rez itself.

Usage:
    /work/helpers/venv/bin/python conformance/rez_versions.py [OUT.json]

Writes (default `conformance/rez_versions.json`) one JSON object:

* ``versions``: version strings; ``ranks``: rank of each in rez's sort order
  (equal versions share a rank);
* ``version_parse``: ``[string, str(Version(string)) or null if rejected]``;
* ``ranges``: ``{"s", "ok", "str", "contains"}`` where ``contains`` is a
  bitstring over ``versions`` (rez ``contains_version``);
* ``range_syntax``: short random strings over ``<>=+,.|-\\n1a_``, same
  fields, ``contains`` over the first 300 versions only;
* ``ops``: for pairs of valid ranges, ``str`` of ``a|b``, ``a&b`` (null for
  None), ``~a`` (null for None, "error" when rez raises) and ``a.issuperset(b)``;
* ``requirements``: rez ``Requirement`` fields, or ``ok: false``;
* ``merges``: ``str(a.merged(b))`` (null for None, "error" if rez raises)
  and ``a.conflicts_with(b)`` for pairs of requirements with one name.

The sample is seeded and deterministic; it includes the vectors of rez's
``rez/tests/test_version.py``.
"""
import json
import os
import random
import sys
import time

from rez.version import Requirement, Version, VersionError, VersionRange

SEED = 20240607
N_VERSIONS = 3000
N_RANGES = 1000
N_OPS = 400
N_SYNTAX = 3000
SYNTAX_PREFIX = 300
N_REQS = 400
N_MERGES = 400

# small alphabets so that families, prefixes and bounds collide often
TOKENS = ["0", "00", "01", "1", "2", "3", "10", "9", "a", "b", "A", "Z", "_",
          "__", "a_", "1_", "a1", "1a", "a0", "aZ", "aa", "alpha", "beta",
          "rc1", "rc01", "0a", "b2c", "99999999999999999999"]
RANGE_TOKENS = ["0", "1", "2", "3", "10", "01", "a", "b", "1_", "a_", "_",
                "1a", "aZ"]
ODD_RANGES = ["", "|", "||", ">", "+", ">=", "<=", "..", "+<=", "==", "<",
              "><", "\n", "\n|3", "3\n", "3\n|4", "3|\n", "3\n\n", "\n3",
              "<=>=", "<=>", "<>2", "+>2", "><3", ">,<3", "<3,<2", "3,>2",
              "3+,>2", "<3,>=2", ",<4", "4+,", "1>=", "+1", "4<", "1+<2<3",
              ">3>4", "<3<4", "<4>3", "1 2", "1+2", "1..", "..1", "1...2",
              "1.-2", "1.2.", "-1", "1-", "==1|", "3|>", "a|b", "1.a..1.b",
              "1+<3|1.5..2|>3", "1..3|1.5+<2|>3", "1+<3|>3", "é", "1é",
              ">=1,<=2", ">1,<=2", "1,<=2", "1+,<=2", "<=2,1", "<=2,>=1",
              "<2,>1", "2+,>1", "2,>=1", "<2,<1"]

# vectors from rez/tests/test_version.py
TEST_VERSIONS = ["", "1", "1.2", "1-2", "1.2-3", "1-2.3", "0.0.0", "2",
                 "2.alpha1", "2.alpha2", "2.beta", "2.0", "2.0.8.8", "2.1",
                 "2.1.0", "3", "4", "01", "beta", "alpha3", "alpha4", "alpha",
                 "gamma33", "33gamma", "1.0", "1.0alpha", "2.0.0", "5_",
                 "3.0.0", "5", "1.2.12", "6.0", "3.5", "3.5_"]
TEST_RANGES = ["", "1", "1.0.0", "3+<3_", "3", "_+<__", "_", "1.2+<=2.0",
               "1.2..2.0", "10+,<20", "10+<20", "1+<1.0", ">=2", "2+",
               ">=1.21.1,<1.23", ">=1.21.1<1.23", ">1.21.1,<1.23",
               ">1.21.1<1.23", ">1.21.1,<=1.23", ">1.21.1<=1.23",
               "<1.23,>=1.21.1", "<1.23,>1.21.1", "3|3", "3|1", "1|3",
               "5|3|1", "1|3|5", "1|1_", "1+<1__", "1|1_|1__", "1+,<1___",
               "|", "||", "||||||||", "1|1_+", "1+", "<1|1", "<1_",
               "1+<3|3+<5", "1+<5", ">4<6|1+<3", "1+<3|>4,<6", "4+<6|1+<3|",
               "4|2+", "3|<5", "<5", "<3|>3", ">3|<3", "3+|<3", "3+|<4",
               "2+<=6|3+<5", "2..6", "3+,<5|2+<=6", "2+<=6", "2|2+",
               "2|2.1+", "2|<2.1", "<2_", "3..3", "==3", ">=3,<=3", "==1",
               "4", "<3", "5+", "4+<6", "6+<8", "<=4", "2..4", "4..6", "==6",
               "3+", "<=3", ">3", "3.5", "<3.5|3.5_+", ">", "+", ">=", "<=",
               "..", "+<=", "==", "4+<2", ">3<3", ">3<=3", "3+<3", "<", "><",
               ">3>4", "<3<4", "<4>3", ",<4", "4+,", "1>=", "+1", "4<",
               "1+<2<3", "2+<4", "<2", "3..5", "3.1+", "<1|5|6|8|7|3|60+",
               "<1|5|6|8|7|==3|60+", "2.1+<4", "<4", "2.1..4", "3.5+<3_",
               "0+", "6+", "50+", "6", "<6", "<50", "<=5", "<1", "2|9+",
               "3+<6|12+<13.5", "<1|20+", ">0<20", "1+<=2.5", "1..2.5",
               ">6.1.0", "3.2", "==3|==4|==6.0"]
TEST_REQS = ["foo", "bah", "foo-4+", "foo-4.5", "bah-2.4", "bah-2.4.1+",
             "bah-2.4.1+<2.4_", "foo-2+", "!foo-4+", "foo-2+<4", "!bah-1",
             "!bah-3", "!bah-1|3", "!bah-5", "foo-2.3", "!bah-5.6+",
             "!bah-5+", "~bah-4", "bah<4.2", "bah-4+<4.2", "~bah", "!foo",
             "~bah-3+", "~bah-5", "foo-1", "foo-2", "~bah-5+", "bah-2",
             "bah-7..12", "foo-1.0", "foo@1.0", "foo#1.0", "foo-1+",
             "foo-1+<4.3", "foo<3", "foo==1.0.1"]


def rand_version(rng, tokens, max_len=4):
    n = rng.randint(0, max_len)
    out = ""
    for i in range(n):
        if i:
            out += "." if rng.random() < 0.8 else "-"
        out += rng.choice(tokens)
    return out


def rand_nonempty_version(rng, tokens, max_len=3):
    v = ""
    while not v:
        v = rand_version(rng, tokens, max_len)
    return v


def rand_bound(rng):
    def v():
        return rand_nonempty_version(rng, RANGE_TOKENS)

    def lo_hi():
        # ascending most of the time so that most ranges are valid; the rest
        # exercise rez's invalid-bound errors
        a, b = v(), v()
        if rng.random() < 0.8 and Version(b) < Version(a):
            a, b = b, a
        return a, b

    lo, hi = lo_hi()
    forms = [
        lambda: lo, lambda: hi, lambda: "==" + lo, lambda: lo + ".." + hi,
        lambda: lo + "+", lambda: ">" + lo, lambda: ">=" + lo,
        lambda: "<" + hi, lambda: "<=" + hi, lambda: lo + "+<" + hi,
        lambda: lo + "<" + hi, lambda: lo + ",<" + hi,
        lambda: ">" + lo + "<" + hi, lambda: ">=" + lo + ",<=" + hi,
        lambda: "<" + hi + ",>" + lo, lambda: "<=" + hi + ",>=" + lo,
        lambda: hi + ",>" + lo, lambda: "<" + hi + ",<" + lo,
        lambda: hi + "+,>" + lo, lambda: ".." + hi, lambda: lo + "..",
    ]
    return rng.choice(forms)()


def mutate(rng, s):
    junk = "<>=+,.|-\n _a1"
    i = rng.randint(0, len(s))
    op = rng.random()
    if op < 0.4 or not s:
        return s[:i] + rng.choice(junk) + s[i:]
    if op < 0.7:
        return s[:i] + s[i + 1:]
    return s[:i] + rng.choice(junk) + s[i + 1:]


def rand_range(rng):
    n = rng.choice([1, 1, 1, 2, 2, 3])
    s = "|".join(rand_bound(rng) for _ in range(n))
    if rng.random() < 0.2:
        s = mutate(rng, s)
    return s


def try_range(s):
    try:
        return VersionRange(s)
    except VersionError:
        return None


def main():
    t0 = time.time()
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "rez_versions.json")
    rng = random.Random(SEED)

    # versions -------------------------------------------------------------
    seen = set()
    vstrs = []

    def add_v(s):
        if s not in seen:
            seen.add(s)
            vstrs.append(s)

    for s in TEST_VERSIONS:
        add_v(s)
    for t in RANGE_TOKENS:  # family edges: "x", "x_", "x.y", "xZ", ...
        add_v(t)
        add_v(t + "_")
        add_v(t + "Z")
        add_v(t + "0")
    while len(vstrs) < N_VERSIONS:
        toks = RANGE_TOKENS if rng.random() < 0.6 else TOKENS
        add_v(rand_version(rng, toks, 4))
    versions = [Version(s) for s in vstrs]

    import functools

    def cmp(a, b):
        return -1 if a < b else (1 if b < a else 0)

    order = sorted(range(len(versions)),
                   key=functools.cmp_to_key(lambda i, j: cmp(versions[i], versions[j])))
    ranks = [0] * len(versions)
    rank = 0
    for k, i in enumerate(order):
        if k and not (versions[order[k - 1]] == versions[i]):
            rank += 1
        ranks[i] = rank

    # version parsing (acceptance and str) ----------------------------------
    vparse = []
    odd_versions = ["1+2", "1 2", "1é2", "1..2", ".1", "1.", "1\n", "+", " ",
                    "1.2 3", "a-b_c.d", "1--2", "1.+2", "_", "é"]
    for s in odd_versions + [mutate(rng, rand_nonempty_version(rng, TOKENS))
                             for _ in range(300)]:
        try:
            vparse.append([s, str(Version(s))])
        except VersionError:
            vparse.append([s, None])

    # ranges ---------------------------------------------------------------
    rstrs = []
    rseen = set()
    for s in TEST_RANGES + ODD_RANGES:
        if s not in rseen:
            rseen.add(s)
            rstrs.append(s)
    while len(rstrs) < N_RANGES:
        s = rand_range(rng)
        if s not in rseen:
            rseen.add(s)
            rstrs.append(s)

    ranges = []
    valid = []
    for s in rstrs:
        r = try_range(s)
        if r is None:
            ranges.append({"s": s, "ok": False})
            continue
        valid.append((s, r))
        bits = "".join("1" if r.contains_version(v) else "0" for v in versions)
        ranges.append({"s": s, "ok": True, "str": str(r), "contains": bits})

    # short random strings over the range alphabet: acceptance, str and
    # containment over the first SYNTAX_PREFIX versions
    syntax = []
    alphabet = "<>=+,.|-\n1a_"
    sseen = set(rstrs)
    while len(syntax) < N_SYNTAX:
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
        if s in sseen:
            continue
        sseen.add(s)
        r = try_range(s)
        if r is None:
            syntax.append({"s": s, "ok": False})
        else:
            bits = "".join("1" if r.contains_version(v) else "0"
                           for v in versions[:SYNTAX_PREFIX])
            syntax.append({"s": s, "ok": True, "str": str(r), "contains": bits})

    # range algebra ----------------------------------------------------------
    ops = []
    for _ in range(N_OPS):
        (sa, a), (sb, b) = rng.choice(valid), rng.choice(valid)
        inter = a & b
        try:
            inv = a.inverse()
            inv_s = None if inv is None else str(inv)
        except VersionError:
            inv_s = "error"
        ops.append({"a": sa, "b": sb, "union": str(a | b),
                    "intersection": None if inter is None else str(inter),
                    "inverse": inv_s, "superset": a.issuperset(b)})

    # requirements -----------------------------------------------------------
    reqs = []
    rqs = list(TEST_REQS) + ["", "-", "!", "~", "~foo-", "-1", "foo-",
                             "foo==", ".foo-1", "!~foo", "foo bar-1",
                             "foo-1-2", "foo>", "foo<", "foo-<3", "foo@>=2"]
    names = ["foo", "bar_2", "py", ".eph", "a"]
    while len(rqs) < N_REQS:
        pre = rng.choice(["", "", "", "!", "~"])
        sep = rng.choice(["-", "-", "@", "#", ""])
        body = rand_range(rng) if rng.random() < 0.9 else ""
        s = pre + rng.choice(names) + sep + body
        if rng.random() < 0.1:
            s = mutate(rng, s)
        rqs.append(s)
    for s in rqs:
        try:
            q = Requirement(s)
        except VersionError:
            reqs.append({"s": s, "ok": False})
            continue
        reqs.append({"s": s, "ok": True, "name": q.name,
                     "range": None if q.range is None else str(q.range),
                     "conflict": q.conflict, "weak": q.weak, "str": str(q)})

    # requirement merging / conflicts (same names only, to be interesting)
    valid_reqs = [(x["s"], Requirement(x["s"])) for x in reqs if x["ok"]]
    merges = []
    for _ in range(N_MERGES):
        sa, a = rng.choice(valid_reqs)
        same = [t for t in valid_reqs if t[1].name == a.name]
        sb, b = rng.choice(same)
        try:
            m = a.merged(b)
            m_s = None if m is None else str(m)
        except (VersionError, AttributeError, TypeError):
            m_s = "error"
        merges.append({"a": sa, "b": sb, "merged": m_s,
                       "conflicts": a.conflicts_with(b)})

    data = {"rez_seed": SEED, "versions": vstrs, "ranks": ranks,
            "version_parse": vparse, "ranges": ranges, "range_syntax": syntax, "ops": ops,
            "requirements": reqs, "merges": merges}
    with open(out_path, "w") as f:
        json.dump(data, f)
    print("wrote %s: %d versions, %d ranges (%d valid), %d ops, %d reqs "
          "+ %d syntax strings in %.1fs" % (out_path, len(vstrs), len(ranges), len(valid),
                        len(ops), len(reqs), len(syntax), time.time() - t0))


if __name__ == "__main__":
    main()
