# Shape: a commands() indented with spaces on one line and a tab on the next, which Python 2
# read as the same level and Python 3 rejects (TabError).
name = "tab_mix"

version = "1.0"


def commands():
    env.PATH.append("{root}/bin")
	env.LD_LIBRARY_PATH.append("{root}/lib")
