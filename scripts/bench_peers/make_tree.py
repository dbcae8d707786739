"""Writes a tree of N package files for the memory benchmark of scripts/bench.

Default: a rez repository of families of ten versions each (`fam000042/1.3.0/package.py`),
each version requiring the next family, in the shape of rez's benchmark repository (a static
`name`, `version`, `requires`). With --dist-info: one folder of N `pkgNNNNNN-1.0.dist-info`
folders, each with a METADATA requiring the next (a site-packages' shape, all in one folder).

    python make_tree.py [--dist-info] N DIR
"""

import os
import sys


def main(count: int, root: str) -> None:
    families = max(1, (count + 9) // 10)
    written = 0
    for family in range(families):
        for minor in range(10):
            if written == count:
                return
            folder = os.path.join(root, f"fam{family:06d}", f"1.{minor}.0")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "package.py"), "w") as out:
                out.write(
                    f"name = 'fam{family:06d}'\nversion = '1.{minor}.0'\n"
                    f"requires = ['fam{(family + 1) % families:06d}-1+', 'python-3']\n"
                )
            written += 1


def dist_info(count: int, root: str) -> None:
    for i in range(count):
        folder = os.path.join(root, f"pkg{i:06d}-1.0.dist-info")
        os.makedirs(folder)
        with open(os.path.join(folder, "METADATA"), "w") as out:
            out.write(
                f"Metadata-Version: 2.1\nName: pkg{i:06d}\nVersion: 1.0\n"
                f"Requires-Dist: pkg{(i + 1) % count:06d}>=1\n"
            )


if __name__ == "__main__":
    if sys.argv[1] == "--dist-info":
        dist_info(int(sys.argv[2]), sys.argv[3])
    else:
        main(int(sys.argv[1]), sys.argv[2])
