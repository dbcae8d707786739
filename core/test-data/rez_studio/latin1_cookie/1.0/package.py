# -*- coding: latin-1 -*-
# Shape: a package.py saved in Latin-1 by an old editor, with its PEP 263 cookie.
name = "latin1_cookie"

version = "1.0"

authors = ["René Dupré"]

description = "Outils de compositing à la française."
