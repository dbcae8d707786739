# -*- coding: utf-8 -*-

name = 'tool'

version = '1.0.5'

timestamp = 1600000650

variants = [['python-2.7'], ['python-3']]
