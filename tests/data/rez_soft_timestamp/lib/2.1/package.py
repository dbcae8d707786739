# -*- coding: utf-8 -*-

name = 'lib'

version = '2.1'

timestamp = 1600000400

requires = ['python-3.7+']
