# -*- coding: utf-8 -*-

name = 'flat'

version = '2017'

timestamp = 1600129457

format_version = 2
