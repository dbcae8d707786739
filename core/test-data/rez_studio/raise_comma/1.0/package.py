# Shape: Python 2's `raise E, "message"` in an @early function.
name = "raise_comma"

version = "1.0"


@early()
def requires():
    if not building:
        raise ValueError, "only when building"
    return ["cmake-3"]
