#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The Debian package, from the build to the purge:
#  - make deb builds it in a scratch directory (never in build/ or the
#    tree): the version is VERSION's and debian/changelog's; the files are
#    where Debian looks for them, with their modes; /etc/default/sipstat is
#    a conffile; Depends names shared libraries only (no compiler, no test
#    tool); dpkg-buildflags' hardening reached the binary;
#  - lintian on the .changes: no error and no warning (what is overridden
#    says why in debian/*lintian-overrides);
#  - debian/control's Build-Depends: every package is in install-deps.sh
#    --build-only, and apt-get build-dep resolves them;
#  - apt-get install ./sipstat_*.deb: sipstat --version is the package's
#    version; sipstat read counts tests/data/sip-mix.pcap as
#    sip-mix.counts says; attach, show and detach on a veth between two
#    namespaces; the unit passes systemd-analyze verify and is neither
#    enabled nor started; man page and completion are found;
#  - with an instance enabled and an attachment left pinned, apt-get
#    remove detaches it and keeps /etc/default/sipstat, and purge leaves no
#    file of the package, no options file, no enabled instance, no pin.
# Root.  The suite runs in a mount namespace of its own with a BPF
# filesystem of its own, so that the package's removal (which detaches
# whatever sipstat pinned) meets this suite's pins only.  It skips, saying
# why, where dpkg-buildpackage cannot run (no dpkg-dev or debhelper, build
# dependencies missing), and where installing would take over a sipstat
# that is not the suite's.  Whatever happens, the package is purged.
set -u

# A private mount namespace and BPF filesystem, before anything else (the
# PID stays the same: unshare execs this script again).
if [[ -z ${SST_DEB_PRIVATE:-} && $EUID -eq 0 ]] && command -v unshare >/dev/null 2>&1; then
	export SST_DEB_PRIVATE=1
	exec unshare -m --propagation private bash "$0" "$@"
fi

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd unshare mount ip nsenter jq readelf flock tar

if [[ -z ${SST_DEB_PRIVATE:-} ]] || ! mount -t bpf -o mode=0700 bpf /sys/fs/bpf; then
	not_ok "a mount namespace and BPF filesystem of the suite's own" \
		"unshare -m or mount -t bpf failed"
	done_testing
fi

# Where dpkg-buildpackage cannot run, the suite is one skip line.
for c in dpkg-buildpackage dpkg-checkbuilddeps dpkg-deb dpkg-query apt-get dh; do
	if ! command -v "$c" >/dev/null 2>&1; then
		skip "$SST_SUITE" "$c missing: dpkg-buildpackage cannot run here (make deps-build installs dpkg-dev and debhelper)"
		exit 0
	fi
done
cd "$SST_ROOT" || exit 1
sst_tmpdir
T=$SST_TMP
if ! dpkg-checkbuilddeps >/dev/null 2>"$T/checkbuilddeps.err"; then
	why=$(sed -n 's/.*Unmet build dependencies: //p' "$T/checkbuilddeps.err")
	skip "$SST_SUITE" "build dependencies missing: ${why:-see dpkg-checkbuilddeps} (make deps-build installs them)"
	exit 0
fi
VERSION=$(cat VERSION)
ARCH=$(dpkg --print-architecture)
PKG=sipstat

# One run at a time on a machine: the package is installed system-wide.
exec 9>/run/lock/sipstat-suite-deb.lock
if ! flock -w 300 9; then
	not_ok "the suite's lock (/run/lock/sipstat-suite-deb.lock)" "another run held it for 300 s"
	done_testing
fi

pkg_status() {
	dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null
}

# --- preconditions: no sipstat here that is not this suite's ---------------
case $(pkg_status) in
'' | 'unknown ok not-installed' | 'deinstall ok not-installed' | 'purge ok not-installed') ;;
*)
	skip "$SST_SUITE" "a $PKG package is installed here ($(pkg_status)): the suite installs and purges its own; purge that one first"
	exit 0
	;;
esac

# Whatever happens: the package purged, the enabled instance gone, then
# lib.sh's cleanup (namespaces, processes, scratch directory).
INSTALLED=0
INSTANCE=
# shellcheck disable=SC2317 # called by the EXIT trap
deb_cleanup() {
	local rc=$?
	if [[ $INSTALLED -eq 1 && -n $(pkg_status) && $(pkg_status) != *not-installed ]]; then
		apt-get purge -y -q -o DPkg::Lock::Timeout=120 "$PKG" >"$T/cleanup-purge.out" 2>&1 ||
			dpkg --purge "$PKG" >>"$T/cleanup-purge.out" 2>&1
	fi
	if [[ -n $INSTANCE ]]; then
		rm -f /etc/systemd/system/*.wants/"sipstat@$INSTANCE.service"
		rmdir "/etc/systemd/system/sys-subsystem-net-devices-$INSTANCE.device.wants" 2>/dev/null
	fi
	(exit "$rc")
	sst_cleanup
}
trap deb_cleanup EXIT

# --- build: make deb, out of the way of build/ and the tree ------------------
touch "$T/stamp"
sleep 1
start=$SECONDS
if make --no-print-directory deb O="$T/build" >"$T/make-deb.out" 2>&1; then
	ok "build: make deb O=\$tmp builds the package ($((SECONDS - start)) s)"
else
	not_ok "build: make deb O=\$tmp builds the package"
	diag_file "make deb" "$T/make-deb.out"
	diag_file "dpkg-buildpackage" "$T/build/deb/build.log"
	done_testing
fi
D=$T/build/deb
DEB=$D/${PKG}_${VERSION}_${ARCH}.deb
check "build: $(basename "$DEB") and its .changes and .buildinfo" \
	test -f "$DEB" -a -f "$D/${PKG}_${VERSION}_${ARCH}.changes" -a -f "$D/${PKG}_${VERSION}_${ARCH}.buildinfo"
if [[ ! -f $DEB ]]; then
	diag "$(ls -l "$D")"
	done_testing
fi
leftovers=$(find "$SST_ROOT/debian" -newer "$T/stamp" \( -name build -o -name "$PKG" -o \
	-name .debhelper -o -name files -o -name '*.substvars' -o -name debhelper-build-stamp \) |
	sed "s|^$SST_ROOT/||")
check_eq "build: debhelper left nothing in the tree's debian/" "$leftovers" ""
check_eq "build: nothing new in the tree's parent directory" \
	"$(find "$SST_ROOT/.." -maxdepth 1 -newer "$T/stamp" -name "${PKG}_*" | wc -l)" 0
if [[ -d $SST_O ]]; then
	check_eq "build: $O/ untouched" "$(find "$SST_O" -newer "$T/stamp" | head -n 3)" ""
fi

# --- versions: VERSION, debian/changelog, the package ---------------------------
check_eq "version: debian/changelog's top entry is VERSION ($VERSION)" \
	"$(dpkg-parsechangelog -S Version)" "$VERSION"
check_eq "version: the package's version is VERSION" "$(dpkg-deb -f "$DEB" Version)" "$VERSION"
# A changelog behind VERSION stops make deb, saying what to do.
mkdir -p "$T/skew"
tar -cf - --exclude-vcs --exclude=./build --exclude='./build-*' . | tar -xf - -C "$T/skew"
echo 9.9.9 >"$T/skew/VERSION"
if make --no-print-directory -C "$T/skew" deb O="$T/skew-build" >"$T/skew.out" 2>&1; then
	not_ok "version: make deb refuses a changelog that is not at VERSION"
else
	check "version: make deb refuses a changelog that is not at VERSION, naming both" \
		grep -q 'VERSION is 9.9.9 but debian/changelog is at '"$VERSION" "$T/skew.out"
fi
# debian/rules checks too, for dpkg-buildpackage run by hand.
if (cd "$T/skew" && debian/rules override_dh_auto_configure) >"$T/skew-rules.out" 2>&1; then
	not_ok "version: debian/rules refuses a changelog that is not at VERSION"
else
	check "version: debian/rules refuses a changelog that is not at VERSION" \
		grep -q 'VERSION is 9.9.9' "$T/skew-rules.out"
fi
rm -rf "$T/skew" "$T/skew-build"

# --- the .deb: control fields and files ----------------------------------------
check_eq "deb: Architecture is this machine's ($ARCH)" "$(dpkg-deb -f "$DEB" Architecture)" "$ARCH"
depends=$(dpkg-deb -f "$DEB" Depends)
diag "Depends: $depends"
# Package names of Depends, alternatives and versions stripped.
mapfile -t deps < <(printf '%s\n' "$depends" | sed 's/[,|]/\n/g' | sed -e 's/(.*)//' -e 's/ //g' | grep -v '^$')
nonlib=()
for p in "${deps[@]}"; do
	[[ $p == lib* && $p != *-dev && $p != *-dbg ]] || nonlib+=("$p")
done
check_eq "deb: Depends names shared libraries only (no compiler, no test tool)" "${nonlib[*]}" ""
for l in libbpf1 libxdp1 libpcap0.8 libmicrohttpd12 libsystemd0 libncursesw6 libc6; do
	check "deb: Depends (from shlibs) has $l" bash -c "printf '%s\n' ${deps[*]} | grep -qx '$l'"
done
check_eq "deb: conffiles is /etc/default/sipstat" \
	"$(dpkg-deb -I "$DEB" conffiles 2>/dev/null)" "/etc/default/sipstat"

unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
unitdir=${unitdir:-/lib/systemd/system}
# Path and mode of what the package must hold.
EXPECTED=(
	"usr/sbin/sipstat 755"
	"usr/share/man/man8/sipstat.8.gz 644"
	"${unitdir#/}/sipstat@.service 644"
	"usr/share/bash-completion/completions/sipstat 644"
	"etc/default/sipstat 644"
	"usr/share/sipstat/sipstat-textfile 755"
	"usr/share/sipstat/sipstat-statsd 755"
	"usr/share/sipstat/sipstat-webhook 755"
	"usr/share/sipstat/sipstat-logger 755"
	"usr/share/doc/sipstat/examples/sipstat-rules.yml 644"
	"usr/share/doc/sipstat/examples/grafana-sipstat.json 644"
	"usr/share/doc/sipstat/copyright 644"
	"usr/share/doc/sipstat/changelog.gz 644"
)
mkdir -p "$T/x"
dpkg-deb -x "$DEB" "$T/x"
for e in "${EXPECTED[@]}"; do
	read -r path mode <<<"$e"
	if [[ -f $T/x/$path ]]; then
		check_eq "deb: /$path, mode $mode" "$(stat -c %a "$T/x/$path")" "$mode"
	else
		not_ok "deb: /$path, mode $mode" "not in the package"
	fi
done
# Nothing outside sipstat's own places.
stray=$(cd "$T/x" && find . ! -type d | sed 's|^\./||' | grep -vxE \
	"usr/sbin/sipstat|usr/share/man/man8/sipstat\.8\.gz|${unitdir#/}/sipstat@\.service|usr/share/bash-completion/completions/sipstat|etc/default/sipstat|usr/share/sipstat/[^/]+|usr/share/doc/sipstat/.+|usr/share/lintian/overrides/sipstat" |
	tr '\n' ' ')
check_eq "deb: no file outside sipstat's places" "$stray" ""
check_eq "deb: no BPF object (the binary embeds it)" "$(find "$T/x" -name '*.bpf.o' | wc -l)" 0
check_eq "deb: no licence text beside copyright (it holds them)" \
	"$(find "$T/x/usr/share/doc/sipstat" -maxdepth 1 -name 'LICENSE*' | wc -l)" 0
check "deb: copyright is DEP-5 and names both licences" bash -c \
	"head -n 1 '$T/x/usr/share/doc/sipstat/copyright' | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' &&
	 grep -qx 'License: GPL-2 or BSD-2-clause' '$T/x/usr/share/doc/sipstat/copyright' &&
	 grep -qx 'License: BSD-2-clause' '$T/x/usr/share/doc/sipstat/copyright' &&
	 grep -qx 'License: GPL-2' '$T/x/usr/share/doc/sipstat/copyright'"
# dpkg-buildflags (hardening=+all) reached the binary.
B=$T/x/usr/sbin/sipstat
check "deb: the binary is PIE with BIND_NOW" bash -c \
	"readelf -d '$B' | grep -q 'FLAGS_1.*NOW.*PIE'"
check "deb: the binary has full RELRO" bash -c "readelf -lW '$B' | grep -q GNU_RELRO"
check "deb: the binary is fortified (_chk functions)" bash -c "readelf -sW --dyn-syms '$B' | grep -q '__[a-z]*_chk@'"
check "deb: the binary is stripped (debug symbols in the dbgsym package)" bash -c \
	"! readelf -SW '$B' | grep -q ' \.debug_info ' && test -f '$D/${PKG}-dbgsym_${VERSION}_${ARCH}.deb'"

# --- lintian ----------------------------------------------------------------------
if command -v lintian >/dev/null 2>&1; then
	lintian --display-level '>=pedantic' -I -E --pedantic "$D/${PKG}_${VERSION}_${ARCH}.changes" \
		>"$T/lintian.out" 2>"$T/lintian.err"
	rc=$?
	tags=$(grep -E '^[EW]: ' "$T/lintian.out")
	if [[ $rc -eq 0 && -z $tags ]]; then
		ok "lintian: no error, no warning ($(grep -c '^[IPX]: ' "$T/lintian.out") info/pedantic/experimental tags)"
	else
		not_ok "lintian: no error, no warning" "status $rc"
		diag_file "lintian" "$T/lintian.out"
		diag_file "lintian stderr" "$T/lintian.err"
	fi
	grep -E '^[IPX]: ' "$T/lintian.out" | sed 's/^/lintian: /' | while IFS= read -r l; do diag "$l"; done
else
	skip "lintian" "lintian missing (make deps installs it)"
fi

# --- Build-Depends: install-deps.sh knows them, apt resolves them -------------
# Names from debian/control's Build-Depends, versions and alternatives aside.
mapfile -t bdeps < <(awk '/^Build-Depends:/ { f = 1; sub(/^Build-Depends:/, ""); }
	f && /^[A-Za-z-]+:/ && !/^Build-Depends:/ { f = 0 }
	f { print }' debian/control | sed 's/[,|]/\n/g' | sed -e 's/[(\[<].*//' -e 's/ //g' -e 's/:.*//' |
	grep -v '^$' | sed 's/^debhelper-compat$/debhelper/')
mapfile -t listed < <(scripts/install-deps.sh --build-only --list)
missing=()
for p in "${bdeps[@]}"; do
	printf '%s\n' "${listed[@]}" | grep -qx "$p" || missing+=("$p")
done
check_ge "build-deps: debian/control names its Build-Depends (10 or more)" "${#bdeps[@]}" 10
check_eq "build-deps: install-deps.sh --build-only installs every Build-Depends" "${missing[*]}" ""
if apt-get -s -q build-dep "$SST_ROOT" >"$T/build-dep.out" 2>&1; then
	ok "build-deps: apt-get build-dep ./ resolves them (simulated)"
else
	not_ok "build-deps: apt-get build-dep ./ resolves them (simulated)"
	diag_file "apt-get build-dep" "$T/build-dep.out"
fi

# --- install ----------------------------------------------------------------------
# Installing over files no package owns (a make install) would take them
# over, and the purge would delete them.
taken=()
while IFS= read -r f; do
	[[ -e /$f || -L /$f ]] && taken+=("/$f")
done < <(cd "$T/x" && find . ! -type d | sed 's|^\./||')
if [[ ${#taken[@]} -gt 0 ]]; then
	skip "install" "${taken[*]} exist here and are no package's: the suite would take them over and purge them"
	done_testing
fi

INSTALLED=1
if apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=120 "$DEB" \
	>"$T/install.out" 2>&1; then
	ok "install: apt-get install ./$(basename "$DEB")"
else
	not_ok "install: apt-get install ./$(basename "$DEB")"
	diag_file "apt-get install" "$T/install.out"
	done_testing
fi
check_eq "install: dpkg says installed, at VERSION" \
	"$(dpkg-query -W -f='${Status} ${Version}' "$PKG")" "install ok installed $VERSION"
dpkg -L "$PKG" >"$T/files"
nfiles=0
while IFS= read -r f; do
	[[ -f $f && ! -d $f ]] && nfiles=$((nfiles + 1))
done <"$T/files"
check_ge "install: dpkg -L lists the package's files ($nfiles)" "$nfiles" "${#EXPECTED[@]}"
check_eq "install: sipstat --version is the package's version" \
	"$(/usr/sbin/sipstat --version 2>&1)" "sipstat $VERSION"
check_eq "install: sipstat is found on root's PATH" "$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v sipstat)" \
	/usr/sbin/sipstat
# The options file's examples name scripts that are there.
bad=()
while IFS= read -r p; do
	[[ -x $p ]] || bad+=("$p")
done < <(grep -o '/usr/[a-z/]*share/sipstat/[A-Za-z-]*' /etc/default/sipstat)
check_eq "install: every script /etc/default/sipstat names is installed" "${bad[*]}" ""
# shellcheck disable=SC2016 # $SIPSTAT_OPTS is systemd's
check_eq "install: the unit runs /usr/sbin/sipstat" \
	"$(grep '^ExecStart=' "$unitdir/sipstat@.service")" 'ExecStart=/usr/sbin/sipstat serve -i %I $SIPSTAT_OPTS'
enabled=$(find /etc/systemd/system -path '*.wants/sipstat@*' 2>/dev/null | tr '\n' ' ')
check_eq "install: no instance of the unit is enabled" "$enabled" ""
if [[ -d /run/systemd/system ]]; then
	check_eq "install: no instance of the unit is running" \
		"$(systemctl list-units --no-legend --plain 'sipstat@*' 2>/dev/null)" ""
fi
if command -v man >/dev/null 2>&1; then
	check_eq "install: man finds sipstat(8)" "$(man -w 8 sipstat 2>/dev/null)" \
		/usr/share/man/man8/sipstat.8.gz
fi
check_eq "install: the completion is complete -F _sipstat sipstat" \
	"$(bash --norc --noprofile -c '. /usr/share/bash-completion/completions/sipstat && complete -p sipstat' 2>&1)" \
	"complete -F _sipstat sipstat"

if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify sipstat@eth0.service >"$T/verify.out" 2>&1
	rc=$?
	if [[ $rc -eq 0 ]] && ! grep -q sipstat "$T/verify.out"; then
		ok "install: systemd-analyze verify sipstat@eth0.service (the installed unit)"
	else
		not_ok "install: systemd-analyze verify sipstat@eth0.service (the installed unit)" "status $rc"
		diag_file "systemd-analyze verify" "$T/verify.out"
	fi
else
	skip "install: systemd-analyze verify" "systemd-analyze missing (apt-get install systemd)"
fi

# --- run: a capture, then a veth ---------------------------------------------------
CAP=tests/data/sip-mix.pcap
if /usr/sbin/sipstat read "$CAP" -o json >"$T/read.json" 2>"$T/read.err"; then
	jq -r '.codes[] | "\(.code) \(.total)"' "$T/read.json" >"$T/read.counts"
	grep -E '^[0-9]{3} [0-9]+$' tests/data/sip-mix.counts >"$T/want.counts"
	same_counts "run: sipstat read $CAP counts each code as sip-mix.counts" \
		"$T/read.counts" "$T/want.counts"
	want() { awk -v k="$1" '$1 == k { print $2 }' tests/data/sip-mix.counts; }
	check_eq "run: sipstat read: frames, SIP datagrams, requests and responses" \
		"$(jq -r '"\(.frames.in) \(.parser.udp_sip) \(.requests.total) \(.responses.total)"' "$T/read.json")" \
		"$(want frames) $(want udp_sip) $(want requests) $(want responses)"
else
	not_ok "run: sipstat read $CAP" "status $?"
	diag_file "sipstat read" "$T/read.err"
fi

SIPSTAT=/usr/sbin/sipstat
PIN=/sys/fs/bpf/sipstat
if ! pair_setup; then
	not_ok "run: namespaces and veth pair set up" "ip failed"
	done_testing
fi
PIN_IF=$(pin_dir "$NS_A" "$IF_A")
in_a() {
	timeout 20 nsenter --net="/run/netns/$NS_A" "$@"
}
printf 'SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-deb\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' \
	"$B4" >"$T/486"
# shellcheck disable=SC2317 # called through wait_until
total_is() {
	[[ $(in_a "$SIPSTAT" show -i "$IF_A" -o json 2>/dev/null | jq -r .responses.total 2>/dev/null) == "$1" ]]
}
if in_a "$SIPSTAT" attach -i "$IF_A" --mode skb >"$T/attach.out" 2>&1; then
	ok "run: sipstat attach -i $IF_A --mode skb"
else
	not_ok "run: sipstat attach -i $IF_A --mode skb"
	diag_file "attach" "$T/attach.out"
fi
check "run: attach pinned under $PIN_IF" test -e "$PIN_IF/link"
check "run: $IF_A carries the XDP program" bash -c "ip -n '$NS_A' link show '$IF_A' 2>/dev/null | grep -q xdpgeneric"
udp_send "$NS_B" "$A4" 5060 7 "$T/486"
check "run: sipstat show counts the 7 responses sent" wait_until 10 total_is 7
check_eq "run: sipstat show: all 7 are 486" \
	"$(in_a "$SIPSTAT" show -i "$IF_A" -o json 2>/dev/null | jq -r '.codes[] | select(.code == 486) | .total')" 7
if in_a "$SIPSTAT" detach -i "$IF_A" >"$T/detach.out" 2>&1; then
	ok "run: sipstat detach -i $IF_A"
else
	not_ok "run: sipstat detach -i $IF_A"
	diag_file "detach" "$T/detach.out"
fi
check "run: detach removed the pins" test ! -e "$PIN_IF"
check "run: detach removed the XDP program" bash -c "! ip -n '$NS_A' link show '$IF_A' 2>/dev/null | grep -q xdp"

# --- remove, then purge -------------------------------------------------------------
# Left for the removal: an attachment pinned and counting, an instance
# the operator enabled.
in_a "$SIPSTAT" attach -i "$IF_A" --mode skb >"$T/attach2.out" 2>&1
check "remove: set-up: attached and pinned again" test -e "$PIN_IF/link"
INSTANCE=sst$$
if systemctl enable "sipstat@$INSTANCE.service" >"$T/enable.out" 2>&1 &&
	[[ -L /etc/systemd/system/multi-user.target.wants/sipstat@$INSTANCE.service ]]; then
	ok "remove: set-up: systemctl enable sipstat@$INSTANCE"
else
	not_ok "remove: set-up: systemctl enable sipstat@$INSTANCE"
	diag_file "systemctl enable" "$T/enable.out"
fi

if apt-get remove -y -q -o DPkg::Lock::Timeout=120 "$PKG" >"$T/remove.out" 2>&1; then
	ok "remove: apt-get remove $PKG"
else
	not_ok "remove: apt-get remove $PKG"
	diag_file "apt-get remove" "$T/remove.out"
fi
check_eq "remove: dpkg keeps only the configuration" "$(pkg_status)" "deinstall ok config-files"
check "remove: the pinned attachment is detached, pins and all" test ! -e "$PIN_IF"
check "remove: $IF_A has no XDP program left" bash -c "! ip -n '$NS_A' link show '$IF_A' 2>/dev/null | grep -q xdp"
check "remove: says what it detached" grep -q "$IF_A: detached" "$T/remove.out"
check "remove: the binary is gone" test ! -e /usr/sbin/sipstat
check "remove: /etc/default/sipstat stays until purge" test -f /etc/default/sipstat

if apt-get purge -y -q -o DPkg::Lock::Timeout=120 "$PKG" >"$T/purge.out" 2>&1; then
	ok "purge: apt-get purge $PKG"
else
	not_ok "purge: apt-get purge $PKG"
	diag_file "apt-get purge" "$T/purge.out"
fi
case $(pkg_status) in
'' | *not-installed) ok "purge: dpkg knows no $PKG any more" ;;
*) not_ok "purge: dpkg knows no $PKG any more" "status: $(pkg_status)" ;;
esac
left=()
while IFS= read -r f; do
	[[ $f == /. ]] && continue
	if [[ -d $f ]]; then
		# Directories of its own only; /usr, /etc and the like stay.
		[[ $f == */sipstat || $f == */sipstat/* ]] && left+=("$f")
	elif [[ -e $f || -L $f ]]; then
		left+=("$f")
	fi
done <"$T/files"
check_eq "purge: nothing dpkg -L listed is left" "${left[*]}" ""
check_eq "purge: no /etc/default/sipstat, nor a dpkg copy of it" \
	"$(find /etc/default -maxdepth 1 -name 'sipstat*' | tr '\n' ' ')" ""
check_eq "purge: no enabled instance (its links were removed)" \
	"$(find /etc/systemd/system -name "sipstat@*" 2>/dev/null | tr '\n' ' ')" ""
check "purge: the device's .wants directory made by enabling is gone" \
	test ! -e "/etc/systemd/system/sys-subsystem-net-devices-$INSTANCE.device.wants"
check_eq "purge: no unit file" "$(find /lib/systemd/system /usr/lib/systemd/system "$unitdir" \
	-maxdepth 1 -name 'sipstat@*' 2>/dev/null | tr '\n' ' ')" ""
check_eq "purge: no pin under $PIN" "$(find "$PIN" -mindepth 1 2>/dev/null | tr '\n' ' ')" ""
INSTANCE=

done_testing
