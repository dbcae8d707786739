name = "usd"
version = "23.11"
description = 'Universal Scene Description, by Pixar.'
requires = [
    "boost-1.82",
    "tbb-2020.3",  # tbb is pinned by the VFX reference platform
    "python-3.9+<3.12",
]
private_build_requires = ["cmake-3.24+"]
tools = ["usdview", "usdcat", "usdzip"]
