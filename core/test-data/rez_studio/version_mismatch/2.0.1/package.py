# Shape: an installed package copied to a new version folder without its `version` being
# edited: rez's repository reports the folder's 2.0.1, not the file's.
name = "version_mismatch"

version = "2.0.0"

requires = ["python-3"]
