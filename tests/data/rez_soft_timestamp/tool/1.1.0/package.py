# -*- coding: utf-8 -*-

name = 'tool'

version = '1.1.0'

timestamp = 1600000600

variants = [['python-3.9'], ['python-3.11']]
