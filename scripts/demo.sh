#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# make demo: sipstat on live SIP traffic, on a machine with none of its own.
#
# Builds the three-namespace topology of scripts/topology.sh, starts
# Kamailio as the proxy in the middle and sipp UAS/UAC pairs (IPv4 and
# IPv6) that place about 20 calls per second with a realistic mix of
# outcomes -- mostly 200 OK, some 486/480/404/487, now and then 503, 603
# and others, plus REGISTER challenges and OPTIONS pings -- and shows
# sipstat's report of the proxy's two interfaces every second.
#
# Ctrl-C (or SIGTERM) stops it and removes every namespace, link, process
# and temporary file it made.  Nothing touches the host's interfaces: the
# traffic stays in 198.18.0.0/15 and 2001:db8::/32 inside the namespaces.
#
# Environment: O=DIR build directory (default build), DEMO_CPS calls per
# second (default 20), DEMO_MODE XDP mode (default auto), DEMO_ARGS more
# sipstat options (e.g. "-v").

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${O:-build}
case $O in
/*) SIPSTAT=$O/sipstat ;;
*) SIPSTAT=$ROOT/$O/sipstat ;;
esac
CPS=${DEMO_CPS:-20}
MODE=${DEMO_MODE:-auto}
PREFIX=sse-demo-

# shellcheck source=SCRIPTDIR/topology.sh
. "$ROOT/scripts/topology.sh"

die() {
	echo "demo: $*" >&2
	exit 1
}

[[ $EUID -eq 0 ]] || die "needs root (network namespaces and XDP): sudo make demo"
missing=()
for c in ip kamailio kamcmd sipp make; do
	command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
[[ ${#missing[@]} -eq 0 ]] || die "missing ${missing[*]}: run 'make deps' first"
[[ $CPS =~ ^[0-9]+$ && $CPS -ge 2 ]] || die "DEMO_CPS must be a whole number >= 2"

# Build (a no-op when up to date).
if ! make -s -C "$ROOT" O="$O" all >/dev/null; then
	die "could not build sipstat (missing build tools? run 'make deps' first)"
fi
[[ -x $SIPSTAT ]] || die "no $SIPSTAT after make"

if [[ -e /run/netns/${PREFIX}proxy ]]; then
	die "namespaces ${PREFIX}* exist: another demo running? ('scripts/topology.sh destroy $PREFIX' removes them)"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/sse-demo-XXXXXX") || die "mktemp failed"
PIDS=()
SIPSTAT_PID=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	topo_stop_pid "$SIPSTAT_PID" INT 3
	topo_stop_pids TERM 2 "${PIDS[@]}"
	topo_kamailio_stop
	topo_destroy "$PREFIX"
	rm -rf "$TMP"
	echo "demo: stopped; namespaces, processes and temporary files removed" >&2
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 0' INT TERM HUP

# bg NS LOG CMD...: run CMD in namespace NS and directory $TMP, output to
# LOG (stdout is sipp's screen: thrown away).
bg() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" env -C "$TMP" "$@" >/dev/null 2>"$log" </dev/null &
	PIDS+=("$!")
}

# The mix: one line per call, drawn at random (see scripts/sipp/uac.xml).
# Weights are numbers of lines, out of 100: 58 answered (200), 10 busy
# (486), 6 unavailable (480), 5 not found (404), 6 cancelled while ringing
# (487), 2 x 503, 2 x 603, one each of 408/302/403/488/500, 3 registrations
# (401, then 200) and 3 OPTIONS pings.
mix() {
	local i
	echo RANDOM
	for ((i = 0; i < 18; i++)); do echo "answer-uacbye;180;200;"; done
	for ((i = 0; i < 12; i++)); do echo "answer-uacbye;183;200;"; done
	for ((i = 0; i < 18; i++)); do echo "answer-uasbye;180;200;"; done
	for ((i = 0; i < 10; i++)); do echo "answer-uasbye;none;200;"; done
	for ((i = 0; i < 10; i++)); do echo "reject;180;486;"; done
	for ((i = 0; i < 6; i++)); do echo "reject;180;480;"; done
	for ((i = 0; i < 5; i++)); do echo "reject;none;404;"; done
	for ((i = 0; i < 6; i++)); do echo "cancel;180;487;"; done
	echo "reject;183;503;"
	echo "reject;none;503;"
	echo "reject;180;603;"
	echo "reject;180;603;"
	echo "reject;none;408;"
	echo "reject;181;302;"
	echo "reject;none;403;"
	echo "reject;183;488;"
	echo "reject;none;500;"
	for ((i = 0; i < 3; i++)); do echo "register;none;200;"; done
	for ((i = 0; i < 3; i++)); do echo "options;none;200;"; done
}
mix >"$TMP/mix.csv"

echo "demo: building the topology (namespaces ${PREFIX}uac, ${PREFIX}proxy, ${PREFIX}uas)" >&2
topo_create "$PREFIX" || exit 1
topo_kamailio_start "$PREFIX" "$TMP" || exit 1

# UAS: 1.5 s of ringing, 1.5 s of talk when it hangs up itself.  UAC: 4 s
# of talk when it hangs up, cancels after 4 s of ringing.  Three quarters
# of the calls over IPv4, a quarter over IPv6.
uas="$ROOT/scripts/sipp/uas.xml"
uac="$ROOT/scripts/sipp/uac.xml"
cps6=$((CPS / 4))
cps4=$((CPS - cps6))
bg "$TOPO_NS_UAS" "$TMP/uas4.log" sipp -sf "$uas" -i "$TOPO_UAS4" -p 5060 -d 1500 -nostdin
bg "$TOPO_NS_UAS" "$TMP/uas6.log" sipp -sf "$uas" -i "$TOPO_UAS6" -p 5060 -d 1500 -nostdin
sleep 0.5
bg "$TOPO_NS_UAC" "$TMP/uac4.log" sipp -sf "$uac" -inf "$TMP/mix.csv" -i "$TOPO_UAC4" -p 5060 \
	-r "$cps4" -l 1000 -d 4000 -nostdin "$TOPO_PROXY_UAC4:5060"
bg "$TOPO_NS_UAC" "$TMP/uac6.log" sipp -sf "$uac" -inf "$TMP/mix.csv" -i "$TOPO_UAC6" -p 5060 \
	-r "$cps6" -l 1000 -d 4000 -nostdin "[$TOPO_PROXY_UAC6]:5060"

echo "demo: Kamailio proxies about $CPS calls/s between the UAC and UAS namespaces;" >&2
echo "demo: sipstat counts what arrives on its interfaces p-uac and p-uas.  Ctrl-C stops." >&2
# sipstat in the background with SIGINT at its default, so that Ctrl-C
# reaches it and a SIGTERM to this script is handled at once (bash runs
# traps only between commands, and "wait" is one it interrupts).
# shellcheck disable=SC2086
ip netns exec "$TOPO_NS_PROXY" env --default-signal=INT "$SIPSTAT" \
	-i p-uac -i p-uas --mode "$MODE" ${DEMO_ARGS:-} 1 </dev/null &
SIPSTAT_PID=$!
wait "$SIPSTAT_PID"
rc=$?
SIPSTAT_PID=
if [[ $rc -ne 0 && $rc -ne 130 ]]; then
	echo "demo: sipstat exited with status $rc" >&2
	for f in "$TMP"/uas4.log "$TMP"/uac4.log "$TOPO_KAM_LOG"; do
		[[ -s $f ]] && { echo "--- $f" >&2; tail -n 5 "$f" >&2; }
	done
fi
