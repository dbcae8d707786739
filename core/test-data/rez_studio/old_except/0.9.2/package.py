# Shape: Python 2's `except X, e:` inside a function of a package.py.
name = "old_except"

version = "0.9.2"


def commands():
    try:
        import studio_env
    except ImportError, e:
        pass
    env.PATH.append("{root}/bin")
