# Shape: `requires` and `tools` written as tuples, Python's habit for constant sequences.
# rez's schema wants lists: the package loads, and rez raises when its fields are read
# (`rez-env tools_tuple`: "PackageMetadataError: Validation of key 'requires' failed ...
# ('maya-2024',) should be instance of <class 'list'>").
name = "tools_tuple"

version = "1.0"

requires = ("maya-2024",)

tools = ("mayapy", "maya")
