name = "x"
print "hello"
