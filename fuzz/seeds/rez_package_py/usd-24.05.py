name = "usd"
version = "24.05"
description = """Universal Scene Description, by Pixar.

Built against the CY2024 reference platform."""
requires = ["boost-1.82", "tbb-2020.3", "python-3.11", "openexr-3.2+"]
private_build_requires = ["cmake-3.24+"]
tools = ["usdview", "usdcat", "usdzip", "usdrecord"]
