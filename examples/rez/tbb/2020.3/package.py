name = "tbb"
version = "2020.3"
