name = "python"
version = "3.11.6"
description = "The Python interpreter."
authors = ["Python Software Foundation"]
tools = ["python", "python3", "pip"]
variants = [["platform-linux", "arch-x86_64"]]


def commands():
    env.PATH.prepend("{root}/bin")
