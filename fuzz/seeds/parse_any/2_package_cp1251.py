# -*- coding: cp1251 -*-
name = "foo"
version = "1.0"
description = "Привет"
