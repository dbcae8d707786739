name = "studio_pipeline"
version = "2.1.0"
description = "The studio's publishing tools."
authors = ["Pipeline TD <td@studio.example>"]
requires = ["usd-23.11+", "~maya-2024", "!houdini-19"]
variants = [["python-3.9"], ["python-3.11"]]
uuid = "8f1c9a4e-2b35-4e1d-9b3c-1f0e5d7a6c21"


def commands():
    env.PYTHONPATH.append("{root}/python")
