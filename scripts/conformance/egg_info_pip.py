"""Reads a site-packages (or dist-packages) with pip's own metadata reader and `pip check`.

Usage: python egg_info_pip.py SITE_DIR > egg_info.json

pip's environment over SITE_DIR alone (not this interpreter's own site-packages): for every
distribution, its name, version and the requirements pip reads (`iter_dependencies`, which
merges an egg-info's requires.txt into PKG-INFO, all of them whatever their markers);
then `pip check`'s own `check_package_set`
over them, as `pip check` runs it (`create_package_set_from_installed`, on this environment).
Markers are evaluated by pip for this interpreter; the JSON names its version and platform.
"""

import json
import platform
import re
import sys

from pip._internal.metadata import get_environment
from pip._internal.operations.check import PackageDetails, check_package_set
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name


def requirement(text):
    """A Requires-Dist as pip reads it: its name, sorted specifiers, and the extra it needs."""
    req = Requirement(text)
    extra = re.search(r'extra == "([^"]*)"', str(req.marker)) if req.marker else None
    return {
        "name": canonicalize_name(req.name),
        "specifiers": sorted(str(s) for s in req.specifier),
        "extra": extra.group(1) if extra else None,
    }


def main(site):
    env = get_environment([site])
    dists = []
    package_set = {}
    for dist in sorted(env.iter_installed_distributions(local_only=False, skip=()),
                       key=lambda d: d.canonical_name):
        requires = list(dist.iter_dependencies())
        dists.append({
            "name": dist.raw_name,
            "version": str(dist.version),
            "requires_dist": [requirement(r) for r in dist.metadata.get_all("Requires-Dist") or []],
            "extras": list(dist.iter_provided_extras()),
        })
        package_set[dist.canonical_name] = PackageDetails(dist.version, requires)
    missing, conflicting = check_package_set(package_set)
    json.dump({
        "python": platform.python_version(),
        "sys_platform": sys.platform,
        "distributions": dists,
        "missing": sorted([name, dep[0], str(dep[1])] for name, deps in missing.items()
                          for dep in deps),
        "conflicting": sorted([name, dep[0], str(dep[2])] for name, deps in conflicting.items()
                              for dep in deps),
    }, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
