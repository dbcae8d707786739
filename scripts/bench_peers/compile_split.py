# Where one interpreter's time goes when it byte-compiles a tree (issue 19): each .py file
# under the given folders (found as compileall's compile_dir finds them: sorted listings), its
# .pyc written beside it as `compileall -f` writes it, by py_compile.compile's own steps (3.11)
# made one by one, each timed in CPU (process_time: user + sys of this process) and wall time.
# Then the same files again through compileall.compile_file, the call `compileall -j 1` makes
# per file, so that its overhead over the bare steps shows.
#   python -I compile_split.py [--gc default|disable|freeze] [--rounds N] FOLDER...
# Writes .pyc files: run it on a copy of a tree.
import argparse
import compileall
import gc
import importlib.machinery
import importlib.util
import os
import py_compile
import time
from importlib import _bootstrap_external as external

STEPS = ("checks", "read", "compile", "makedirs", "stat", "marshal", "write")


def walk(folder):
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name == "__pycache__":
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            yield from walk(path)
        elif name.endswith(".py"):
            yield path


class GcClock:
    """CPU nanoseconds spent in the cyclic garbage collector (gc.callbacks: start, stop)."""

    def __init__(self):
        self.cpu = 0
        self.started = 0
        gc.callbacks.append(self.callback)

    def callback(self, phase, info):
        if phase == "start":
            self.started = time.process_time_ns()
        else:
            self.cpu += time.process_time_ns() - self.started


class Clock:
    """CPU and wall nanoseconds spent in each named step."""

    def __init__(self):
        self.cpu = dict.fromkeys(STEPS, 0)
        self.wall = dict.fromkeys(STEPS, 0)
        self.mark()

    def mark(self):
        self.last = (time.process_time_ns(), time.perf_counter_ns())

    def charge(self, step):
        cpu, wall = time.process_time_ns(), time.perf_counter_ns()
        self.cpu[step] += cpu - self.last[0]
        self.wall[step] += wall - self.last[1]
        self.last = (cpu, wall)


def compile_by_steps(path, clock):
    """py_compile.compile(path, doraise=True) as 3.11 makes it, optimize -1, TIMESTAMP."""
    clock.mark()
    cfile = importlib.util.cache_from_source(path)
    if os.path.islink(cfile) or (os.path.exists(cfile) and not os.path.isfile(cfile)):
        raise FileExistsError(cfile)
    loader = importlib.machinery.SourceFileLoader("<py_compile>", path)
    clock.charge("checks")
    source = loader.get_data(path)
    clock.charge("read")
    code = loader.source_to_code(source, path, _optimize=-1)
    clock.charge("compile")
    try:
        os.makedirs(os.path.dirname(cfile))
    except FileExistsError:
        pass
    clock.charge("makedirs")
    stats = loader.path_stats(path)
    mode = external._calc_mode(path)
    clock.charge("stat")
    data = external._code_to_timestamp_pyc(code, stats["mtime"], stats["size"])
    del code
    clock.charge("marshal")
    external._write_atomic(cfile, data, mode)
    clock.charge("write")
    return len(source)


def gc_stats():
    return [generation["collections"] for generation in gc.get_stats()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gc", choices=("default", "disable", "freeze"), default="default")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("folders", nargs="+")
    args = parser.parse_args()
    if args.gc == "disable":
        gc.disable()
    elif args.gc == "freeze":
        gc.freeze()
    gc_clock = GcClock()
    files = [path for folder in args.folders for path in walk(folder)]
    for _ in range(args.rounds):
        clock, gc_clock.cpu, collections = Clock(), 0, gc_stats()
        source_bytes = sum(compile_by_steps(path, clock) for path in files)
        total_cpu = sum(clock.cpu.values())
        collections = [now - before for now, before in zip(gc_stats(), collections)]
        print(f"{len(files)} files, {source_bytes / 1e6:.1f} MB of source, gc {args.gc}: "
              f"collections by generation {collections}, {gc_clock.cpu / 1e9:.3f} s of CPU "
              f"({gc_clock.cpu / total_cpu:.1%}, inside the steps)")
        for step in STEPS:
            print(f"  {step:9} cpu {clock.cpu[step] / 1e9:7.3f} s {clock.cpu[step] / total_cpu:6.1%}"
                  f"   wall {clock.wall[step] / 1e9:7.3f} s")
        print(f"  {'steps':9} cpu {total_cpu / 1e9:7.3f} s"
              f"           wall {sum(clock.wall.values()) / 1e9:7.3f} s")
        cpu, wall = time.process_time_ns(), time.perf_counter_ns()
        for path in files:
            compileall.compile_file(path, force=True, quiet=1)
        cpu, wall = time.process_time_ns() - cpu, time.perf_counter_ns() - wall
        print(f"  compileall.compile_file, per file: cpu {cpu / 1e9:7.3f} s"
              f"           wall {wall / 1e9:7.3f} s"
              f"   (over the steps: {(cpu - total_cpu) / len(files) / 1e3:+.0f} us of CPU a file)")


main()
