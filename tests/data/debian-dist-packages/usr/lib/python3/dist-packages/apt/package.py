# a module, not metadata
