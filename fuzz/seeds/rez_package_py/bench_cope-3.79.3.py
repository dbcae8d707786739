# -*- coding: utf-8 -*-

name = 'cope'

version = '3.79.3'

requires = ['bonus-18.2.0+<19']

variants = [
    ['wave-2.7', 'cartload-1.1.6'],
    ['wave-3.6']
]

timestamp = 1600129484

format_version = 2
