#!/usr/bin/env bash
# Helpers are called through wait_until, which shellcheck cannot follow:
# shellcheck disable=SC2317
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Which request failed and where, end to end:
#   (1) the unit tests of KPIs, the peers file and the report tables;
#   (2) named peers over IPv4 and IPv6 with overlapping prefixes, through a
#       veth pair: each response lands under the longest prefix of its
#       source address, the rest under "other"; the top failing addresses
#       name who sent the 4xx and 5xx; a changed peers file applies live
#       without losing counts; a bad peers file is a usage error naming the
#       line;
#   (3) a public-style capture (tests/data/sip-mix.pcap): sipstat read's
#       method x code equal to tshark's (sip.CSeq.method, sip.Status-Code),
#       and its KPIs equal to the same formulas computed here from tshark's
#       counts.
#
#   ns A (a0: 198.18.0.1, 2001:db8:1::1)  <--veth-->  ns B (b0: senders)
#
# B sends SIP responses from several source addresses (bound explicitly)
# to A, where sipstat counts them on a0 with a program of its own.
# Needs root; O=DIR picks the build directory (default build).
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIPSTAT=$SST_O/sipstat
TEST_INSIGHT=$SST_O/tests/test_insight

# (1) The unit tests: no root needed.
if [[ -x $TEST_INSIGHT ]]; then
	"$TEST_INSIGHT" || true
else
	not_ok "test_insight built" "$TEST_INSIGHT is missing: make O=$O"
fi

need_root
need_cmd ip jq timeout python3 ss nsenter

if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi

sst_tmpdir
T=$SST_TMP

# has_report FILE: a JSON report is in FILE (which may not exist yet).
has_report() {
	grep -q '^{' "$1" 2>/dev/null
}

# ------------------------------------------------------------ (3) capture

CAP=$SST_ROOT/tests/data/sip-mix.pcap
if command -v tshark >/dev/null; then
	# "METHOD CODE COUNT" lines, sorted, from each side.
	tshark -r "$CAP" -Y 'sip.Status-Code' -T fields -e sip.CSeq.method -e sip.Status-Code \
		2>/dev/null | awk 'NF == 2 { n[$1 " " $2]++ } END { for (k in n) print k, n[k] }' |
		sort >"$T/want.mc"
	if "$SIPSTAT" read "$CAP" -o json >"$T/read.json" 2>"$T/read.err"; then
		jq -r '.methods | to_entries[] | .key as $m | .value.codes | to_entries[] |
			"\($m) \(.key) \(.value)"' "$T/read.json" | sort >"$T/got.mc"
		same_counts "capture: method x code of sipstat read equals tshark's ($(wc -l <"$T/want.mc") pairs)" \
			"$T/got.mc" "$T/want.mc"
		# KPIs from tshark's counts with the README's formulas.
		inv_req=$(tshark -r "$CAP" -Y 'sip.Method == "INVITE"' -T fields -e frame.number 2>/dev/null | wc -l)
		want_kpi=$(awk -v req="$inv_req" '$1 == "INVITE" {
				c = $2 + 0; n = $3
				if (c >= 200) fin += n
				if (c >= 200 && c < 300) ans += n
				if (c >= 300 && c < 400) red += n
				if (c == 401 || c == 407) chal += n
				if (c == 480 || c == 486 || c == 487 || c == 600 || c == 603) usr += n
				if (c == 200) ok += n
				if (c == 200 || c == 480 || c == 486 || c == 600 || c == 603) seer += n
				if (c == 408 || c == 500 || c == 503 || c == 504) isa += n
			} END {
				seiz = fin - chal - red; att = req - red
				printf "%.3f %.3f %.3f %.3f %.3f\n", 100 * ans / seiz, 100 * (ans + usr) / seiz,
					100 * ok / att, 100 * seer / att, 100 * isa / req
			}' "$T/want.mc")
		got_kpi=$(jq -r '.kpis | "\(.asr) \(.ner) \(.ser) \(.seer) \(.isa)"' "$T/read.json" |
			awk '{ printf "%.3f %.3f %.3f %.3f %.3f\n", $1, $2, $3, $4, $5 }')
		check_eq "capture: ASR NER SER SEER ISA equal the formulas on tshark's counts" \
			"$got_kpi" "$want_kpi"
	else
		not_ok "capture: sipstat read $CAP" "$(cat "$T/read.err")"
	fi
else
	skip "capture: method x code against tshark" "tshark is not installed"
fi

# ------------------------------------------------------------ (4) Kamailio
# sipp UAC -> Kamailio -> sipp UAS (scripts/topology.sh), sipstat with a
# peers file on both proxy interfaces: method x code, and per peer, equal
# to what the scenarios were told to send.
kamailio_run() {
	local KP=sst-ins-$$- RUN=$T/kam k pid_s pid_uas4 pid_uas6 pid_uac4 pid_uac6 n4 n6
	# shellcheck source=scripts/topology.sh
	. "$SST_ROOT/scripts/topology.sh"
	mkdir -p "$RUN/uac4" "$RUN/uac6" "$RUN/uas4" "$RUN/uas6"
	printf 'SEQUENTIAL\nanswer-uacbye;180;200;\nanswer-uasbye;183;200;\nreject;180;486;\nreject;none;503;\nreject;181;404;\ncancel;180;487;\nregister;none;200;\noptions;none;200;\n' >"$RUN/calls4.csv"
	printf 'SEQUENTIAL\nanswer-uacbye;none;200;\nreject;180;603;\ncancel;180;487;\noptions;none;200;\n' >"$RUN/calls6.csv"
	n4=8
	n6=4
	# "PEER METHOD CODE COUNT" of the responses that arrive at the proxy:
	# everything from the callee side but the 200 to a BYE the callee sent.
	awk -F';' 'FNR == 1 { next }
	{
		flow = $1; prov = $2; fin = $3
		if (flow == "register") { c["callees REGISTER 401"]++; c["callees REGISTER 200"]++; next }
		if (flow == "options") { c["callees OPTIONS 200"]++; next }
		c["callees INVITE 100"]++
		if (prov != "none") c["callees INVITE " prov]++
		if (flow == "cancel") { c["callees CANCEL 200"]++; c["callees INVITE 487"]++; next }
		c["callees INVITE " fin]++
		if (flow == "answer-uacbye") c["callees BYE 200"]++
		if (flow == "answer-uasbye") c["callers BYE 200"]++
	}
	END { for (k in c) print k, c[k] }' "$RUN/calls4.csv" "$RUN/calls6.csv" | sort >"$RUN/want.peers"
	awk '{ n[$2 " " $3] += $4 } END { for (k in n) print k, n[k] }' "$RUN/want.peers" |
		sort >"$RUN/want.mc"
	printf 'callers 198.18.1.0/24 2001:db8:1::/64\ncallees 198.18.2.0/24 2001:db8:2::/64\n' \
		>"$RUN/peers"

	if ! topo_create "$KP" 2>"$RUN/topo.err"; then
		not_ok "kamailio: topology" "$(cat "$RUN/topo.err")"
		return
	fi
	SST_NS+=("${KP}uac" "${KP}proxy" "${KP}uas")	# removed by the trap, also on failure
	if ! topo_kamailio_start "$KP" "$RUN" 2>"$RUN/kam.err"; then
		not_ok "kamailio: starts" "$(cat "$RUN/kam.err")"
		topo_destroy "$KP"
		return
	fi
	bg_start "$TOPO_NS_PROXY" "$RUN/sipstat.json" "$RUN/sipstat.err" "$SIPSTAT" -i p-uac \
		-i p-uas --mode skb --direction in --peers "$RUN/peers" -o json 0.5
	pid_s=$SST_LAST_PID
	if ! wait_until 90 has_report "$RUN/sipstat.json"; then
		not_ok "kamailio: sipstat attaches to p-uac and p-uas" "no report within 90 s"
		diag_file "sipstat stderr" "$RUN/sipstat.err"
		topo_kamailio_stop
		topo_destroy "$KP"
		return
	fi
	bg_start "$TOPO_NS_UAS" "$RUN/uas4/out" "$RUN/uas4/err" env -C "$RUN/uas4" \
		sipp -sf "$SST_ROOT/scripts/sipp/uas.xml" -i "$TOPO_UAS4" -p 5060 -m "$n4" -d 50 \
		-nostdin -trace_err
	pid_uas4=$SST_LAST_PID
	bg_start "$TOPO_NS_UAS" "$RUN/uas6/out" "$RUN/uas6/err" env -C "$RUN/uas6" \
		sipp -sf "$SST_ROOT/scripts/sipp/uas.xml" -i "$TOPO_UAS6" -p 5060 -m "$n6" -d 50 \
		-nostdin -trace_err
	pid_uas6=$SST_LAST_PID
	for ((k = 0; k < 50; k++)); do
		[[ $(ip netns exec "$TOPO_NS_UAS" ss -Hlnu 'sport = :5060' 2>/dev/null | wc -l) -ge 2 ]] && break
		sleep 0.1
	done
	bg_start "$TOPO_NS_UAC" "$RUN/uac4/out" "$RUN/uac4/err" env -C "$RUN/uac4" \
		sipp -sf "$SST_ROOT/scripts/sipp/uac.xml" -inf "$RUN/calls4.csv" -i "$TOPO_UAC4" \
		-p 5060 -m "$n4" -r 40 -l 40 -d 50 -nostdin -trace_err "$TOPO_PROXY_UAC4:5060"
	pid_uac4=$SST_LAST_PID
	bg_start "$TOPO_NS_UAC" "$RUN/uac6/out" "$RUN/uac6/err" env -C "$RUN/uac6" \
		sipp -sf "$SST_ROOT/scripts/sipp/uac.xml" -inf "$RUN/calls6.csv" -i "$TOPO_UAC6" \
		-p 5060 -m "$n6" -r 40 -l 40 -d 50 -nostdin -trace_err "[$TOPO_PROXY_UAC6]:5060"
	pid_uac6=$SST_LAST_PID
	for ((k = 0; k < 600; k++)); do
		kill -0 "$pid_uac4" 2>/dev/null || kill -0 "$pid_uac6" 2>/dev/null ||
			kill -0 "$pid_uas4" 2>/dev/null || kill -0 "$pid_uas6" 2>/dev/null || break
		sleep 0.1
	done
	for k in "$pid_uac4" "$pid_uac6" "$pid_uas4" "$pid_uas6"; do
		stop_pid "$k" INT 5
	done
	sleep 1.2	# a full report interval after the last frame
	stop_pid "$pid_s" INT 5
	topo_kamailio_stop
	grep -a '^{.*}$' "$RUN/sipstat.json" | tail -n 1 >"$RUN/last.json"
	jq -r '.methods | to_entries[] | .key as $m | .value.codes | to_entries[] |
		"\($m) \(.key) \(.value)"' "$RUN/last.json" | sort >"$RUN/got.mc"
	jq -r '.peers[] | .peer as $p | .methods | to_entries[] | .key as $m | .value.codes |
		to_entries[] | "\($p) \($m) \(.key) \(.value)"' "$RUN/last.json" | sort >"$RUN/got.peers"
	same_counts "kamailio: method x code equals what the sipp scenarios sent ($(wc -l <"$RUN/want.mc") pairs)" \
		"$RUN/got.mc" "$RUN/want.mc"
	same_counts "kamailio: per peer (callers, callees) method x code equals the scenarios" \
		"$RUN/got.peers" "$RUN/want.peers"
	topo_destroy "$KP"
}
if command -v kamailio >/dev/null && command -v sipp >/dev/null; then
	kamailio_run
else
	skip "kamailio: method x code per peer" "kamailio or sipp is not installed"
fi

# ------------------------------------------------------------ (2) peers

if ! pair_setup; then
	not_ok "namespaces and veth pair set up" "ip failed, see stderr"
	done_testing
fi
# More source addresses in B: inside and outside the named prefixes.
for a in 198.18.0.66/24 198.19.0.9/32; do addr_add "$NS_B" "$IF_B" "$a"; done
for a in 2001:db8:1::99/64 2001:db8:2::7/128; do addr_add "$NS_B" "$IF_B" "$a"; done
diag "namespaces $NS_A ($IF_A $A4 $A6) and $NS_B ($IF_B: senders)"

cat >"$T/peers" <<EOF
# named peers: overlapping prefixes, IPv4 and IPv6
lab     198.18.0.0/24   2001:db8:1::/64
edge    198.18.0.64/26          # inside lab's /24: the longer prefix wins
host99  2001:db8:1::99
EOF

# send FROM TO CODE METHOD COUNT: COUNT responses from source FROM.
send() {
	ip netns exec "$NS_B" python3 - "$@" <<'EOF'
import socket, sys
src, dst, code, method, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((src, 5060))
msg = ("SIP/2.0 %s Reason\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-i\r\nFrom: <sip:a@x>;tag=1\r\n"
       "To: <sip:b@x>;tag=2\r\nCall-ID: ins@x\r\nCSeq: 7 %s\r\nContent-Length: 0\r\n\r\n"
       % (code, src, method)).encode()
for _ in range(count):
    s.sendto(msg, (dst, 5060))
EOF
}

# A bad peers file: usage error (2) naming the line, nothing attached.
printf 'good 198.18.0.0/24\nbad 198.18.0.0/40\n' >"$T/bad-peers"
ip netns exec "$NS_A" "$SIPSTAT" -i "$IF_A" --peers "$T/bad-peers" 1 1 >"$T/bad.out" 2>"$T/bad.err"
rc=$?
if [[ $rc -eq 2 ]] && grep -q 'line 2: "198.18.0.0/40" is not an IPv4 or IPv6 prefix' "$T/bad.err"; then
	ok "peers: a bad file is a usage error naming the line"
else
	not_ok "peers: a bad file is a usage error naming the line" "exit $rc" "$(cat "$T/bad.err")"
fi
if ip -n "$NS_A" link show "$IF_A" | grep -q xdp; then
	not_ok "peers: nothing attached after a bad file" "$(ip -n "$NS_A" link show "$IF_A")"
else
	ok "peers: nothing attached after a bad file"
fi

bg_start "$NS_A" "$T/watch.json" "$T/watch.err" "$SIPSTAT" -i "$IF_A" --mode skb \
	--peers "$T/peers" --per-peer --failing 5 -o json 0.3
WATCH=$SST_LAST_PID
# Loading and verifying the program takes seconds on a busy machine.
if ! wait_until 90 has_report "$T/watch.json"; then
	not_ok "sipstat --peers reports" "no report within 90 s"
	diag_file "sipstat stderr" "$T/watch.err"
	done_testing
fi

send 198.18.0.2 "$A4" 200 INVITE 3	# lab
send 198.18.0.66 "$A4" 503 INVITE 2	# edge (inside lab's /24)
send 2001:db8:1::2 "$A6" 486 INVITE 4	# lab (IPv6)
send 2001:db8:1::99 "$A6" 404 REGISTER 5	# host99 (inside lab's /64)
send 198.19.0.9 "$A4" 200 OPTIONS 1	# other
send 2001:db8:2::7 "$A6" 200 OPTIONS 1	# other

# peer_codes PEER: "METHOD CODE COUNT" lines of the last report.
peer_codes() {
	grep -a '^{.*}$' "$T/watch.json" | tail -n 1 | jq -r --arg p "$1" \
		'.peers[] | select(.peer == $p) | .methods | to_entries[] | .key as $m |
		 .value.codes | to_entries[] | "\($m) \(.key) \(.value)"' | sort | tr '\n' ';'
}
all_there() {
	[[ $(peer_codes other) == "OPTIONS 200 2;" ]]
}
wait_until 15 all_there
check_eq "peers: lab gets the IPv4 and IPv6 responses of its prefixes" "$(peer_codes lab)" \
	"INVITE 200 3;INVITE 486 4;"
check_eq "peers: edge gets its /26, the longer prefix inside lab's /24" "$(peer_codes edge)" \
	"INVITE 503 2;"
check_eq "peers: host99 gets its /128, inside lab's /64" "$(peer_codes host99)" \
	"REGISTER 404 5;"
check_eq "peers: addresses no prefix matches count as other" "$(peer_codes other)" \
	"OPTIONS 200 2;"

failing() {
	grep -a '^{.*}$' "$T/watch.json" | tail -n 1 | jq -r --arg c "$1" \
		'.failing[$c][] | "\(.address) \(.dir) \(.total)"' | tr '\n' ';'
}
check_eq "failing: 4xx names the addresses that sent them, busiest first" "$(failing 4xx)" \
	"2001:db8:1::99 in 5;2001:db8:1::2 in 4;"
check_eq "failing: 5xx names the address that sent it" "$(failing 5xx)" "198.18.0.66 in 2;"
check_eq "failing: no 6xx" "$(failing 6xx)" ""

# Change the file live: edge is renamed edge2 and lab loses its IPv6 /64.
cat >"$T/peers.new" <<EOF
lab     198.18.0.0/24
edge2   198.18.0.64/26
host99  2001:db8:1::99
EOF
mv "$T/peers.new" "$T/peers"
wait_until 15 grep -q "peers file .* applied: 3 peers, 3 prefixes" "$T/watch.err"
check "peers: a changed file is applied live (said on stderr)" \
	grep -q "peers file .* applied: 3 peers, 3 prefixes" "$T/watch.err"
send 198.18.0.66 "$A4" 503 INVITE 6	# now edge2
send 2001:db8:1::2 "$A6" 486 INVITE 1	# now other
changed() {
	[[ $(peer_codes edge2) == "INVITE 503 6;" && $(peer_codes other) == *"INVITE 486 1;"* ]]
}
wait_until 15 changed
check_eq "peers: after the change, the renamed prefix counts under its new name" \
	"$(peer_codes edge2)" "INVITE 503 6;"
check_eq "peers: after the change, counts of before are kept under the old name" \
	"$(peer_codes edge)" "INVITE 503 2;"
check_eq "peers: after the change, lab keeps its counts" "$(peer_codes lab)" \
	"INVITE 200 3;INVITE 486 4;"
check_eq "peers: after the change, the dropped /64 counts as other" "$(peer_codes other)" \
	"INVITE 486 1;OPTIONS 200 2;"
# Method x code of the whole report against what was sent (the per-peer
# counts are read just after the others: a frame between the two readings
# is in the next report's method table).
whole() {
	grep -a '^{.*}$' "$T/watch.json" | tail -n 1 | jq -r '.methods | to_entries[] | .key as $m |
		.value.codes | to_entries[] | "\($m) \(.key) \(.value)"' | sort | tr '\n' ';'
}
WANT_WHOLE="INVITE 200 3;INVITE 486 5;INVITE 503 8;OPTIONS 200 2;REGISTER 404 5;"
whole_there() { [[ $(whole) == "$WANT_WHOLE" ]]; }
wait_until 5 whole_there
check_eq "methods: method x code of the report equals what was sent" "$(whole)" "$WANT_WHOLE"

if stop_pid "$WATCH" INT 5 && [[ $SST_RC -eq 0 ]]; then
	ok "sipstat stopped cleanly on SIGINT"
else
	not_ok "sipstat stopped cleanly on SIGINT" "exit $SST_RC"
	diag_file "sipstat stderr" "$T/watch.err"
fi
if ip -n "$NS_A" link show "$IF_A" | grep -q xdp; then
	not_ok "no program left on $IF_A" "$(ip -n "$NS_A" link show "$IF_A")"
else
	ok "no program left on $IF_A"
fi

# ------------------------------------------------------------ pinned
# attach --peers: the table behind the pinned link, the names for every
# reader under /run/sipstat; show --per-peer; detach removes the names.
# The pins and the peer names of A's namespace: named by its inode and cookie.
if ! PIN_A=$(pin_dir "$NS_A" "$IF_A"); then
	not_ok "pinned: namespace A's pin directory known" "no inode or cookie for $NS_A"
	done_testing
fi
NAMES_A=/run/sipstat/$(basename "$(dirname "$PIN_A")")/$IF_A.peers
NSA_PATH=/run/netns/$NS_A
in_a() { nsenter --net="$NSA_PATH" "$SIPSTAT" "$@"; }
detach_a() { in_a detach -i "$IF_A" >/dev/null 2>&1; }
trap 'rc_=$?; detach_a; (exit "$rc_"); sst_cleanup' EXIT
if in_a attach -i "$IF_A" --mode skb --peers "$T/peers" >"$T/attach.out" 2>"$T/attach.err"; then
	ok "pinned: attach --peers"
else
	not_ok "pinned: attach --peers" "$(cat "$T/attach.err")"
fi
check "pinned: attach says what it loaded" grep -q "$IF_A: 3 peers, 3 prefixes from" "$T/attach.err"
check "pinned: the names are written for readers" grep -qx "2 edge2" "$NAMES_A"
send 198.18.0.66 "$A4" 503 INVITE 2
send 198.18.0.2 "$A4" 603 INVITE 1
shown() {
	in_a show -i "$IF_A" -o json 2>/dev/null | jq -r --arg p "$1" \
		'.peers[] | select(.peer == $p) | .methods | to_entries[] | .key as $m |
		 .value.codes | to_entries[] | "\($m) \(.key) \(.value)"' | sort | tr '\n' ';'
}
got_edge() { [[ $(shown edge2) == "INVITE 503 2;" ]]; }
wait_until 10 got_edge
check_eq "pinned: show names the peer of pinned counts" "$(shown edge2)" "INVITE 503 2;"
check_eq "pinned: show, the other peer" "$(shown lab)" "INVITE 603 1;"
in_a show -i "$IF_A" --per-peer --failing 3 >"$T/show.txt" 2>&1
check "pinned: show --per-peer prints a block per peer" grep -q "^  peer edge2: responses 2" "$T/show.txt"
check "pinned: show --failing names the 6xx sender" grep -q "^  failing 6xx: 198.18.0.2 in 1" "$T/show.txt"
in_a show -i "$IF_A" -o prometheus --export-failing 1 >"$T/show.prom" 2>&1
check "pinned: export, responses per peer with a bounded peer label" grep -qx \
	"sipstat_peer_responses_total{interface=\"$IF_A\",direction=\"in\",peer=\"edge2\",method=\"INVITE\",code=\"503\",class=\"5xx\"} 2" \
	"$T/show.prom"
check "pinned: export, the busiest failing address per class (--export-failing 1)" grep -qx \
	"sipstat_failing_responses{interface=\"$IF_A\",direction=\"in\",address=\"198.18.0.66\",class=\"5xx\"} 2" \
	"$T/show.prom"
check "pinned: export, KPIs as ratios (ASR 0: no INVITE answered)" grep -qx \
	"sipstat_kpi_ratio{interface=\"$IF_A\",kpi=\"asr\"} 0.000000" "$T/show.prom"
# The same in CSV, in its columns: the peer's name, the address, the KPI in result.
in_a show -i "$IF_A" -o csv --export-failing 1 >"$T/show.csv" 2>&1
check "csv: responses per peer, the peer in result" grep -q \
	",$IF_A,peer_responses,in,INVITE,503,5xx,edge2,2\$" "$T/show.csv"
check "csv: the busiest failing address per class (--export-failing 1)" grep -q \
	",$IF_A,failing_responses,in,,,5xx,198.18.0.66,2\$" "$T/show.csv"
check "csv: KPIs as ratios (ASR 0: no INVITE answered)" grep -q \
	",$IF_A,kpi_ratio,,,,,asr,0.000000\$" "$T/show.csv"
check_eq "csv: every row has the header's ten columns" \
	"$(awk -F, 'NF != 10' "$T/show.csv" | head -n 3)" ""
in_a show -i "$IF_A" -o csv >"$T/show2.csv" 2>&1
if grep -q ",failing_responses," "$T/show2.csv"; then
	not_ok "csv: no raw addresses unless asked" "$(grep failing_responses "$T/show2.csv")"
else
	ok "csv: no raw addresses unless asked"
fi
in_a show -i "$IF_A" -o prometheus >"$T/show2.prom" 2>&1
if grep -q "^sipstat_failing_responses{" "$T/show2.prom"; then
	not_ok "pinned: export, no raw addresses unless asked" "$(grep failing_responses "$T/show2.prom")"
else
	ok "pinned: export, no raw addresses unless asked"
fi
# serve --listen: the same from an endpoint, read afresh at every scrape.
if command -v curl >/dev/null; then
	bg_start - "$T/serve.out" "$T/serve.err" nsenter --net="$NSA_PATH" "$SIPSTAT" serve \
		-i "$IF_A" --peers "$T/peers" --listen 127.0.0.1:19065 --export-failing 2
	SERVE=$SST_LAST_PID
	scraped() {
		nsenter --net="$NSA_PATH" curl -s -m 2 http://127.0.0.1:19065/metrics >"$T/serve.prom" &&
			grep -q '^sipstat_peer_responses_total' "$T/serve.prom"
	}
	wait_until 30 scraped
	check "serve --listen: responses per peer" grep -qx \
		"sipstat_peer_responses_total{interface=\"$IF_A\",direction=\"in\",peer=\"lab\",method=\"INVITE\",code=\"603\",class=\"6xx\"} 1" \
		"$T/serve.prom"
	check "serve --listen: failing addresses with --export-failing" grep -qx \
		"sipstat_failing_responses{interface=\"$IF_A\",direction=\"in\",address=\"198.18.0.2\",class=\"6xx\"} 1" \
		"$T/serve.prom"
	stop_pid "$SERVE" TERM 5
else
	skip "serve --listen: responses per peer" "curl is not installed"
fi
# attach --replace: a new program on the pinned maps; the counts per peer
# and the failing addresses go on where they were, and so does counting
# per peer (without --peers: the pinned prefixes are the program's).
in_a status -i "$IF_A" -o json >"$T/status.json" 2>&1
check_eq "pinned: status shows the peer maps pinned with the counters" \
	"$(jq -r '.interfaces[0].pins | "\(.peers) \(.peer_counts) \(.failing)"' "$T/status.json")" \
	"true true true"
in_a status -i "$IF_A" >"$T/status.txt" 2>&1
check "pinned: status lists the peer pins" grep -q "pins: .*peers peer_counts failing" "$T/status.txt"
prog_before=$(jq -r '.interfaces[0].prog_id' "$T/status.json")
if in_a attach --replace -i "$IF_A" >"$T/replace.out" 2>"$T/replace.err"; then
	ok "pinned: attach --replace"
else
	not_ok "pinned: attach --replace" "$(cat "$T/replace.err")"
fi
prog_after=$(in_a status -i "$IF_A" -o json 2>/dev/null | jq -r '.interfaces[0].prog_id')
if [[ $prog_after != "$prog_before" && $prog_after != 0 ]]; then
	ok "pinned: --replace put a new program in place ($prog_before -> $prog_after)"
else
	not_ok "pinned: --replace put a new program in place" "prog id $prog_before -> $prog_after"
fi
check_eq "pinned: after --replace, the per-peer counts are still there" "$(shown edge2)" \
	"INVITE 503 2;"
in_a show -i "$IF_A" --failing 3 >"$T/show3.txt" 2>&1
check "pinned: after --replace, the failing address is still there" \
	grep -q "^  failing 6xx: 198.18.0.2 in 1" "$T/show3.txt"
send 198.18.0.66 "$A4" 503 INVITE 3
more_edge() { [[ $(shown edge2) == "INVITE 503 5;" ]]; }
wait_until 10 more_edge
check_eq "pinned: after --replace, the new program counts per peer on top" "$(shown edge2)" \
	"INVITE 503 5;"
# A changed peers file on attach: the pinned prefixes are replaced, none stale.
printf 'lab 198.18.0.0/24\n' >"$T/peers.one"
in_a attach -i "$IF_A" --peers "$T/peers.one" >/dev/null 2>"$T/attach2.err"
send 198.18.0.66 "$A4" 503 INVITE 1	# edge2's /26 is gone: lab now
lab_now() { [[ $(shown lab) == "INVITE 503 1;INVITE 603 1;" ]]; }
wait_until 10 lab_now
check_eq "pinned: a changed peers file leaves no stale prefix in the pinned table" \
	"$(shown lab)" "INVITE 503 1;INVITE 603 1;"
check_eq "pinned: and the retired name keeps its counts" "$(shown edge2)" "INVITE 503 5;"
in_a attach -i "$IF_A" --reset >/dev/null 2>"$T/reset.err"
in_a show -i "$IF_A" --per-peer --failing 3 -o json >"$T/reset.json" 2>&1
check_eq "pinned: attach --reset zeroes the per-peer counts and failing addresses too" \
	"$(jq -c '[(.peers // [])[] | select(.responses > 0)] + [(.failing // {})[][]]' "$T/reset.json")" "[]"
send 198.18.0.66 "$A4" 503 INVITE 1
lab_again() { [[ $(shown lab) == "INVITE 503 1;" ]]; }
wait_until 10 lab_again
check_eq "pinned: after --reset, the prefixes still name the peer" "$(shown lab)" "INVITE 503 1;"
if detach_a && [[ ! -e $NAMES_A ]]; then
	ok "pinned: detach removes the names"
else
	not_ok "pinned: detach removes the names" "$(ls -l /run/sipstat 2>&1)"
fi
if [[ -e $PIN_A ]]; then
	not_ok "pinned: detach removes every pin, the peer maps too" "$(ls -l "$PIN_A" 2>&1)"
else
	ok "pinned: detach removes every pin, the peer maps too"
fi
in_a attach -i "$IF_A" --mode skb >/dev/null 2>"$T/attach3.err"
in_a show -i "$IF_A" --per-peer --failing 3 -o json >"$T/fresh.json" 2>&1
check_eq "pinned: attached again after detach, no per-peer counts or failing addresses of before" \
	"$(jq -c '[(.peers // [])[] | select(.responses > 0)] + [(.failing // {})[][]]' "$T/fresh.json")" "[]"
detach_a

# Counting on TC only there is no link: the peer table is found through the
# pinned TC program, by attach --peers and by every reader.
if in_a attach -i "$IF_A" --mode tc --peers "$T/peers" >/dev/null 2>"$T/tc.err"; then
	ok "pinned, TC only: attach --mode tc --peers"
else
	not_ok "pinned, TC only: attach --mode tc --peers" "$(cat "$T/tc.err")"
fi
send 198.18.0.66 "$A4" 503 INVITE 2
tc_edge() { [[ $(shown edge2) == "INVITE 503 2;" ]]; }
wait_until 10 tc_edge
check_eq "pinned, TC only: show names the peer of the counts" "$(shown edge2)" "INVITE 503 2;"
in_a show -i "$IF_A" -o prometheus --export-failing 1 >"$T/tc.prom" 2>&1
check "pinned, TC only: export, the failing address" grep -qx \
	"sipstat_failing_responses{interface=\"$IF_A\",direction=\"in\",address=\"198.18.0.66\",class=\"5xx\"} 2" \
	"$T/tc.prom"
detach_a
if [[ -e $PIN_A ]]; then
	not_ok "pinned, TC only: detach removes every pin" "$(ls -l "$PIN_A" 2>&1)"
else
	ok "pinned, TC only: detach removes every pin"
fi

# Counting on TC only for the process's own lifetime (no link, no pins):
# the peer table is found through the process's own TC program.
bg_start "$NS_A" "$T/tcw.json" "$T/tcw.err" "$SIPSTAT" -i "$IF_A" --mode tc \
	--peers "$T/peers" -o json 0.3
TCW=$SST_LAST_PID
if wait_until 90 has_report "$T/tcw.json"; then
	send 198.18.0.66 "$A4" 503 INVITE 2
	tcw_codes() {
		grep -a '^{.*}$' "$T/tcw.json" | tail -n 1 | jq -r --arg p "$1" \
			'(.peers // [])[] | select(.peer == $p) | .methods | to_entries[] |
			 .key as $m | .value.codes | to_entries[] | "\($m) \(.key) \(.value)"' |
			sort | tr '\n' ';'
	}
	tcw_edge() { [[ $(tcw_codes edge2) == "INVITE 503 2;" ]]; }
	wait_until 15 tcw_edge
	check_eq "own, TC only: sipstat --mode tc --peers names the peer" "$(tcw_codes edge2)" \
		"INVITE 503 2;"
else
	not_ok "own, TC only: sipstat --mode tc --peers names the peer" "no report within 90 s" \
		"$(cat "$T/tcw.err")"
fi
if stop_pid "$TCW" INT 5 && [[ $SST_RC -eq 0 ]]; then
	ok "own, TC only: exit status 0 on SIGINT"
else
	not_ok "own, TC only: exit status 0 on SIGINT" "status $SST_RC" "$(cat "$T/tcw.err")"
fi

done_testing
