#!/usr/bin/env python3
"""Which wheels pip would install on a target, by `packaging.tags`, independent of pkglens.

For each (python, platform, machine, wheel file name) of the table in core/src/set/tags.rs,
builds the tags a default CPython of that version supports on that platform, as pip does for
`--python-version X.Y --platform ...`: `cpython_tags` (abis: `cpXY`, `cpXYm` before 3.8) then
`compatible_tags`, over the platforms of the target (every glibc `manylinux_2_*` with the
legacy aliases and `linux_*`; every macOS release through `mac_platforms`; `win_*`), and prints
each case with packaging's verdict: whether a tag of the wheel's file name is among them.

Usage: wheel_tags.py [core/src/set/tags.rs]   (prints the cases, marks any that differ)
"""
import re
import sys

from packaging import tags
from packaging.utils import parse_wheel_filename

ARCH = {"linux": {"x86_64": "x86_64", "aarch64": "aarch64", "x86": "i686"},
        "windows": {"x86_64": "win_amd64", "aarch64": "win_arm64", "x86": "win32"}}


def platforms(platform, machine):
    if platform == "linux":
        arch = ARCH["linux"][machine]
        plats = [f"manylinux_2_{m}_{arch}" for m in range(45, 4, -1)]
        return plats + [f"manylinux2014_{arch}", f"manylinux2010_{arch}",
                        f"manylinux1_{arch}", f"linux_{arch}"]
    if platform == "macos":
        arch = "arm64" if machine == "aarch64" else machine
        return list(tags.mac_platforms((15, 0), arch))
    if platform == "windows":
        return [ARCH["windows"][machine]]
    raise ValueError(platform)


def supported(python, platform, machine):
    major, minor = map(int, python.split("."))
    plats = platforms(platform, machine)
    abis = [f"cp{major}{minor}" + ("m" if (major, minor) < (3, 8) else "")]
    out = set(tags.cpython_tags((major, minor), abis, plats))
    out |= set(tags.compatible_tags((major, minor), f"cp{major}{minor}", plats))
    return out


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "core/src/set/tags.rs"
    text = open(source, encoding="utf-8").read()
    case = re.compile(r'\("([\d.]+)", "(\w+)", "(\w+)", "([^"]+\.whl)", (true|false)\)')
    differ = 0
    for python, platform, machine, wheel, expected in case.findall(text):
        _, _, _, wheel_tags = parse_wheel_filename(wheel)
        verdict = bool(wheel_tags & supported(python, platform, machine))
        mark = "" if str(verdict).lower() == expected else "   <-- pkglens's table differs"
        differ += bool(mark)
        print(f"{python} {platform} {machine} {wheel}: {verdict}{mark}")
    print(f"{differ} differ")
    sys.exit(1 if differ else 0)


main()
