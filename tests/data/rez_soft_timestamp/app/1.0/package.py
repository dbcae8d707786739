# -*- coding: utf-8 -*-

name = 'app'

version = '1.0'

timestamp = 1600000200

requires = ['tool-1', 'lib']
