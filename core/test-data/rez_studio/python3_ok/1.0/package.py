# Shape: Python 3 forms that must stay valid: `print >>f, x` (an expression statement in
# Python 3), a match statement, f-strings, the walrus, nested functions, lambdas, string
# concatenation, decorators and annotations inside commands().
name = "python3_ok"

version = "1.0"


def commands():
    import sys

    print >>sys.stderr, "legacy redirect"
    print("python3_ok")
    match system.platform:
        case "linux" | "osx":
            env.PATH.append(f"{this.root}/bin")
        case _:
            env.PATH.append("{root}\\bin")
    if (n := len("abc")) > 2:
        env.N = str(n)

    def helper(x: int = 1, *args, **kwargs) -> str:
        return "a" "b" + str(x)

    key = lambda s, *, k=1: s[::-1]
    env.NAME = helper() if key else None
    type = "shadowed"
    data = {**{"a": 1}, "b": [*range(3)]}
