"""tshark with the spicecap plugin, for the plugin's tests.

Every run goes through scripts/tshark-with-plugin.sh: a private plugin
folder, and tshark as uid 65534 when root (Wireshark 4.0, 4.4 and 4.6 load
no plugin for root), as the user otherwise. One folder per Tshark object,
kept until close()."""
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "tshark-with-plugin.sh")


class Tshark:
    def __init__(self, tshark, plugin, version, wiretaps=()):
        """tshark: the binary to run (a matrix run passes each version's);
        version: its Wireshark major.minor, the plugin folder's name;
        wiretaps: file-type plugins put in the folder's wiretap/ too."""
        self.tshark = tshark
        self.plugin = plugin
        self.wiretaps = [w for w in wiretaps if w != "installed"]
        self.version = version
        self.work = tempfile.mkdtemp()
        os.chmod(self.work, 0o755)

    def path(self, name):
        """A path in the private folder that the user tshark runs as can read."""
        return os.path.join(self.work, name)

    def run(self, *args, capture=None, program=None, timeout=600):
        """(exit status, stdout, stderr) of tshark [-r capture] args, or of
        program (capinfos, editcap: the same Wireshark's) with args."""
        read = []
        if capture is not None:
            read = ["--read", capture]
        extra = []
        for w in self.wiretaps:
            extra += ["--wiretap", w]
        if program:
            extra += ["--program", program]
        cmd = [RUNNER, "--tshark", self.tshark, "--version", self.version, "--folder", self.work, "--env", "TZ=UTC",
               *read, *extra, self.plugin, "--", *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)


def spicecap_items(ts, path, *args):
    """One tshark -T pdml run over path (args added to it), read one spicecap item at a time (a frame may
    show several messages and losses): [(frame, fields, experts)], and tshark's output. fields holds the
    first value of each spicecap.* field of the item; experts its expert infos, each by its name
    ("spicecap.message_cut") and by its severity line ("Severity level: Warning")."""
    code, out, err = ts.run("-T", "pdml", "-J", "spicecap", *args, capture=path)
    assert code == 0, err[-500:]
    items = []
    for packet in ET.fromstring(out).iter("packet"):
        frame = int(next(f for f in packet.iter("field") if f.get("name") == "num").get("show"))
        for proto in packet.findall("proto"):
            if proto.get("name") != "spicecap":
                continue
            fields, experts, expert_names = {}, [], set()
            for info in proto.iter("field"):
                if info.get("name") != "_ws.expert":
                    continue
                for f in info.findall("field"):
                    name = f.get("name", "")
                    if name == "_ws.expert.severity":
                        experts.append(f.get("showname") or f.get("show"))
                    elif name.startswith("spicecap."):
                        experts.append(name)
                        expert_names.add(name)
            for f in proto.iter("field"):
                name = f.get("name", "")
                if name.startswith("spicecap.") and name not in expert_names and f.get("show") is not None:
                    fields.setdefault(name, f.get("show"))
            items.append((frame, fields, experts))
    return items, out
