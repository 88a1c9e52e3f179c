# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# Globals set here (SST_O, SST_RC, NS_A, ...) are for the suites:
# shellcheck disable=SC2034
#
# Helpers for the shell test suites (tests/suite_*.sh).  Source it first:
#
#   . "$(dirname "$0")/lib.sh"
#
# Results are TAP-like lines on stdout that tests/run.sh adds up:
#   ok - NAME            not ok - NAME            skip - NAME: WHY
# and "# ..." lines are diagnostics.  End a suite with done_testing.
#
# Everything a suite makes through these helpers -- network namespaces
# (named sst-<pid>-NAME), veth links, background processes, temporary
# files and what sipstat pinned for those namespaces -- is removed by a
# trap on EXIT, INT and TERM, also on failure.
# Test traffic only ever uses 198.18.0.0/15 and 2001:db8::/32 inside those
# namespaces; no helper touches an interface of the host namespace.

SST_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SST_ROOT=$(cd "$SST_LIB_DIR/.." && pwd)
SST_SUITE=${SST_SUITE:-$(basename "$0" .sh)}

# Build directory, as with make O=...; relative paths are from the repo root.
O=${O:-build}
case $O in
/*) SST_O=$O ;;
*) SST_O=$SST_ROOT/$O ;;
esac

SST_PINROOT=/sys/fs/bpf/sipstat	# where sipstat pins (per network namespace)
SST_NS=()		# full namespace names this suite made
SST_LINKS=()		# "NS IFNAME" of links this suite made
SST_PIDS=()		# background processes this suite started
SST_TMP=""		# scratch directory, removed on exit
SST_LAST_PID=""		# set by bg_start

# ---------------------------------------------------------------- results

# shellcheck source=tests/tap.sh
. "$SST_LIB_DIR/tap.sh"

# Without root, the whole suite is one skip line, and exits 0.
need_root() {
	if [[ $EUID -ne 0 ]]; then
		skip "$SST_SUITE" "needs root (network namespaces and XDP); run as root or with sudo"
		exit 0
	fi
}

# need_cmd CMD...: the whole suite is one skip line when a command is missing.
need_cmd() {
	local c missing=()
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	if [[ ${#missing[@]} -gt 0 ]]; then
		skip "$SST_SUITE" "missing command(s): ${missing[*]} (make deps installs them)"
		exit 0
	fi
}

# ------------------------------------------------------------ temp files

# Path of the suite's scratch directory (made on first use).
sst_tmpdir() {
	if [[ -z $SST_TMP ]]; then
		SST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sst-$$-XXXXXX") || {
			echo "lib.sh: mktemp failed" >&2
			exit 1
		}
	fi
}

# ---------------------------------------------------------- addresses

# Is ADDR inside the test ranges 198.18.0.0/15 or 2001:db8::/32?
is_test_addr() {
	local a=${1%/*}
	a=${a,,}
	[[ $a =~ ^198\.1[89]\.[0-9]{1,3}\.[0-9]{1,3}$ ]] && return 0
	[[ $a =~ ^2001:0{0,3}db8: ]] && return 0
	return 1
}

require_test_addr() {
	if ! is_test_addr "$1"; then
		echo "lib.sh: refusing address $1: tests use only 198.18.0.0/15 and 2001:db8::/32" >&2
		exit 1
	fi
}

# ---------------------------------------------------------- namespaces

# ns_name NAME: the full, per-run name of namespace NAME.
ns_name() {
	printf 'sst-%s-%s' "$$" "$1"
}

# ns_add NAME: make namespace sst-<pid>-NAME with lo up.
ns_add() {
	local ns
	ns=$(ns_name "$1")
	ip netns add "$ns" || return 1
	SST_NS+=("$ns")
	ip -n "$ns" link set lo up
}

# veth_add NS1 IF1 NS2 IF2: a veth pair made directly inside the two
# namespaces (never in the host namespace).  NS1/NS2 are full names.
veth_add() {
	local ns1=$1 if1=$2 ns2=$3 if2=$4
	if ! ip -n "$ns1" link add "$if1" type veth peer name "$if2" netns "$ns2"; then
		[[ -d /sys/module/veth ]] ||
			echo "lib.sh: no veth pair: the kernel has no veth driver loaded (modprobe veth)" >&2
		return 1
	fi
	SST_LINKS+=("$ns1 $if1")
}

# netns_cookie NS: the cookie of namespace NS (SO_NETNS_COOKIE), which the
# kernel never gives to another namespace while the machine runs.
netns_cookie() {
	nsenter --net="/run/netns/$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sys.stdout.write(str(int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 71, 8), sys.byteorder)))'
}

# pin_dir NS [IFACE]: where sipstat pins for namespace NS (a full name),
# or for IFACE in it: SST_PINROOT/netns:INODE:COOKIE[/IFACE].
pin_dir() {
	local ino cookie
	ino=$(stat -L -c %i "/run/netns/$1" 2>/dev/null) || return 1
	cookie=$(netns_cookie "$1" 2>/dev/null) || return 1
	printf '%s/netns:%s:%s%s\n' "$SST_PINROOT" "$ino" "$cookie" "${2:+/$2}"
}

# pins_remove NS...: whatever sipstat pinned for these namespaces (links
# detach with their last pin), and the peer names beside them.
pins_remove() {
	local ns d
	for ns in "$@"; do
		d=$(pin_dir "$ns") || continue
		[[ -d $d ]] && rm -rf "$d"
		rm -rf "/run/sipstat/${d##*/}"
	done
	rmdir "$SST_PINROOT" 2>/dev/null
	return 0
}

# addr_add NS IF ADDR/PREFIX: only test ranges; IPv6 without DAD.
addr_add() {
	local ns=$1 dev=$2 addr=$3
	require_test_addr "$addr"
	if [[ $addr == *:* && ! -e /proc/net/if_inet6 ]]; then
		echo "lib.sh: IPv6 is off in this kernel (ipv6.disable=1): the tests need it" >&2
		return 1
	fi
	if [[ $addr == *:* ]]; then
		ip -n "$ns" addr add "$addr" dev "$dev" nodad
	else
		ip -n "$ns" addr add "$addr" dev "$dev"
	fi
}

link_up() {
	ip -n "$1" link set "$2" up
}

# mac_of NS IF
mac_of() {
	ip -n "$1" link show "$2" | awk '$1 == "link/ether" { print $2; exit }'
}

# neigh_static NS IF ADDR LLADDR: no ARP/ND before the first packet.
neigh_static() {
	require_test_addr "$3"
	ip -n "$1" neigh replace "$3" lladdr "$4" dev "$2" nud permanent
}

# pair_setup: two namespaces joined by a veth pair, ready for traffic.
# Sets NS_A NS_B (full names), IF_A=a0 IF_B=b0, A4 B4 A6 B6 (addresses).
pair_setup() {
	NS_A=$(ns_name A)
	NS_B=$(ns_name B)
	IF_A=a0
	IF_B=b0
	A4=198.18.0.1
	B4=198.18.0.2
	A6=2001:db8:1::1
	B6=2001:db8:1::2
	ns_add A || return 1
	ns_add B || return 1
	veth_add "$NS_A" "$IF_A" "$NS_B" "$IF_B" || return 1
	addr_add "$NS_A" "$IF_A" "$A4/24" || return 1
	addr_add "$NS_B" "$IF_B" "$B4/24" || return 1
	addr_add "$NS_A" "$IF_A" "$A6/64" || return 1
	addr_add "$NS_B" "$IF_B" "$B6/64" || return 1
	link_up "$NS_A" "$IF_A" || return 1
	link_up "$NS_B" "$IF_B" || return 1
	local mac_a mac_b
	mac_a=$(mac_of "$NS_A" "$IF_A")
	mac_b=$(mac_of "$NS_B" "$IF_B")
	neigh_static "$NS_B" "$IF_B" "$A4" "$mac_a" || return 1
	neigh_static "$NS_B" "$IF_B" "$A6" "$mac_a" || return 1
	neigh_static "$NS_A" "$IF_A" "$B4" "$mac_b" || return 1
	neigh_static "$NS_A" "$IF_A" "$B6" "$mac_b" || return 1
}

# udp_send NS ADDR PORT COUNT FILE: COUNT datagrams, each exactly FILE's
# bytes (one write per datagram: cat, not printf, which may write per
# line), from inside namespace NS.  ADDR must be a test address.
udp_send() {
	local ns=$1 addr=$2 port=$3 count=$4 file=$5
	require_test_addr "$addr"
	# Errors are ICMP port unreachable reported back to the sending
	# socket: expected, nothing listens on the receiving side.
	# shellcheck disable=SC2016
	ip netns exec "$ns" bash -c '
		for ((i = 0; i < $4; i++)); do
			cat "$3" > "/dev/udp/$1/$2"
		done' _ "$addr" "$port" "$file" "$count" 2>/dev/null
	return 0
}

# ----------------------------------------------------------- processes

# bg_start NS OUT ERR CMD [ARGS...]: run CMD in namespace NS (or in the
# current one when NS is "-") in the background with stdout to OUT and
# stderr to ERR.  SIGINT and SIGQUIT are reset to default for it (bash
# ignores them in background jobs of a script).  SST_LAST_PID gets its PID.
bg_start() {
	local ns=$1 out=$2 err=$3
	shift 3
	if [[ $ns == - ]]; then
		env --default-signal=INT,QUIT "$@" >"$out" 2>"$err" </dev/null &
	else
		ip netns exec "$ns" env --default-signal=INT,QUIT "$@" >"$out" 2>"$err" </dev/null &
	fi
	SST_LAST_PID=$!
	SST_PIDS+=("$SST_LAST_PID")
}

# stop_pid PID SIGNAL TIMEOUT_S: signal PID, wait up to TIMEOUT_S for it,
# then SIGKILL.  SST_RC gets the exit status (128+N when killed by signal
# N); returns 1 when it had to be killed.  Not in $(...): wait needs the
# shell that started PID.
stop_pid() {
	local pid=$1 sig=$2 t=$3 i n forced=0
	kill "-$sig" "$pid" 2>/dev/null
	sst_tenths "$t"
	n=$SST_TENTHS
	for ((i = 0; i < n; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		forced=1
	fi
	wait "$pid" 2>/dev/null
	SST_RC=$?
	sst_forget_pid "$pid"
	return $forced
}

sst_forget_pid() {
	local p keep=()
	for p in "${SST_PIDS[@]}"; do
		[[ $p == "$1" ]] || keep+=("$p")
	done
	SST_PIDS=("${keep[@]}")
}

# sst_tenths SECONDS: SST_TENTHS = SECONDS (e.g. "2", "0.5") in tenths,
# without a subshell.
sst_tenths() {
	local s=$1 w f
	w=${s%%.*}
	f=0
	[[ $s == *.* ]] && f=${s#*.} && f=${f:0:1}
	SST_TENTHS=$((10#${w:-0} * 10 + 10#${f:-0}))
}

# wait_until TIMEOUT_S CMD [ARGS...]: poll CMD every 0.1 s until it
# succeeds (0) or the time is up (1).
wait_until() {
	local t=$1 i n
	shift
	sst_tenths "$t"
	n=$SST_TENTHS
	for ((i = 0; i <= n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------- cleanup

# Namespaces left by an earlier run of any suite that was SIGKILLed
# (its pid is gone): ours by name, safe to remove.
sst_reap_stale() {
	local ns pid list
	[[ $EUID -eq 0 ]] || return 0
	list=$(ip netns list 2>/dev/null)
	while read -r ns _; do
		[[ $ns =~ ^sst-([0-9]+)- ]] || continue
		pid=${BASH_REMATCH[1]}
		[[ $pid == "$$" ]] && continue
		kill -0 "$pid" 2>/dev/null && continue
		sst_kill_ns_pids "$ns"
		ip netns del "$ns" 2>/dev/null
	done <<<"$list"
}

sst_kill_ns_pids() {
	local p
	for p in $(ip netns pids "$1" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
}

sst_cleanup() {
	local rc=$? p i l ns
	trap - EXIT INT TERM
	set +e
	for p in "${SST_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${SST_PIDS[@]}"; do
		for ((i = 0; i < 20; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for ns in "${SST_NS[@]}"; do
		sst_kill_ns_pids "$ns"
	done
	# Pins name their namespace: removed while it is there to name.
	[[ ${#SST_NS[@]} -gt 0 ]] && pins_remove "${SST_NS[@]}"
	for l in "${SST_LINKS[@]}"; do
		# shellcheck disable=SC2086
		set -- $l
		ip -n "$1" link del "$2" 2>/dev/null
	done
	for ns in "${SST_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[[ -n $SST_TMP ]] && rm -rf "$SST_TMP"
	exit "$rc"
}

sst_on_signal() {
	diag "$SST_SUITE: interrupted by SIG$1, cleaning up"
	# 128 + signal number; the EXIT trap does the work.
	[[ $1 == INT ]] && exit 130
	exit 143
}

trap sst_cleanup EXIT
trap 'sst_on_signal INT' INT
trap 'sst_on_signal TERM' TERM

sst_reap_stale
