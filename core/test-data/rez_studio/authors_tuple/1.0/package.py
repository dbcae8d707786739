# Shape: `authors` written as a tuple: rez's schema wants a list, and rez raises when the
# attribute is read (`rez view`, `rez-build`).
name = "authors_tuple"

version = "1.0"

authors = ("pipeline", "rnd")
