name = "boost"
version = "1.82.0"
description = "Boost C++ libraries."
requires = ["python-3.9+<3.12"]
build_requires = ["cmake-3.20+"]
variants = [["python-3.9"], ["python-3.11"]]
