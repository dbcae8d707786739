# -*- coding: utf-8 -*-

name = 'disconnection'

version = '2.328.0'

requires = [
    'fool-2016.5+<2020',
    'impala',
    'girdle-0.97.1+<1',
    'policy-0.2.2+<1',
    '~offset-1.224+<2',
    'weapon-2.47+',
    'peacoat-8.15.0+<10',
    'record',
    'crucifixion-3.24.0+<4',
    'calculus-1.6.1+<2',
    'pie',
    'disk',
    'profit',
    'pecan',
    'wave',
    'run',
    'scrambled',
    'grasshopper-1.2.1+<3',
    'attenuation-0.1+<1',
    'highlight-0+<1',
    'tackle-1.3+<2'
]

timestamp = 1600129630

format_version = 2
