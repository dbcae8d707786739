"""Reference reading of pyproject.toml fixtures with tomllib and packaging 26.

packaging 26 has no `[project]` validator (no `packaging.pyproject`); it does have
`packaging.dependency_groups` (PEP 735), used here as is. The `[project]` rules follow
PEP 621 / the pyproject specification, each requirement through
`packaging.requirements.Requirement`.

Usage: python pyproject_packaging.py FIXTURE_DIR > out.json
"""

import json
import re
import sys
import tomllib
from pathlib import Path

from packaging.dependency_groups import DependencyGroupResolver
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


def req_json(req):
    return {
        "name": canonicalize_name(req.name),
        "specifiers": sorted(str(s) for s in req.specifier),
        "extras": sorted(canonicalize_name(e) for e in req.extras),
        "marker": str(req.marker) if req.marker is not None else None,
        "url": req.url,
    }


def req_list(value, errors, field):
    """Good requirements of a list; faults appended to `errors` (the Rust parser keeps the rest)."""
    if not isinstance(value, list):
        errors.append(f"{field}: not a list")
        return []
    out = []
    for item in value:
        if not isinstance(item, str):
            errors.append(f"{field}: item not a string")
            continue
        try:
            out.append(req_json(Requirement(item)))
        except InvalidRequirement as e:
            errors.append(f"{field}: {e}")
    return out


def read(path):
    result = {"fatal": None, "errors": [], "package": None, "build": [], "groups": {}}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        result["fatal"] = f"toml: {e}"
        return result
    errors = result["errors"]

    project = data.get("project")
    if project is not None:
        dynamic = project.get("dynamic", [])
        fatal = None
        if "name" not in project:
            fatal = "name missing"
        elif not isinstance(project["name"], str) or not NAME_RE.match(project["name"]):
            fatal = "invalid name"
        elif "name" in dynamic:
            fatal = "name dynamic"
        elif "version" not in project and "version" not in dynamic:
            fatal = "version missing"
        elif any(f in project for f in dynamic):
            fatal = "field both static and dynamic"
        elif "version" in project:
            try:
                Version(project["version"])
            except (InvalidVersion, TypeError):
                fatal = "invalid version"
        if fatal:
            result["fatal"] = fatal
            return result
        pkg = {
            "name": canonicalize_name(project["name"]),
            "version": project.get("version", ""),
            "requires_python": None,
            "dynamic": dynamic,
            "summary": project.get("description"),
            "dependencies": [],
            "extras": {},
        }
        if "requires-python" in project:
            try:
                SpecifierSet(project["requires-python"])
                pkg["requires_python"] = project["requires-python"]
            except InvalidSpecifier:
                errors.append("invalid requires-python")
        if "dependencies" in project:
            pkg["dependencies"] = req_list(project["dependencies"], errors, "dependencies")
        for extra, deps in project.get("optional-dependencies", {}).items():
            pkg["extras"][canonicalize_name(extra)] = req_list(
                deps, errors, f"optional-dependencies.{extra}"
            )
        result["package"] = pkg

    # A Poetry 1 project (`[tool.poetry]`, no `[project]`): its package is what poetry-core
    # makes of it, compared by scripts/conformance/poetry_core.py, not here.
    result["poetry"] = project is None and "poetry" in data.get("tool", {})

    build = data.get("build-system", {})
    if "requires" in build:
        result["build"] = req_list(build["requires"], errors, "build-system.requires")

    groups = data.get("dependency-groups")
    if groups is not None:
        resolver = DependencyGroupResolver(groups)
        for name in groups:
            try:
                result["groups"][canonicalize_name(name)] = [
                    req_json(r) for r in resolver.resolve(name)
                ]
            except Exception as e:  # ExceptionGroup, LookupError, CyclicDependencyGroup
                result["groups"][canonicalize_name(name)] = None
                errors.append(f"group {name}: {e!r}")
    return result


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "tests" / "data")
    out = {p.name: read(p) for p in sorted(root.glob("*.toml"))}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
