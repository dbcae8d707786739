# -*- coding: klingon -*-
# Shape: a coding cookie naming a codec Python does not know: Python refuses the file.
name = "bad_codec"

version = "1.0"
