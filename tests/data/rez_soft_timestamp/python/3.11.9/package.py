# -*- coding: utf-8 -*-

name = 'python'

version = '3.11.9'

timestamp = 1600000800
