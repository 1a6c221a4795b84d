#!/usr/bin/env bash
# Installs the Debian 12 packages spicecap builds, tests and runs with.
# Skips apt entirely when everything is already there.
# Usage: deps.sh [--main]
#   --main  only what the README's main job (scripts/demo.sh) needs: build the
#           tools and the plugins (no tests), run them, open the report with tshark
#   (none)  everything: the main job's set, the tests, the fuzz targets, the
#           chroots, the manual pages, the packages and the browser (scripts/test.sh)
set -euo pipefail
main=(
  cmake gcc make pkg-config python3
  libglib2.0-dev libspice-protocol-dev libjson-glib-dev libzip-dev zlib1g-dev
  wireshark-dev tshark
)
rest=(
  clang python3-pytest zip unzip xxd libpcap-dev libcunit1-dev time
  libclang-rt-14-dev  # libFuzzer and clang's sanitizer runtimes, for fuzz/run.sh (only recommended by clang)
  mmdebstrap  # the chroots of scripts/wireshark-matrix.sh (Wireshark 4.4 and 4.6) and scripts/portability.sh
  help2man  # the manual pages (man/)
  build-essential debhelper lintian man-db  # the Debian packages and their checks (scripts/package-check.sh)
  chromium chromium-driver python3-selenium  # the --html page in a real browser (tests/validate/test_html.py)
  libspice-client-glib-2.0-dev libssl-dev libpng-dev  # replay/: spice-gtk's client library, the link key, PNGs
  virt-viewer xvfb xauth imagemagick  # remote-viewer under Xvfb against spicecap-replay (tests/replay/test_render.py)
)
case ${1:-} in
  --main) packages=("${main[@]}") ;;
  "") packages=("${main[@]}" "${rest[@]}") ;;
  *) echo "usage: deps.sh [--main]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; the answer does not matter here.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
