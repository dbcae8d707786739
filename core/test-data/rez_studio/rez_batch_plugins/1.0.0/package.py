# -*- coding: utf-8 -*-
# Shape: a developer package of rez-batch-process's plugins (ColinKennedy): `help` as a
# list of [label, url] pairs, a `tests` dict of commands and test dicts, and build settings.
name = "rez_batch_plugins"

version = "1.0.0"

description = "Several plugins to demonstrate the use of `rez_batch_process` and its plugin system."

authors = ["Colin Kennedy (ColinKennedy)"]

help = [["README", "README.md"], ["Home", "https://example.com/rez_batch_plugins"]]

private_build_requires = ["rez_build_helper-1+<2"]

build_command = "python -m rez_build_helper --items python"

requires = [
    "python-2+<3",
    "rez_batch_process-0+<1",
]

tests = {
    "black_diff": {
        "command": "rez-env black -- black --diff --check package.py python tests",
        "requires": ["black-19+"],
        "run_on": "explicit",
    },
    "unittest": "python -m unittest discover",
    "lint": ["pylint", "python"],
    "variants": {
        "command": "python -m pytest",
        "on_variants": {"type": "requires", "value": ["python-2.7"]},
    },
}

hashed_variants = True

relocatable = True

cachable = None

has_plugins = False

plugin_for = ["rez_batch_process"]

requires_rez_version = "2.47"

config = {
    "release_hooks": ["emailer"],
    "plugins": {"release_hook": {"emailer": {"recipients": ["pipe@example.com"]}}},
}


def commands():
    import os

    env.PYTHONPATH.append(os.path.join("{root}", "python"))
