# -*- coding: utf-8 -*-

name = 'app'

version = '1.1'

timestamp = 1600000850

requires = ['tool', '~python-3.11+']
