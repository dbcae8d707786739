# -*- coding: utf-8 -*-

name = 'python'

version = '2.7.18'

timestamp = 1600000100
