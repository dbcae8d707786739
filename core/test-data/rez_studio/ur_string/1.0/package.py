# Shape: Python 2's `ur""` string prefix inside a function.
name = "ur_string"

version = "1.0"


def commands():
    env.PATTERN = ur"\d+"
