#!/usr/bin/env bash
# Runs disk_full on a 1 MiB tmpfs mounted in a private mount namespace, so
# nothing stays mounted whatever happens. Needs root (CI runs as root).
# Usage: disk_full.sh DISK_FULL_BINARY
set -euo pipefail
binary=$1
exec unshare --mount --propagation private sh -c '
  dir=$(mktemp -d) && mount -t tmpfs -o size=1m spicecap-full "$dir" && "$0" "$dir"' "$binary"
