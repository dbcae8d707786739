# Shape: Python 2's backtick repr inside commands().
name = "backticks"

version = "1.0"


def commands():
    env.PKG_VERSION = `this.version`
