#!/usr/bin/env bash
# Helpers are called through wait_until, which shellcheck cannot follow:
# shellcheck disable=SC2317
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Export to monitoring end to end: a real Prometheus scrapes two proxies,
# each with its own sipstat, while SIP responses flow; the shipped scripts
# and rules on the same counts; the endpoint under concurrent scrapes and
# broken, slow or hostile clients.
#
#   ns T1 --veth-- ns P1 (proxy1)          ns P2 (proxy2) --veth-- ns T2
#   198.18.10.2    198.18.10.1 IF1         IF2 198.18.20.1         198.18.20.2
#                  198.18.11.1 --veth--+--veth-- 198.18.21.1
#                                      |
#                  ns M: Prometheus on 127.0.0.1, 198.18.11.2 and 198.18.21.2
#
# proxy1 runs 'sipstat serve --listen 198.18.11.1:9065' (pinned counters),
# proxy2 the watching mode 'sipstat -i IF2 -o prometheus --listen
# 198.18.21.1:9065' (its own program).  Prometheus runs inside M with a
# configuration made from scripts/export/prometheus.yml (only the targets,
# the intervals and the rule file path changed) and its own storage in the
# suite's temporary directory; the API is queried inside M.  Everything
# is removed on exit, also on failure.
#
# Needs root; O=DIR picks the build directory (default build).
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

SIPSTAT=$SST_O/sipstat
TEST_EXPORT=$SST_O/tests/test_export
EXPORT_DIR=$SST_ROOT/scripts/export

# The formatter unit tests first (no root): exact text on crafted counters.
if [[ -x $TEST_EXPORT ]]; then
	"$TEST_EXPORT" || true
else
	not_ok "test_export built" "$TEST_EXPORT is missing: make O=$O $O/tests/test_export"
fi

need_root
need_cmd ip jq curl timeout nsenter promtool prometheus awk python3

# A --listen that cannot be parsed is a usage error (2), said before anything is attached.
sst_tmpdir
for spec in 1.2.3 localhost:9065 '[::1]:99999' 127.0.0.1: ''; do
	"$SIPSTAT" -i lo --listen "$spec" >/dev/null 2>"$SST_TMP/usage.err"
	rc=$?
	if [[ $rc -eq 2 ]] && grep -q 'bad --listen' "$SST_TMP/usage.err"; then
		ok "--listen '$spec': usage error, exit 2"
	else
		not_ok "--listen '$spec': usage error, exit 2" "exit $rc: $(cat "$SST_TMP/usage.err")"
	fi
done

if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi
# The shipped rules, alone.
# quiet CMD...: CMD with its output as diagnostics only when it fails.
quiet() {
	local out
	out=$("$@" 2>&1) && return 0
	diag "$out"
	return 1
}
check "promtool check rules scripts/export/sipstat-rules.yml" \
	quiet promtool check rules "$EXPORT_DIR/sipstat-rules.yml"
check "promtool test rules scripts/export/sipstat-rules.test.yml" \
	quiet promtool test rules "$EXPORT_DIR/sipstat-rules.test.yml"
check "Grafana dashboard is JSON with panels" \
	quiet jq -e '.panels | length > 5' "$EXPORT_DIR/grafana-sipstat.json"

IF1=ex$$p1
IF2=ex$$p2
PIN1=		# proxy1's pins, once its namespace is there
NS_P1=$(ns_name P1)
NS_P2=$(ns_name P2)
NS_T1=$(ns_name T1)
NS_T2=$(ns_name T2)
NS_M=$(ns_name M)
P1_SIP=198.18.10.1
T1_SIP=198.18.10.2
P2_SIP=198.18.20.1
T2_SIP=198.18.20.2
P1_MON=198.18.11.1
M_MON1=198.18.11.2
P2_MON=198.18.21.1
M_MON2=198.18.21.2
PORT=9065
PROM_PORT=9090

sst_tmpdir
T=$SST_TMP

# link NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth pair with /24 addresses.
link() {
	veth_add "$1" "$2" "$4" "$5" &&
		addr_add "$1" "$2" "$3/24" && addr_add "$4" "$5" "$6/24" &&
		link_up "$1" "$2" && link_up "$4" "$5"
}

setup() {
	local ns
	for ns in P1 P2 T1 T2 M; do
		ns_add "$ns" || return 1
	done
	link "$NS_P1" "$IF1" "$P1_SIP" "$NS_T1" t1 "$T1_SIP" &&
		link "$NS_P2" "$IF2" "$P2_SIP" "$NS_T2" t2 "$T2_SIP" &&
		link "$NS_P1" mon1 "$P1_MON" "$NS_M" m1 "$M_MON1" &&
		link "$NS_P2" mon2 "$P2_MON" "$NS_M" m2 "$M_MON2"
}
if ! setup || ! PIN1=$(pin_dir "$NS_P1" "$IF1"); then
	not_ok "namespaces, veth pairs and addresses set up"
	done_testing
fi

sip_response() {
	printf 'SIP/2.0 %s %s\r\nVia: SIP/2.0/UDP 198.18.10.2:5060;branch=z9hG4bK-ex-%s\r\nFrom: <sip:alice@example.net>;tag=a1\r\nTo: <sip:bob@example.net>;tag=b2\r\nCall-ID: ex-%s@example.net\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n' \
		"$2" "$3" "$2" "$2" "$4" >"$T/$1"
}
sip_response 200 200 OK INVITE
sip_response 180 180 Ringing INVITE
sip_response 486 486 "Busy Here" INVITE
sip_response 503 503 "Service Unavailable" INVITE
sip_response 401 401 Unauthorized REGISTER
sip_response 603 603 Decline INVITE
sip_response 604 604 "Does Not Exist Anywhere" INVITE
sip_response 404 404 "Not Found" INVITE
printf 'INVITE sip:bob@example.net SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.10.2:5060;branch=z9hG4bK-r\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' >"$T/invite"

# What each proxy gets: "code count" lines, and the requests.
declare -A SENT1=([200]=30 [486]=7 [401]=5 [603]=3)
declare -A SENT2=([200]=20 [503]=6 [604]=2)
REQ1=9
REQ2=4

to_p1() { udp_send "$NS_T1" "$P1_SIP" 5060 "$2" "$T/$1"; }
to_p2() { udp_send "$NS_T2" "$P2_SIP" 5060 "$2" "$T/$1"; }

# want_file FILE ARRAY-NAME [EXTRA CODE COUNT]...: sorted "code count" lines.
want_file() {
	local f=$1 k
	local -n arr=$2
	shift 2
	{
		for k in "${!arr[@]}"; do
			printf '%s %s\n' "$k" "${arr[$k]}"
		done
		while [[ $# -ge 2 ]]; do
			printf '%s %s\n' "$1" "$2"
			shift 2
		done
	} | sort >"$f"
}

gone() { ! kill -0 "$1" 2>/dev/null; }
in_p1() { nsenter --net="/run/netns/$NS_P1" "$@"; }
in_p2() { nsenter --net="/run/netns/$NS_P2" "$@"; }
in_m() { nsenter --net="/run/netns/$NS_M" "$@"; }

# ------------------------------------------------------------ the proxies

bg_start - "$T/p1.out" "$T/p1.err" nsenter --net="/run/netns/$NS_P1" \
	"$SIPSTAT" serve -i "$IF1" --mode skb --listen "$P1_MON:$PORT"
P1_PID=$SST_LAST_PID
bg_start - "$T/p2.out" "$T/p2.err" nsenter --net="/run/netns/$NS_P2" \
	"$SIPSTAT" -i "$IF2" --mode skb -o prometheus --listen "$P2_MON:$PORT" 1
P2_PID=$SST_LAST_PID

endpoint_up() {
	in_m curl -sf -o /dev/null --max-time 2 "http://$1:$PORT/metrics"
}
if wait_until 30 endpoint_up "$P1_MON" && wait_until 30 endpoint_up "$P2_MON"; then
	ok "both endpoints answer (serve and the watching mode)"
else
	not_ok "both endpoints answer (serve and the watching mode)"
	diag_file "proxy1 stderr" "$T/p1.err"
	diag_file "proxy2 stderr" "$T/p2.err"
	done_testing
fi
check_eq "serve says where the metrics are" \
	"$(grep -c "metrics at http://$P1_MON:$PORT/metrics" "$T/p1.err")" 1

# --------------------------------------------------------------- Prometheus

# The shipped example with the targets of this test, 1 s intervals and the
# rules file next to it; nothing else changed.
cp "$EXPORT_DIR/sipstat-rules.yml" "$T/sipstat-rules.yml"
sed -e "s|^\(\s*- targets: \).*|\1['$P1_MON:$PORT', '$P2_MON:$PORT']|" \
	-e 's|scrape_interval: 15s|scrape_interval: 1s|' \
	-e 's|evaluation_interval: 15s|evaluation_interval: 1s|' \
	-e 's|scrape_timeout: 5s|scrape_timeout: 1s|' \
	"$EXPORT_DIR/prometheus.yml" >"$T/prometheus.yml"
check "promtool check config on the generated prometheus.yml" \
	quiet promtool check config "$T/prometheus.yml"

mkdir -p "$T/tsdb"
bg_start "$NS_M" "$T/prom.out" "$T/prom.err" prometheus \
	--config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn
PROM_PID=$SST_LAST_PID

api() {
	in_m curl -sf --max-time 5 "http://127.0.0.1:$PROM_PORT$1" "${@:2}"
}
# query PROMQL: the API's JSON answer.
query() {
	api /api/v1/query --data-urlencode "query=$1" -G
}
prom_ready() { api /-/ready >/dev/null; }
if wait_until 30 prom_ready; then
	ok "Prometheus started inside the monitoring namespace"
else
	not_ok "Prometheus started inside the monitoring namespace"
	diag_file "prometheus stderr" "$T/prom.err"
	done_testing
fi
targets_up() {
	[[ $(query 'sum(up{job="sipstat"})' | jq -r '.data.result[0].value[1]' 2>/dev/null) == 2 ]]
}
if wait_until 20 targets_up; then
	ok "Prometheus scrapes both proxies (up == 1 for each)"
else
	not_ok "Prometheus scrapes both proxies (up == 1 for each)" \
		"$(api /api/v1/targets | jq -c '.data.activeTargets[] | {scrapeUrl, health, lastError}')"
fi

# ------------------------------------------------------------- the traffic

# A steady flow of 180 Ringing to both proxies in the background, for
# everything below to run while counting; a known number of them.
FLOW=300
flow() {
	local i
	for ((i = 0; i < FLOW; i++)); do
		to_p1 180 1
		to_p2 180 1
		sleep 0.02
	done
}
flow &
FLOW_PID=$!
SST_PIDS+=("$FLOW_PID")

for c in "${!SENT1[@]}"; do
	to_p1 "$c" "${SENT1[$c]}"
done
for c in "${!SENT2[@]}"; do
	to_p2 "$c" "${SENT2[$c]}"
done
to_p1 invite "$REQ1"
to_p2 invite "$REQ2"

# ------------------------------------------- the endpoint while counting

# Concurrent scrapes: 8 clients, 25 scrapes each, both formats; every
# answer a complete exposition.
scraper() {
	local n bad=0 body
	for ((n = 0; n < 25; n++)); do
		if ((n % 2)); then
			body=$(in_m curl -sf --max-time 5 \
				-H 'Accept: application/openmetrics-text;version=1.0.0' \
				"http://$1:$PORT/metrics") && [[ $body == *"# EOF" ]] || bad=$((bad + 1))
		else
			body=$(in_m curl -sf --max-time 5 "http://$1:$PORT/metrics") &&
				[[ $body == *sipstat_events_total* ]] || bad=$((bad + 1))
		fi
	done
	echo "$bad" >"$2"
}
pids=()
for i in 1 2 3 4 5 6 7 8; do
	if ((i % 2)); then target=$P1_MON; else target=$P2_MON; fi
	scraper "$target" "$T/scraper.$i" &
	pids+=($!)
done
wait "${pids[@]}"
bad=$(cat "$T"/scraper.* | awk '{ s += $1 } END { print s + 0 }')
check_eq "200 concurrent scrapes while counting: every one complete" "$bad" 0

# status LINE of a raw request: the first line the server answers, or
# "closed" when it closes without one.
raw() {
	local addr=$1 req=$2
	# shellcheck disable=SC2016
	in_m timeout 10 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || { echo "cannot connect"; exit 0; }
		trap "" PIPE
		printf "%b" "$3" >&3 2>/dev/null
		IFS= read -r -t 8 line <&3 && printf "%s\n" "${line%$'"'\r'"'}" || echo closed' \
		_ "$addr" "$PORT" "$req"
}
code_of() {
	in_m curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@"
}

check_eq "GET / is the index page" "$(code_of "http://$P1_MON:$PORT/")" 200
check_eq "GET /nothing is 404" "$(code_of "http://$P1_MON:$PORT/nothing")" 404
check_eq "POST /metrics is 405" "$(code_of -X POST -d x=1 "http://$P1_MON:$PORT/metrics")" 405
check_eq "DELETE / is 405" "$(code_of -X DELETE "http://$P2_MON:$PORT/")" 405
allow=$(in_m curl -s -D - -o /dev/null -X PUT "http://$P1_MON:$PORT/metrics" | tr -d '\r' |
	awk -F': ' 'tolower($1) == "allow" { print $2 }')
check_eq "405 names the allowed methods" "$allow" "GET, HEAD"
check_eq "HEAD /metrics is 200 without a body" \
	"$(in_m curl -s -I --max-time 5 -o /dev/null -w '%{http_code} %{size_download}' \
		"http://$P1_MON:$PORT/metrics")" "200 0"
ctype=$(in_m curl -s -D - -o /dev/null "http://$P1_MON:$PORT/metrics" | tr -d '\r' |
	awk -F': ' 'tolower($1) == "content-type" { print $2 }')
check_eq "text format's content type" "$ctype" "text/plain; version=0.0.4; charset=utf-8"
ctype=$(in_m curl -s -D - -o /dev/null -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5' \
	"http://$P1_MON:$PORT/metrics" | tr -d '\r' | awk -F': ' 'tolower($1) == "content-type" { print $2 }')
check_eq "OpenMetrics when the Accept header asks" "$ctype" \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"

r=$(raw "$P1_MON" 'GARBAGE\r\n\r\n')
case $r in
"HTTP/1.1 400"* | "HTTP/1.0 400"* | closed) ok "a malformed request line: 400 or closed ($r)" ;;
*) not_ok "a malformed request line: 400 or closed" "got: $r" ;;
esac
r=$(raw "$P1_MON" 'GET /metrics HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n')
case $r in
"HTTP/1.1 400"* | "HTTP/1.1 200"* | closed) ok "a header line without a colon: answered or closed ($r)" ;;
*) not_ok "a header line without a colon: answered or closed" "got: $r" ;;
esac
big=$(head -c 40000 /dev/zero | tr '\0' a)
r=$(code_of -H "X-Big: $big" "http://$P1_MON:$PORT/metrics")
case $r in
431 | 413 | 400 | 000) ok "a 40 kB header: refused ($r), never served" ;;
*) not_ok "a 40 kB header: refused, never served" "got: $r" ;;
esac
r=$(raw "$P2_MON" 'GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n')
case $r in
"HTTP/1.1 505"* | "HTTP/1.1 400"* | closed) ok "an unknown HTTP version: refused ($r)" ;;
*) not_ok "an unknown HTTP version: refused" "got: $r" ;;
esac

# Slow clients: 40 connections (more than the limit of 32) that send half
# a request and wait.  Counting goes on; the server closes them at its
# timeout; then scrapes are answered again.
# The slow clients live in namespace M: one background bash holds them.
# shellcheck disable=SC2016
bg_start "$NS_M" "$T/slow.out" "$T/slow.err" bash -c '
	trap "" PIPE	# connections over the limit are closed at once
	fds=()
	for ((i = 0; i < 40; i++)); do
		exec {fd}<>"/dev/tcp/$1/$2" || break
		printf "GET /metrics HTTP/1.1\r\nHost: x\r\n" >&$fd 2>/dev/null
		fds+=($fd)
	done
	echo "open ${#fds[@]}"
	start=$SECONDS
	closed=0
	for fd in "${fds[@]}"; do
		# The server closes an idle connection at its timeout (5 s):
		# read sees the end of the stream (or the 408 it may send).
		while IFS= read -r -t 20 line <&$fd; do :; done
		closed=$((closed + 1))
	done
	echo "closed $closed after $((SECONDS - start))s"' _ "$P1_MON" "$PORT"
SLOW_PID=$SST_LAST_PID
wait_until 5 grep -qs '^open' "$T/slow.out"
diag "slow clients: $(cat "$T/slow.out")"
# Another client (another address) still gets its scrape: the slow ones
# use up their per-address share, not every slot.
if in_p1 curl -sf -o /dev/null --max-time 3 "http://$P1_MON:$PORT/metrics"; then
	ok "while slow clients hold connections, another client's scrape is answered"
else
	not_ok "while slow clients hold connections, another client's scrape is answered"
fi
to_p1 404 11
SENT1[404]=11
if wait_until 25 grep -qs '^closed' "$T/slow.out"; then
	ok "slow clients are closed by the server's timeout ($(grep '^closed' "$T/slow.out"))"
else
	not_ok "slow clients are closed by the server's timeout" "$(cat "$T/slow.out" "$T/slow.err")"
fi
stop_pid "$SLOW_PID" TERM 2
if wait_until 5 endpoint_up "$P1_MON"; then
	ok "after the slow clients, scrapes are answered again"
else
	not_ok "after the slow clients, scrapes are answered again"
fi

# ------------------------------------------------ counts through Prometheus

wait "$FLOW_PID" 2>/dev/null
sst_forget_pid "$FLOW_PID"
want_file "$T/want1" SENT1 180 "$FLOW"
want_file "$T/want2" SENT2 180 "$FLOW"
{
	cat "$T/want1" "$T/want2" | awk '{ s[$1] += $2 } END { for (c in s) print c, s[c] }' | sort
} >"$T/want_all"

# codes_of PROMQL: "code value" lines of a vector with a code label.
codes_of() {
	query "$1" | jq -r '.data.result[] | "\(.metric.code) \(.value[1])"' | sort
}
q1="sum by (code) (sipstat_responses_total{instance=\"$P1_MON:$PORT\"})"
q2="sum by (code) (sipstat_responses_total{instance=\"$P2_MON:$PORT\"})"
same1() { [[ $(codes_of "$q1") == "$(cat "$T/want1")" ]]; }
same2() { [[ $(codes_of "$q2") == "$(cat "$T/want2")" ]]; }
wait_until 15 same1
codes_of "$q1" >"$T/got1"
same_counts "Prometheus: proxy1's per-code counts equal what was sent" "$T/got1" "$T/want1"
cmp -s "$T/got1" "$T/want1" || diag_file "proxy1's sipstat serve, stderr" "$T/p1.err"
wait_until 15 same2
codes_of "$q2" >"$T/got2"
same_counts "Prometheus: proxy2's per-code counts equal what was sent" "$T/got2" "$T/want2"
codes_of 'sum by (code) (sipstat_responses_total{job="sipstat"})' >"$T/got_all"
same_counts "Prometheus: sum by (code) over both proxies equals the total sent" \
	"$T/got_all" "$T/want_all"
check_eq "Prometheus: proxy1's requests by method" \
	"$(query "sipstat_requests_total{instance=\"$P1_MON:$PORT\"}" |
		jq -r '.data.result[] | "\(.metric.method) \(.value[1])"')" "INVITE $REQ1"
check_eq "Prometheus: the 401s of proxy1 are REGISTER's, class 4xx" \
	"$(query "sipstat_responses_total{instance=\"$P1_MON:$PORT\",code=\"401\"}" |
		jq -r '.data.result[] | "\(.metric.method) \(.metric.class) \(.value[1])"')" \
	"REGISTER 4xx 5"
check_eq "Prometheus: one sipstat_info per proxy interface, with mode and ports" \
	"$(query 'sipstat_info' | jq -r '[.data.result[] | "\(.metric.interface) \(.metric.mode) \(.metric.ports)"] | sort | join(",")')" \
	"$IF1 skb 5060,$IF2 skb 5060"

# The shipped 6xx rule's expression over the scraped data: 603 on proxy1,
# 604 on proxy2.  The rule file is loaded too: the alert fires.
expr=$(awk '/alert: SipstatGlobalFailure/ { f = 1 } f && /expr: \|/ { g = 1; next }
	g && /^        [a-z]+:/ { exit } g { print }' "$EXPORT_DIR/sipstat-rules.yml")
got=$(query "$expr" | jq -r '[.data.result[] | "\(.metric.instance) \(.metric.code)"] | sort | join(",")')
check_eq "the 6xx rule's expression over the scraped data names 603 and 604" "$got" \
	"$P1_MON:$PORT 603,$P2_MON:$PORT 604"
firing() {
	[[ $(api /api/v1/alerts | jq -r '[.data.alerts[] | select(.labels.alertname == "SipstatGlobalFailure" and .state == "firing") | .labels.code] | sort | join(",")') == "603,604" ]]
}
if wait_until 15 firing; then
	ok "SipstatGlobalFailure fires in Prometheus for 603 and 604"
else
	not_ok "SipstatGlobalFailure fires in Prometheus for 603 and 604" \
		"$(api /api/v1/alerts | jq -c '.data.alerts')"
fi
check_eq "the recording rules load (no rule health errors)" \
	"$(api /api/v1/rules | jq -r '[.data.groups[].rules[] | select(.health == "err")] | length')" 0

# Every expression of the Grafana dashboard runs on the scraped data.
bad=""
while IFS= read -r e; do
	e=${e//\$instance/.*}
	e=${e//\$interface/.*}
	e=${e//\$__range/5m}
	[[ $(query "$e" | jq -r .status 2>/dev/null) == success ]] || bad+="$e; "
done < <(jq -r '.panels[].targets[].expr' "$EXPORT_DIR/grafana-sipstat.json")
check_eq "every Grafana dashboard query runs in Prometheus" "$bad" ""

# ------------------------------------------------ the exposition itself

in_m curl -sf "http://$P1_MON:$PORT/metrics" >"$T/p1.prom"
check "promtool check metrics on proxy1's /metrics" quiet bash -c "promtool check metrics <'$T/p1.prom'"
in_p1 "$SIPSTAT" show -i "$IF1" -o prometheus >"$T/show.prom" 2>"$T/show.err"
check "promtool check metrics on sipstat show -o prometheus" \
	quiet bash -c "promtool check metrics <'$T/show.prom'"
# The watching mode's next to last exposition (the last may be being written).
awk '/^# HELP sipstat_build_info/ { n++ } { print > (dir "/watch." n) }' dir="$T" "$T/p2.out"
n=$(grep -c '^# HELP sipstat_build_info' "$T/p2.out")
last=$T/watch.$((n > 1 ? n - 1 : 1))
check "promtool check metrics on the watching mode's -o prometheus report" \
	bash -c "[[ -s '$last' ]] && promtool check metrics <'$last'"

# prom_codes FILE: "code count" of sipstat_responses_total lines.
prom_codes() {
	awk '/^sipstat_responses_total\{/ {
		match($0, /code="[0-9]+"/); c = substr($0, RSTART + 6, 3); s[c] += $NF }
		END { for (c in s) print c, s[c] }' "$1" | sort
}
prom_codes "$T/show.prom" >"$T/got_show"
same_counts "sipstat show -o prometheus: per-code counts" "$T/got_show" "$T/want1"

# ------------------------------------------------------------ the scripts

mkdir -p "$T/textfile"
if in_p1 env SIPSTAT="$SIPSTAT" "$EXPORT_DIR/sipstat-textfile" -d "$T/textfile" -- -i "$IF1"; then
	ok "sipstat-textfile writes the collector file"
else
	not_ok "sipstat-textfile writes the collector file"
fi
check_eq "sipstat-textfile leaves only sipstat.prom (the temporary file renamed)" \
	"$(ls -A "$T/textfile")" "sipstat.prom"
prom_codes "$T/textfile/sipstat.prom" >"$T/got_tf"
same_counts "sipstat-textfile: per-code counts" "$T/got_tf" "$T/want1"
check "promtool check metrics on the textfile" \
	quiet bash -c "promtool check metrics <'$T/textfile/sipstat.prom'"
check_eq "sipstat-textfile: a missing directory is an error" \
	"$(in_p1 env SIPSTAT="$SIPSTAT" "$EXPORT_DIR/sipstat-textfile" -d "$T/none" >/dev/null 2>&1; echo $?)" 1

in_p1 "$SIPSTAT" show -i "$IF1" -o influx >"$T/show.influx"
awk '$1 ~ /^sipstat_responses,/ { match($1, /code=[0-9]+/); c = substr($1, RSTART + 5, 3)
	v = $2; sub(/^total=/, "", v); sub(/i$/, "", v); s[c] += v }
	END { for (c in s) print c, s[c] }' "$T/show.influx" | sort >"$T/got_influx"
same_counts "sipstat show -o influx (the Telegraf exec input): per-code counts" \
	"$T/got_influx" "$T/want1"
check_eq "influx: every line is measurement,tags total=Ni (or ratio=F) timestamp" \
	"$(grep -cvE '^sipstat_[a-z_]+(,[a-z]+=[^ ,]+)+ (total=[0-9]+i|ratio=[0-9.]+) [0-9]{19}$' \
		"$T/show.influx")" 0

in_p1 "$SIPSTAT" show -i "$IF1" -o csv >"$T/show.csv"
awk -F, 'NR > 1 && $4 == "responses" { s[$7] += $10 } END { for (c in s) print c, s[c] }' \
	"$T/show.csv" | sort >"$T/got_csv"
same_counts "sipstat show -o csv: per-code counts" "$T/got_csv" "$T/want1"
check_eq "csv: the header row" "$(head -n 1 "$T/show.csv")" \
	"time,host,interface,metric,direction,method,code,class,result,value"

# StatsD: the first reading is the base, the second sends the growth.
bg_start - "$T/statsd.out" "$T/statsd.err" nsenter --net="/run/netns/$NS_P1" \
	env SIPSTAT="$SIPSTAT" "$EXPORT_DIR/sipstat-statsd" --stdout -v -n 3 -c 1 -- -i "$IF1"
STATSD_PID=$SST_LAST_PID
wait_until 10 grep -qs 'reading 0 taken' "$T/statsd.err"
to_p1 486 4
wait_until 10 gone "$STATSD_PID"
stop_pid "$STATSD_PID" TERM 1 || true
check_eq "sipstat-statsd: exactly the growth between two readings" \
	"$(sort "$T/statsd.out" | grep '^sipstat\.responses\.')" \
	"sipstat.responses.$IF1.in.INVITE.486:4|c"
SENT1[486]=$((SENT1[486] + 4))
if [[ -x /usr/bin/python3 ]]; then
	# A real StatsD datagram: a one-shot UDP listener inside proxy1.
	bg_start "$NS_P1" "$T/udp.out" "$T/udp.err" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 8125))
s.settimeout(15)
print(s.recv(65535).decode(), end="", flush=True)'
	UDP_PID=$SST_LAST_PID
	udp_bound() { ip netns exec "$NS_P1" ss -Huln 'sport = :8125' | grep -q 8125; }
	wait_until 10 udp_bound
	bg_start - "$T/statsd2.out" "$T/statsd2.err" nsenter --net="/run/netns/$NS_P1" \
		env SIPSTAT="$SIPSTAT" "$EXPORT_DIR/sipstat-statsd" -v -H 127.0.0.1 -P 8125 -n 3 -c 1 \
		-- -i "$IF1"
	STATSD_PID=$SST_LAST_PID
	wait_until 10 grep -qs 'reading 0 taken' "$T/statsd2.err"
	to_p1 200 3
	wait_until 10 gone "$STATSD_PID"
	wait_until 5 gone "$UDP_PID"
	stop_pid "$STATSD_PID" TERM 1 || true
	stop_pid "$UDP_PID" TERM 1 || true
	check_eq "sipstat-statsd: the datagram a StatsD server gets" \
		"$(grep '^sipstat\.responses\.' "$T/udp.out")" "sipstat.responses.$IF1.in.INVITE.200:3|c"
	SENT1[200]=$((SENT1[200] + 3))
else
	skip "sipstat-statsd over UDP" "no /usr/bin/python3 for a UDP listener"
fi

# --------------------------------------------- counting was never affected

want_file "$T/want1" SENT1 180 "$FLOW"
show_codes() {
	in_p1 "$SIPSTAT" show -i "$IF1" -o csv 2>/dev/null |
		awk -F, 'NR > 1 && $4 == "responses" { s[$7] += $10 } END { for (c in s) print c, s[c] }' |
		sort
}
show_codes >"$T/got_end"
same_counts "after every scrape, abuse and script: proxy1's counts are exactly what was sent" \
	"$T/got_end" "$T/want1"
same_end2() { [[ $(codes_of "$q2") == "$(cat "$T/want2")" ]]; }
wait_until 5 same_end2
codes_of "$q2" >"$T/got_end2"
same_counts "and proxy2's (watching mode, through Prometheus)" "$T/got_end2" "$T/want2"

# ----------------------------------------------------------------- the end

if stop_pid "$PROM_PID" TERM 10; then
	ok "Prometheus stopped on SIGTERM"
else
	not_ok "Prometheus stopped on SIGTERM" "it had to be killed"
fi
stop_pid "$P2_PID" INT 5
check_eq "proxy2's sipstat exits 0 on SIGINT" "$SST_RC" 0
stop_pid "$P1_PID" TERM 5
check_eq "proxy1's sipstat serve exits 0 on SIGTERM" "$SST_RC" 0
if nsenter --net="/run/netns/$NS_P1" "$SIPSTAT" detach -i "$IF1" >/dev/null 2>&1; then
	ok "proxy1 detached, its pins removed"
else
	not_ok "proxy1 detached, its pins removed"
fi
check_eq "no pin of this suite is left" "$(ls -d "$PIN1" 2>/dev/null)" ""

done_testing
