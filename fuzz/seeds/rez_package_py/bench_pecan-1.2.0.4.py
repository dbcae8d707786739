# -*- coding: utf-8 -*-

name = 'pecan'

version = '1.2.0.4'

variants = [
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2015.ext1.sp6'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2015.sp4'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2015.sp5'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2015.sp6'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2016.sp1'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2016.sp2'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2016.5.1224'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2016.5.1902'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2016.5.2937'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2017.0.2296'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-Ubuntu-12.04',
     'fool-2017.0.2499'],
    ['diam-linux',
     'understatement-x86_64',
     'aftershave-CentOS-7',
     'fool-2016.5.2937']
]

timestamp = 1600129458

format_version = 2
