# Shape: Python 2's octal literal (`0755`) in a build helper function of a package.py.
name = "octal_mode"

version = "1.0"


def pre_build_commands():
    import os
    os.chmod(os.path.join(build.install_path, "bin", "run"), 0755)
