# -*- coding: utf-8 -*-
name = 'sample'
version = "1.2.3"
description = """
    A sample package; "quotes" and \\backslashes\\.
"""
authors = ['me', u'you']
requires = ['python-3.7+<4', "~foo", '!bar']
private_build_requires = ('cmake',)
variants = [['platform-linux', 'arch-x86_64'], ['platform-windows']]
tools = ['a', 'b']  # comment
uuid = 'repository.sample'
relocatable = True
hashed_variants = False
help = [['Home', 'https://example.com']]
custom = {'k': [1, 2.5, None, -3, 0x1F]}

@early()
def build_requires():
    return ['x'] if building else []

def commands():
    env.PATH.append('{root}/bin')  # ( [ {
    s = """def x(): ("""

with scope("config") as config:
    config.release_packages_path = "/tmp"

if True:
    uuid = 'changed'
timestamp = 1600000000
format_version = 2
