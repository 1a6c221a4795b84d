#!/usr/bin/env python3
"""Run a command, print 'SECONDS PEAK_RSS_KB' for it (its children included).

The peak is GNU time's (/usr/bin/time -f %M, Debian's package time) when it is
there: Linux keeps a process's peak RSS across exec, so a command forked from
this Python would start at Python's own ~13 MB and small peaks would all read
the same. Without GNU time, that floor is there (said on stderr).
With SPICECAP_MEASURE_CPU=1 the seconds are CPU seconds (user + system, its
children included) instead of wall-clock: what a loaded, shared machine
disturbs least.
Usage: measure.py COMMAND..."""
import os
import resource
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"

command = sys.argv[1:]
report = None
if os.access(GNU_TIME, os.X_OK):
    fd, report = tempfile.mkstemp(prefix="measure-")
    os.close(fd)
    command = [GNU_TIME, "-o", report, "-f", "%M"] + command
else:
    print("measure.py: no %s: peak RSS includes Python's own (~13 MB)" % GNU_TIME, file=sys.stderr)
start = time.monotonic()
subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
elapsed = time.monotonic() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if report:
    with open(report) as f:
        lines = [l for l in f.read().split() if l.isdigit()]
    os.unlink(report)
    peak_kb = int(lines[-1]) if lines else peak_kb
if os.environ.get("SPICECAP_MEASURE_CPU") == "1":
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = usage.ru_utime + usage.ru_stime
print("%.3f %d" % (elapsed, peak_kb))
