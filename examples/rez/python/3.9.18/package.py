# -*- coding: utf-8 -*-
name = "python"
version = "3.9.18"
description = "The Python interpreter."
authors = ["Python Software Foundation"]
tools = ["python", "python3", "pip"]
variants = [["platform-linux", "arch-x86_64"]]


def commands():
    env.PATH.prepend("{root}/bin")
    alias("py", "python3")
