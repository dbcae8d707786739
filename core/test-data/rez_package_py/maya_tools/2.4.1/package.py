# -*- coding: utf-8 -*-

name = "maya_tools"

version = "2.4.1"

description = \
    """
    Studio tools for Maya: publishing, scene checks and the shelf.
    """

authors = [
    "Pipeline TD",
    "pipeline@example.com",
]

requires = [
    "python-3.9+<3.12",
    "PySide2-5.15",
    "studio_core-3.2+<4",
    "~ocio-2.1+",
]

variants = [
    ["platform-linux", "maya-2023"],
    ["platform-linux", "maya-2024"],
    ["platform-windows", "maya-2024"],
]

tools = [
    "maya_publish",
    "scene_check",
]

help = [
    ["Docs", "https://wiki.example.com/pipeline/maya_tools"],
]

uuid = "repository.maya_tools"


@early()
def build_requires():
    import platform

    if platform.system() == "Windows":
        return ["cmake-3.18+", "vs"]
    return ["cmake-3.18+"]


def commands():
    env.PYTHONPATH.append("{root}/python")
    env.MAYA_SCRIPT_PATH.append("{root}/mel")
    env.XBMLANGPATH.append("{root}/icons")
    alias("scene_check", "mayapy {root}/bin/scene_check.py")
