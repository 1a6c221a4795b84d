#!/usr/bin/env python3
"""Run a command, print 'SECONDS PEAK_RSS_KB' for it (its children included).
Usage: measure.py COMMAND..."""
import resource
import subprocess
import sys
import time

start = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
elapsed = time.monotonic() - start
print("%.3f %d" % (elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
