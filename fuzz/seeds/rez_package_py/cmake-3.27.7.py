name = "cmake"
version = "3.27.7"
tools = ["cmake", "ctest", "cpack"]
