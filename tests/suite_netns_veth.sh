#!/usr/bin/env bash
# Helpers are called through wait_until, which shellcheck cannot follow:
# shellcheck disable=SC2317
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# End to end: the sipstat command on one end of a veth pair inside a
# network namespace, real SIP over UDP (IPv4 and IPv6) sent from the
# namespace at the other end.  Checks the JSON reports against the exact
# numbers sent, the 6xx ALERT lines, SIGINT handling and the detach on
# exit, in skb and native XDP mode, plus --port, usage errors and a
# missing interface.
#
#   ns sst-<pid>-A: a0 198.18.0.1/24 2001:db8:1::1/64   <- sipstat here
#   ns sst-<pid>-B: b0 198.18.0.2/24 2001:db8:1::2/64   <- traffic from here
#
# Needs root; O=DIR picks the build directory (default build).
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip jq timeout

SIPSTAT=$SST_O/sipstat
INTERVAL=0.5

if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi

if ! pair_setup; then
	not_ok "namespaces and veth pair set up" "ip failed, see stderr"
	done_testing
fi
diag "namespaces $NS_A ($IF_A $A4 $A6) and $NS_B ($IF_B $B4 $B6)"

sst_tmpdir
T=$SST_TMP

# ------------------------------------------------------------ payloads

# sip_response FILE CODE REASON: a complete SIP response, CRLF line ends.
sip_response() {
	printf 'SIP/2.0 %s %s\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-sst-%s\r\nFrom: <sip:alice@%s>;tag=a1\r\nTo: <sip:bob@%s>;tag=b2\r\nCall-ID: sst-%s@%s\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' \
		"$2" "$3" "$B4" "$2" "$B4" "$A4" "$2" "$B4" >"$1"
}

sip_response "$T/200" 200 OK
sip_response "$T/486" 486 "Busy Here"
sip_response "$T/603" 603 Decline
sip_response "$T/180" 180 Ringing
sip_response "$T/404" 404 "Not Found"
printf 'INVITE sip:x@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-sst-r\r\nFrom: <sip:alice@%s>;tag=a1\r\nTo: <sip:x@%s>\r\nCall-ID: sst-r@%s\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' \
	"$A4" "$B4" "$B4" "$A4" "$B4" >"$T/invite"
printf 'hello, this is not SIP at all\n' >"$T/junk"

# ------------------------------------------------------------ helpers

# Lines of a JSON output file that are reports (alerts, "type":"alert",
# come between them and start without "schema").
json_lines() {
	grep -c '^{"schema"' "$1" 2>/dev/null || true
}

last_json() {
	grep '^{"schema"' "$1" | tail -n 1
}

# has_json_lines FILE N
has_json_lines() {
	local n
	n=$(json_lines "$1")
	[[ $n -ge $2 ]]
}

# last_line_has FILE JQ_FILTER: the last JSON line satisfies the filter.
last_line_has() {
	local l
	l=$(last_json "$1") || return 1
	[[ -n $l ]] && jq -e "$2" >/dev/null 2>&1 <<<"$l"
}

# jq_last FILE FILTER: the filter's compact output on the last JSON line.
jq_last() {
	last_json "$1" | jq -c "$2" 2>/dev/null
}

xdp_on_a0() {
	ip -n "$NS_A" link show "$IF_A" | grep -q xdp
}

# start_sipstat TAG ARGS...: sipstat in namespace A, output in $T/TAG.out
# and $T/TAG.err; waits for the first JSON line (it is attached then).
# Returns 1 (and says why) when it does not come.
start_sipstat() {
	local tag=$1
	shift
	bg_start "$NS_A" "$T/$tag.out" "$T/$tag.err" "$SIPSTAT" "$@"
	SIPSTAT_PID=$SST_LAST_PID
	if wait_until 15 has_json_lines "$T/$tag.out" 1; then
		ok "$tag: attaches and prints a first JSON report"
		return 0
	fi
	if ! kill -0 "$SIPSTAT_PID" 2>/dev/null; then
		wait "$SIPSTAT_PID"
		not_ok "$tag: attaches and prints a first JSON report" \
			"sipstat $* exited with status $? before its first report"
		sst_forget_pid "$SIPSTAT_PID"
	else
		not_ok "$tag: attaches and prints a first JSON report" "no JSON line after 15 s"
		stop_pid "$SIPSTAT_PID" INT 5
	fi
	diag_file "stdout" "$T/$tag.out"
	diag_file "stderr" "$T/$tag.err"
	return 1
}

# stop_sipstat TAG: SIGINT, then the exit status must be 0.
stop_sipstat() {
	local tag=$1
	if stop_pid "$SIPSTAT_PID" INT 10; then
		check_eq "$tag: exits 0 on SIGINT" "$SST_RC" 0
	else
		not_ok "$tag: exits 0 on SIGINT" "still running 10 s after SIGINT, killed (status $SST_RC)"
	fi
	[[ $SST_RC -eq 0 ]] || diag_file "stderr" "$T/$tag.err"
}

# check_json_common TAG MODE: every stdout line is one JSON object, and
# the fixed fields of the last one.
check_json_common() {
	local tag=$1 mode=$2 f=$T/$1.out
	if jq -Rn '[inputs | (try fromjson catch null) | type == "object"] | all' <"$f" | grep -qx true; then
		ok "$tag: every stdout line is one JSON object"
	else
		not_ok "$tag: every stdout line is one JSON object"
		diag_file "stdout" "$f"
	fi
	check_eq "$tag: interfaces" "$(jq_last "$f" .interfaces)" '["a0"]'
	if [[ -n $mode ]]; then
		check_eq "$tag: mode" "$(jq_last "$f" .mode)" "\"$mode\""
	fi
	# interval_s is the measured length of each interval: about INTERVAL,
	# except the last one, cut short by SIGINT; rate is delta / interval_s.
	local iv
	iv=$(grep '^{"schema"' "$f" | jq -sc 'map(.interval_s)')
	if jq -e --argjson want "$INTERVAL" '(.[:-1] | all(. >= $want * 0.8 and . <= $want * 2))
		and (.[-1] | . > 0 and . <= $want * 2)' >/dev/null 2>&1 <<<"$iv"; then
		ok "$tag: interval_s is the measured interval"
	else
		not_ok "$tag: interval_s is the measured interval" "got: $iv" "want: about $INTERVAL (the last one may be shorter)"
	fi
	if grep '^{"schema"' "$f" | jq -se 'all(.[]; ([.responses] + [.classes[]] + .codes)
		| all(.[]; .rate >= 0 and (if .delta == 0 then .rate == 0 else true end)))
		and all(.[] | select(.interval_s >= 0.1); .responses as $r
		| ($r.delta / .interval_s - $r.rate) | fabs <= 0.02 * $r.rate + 0.1)' >/dev/null 2>&1; then
		ok "$tag: rates are delta / interval_s"
	else
		not_ok "$tag: rates are delta / interval_s" \
			"$(grep '^{"schema"' "$f" | jq -c '[.interval_s, .responses.delta, .responses.rate]' | tr '\n' ' ')"
	fi
	if last_line_has "$f" '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")'; then
		ok "$tag: time is ISO 8601 UTC with milliseconds"
	else
		not_ok "$tag: time is ISO 8601 UTC with milliseconds" "got: $(jq_last "$f" .time)"
	fi
	if last_line_has "$f" '[.codes[].code] == ([.codes[].code] | sort) and all(.codes[]; .total > 0)'; then
		ok "$tag: codes ascending, only codes seen"
	else
		not_ok "$tag: codes ascending, only codes seen" "got: $(jq_last "$f" '[.codes[] | [.code, .total]]')"
	fi
	# Deltas over all reports add up to the totals of the last one.
	local sums
	sums=$(grep '^{"schema"' "$f" | jq -sc '[(map(.responses.delta) | add), .[-1].responses.total,
		(map(.classes["6xx"].delta) | add), .[-1].classes["6xx"].total]' 2>/dev/null)
	if jq -e '.[0] == .[1] and .[2] == .[3]' >/dev/null 2>&1 <<<"$sums"; then
		ok "$tag: deltas add up to the totals"
	else
		not_ok "$tag: deltas add up to the totals" "[sum of deltas, total, 6xx sum, 6xx total] = $sums"
	fi
}

# ------------------------------------------------- traffic in one mode

# Sent from B to a0 (the numbers the reports must show exactly):
#   IPv4 198.18.0.1:5060   200 x7, 486 x3, 603 x2, INVITE x2, non-SIP x1
#   IPv6 [2001:db8:1::1]:5060   180 x4, 404 x5
#   IPv4 198.18.0.1:5070   486 x3 (not a SIP port: not counted at all)
WANT_CODES='{"180":4,"200":7,"404":5,"486":3,"603":2}'
WANT_CLASSES='{"1xx":4,"2xx":7,"3xx":0,"4xx":8,"5xx":0,"6xx":2}'
WANT_TOTAL=21
WANT_UDP_SIP=24		# 21 responses + 2 requests + 1 other

send_traffic() {
	udp_send "$NS_B" "$A4" 5060 7 "$T/200"
	udp_send "$NS_B" "$A4" 5060 3 "$T/486"
	udp_send "$NS_B" "$A4" 5060 2 "$T/603"
	udp_send "$NS_B" "$A4" 5060 2 "$T/invite"
	udp_send "$NS_B" "$A4" 5060 1 "$T/junk"
	udp_send "$NS_B" "$A4" 5070 3 "$T/486"
	udp_send "$NS_B" "$A6" 5060 4 "$T/180"
	udp_send "$NS_B" "$A6" 5060 5 "$T/404"
}

traffic_case() {
	local mode=$1 tag=$1 f err n
	f=$T/$tag.out
	err=$T/$tag.err

	start_sipstat "$tag" -i "$IF_A" --mode "$mode" -o json "$INTERVAL" || return 0

	if [[ $mode == skb ]]; then
		check "$tag: a0 shows xdpgeneric while attached" \
			bash -c "ip -n '$NS_A' link show '$IF_A' | grep -q xdpgeneric"
	else
		check "$tag: a0 shows native xdp while attached" \
			bash -c "ip -n '$NS_A' link show '$IF_A' | grep -qE '(^| )xdp( |$)'"
	fi

	send_traffic

	# All counted: then one more report, to see nothing else creeps in.
	if ! wait_until 15 last_line_has "$f" \
		".responses.total >= $WANT_TOTAL and .parser.udp_sip >= $WANT_UDP_SIP"; then
		diag "$tag: totals did not reach $WANT_TOTAL responses / $WANT_UDP_SIP udp_sip in 15 s"
	fi
	n=$(json_lines "$f")
	wait_until 5 has_json_lines "$f" $((n + 1)) || diag "$tag: no report after the last one in 5 s"

	stop_sipstat "$tag"

	check_json_common "$tag" "$mode"
	check_eq "$tag: per-code totals" \
		"$(jq_last "$f" '.codes | map({(.code | tostring): .total}) | add // {} | to_entries | sort_by(.key | tonumber) | from_entries')" "$WANT_CODES"
	check_eq "$tag: class totals" \
		"$(jq_last "$f" '.classes | map_values(.total)')" "$WANT_CLASSES"
	check_eq "$tag: responses total" "$(jq_last "$f" .responses.total)" "$WANT_TOTAL"
	check_eq "$tag: code details" \
		"$(jq_last "$f" '[.codes[] | [.code, .reason, .class]]')" \
		'[[180,"Ringing","1xx"],[200,"OK","2xx"],[404,"Not Found","4xx"],[486,"Busy Here","4xx"],[603,"Decline","6xx"]]'
	check_eq "$tag: 200 is in group success" \
		"$(jq_last "$f" '.codes[] | select(.code == 200) | .group')" '"success"'
	check_eq "$tag: parser counters" \
		"$(jq_last "$f" '.parser | {udp_sip, requests, responses, malformed, truncated, other, fragments, bad_header, too_deep}')" \
		"{\"udp_sip\":$WANT_UDP_SIP,\"requests\":2,\"responses\":$WANT_TOTAL,\"malformed\":0,\"truncated\":0,\"other\":1,\"fragments\":0,\"bad_header\":0,\"too_deep\":0}"
	# Responses and parser outcomes by direction: all of it received; out
	# is counted too (the default, both), and A sent no SIP.
	check_eq "$tag: direction in carries every response" \
		"$(jq_last "$f" '[.directions.in.counted, .directions.in.responses.total, .directions.in.parser.udp_sip, .directions.out.counted, .directions.out.responses.total]')" \
		"[true,$WANT_TOTAL,$WANT_UDP_SIP,true,0]"
	check_eq "$tag: requests by method" \
		"$(jq_last "$f" '.directions.in.requests.methods | map_values(.total)')" '{"INVITE":2}'
	# Every response sent carries "CSeq: 1 INVITE".
	check_eq "$tag: responses by the method of their CSeq" \
		"$(jq_last "$f" '[.directions.in.codes[] | .methods | keys[]] | unique')" '["INVITE"]'
	check_eq "$tag: per-interface figures" \
		"$(jq_last "$f" '[.per_interface[] | [.interface, .source, .responses.total]]')" \
		"[[\"a0\",\"own\",$WANT_TOTAL]]"
	check_eq "$tag: schema and host" "$(jq_last "$f" '[.schema, (.host | length > 0)]')" '[2,true]'
	# Frames from a0's own statistics; other traffic (IPv6 MLD/RS from b0)
	# may add frames: a lower bound.
	check_ge "$tag: frames in >= 27 (interface statistics)" "$(jq_last "$f" .frames.in)" 27

	# 6xx alerts on stderr, from the kernel's events: the first 603 starts
	# the default rule (the second is folded), none for any other code.
	local re='^ALERT [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z a0 603 Decline received from 198\.18\.0\.2:[0-9]+ \(INVITE\) \[class=6xx count>0\]$'
	if grep -qE "$re" "$err"; then
		ok "$tag: ALERT line for 603 on stderr"
	else
		not_ok "$tag: ALERT line for 603 on stderr"
		diag_file "stderr" "$err"
	fi
	if grep '^ALERT' "$err" | grep -qv ' a0 603 '; then
		not_ok "$tag: no ALERT for codes below 600"
		diag_file "stderr" "$err"
	else
		ok "$tag: no ALERT for codes below 600"
	fi
	if grep -q '^ALERT' "$f"; then
		not_ok "$tag: ALERT lines stay off stdout"
	else
		ok "$tag: ALERT lines stay off stdout"
	fi

	if xdp_on_a0; then
		not_ok "$tag: no XDP program left on a0 after exit" "$(ip -n "$NS_A" link show "$IF_A")"
	else
		ok "$tag: no XDP program left on a0 after exit"
	fi
}

traffic_case skb
traffic_case native

# ----------------------------------------------------------- --port

# Only 5062 is a SIP port now: 5060 is not counted.
port_case() {
	local tag=port f=$T/port.out n
	start_sipstat "$tag" -i "$IF_A" --mode skb --port 5062 -o json "$INTERVAL" || return 0
	udp_send "$NS_B" "$A4" 5062 3 "$T/486"
	udp_send "$NS_B" "$A6" 5062 1 "$T/180"
	udp_send "$NS_B" "$A4" 5060 2 "$T/200"
	udp_send "$NS_B" "$A6" 5060 2 "$T/603"
	wait_until 15 last_line_has "$f" '.responses.total >= 4' ||
		diag "$tag: totals did not reach 4 responses in 15 s"
	n=$(json_lines "$f")
	wait_until 5 has_json_lines "$f" $((n + 1)) || diag "$tag: no report after the last one in 5 s"
	stop_sipstat "$tag"
	check_eq "$tag: --port 5062 counts 5062 only" \
		"$(jq_last "$f" '.codes | map({(.code | tostring): .total}) | add // {} | to_entries | sort_by(.key | tonumber) | from_entries')" '{"180":1,"486":3}'
	check_eq "$tag: udp_sip counts 5062 only" "$(jq_last "$f" .parser.udp_sip)" 4
	if grep -q '^ALERT' "$T/port.err"; then
		not_ok "$tag: no ALERT for 603 sent to a port that is not watched"
		diag_file "stderr" "$T/port.err"
	else
		ok "$tag: no ALERT for 603 sent to a port that is not watched"
	fi
	if xdp_on_a0; then
		not_ok "$tag: no XDP program left on a0 after exit"
	else
		ok "$tag: no XDP program left on a0 after exit"
	fi
}
port_case

# ------------------------------------------------------------ COUNT

# "INTERVAL COUNT": COUNT reports, then exit 0 and detach by itself.
count_case() {
	local tag=count rc
	timeout 20 ip netns exec "$NS_A" "$SIPSTAT" -i "$IF_A" --mode skb -o json 0.2 3 \
		>"$T/count.out" 2>"$T/count.err" </dev/null
	rc=$?
	check_eq "$tag: 'INTERVAL 3' exits 0 by itself" "$rc" 0
	check_eq "$tag: 'INTERVAL 3' prints 3 JSON lines" "$(json_lines "$T/count.out")" 3
	[[ $rc -eq 0 ]] || diag_file "stderr" "$T/count.err"
	if xdp_on_a0; then
		not_ok "$tag: no XDP program left on a0 after exit"
	else
		ok "$tag: no XDP program left on a0 after exit"
	fi
}
count_case

# ----------------------------------------------------- usage errors

# usage_case NAME ARGS...: exit status 2 and a "sipstat: ..." first line.
usage_case() {
	local name=$1 rc first
	shift
	timeout 10 ip netns exec "$NS_A" "$SIPSTAT" "$@" >"$T/usage.out" 2>"$T/usage.err" </dev/null
	rc=$?
	first=$(head -n 1 "$T/usage.err")
	if [[ $rc -eq 2 && $first == sipstat:* && ! -s $T/usage.out ]]; then
		ok "usage: $name exits 2 with an error on stderr"
	else
		not_ok "usage: $name exits 2 with an error on stderr" "sipstat $*: status $rc"
		diag_file "stdout" "$T/usage.out"
		diag_file "stderr" "$T/usage.err"
	fi
}
usage_case "--mode bogus" -i "$IF_A" --mode bogus
usage_case "no -i" -o json
usage_case "-o bogus" -i "$IF_A" -o bogus

# ------------------------------------------------ missing interface

missing_case() {
	local rc lines name=sstnope0
	timeout 20 ip netns exec "$NS_A" "$SIPSTAT" -i "$name" -o json "$INTERVAL" \
		>"$T/missing.out" 2>"$T/missing.err" </dev/null
	rc=$?
	lines=$(wc -l <"$T/missing.err")
	if [[ $rc -eq 1 && $lines -eq 1 ]] && grep -q "$name" "$T/missing.err"; then
		ok "missing interface: exits 1 with one line naming it"
	else
		not_ok "missing interface: exits 1 with one line naming it" "status $rc, $lines stderr line(s)"
		diag_file "stderr" "$T/missing.err"
	fi
}
missing_case

done_testing
