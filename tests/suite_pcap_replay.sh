#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Replay a real SIP capture (tests/data/sip-mix.pcap, made by
# tests/suite_e2e_kamailio.sh) into a veth pair inside a namespace of its
# own and compare sipstat's per-code counts on the receiving end with
# tshark's on the same file, in --mode skb and --mode native:
#
#   plain     the capture as it is (its MAC addresses are those of the
#             original run, not the receiving veth's, which is not
#             promiscuous: XDP sees every frame that arrives regardless)
#   vlan1     one 802.1Q tag added (tcprewrite)
#   vlan2     802.1ad outer tag over it (QinQ, two tags: the parser's bound)
#   vlan3     a third tag: beyond the bound, every frame counts too_deep
#   port5062  UDP port 5060 rewritten to 5062: counted with --port 5062,
#             and not at all with the default port
#
# No VLAN interface is made (the 8021q module may be missing): the tagged
# frames arrive as they are on the veth and the XDP program parses them.
# Output: "ok - NAME", "not ok - NAME", "skip - NAME: WHY", "# ..." lines.
# Exit 1 when anything failed.  Without root or without tcpreplay,
# tcprewrite, tshark or jq: one skip line, exit 0.
#
# Knobs: O=DIR (build directory, default build), SSE_REPLAY_MODES (default
# "skb native"), SSE_REPLAY_KEEP=1 keeps the scratch directory.

set -u

SUITE=suite_pcap_replay
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${O:-build}
case $O in
/*) SIPSTAT=$O/sipstat ;;
*) SIPSTAT=$ROOT/$O/sipstat ;;
esac
MODES=${SSE_REPLAY_MODES:-skb native}
PCAP=$ROOT/tests/data/sip-mix.pcap
COUNTS=$ROOT/tests/data/sip-mix.counts

# ------------------------------------------------------------- results

# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"
# shellcheck source=scripts/topology.sh
. "$ROOT/scripts/topology.sh"	# topo_stop_pid, topo_quiet_ns


# --------------------------------------------------------------- guards

if [[ $EUID -ne 0 ]]; then
	skip "$SUITE" "needs root (network namespaces and XDP); run as root or with sudo"
	exit 0
fi
missing=()
for c in ip tcpreplay tcprewrite tshark jq; do
	command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
if [[ ${#missing[@]} -gt 0 ]]; then
	skip "$SUITE" "missing command(s): ${missing[*]} (make deps installs them)"
	exit 0
fi
if [[ ! -x $SIPSTAT ]]; then
	skip "$SUITE" "no $SIPSTAT (build it first: make O=$O)"
	exit 0
fi
if [[ ! -r $PCAP || ! -r $COUNTS ]]; then
	not_ok "$SUITE: test data" "missing $PCAP or $COUNTS"
	exit 1
fi

# -------------------------------------------------------------- cleanup

NS=sse-replay-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sse-replay-$$-XXXXXX") || exit 1
SIPSTAT_PID=

cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	topo_stop_pid "$SIPSTAT_PID" INT 3
	if [[ -e /run/netns/$NS ]]; then
		for i in $(ip netns pids "$NS" 2>/dev/null); do
			kill -KILL "$i" 2>/dev/null
		done
		ip netns del "$NS" 2>/dev/null
	fi
	if [[ ${SSE_REPLAY_KEEP:-0} == 1 ]]; then
		echo "# scratch directory kept: $TMP"
	else
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'diag "$SUITE: interrupted"; exit 130' INT
trap 'diag "$SUITE: terminated"; exit 143' TERM

# ------------------------------------------------------------ the wire
#
# One namespace, one veth pair inside it: tcpreplay writes on tx0, the
# frames arrive on rx0, where sipstat counts.  As in scripts/topology.sh,
# the kernel is kept from putting frames of its own on the pair (no
# link-local address, no DAD, no router solicitation, MLD right at link-up).

setup_wire() {
	ip netns add "$NS" || return 1
	topo_quiet_ns "$NS" || return 1
	ip -n "$NS" link add tx0 type veth peer name rx0 || return 1
	ip -n "$NS" link set tx0 up || return 1
	ip -n "$NS" link set rx0 up || return 1
	sleep 0.3
}

if ! setup_wire 2>"$TMP/wire.err"; then
	not_ok "$SUITE: veth pair in namespace $NS" "$(cat "$TMP/wire.err")"
	exit 1
fi
RXMAC=$(ip -n "$NS" link show rx0 | awk '$1 == "link/ether" { print $2 }')

# ------------------------------------------------------------ variants

# counts_of FILE [TSHARK_ARGS...]: "code count" lines as tshark sees them.
counts_of() {
	local f=$1
	shift
	tshark -n -r "$f" "$@" -Y sip.Status-Code -T fields -e sip.Status-Code 2>/dev/null |
		sort -n | uniq -c | awk '{ print $2, $1 }'
}

# tshark_n FILE FILTER [TSHARK_ARGS...]: frames matching a display filter.
tshark_n() {
	local f=$1 flt=$2
	shift 2
	tshark -n -r "$f" "$@" -Y "$flt" 2>/dev/null | wc -l
}

VLAN_OPTS=(--enet-vlan=add --enet-vlan-cfi=0 --enet-vlan-pri=0)
make_variants() {
	cp "$PCAP" "$TMP/plain.pcap" &&
	tcprewrite "${VLAN_OPTS[@]}" --enet-vlan-tag=100 \
		-i "$TMP/plain.pcap" -o "$TMP/vlan1.pcap" &&
	tcprewrite "${VLAN_OPTS[@]}" --enet-vlan-proto=802.1ad --enet-vlan-tag=200 \
		-i "$TMP/vlan1.pcap" -o "$TMP/vlan2.pcap" &&
	tcprewrite "${VLAN_OPTS[@]}" --enet-vlan-tag=300 \
		-i "$TMP/vlan2.pcap" -o "$TMP/vlan3.pcap" &&
	tcprewrite --portmap=5060:5062 --fixcsum \
		-i "$TMP/plain.pcap" -o "$TMP/port5062.pcap"
}
if ! make_variants 2>"$TMP/rewrite.err"; then
	not_ok "$SUITE: tcprewrite makes the tagged and re-ported captures" "$(cat "$TMP/rewrite.err")"
	exit 1
fi

# The file against its expected counts: tshark and the data agree.
grep -E '^[0-9]+ ' "$COUNTS" >"$TMP/data.counts"
counts_of "$TMP/plain.pcap" >"$TMP/plain.tshark"
same_counts "$SUITE: tshark on sip-mix.pcap == sip-mix.counts" "$TMP/plain.tshark" "$TMP/data.counts"
want_of() {
	awk -v k="$1" '$1 == k { print $2 }' "$COUNTS"
}
FRAMES=$(want_of frames)
check_eq "$SUITE: sip-mix.pcap frame kinds == sip-mix.counts" \
	"frames=$(tshark_n "$TMP/plain.pcap" frame) ipv4=$(tshark_n "$TMP/plain.pcap" ip) ipv6=$(tshark_n "$TMP/plain.pcap" ipv6) requests=$(tshark_n "$TMP/plain.pcap" sip.Request-Line) responses=$(tshark_n "$TMP/plain.pcap" sip.Status-Line)" \
	"frames=$FRAMES ipv4=$(want_of ipv4) ipv6=$(want_of ipv6) requests=$(want_of requests) responses=$(want_of responses)"
# The tags are where they should be, as tshark reads them: outer
# EtherType, 802.1ad tag(s), 802.1Q tag(s), outermost first.
tags_of() {
	tshark -n -r "$1" -c 1 -T fields -e eth.type -e ieee8021ad.id -e vlan.id 2>/dev/null |
		awk -F'\t' '{ printf "%s/%s/%s", $1, ($2 == "" ? "-" : $2), $3 }'
}
check_eq "$SUITE: tags as tshark reads them (EtherType/802.1ad/802.1Q)" \
	"vlan1=$(tags_of "$TMP/vlan1.pcap") vlan2=$(tags_of "$TMP/vlan2.pcap") vlan3=$(tags_of "$TMP/vlan3.pcap")" \
	"vlan1=0x8100/-/100 vlan2=0x88a8/200/100 vlan3=0x8100/200/300,100"

# replay NAME FILE PORT_ARGS...: sipstat on rx0, tcpreplay FILE into tx0;
# leaves sipstat's last JSON line in $RUN/last.json.  Returns 1 (after a
# not ok line) when no report could be had.
replay() {
	local name=$1 file=$2 i
	shift 2
	rm -f "$RUN/sipstat.json" "$RUN/sipstat.err" "$RUN/last.json"
	ip netns exec "$NS" env --default-signal=INT "$SIPSTAT" -i rx0 --mode "$MODE" \
		-o json "$@" 0.25 >"$RUN/sipstat.json" 2>"$RUN/sipstat.err" </dev/null &
	SIPSTAT_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '^{' "$RUN/sipstat.json" 2>/dev/null && break
		kill -0 "$SIPSTAT_PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q '^{' "$RUN/sipstat.json"; then
		not_ok "$name: sipstat attaches to rx0" "no JSON line from sipstat"
		diag_file "sipstat stderr" "$RUN/sipstat.err"
		kill -INT "$SIPSTAT_PID" 2>/dev/null
		wait "$SIPSTAT_PID" 2>/dev/null
		SIPSTAT_PID=
		return 1
	fi
	# 2000 frames/s: far below what the veth's queues hold, so no drop.
	ip netns exec "$NS" tcpreplay -i tx0 --pps=2000 "$file" >"$RUN/tcpreplay.out" 2>&1
	REPLAY_RC=$?
	sleep 0.5
	topo_stop_pid "$SIPSTAT_PID" INT 5
	SIPSTAT_RC=$TOPO_RC
	SIPSTAT_PID=
	grep '^{' "$RUN/sipstat.json" | tail -n 1 >"$RUN/last.json"
	if [[ $REPLAY_RC != 0 ]] || ! grep -q "Successful packets:[[:space:]]*$FRAMES\$" "$RUN/tcpreplay.out"; then
		not_ok "$name: tcpreplay sends all $FRAMES frames into tx0"
		diag_file "tcpreplay" "$RUN/tcpreplay.out"
	fi
	if [[ $SIPSTAT_RC != 0 ]]; then
		not_ok "$name: sipstat exits 0 on SIGINT" "exit status $SIPSTAT_RC"
		diag_file "sipstat stderr" "$RUN/sipstat.err"
	fi
	return 0
}

sipstat_counts() {
	jq -r '.codes[] | "\(.code) \(.total)"' "$RUN/last.json" | sort -n
}

# zstat_counts FILE: "code count" lines from tshark's own SIP statistics
# (-z sip,stat).  It lists codes it does not know under their class's x99
# row ("SIP 199 Informational - Others"); sip-mix.pcap holds no unknown
# code other than 199/299/499/599/699, so its rows compare one to one.
zstat_counts() {
	tshark -n -q -r "$1" -z sip,stat 2>/dev/null |
		sed -n 's/^ *SIP \([1-6][0-9][0-9]\) .*: *\([0-9][0-9]*\) Packets$/\1 \2/p' | sort -n
}

# parser FORMAT: the parser outcomes of the last report, with frames from
# rx0's own statistics (.frames.in).
parser() {
	jq -r "(.parser + {frames: .frames.in}) | \"$1\"" "$RUN/last.json"
}

for MODE in $MODES; do
	RUN=$TMP/$MODE
	mkdir -p "$RUN"
	T="pcap replay [$MODE]"

	# plain: foreign MAC addresses, rx0 not promiscuous.
	if ip -n "$NS" link show rx0 | grep -q PROMISC; then
		not_ok "$T: rx0 is not promiscuous"
	fi
	if tshark -n -r "$TMP/plain.pcap" -T fields -e eth.dst 2>/dev/null | grep -qi "^$RXMAC\$"; then
		not_ok "$T: no frame of the capture is addressed to rx0 ($RXMAC)"
	fi
	if replay "$T plain" "$TMP/plain.pcap"; then
		check_eq "$T plain: sipstat in $MODE mode on rx0" \
			"$(jq -r '.mode + " " + (.interfaces | join(","))' "$RUN/last.json")" "$MODE rx0"
		sipstat_counts >"$RUN/plain.counts"
		same_counts "$T plain: sipstat per code == tshark (frames not addressed to rx0, not promiscuous)" \
			"$RUN/plain.counts" "$TMP/plain.tshark"
		zstat_counts "$TMP/plain.pcap" >"$RUN/plain.zstat"
		same_counts "$T plain: sipstat per code == tshark -z sip,stat" \
			"$RUN/plain.counts" "$RUN/plain.zstat"
		check_eq "$T plain: sipstat parser counters == sip-mix.counts" \
			"$(parser 'frames=\(.frames) udp_sip=\(.udp_sip) requests=\(.requests) responses=\(.responses) malformed=\(.malformed) truncated=\(.truncated) other=\(.other) too_deep=\(.too_deep) bad_header=\(.bad_header)')" \
			"frames=$FRAMES udp_sip=$(want_of udp_sip) requests=$(want_of requests) responses=$(want_of responses) malformed=0 truncated=0 other=0 too_deep=0 bad_header=0"
	fi

	# One and two tags: the same counts as tshark on the tagged files.
	for v in vlan1 vlan2; do
		if replay "$T $v" "$TMP/$v.pcap"; then
			counts_of "$TMP/$v.pcap" >"$RUN/$v.tshark"
			sipstat_counts >"$RUN/$v.counts"
			same_counts "$T $v: tshark per code on the tagged file == sip-mix.counts" \
				"$RUN/$v.tshark" "$TMP/data.counts"
			same_counts "$T $v: sipstat per code == tshark" "$RUN/$v.counts" "$RUN/$v.tshark"
			check_eq "$T $v: sipstat parser counters" \
				"$(parser 'frames=\(.frames) responses=\(.responses) requests=\(.requests) too_deep=\(.too_deep) bad_header=\(.bad_header)')" \
				"frames=$FRAMES responses=$(want_of responses) requests=$(want_of requests) too_deep=0 bad_header=0"
		fi
	done

	# Three tags: past SIPSTAT_MAX_VLAN, nothing parsed, all too_deep.
	if replay "$T vlan3" "$TMP/vlan3.pcap"; then
		check_eq "$T vlan3: three tags: no response counted, every frame too_deep" \
			"$(parser 'frames=\(.frames) responses=\(.responses) too_deep=\(.too_deep)') codes=$(jq -r '.codes | length' "$RUN/last.json")" \
			"frames=$FRAMES responses=0 too_deep=$FRAMES codes=0"
	fi

	# Port 5062: counted with --port 5062 only.
	counts_of "$TMP/port5062.pcap" -d udp.port==5062,sip >"$RUN/port5062.tshark"
	same_counts "$T port5062: tshark per code on the re-ported file == sip-mix.counts" \
		"$RUN/port5062.tshark" "$TMP/data.counts"
	if replay "$T port5062 --port 5062" "$TMP/port5062.pcap" --port 5062; then
		sipstat_counts >"$RUN/port5062.counts"
		same_counts "$T port5062: sipstat --port 5062 per code == tshark" \
			"$RUN/port5062.counts" "$RUN/port5062.tshark"
		check_eq "$T port5062: sipstat --port 5062 parser counters" \
			"$(parser 'udp_sip=\(.udp_sip) requests=\(.requests) responses=\(.responses)')" \
			"udp_sip=$(want_of udp_sip) requests=$(want_of requests) responses=$(want_of responses)"
	fi
	if replay "$T port5062 default port" "$TMP/port5062.pcap"; then
		check_eq "$T port5062: default port 5060 counts nothing of it" \
			"$(parser 'frames=\(.frames) udp_sip=\(.udp_sip) responses=\(.responses)') codes=$(jq -r '.codes | length' "$RUN/last.json")" \
			"frames=$FRAMES udp_sip=0 responses=0 codes=0"
	fi
done

if ip -n "$NS" link show rx0 | grep -q xdp; then
	not_ok "$SUITE: sipstat detached from rx0" "$(ip -n "$NS" link show rx0)"
else
	ok "$SUITE: sipstat detached from rx0 after every run"
fi
diag "$SUITE: $SST_PASS passed, $SST_FAIL failed, $SST_SKIP skipped in $SECONDS s"
[[ $SST_FAIL -eq 0 ]]
