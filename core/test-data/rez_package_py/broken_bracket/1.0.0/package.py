name = "broken_bracket"

version = "1.0.0"

requires = [
    "python-3.10",
]

# One bracket too many: rez fails to load this file.
variants = [
    ["platform-linux", "maya-2023"],
    ["platform-linux", "maya-2024"]]
]

def commands():
    env.PYTHONPATH.append("{root}/python")
