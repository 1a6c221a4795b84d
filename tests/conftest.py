"""pytest options and shared fixtures of the Python tests.

ctest runs each test file with the paths it knows (see tests/*/CMakeLists.txt);
by hand, the same options may be given, or left out to take the tools from
a build directory (--build-dir, else $SPICECAP_TEST_BUILD, else build-asan):

  python3 -m pytest tests/validate/test_validate.py -k k2
  python3 -m pytest tests/plugin/test_dissect.py --build-dir build-tests -k golden
"""
import os
import re
import shutil
import subprocess

import pytest

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pytest_addoption(parser):
    group = parser.getgroup("spicecap")
    group.addoption("--source-dir", default=SOURCE_DIR, help="the repository (default: the one holding tests/)")
    group.addoption("--build-dir", default=None,
                    help="where the tools below are looked for when not given "
                         "(default: $SPICECAP_TEST_BUILD, else build-asan, under the source dir)")
    group.addoption("--validate", default=None, help="spicecap-validate (default: BUILD/validate/spicecap-validate)")
    group.addoption("--synth", default=None, help="spicecap-synth (default: BUILD/synth/gen/spicecap-synth)")
    group.addoption("--plain-build", default=None,
                    help="a directory where test_bounds.py builds an unsanitized validator to measure")
    group.addoption("--tshark", default=None, help="tshark (default: the one on PATH)")
    group.addoption("--plugin", default=None,
                    help="spicecap.so (default: BUILD/plugin/spicecap.so), or 'installed': the one in "
                         "Wireshark's system plugin folder (a package's, scripts/package-check.sh)")
    group.addoption("--wireshark-version", default=None,
                    help="the plugin folder's MAJOR.MINOR (default: from tshark --version)")
    group.addoption("--report-plugin", default=None,
                    help="spicecap_report.so, the file-type plugin (default: BUILD/plugin/report/spicecap_report.so), "
                         "or 'installed': the one in Wireshark's system plugin folder")
    group.addoption("--render", default=None, help="spicecap-render (default: BUILD/replay/spicecap-render)")
    group.addoption("--replay", default=None, help="spicecap-replay (default: BUILD/replay/spicecap-replay)")
    group.addoption("--make-body-capture", default=None,
                    help="the make_body_capture program (default: BUILD/tests/plugin/make_body_capture)")


def _build_dir(config):
    build = config.getoption("--build-dir") or os.environ.get("SPICECAP_TEST_BUILD") or "build-asan"
    return build if os.path.isabs(build) else os.path.join(config.getoption("--source-dir"), build)


def _tool(config, option, *default):
    """An option's path, else its default under the build directory; fails the test when it is not there."""
    path = config.getoption(option) or os.path.join(_build_dir(config), *default)
    if not os.path.exists(path):
        pytest.fail("%s not found: build first, or give %s" % (path, option), pytrace=False)
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def source_dir(pytestconfig):
    return os.path.abspath(pytestconfig.getoption("--source-dir"))


@pytest.fixture(scope="session")
def fixtures_dir(source_dir):
    return os.path.join(source_dir, "fixtures")


@pytest.fixture(scope="session")
def validate_bin(pytestconfig):
    return _tool(pytestconfig, "--validate", "validate", "spicecap-validate")


@pytest.fixture(scope="session")
def synth_bin(pytestconfig):
    return _tool(pytestconfig, "--synth", "synth", "gen", "spicecap-synth")


@pytest.fixture(scope="session")
def render_bin(pytestconfig):
    return _tool(pytestconfig, "--render", "replay", "spicecap-render")


@pytest.fixture(scope="session")
def replay_bin(pytestconfig):
    return _tool(pytestconfig, "--replay", "replay", "spicecap-replay")


@pytest.fixture(scope="session")
def make_body_capture_bin(pytestconfig):
    return _tool(pytestconfig, "--make-body-capture", "tests", "plugin", "make_body_capture")


@pytest.fixture(scope="session")
def tshark_bin(pytestconfig):
    path = pytestconfig.getoption("--tshark") or shutil.which("tshark")
    if not path:
        pytest.fail("tshark not found: install it, or give --tshark", pytrace=False)
    return path


@pytest.fixture(scope="session")
def plugin_so(pytestconfig):
    if pytestconfig.getoption("--plugin") == "installed":
        return "installed"
    return _tool(pytestconfig, "--plugin", "plugin", "spicecap.so")


@pytest.fixture(scope="session")
def report_plugin_so(pytestconfig):
    if pytestconfig.getoption("--report-plugin") == "installed":
        return "installed"
    return _tool(pytestconfig, "--report-plugin", "plugin", "report", "spicecap_report.so")


@pytest.fixture(scope="session")
def wireshark_version(pytestconfig, tshark_bin):
    version = pytestconfig.getoption("--wireshark-version")
    if version:
        return version
    out = subprocess.run([tshark_bin, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"\b(\d+\.\d+)\.\d+", out)
    if not found:
        pytest.fail("cannot tell the Wireshark version from tshark --version: give --wireshark-version",
                    pytrace=False)
    return found.group(1)


def pytest_terminal_summary(terminalreporter, config):
    """Figures a test file leaves in config.spicecap_summary (test_bounds.py's peak RSS table)."""
    lines = getattr(config, "spicecap_summary", None)
    if lines:
        terminalreporter.write_sep("=", "figures")
        for line in lines:
            terminalreporter.write_line(line)
