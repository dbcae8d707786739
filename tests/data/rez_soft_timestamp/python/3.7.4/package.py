# -*- coding: utf-8 -*-

name = 'python'

version = '3.7.4'

timestamp = 1600000300
