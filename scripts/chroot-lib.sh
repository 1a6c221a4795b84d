# The Debian chroots of the test scripts (scripts/wireshark-matrix.sh,
# scripts/portability.sh), sourced by them. Needs: $dir (where the chroots
# live) and $fresh (true: make them anew even when one matches).
#
# Each chroot is made with mmdebstrap (variant apt: Essential and apt, plus
# the packages asked for) from this machine's own Debian mirror, the one its
# apt sources use for its release; sid's index may be past its Valid-Until
# date, so apt is told not to check it. A chroot whose suite, mirror,
# architectures or package list differ from the ones asked for is made again.

# This machine's Debian mirror: the URI its apt sources use for its own
# release's main component.
mirror() {
  local codename
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Created-By: Packages' |
    awk -v r="$codename" '$2 == r && $3 == "main" { print $1; exit }'
}

# make_chroot SUITE PACKAGES [NAME [ARCHITECTURES]]: $dir/NAME (default:
# SUITE), made anew unless it matches. ARCHITECTURES: mmdebstrap's
# --architectures (e.g. amd64,arm64 for a cross build's foreign packages).
make_chroot() {
  local suite=$1 pkgs=$2 root=$dir/${3:-$1} archs=${4:-} uri stamp arch_opt=()
  uri=$(mirror)
  if [ -z "$uri" ]; then # no package lists yet (a machine that had everything installed): fetch them
    apt-get update -qq || true
    uri=$(mirror)
  fi
  [ -n "$uri" ] || { echo "chroot: no Debian mirror in this machine's apt sources" >&2; return 1; }
  stamp="$suite $uri $pkgs${archs:+ $archs}"
  [ -z "$archs" ] || arch_opt=(--architectures="$archs")
  if ! $fresh && [ -f "$root/.spicecap-matrix" ] && [ "$(cat "$root/.spicecap-matrix")" = "$stamp" ]; then
    echo "chroot ${root##*/} ($suite): kept from an earlier run ($root)"
    return 0
  fi
  command -v mmdebstrap >/dev/null || { echo "chroot: mmdebstrap missing (scripts/deps.sh)" >&2; return 1; }
  # (Called in an || list, where set -e does not reach: each step checked.)
  rm -rf "$root" "$root.new" || return 1
  mmdebstrap --mode=root --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' ${arch_opt[@]+"${arch_opt[@]}"} --include="$pkgs" \
    "$suite" "$root.new" "$uri" || return 1
  echo "$stamp" >"$root.new/.spicecap-matrix" && mv "$root.new" "$root" || return 1
  echo "chroot ${root##*/} ($suite): $(du -sh "$root" | cut -f1), $(chroot "$root" dpkg-query -W | wc -l) packages"
}

# in_chroot ROOT COMMAND...: COMMAND in ROOT, in a mount namespace of its own
# (the mounts go when it ends), with the source tree at /src.
in_chroot() {
  local root=$1
  shift
  mkdir -p "$root/src"
  unshare --mount --propagation private --fork bash -c '
    set -e
    root=$1 src=$2
    shift 2
    mount --bind "$src" "$root/src"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/tmp"
    exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
      PYTHONDONTWRITEBYTECODE=1 "$@"' x "$root" "$src" "$@"
}

