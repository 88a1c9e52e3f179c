#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Install what sipstat needs to build and test, with apt-get (Debian 12).
# Idempotent: packages already installed are left alone, and when nothing
# is missing apt is not run at all.
#
#   scripts/install-deps.sh              build and test dependencies
#   scripts/install-deps.sh --build-only build dependencies only: what make
#                                        and make deb need (debian/control's
#                                        Build-Depends), no test tools
#   scripts/install-deps.sh --list       print the packages, install nothing
#
# Runs as root, or through sudo when not root.
set -euo pipefail

# Every package of debian/control's Build-Depends is here (tests/suite_deb.sh
# checks), with build-essential and debhelper for make deb.
BUILD_PKGS=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev make pkg-config
	gcc libc6-dev iproute2 libncurses-dev libmicrohttpd-dev libpcap-dev libxdp-dev libyaml-dev
	libcrypt-dev libsystemd-dev build-essential debhelper)
TEST_PKGS=(tshark tcpreplay sip-tester kamailio tmux procps jq clang-tidy cppcheck xdp-tools
	libclang-rt-14-dev netsniff-ng time util-linux systemd man-db groff-base bash-completion
	prometheus curl python3 lintian openssl)

build_only=0
list=0
for arg in "$@"; do
	case $arg in
	--build-only) build_only=1 ;;
	--list) list=1 ;;
	-h | --help)
		sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "install-deps.sh: unknown argument '$arg' (use --build-only, --list or --help)" >&2
		exit 2
		;;
	esac
done

pkgs=("${BUILD_PKGS[@]}")
[[ $build_only -eq 1 ]] || pkgs+=("${TEST_PKGS[@]}")
if [[ $list -eq 1 ]]; then
	printf '%s\n' "${pkgs[@]}"
	exit 0
fi

if [[ $EUID -eq 0 ]]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1; then
	SUDO=(sudo)
else
	echo "install-deps.sh: must run as root (and sudo is not installed)" >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps.sh: apt-get not found: install by hand: ${pkgs[*]}" >&2
	exit 1
fi

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "install-deps.sh: all ${#pkgs[@]} packages already installed"
	exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"

# tshark asks whether non-root users may capture; answer no, silently.
if printf '%s\n' "${missing[@]}" | grep -qx tshark; then
	echo 'wireshark-common wireshark-common/install-setuid boolean false' |
		"${SUDO[@]}" debconf-set-selections
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}"

# Debian's kamailio package enables a proxy on every host interface.  The
# tests and the demo run their own Kamailio inside namespaces: keep the
# host's one off when this script is what installed it.
if printf '%s\n' "${missing[@]}" | grep -qx kamailio && command -v systemctl >/dev/null 2>&1; then
	"${SUDO[@]}" systemctl disable --now kamailio >/dev/null 2>&1 || true
fi
# The same for Debian's Prometheus server (port 9090 on every address):
# the export tests start their own, on loopback inside a namespace.
if printf '%s\n' "${missing[@]}" | grep -qx prometheus && command -v systemctl >/dev/null 2>&1; then
	"${SUDO[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
