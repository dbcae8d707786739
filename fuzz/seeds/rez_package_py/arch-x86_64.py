name = "arch"
version = "x86_64"
