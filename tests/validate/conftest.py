"""The validator tests' shared set-up: spicecap-validate run on a capture,
its --json report, and fixture paths."""
import json
import os
import subprocess

import pytest


@pytest.fixture(scope="module")
def run(validate_bin):
    """spicecap-validate ARGS: (exit code, stdout, stderr); a sanitizer report fails the test."""
    def run(*args):
        p = subprocess.run([validate_bin, *args], capture_output=True, text=True)
        assert "Sanitizer" not in p.stderr and "runtime error" not in p.stderr, p.stderr[-2000:]
        return p.returncode, p.stdout, p.stderr
    return run


@pytest.fixture(scope="module")
def report(run):
    """spicecap-validate --json ARGS: (exit code, the parsed report or None, stderr)."""
    def report(*args):
        code, out, err = run("--json", *args)
        try:
            return code, json.loads(out), err
        except ValueError:
            return code, None, err
    return report


@pytest.fixture(scope="module")
def fix(fixtures_dir):
    """The path of a fixture, from its name under fixtures/."""
    return lambda name: os.path.join(fixtures_dir, name)


@pytest.fixture(scope="module")
def plain_validator(pytestconfig, validate_bin, source_dir):
    """An unsanitized validator to measure memory with (--plain-build: built there, Release), else the
    one under test."""
    build = pytestconfig.getoption("--plain-build")
    if not build:
        return validate_bin
    for cmd in (["cmake", "-S", source_dir, "-B", build, "-DCMAKE_BUILD_TYPE=Release"],
                ["cmake", "--build", build, "--target", "spicecap-validate", "-j2"]):
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail("cannot build the unsanitized validator: %s\n%s\n%s" % (
                " ".join(cmd), done.stdout[-2000:], done.stderr[-2000:]), pytrace=False)
    return os.path.join(build, "validate", "spicecap-validate")
