"""The plugin tests' shared set-up: one tshark with the plugin per test file."""
import pytest

from tshark_env import Tshark


@pytest.fixture(scope="module")
def ts(tshark_bin, plugin_so, wireshark_version):
    """tshark with the spicecap plugin (tshark_env.Tshark), for every test of a file."""
    tshark = Tshark(tshark_bin, plugin_so, wireshark_version)
    yield tshark
    tshark.close()
