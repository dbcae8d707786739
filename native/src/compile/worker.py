# The worker of `pkglens compile`: byte-compiles each path it is given exactly as CPython's
# compileall.compile_file does (same .pyc name, same py_compile call, same up-to-date check),
# so the .pyc files are byte for byte those of `python -m compileall`.
# Run as `python -I -c <this> OPTIMIZE MODE FORCE [-- PATH...]`: -I keeps the tree being
# compiled off sys.path, and only the standard library is imported.
# Paths come as arguments after `--`, or else on standard input, each a 4-byte big-endian
# length and the path's bytes (so any byte survives). One answer per path, in order, on
# standard output: a status byte (c compiled, u up to date, s skipped, e error), a 4-byte
# big-endian length and a UTF-8 message.
import importlib.util
import os
import py_compile
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


def compile_one(fullname, optimize, mode, force):
    if not os.path.isfile(fullname):
        if os.path.lexists(fullname):
            return b"s", "not a regular file"
        return b"e", "FileNotFoundError: the file vanished after it was listed"
    name = os.path.basename(fullname)
    if name[-3:] != ".py":
        return b"s", "not a .py file"
    opt = optimize if optimize >= 1 else ""
    cfile = importlib.util.cache_from_source(fullname, optimization=opt)
    if not force:
        try:
            mtime = int(os.stat(fullname).st_mtime)
            expect = struct.pack("<4sLL", importlib.util.MAGIC_NUMBER, 0, mtime & 0xFFFF_FFFF)
            with open(cfile, "rb") as chandle:
                if chandle.read(12) == expect:
                    return b"u", ""
        except OSError:
            pass
    try:
        py_compile.compile(fullname, cfile, None, True, optimize=optimize, invalidation_mode=mode)
    except py_compile.PyCompileError as err:
        return b"e", err.msg
    except (SyntaxError, UnicodeError, OSError) as err:
        return b"e", err.__class__.__name__ + ": " + str(err)
    return b"c", ""


def framed_paths(stream):
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


def main():
    optimize, mode, force = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
    mode = None if mode == "default" else py_compile.PycInvalidationMode[mode]
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if len(sys.argv) > 4 and sys.argv[4] == "--":
        paths = sys.argv[5:]
    else:
        paths = framed_paths(sys.stdin.buffer)
    out = sys.stdout.buffer
    for path in paths:
        if stopping:
            break
        status, message = compile_one(path, optimize, mode, force)
        data = message.encode("utf-8", "backslashreplace")
        out.write(status + struct.pack(">I", len(data)) + data)
        out.flush()


main()
