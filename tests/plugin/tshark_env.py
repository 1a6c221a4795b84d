"""tshark with the spicecap plugin, for the plugin's tests.

Wireshark 4.0 loads no personal plugin and ignores WIRESHARK_PLUGIN_DIR for
root, so tshark runs as uid 65534 with the plugin in a private folder."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from results import Results  # noqa: E402,F401  (the plugin tests import it from here)


class Tshark:
    def __init__(self, tshark, plugin, version):
        self.tshark = tshark
        self.work = tempfile.mkdtemp()
        os.chmod(self.work, 0o755)
        os.makedirs(os.path.join(self.work, "plugins", version, "epan"))
        shutil.copy(plugin, os.path.join(self.work, "plugins", version, "epan"))
        self.home = os.path.join(self.work, "home")
        os.makedirs(self.home)
        os.chown(self.home, 65534, 65534)

    def path(self, name):
        """A path in the private folder that uid 65534 can read."""
        return os.path.join(self.work, name)

    def run(self, *args, capture=None):
        """(exit status, stdout, stderr) of tshark [-r capture] args."""
        read = []
        if capture is not None:
            local = self.path(os.path.basename(capture))
            if os.path.abspath(capture) != local:
                shutil.copy(capture, local)
            os.chmod(local, 0o644)
            read = ["-r", local]
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=" + self.home, "TZ=UTC",
               "WIRESHARK_PLUGIN_DIR=" + os.path.join(self.work, "plugins"), self.tshark, *read, *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        return p.returncode, p.stdout, p.stderr

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)
