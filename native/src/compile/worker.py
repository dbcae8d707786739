# The worker of `pkglens compile`: byte-compiles each path it is given exactly as CPython's
# compileall.compile_file does (same .pyc names, same co_filename from -d/-s/-p, same -x and -e
# checks, same py_compile calls, same up-to-date check, same hardlinks), so the .pyc files are
# byte for byte those of `python -m compileall`.
# Run as `python -I -S -c <this> LEVELS MODE FLAGS DDIR STRIPDIR PREPENDDIR RX LIMIT [-- ITEM...]`:
# -I keeps the tree being compiled off sys.path, -S keeps its `.pth` files from running (and the
# start short), and only the standard library is imported; what only an option needs
# (filecmp, pathlib) is imported when that option is given.
# LEVELS: optimisation levels, comma-separated; MODE: a PycInvalidationMode name or `default`;
# FLAGS: letters, f (force), b (legacy .pyc beside the source), h (hardlink duplicates),
# c (each path comes after its context); DDIR ... LIMIT: empty for none, else `=` and the value.
# Items come as arguments after `--`, or else on standard input, each a 4-byte big-endian
# length and the item's bytes (so any byte survives). An item is a path, preceded, with the c
# flag, by its context: `f` (named as a file) or `d` and the folder argument it was found
# under (compileall's -d differs between the two). One answer per path, in order, on standard
# output: a status byte (c compiled, u up to date, s skipped, e error), a 4-byte big-endian
# length and a UTF-8 message.
import gc
import importlib.util
import os
import py_compile
import re
import signal
import struct
import sys

stopping = False
idle = False


def stop(signum, frame):
    # Between two files (waiting for a path) stop now; in the middle of one, after it: the
    # .pyc is written to a temporary name and renamed, and is never left half written.
    global stopping
    stopping = True
    if idle:
        os._exit(130)


class Options:
    def __init__(self, argv):
        self.levels = sorted(set(int(level) for level in argv[0].split(",")))
        self.mode = None if argv[1] == "default" else py_compile.PycInvalidationMode[argv[1]]
        flags = argv[2]
        self.force, self.legacy = "f" in flags, "b" in flags
        self.hardlink, self.context = "h" in flags, "c" in flags
        ddir, stripdir, prependdir, rx, limit = (a[1:] if a else None for a in argv[3:8])
        self.ddir, self.stripdir, self.prependdir = ddir, stripdir, prependdir
        self.rx = re.compile(rx) if rx is not None else None
        self.limit_sl_dest = limit or None


def destination(fullname, under, o):
    # compileall.main passes -d to compile_file for a file argument, and compile_dir turns it
    # into stripdir=the folder, prependdir=-d for the files under a folder argument.
    ddir, stripdir, prependdir = o.ddir, o.stripdir, o.prependdir
    if ddir is not None and under is not None:
        ddir, stripdir, prependdir = None, under, ddir
    name = os.path.basename(fullname)
    dfile = None
    if ddir is not None:
        dfile = os.path.join(ddir, name)
    if stripdir is not None:
        fullname_parts = fullname.split(os.path.sep)
        stripdir_parts = stripdir.split(os.path.sep)
        ddir_parts = list(fullname_parts)
        for spart, opart in zip(stripdir_parts, fullname_parts):
            if spart == opart:
                ddir_parts.remove(spart)
        dfile = os.path.join(*ddir_parts)
    if prependdir is not None:
        if dfile is None:
            dfile = os.path.join(prependdir, fullname)
        else:
            dfile = os.path.join(prependdir, dfile)
    return dfile


def compile_one(fullname, under, o):
    dfile = destination(fullname, under, o)
    if o.rx is not None and o.rx.search(fullname):
        return b"s", "matches -x"
    if o.limit_sl_dest is not None and os.path.islink(fullname):
        from pathlib import Path

        if Path(o.limit_sl_dest).resolve() not in Path(fullname).resolve().parents:
            return b"s", "a symbolic link to outside -e"
    if not os.path.isfile(fullname):
        if os.path.lexists(fullname):
            return b"s", "not a regular file"
        return b"e", "FileNotFoundError: the file vanished after it was listed"
    name = os.path.basename(fullname)
    if name[-3:] != ".py":
        return b"s", "not a .py file"
    cfiles = {}
    for level in o.levels:
        if o.legacy:
            cfiles[level] = fullname + "c"
        elif level >= 0:
            opt = level if level >= 1 else ""
            cfiles[level] = importlib.util.cache_from_source(fullname, optimization=opt)
        else:
            cfiles[level] = importlib.util.cache_from_source(fullname)
    if not o.force and up_to_date(fullname, cfiles.values()):
        return b"u", ""
    try:
        for index, level in enumerate(o.levels):
            cfile = cfiles[level]
            py_compile.compile(fullname, cfile, dfile, True, optimize=level,
                               invalidation_mode=o.mode)
            if index > 0 and o.hardlink:
                import filecmp

                previous = cfiles[o.levels[index - 1]]
                if filecmp.cmp(cfile, previous, shallow=False):
                    os.unlink(cfile)
                    os.link(previous, cfile)
    except py_compile.PyCompileError as err:
        return b"e", err.msg
    except (SyntaxError, UnicodeError, OSError) as err:
        return b"e", err.__class__.__name__ + ": " + str(err)
    return b"c", ""


def up_to_date(fullname, cfiles):
    # compileall's check: every .pyc's header holds the source's mtime (flags 0).
    try:
        mtime = int(os.stat(fullname).st_mtime)
        expect = struct.pack("<4sLL", importlib.util.MAGIC_NUMBER, 0, mtime & 0xFFFF_FFFF)
        for cfile in cfiles:
            with open(cfile, "rb") as chandle:
                if chandle.read(12) != expect:
                    return False
        return True
    except OSError:
        return False


def framed(stream):
    global idle
    while True:
        idle = True
        if stopping:
            return
        head = stream.read(4)
        idle = False
        if len(head) < 4:
            return
        (length,) = struct.unpack(">I", head)
        data = stream.read(length)
        if len(data) < length:
            return
        yield os.fsdecode(data)


def with_context(items, context):
    # (path, the folder argument it was found under or None) for each path.
    if not context:
        for path in items:
            yield path, None
        return
    for kind in items:
        path = next(items, None)
        if path is None:
            return
        yield path, (kind[1:] if kind[:1] == "d" else None)


def main():
    o = Options(sys.argv[1:9])
    # The start-up's modules and functions, moved out of the collector's generations: the full
    # collection at exit no longer walks them (issue 19: 8 % of an idle worker's instructions;
    # while compiling the collector costs 0.2 %, so it stays on; the .pyc bytes are the same).
    gc.freeze()
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if len(sys.argv) > 9 and sys.argv[9] == "--":
        items = iter(sys.argv[10:])
    else:
        items = framed(sys.stdin.buffer)
    out = sys.stdout.buffer
    for path, under in with_context(items, o.context):
        if stopping:
            break
        try:
            status, message = compile_one(path, under, o)
        except Exception as err:
            # What would end compileall with a traceback (`-s` that strips a whole path).
            status, message = b"e", err.__class__.__name__ + ": " + str(err)
        data = message.encode("utf-8", "backslashreplace")
        out.write(status + struct.pack(">I", len(data)) + data)
        out.flush()


main()
