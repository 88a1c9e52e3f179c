#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Real SIP traffic end to end: sipp UAC -> Kamailio (stateful proxy) -> sipp
# UAS in three network namespaces (scripts/topology.sh), sipstat attached
# to both proxy interfaces, once in --mode skb and once in --mode native.
# For every status code the suite asserts that four sources agree exactly:
#
#   (a) the plan: what the scenarios were told to send (known counts)
#   (b) tshark on a capture of the frames ARRIVING on p-uac and p-uas
#       (capture filter "inbound": XDP sees ingress only)
#   (c) Kamailio's own counters where they measure the same thing
#       (core:rcv_replies_* per class and for 18x/401/404/407/480/486,
#       tm's final-reply classes 2xx..6xx)
#   (d) sipstat's last JSON line
#
# sipstat counts both directions: (a) to (d) are of what arrives (in);
# what the proxy sends (out, TC egress) is checked against tm's replies
# sent and its final classes.
#
# See docs/e2e.md.  Output: "ok - NAME", "not ok - NAME", "skip - NAME: WHY"
# and "# ..." diagnostics.  Exit 1 when anything failed.  Without root (or
# without kamailio/sipp/tshark): one skip line, exit 0.
#
# Knobs (environment):
#   O=DIR                  build directory holding sipstat (default build)
#   SSE_E2E_MODES          XDP modes to run (default "skb native")
#   SSE_E2E_PLAN           "full" (default) or "mini" (each code once)
#   SSE_E2E_SAVE_PCAP=F    keep the first run's capture (less the probes)
#                          as pcap file F: how tests/data/sip-mix.pcap
#                          was made (with SSE_E2E_PLAN=mini)
#   SSE_E2E_KEEP=1         keep the scratch directory (logs, captures)

set -u

SUITE=suite_e2e_kamailio
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${O:-build}
case $O in
/*) SIPSTAT=$O/sipstat ;;
*) SIPSTAT=$ROOT/$O/sipstat ;;
esac
MODES=${SSE_E2E_MODES:-skb native}
PLAN=${SSE_E2E_PLAN:-full}

# shellcheck source=SCRIPTDIR/../scripts/topology.sh
. "$ROOT/scripts/topology.sh"

# ------------------------------------------------------------- results

# shellcheck source=tests/tap.sh
. "$ROOT/tests/tap.sh"


# --------------------------------------------------------------- guards

if [[ $EUID -ne 0 ]]; then
	skip "$SUITE" "needs root (network namespaces and XDP); run as root or with sudo"
	exit 0
fi
missing=()
for c in ip kamailio kamcmd sipp tshark jq; do
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

# -------------------------------------------------------------- cleanup

PREFIX=sse-e2e-$$-
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sse-e2e-$$-XXXXXX") || exit 1
PIDS=()

# start_bg NS DIR OUT ERR CMD...: CMD in namespace NS and directory DIR,
# in the background, with SIGINT at its default (bash ignores it in
# background jobs of a script).  LAST_PID gets its pid.
start_bg() {
	local ns=$1 dir=$2 out=$3 err=$4
	shift 4
	ip netns exec "$ns" env -C "$dir" --default-signal=INT "$@" >"$out" 2>"$err" </dev/null &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	topo_stop_pids TERM 2 "${PIDS[@]}"
	topo_kamailio_stop
	topo_destroy "$PREFIX"
	if [[ ${SSE_E2E_KEEP:-0} == 1 ]]; then
		echo "# scratch directory kept: $TMP"
	else
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'diag "$SUITE: interrupted"; exit 130' INT
trap 'diag "$SUITE: terminated"; exit 143' TERM

# ----------------------------------------------------------------- plan
#
# One injection file per address family (see scripts/sipp/uac.xml for the
# fields).  The IPv6 plan differs from the IPv4 one in its extra calls so
# that a count cannot match by accident of doubling.

PROVS=(180 181 182 183 199 none)
FINALS_2XX=(200 202 299)
FINALS_REJECT=(302 380 400 401 403 404 405 406 407 408 415 480 481 486 487 488 499
	500 503 504 599 600 603 604 606 608 699)

# plan_lines FAMILY: the calls, one per line.
plan_lines() {
	local fam=$1 i=0 f
	echo SEQUENTIAL
	if [[ $PLAN == mini ]]; then
		# Each final code once, alternating families; a few of the rest.
		for f in "${FINALS_2XX[@]}" "${FINALS_REJECT[@]}"; do
			if (((i % 2 == 0) == (fam == 4))); then
				if [[ $f == 2* ]]; then
					echo "answer-uacbye;${PROVS[i % 6]};$f;"
				else
					echo "reject;${PROVS[i % 6]};$f;"
				fi
			fi
			i=$((i + 1))
		done
		echo "answer-uasbye;180;200;"
		echo "cancel;180;487;"
		echo "register;none;200;"
		echo "options;none;200;"
		return
	fi
	for f in "${FINALS_2XX[@]}"; do
		echo "answer-uacbye;${PROVS[i % 6]};$f;"
		i=$((i + 1))
	done
	for f in "${FINALS_REJECT[@]}"; do
		echo "reject;${PROVS[i % 6]};$f;"
		i=$((i + 1))
	done
	if [[ $fam == 4 ]]; then
		echo "answer-uasbye;180;200;"
		echo "answer-uasbye;183;200;"
		echo "answer-uacbye;180;200;"
		echo "answer-uacbye;none;200;"
		echo "reject;180;486;"
		echo "reject;180;486;"
		echo "reject;183;503;"
		echo "cancel;180;487;"
		echo "cancel;180;487;"
		echo "register;none;200;"
		echo "register;none;200;"
		echo "options;none;200;"
		echo "options;none;200;"
		echo "options;none;200;"
	else
		echo "answer-uasbye;181;200;"
		echo "answer-uacbye;183;202;"
		echo "reject;180;480;"
		echo "reject;199;603;"
		echo "cancel;180;487;"
		echo "register;none;200;"
		echo "options;none;200;"
	fi
}

# expected_counts CSV...: "code count" of the responses that ARRIVE at the
# proxy (ingress of p-uac and p-uas), sorted by code.  The proxy's own
# responses (its 100 Trying, the 200 to a CANCEL, relayed responses) leave
# it and are not counted.
expected_counts() {
	awk -F';' '
	FNR == 1 { next }
	{
		flow = $1; prov = $2; fin = $3
		if (flow == "register") { c[401]++; c[200]++; next }
		if (flow == "options") { c[200]++; next }
		c[100]++			# the UAS says Trying too
		if (flow == "cancel") { c[180]++; c[200]++; c[487]++; next }
		if (prov != "none") c[prov]++
		c[fin]++
		if (flow ~ /^answer/) c[200]++	# 200 to the BYE, either side
	}
	END { for (k in c) print k, c[k] }' "$@" | sort -n
}

plan_lines 4 >"$TMP/calls4.csv"
plan_lines 6 >"$TMP/calls6.csv"
expected_counts "$TMP/calls4.csv" "$TMP/calls6.csv" >"$TMP/expected.counts"
N4=$(($(wc -l <"$TMP/calls4.csv") - 1))
N6=$(($(wc -l <"$TMP/calls6.csv") - 1))
diag "$SUITE: plan '$PLAN': $N4 IPv4 + $N6 IPv6 calls, $(awk '{ s += $2 } END { print s }' "$TMP/expected.counts") responses at the proxy over $(wc -l <"$TMP/expected.counts") codes"

# --------------------------------------------------------------- steps

# Display filter for everything but the readiness probes.
NOPROBE='!(udp.dstport == 9)'

# sipstat_last FILE: the last JSON line of a sipstat -o json output.
sipstat_last() {
	grep '^{' "$1" | tail -n 1
}

# kam_stat NAME: one core statistic, e.g. rcv_replies_4xx.
kam_stat() {
	awk -v k="core:$1" '$1 == k { print $3; found = 1 } END { if (!found) print "missing" }' "$RUN/kam.stats"
}

# tm_stat NAME: one field of "kamcmd tm.stats", e.g. 2xx.
tm_stat() {
	awk -v k="$1:" '$1 == k { print $2; found = 1 } END { if (!found) print "missing" }' "$RUN/tm.stats"
}

# sipp_check NAME OUT RC CALLS: all calls successful, no retransmission,
# no unexpected message (the last statistics screen of sipp's stdout).
sipp_check() {
	local name=$1 out=$2 rc=$3 calls=$4 succ retr
	succ=$(awk -F'|' '/Successful call/ { gsub(/ /, "", $3); v = $3 } END { print v }' "$out")
	retr=$(awk '/Messages  Retrans/ { s = 0 }
		/(---------->|<----------)/ { s += $4; if (NF >= 6) s += $6 }
		END { print s + 0 }' "$out")
	if [[ $rc == 0 && $succ == "$calls" && $retr == 0 ]]; then
		ok "$name"
	else
		not_ok "$name" "exit $rc, $succ of $calls calls successful, $retr retransmissions or unexpected messages"
		diag_file "sipp output" "$out" 60
		local errs=("$(dirname "$out")"/*errors.log)
		[[ -e ${errs[0]} ]] && diag_file "sipp errors" "${errs[0]}" 30
	fi
}

# capture_ready TSHARK_STDOUT: tshark says "Capturing on" before it
# really captures, and starts on one interface a good while before the
# other.  Send probe datagrams (UDP port 9, never a SIP port) towards the
# proxy from both sides until both show up in its live summary.  They
# arrive before sipstat attaches and are left out of every count below.
capture_ready() {
	local k
	for ((k = 0; k < 100; k++)); do
		ip netns exec "$TOPO_NS_UAC" bash -c "echo probe >/dev/udp/$TOPO_PROXY_UAC4/9" 2>/dev/null
		ip netns exec "$TOPO_NS_UAS" bash -c "echo probe >/dev/udp/$TOPO_PROXY_UAS4/9" 2>/dev/null
		sleep 0.1
		grep -q "$TOPO_UAC4 ." "$1" 2>/dev/null && grep -q "$TOPO_UAS4 ." "$1" 2>/dev/null && return 0
	done
	return 1
}

# run_mode MODE: one complete run in a fresh topology.
run_mode() {
	local mode=$1 t json pid_sipstat pid_tshark pid_uas4 pid_uas6 pid_uac4 pid_uac6
	local rc_uac4 rc_uac6 rc_uas4 rc_uas6 rc_sipstat k got want
	local T="e2e kamailio [$mode]"
	RUN=$TMP/$mode
	mkdir -p "$RUN/uac4" "$RUN/uac6" "$RUN/uas4" "$RUN/uas6"
	t=$SECONDS

	if ! topo_create "$PREFIX" 2>"$RUN/topo.err"; then
		not_ok "$T: topology" "$(cat "$RUN/topo.err")"
		return
	fi
	if ! topo_kamailio_start "$PREFIX" "$RUN" 2>"$RUN/kam.err"; then
		not_ok "$T: kamailio starts in ${PREFIX}proxy" "$(cat "$RUN/kam.err")"
		topo_destroy "$PREFIX"
		return
	fi
	ok "$T: topology up, kamailio answers on its control socket"

	# Capture what ARRIVES on the proxy's two interfaces: "inbound" is the
	# libpcap direction qualifier (packet type != PACKET_OUTGOING), so the
	# proxy's own transmissions stay out, as they stay out of XDP.
	start_bg "$TOPO_NS_PROXY" "$RUN" "$RUN/tshark.out" "$RUN/tshark.err" \
		tshark -n -l -P -f inbound -i p-uac -i p-uas -w "$RUN/cap.pcapng"
	pid_tshark=$LAST_PID
	if ! capture_ready "$RUN/tshark.out"; then
		not_ok "$T: tshark captures on p-uac and p-uas" "no probe frame seen within 10 s"
		diag_file "tshark stderr" "$RUN/tshark.err"
		topo_stop_pid "$pid_tshark" INT 5
		topo_kamailio_stop
		topo_destroy "$PREFIX"
		return
	fi
	start_bg "$TOPO_NS_PROXY" "$RUN" "$RUN/sipstat.json" "$RUN/sipstat.err" \
		"$SIPSTAT" -i p-uac -i p-uas --mode "$mode" -o json 0.5
	pid_sipstat=$LAST_PID
	# Loading takes seconds per program and interface (the verifier): 90 s at most.
	for ((k = 0; k < 900; k++)); do
		grep -q '^{' "$RUN/sipstat.json" 2>/dev/null && break
		kill -0 "$pid_sipstat" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q '^{' "$RUN/sipstat.json"; then
		not_ok "$T: sipstat attaches to p-uac and p-uas" "no JSON line from sipstat"
		diag_file "sipstat stderr" "$RUN/sipstat.err"
		topo_stop_pid "$pid_sipstat" INT 3
		topo_stop_pid "$pid_tshark" INT 5
		topo_kamailio_stop
		topo_destroy "$PREFIX"
		return
	fi
	check_eq "$T: sipstat attached in $mode mode" \
		"$(sipstat_last "$RUN/sipstat.json" | jq -r '.mode + " " + (.interfaces | join(","))')" \
		"$mode p-uac,p-uas"


	# The UASs first (one per family; each ends after its calls), then
	# both UACs at once.  -d: the pause before a BYE.
	start_bg "$TOPO_NS_UAS" "$RUN/uas4" "$RUN/uas4/out" "$RUN/uas4/err" \
		sipp -sf "$ROOT/scripts/sipp/uas.xml" -i "$TOPO_UAS4" -p 5060 \
		-m "$N4" -d 50 -nostdin -trace_err
	pid_uas4=$LAST_PID
	start_bg "$TOPO_NS_UAS" "$RUN/uas6" "$RUN/uas6/out" "$RUN/uas6/err" \
		sipp -sf "$ROOT/scripts/sipp/uas.xml" -i "$TOPO_UAS6" -p 5060 \
		-m "$N6" -d 50 -nostdin -trace_err
	pid_uas6=$LAST_PID
	for ((k = 0; k < 50; k++)); do
		[[ $(ip netns exec "$TOPO_NS_UAS" ss -Hlnu 'sport = :5060' 2>/dev/null | wc -l) -ge 2 ]] && break
		sleep 0.1
	done
	start_bg "$TOPO_NS_UAC" "$RUN/uac4" "$RUN/uac4/out" "$RUN/uac4/err" \
		sipp -sf "$ROOT/scripts/sipp/uac.xml" -inf "$TMP/calls4.csv" \
		-i "$TOPO_UAC4" -p 5060 -m "$N4" -r 40 -l 40 -d 50 -nostdin -trace_err \
		"$TOPO_PROXY_UAC4:5060"
	pid_uac4=$LAST_PID
	start_bg "$TOPO_NS_UAC" "$RUN/uac6" "$RUN/uac6/out" "$RUN/uac6/err" \
		sipp -sf "$ROOT/scripts/sipp/uac.xml" -inf "$TMP/calls6.csv" \
		-i "$TOPO_UAC6" -p 5060 -m "$N6" -r 40 -l 40 -d 50 -nostdin -trace_err \
		"[$TOPO_PROXY_UAC6]:5060"
	pid_uac6=$LAST_PID

	# sipp gives up on a call after its own timers; 60 s is far beyond
	# what these calls need (about 2 s).
	for ((k = 0; k < 600; k++)); do
		kill -0 "$pid_uac4" 2>/dev/null || kill -0 "$pid_uac6" 2>/dev/null ||
			kill -0 "$pid_uas4" 2>/dev/null || kill -0 "$pid_uas6" 2>/dev/null || break
		sleep 0.1
	done
	topo_stop_pid "$pid_uac4" INT 5
	rc_uac4=$TOPO_RC
	topo_stop_pid "$pid_uac6" INT 5
	rc_uac6=$TOPO_RC
	topo_stop_pid "$pid_uas4" INT 5
	rc_uas4=$TOPO_RC
	topo_stop_pid "$pid_uas6" INT 5
	rc_uas6=$TOPO_RC
	sipp_check "$T: sipp IPv4 UAC: $N4 calls, all successful, no retransmission" "$RUN/uac4/out" "$rc_uac4" "$N4"
	sipp_check "$T: sipp IPv4 UAS: $N4 calls, all successful, no retransmission" "$RUN/uas4/out" "$rc_uas4" "$N4"
	sipp_check "$T: sipp IPv6 UAC: $N6 calls, all successful, no retransmission" "$RUN/uac6/out" "$rc_uac6" "$N6"
	sipp_check "$T: sipp IPv6 UAS: $N6 calls, all successful, no retransmission" "$RUN/uas6/out" "$rc_uas6" "$N6"

	# Let a full sipstat interval pass after the last frame, then stop
	# sipstat (it prints a last report on SIGINT and detaches), tshark,
	# and read Kamailio's counters before stopping it.
	sleep 1
	topo_kamcmd stats.get_statistics all >"$RUN/kam.stats" 2>&1
	topo_kamcmd tm.stats >"$RUN/tm.stats" 2>&1
	topo_kamcmd sl.stats >"$RUN/sl.stats" 2>&1
	topo_stop_pid "$pid_sipstat" INT 5
	rc_sipstat=$TOPO_RC
	topo_stop_pid "$pid_tshark" INT 10
	topo_kamailio_stop

	check_eq "$T: sipstat exits 0 on SIGINT" "$rc_sipstat" 0
	if ip -n "$TOPO_NS_PROXY" link show p-uac | grep -q xdp ||
		ip -n "$TOPO_NS_PROXY" link show p-uas | grep -q xdp; then
		not_ok "$T: sipstat detached from p-uac and p-uas" "$(ip -n "$TOPO_NS_PROXY" link show)"
	else
		ok "$T: sipstat detached from p-uac and p-uas"
	fi
	topo_destroy "$PREFIX"

	json=$(sipstat_last "$RUN/sipstat.json")
	if [[ -z $json ]]; then
		not_ok "$T: sipstat reported" "no JSON line"
		diag_file "sipstat stderr" "$RUN/sipstat.err"
		return
	fi
	# sipstat counts both directions; the checks below are of what
	# arrives (in), those of what the proxy sends (out) come after.
	json_both=$json
	json=$(jq -c '. + (.directions.in | del(.frames)) |
		.per_interface |= map(. + (.directions.in | del(.frames)))' <<<"$json_both")

	# (a) plan, (b) tshark, (d) sipstat: per code.
	tshark -n -r "$RUN/cap.pcapng" -Y sip.Status-Code -T fields -e sip.Status-Code 2>/dev/null |
		sort -n | uniq -c | awk '{ print $2, $1 }' >"$RUN/tshark.counts"
	jq -r '.codes[] | "\(.code) \(.total)"' <<<"$json" | sort -n >"$RUN/sipstat.counts"
	same_counts "$T: tshark (ingress capture) per code == plan" "$RUN/tshark.counts" "$TMP/expected.counts"
	same_counts "$T: sipstat per code == plan" "$RUN/sipstat.counts" "$TMP/expected.counts"
	same_counts "$T: sipstat per code == tshark" "$RUN/sipstat.counts" "$RUN/tshark.counts"
	diag "$T: sipstat: $(awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $1, $2 }' "$RUN/sipstat.counts")"

	# Where they arrive: on p-uac only the UAC's 200s to BYEs of the UAS,
	# everything else on p-uas.
	got=$(tshark -n -r "$RUN/cap.pcapng" -Y sip.Status-Code -T fields -e frame.interface_name 2>/dev/null |
		sort | uniq -c | awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1 }')
	k=$(cat "$TMP/calls4.csv" "$TMP/calls6.csv" | grep -c '^answer-uasbye;')
	want="p-uac=$k p-uas=$(($(awk '{ s += $2 } END { print s }' "$TMP/expected.counts") - k))"
	check_eq "$T: tshark: responses per interface == plan" "$got" "$want"

	# The sums sipstat reports must fit its own per-code counts.
	got=$(jq -r '[.responses.total, (.classes | to_entries | map("\(.key)=\(.value.total)") | join(" "))] | join(" ")' <<<"$json")
	want=$(awk '{ t += $2; c[substr($1, 1, 1)] += $2 }
		END { printf "%d", t; for (i = 1; i <= 6; i++) printf " %dxx=%d", i, c[i] }' "$RUN/sipstat.counts")
	check_eq "$T: sipstat totals and classes add up" "$got" "$want"

	# Parser counters against the capture: every SIP frame that arrived is
	# a request or a response, none malformed, truncated or other.
	got=$(jq -r '.parser | "udp_sip=\(.udp_sip) requests=\(.requests) responses=\(.responses) malformed=\(.malformed) truncated=\(.truncated) other=\(.other) fragments=\(.fragments) bad_header=\(.bad_header) too_deep=\(.too_deep)"' <<<"$json")
	want="udp_sip=$(tshark -n -r "$RUN/cap.pcapng" -Y 'udp.port == 5060' 2>/dev/null | wc -l)"
	want+=" requests=$(tshark -n -r "$RUN/cap.pcapng" -Y 'sip.Request-Line' 2>/dev/null | wc -l)"
	want+=" responses=$(awk '{ s += $2 } END { print s + 0 }' "$TMP/expected.counts")"
	want+=" malformed=0 truncated=0 other=0 fragments=0 bad_header=0 too_deep=0"
	check_eq "$T: sipstat parser counters match the capture" "$got" "$want"
	# Frames come from the interfaces' own statistics, which also count
	# what arrived before the capture's filter: a lower bound.
	check_ge "$T: sipstat frames in (interface statistics) >= frames captured inbound" \
		"$(jq -r '.frames.in' <<<"$json")" \
		"$(tshark -n -r "$RUN/cap.pcapng" -Y "$NOPROBE" 2>/dev/null | wc -l)"
	check_eq "$T: sipstat per interface adds up to its sum" \
		"$(jq -c '[([.per_interface[].responses.total] | add), .responses.total]' <<<"$json")" \
		"$(jq -c '[.responses.total, .responses.total]' <<<"$json")"

	# (c) Kamailio.  core:rcv_replies_* count every reply its sockets
	# received: exactly the responses arriving on p-uac and p-uas.
	got="total=$(kam_stat rcv_replies)"
	want="total=$(jq -r '.responses.total' <<<"$json")"
	for k in 1 2 3 4 5 6; do
		got+=" ${k}xx=$(kam_stat "rcv_replies_${k}xx")"
		want+=" ${k}xx=$(jq -r ".classes[\"${k}xx\"].total" <<<"$json")"
	done
	got+=" 18x=$(kam_stat rcv_replies_18x)"
	want+=" 18x=$(awk '$1 >= 180 && $1 <= 189 { s += $2 } END { print s + 0 }' "$RUN/sipstat.counts")"
	for k in 401 404 407 480 486; do
		got+=" $k=$(kam_stat "rcv_replies_$k")"
		want+=" $k=$(awk -v c="$k" '$1 == c { s = $2 } END { print s + 0 }' "$RUN/sipstat.counts")"
	done
	check_eq "$T: kamailio core:rcv_replies_* == sipstat" "$got" "$want"

	# tm counts each transaction once by the class of the final reply it
	# sent upstream.  Here every ingress final belongs to exactly one
	# transaction whose upstream final has the same class (503 is relayed
	# as 500, still 5xx; the 200 a UAS sends to a CANCEL matches tm's own
	# 200 to that CANCEL), and provisionals are not counted: so tm's
	# 2xx..6xx equal sipstat's classes, and rpl_received its total.
	got="rpl_received=$(tm_stat rpl_received)"
	want="rpl_received=$(jq -r '.responses.total' <<<"$json")"
	for k in 2 3 4 5 6; do
		got+=" ${k}xx=$(tm_stat "${k}xx")"
		want+=" ${k}xx=$(jq -r ".classes[\"${k}xx\"].total" <<<"$json")"
	done
	check_eq "$T: kamailio tm.stats final classes == sipstat" "$got" "$want"

	# Kamailio answered nothing statelessly (no 404/483/5xx of its own).
	got=$(awk -F: 'NF == 2 { gsub(/[ \t]/, "", $2); s += $2 } END { print s + 0 }' "$RUN/sl.stats")
	check_eq "$T: kamailio sent no stateless replies (sl.stats)" "$got" 0
	# (d) against (c) for what the proxy SENDS (sipstat's out, TC egress
	# on p-uac and p-uas): tm sent every reply (rpl_sent: relayed ones and
	# its own 100 Trying and 200 to a CANCEL; sl sent none, checked above),
	# and its final classes are those of the finals it sent upstream.
	got="rpl_sent=$(tm_stat rpl_sent)"
	want="rpl_sent=$(jq -r '.directions.out.responses.total' <<<"$json_both")"
	for k in 2 3 4 5 6; do
		got+=" ${k}xx=$(tm_stat "${k}xx")"
		want+=" ${k}xx=$(jq -r ".directions.out.classes[\"${k}xx\"].total" <<<"$json_both")"
	done
	check_eq "$T: kamailio tm.stats replies sent == sipstat out" "$got" "$want"
	check_eq "$T: sipstat counts out on the proxy" \
		"$(jq -r '.directions.out.counted' <<<"$json_both")" true

	if [[ -n ${SSE_E2E_SAVE_PCAP:-} && $PCAP_SAVED == 0 ]]; then
		if tshark -n -r "$RUN/cap.pcapng" -Y "$NOPROBE" -F pcap -w "$SSE_E2E_SAVE_PCAP" 2>"$RUN/save.err"; then
			PCAP_SAVED=1
			diag "$T: capture saved to $SSE_E2E_SAVE_PCAP"
		else
			not_ok "$T: save the capture as pcap" "$(cat "$RUN/save.err")"
		fi
	fi
	diag "$T: $((SECONDS - t)) s"
}

t0=$SECONDS
PCAP_SAVED=0
for m in $MODES; do
	run_mode "$m"
done
diag "$SUITE: $SST_PASS passed, $SST_FAIL failed, $SST_SKIP skipped in $((SECONDS - t0)) s"
[[ $SST_FAIL -eq 0 ]]
