#!/usr/bin/env bash
# Runs tshark with one plugin from a private plugin folder, and nothing from
# the user's own folders: the one way the tests, the main job and the
# benchmark run tshark with spicecap.so.
#
# Usage: tshark-with-plugin.sh [options] PLUGIN.so|installed [-- tshark arguments]
#   --tshark PATH     the tshark to run (default: $TSHARK, else tshark on PATH)
#   --version X.Y     its Wireshark version, the plugin folder's name (default:
#                     read from `tshark -v`; give it when calling many times)
#   --folder DIR      the private folder, made if missing and kept (default: a
#                     temporary one, removed when tshark ends)
#   --read FILE       tshark -r FILE, FILE first copied into the folder when the
#                     user tshark runs as cannot read it
#   --env NAME=VALUE  set for tshark alone (LD_PRELOAD, ASAN_OPTIONS, TZ, ...)
#   --wiretap FILE.so a file-type plugin (spicecap_report.so) put beside it in
#                     plugins/X.Y/wiretap; repeatable
#   --program NAME    run NAME (capinfos, editcap) from tshark's folder
#                     instead of tshark, with the same plugins
#
# The folder holds plugins/X.Y/epan/PLUGIN.so (WIRESHARK_PLUGIN_DIR) and
# home/ (HOME, so no personal plugin or preference of the caller's is read).
# "installed" instead of PLUGIN.so: the plugin of Wireshark's system folder,
# as a package installs it (scripts/package-check.sh): no WIRESHARK_PLUGIN_DIR,
# and tshark runs as the caller, root included, as a user of the package would.
# Wireshark loads no plugin when run as root (4.0, 4.4 and 4.6 alike), so as
# root tshark runs as uid 65534 (nobody); as any other user, as that user.
# With --folder, the script ends by exec'ing tshark: a caller's timeout or
# /usr/bin/time applies to tshark itself. Exit status: tshark's, or 2 for a
# usage error.
set -euo pipefail
usage() { sed -n '5,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

tshark=${TSHARK:-tshark} version="" folder="" read="" envs=() wiretaps=() program=""
while [ $# -gt 0 ]; do
  case $1 in
    --tshark) tshark=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --folder) folder=$2; shift 2 ;;
    --read) read=$2; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --wiretap) wiretaps+=("$2"); shift 2 ;;
    --program) program=$2; shift 2 ;;
    -h | --help) usage ;;
    --) usage ;;
    -*) echo "tshark-with-plugin: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage
plugin=$1; shift
if [ $# -gt 0 ]; then
  [ "$1" = "--" ] || usage
  shift
fi
installed=false
if [ "$plugin" = installed ]; then
  installed=true
elif [ ! -f "$plugin" ]; then
  echo "tshark-with-plugin: no plugin at $plugin" >&2
  exit 2
fi
if [ -z "$version" ]; then
  # "TShark (Wireshark) 4.4.19 (...)": the folder is named by major.minor.
  version=$("$tshark" -v 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
  [ -n "$version" ] || { echo "tshark-with-plugin: cannot read the Wireshark version of $tshark" >&2; exit 2; }
fi

temporary=false
if [ -z "$folder" ]; then
  folder=$(mktemp -d)
  temporary=true
fi
if [ "$(id -u)" -eq 0 ] && ! $installed; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  owner=65534:65534
else
  as_user=()
  owner=""
fi
mkdir -p "$folder/home"
chmod 755 "$folder"
plugin_dir=()
if ! $installed; then
  epan=$folder/plugins/$version/epan
  mkdir -p "$epan"
  chmod 755 "$folder/plugins" "$folder/plugins/$version" "$epan"
  target=$epan/$(basename "$plugin")
  if ! cmp -s "$plugin" "$target"; then
    # Replaced whole, so a tshark of a concurrent call never loads half a file.
    cp "$plugin" "$target.$$"
    chmod 644 "$target.$$"
    mv -f "$target.$$" "$target"
  fi
  plugin_dir=(WIRESHARK_PLUGIN_DIR="$folder/plugins")
fi
if [ ${#wiretaps[@]} -gt 0 ]; then
  wiretap=$folder/plugins/$version/wiretap
  mkdir -p "$wiretap"
  chmod 755 "$folder/plugins" "$folder/plugins/$version" "$wiretap"
  for w in "${wiretaps[@]}"; do
    [ -f "$w" ] || { echo "tshark-with-plugin: no wiretap plugin at $w" >&2; exit 2; }
    target=$wiretap/$(basename "$w")
    if ! cmp -s "$w" "$target"; then
      cp "$w" "$target.$$"
      chmod 644 "$target.$$"
      mv -f "$target.$$" "$target"
    fi
  done
  plugin_dir=(WIRESHARK_PLUGIN_DIR="$folder/plugins")
fi
[ -z "$owner" ] || chown "$owner" "$folder/home"

args=()
if [ -n "$read" ]; then
  if [ ${#as_user[@]} -gt 0 ] && ! "${as_user[@]}" test -r "$read"; then
    cp "$read" "$folder/"
    read=$folder/$(basename "$read")
    chmod 644 "$read"
  fi
  args=(-r "$read")
fi

run=$tshark
if [ -n "$program" ]; then
  # capinfos, editcap ...: beside tshark (the same Wireshark), else on PATH.
  tshark_path=$(command -v "$tshark" || true)
  run=$program
  if [ -n "$tshark_path" ] && [ -x "$(dirname "$tshark_path")/$program" ]; then
    run=$(dirname "$tshark_path")/$program
  fi
fi
cmd=(${as_user[@]+"${as_user[@]}"} env HOME="$folder/home" ${plugin_dir[@]+"${plugin_dir[@]}"} ${envs[@]+"${envs[@]}"}
     "$run" ${args[@]+"${args[@]}"} "$@")
if ! $temporary; then
  exec "${cmd[@]}"
fi
# A temporary folder outlives tshark by a moment only; a signal to this
# script goes on to tshark.
trap 'rm -rf "$folder"' EXIT
"${cmd[@]}" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP
status=0
wait "$pid" || status=$?
# wait returns early (above 128) when a trapped signal arrives: wait for tshark itself.
while kill -0 "$pid" 2>/dev/null; do wait "$pid" || status=$?; done
exit "$status"
