# -*- coding: utf-8 -*-

name = 'python'

version = '3.11.6'

timestamp = 1600000500
