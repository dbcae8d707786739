# Shape: Python 2's `<>` comparison inside commands().
name = "not_equal"

version = "1.0"


def commands():
    if system.platform <> "windows":
        env.PATH.append("{root}/bin")
