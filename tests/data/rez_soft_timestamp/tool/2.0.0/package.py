# -*- coding: utf-8 -*-

name = 'tool'

version = '2.0.0'

timestamp = 1600000900

requires = ['lib-2+']

variants = [['python-3.11+<3.12'], ['python-3.12']]
