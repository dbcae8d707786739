# Shape: a package.py of a Python 2 era studio repository: a print statement inside
# commands(), which Python 3 cannot compile, so rez fails to load the whole file.
name = "legacy_tools"

version = "1.4.0"

requires = ["python-2.7"]


def commands():
    env.PATH.append("{root}/bin")
    if building:
        print "building legacy_tools"
