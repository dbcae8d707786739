# -*- coding: utf-8 -*-

name = 'python'

version = '3.12.1'

timestamp = 1600000700
