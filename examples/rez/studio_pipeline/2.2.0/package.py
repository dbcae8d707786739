name = "studio_pipeline"
version = "2.2.0"
description = "The studio's publishing tools."

# The requirements depend on the site: rez computes them when it loads the file.
@early()
def requires():
    import os
    return ["usd-24+"] + (["shotgrid_api"] if os.environ.get("STUDIO_SG") else [])

variants = [["python-3.11"]]
