# Shape: Python 2's `exec "code"` statement inside a top-level `if` block.
name = "exec_statement"

version = "1.0"

if False:
    exec "x = 1"
