# -*- coding: utf-8 -*-

name = 'lib'

version = '2.1.1'

timestamp = 1600000750

requires = ['python-3.11']
