# The layers of byte-compiling one tree, each run alone, to be counted under callgrind (issue
# 19): LAYER is `none` (start-up and listing only), `compile` (read and compile()), `steps`
# (and marshal, write: py_compile's own steps, no checks), `py_compile` (py_compile.compile) or
# `compile_file` (compileall.compile_file, what `compileall -j 1` calls per file). Each layer's
# instructions minus the previous one's is what that layer adds. Writes .pyc files: run it on a
# copy of a tree (compiled once before, so that every layer finds __pycache__ there).
#   valgrind --tool=callgrind --callgrind-out-file=/dev/null python -I -S compile_layers.py LAYER FOLDER
import compileall
import importlib.machinery
import importlib.util
import os
import py_compile
import sys
from importlib import _bootstrap_external as external


def compile_layer(layer, path):
    if layer == "compile_file":
        compileall.compile_file(path, force=True, quiet=1)
    elif layer == "py_compile":
        py_compile.compile(path, importlib.util.cache_from_source(path), doraise=True)
    elif layer in ("compile", "steps"):
        loader = importlib.machinery.SourceFileLoader("<py_compile>", path)
        code = loader.source_to_code(loader.get_data(path), path, _optimize=-1)
        if layer == "steps":
            stats = loader.path_stats(path)
            data = external._code_to_timestamp_pyc(code, stats["mtime"], stats["size"])
            external._write_atomic(importlib.util.cache_from_source(path), data, 0o644)


def main():
    layer, folder = sys.argv[1], sys.argv[2]
    files = sorted(
        os.path.join(parent, name)
        for parent, _, names in os.walk(folder)
        for name in names
        if name.endswith(".py")
    )
    for path in files:
        compile_layer(layer, path)


main()
