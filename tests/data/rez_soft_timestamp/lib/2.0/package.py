# -*- coding: utf-8 -*-

name = 'lib'

version = '2.0'

requires = ['python-3']
