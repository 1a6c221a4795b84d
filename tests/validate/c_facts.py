"""The numeric #defines of the project's C headers, so that a Python test
uses the format's facts and the validator's limits from the one place they
are written (format/format.h, validate/validate_limits.h, ...) instead
of retyping them."""
import re

_DEFINE = re.compile(r"^#define\s+(\w+)\s+(.+?)\s*(?:/\*.*)?$")
_CAST = re.compile(r"\((?:uint\d+_t|size_t|unsigned|int)\)")
_SUFFIX = re.compile(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b")


def c_defines(*paths):
    """{NAME: int} for every #define whose value is an integer expression
    of literals and earlier names; the others are left out."""
    values = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                m = _DEFINE.match(line.strip())
                if not m:
                    continue
                expr = _SUFFIX.sub(r"\1", _CAST.sub("", m.group(2)))
                if not re.fullmatch(r"[\w\s()+\-*/<>|&~]+", expr):
                    continue
                try:
                    values[m.group(1)] = int(eval(expr, {"__builtins__": {}}, dict(values)))
                except (NameError, SyntaxError, TypeError, ZeroDivisionError):
                    pass
    return values
