# -*- coding: utf-8 -*-

name = 'lib'

version = '1.9'

timestamp = 1600000050

requires = ['python-2.7']
