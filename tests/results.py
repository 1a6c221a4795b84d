"""The tests' one way of reporting: an ok/FAIL line per check and the
closing 'N passed, N failed' line that CI reads."""


class Results:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        self.passed, self.failed = self.passed + bool(ok), self.failed + (not ok)
        print(("ok: " if ok else "FAIL: ") + name, "" if ok else detail)

    def finish(self):
        """Print the closing line; the exit status for sys.exit."""
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 0 if self.failed == 0 else 1
