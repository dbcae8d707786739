# -*- coding: utf-8 -*-

name = 'python'

version = '3.9.18'
