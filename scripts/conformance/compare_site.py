"""pkglens against pip check and pipdeptree on a real environment.

Usage: compare_site.py ENV_PYTHON SITE_PACKAGES PKGLENS PIPDEPTREE [UV]

- Problems: `pip check`'s lines ("X requires Y, which is not installed", "X has requirement
  Y<spec>, but you have Y v") against `pkglens check --format json` (missing, unsatisfied).
- The same problems against `uv pip check --python ENV_PYTHON` when UV is given.
- Without `--target-python`, `pkglens check` takes the environment's Python from its
  `pyvenv.cfg` (the version `ENV_PYTHON` reports), not from the `python3` on the PATH.
- Edges: `pipdeptree --json-tree` (every installed dependency with its required specifier)
  against `pkglens graph --format json` (specifiers compared as sets).
Exits 1 on any difference.
"""
import json
import os
import re
import subprocess
import sys

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

env_python, site, pkglens, pipdeptree = sys.argv[1:5]
uv = sys.argv[5] if len(sys.argv) > 5 else None
version = subprocess.run([env_python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                         capture_output=True, text=True, check=True).stdout.strip()
common = ["--target-python", version, "--platform", "linux", "--no-progress"]

# --- problems -------------------------------------------------------------------------------
pip = subprocess.run([env_python, "-m", "pip", "check"], capture_output=True, text=True)
theirs = set()
for line in pip.stdout.splitlines():
    m = re.match(r"(\S+) \S+ requires (\S+), which is not installed\.", line)
    if m:
        theirs.add((canonicalize_name(m[1]), "missing", canonicalize_name(m[2])))
        continue
    m = re.match(r"(\S+) \S+ has requirement (.+), but you have (\S+) \S+\.", line)
    if m:
        theirs.add((canonicalize_name(m[1]), "unsatisfied", canonicalize_name(Requirement(m[2]).name)))
        continue
    if line.strip():
        print(f"unparsed pip check line: {line}")
out = subprocess.run([pkglens, "check", "--format", "json", *common, site], capture_output=True, text=True)
doc = json.loads(out.stdout)
ours = set()
for p in doc["problems"]:
    if p["kind"] in ("missing", "unsatisfied"):
        ours.add((canonicalize_name(p["package"].split()[0]), p["kind"], canonicalize_name(Requirement(p["requirement"]).name)))
print(f"pip check: {len(theirs)} problems; pkglens: {len(ours)} missing/unsatisfied")
differences = 0
for item in sorted(theirs - ours):
    print(f"  only pip check: {item}")
    differences += 1
for item in sorted(ours - theirs):
    print(f"  only pkglens: {item}")
    differences += 1
if not theirs:
    print("  the environment is not broken: the comparison proves nothing")
    differences += 1

# --- uv pip check ---------------------------------------------------------------------------
if uv:
    checked = subprocess.run([uv, "pip", "check", "--python", env_python], capture_output=True,
                             text=True, env={**os.environ, "NO_COLOR": "1"})
    uvs = set()
    for line in (checked.stdout + checked.stderr).splitlines():
        m = re.match(r"The package `(\S+)` requires `(.+)`, but it's not installed", line)
        if m:
            uvs.add((canonicalize_name(m[1]), "missing", canonicalize_name(Requirement(m[2]).name)))
            continue
        m = re.match(r"The package `(\S+)` requires `(.+)`, but `\S+` is installed", line)
        if m:
            uvs.add((canonicalize_name(m[1]), "unsatisfied", canonicalize_name(Requirement(m[2]).name)))
    print(f"uv pip check: {len(uvs)} problems; pkglens: {len(ours)} missing/unsatisfied")
    for item in sorted(uvs ^ ours):
        print(f"  {'only uv' if item in uvs else 'only pkglens'}: {item}")
        differences += 1

# --- the Python of the tree -----------------------------------------------------------------
out = subprocess.run([pkglens, "check", "--format", "json", "--no-progress", site],
                     capture_output=True, text=True, env={**os.environ, "PATH": "/nonexistent"})
found = json.loads(out.stdout)["summary"]["target"]["python"]
print(f"the environment's Python: {version}; pkglens without --target-python (no python3 on PATH): {found}")
if found != version:
    differences += 1

# --- edges ----------------------------------------------------------------------------------
tree = json.loads(subprocess.run([pipdeptree, "--python", env_python, "--json-tree"],
                                 capture_output=True, text=True, check=True).stdout)
def specs(text):
    text = "" if text in (None, "Any", "any") else text
    return frozenset(s.replace(" ", "") for s in text.split(",") if s.strip())
their_edges = set()
def walk(node):
    for dep in node.get("dependencies", []):
        # A dependency that is not installed is drawn with `installed: ?`: pkglens draws it to a
        # `missing:` node, with status `missing`.
        installed = dep.get("installed_version") not in (None, "?")
        their_edges.add((canonicalize_name(node["key"]), canonicalize_name(dep["key"]),
                         specs(dep.get("required_version")), "present" if installed else "missing"))
        walk(dep)
for root in tree:
    walk(root)
out = subprocess.run([pkglens, "graph", "--format", "json", *common, site], capture_output=True, text=True, check=True)
graph = json.loads(out.stdout)["graph"]
key = lambda node_id: node_id.split(":")[-1].rsplit("@", 1)[0]
our_edges = {(key(e["from"]), key(e["to"]), specs(e["spec"]),
              "missing" if e["status"] == "missing" else "present")
             for e in graph["edges"] if not e["from"].startswith("file:")}
print(f"pipdeptree: {len(their_edges)} edges; pkglens: {len(our_edges)} edges")
for item in sorted(their_edges - our_edges, key=str):
    print(f"  only pipdeptree: {item[0]} -> {item[1]} {sorted(item[2])} ({item[3]})")
    differences += 1
for item in sorted(our_edges - their_edges, key=str):
    print(f"  only pkglens: {item[0]} -> {item[1]} {sorted(item[2])} ({item[3]})")
    differences += 1
print(f"{differences} differences")
sys.exit(1 if differences else 0)
