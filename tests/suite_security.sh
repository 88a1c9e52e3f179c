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
#     them at the request deadline, while scrapes from elsewhere succeed;
#     with --web-config, HTTPS and basic authentication, which a real
#     Prometheus scrapes with the user's password.
#
# Needs root (attach); O=DIR picks the build directory.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip timeout mkfifo curl python3 openssl

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

# ------------------------------------------- metrics endpoint: TLS and users

# A self-signed certificate for 198.18.9.3, a bcrypt user, and the web
# configuration in the exporter toolkit's format; then curl and a real
# Prometheus scrape the endpoint over HTTPS with the user's password.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=sipstat-test \
	-addext subjectAltName=IP:198.18.9.3 -keyout "$T/tls.key" -out "$T/tls.crt" \
	>/dev/null 2>&1
HASH=$(python3 -W ignore -c 'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))' s3cret)
printf 'tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  prom: %s\n' \
	"$HASH" >"$T/web.yml"
bg_start "$NS_A" "$T/tls.out" "$T/tls.err" "$SIPSTAT" -i sc0 --mode skb \
	--listen 198.18.9.3:9066 --web-config "$T/web.yml" -o json 1
TLS_PID=$SST_LAST_PID
https() {
	ip netns exec "$NS_A" curl -s -m 5 --cacert "$T/tls.crt" -o "$T/https.out" \
		-w '%{http_code}' "$@" https://198.18.9.3:9066/metrics 2>/dev/null
}
https_ok() { [[ $(https -u prom:s3cret) == 200 ]]; }
if ! wait_until 15 https_ok; then
	not_ok "web config: HTTPS with the user's password answers 200" "$(cat "$T/tls.err")"
else
	ok "web config: HTTPS with the user's password answers 200"
	check "web config: the answer is the exposition" grep -q '^# TYPE sipstat_responses' \
		"$T/https.out"
	check_eq "web config: no password: 401" "$(https)" 401
	check_eq "web config: a wrong password: 401" "$(https -u prom:wrong)" 401
	check_eq "web config: an unknown user: 401" "$(https -u other:s3cret)" 401
	code=$(ip netns exec "$NS_A" curl -s -m 5 -o /dev/null -w '%{http_code}' \
		-u prom:s3cret http://198.18.9.3:9066/metrics 2>/dev/null)
	check "web config: plain HTTP gets no metrics (got '$code')" test "$code" != 200
	check "web config: sipstat says https and basic authentication" \
		grep -q 'metrics at https://198.18.9.3:9066/metrics (basic authentication)' "$T/tls.err"
	if command -v prometheus >/dev/null; then
		cat >"$T/prom.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: sipstat
    scheme: https
    tls_config:
      ca_file: $T/tls.crt
    basic_auth:
      username: prom
      password: s3cret
    static_configs:
      - targets: ['198.18.9.3:9066']
EOF
		mkdir -p "$T/tsdb"
		bg_start "$NS_A" "$T/prom.out" "$T/prom.err" prometheus \
			--config.file="$T/prom.yml" --storage.tsdb.path="$T/tsdb" \
			--web.listen-address=127.0.0.1:19090 --log.level=warn
		PROM_PID=$SST_LAST_PID
		up_is_1() {
			[[ $(ip netns exec "$NS_A" curl -sf -m 3 -G \
				--data-urlencode 'query=up{job="sipstat"}' \
				http://127.0.0.1:19090/api/v1/query 2>/dev/null |
				python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null) == 1 ]]
		}
		if wait_until 40 up_is_1; then
			ok "web config: a real Prometheus scrapes over HTTPS with basic auth (up == 1)"
		else
			not_ok "web config: a real Prometheus scrapes over HTTPS with basic auth"
			diag_file "prometheus stderr" "$T/prom.err" 10
		fi
		stop_pid "$PROM_PID" TERM 10
	else
		not_ok "web config: prometheus is installed (make deps)"
	fi
fi
stop_pid "$TLS_PID" INT 10

# A bad web configuration is a usage error naming the setting.
printf 'tls_server_config:\n  client_ca_file: ca.crt\n' >"$T/bad-web.yml"
ip netns exec "$NS_A" timeout 10 "$SIPSTAT" -i sc0 --listen 198.18.9.3:9067 \
	--web-config "$T/bad-web.yml" 1 1 >/dev/null 2>"$T/bad-web.err"
rc=$?
if [[ $rc -eq 2 ]] && grep -q 'client_ca_file is not supported' "$T/bad-web.err"; then
	ok "web config: a setting sipstat does not implement is refused by name (exit 2)"
else
	not_ok "web config: a setting sipstat does not implement is refused by name" "exit $rc"
	diag_file stderr "$T/bad-web.err" 3
fi

done_testing
