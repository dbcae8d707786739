# Shape: an installed package in a studio repository whose package.py has no `version`
# (rez's filesystem repository takes it from the `maya_launcher/2.3.1/` folder), with a
# backslash-continued, indented triple-quoted description (predat/rez-packages' PySide) and
# the release attributes rez-release writes.
name = "maya_launcher"

authors = [
    "pipeline"
]

description = \
    """
    Launches Maya with the studio's shelves.

      Reads the show's settings first.
    """

requires = [
    "maya-2022+<2025",
    "python-3.9",
]

uuid = "repository.maya_launcher"

help = "https://wiki.example.com/maya_launcher"

timestamp = 1601563200

revision = {"branch": "main", "commit": "3f2a9c1", "push_url": "git@example.com:pipe/maya_launcher.git"}

changelog = \
    """
    commit 3f2a9c1
        Fix the shelf path.
    """

release_message = None

previous_version = "2.3.0"

vcs = "git"

format_version = 2


def commands():
    env.PATH.append("{root}/bin")
    env.PYTHONPATH.append("{root}/python")
