"""Walk only: the package.py files under a tree, found with os.walk (sorted, depth-first).

Context for scripts/bench: what discovering the files costs in Python, before any reading.
Prints the number of files found.

    python os_walk.py DIR
"""

import os
import sys

NAME = "package.py"


def walk(root):
    """The paths of the package.py files under root, in sorted depth-first order."""
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()  # os.walk visits dirnames in this order when topdown
        if NAME in filenames:
            paths.append(os.path.join(dirpath, NAME))
    return paths


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: os_walk.py DIR")
    print(len(walk(sys.argv[1])))


if __name__ == "__main__":
    main()
