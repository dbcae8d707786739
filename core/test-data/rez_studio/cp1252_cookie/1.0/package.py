#!/usr/bin/env python
# vim: set fileencoding=cp1252 :
# Shape: a package.py written on Windows in cp1252 (a curly apostrophe), its cookie on line 2.
name = "cp1252_cookie"

version = "1.0"

description = "The studio’s “publish” tool."
