#!/usr/bin/env bash
# Helpers are called through wait_until, which shellcheck cannot follow:
# shellcheck disable=SC2317
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Alerts end to end: counters pinned on one end of a veth pair, a
# watching sipstat consuming the kernel's events with rules and an
# --alert-exec hook, SIP responses sent from the other end.  Checks that
# a 603 becomes an alert naming code, reason and remote address within a
# second (measured), that the hook gets the right fields and that shell
# metacharacters are never executed, that a hanging hook is killed at
# its timeout while counting goes on exactly, that a second reader
# leaves the events to the first, that a flood is rate-limited with
# sent + limited + lost = the 6xx counted, and that a bad rule is a
# usage error naming the mistake.  Then every global failure named: one
# alert per code and peer, the last report of what was folded when
# sipstat stops; per-peer rate, ratio and count rules from the per-peer
# counters; rules that can never fire refused; kernel events on TC
# ingress and egress; and a second reader's alerts from the counters,
# each with its code.
#
#   ns sst-<pid>-A: sal<pid> 198.18.0.1/24   <- sipstat here (pinned)
#   ns sst-<pid>-B: sbl<pid> 198.18.0.2/24   <- SIP from here, port 5060
#                            198.18.0.3/24      (a second peer)
#
# Needs root; O=DIR picks the build directory (default build).
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip jq timeout python3 curl nsenter

SIPSTAT=$SST_O/sipstat
HOOKS=$SST_ROOT/scripts/hooks

if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi

# Interface names of this run only, whatever namespace pins them.
NS_A=$(ns_name A)
NS_B=$(ns_name B)
IF_A=sal$$
IF_B=sbl$$
A4=198.18.0.1
B4=198.18.0.2
C4=198.18.0.3
setup() {
	ns_add A && ns_add B && veth_add "$NS_A" "$IF_A" "$NS_B" "$IF_B" &&
		addr_add "$NS_A" "$IF_A" "$A4/24" && addr_add "$NS_B" "$IF_B" "$B4/24" &&
		addr_add "$NS_B" "$IF_B" "$C4/24" &&
		link_up "$NS_A" "$IF_A" && link_up "$NS_B" "$IF_B" &&
		neigh_static "$NS_B" "$IF_B" "$A4" "$(mac_of "$NS_A" "$IF_A")" &&
		neigh_static "$NS_A" "$IF_A" "$B4" "$(mac_of "$NS_B" "$IF_B")" &&
		neigh_static "$NS_A" "$IF_A" "$C4" "$(mac_of "$NS_B" "$IF_B")"
}
if ! setup; then
	not_ok "namespaces and veth pair set up" "ip failed, see stderr"
	done_testing
fi
sst_tmpdir
T=$SST_TMP
# In A's network namespace with the host's BPF filesystem (the pins).
in_a() { nsenter --net="/run/netns/$NS_A" "$@"; }
detach() {
	in_a "$SIPSTAT" detach -i "$IF_A" >/dev/null 2>&1
}
# Pins are removed before the namespaces, keeping the suite's exit status.
# shellcheck disable=SC2154
trap '_rc=$?; detach; (exit $_rc); sst_cleanup' EXIT

# send_from NS SRC DST CODE REASON COUNT [PER_SECOND]: COUNT responses
# from SRC:5060 to DST:5060, as fast as the socket takes them (or at
# PER_SECOND); prints the CLOCK_REALTIME ns of the first.
send_from() {
	ip netns exec "$1" python3 - "$4" "$5" "$6" "$2" "$3" "${7:-0}" <<'EOF'
import socket, sys, time
code, reason, n, src, dst = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
rate = float(sys.argv[6])
msg = ("SIP/2.0 %s %s\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-al\r\nCall-ID: al@%s\r\n"
       "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n" % (code, reason, src, src)).encode()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((src, 5060))
t0 = time.time_ns()
for i in range(n):
    if rate:
        time.sleep(max(0, t0 / 1e9 + i / rate - time.time()))
    s.sendto(msg, (dst, 5060))
print(t0)
EOF
}
# send CODE REASON COUNT: from B4 (peer carrier-b) to A4.
send() { send_from "$NS_B" "$B4" "$A4" "$@"; }

# A hook that writes each call (arguments, then SIPSTAT_* variables, then
# its own CLOCK_REALTIME in ns) to a file of its own, and hangs on 604.
# Hooks run as nobody: the hook and its directories are root's and open to
# everyone for reading, the calls go to a directory nobody may write.  Its
# path holds shell metacharacters: run through a shell, they would create
# $CALLS/pwned (the working directory of sipstat, and so of the hook).
chmod 755 "$T"
CALLS=$T/calls
mkdir "$CALLS" && chown nobody "$CALLS"
cd "$CALLS" || exit 1
HOOKDIR="$T/hook dir;touch pwned;\$(touch pwned1)"
mkdir -p "$HOOKDIR"
HOOK="$HOOKDIR/hook \`touch pwned2\`"
cat >"$HOOK" <<EOF
#!/bin/bash
f=\$(mktemp "$CALLS/call.XXXXXX")
{ printf 'arg=%s\n' "\$@"; env | grep '^SIPSTAT_' | sort; echo "hook_ns=\${EPOCHREALTIME/./}000"; } >"\$f"
echo "hook output on stdout"
[[ \$SIPSTAT_CODE == 604 ]] && echo \$\$ >"$CALLS/hang.pid" && exec sleep 30
exit 0
EOF
chmod 755 "$HOOK"

# ------------------------------------------------------------ usage errors

for bad in 'code=503 rate>fast/s' 'code=603' 'class=503 count>0' 'code=603 count>0 for 1s'; do
	in_a "$SIPSTAT" -i "$IF_A" --alert "$bad" 0.1 1 >"$T/u.out" 2>"$T/u.err"
	rc=$?
	if [[ $rc -eq 2 ]] && grep -q "bad --alert" "$T/u.err"; then
		ok "bad rule '$bad': exit 2 naming the mistake"
	else
		not_ok "bad rule '$bad': exit 2 naming the mistake" "rc $rc: $(cat "$T/u.err")"
	fi
done
in_a "$SIPSTAT" -i "$IF_A" --alert-exec relative/hook 0.1 1 >/dev/null 2>"$T/u.err"
rc=$?
if [[ $rc -eq 2 ]]; then ok "--alert-exec needs an absolute path"; else
	not_ok "--alert-exec needs an absolute path" "rc $rc"; fi

# ------------------------------------------------------------ pinned, one consumer

# B is a named peer: alerts name it, and rules can ask for it.
printf 'carrier-b %s/32\n' "$B4" >"$T/peers"
if ! in_a "$SIPSTAT" attach -i "$IF_A" --peers "$T/peers" >"$T/attach.out" 2>&1; then
	not_ok "sipstat attach" "$(cat "$T/attach.out")"
	done_testing
fi
ok "sipstat attach on $IF_A"

bg_start - "$T/w.out" "$T/w.err" nsenter --net="/run/netns/$NS_A" "$SIPSTAT" -i "$IF_A" -o json 0.5 \
	--alert-exec "$HOOK" --alert-timeout 1 --event-codes 6xx,503 \
	--alert 'class=6xx count>0 hold 0s' --alert 'code=503 count>0' \
	--alert 'code=603 peer=carrier-b count>0'
WPID=$SST_LAST_PID
if wait_until 20 grep -q 'reading the pinned counters' "$T/w.err"; then
	ok "watcher reads the pinned counters"
else
	not_ok "watcher reads the pinned counters" "$(cat "$T/w.err")"
fi
sleep 0.3

# A second reader leaves the events to the first.
in_a "$SIPSTAT" -i "$IF_A" 0.2 1 >/dev/null 2>"$T/r2.err"
if grep -q 'events go to another sipstat' "$T/r2.err"; then
	ok "a second reader does not consume the events"
else
	not_ok "a second reader does not consume the events" "$(cat "$T/r2.err")"
fi

# ---- a 603: the line, the JSON object, the hook, within a second
t0=$(send 603 Decline 1)
if wait_until 2 grep -q '^ALERT .* 603 Decline received from 198.18.0.2:5060 (peer carrier-b, INVITE) \[class=6xx count>0 hold 0s\]$' "$T/w.err"; then
	ok "603: ALERT line with code, reason, remote address and port, peer, method"
else
	not_ok "603: ALERT line with code, reason, remote address and port, peer, method" "$(cat "$T/w.err")"
fi
if grep -q '^ALERT .* 603 Decline .*\[code=603 peer=carrier-b count>0\]$' "$T/w.err"; then
	ok "603: the rule for peer carrier-b fires"
else
	not_ok "603: the rule for peer carrier-b fires" "$(cat "$T/w.err")"
fi
if wait_until 2 bash -c "grep -l '^SIPSTAT_RULE=class=6xx' '$CALLS'/call.* >/dev/null 2>&1"; then
	ok "603: hook called"
else
	not_ok "603: hook called" "$(ls "$CALLS")"
fi
call=$(grep -l '^SIPSTAT_RULE=class=6xx' "$CALLS"/call.* 2>/dev/null | head -1)
want=(SIPSTAT_ALERT=start SIPSTAT_CODE=603 SIPSTAT_REASON=Decline SIPSTAT_DIRECTION=in
	SIPSTAT_METHOD=INVITE SIPSTAT_PEER=carrier-b SIPSTAT_REMOTE_ADDR=198.18.0.2 SIPSTAT_REMOTE_PORT=5060
	SIPSTAT_LOCAL_ADDR=198.18.0.1 SIPSTAT_LOCAL_PORT=5060 "SIPSTAT_INTERFACE=$IF_A"
	"SIPSTAT_RULE=class=6xx count>0 hold 0s" arg=start arg=603 arg=Decline "arg=$IF_A"
	arg=198.18.0.2 arg=5060)
missing=()
for w in "${want[@]}"; do
	grep -qxF "$w" "${call:-/dev/null}" || missing+=("$w")
done
if [[ -n $call && ${#missing[@]} -eq 0 ]]; then
	ok "hook gets the alert in arguments and environment"
else
	not_ok "hook gets the alert in arguments and environment" "missing: ${missing[*]}"
fi
if [[ -n $call ]] && grep '^SIPSTAT_JSON=' "$call" | cut -d= -f2- |
	jq -e '.type == "alert" and .code == 603 and .remote.address == "198.18.0.2" and .peer == "carrier-b"' >/dev/null; then
	ok "hook gets the JSON object in SIPSTAT_JSON"
else
	not_ok "hook gets the JSON object in SIPSTAT_JSON"
fi
if [[ -n $call ]]; then
	frame=$(sed -n 's/^SIPSTAT_FRAME_TIME_NS=//p' "$call")
	hook=$(sed -n 's/^hook_ns=//p' "$call")
	ms=$(((hook - t0) / 1000000))
	diag "603 sent to the hook running: ${ms} ms (frame time $(((frame - t0) / 1000)) us after the send)"
	if [[ $ms -ge 0 && $ms -lt 500 ]]; then
		ok "603 to the hook within half a second (${ms} ms)"
	else
		not_ok "603 to the hook within half a second (${ms} ms)"
	fi
fi
if [[ ! -e $CALLS/pwned && ! -e $CALLS/pwned1 && ! -e $CALLS/pwned2 ]]; then
	ok "shell metacharacters in the hook path are never executed"
else
	not_ok "shell metacharacters in the hook path are never executed"
fi

# ---- --event-codes: a 503 is an event too, for the rule code=503
send 503 'Service Unavailable' 1 >/dev/null
if wait_until 2 grep -q '^ALERT .* 503 Service Unavailable received from 198.18.0.2:5060.*\[code=503 count>0\]' "$T/w.err"; then
	ok "--event-codes 503: the 503 alert the moment it is seen"
else
	not_ok "--event-codes 503: the 503 alert the moment it is seen" "$(cat "$T/w.err")"
fi

# ---- a hanging hook is killed at its timeout; counting goes on
send 604 'Does Not Exist Anywhere' 1 >/dev/null
wait_until 2 bash -c "grep -l '^SIPSTAT_CODE=604' '$CALLS'/call.* >/dev/null 2>&1"
send 200 OK 7 >/dev/null
if wait_until 3 grep -q 'still running after 1 s: killed' "$T/w.err"; then
	ok "a hanging hook is killed at its timeout"
else
	not_ok "a hanging hook is killed at its timeout" "$(cat "$T/w.err")"
fi
if [[ ! -s $CALLS/hang.pid ]] || kill -0 "$(cat "$CALLS/hang.pid")" 2>/dev/null; then
	not_ok "no hook left running" "$(cat "$CALLS/hang.pid" 2>&1)"
else
	ok "no hook left running"
fi
sleep 1
if kill -0 "$WPID" 2>/dev/null; then ok "watcher still running"; else not_ok "watcher still running"; fi

# ---- JSON stream: reports and alerts told apart
stop_pid "$WPID" INT 5
if jq -se '[.[] | select(.type == "alert")] | length >= 3' "$T/w.out" >/dev/null &&
	jq -se 'all(.[]; .type == "alert" or .type == "report")' "$T/w.out" >/dev/null; then
	ok "-o json: objects of type report and alert"
else
	not_ok "-o json: objects of type report and alert" "$(head -c 600 "$T/w.out")"
fi
if ! grep -q 'hook output' "$T/w.out" && grep -q 'hook output' "$T/w.err"; then
	ok "a hook's output goes to stderr, never into the -o stream"
else
	not_ok "a hook's output goes to stderr, never into the -o stream"
fi
last=$(jq -sc '[.[] | select(.type == "report")] | last' "$T/w.out")
c200=$(jq -r '[.codes[]? | select(.code == 200) | .total] | add // 0' <<<"$last")
c6=$(jq -r '.classes["6xx"].total' <<<"$last")
if [[ $c200 == 7 && $c6 == 2 ]]; then
	ok "counting went on while the hook hung (200: $c200, 6xx: $c6)"
else
	not_ok "counting went on while the hook hung (200: $c200, 6xx: $c6)" "$last"
fi

# ---- a flood is rate-limited, every event counted
# (The watcher above wrote --event-codes as a reader; attach writes the rate.)
if in_a "$SIPSTAT" attach -i "$IF_A" --event-rate 5/s,10 >/dev/null 2>"$T/rate.err"; then
	ok "attach --event-rate 5/s,10 on the pinned program"
else
	not_ok "attach --event-rate 5/s,10 on the pinned program" "$(cat "$T/rate.err")"
fi
send 603 Decline 500 >/dev/null
sleep 0.5
in_a "$SIPSTAT" show -i "$IF_A" -o prometheus >"$T/prom" 2>&1
ev() { awk -v r="$1" '$1 ~ /^sipstat_events_total/ && $1 ~ "result=\"" r "\"" { s += $2 } END { print s + 0 }' "$T/prom"; }
sent=$(ev sent)
limited=$(ev limited)
lost=$(ev lost)
c6=$(awk '$1 ~ /^sipstat_responses_total/ && $1 ~ /code="6[0-9][0-9]"/ { s += $2 } END { print s + 0 }' "$T/prom")
c503=$(awk '$1 ~ /^sipstat_responses_total/ && $1 ~ /code="503"/ { s += $2 } END { print s + 0 }' "$T/prom")
diag "events sent $sent limited $limited lost $lost; 6xx $c6, 503 $c503"
if [[ $((sent + limited + lost)) -eq $((c6 + c503)) && $c6 -eq 502 ]]; then
	ok "events sent + limited + lost = responses of the event codes ($((c6 + c503)))"
else
	not_ok "events sent + limited + lost = responses of the event codes" "$(grep -E 'events|code="6' "$T/prom")"
fi
# Each CPU: a burst of 10 and 5/s; the flood lasts well under a second.
if [[ $limited -ge 400 && $sent -le 40 ]]; then
	ok "flood rate-limited (sent $sent, limited $limited)"
else
	not_ok "flood rate-limited (sent $sent, limited $limited)"
fi

# ---- serve: the service consumes the events; rules from SIPSTAT_ALERTS
sleep 2.5	# the flood emptied the token buckets
bg_start - "$T/s.out" "$T/s.err" env SIPSTAT_ALERTS='code=603 count>0 hold 0s; class=5xx ratio>50% over 10s' \
	nsenter --net="/run/netns/$NS_A" "$SIPSTAT" serve -i "$IF_A"
SPID=$SST_LAST_PID
wait_until 20 grep -q '^sipstat: serving' "$T/s.err"
sleep 0.5
send 603 Decline 1 >/dev/null
# (Events of the flood still in the ring buffer come first: this one may be a repeat.)
if wait_until 3 grep -q '^ALERT .* 603 Decline received from 198.18.0.2:5060 (peer carrier-b, INVITE).*\[code=603 count>0 hold 0s\]$' "$T/s.err"; then
	ok "serve: the 603 alert from the event, rules of SIPSTAT_ALERTS"
else
	not_ok "serve: the 603 alert from the event, rules of SIPSTAT_ALERTS" "$(cat "$T/s.err")"
fi
send 503 'Service Unavailable' 3 >/dev/null
send 200 OK 1 >/dev/null
if wait_until 4 grep -q '^ALERT .*\[class=5xx ratio>50% over 10s\]$' "$T/s.err"; then
	ok "serve: a ratio rule on the pinned counters"
else
	not_ok "serve: a ratio rule on the pinned counters" "$(cat "$T/s.err")"
fi
stop_pid "$SPID" TERM 5
env SIPSTAT_ALERTS='code=603 count>zero' nsenter --net="/run/netns/$NS_A" "$SIPSTAT" serve \
	-i "$IF_A" >/dev/null 2>"$T/s2.err"
rc=$?
if [[ $rc -eq 2 ]] && grep -q 'SIPSTAT_ALERTS' "$T/s2.err"; then
	ok "serve: a bad rule in SIPSTAT_ALERTS is a usage error"
else
	not_ok "serve: a bad rule in SIPSTAT_ALERTS is a usage error" "rc $rc: $(cat "$T/s2.err")"
fi

# ---- --alert-log journal: the journal's native protocol, to a socket in a
# private mount namespace (no journald needed, the host's untouched)
if ldd "$SIPSTAT" | grep -q libsystemd && [[ -d /run/systemd ]] && command -v unshare >/dev/null; then
	cat >"$T/journal.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/run/systemd/journal/socket")
while True:
    d = s.recv(65536)
    with open(sys.argv[1], "ab") as f:
        f.write(d + b"\n--\n")
EOF
	cat >"$T/journal.sh" <<EOF
set -e
mount -t tmpfs tmpfs /run/systemd
mkdir /run/systemd/journal
python3 "$T/journal.py" "$T/journal" &
jp=\$!
for i in \$(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
nsenter --net="/run/netns/$NS_A" "$SIPSTAT" -i "$IF_A" --alert-log journal 0.5 8 || true
kill \$jp
wait
EOF
	bg_start - "$T/j.out" "$T/j.err" unshare -m --propagation private bash "$T/journal.sh"
	JPID=$SST_LAST_PID
	wait_until 20 grep -qs 'reading the pinned counters' "$T/j.err"
	sleep 0.5
	send 603 Decline 1 >/dev/null
	if wait_until 3 grep -q '^PRIORITY=1$' "$T/journal" 2>/dev/null &&
		grep -q '^MESSAGE=.* 603 Decline received from 198.18.0.2:5060' "$T/journal" &&
		grep -q '^SIPSTAT_REMOTE_ADDR=198.18.0.2$' "$T/journal"; then
		ok "--alert-log journal: MESSAGE, PRIORITY=1 (alert) and SIPSTAT_* fields"
	else
		not_ok "--alert-log journal: MESSAGE, PRIORITY=1 (alert) and SIPSTAT_* fields" \
			"$(cat "$T/journal" "$T/j.err" 2>&1)"
	fi
	# It ends by itself (8 reports), and takes its listener along.
	wait_until 10 bash -c "! kill -0 $JPID 2>/dev/null"
	stop_pid "$JPID" TERM 1
else
	skip "--alert-log journal" "sipstat built without libsystemd, or no unshare"
fi

# ---- --alert-log syslog: /dev/log of a private mount namespace
if command -v unshare >/dev/null; then
	cat >"$T/syslog.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
while True:
    d = s.recv(65536)
    with open(sys.argv[1], "ab") as f:
        f.write(d + b"\n")
EOF
	cat >"$T/syslog.sh" <<EOF
set -e
mount -t tmpfs tmpfs /dev
mknod -m 666 /dev/null c 1 3
python3 "$T/syslog.py" "$T/syslog" &
sp=\$!
for i in \$(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
nsenter --net="/run/netns/$NS_A" "$SIPSTAT" -i "$IF_A" --alert-log syslog 0.5 8 || true
kill \$sp
wait
EOF
	bg_start - "$T/sl.out" "$T/sl.err" unshare -m --propagation private bash "$T/syslog.sh"
	SLPID=$SST_LAST_PID
	wait_until 20 grep -qs 'reading the pinned counters' "$T/sl.err"
	sleep 0.5
	send 603 Decline 1 >/dev/null
	# daemon.alert: facility 3, severity 1 = <25>
	if wait_until 3 grep -q '^<25>.*sipstat\[[0-9]*\]: .* 603 Decline received from 198.18.0.2:5060' \
		"$T/syslog" 2>/dev/null; then
		ok "--alert-log syslog: daemon.alert with the alert line"
	else
		not_ok "--alert-log syslog: daemon.alert with the alert line" \
			"$(cat "$T/syslog" "$T/sl.err" 2>&1)"
	fi
	wait_until 10 bash -c "! kill -0 $SLPID 2>/dev/null"
	stop_pid "$SLPID" TERM 1
else
	skip "--alert-log syslog" "no unshare"
fi

# ---- the example hooks: a webhook post and a logger call, metacharacters as data
if [[ -x $HOOKS/sipstat-webhook ]]; then
	port=$((20000 + $$ % 20000))
	ip netns exec "$NS_A" python3 - "$port" "$T/body" <<'EOF' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        open(sys.argv[2], "wb").write(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).handle_request()
EOF
	SST_PIDS+=($!)
	wait_until 10 bash -c "ip netns exec '$NS_A' ss -ltn | grep -q ':$port '"
	evil="\$(touch $T/pwned3)\`touch $T/pwned4\`;touch $T/pwned5"
	ip netns exec "$NS_A" env -i PATH="$PATH" SIPSTAT_WEBHOOK_URL="http://127.0.0.1:$port/hook" \
		SIPSTAT_JSON="{\"type\":\"alert\",\"reason\":\"$evil\"}" SIPSTAT_REASON="$evil" \
		"$HOOKS/sipstat-webhook" start 603 "$evil" >"$T/wh.out" 2>&1
	rc=$?
	wait_until 3 test -s "$T/body"
	if [[ $rc -eq 0 ]] && grep -qF "$evil" "$T/body" 2>/dev/null; then
		ok "webhook hook posts the JSON body as it is"
	else
		not_ok "webhook hook posts the JSON body as it is" "rc $rc $(cat "$T/wh.out")"
	fi
	if [[ ! -e $T/pwned3 && ! -e $T/pwned4 && ! -e $T/pwned5 ]]; then
		ok "webhook hook never executes what the fields hold"
	else
		not_ok "webhook hook never executes what the fields hold"
	fi
else
	skip "webhook hook" "scripts/hooks/sipstat-webhook missing"
fi

detach

# ------------------------------------------------------------ every failure named

# watch NAME ARGS...: a watcher of IF_A (its own program, nothing pinned
# now) in the background, its output in $T/NAME.out and .err.
watch() {
	local name=$1
	shift
	bg_start - "$T/$name.out" "$T/$name.err" nsenter --net="/run/netns/$NS_A" "$SIPSTAT" \
		-i "$IF_A" "$@"
	WPID=$SST_LAST_PID
	wait_until 20 grep -qs '^sipstat: counting on\|^sipstat: reading the pinned' \
		"$T/$name.err"
	sleep 0.3
}
# has FILE ERE: an ALERT line of FILE matches.
has() { grep -qE "$2" "$1"; }
re_t='ALERT [0-9T:.-]+Z'

printf 'carrier-b %s/32\ncarrier-c %s/32\n' "$B4" "$C4" >"$T/peers2"
watch named -o json --peers "$T/peers2" 0.5
for c in "600 Busy Everywhere" "603 Decline" "604 Does Not Exist Anywhere" "606 Not Acceptable"; do
	send "${c%% *}" "${c#* }" 2 >/dev/null
done
send_from "$NS_B" "$C4" "$A4" 604 'Does Not Exist Anywhere' 1 >/dev/null
wait_until 3 grep -q '604 .*198.18.0.3' "$T/named.err"
named=0
for c in "600 Busy Everywhere" "603 Decline" "604 Does Not Exist Anywhere" "606 Not Acceptable"; do
	has "$T/named.err" "^$re_t $IF_A $c received from 198\.18\.0\.2:5060 \(peer carrier-b, INVITE\) \[class=6xx count>0\]$" &&
		named=$((named + 1))
done
if [[ $named -eq 4 ]]; then
	ok "600, 603, 604 and 606 from one peer: each code an alert of its own, named"
else
	not_ok "600, 603, 604 and 606 from one peer: each code an alert of its own, named" \
		"$(grep ALERT "$T/named.err")"
fi
if has "$T/named.err" "^$re_t $IF_A 603 Decline received from 198\.18\.0\.2:5060 \(peer carrier-b, INVITE\) \[class=6xx count>0\]$" &&
	has "$T/named.err" "^$re_t $IF_A 604 Does Not Exist Anywhere received from 198\.18\.0\.3:5060 \(peer carrier-c, INVITE\) \[class=6xx count>0\]$"; then
	ok "603 from one peer and 604 from another: two alerts"
else
	not_ok "603 from one peer and 604 from another: two alerts" "$(grep ALERT "$T/named.err")"
fi
n_start=$(grep -c '^ALERT .*\[class=6xx count>0\]$' "$T/named.err")
check_eq "five alerts started, none folded away unnamed" "$n_start" 5
stop_pid "$WPID" INT 5
# The last report: each code of carrier-b folded one more; carrier-c's 604 nothing.
final=0
for c in "600 Busy Everywhere" "603 Decline" "604 Does Not Exist Anywhere" "606 Not Acceptable"; do
	has "$T/named.err" "^$re_t $IF_A $c received from 198\.18\.0\.2:5060 \(peer carrier-b, INVITE\): 1 more since the last line, 2 in the window; sipstat is stopping \[class=6xx count>0\]$" &&
		final=$((final + 1))
done
if [[ $final -eq 4 && $SST_RC -eq 0 ]] && ! grep -q 'carrier-c.*stopping' "$T/named.err"; then
	ok "on exit, a last report names what each alert folded since its last line"
else
	not_ok "on exit, a last report names what each alert folded since its last line" \
		"exit $SST_RC: $(grep ALERT "$T/named.err")"
fi
if jq -se '[.[] | select(.type == "alert")] | length == 9 and
	all(.schema == 2 and (.code | type) == "number" and (.peer | startswith("carrier-"))) and
	([.[] | select(.alert == "final") | .code] | sort == [600, 603, 604, 606])' \
	"$T/named.out" >/dev/null; then
	ok "-o json: each alert with schema, code and peer; the final ones"
else
	not_ok "-o json: each alert with schema, code and peer; the final ones" \
		"$(grep '"alert"' "$T/named.out")"
fi

# ------------------------------------------------------------ per-peer rules from counters

# No --event-codes: 503 sends no event; the per-peer counters tell.
watch peer -o json --peers "$T/peers2" 0.5 \
	--alert 'peer=carrier-b class=5xx rate>1/s' --alert 'peer=carrier-b code=503 count>0' \
	--alert 'peer=carrier-c class=5xx ratio>40% over 10s' --alert 'peer=carrier-b code=503 count>10'
send_from "$NS_B" "$C4" "$A4" 200 OK 2 >/dev/null
send_from "$NS_B" "$C4" "$A4" 503 'Service Unavailable' 2 >/dev/null
send 503 'Service Unavailable' 20 10 >/dev/null
sleep 1
stop_pid "$WPID" INT 5
if has "$T/peer.err" "^$re_t $IF_A [0-9.]+/s, mostly from 198\.18\.0\.2 \(peer carrier-b\) \[peer=carrier-b class=5xx rate>1/s\]$"; then
	ok "peer=carrier-b class=5xx rate>1/s fires on 20 503s at 10/s, with the top failing address"
else
	not_ok "peer=carrier-b class=5xx rate>1/s fires on 20 503s at 10/s, with the top failing address" \
		"$(grep ALERT "$T/peer.err")"
fi
if has "$T/peer.err" "^$re_t $IF_A 503 Service Unavailable received \(peer carrier-b\) \[peer=carrier-b code=503 count>0\]$" &&
	has "$T/peer.err" "^$re_t $IF_A 503 Service Unavailable \(peer carrier-b\) \[peer=carrier-b code=503 count>10\]$"; then
	ok "peer=carrier-b code=503 count>0 and count>10 fire from the counters, without --event-codes"
else
	not_ok "peer=carrier-b code=503 count>0 and count>10 fire from the counters, without --event-codes" \
		"$(grep ALERT "$T/peer.err")"
fi
if has "$T/peer.err" "^$re_t $IF_A 50\.0%, mostly from 198\.18\.0\.3 \(peer carrier-c\) \[peer=carrier-c class=5xx ratio>40% over 10s\]$"; then
	ok "peer=carrier-c class=5xx ratio>40% fires on that peer's 50 %"
else
	not_ok "peer=carrier-c class=5xx ratio>40% fires on that peer's 50 %" "$(grep ALERT "$T/peer.err")"
fi
if jq -se '[.[] | select(.type == "alert" and .condition == "rate" and .alert == "start")][0] |
	.peer == "carrier-b" and .remote.address == "198.18.0.2" and .direction == "in" and
	.from == "failing" and (.remote | has("port") | not)' "$T/peer.out" >/dev/null; then
	ok "-o json: the rate alert names the peer and its top failing address"
else
	not_ok "-o json: the rate alert names the peer and its top failing address" \
		"$(grep '"rate"' "$T/peer.out")"
fi

# ------------------------------------------------------------ rules that can never fire

refused() {
	local what=$1 says=$2 rc
	shift 2
	in_a "$SIPSTAT" -i "$IF_A" "$@" 0.2 1 >/dev/null 2>"$T/never.err"
	rc=$?
	if [[ $rc -eq 2 ]] && grep -q "$says" "$T/never.err"; then
		ok "refused before counting: $what"
	else
		not_ok "refused before counting: $what" "rc $rc: $(cat "$T/never.err")"
	fi
}
refused "a peer the peers file does not name" "names no peer 'carrier-z'" \
	--peers "$T/peers2" --alert 'peer=carrier-z code=503 count>0'
refused "a peer, without any named peers" "no interface here has a named peer 'carrier-b'" \
	--alert 'peer=carrier-b code=503 count>0'
refused "dir=out when only in is counted" "only in is counted" \
	--direction in --alert 'dir=out class=6xx count>0'
refused "ratio>100%" "can never fire" --alert 'class=5xx ratio>100%'

# ------------------------------------------------------------ TC and egress events

# --mode tc: the kernel events of TC ingress, with address and port.
watch tc --mode tc 0.5
send 603 Decline 1 >/dev/null
wait_until 3 grep -q '^ALERT' "$T/tc.err"
stop_pid "$WPID" INT 5
if has "$T/tc.err" "^$re_t $IF_A 603 Decline received from 198\.18\.0\.2:5060 \(INVITE\) \[class=6xx count>0\]$" &&
	! grep -q 'no kernel events' "$T/tc.err"; then
	ok "--mode tc: the 603 from the kernel event of TC ingress"
else
	not_ok "--mode tc: the 603 from the kernel event of TC ingress" "$(cat "$T/tc.err")"
fi
# --direction out: what A sends, from TC egress.
watch out --direction out 0.5
send_from "$NS_A" "$A4" "$B4" 606 'Not Acceptable' 1 >/dev/null
wait_until 3 grep -q '^ALERT' "$T/out.err"
stop_pid "$WPID" INT 5
if has "$T/out.err" "^$re_t $IF_A 606 Not Acceptable sent to 198\.18\.0\.2:5060 \(INVITE\) \[class=6xx count>0\]$"; then
	ok "--direction out: the 606 sent, from the kernel event of TC egress"
else
	not_ok "--direction out: the 606 sent, from the kernel event of TC egress" "$(cat "$T/out.err")"
fi

# Pinned in tc mode: the first reader takes the events, a second reader
# makes its alerts from the counters, one per code, each with its code.
if in_a "$SIPSTAT" attach -i "$IF_A" --mode tc >/dev/null 2>"$T/tca.err"; then
	watch first 0.5
	FPID=$WPID
	watch second -o json 0.5
	send 603 Decline 2 >/dev/null
	send_from "$NS_A" "$A4" "$B4" 604 'Does Not Exist Anywhere' 1 >/dev/null
	wait_until 3 grep -q '604' "$T/second.err"
	sleep 0.6
	stop_pid "$WPID" INT 5
	stop_pid "$FPID" INT 5
	if has "$T/first.err" "^$re_t $IF_A 603 Decline received from 198\.18\.0\.2:5060 \(INVITE\) \[class=6xx count>0\]$" &&
		has "$T/first.err" "^$re_t $IF_A 604 Does Not Exist Anywhere sent to 198\.18\.0\.2:5060 \(INVITE\) \[class=6xx count>0\]$"; then
		ok "pinned --mode tc: the first reader's alerts from TC ingress and egress events"
	else
		not_ok "pinned --mode tc: the first reader's alerts from TC ingress and egress events" \
			"$(cat "$T/first.err")"
	fi
	if has "$T/second.err" "^$re_t $IF_A 603 Decline received \[class=6xx count>0\]$" &&
		has "$T/second.err" "^$re_t $IF_A 604 Does Not Exist Anywhere sent \[class=6xx count>0\]$" &&
		! grep -qE "^$re_t $IF_A \[" "$T/second.err"; then
		ok "a second reader: one alert per code from the counters, never an empty one"
	else
		not_ok "a second reader: one alert per code from the counters, never an empty one" \
			"$(cat "$T/second.err")"
	fi
	if jq -se '[.[] | select(.type == "alert" and .alert == "start")] |
		(map(.code) | sort) == [603, 604] and all(.from == "counters" and .schema == 2)' \
		"$T/second.out" >/dev/null; then
		ok "a second reader: -o json alerts with their codes"
	else
		not_ok "a second reader: -o json alerts with their codes" "$(grep '"alert"' "$T/second.out")"
	fi
	detach
else
	not_ok "attach --mode tc" "$(cat "$T/tca.err")"
fi

done_testing
