#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# What sipstat takes from outside its own making, and what it must not let
# that do:
#
#   - peers files: a missing file, a directory, a FIFO, /dev/zero, a file
#     too large, a NUL byte, a name with terminal escapes: attach and
#     serve say what is wrong in one line (exit 1 or 2), never crash or
#     block, never echo an escape raw, and attach nothing;
#   - the metrics endpoint: clients that trickle a request byte by byte
#     from two addresses hold at most a few connections each and lose
#     them at the request deadline, while scrapes from elsewhere succeed.
#
# Needs root (attach); O=DIR picks the build directory.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip timeout mkfifo curl python3

SIPSTAT=$SST_O/sipstat
if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi
sst_tmpdir
T=$SST_TMP

if ! ns_add A || ! ns_add B || ! veth_add "$(ns_name A)" sc0 "$(ns_name B)" sc1 ||
	! link_up "$(ns_name A)" sc0 || ! link_up "$(ns_name B)" sc1; then
	not_ok "namespaces and veth pair set up" "ip failed"
	done_testing
fi
NS_A=$(ns_name A)

# ----------------------------------------------------------- peers files

mkdir "$T/dir"
mkfifo "$T/fifo"
printf 'a 198.18.0.0/16\0\n' >"$T/nul"
printf 'bad\033[31mname 198.18.0.0/16\n' >"$T/escape"
head -c 1100000 /dev/zero | tr '\0' '#' >"$T/large"
printf 'a %s\n' "$(head -c 5000 /dev/zero | tr '\0' '1')" >"$T/longline"

# peers_case NAME FILE WANT: attach and serve with --peers FILE end at once
# with one line matching WANT, exit 1 or 2, no crash, nothing attached.
peers_case() {
	local name=$1 file=$2 want=$3 cmd rc
	for cmd in attach serve; do
		timeout 10 nsenter --net="/run/netns/$NS_A" "$SIPSTAT" "$cmd" -i sc0 \
			--peers "$file" >"$T/p.out" 2>"$T/p.err"
		rc=$?
		if [[ ($rc -eq 1 || $rc -eq 2) ]] && head -n 1 "$T/p.err" | grep -q -- "$want" &&
			! grep -q $'\033' "$T/p.err"; then
			ok "peers file, $name: $cmd exits $rc: $(head -n 1 "$T/p.err")"
		else
			not_ok "peers file, $name: $cmd exits 1 or 2 with one line ($want)" \
				"exit status $rc (124: blocked, 134/139: crashed)"
			diag_file stderr "$T/p.err" 5
		fi
		if ip -n "$NS_A" link show sc0 | grep -q 'prog/xdp'; then
			not_ok "peers file, $name: $cmd attached nothing"
		fi
	done
}
peers_case "missing" "$T/none" 'cannot read the peers file .*No such file'
peers_case "a directory" "$T/dir" 'is not a regular file'
peers_case "a FIFO" "$T/fifo" 'is not a regular file'
peers_case "/dev/zero" /dev/zero 'is not a regular file'
peers_case "over 1 MiB" "$T/large" 'is larger than 1048576 bytes'
peers_case "a NUL byte" "$T/nul" 'a NUL byte'
peers_case "a line of 5000 characters" "$T/longline" 'line 1: longer than 4095 characters'
peers_case "terminal escapes in a name" "$T/escape" 'line 1: "bad\\x1b\[31mname" is not a peer name'

# ------------------------------------------------------ metrics endpoint

# Three addresses on the namespace's loopback: two for slow clients, one
# for sipstat's endpoint and the scrapes.
for a in 198.18.9.1 198.18.9.2 198.18.9.3; do
	addr_add "$NS_A" lo "$a/32"
done
cat >"$T/slow.py" <<'PY'
# Slow clients: N connections from each source address, each sending a
# request that never ends, one header line every half second.  At the
# end: how many were accepted (held over a second: one over the limit is
# accepted and closed at once) and the longest any one stayed open.
import socket, sys, time
dst, port, n, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
conns = []
for src in sys.argv[5:]:
    for i in range(n):
        s = socket.socket()
        s.bind((src, 0))
        s.settimeout(2)
        try:
            s.connect((dst, port))
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            conns.append([s, time.time(), None])
        except OSError:
            s.close()
start = time.time()
while time.time() - start < secs:
    time.sleep(0.5)
    for c in conns:
        if c[2] is not None:
            continue
        try:
            c[0].sendall(b"X-Slow: 1\r\n")
            c[0].setblocking(False)
            try:
                if c[0].recv(4096) == b"":
                    c[2] = time.time()
            except BlockingIOError:
                pass
            c[0].setblocking(True)
        except OSError:
            c[2] = time.time()
held = [(c[2] or time.time()) - c[1] for c in conns]
print("accepted %d longest %.1f" % (sum(1 for h in held if h > 1.0), max(held or [0])), flush=True)
PY
bg_start "$NS_A" "$T/ep.out" "$T/ep.err" "$SIPSTAT" -i sc0 --mode skb --listen 198.18.9.3:9065 \
	-o json 1
EP_PID=$SST_LAST_PID
scrape_from() {
	ip netns exec "$NS_A" curl -s -m 3 --interface "$1" -o "$T/scrape.out" \
		-w '%{http_code}' http://198.18.9.3:9065/metrics 2>/dev/null
}
scrape_ok() {
	[[ $(scrape_from "$1") == 200 ]] && grep -q '^# TYPE sipstat_responses' "$T/scrape.out"
}
if ! wait_until 15 scrape_ok 198.18.9.3; then
	not_ok "endpoint: up before the slow clients" "$(cat "$T/ep.err")"
else
	ok "endpoint: a scrape answers 200"
	bg_start "$NS_A" "$T/slow.out" "$T/slow.err" python3 "$T/slow.py" 198.18.9.3 9065 24 16 \
		198.18.9.1 198.18.9.2
	SLOW_PID=$SST_LAST_PID
	sleep 2
	ok_n=0
	for _ in 1 2 3 4 5; do
		scrape_ok 198.18.9.3 && ok_n=$((ok_n + 1))
		sleep 1
	done
	check_eq "endpoint: 5 of 5 scrapes answered while 48 slow connections trickle from two addresses" \
		"$ok_n" 5
	wait_until 25 grep -q '^accepted' "$T/slow.out"
	read -r _ accepted _ longest < <(grep '^accepted' "$T/slow.out")
	if [[ -n ${accepted:-} && $accepted -le 16 ]]; then
		ok "endpoint: each address holds at most 8 connections ($accepted of 48 accepted)"
	else
		not_ok "endpoint: each address holds at most 8 connections" "accepted: ${accepted:-?}"
		diag_file "slow clients" "$T/slow.err" 5
	fi
	if [[ -n ${longest:-} ]] && awk -v l="$longest" 'BEGIN { exit !(l >= 9 && l <= 13) }'; then
		ok "endpoint: a trickling request is cut at the 10 s deadline (longest held ${longest} s)"
	else
		not_ok "endpoint: a trickling request is cut at the 10 s deadline" \
			"longest held: ${longest:-?} s"
	fi
	check "endpoint: a scrape from a slow client's address succeeds once they are cut" \
		scrape_ok 198.18.9.1
fi
stop_pid "$EP_PID" INT 10

done_testing
