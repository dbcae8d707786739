# -*- coding: utf-8 -*-
name = 'tricky'
version = 1.5
authors = ["a", 'b' "c", r"\d", u'\u00e9', b'\x00\o', """multi
line"""]
help = [["Docs", "https://x"], ("Wiki", 'w')]
tools = ('a', 'b',)
uuid = f"static-id"
timestamp = 0x1F_FF; cachable = True; relocatable = None
config_x = {'a': 1, 'a': 2.5e3, 3: -4}
requires = ['foo-1+<2', '~bar', '!baz-3'] \
    + []
build_requires = ["cmake-3+"]

with scope("config") as config:
    config.release_packages_path = "/x"

if True:
    private_build_requires = ["x"]

@late()
def variants():
    return [["a"], ["b"]]

def commands():
    env.PATH.append("{root}/bin")
    env.X = 'y' if z else """q"""

class Foo(object):
    pass

import os
from os import path as tools
del config_x
