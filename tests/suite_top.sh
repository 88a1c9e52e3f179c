#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The live view end to end: `sipstat -i a0 --top 0.5` inside a network
# namespace, on a real terminal (a detached tmux session, 100x30), real SIP
# responses over UDP sent from the namespace at the other end of a veth
# pair.  Reads the screen with `tmux capture-pane` and checks the counts,
# sorting, selection and its meaning line, the 6xx alert pane, resizing
# (80x24, 200x50, too small), colour and NO_COLOR, the exits (q, Ctrl-C,
# SIGTERM: no XDP program left behind) and the text fallback without a
# terminal.
#
#   ns stop-<pid>-A: a0 198.18.46.1/24 2001:db8:46::1/64   <- sipstat here
#   ns stop-<pid>-B: b0 198.18.46.2/24 2001:db8:46::2/64   <- traffic from here
#
# Output: "ok - NAME", "not ok - NAME", "skip - NAME: WHY" lines (tests/run.sh
# adds them up).  Without root: one skip line, exit 0.  A trap removes every
# namespace, link, tmux server and process made here, also on failure.
# O=DIR picks the build directory (default build).
set -u

SUITE=suite_top
ROOT=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build}
case $O in
/*) SIPSTAT=$O/sipstat ;;
*) SIPSTAT=$ROOT/$O/sipstat ;;
esac

if [[ $EUID -ne 0 ]]; then
	echo "skip - $SUITE: needs root (network namespaces and XDP); run as root or with sudo"
	exit 0
fi
for c in ip tmux timeout; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "skip - $SUITE: missing command $c (make deps installs it)"
		exit 0
	fi
done

PREFIX=stop-$$
NS_A=$PREFIX-A
NS_B=$PREFIX-B
IF_A=a0
IF_B=b0
A4=198.18.46.1
B4=198.18.46.2
A6=2001:db8:46::1
B6=2001:db8:46::2
SOCK=$PREFIX		# private tmux server: never the user's
SOCK_DIR=${TMUX_TMPDIR:-/tmp}/tmux-$EUID
TMP=""
NS_MADE=()

# ------------------------------------------------------------- results

# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"

diag_screen() {
	printf '# screen of %s:\n' "$1"
	screen "$1" | sed 's/^/#   |/'
}

# ------------------------------------------------------------- cleanup

tm() {
	tmux -L "$SOCK" -f /dev/null "$@"
}

cleanup() {
	local rc=$? ns p
	trap - EXIT INT TERM
	set +e
	# The panes get SIGHUP: sipstat detaches on it.
	tm kill-server 2>/dev/null
	rm -f "$SOCK_DIR/$SOCK"
	for ns in "${NS_MADE[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$p" 2>/dev/null
		done
	done
	sleep 0.2
	for ns in "${NS_MADE[@]}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
	done
	[[ ${#NS_MADE[@]} -gt 0 ]] && ip -n "$NS_A" link del "$IF_A" 2>/dev/null
	for ns in "${NS_MADE[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[[ -n $TMP ]] && rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "# $SUITE: interrupted, cleaning up"; exit 130' INT
trap 'echo "# $SUITE: terminated, cleaning up"; exit 143' TERM

# Leftovers of an earlier run that was SIGKILLed (its pid is gone).
reap_stale() {
	local ns pid p
	while read -r ns _; do
		[[ $ns =~ ^stop-([0-9]+)-[AB]$ ]] || continue
		pid=${BASH_REMATCH[1]}
		[[ $pid == "$$" ]] && continue
		kill -0 "$pid" 2>/dev/null && continue
		tmux -L "stop-$pid" -f /dev/null kill-server 2>/dev/null
		rm -f "$SOCK_DIR/stop-$pid"
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done < <(ip netns list 2>/dev/null)
}
reap_stale

# --------------------------------------------------------------- setup

if [[ ! -x $SIPSTAT ]]; then
	not_ok "$SUITE: sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/$PREFIX-XXXXXX") || exit 1

setup() {
	local ma mb
	ip netns add "$NS_A" || return 1
	NS_MADE+=("$NS_A")
	ip netns add "$NS_B" || return 1
	NS_MADE+=("$NS_B")
	ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up || return 1
	# Made inside the namespaces: nothing ever appears in the host's.
	ip -n "$NS_A" link add "$IF_A" type veth peer name "$IF_B" netns "$NS_B" || return 1
	ip -n "$NS_A" addr add "$A4/24" dev "$IF_A" || return 1
	ip -n "$NS_B" addr add "$B4/24" dev "$IF_B" || return 1
	ip -n "$NS_A" addr add "$A6/64" dev "$IF_A" nodad || return 1
	ip -n "$NS_B" addr add "$B6/64" dev "$IF_B" nodad || return 1
	ip -n "$NS_A" link set "$IF_A" up && ip -n "$NS_B" link set "$IF_B" up || return 1
	ma=$(ip -n "$NS_A" link show "$IF_A" | awk '$1 == "link/ether" { print $2 }')
	mb=$(ip -n "$NS_B" link show "$IF_B" | awk '$1 == "link/ether" { print $2 }')
	ip -n "$NS_B" neigh replace "$A4" lladdr "$ma" dev "$IF_B" nud permanent &&
		ip -n "$NS_B" neigh replace "$A6" lladdr "$ma" dev "$IF_B" nud permanent &&
		ip -n "$NS_A" neigh replace "$B4" lladdr "$mb" dev "$IF_A" nud permanent &&
		ip -n "$NS_A" neigh replace "$B6" lladdr "$mb" dev "$IF_A" nud permanent
}

if ! setup; then
	not_ok "$SUITE: namespaces and veth pair set up" "ip failed, see stderr"
	exit 1
fi
echo "# namespaces $NS_A ($IF_A $A4 $A6) and $NS_B ($IF_B $B4 $B6)"

# ----------------------------------------------------------- helpers

# send COUNT ADDR 'CODE REASON': COUNT SIP responses, one datagram each
# (cat writes the file in one go; bash's printf would write per line).
send() {
	local n=$1 addr=$2 status=$3 f
	f=$TMP/payload-${status%% *}
	printf 'SIP/2.0 %s\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-stop\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' \
		"$status" "$B4" >"$f"
	# ICMP port unreachable comes back to the sender: nothing listens, as expected.
	# shellcheck disable=SC2016 # expanded by the inner bash
	ip netns exec "$NS_B" bash -c '
		for ((i = 0; i < $1; i++)); do
			cat "$2" >"/dev/udp/$3/5060"
		done' _ "$n" "$f" "$addr" 2>/dev/null
	return 0
}

screen() {
	tm capture-pane -p -t "$1" 2>/dev/null
}

# wait_screen SESSION ERE [TIMEOUT_TENTHS]: until a line of the screen matches.
wait_screen() {
	local s=$1 re=$2 n=${3:-50} i
	for ((i = 0; i < n; i++)); do
		screen "$s" | grep -Eq -- "$re" && return 0
		sleep 0.1
	done
	return 1
}

# check_screen NAME SESSION ERE: ok when a line of the screen matches.
check_screen() {
	if wait_screen "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1" "no line matches: $3"
		diag_screen "$2"
	fi
}

# The code rows of the table, in screen order: "486 404 ...".
table_codes() {
	screen "$1" | awk '/^CODE +REASON/ { t = 1; next }
		t && /^[1-6][0-9][0-9]  / { printf "%s%s", sep, $1; sep = " "; next }
		t { exit }'
}

# check_order NAME SESSION "CODES": until the table lists exactly CODES.
check_order() {
	local i got
	for ((i = 0; i < 30; i++)); do
		got=$(table_codes "$2")
		[[ $got == "$3" ]] && break
		sleep 0.1
	done
	if [[ $got == "$3" ]]; then
		ok "$1"
	else
		not_ok "$1" "got:  $got" "want: $3"
		diag_screen "$2"
	fi
}

# The meaning line: second from the bottom.
meaning_line() {
	screen "$1" | tail -n 2 | head -n 1
}

check_meaning() {
	local i got
	for ((i = 0; i < 30; i++)); do
		got=$(meaning_line "$2")
		[[ $got == *"$3"* ]] && break
		sleep 0.1
	done
	if [[ $got == *"$3"* ]]; then
		ok "$1"
	else
		not_ok "$1" "meaning line: $got" "want:         $3"
	fi
}

# start SESSION [ENV=VALUE...]: sipstat --top in NS_A on a 100x30 tmux pane,
# with the options in START_ARGS (none by default).
# Its stderr goes to $TMP/SESSION.err, its exit status to $TMP/SESSION.rc.
START_ARGS=""
start() {
	local s=$1
	shift
	cat >"$TMP/$s.sh" <<-EOF
		#!/bin/bash
		ip netns exec "$NS_A" env -u NO_COLOR $* "$SIPSTAT" -i "$IF_A" $START_ARGS --top 0.5 2>"$TMP/$s.err"
		echo \$? >"$TMP/$s.rc"
	EOF
	chmod +x "$TMP/$s.sh"
	(unset NO_COLOR && tm new-session -d -s "$s" -x 100 -y 30 "$TMP/$s.sh")
}

# wait_exit SESSION: until its sipstat ended; prints the exit status.
wait_exit() {
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -s $TMP/$1.rc ]] && break
		sleep 0.1
	done
	cat "$TMP/$1.rc" 2>/dev/null || echo none
}

# The PID of sipstat inside NS_A (the only process there).
sipstat_pid() {
	ip netns pids "$NS_A" 2>/dev/null | head -n 1
}

check_detached() {
	local l
	l=$(ip -n "$NS_A" link show "$IF_A" 2>&1)
	if [[ $l == *xdp* ]]; then
		not_ok "$1" "$l"
	else
		ok "$1"
	fi
}

# check_rc NAME RC: ok when RC is 0 (returns 1 otherwise).
check_rc() {
	if [[ $2 == 0 ]]; then
		ok "$1"
	else
		not_ok "$1" "exit status: $2"
		return 1
	fi
}

# Colour SGR parameters (30-37, 40-47, 90-97, 100-107, 38/48) in the screen's escapes?
has_color_escapes() {
	tm capture-pane -p -e -t "$1" | grep -o $'\e\\[[0-9;]*m' |
		tr -d '\033[m' | tr ';' '\n' |
		grep -Eqx '3[0-8]|4[0-8]|9[0-7]|10[0-7]'
}

# ------------------------------------------------- main session: colour

start main
if wait_screen main '^ sipstat .* a0 \((native|skb)\)' 300; then
	ok "view starts on a 100x30 terminal"
else
	not_ok "view starts on a 100x30 terminal"
	diag_screen main
	sed 's/^/# stderr: /' "$TMP/main.err" 2>/dev/null
	exit 1
fi
check_screen "no responses yet" main 'no SIP responses counted yet'

send 7 "$A4" "486 Busy Here"
send 5 "$A4" "404 Not Found"
send 4 "$A4" "180 Ringing"
send 3 "$A4" "603 Decline"
send 2 "$A6" "200 OK"		# over IPv6

check_screen "header: 21 responses" main '^ responses 21 total '
check_screen "row 486 Busy Here: 7" main '^486  Busy Here +4xx +reachability +7 '
check_screen "row 404 Not Found: 5" main '^404  Not Found +4xx +routing +5 '
check_screen "row 180 Ringing: 4" main '^180  Ringing +1xx +progress +4 '
check_screen "row 603 Decline: 3" main '^603  Decline +6xx +global stop +3 '
check_screen "row 200 OK (IPv6): 2" main '^200  OK +2xx +success +2 '
check_screen "class 4xx: 12, 70.6% of finals" main '^4xx +12 +[0-9.]+ +70\.6%'
check_screen "class 1xx: 4, no share" main '^1xx +4 +[0-9.]+ +- '
# The diagnosis pane sits right of the classes (lines 3-10).
groups_ok=1
for g in authentication policy routing capability reachability "request state" \
	"server trouble" "global stop" progress success; do
	screen main | sed -n '3,10p' | grep -Eq "(^| )$g +[0-9.]+( |$)" || groups_ok=0
done
if [[ $groups_ok -eq 1 ]] && ! screen main | sed -n '3,10p' | grep -Eq '  (syntax|redirection) '; then
	ok "diagnosis groups: the eight always, others only with counts"
else
	not_ok "diagnosis groups: the eight always, others only with counts"
	diag_screen main
fi
check_screen "603 alert in the alert pane" main '^ 6xx GLOBAL FAILURE ALERTS +\(newest first'
check_screen "603 alert line: time, interface, code, reason, sender" main \
	'^[ !][0-9]{2}:[0-9]{2}:[0-9]{2}Z +a0 +603 Decline received from 198\.18\.[0-9.]+:[0-9]+'
# Once the burst is over every rate is 0 and the rate order falls back to totals.
check_screen "rates back to zero" main '^ responses 21 total +0\.0/s'
check_order "sort: rate (ties by total)" main "486 404 180 603 200"

tm send-keys -t main s
check_screen "s: sort by total" main 'sort: total$'
check_order "sorted by total" main "486 404 180 603 200"
tm send-keys -t main s
check_screen "s again: sort by code" main 'sort: code$'
check_order "sorted by code: the order changed" main "180 200 404 486 603"

tm send-keys -t main g
check_meaning "g: first row, its meaning below" main " 180 Ringing: callee is being alerted"
tm send-keys -t main j
check_meaning "j: next row's meaning" main " 200 OK: request completed"
tm send-keys -t main j
check_meaning "j again" main " 404 Not Found: target user or service unknown at this destination"
tm send-keys -t main k
check_meaning "k: back up" main " 200 OK: request completed"
tm send-keys -t main Down Down
check_meaning "arrow down" main " 486 Busy Here: user busy at this destination"
tm send-keys -t main s
check_screen "s a third time: back to rate" main 'sort: rate$'
check_meaning "selection follows its code across a re-sort" main " 486 Busy Here:"

tm send-keys -t main h
check_screen "h: help overlay" main 'sipstat --top: keys'
tm send-keys -t main h
if wait_screen main '^CODE +REASON' 20 && ! screen main | grep -q 'sipstat --top: keys'; then
	ok "h again: help closed"
else
	not_ok "h again: help closed"
	diag_screen main
fi
tm send-keys -t main c
check_screen "c: parser counters" main 'responses +21 '
check_screen "parser counters list bad_header and too_deep" main 'too_deep +0 '
tm send-keys -t main c

if has_color_escapes main; then
	ok "colour on a colour terminal"
else
	not_ok "colour on a colour terminal"
fi

tm resize-window -t main -x 80 -y 24
if wait_screen main '^ q quit' 30 && [[ $(screen main | wc -l) -eq 24 ]] &&
	screen main | grep -Eq '^486  Busy Here' && [[ -n $(sipstat_pid) ]]; then
	ok "resized to 80x24: full view"
else
	not_ok "resized to 80x24: full view"
	diag_screen main
fi
tm resize-window -t main -x 200 -y 50
if wait_screen main '^CODE +REASON .* MEANING' 30 && [[ -n $(sipstat_pid) ]]; then
	ok "resized to 200x50: wider table with meanings"
else
	not_ok "resized to 200x50: wider table with meanings"
	diag_screen main
fi
tm resize-window -t main -x 60 -y 20
check_screen "resized to 60x20: 'terminal too small'" main 'terminal too small \(60x20\)'
tm resize-window -t main -x 100 -y 30
check_screen "back to 100x30: full view again" main '^486  Busy Here'

tm send-keys -t main r
check_screen "r: the view's totals restart" main 'no SIP responses counted since the reset'
send 2 "$A4" "486 Busy Here"
check_screen "after the reset only new responses count" main '^486  Busy Here +4xx +reachability +2 '
tm send-keys -t main p
check_screen "p: paused" main ' PAUSED '
send 3 "$A4" "486 Busy Here"
sleep 1.2
if screen main | grep -Eq '^486  Busy Here +4xx +reachability +2 '; then
	ok "paused: figures frozen"
else
	not_ok "paused: figures frozen"
	diag_screen main
fi
tm send-keys -t main p
check_screen "p again: figures follow (the kernel kept counting)" main \
	'^486  Busy Here +4xx +reachability +5 '

tm send-keys -t main q
rc=$(wait_exit main)
check_rc "q: exit status 0" "$rc" || sed 's/^/# stderr: /' "$TMP/main.err"
check_detached "q: no XDP program left on $IF_A"
# The alerts' final lines come once the view is closed ("sipstat is stopping").
if grep ALERT "$TMP/main.err" | grep -qv '; sipstat is stopping \['; then
	not_ok "no ALERT lines on stderr while the view is up" "$(cat "$TMP/main.err")"
else
	ok "no ALERT lines on stderr while the view is up"
fi

# -------------------------------------------- NO_COLOR, Ctrl-C, SIGTERM

start nocolor NO_COLOR=1
if wait_screen nocolor '^CODE +REASON' 300; then
	send 1 "$A4" "603 Decline"
	wait_screen nocolor '603 Decline' 30
	if has_color_escapes nocolor; then
		not_ok "NO_COLOR=1: no colour" "colour escapes in the screen"
	else
		ok "NO_COLOR=1: no colour"
	fi
	check_screen "NO_COLOR=1: alert still stands out (monochrome)" nocolor '603 Decline'
else
	not_ok "NO_COLOR=1: view starts"
	diag_screen nocolor
fi
tm send-keys -t nocolor C-c
rc=$(wait_exit nocolor)
check_rc "Ctrl-C: exit status 0" "$rc"
check_detached "Ctrl-C: no XDP program left on $IF_A"

start term
if wait_screen term '^CODE +REASON' 300 && pid=$(sipstat_pid) && [[ -n $pid ]]; then
	kill -TERM "$pid"
	rc=$(wait_exit term)
	check_rc "SIGTERM: exit status 0" "$rc"
	check_detached "SIGTERM: no XDP program left on $IF_A"
else
	not_ok "SIGTERM: view starts"
	diag_screen term
fi

# ------------------------------------------- named peers: sort and select
# IPv4 responses come from one named peer, IPv6 ones from another: the e
# box lists them by failures, s there sorts them by total, j there and n
# anywhere show one peer's codes alone, and the header says which.

# The peer names of the e box, in screen order: "four six".
peer_rows() {
	screen "$1" | grep -oE ' (four|six) +[0-9]+ ' | awk '{ printf "%s%s", sep, $1; sep = " " }'
}

check_peer_order() {
	local i got
	for ((i = 0; i < 30; i++)); do
		got=$(peer_rows "$2")
		[[ $got == "$3" ]] && break
		sleep 0.1
	done
	if [[ $got == "$3" ]]; then
		ok "$1"
	else
		not_ok "$1" "got:  $got" "want: $3"
		diag_screen "$2"
	fi
}

printf 'four 198.18.46.0/24\nsix 2001:db8:46::/64\n' >"$TMP/peers"
START_ARGS="--peers $TMP/peers"
start peers
START_ARGS=""
if wait_screen peers '^CODE +REASON' 300; then
	send 4 "$A4" "503 Service Unavailable"
	send 6 "$A6" "200 OK"	# over IPv6
	check_screen "peers: 10 responses" peers '^ responses 10 total '
	tm send-keys -t peers e
	check_screen "e: the peers box, sorted by failures" peers \
		'responses per peer \(--peers\), since start, by failures'
	check_peer_order "e box by failures: four (4 failures) before six (none)" peers "four six"
	tm send-keys -t peers s
	check_screen "s in the e box: sorted by total" peers 'since start, by total'
	check_peer_order "e box by total: six (6) before four (4)" peers "six four"
	check_screen "s in the e box leaves the code table's order" peers 'sort: rate$'
	tm send-keys -t peers j
	check_screen "j in the e box: the first peer is shown alone, marked" peers '> six +6 '
	check_screen "the header names the peer filter" peers '\[peer six\]'
	tm send-keys -t peers e
	check_order "only six's codes in the table" peers "200"
	check_screen "only six's responses in the header" peers '^ responses 6 total '
	tm send-keys -t peers n
	check_screen "n: the next peer in the box's order" peers '\[peer four\]'
	check_order "only four's codes in the table" peers "503"
	tm send-keys -t peers f
	check_screen "f with a peer: both filters in the header" peers '\[INVITE peer four\]'
	tm send-keys -t peers f
	tm send-keys -t peers n
	check_order "n after the last peer: every peer again" peers "200 503"
	if wait_screen peers '^CODE +REASON' 20 && ! screen peers | grep -q '\[peer '; then
		ok "no peer filter in the header any more"
	else
		not_ok "no peer filter in the header any more"
		diag_screen peers
	fi
	tm send-keys -t peers N
	check_screen "N: the previous peer, from every peer the last one" peers '\[peer four\]'
	tm send-keys -t peers h
	check_screen "h: the help names the peer keys" peers 'n N +only one named peer'
	tm send-keys -t peers h
else
	not_ok "peers: view starts with --peers"
	diag_screen peers
	sed 's/^/# stderr: /' "$TMP/peers.err" 2>/dev/null
fi
tm send-keys -t peers q
rc=$(wait_exit peers)
check_rc "peers: q, exit status 0" "$rc" || sed 's/^/# stderr: /' "$TMP/peers.err"
check_detached "peers: no XDP program left on $IF_A"

# ------------------------------------------------- no terminal: text

out=$TMP/plain.out
err=$TMP/plain.err
timeout 60 ip netns exec "$NS_A" "$SIPSTAT" -i "$IF_A" --top 0.3 2 >"$out" 2>"$err" </dev/null
rc=$?
if [[ $rc -eq 0 && $(grep -c 'printing the text report instead' "$err") -eq 1 ]] &&
	[[ $(grep -c '^  class ' "$out") -eq 2 ]] && ! grep -q $'\e' "$out"; then
	ok "stdout not a terminal: two text reports, said once on stderr"
else
	not_ok "stdout not a terminal: two text reports, said once on stderr" "exit status $rc"
	sed 's/^/# stderr: /' "$err"
	head -n 5 "$out" | sed 's/^/# stdout: /'
fi
check_detached "text fallback: no XDP program left on $IF_A"

# --top -o json into a pipe: the JSON lines, and stderr says so.
timeout 60 ip netns exec "$NS_A" "$SIPSTAT" -i "$IF_A" --top -o json 0.3 2 >"$out" 2>"$err" </dev/null
rc=$?
if [[ $rc -eq 0 && $(grep -c 'needs a terminal on stdout; printing .* instead' "$err") -eq 1 ]] &&
	[[ $(grep -c '^{' "$out") -eq 2 ]] && ! grep -q 'text report' "$err"; then
	ok "--top -o json without a terminal: two JSON lines, said once on stderr"
else
	not_ok "--top -o json without a terminal: two JSON lines, said once on stderr" "exit status $rc"
	sed 's/^/# stderr: /' "$err"
	head -n 2 "$out" | cut -c1-120 | sed 's/^/# stdout: /'
fi
check_detached "JSON fallback: no XDP program left on $IF_A"

echo "# $SUITE: $SST_PASS passed, $SST_FAIL failed"
[[ $SST_FAIL -eq 0 ]]
