# -*- coding: utf-8 -*-

name = 'tool'

version = '1.0.0'

timestamp = 1600000150

variants = [['python-2.7'], ['python-3.7']]
