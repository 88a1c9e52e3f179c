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
#     Prometheus scrapes with the user's password;
#   - alert hooks: a hook file or directory others could change is
#     refused before anything runs; a hook runs as nobody with no
#     capability (bounding set included), no_new_privs and no descriptor
#     of sipstat's; a hook that forks leaves nothing behind once its
#     timeout, or sipstat's exit, kills its process group; and run as the
#     unit runs sipstat (its bounding set, its defaults file), the webhook
#     hook gets SIPSTAT_WEBHOOK_URL and posts the alert.
#
# Needs root (attach); O=DIR picks the build directory.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip timeout mkfifo curl python3 openssl jq setpriv

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

# ------------------------------------------------------------ alert hooks

A1=198.18.1.1
B1=198.18.1.2
if ! addr_add "$NS_A" sc0 "$A1/24" || ! addr_add "$(ns_name B)" sc1 "$B1/24" ||
	! neigh_static "$(ns_name B)" sc1 "$A1" "$(mac_of "$NS_A" sc0)" ||
	! neigh_static "$NS_A" sc0 "$B1" "$(mac_of "$(ns_name B)" sc1)"; then
	not_ok "hooks: addresses on the veth pair" "ip failed"
	done_testing
fi
# sendh CODE REASON: one response from B1 to A1.
sendh() {
	ip netns exec "$(ns_name B)" python3 - "$1" "$2" "$B1" "$A1" <<'PY'
import socket, sys
code, reason, src, dst = sys.argv[1:5]
msg = ("SIP/2.0 %s %s\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-h\r\nCall-ID: h@%s\r\n"
       "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n" % (code, reason, src, src)).encode()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 5060))
s.sendto(msg, (dst, 5060))
PY
}
# Hooks are root's and readable by all; what they write goes where nobody may write.
chmod 755 "$T"
H=$T/hooks
OUT=$T/hook-out
mkdir -m 755 "$H" && mkdir -m 1777 "$OUT"

# ---- refused when the arguments are parsed
printf '#!/bin/sh\nexit 0\n' >"$H/ok"
chmod 755 "$H/ok"
cp "$H/ok" "$H/world"
chmod 757 "$H/world"
cp "$H/ok" "$H/group"
chmod 775 "$H/group"
chgrp 1234 "$H/group"
cp "$H/ok" "$H/other"
chown 1234 "$H/other"
mkdir -m 777 "$T/open"
cp "$H/ok" "$T/open/hook"
ln -s "$T/open/hook" "$H/link"
mkdir -m 700 "$T/closed"
cp "$H/ok" "$T/closed/hook"
hook_refused() {
	local what=$1 path=$2 want=$3 rc
	shift 3
	nsenter --net="/run/netns/$NS_A" "$SIPSTAT" -i sc0 --alert-exec "$path" "$@" 0.2 1 \
		>/dev/null 2>"$T/hr.err"
	rc=$?
	if [[ $rc -eq 2 ]] && grep -q -- "$want" "$T/hr.err" &&
		! ip -n "$NS_A" link show sc0 | grep -q 'prog/xdp'; then
		ok "hook refused, $what: $(head -n 1 "$T/hr.err")"
	else
		not_ok "hook refused, $what (exit 2: $want)" "exit $rc: $(cat "$T/hr.err")"
	fi
}
hook_refused "writable by every user" "$H/world" "is writable by every user (mode 0757)"
hook_refused "a directory" "$H" "not a regular file"
hook_refused "writable by a group other than root's" "$H/group" "is writable by group 1234"
hook_refused "owned by another user" "$H/other" "is owned by uid 1234"
hook_refused "in a directory every user may write" "$T/open/hook" "$T/open is writable by every user"
hook_refused "a symlink into such a directory" "$H/link" "$T/open is writable by every user"
hook_refused "that its user cannot reach" "$T/closed/hook" "the hook's user nobody cannot enter $T/closed"
hook_refused "a user that does not exist" "$H/ok" "no such user" --alert-user sst-no-such-user

# ---- what a hook runs with
cat >"$H/whoami" <<EOF
#!/bin/sh
f=$OUT/whoami.\$\$
# The shell's own descriptors, as exec left them (ls is a child: /proc/\$\$).
ls -l /proc/\$\$/fd >"\$f.fd"
{ echo "uid=\$(id -u) gid=\$(id -g) groups=\$(id -G)"
  grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status
  awk 'NF > 8 { print "fd", \$9, \$11 }' "\$f.fd"
} >"\$f.tmp"
mv "\$f.tmp" "\$f"
EOF
chmod 755 "$H/whoami"
# whoami_case NAME WANT_UID [SETPRIV...] -- [SIPSTAT ARGS...]
whoami_case() {
	local name=$1 uid=$2 pre=() f caps
	shift 2
	while [[ $1 != -- ]]; do
		pre+=("$1")
		shift
	done
	shift
	rm -f "$OUT"/whoami.* "$T/who.err"	# no line of the run before
	bg_start - "$T/who.out" "$T/who.err" nsenter --net="/run/netns/$NS_A" "${pre[@]}" \
		"$SIPSTAT" -i sc0 --mode skb --alert-exec "$H/whoami" "$@" 0.5
	local pid=$SST_LAST_PID
	wait_until 20 grep -qs 'counting on' "$T/who.err"
	sleep 0.3
	sendh 603 Decline
	wait_until 5 bash -c "ls '$OUT' | grep -q '^whoami\.[0-9]*$'"
	stop_pid "$pid" INT 5
	f=$(ls "$OUT"/whoami.* 2>/dev/null | grep -v '\.fd$\|\.tmp$' | head -n 1)
	caps=$(grep -c $'^Cap\(Inh\|Prm\|Eff\|Bnd\|Amb\):\t0000000000000000$' "${f:-/dev/null}")
	if [[ -n $f ]] && grep -q "^uid=$uid " "$f" && [[ $caps -eq 5 ]] &&
		grep -q $'^NoNewPrivs:\t1$' "$f"; then
		ok "hook $name: uid $uid, no capability (CapEff, CapBnd ... all 0), no_new_privs"
	else
		not_ok "hook $name: uid $uid, no capability, no_new_privs" \
			"$(cat "${f:-/dev/null}" "$T/who.err" 2>&1)"
	fi
	# 0, 1, 2 and the shell's own (its script, the stdout it saved for the
	# redirection): nothing of sipstat's (maps, links, sockets).
	if [[ -n $f ]] && grep -q '^fd 0 /dev/null$' "$f" &&
		! grep '^fd ' "$f" | grep -v "^fd [12] \|^fd [0-9]* $H/whoami$\|^fd 1[0-9] $T/who.err$" |
		grep -qv '^fd 0 '; then
		ok "hook $name: no descriptor of sipstat's"
	else
		not_ok "hook $name: no descriptor of sipstat's" "$(grep '^fd ' "${f:-/dev/null}")"
	fi
}
whoami_case "as root's default" 65534 --
whoami_case "--alert-user daemon" "$(id -u daemon)" -- --alert-user daemon
whoami_case "--alert-user root" 0 -- --alert-user root
# The unit's bounding set (its CapabilityBoundingSet= line), no_new_privs.
UNIT=$SST_ROOT/scripts/systemd/sipstat@.service
unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z' 'a-z' |
	sed 's/cap_//g; s/ /,+/g; s/^/-all,+/')
whoami_case "under the unit's bounding set ($unit_caps)" 65534 \
	setpriv --bounding-set "$unit_caps" --inh-caps -all --no-new-privs --

# ---- a hook that forks: nothing left after its timeout, or after sipstat stops
cat >"$H/forks" <<EOF
#!/bin/sh
# A child, a grandchild orphaned to the keeper, then: hang, or end at once.
sleep 300 & echo \$! >>"$OUT/pids.\$SIPSTAT_CODE"
sh -c 'sleep 301 & echo \$! >>"$OUT/pids.\$SIPSTAT_CODE"' &
echo \$\$ >>"$OUT/pids.\$SIPSTAT_CODE"
[ "\$SIPSTAT_CODE" = 604 ] && exit 0
exec sleep 302
EOF
chmod 755 "$H/forks"
rm -f "$OUT"/pids.*
# gone FILE: none of the pids in FILE is alive.
gone() {
	local p
	[[ -s $1 ]] || return 1
	for p in $(cat "$1"); do
		kill -0 "$p" 2>/dev/null && return 1
	done
	return 0
}
bg_start - "$T/fk.out" "$T/fk.err" nsenter --net="/run/netns/$NS_A" "$SIPSTAT" -i sc0 \
	--mode skb --alert-exec "$H/forks" --alert-timeout 1 --alert 'class=6xx count>0 hold 0s' 0.5
FK=$SST_LAST_PID
wait_until 20 grep -qs 'counting on' "$T/fk.err"
sleep 0.3
sendh 603 Decline
sendh 604 'Does Not Exist Anywhere'
wait_until 3 bash -c "[ \$(wc -l <'$OUT/pids.603' 2>/dev/null) -ge 3 ] && [ \$(wc -l <'$OUT/pids.604' 2>/dev/null) -ge 3 ]"
sleep 0.3
if ! gone "$OUT/pids.603"; then
	ok "forking hook: it and its descendants run before the timeout"
else
	not_ok "forking hook: it and its descendants run before the timeout" "$(cat "$OUT"/pids.* 2>&1)"
fi
wait_until 4 grep -q 'still running after 1 s: killed, with everything it started' "$T/fk.err"
if wait_until 2 gone "$OUT/pids.603"; then
	ok "forking hook: after the timeout, the hook and every descendant are gone"
else
	not_ok "forking hook: after the timeout, the hook and every descendant are gone" \
		"$(ps -o pid,pgid,user,args -p "$(tr '\n' ',' <"$OUT/pids.603")0" 2>&1; cat "$T/fk.err")"
fi
if wait_until 2 gone "$OUT/pids.604"; then
	ok "a hook that ended at once: what it started is gone after the timeout too"
else
	not_ok "a hook that ended at once: what it started is gone after the timeout too" \
		"$(cat "$OUT/pids.604")"
fi
# sipstat stops while a hook hangs: at its deadline, its group goes too.
sendh 606 'Not Acceptable'
wait_until 3 bash -c "[ \$(wc -l <'$OUT/pids.606' 2>/dev/null) -ge 3 ]"
stop_pid "$FK" INT 10
if [[ $SST_RC -eq 0 ]] && gone "$OUT/pids.606"; then
	ok "sipstat stopping: the hung hook's whole group is killed, sipstat exits 0"
else
	not_ok "sipstat stopping: the hung hook's whole group is killed, sipstat exits 0" \
		"exit $SST_RC; $(cat "$OUT/pids.606")"
fi

# ---- as the unit runs it: its defaults file, its bounding set; the webhook hook
port=$((20000 + $$ % 20000))
ip netns exec "$NS_A" python3 - "$A1" "$port" "$T/body" <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        open(sys.argv[3], "wb").write(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), H).handle_request()
PY
SST_PIDS+=($!)
wait_until 10 bash -c "ip netns exec '$NS_A' ss -ltn | grep -q ':$port '"
# The shipped defaults file, with what an operator adds, read as systemd's
# EnvironmentFile= reads it: KEY=VALUE lines, quotes removed.
{
	cat "$SST_ROOT/scripts/systemd/sipstat.default"
	echo "SIPSTAT_OPTS=\"--mode skb --alert-exec $SST_ROOT/scripts/hooks/sipstat-webhook\""
	echo "SIPSTAT_WEBHOOK_URL=\"http://$A1:$port/hook\""
} >"$T/default"
unit_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
while IFS= read -r line; do
	[[ $line =~ ^([A-Z_]+)=\"?(.*[^\"])?\"?$ ]] || continue
	unit_env+=("${BASH_REMATCH[1]}=${BASH_REMATCH[2]}")
done <"$T/default"
opts=$(env -i "${unit_env[@]}" sh -c 'echo "$SIPSTAT_OPTS"')
# ExecStart=... serve -i %I $SIPSTAT_OPTS: the options split at blanks.
# shellcheck disable=SC2086
bg_start - "$T/unit.out" "$T/unit.err" nsenter --net="/run/netns/$NS_A" \
	setpriv --bounding-set "$unit_caps" --inh-caps -all --no-new-privs \
	env -i "${unit_env[@]}" "$SIPSTAT" serve -i sc0 $opts
UPID=$SST_LAST_PID
wait_until 20 grep -qs '^sipstat: serving' "$T/unit.err"
sleep 0.5
sendh 603 Decline
if wait_until 5 test -s "$T/body" && jq -e '.type == "alert" and .code == 603 and
	.remote.address == "198.18.1.2" and .schema == 2' "$T/body" >/dev/null; then
	ok "as the unit: SIPSTAT_WEBHOOK_URL of the defaults file reaches the webhook hook, which posts the alert"
else
	not_ok "as the unit: SIPSTAT_WEBHOOK_URL of the defaults file reaches the webhook hook" \
		"$(cat "$T/body" "$T/unit.err" 2>&1)"
fi
stop_pid "$UPID" TERM 10
nsenter --net="/run/netns/$NS_A" "$SIPSTAT" detach -i sc0 >/dev/null 2>&1

done_testing
