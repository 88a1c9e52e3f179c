#!/usr/bin/env bash
# Helpers are called through wait_until, which shellcheck cannot follow:
# shellcheck disable=SC2317
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Both directions, jumbo frames and other programs on the same hooks:
#
#   - responses SENT through an interface with sipstat on it are counted
#     under "out" (TC clsact egress), exactly as tshark on the peer sees
#     them arrive; "in" holds only what came in;
#   - pinned: status names the TC filter; another tool's TC filter on the
#     same hook is untouched by attach and detach; a filter removed by
#     someone else shows in status;
#   - MTU 9000 on both ends of a veth, native mode: a replayed capture with
#     frames larger than a page is counted exactly (tshark on the file as
#     the oracle); the single-buffer program (SIPSTAT_NO_FRAGS=1, as on a
#     kernel without frags) is refused with the reason in one line, and
#     --mode auto falls back to skb with a notice;
#   - another XDP program loaded with xdp-loader: refused by default with
#     its name; with --mode tc both run, the other still sees its traffic
#     (its own counter) and sipstat counts exactly; --multiprog says why
#     the dispatcher cannot run here and changes nothing; --force where
#     sipstat's own attach fails leaves the other program in place, and
#     where it works replaces it for good.
#
#   ns sst-<pid>-A: sa<pid> 198.18.0.1/24 2001:db8:1::1/64   <- sipstat here
#   ns sst-<pid>-B: sb<pid> 198.18.0.2/24 2001:db8:1::2/64   <- the peer
#
# Needs root; O=DIR picks the build directory (default build).
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip jq tc tshark tcpreplay xdp-loader clang nsenter python3 timeout

SIPSTAT=$SST_O/sipstat
if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi
NS_A=$(ns_name A)
NS_B=$(ns_name B)
IF_A=sa$$
IF_B=sb$$
A4=198.18.0.1
B4=198.18.0.2
A6=2001:db8:1::1
B6=2001:db8:1::2
PIN_DIR=		# A's pins of IF_A, once A is there

sst_tmpdir
T=$SST_TMP

# Pins live on the BPF filesystem, not in a namespace: lib.sh removes A's.
# libxdp (xdp-loader, --multiprog) makes /sys/fs/bpf/xdp for its state and
# leaves it empty: removed too when this suite made it.
[[ -e /sys/fs/bpf/xdp ]] && XDP_STATE_BEFORE=1 || XDP_STATE_BEFORE=
eg_cleanup() {
	[[ -z $XDP_STATE_BEFORE ]] && rmdir /sys/fs/bpf/xdp 2>/dev/null
	return 0
}
# shellcheck disable=SC2154 # eg_rc is assigned inside the trap string
trap 'eg_rc=$?; eg_cleanup; (exit $eg_rc); sst_cleanup' EXIT

setup() {
	ns_add A && ns_add B &&
		veth_add "$NS_A" "$IF_A" "$NS_B" "$IF_B" &&
		addr_add "$NS_A" "$IF_A" "$A4/24" && addr_add "$NS_B" "$IF_B" "$B4/24" &&
		addr_add "$NS_A" "$IF_A" "$A6/64" && addr_add "$NS_B" "$IF_B" "$B6/64" &&
		link_up "$NS_A" "$IF_A" && link_up "$NS_B" "$IF_B" || return 1
	local mac_a mac_b
	mac_a=$(mac_of "$NS_A" "$IF_A")
	mac_b=$(mac_of "$NS_B" "$IF_B")
	MAC_A=$mac_a
	MAC_B=$mac_b
	neigh_static "$NS_B" "$IF_B" "$A4" "$mac_a" && neigh_static "$NS_B" "$IF_B" "$A6" "$mac_a" &&
		neigh_static "$NS_A" "$IF_A" "$B4" "$mac_b" && neigh_static "$NS_A" "$IF_A" "$B6" "$mac_b"
}
if ! setup || ! PIN_DIR=$(pin_dir "$NS_A" "$IF_A"); then
	not_ok "namespaces and veth pair set up" "ip failed, see stderr"
	done_testing
fi
diag "namespaces $NS_A ($IF_A) and $NS_B ($IF_B)"

# in_a CMD...: in namespace A with this mount namespace's /sys.
in_a() {
	nsenter --net="/run/netns/$NS_A" "$@"
}

# ------------------------------------------------------------ payloads

# sip_response FILE CODE REASON FROM TO
sip_response() {
	printf 'SIP/2.0 %s %s\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-eg-%s\r\nFrom: <sip:alice@%s>;tag=a1\r\nTo: <sip:bob@%s>;tag=b2\r\nCall-ID: eg-%s@%s\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' \
		"$2" "$3" "$5" "$2" "$5" "$4" "$2" "$5" >"$1"
}
sip_response "$T/a100" 100 Trying "$A4" "$B4"
sip_response "$T/a407" 407 "Proxy Authentication Required" "$A4" "$B4"
sip_response "$T/a200" 200 OK "$A4" "$B4"
sip_response "$T/a503" 503 "Service Unavailable" "$A4" "$B4"
sip_response "$T/b180" 180 Ringing "$B4" "$A4"
sip_response "$T/b486" 486 "Busy Here" "$B4" "$A4"

# last_json FILE: the last report line.
last_json() {
	grep '^{' "$1" 2>/dev/null | tail -n 1
}

# dir_counts JSON DIR: "code total" lines of one direction, by code.
dir_counts() {
	jq -r --arg d "$2" '.directions[$d].codes[] | select(.total > 0) | "\(.code) \(.total)"' <<<"$1" |
		sort -n
}

# tshark_counts FILE [FILTER]: "code count" lines of the SIP responses in a capture.
tshark_counts() {
	tshark -n -r "$1" -d udp.port==5060,sip -Y "sip.Status-Code${2:+ && $2}" \
		-T fields -e sip.Status-Code 2>/dev/null | sort -n | uniq -c | awk '{ print $2, $1 }'
}

# started ERRFILE: sipstat said it counts (loading takes seconds).
started() {
	grep -q 'counting on\|reading the pinned' "$1" 2>/dev/null
}

# watch_start NAME ARGS...: sipstat in namespace A in the background,
# JSON every 0.5 s, waits until it counts.  W_PID, W_OUT, W_ERR.
watch_start() {
	local name=$1
	shift
	W_OUT=$T/$name.json
	W_ERR=$T/$name.err
	bg_start - "$W_OUT" "$W_ERR" nsenter --net="/run/netns/$NS_A" "$SIPSTAT" -i "$IF_A" \
		-o json "$@" 0.5
	W_PID=$SST_LAST_PID
	wait_until 90 started "$W_ERR" && wait_until 10 grep -q '^{' "$W_OUT"
}

# watch_stop: SIGINT, a last report, exit status in W_RC.
watch_stop() {
	sleep 1.2
	stop_pid "$W_PID" INT 10
	W_RC=$SST_RC
}

# capture_start NAME: tshark on the peer's end; C_PID, C_FILE.
capture_start() {
	C_FILE=$T/$1.pcapng
	bg_start "$NS_B" "$T/$1.tshark.out" "$T/$1.tshark.err" \
		tshark -n -l -i "$IF_B" -f 'udp port 5060' -w "$C_FILE"
	C_PID=$SST_LAST_PID
	wait_until 20 grep -q 'Capturing on' "$T/$1.tshark.err"
	sleep 0.5
}

capture_stop() {
	sleep 0.5
	stop_pid "$C_PID" INT 10
}

tc_filters() {
	ip netns exec "$NS_A" tc filter show dev "$IF_A" "$1" 2>/dev/null
}

# ------------------------------------------------------------ 1. egress

name="egress (watching mode)"
capture_start egress
if watch_start egress; then
	udp_send "$NS_A" "$B4" 5060 5 "$T/a100"
	udp_send "$NS_A" "$B4" 5060 3 "$T/a407"
	udp_send "$NS_A" "$B4" 5060 4 "$T/a200"
	udp_send "$NS_A" "$B4" 5060 2 "$T/a503"
	udp_send "$NS_B" "$A4" 5060 6 "$T/b180"
	udp_send "$NS_B" "$A4" 5060 1 "$T/b486"
	if grep -q 'sipstat_tc_out' <<<"$(tc_filters egress)"; then
		ok "$name: sipstat's filter is on clsact egress while it runs"
	else
		not_ok "$name: sipstat's filter is on clsact egress while it runs" "$(tc_filters egress)"
	fi
	watch_stop
	capture_stop
	check_eq "$name: exits 0 on SIGINT" "$W_RC" 0
	json=$(last_json "$W_OUT")
	tshark_counts "$C_FILE" "ip.src == $A4" >"$T/egress.want"
	dir_counts "$json" out >"$T/egress.got"
	check_eq "$name: tshark saw what was sent" "$(tr '\n' ' ' <"$T/egress.want")" \
		"100 5 200 4 407 3 503 2 "
	same_counts "$name: out per code == tshark on the peer" "$T/egress.got" "$T/egress.want"
	tshark_counts "$C_FILE" "ip.src == $B4" >"$T/ingress.want"
	dir_counts "$json" in >"$T/ingress.got"
	same_counts "$name: in per code == what the peer sent, nothing of out" "$T/ingress.got" \
		"$T/ingress.want"
	check_eq "$name: both directions counted in the report" \
		"$(jq -c '[.directions.in.counted, .directions.out.counted]' <<<"$json")" '[true,true]'
	if grep -q 'handle 0x5195' <<<"$(tc_filters egress)"; then
		not_ok "$name: filter removed on exit" "$(tc_filters egress)"
	else
		ok "$name: filter removed on exit"
	fi
else
	not_ok "$name: sipstat starts" "$(cat "$W_ERR")"
	stop_pid "$W_PID" KILL 2
	capture_stop
fi

# --direction in: no TC filter at all.
name="--direction in"
if watch_start dirin --direction in; then
	if grep -q 'handle 0x5195' <<<"$(tc_filters egress)"; then
		not_ok "$name: no egress filter" "$(tc_filters egress)"
	else
		ok "$name: no egress filter"
	fi
	udp_send "$NS_A" "$B4" 5060 3 "$T/a200"
	udp_send "$NS_B" "$A4" 5060 2 "$T/b486"
	watch_stop
	json=$(last_json "$W_OUT")
	check_eq "$name: in counted, out not" \
		"$(jq -c '[.directions.in.responses.total, .directions.out.responses.total, .directions.out.counted]' <<<"$json")" \
		'[2,0,false]'
else
	not_ok "$name: sipstat starts" "$(cat "$W_ERR")"
	stop_pid "$W_PID" KILL 2
fi

# SIGKILL: the XDP link goes with the process, the egress filter (no link)
# stays; the next sipstat takes its place and removes it on the way out.
name="SIGKILL"
if watch_start killed; then
	kill -KILL "$W_PID"
	wait "$W_PID" 2>/dev/null
	sst_forget_pid "$W_PID"
	check "$name: the egress filter is left behind" grep -q 'sipstat_tc_out' <<<"$(tc_filters egress)"
	in_a timeout 60 "$SIPSTAT" -i "$IF_A" -o json 0.3 1 >"$T/again.out" 2>"$T/again.err"
	check_eq "$name: the next sipstat takes the leftover's place and exits 0" "$?" 0
	if grep -q 'handle 0x5195' <<<"$(tc_filters egress)"; then
		not_ok "$name: and removes it on the way out" "$(tc_filters egress)"
	else
		ok "$name: and removes it on the way out"
	fi
else
	not_ok "$name: sipstat starts" "$(cat "$W_ERR")"
	stop_pid "$W_PID" KILL 2
fi

# ------------------------------------------------------------ 2. pinned, other TC filters

name="pinned egress"
# The other tool: clsact of its own making (sipstat's watching mode leaves
# an empty one behind: removed first) and a classic BPF filter on each hook.
ip netns exec "$NS_A" tc qdisc del dev "$IF_A" clsact 2>/dev/null
ip netns exec "$NS_A" tc qdisc add dev "$IF_A" clsact
ip netns exec "$NS_A" tc filter add dev "$IF_A" egress prio 100 protocol all bpf bytecode '1,6 0 0 0'
ip netns exec "$NS_A" tc filter add dev "$IF_A" ingress prio 100 protocol all bpf bytecode '1,6 0 0 0'
OTHER_TC="bytecode '1,6 0 0 0'"
if in_a "$SIPSTAT" attach -i "$IF_A" >"$T/attach.out" 2>"$T/attach.err"; then
	ok "$name: attach beside an existing clsact and another tool's filters"
	check "$name: tc_out pinned" test -e "$PIN_DIR/tc_out"
	in_a "$SIPSTAT" status -i "$IF_A" >"$T/status.txt" 2>&1
	if grep -q 'TC egress: prog id [1-9].*handle 0x5195' "$T/status.txt"; then
		ok "$name: status names the TC filter"
	else
		not_ok "$name: status names the TC filter" "$(cat "$T/status.txt")"
	fi
	check_eq "$name: status -o json: directions and the TC program on egress" \
		"$(in_a "$SIPSTAT" status -i "$IF_A" -o json |
			jq -c '.interfaces[0] | [.directions, .tc.out.prog_id > 0, .tc.out.prog_id == .tc.out.hook_prog_id, .tc.in.prog_id]')" \
		'[["in","out"],true,true,0]'
	udp_send "$NS_A" "$B4" 5060 7 "$T/a200"
	udp_send "$NS_B" "$A4" 5060 2 "$T/b180"
	sleep 0.3
	check_eq "$name: show: out and in" \
		"$(in_a "$SIPSTAT" show -i "$IF_A" -o json | jq -c '[.directions.out.responses.total, .directions.in.responses.total]')" \
		'[7,2]'
	# Someone removes sipstat's filter: status says so.
	ip netns exec "$NS_A" tc filter del dev "$IF_A" egress pref 20885 handle 0x5195 bpf
	check_eq "$name: status sees a removed filter" \
		"$(in_a "$SIPSTAT" status -i "$IF_A" -o json | jq -r '.interfaces[0].state')" \
		"tc_gone"
	# Attaching again puts it back, counts kept.
	in_a "$SIPSTAT" attach -i "$IF_A" >/dev/null 2>"$T/attach2.err"
	udp_send "$NS_A" "$B4" 5060 1 "$T/a200"
	sleep 0.3
	check_eq "$name: attach again restores the filter, counts kept" \
		"$(in_a "$SIPSTAT" show -i "$IF_A" -o json | jq -c '.directions.out.responses.total')" '8'
	if in_a "$SIPSTAT" detach -i "$IF_A" 2>"$T/detach.err"; then
		ok "$name: detach"
	else
		not_ok "$name: detach" "$(cat "$T/detach.err")"
	fi
	eg=$(tc_filters egress)
	ig=$(tc_filters ingress)
	if grep -qF "$OTHER_TC" <<<"$eg" && grep -qF "$OTHER_TC" <<<"$ig" && ! grep -q 0x5195 <<<"$eg$ig"; then
		ok "$name: detach leaves the other tool's filters, removes only sipstat's"
	else
		not_ok "$name: detach leaves the other tool's filters, removes only sipstat's" \
			"egress: $eg" "ingress: $ig"
	fi
	check "$name: pins removed" test ! -e "$PIN_DIR"
else
	not_ok "$name: attach beside an existing clsact and another tool's filters" \
		"$(cat "$T/attach.err")"
fi
ip netns exec "$NS_A" tc qdisc del dev "$IF_A" clsact 2>/dev/null

# ------------------------------------------------------------ 3. jumbo frames

ip -n "$NS_A" link set "$IF_A" mtu 9000
ip -n "$NS_B" link set "$IF_B" mtu 9000

# A capture to replay: SIP responses from B to A in frames of 300 to 8200
# bytes (a page is 4096), Ethernet/IPv4/UDP, checksums right.
python3 - "$T/jumbo.pcap" "$MAC_B" "$MAC_A" "$B4" "$A4" <<'EOF'
import struct, sys
out, smac, dmac, src, dst = sys.argv[1:6]
mac = lambda m: bytes(int(x, 16) for x in m.split(':'))
ip = lambda a: bytes(int(x) for x in a.split('.'))
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
frames = []
plan = [(200, 'OK', 300), (200, 'OK', 1400), (183, 'Session Progress', 3000),
        (200, 'OK', 4500), (486, 'Busy Here', 6000), (200, 'OK', 8200), (503, 'Service Unavailable', 5000)]
for rep in range(3):
    for i, (code, reason, size) in enumerate(plan):
        head = ('SIP/2.0 %d %s\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-j%d-%d\r\n'
                'Call-ID: jumbo-%d-%d@%s\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n'
                % (code, reason, src, rep, i, rep, i, src))
        body_len = max(0, size - 14 - 20 - 8 - len(head) - 30)
        sip = (head + 'Content-Length: %d\r\n\r\n' % body_len).encode() + b'a' * body_len
        udp = struct.pack('!HHHH', 5060, 5060, 8 + len(sip), 0) + sip
        iph = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), rep * 10 + i, 0x4000, 64, 17, 0,
                          ip(src), ip(dst))
        iph = iph[:10] + struct.pack('!H', csum(iph)) + iph[12:]
        frames.append(mac(dmac) + mac(smac) + b'\x08\x00' + iph + udp)
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for n, fr in enumerate(frames):
        f.write(struct.pack('<IIII', 1700000000 + n, 0, len(fr), len(fr)))
        f.write(fr)
EOF
tshark_counts "$T/jumbo.pcap" >"$T/jumbo.want"
check_ge "jumbo: the capture has frames larger than a page" \
	"$(tshark -n -r "$T/jumbo.pcap" -Y 'frame.len > 4096' 2>/dev/null | wc -l)" 9

name="jumbo MTU 9000, native"
if watch_start jumbo --mode native --direction in; then
	ok "$name: attaches"
	check_eq "$name: native mode" "$(last_json "$W_OUT" | jq -r .mode)" native
	ip netns exec "$NS_B" tcpreplay -q -i "$IF_B" "$T/jumbo.pcap" >"$T/tcpreplay.out" 2>&1
	watch_stop
	json=$(last_json "$W_OUT")
	dir_counts "$json" in >"$T/jumbo.got"
	same_counts "$name: replayed capture counted exactly (tshark on the file)" "$T/jumbo.got" \
		"$T/jumbo.want"
	check_eq "$name: nothing truncated" "$(jq -r .parser.truncated <<<"$json")" 0
else
	not_ok "$name: attaches" "$(cat "$W_ERR")"
	stop_pid "$W_PID" KILL 2
fi

name="jumbo, single-buffer program"
SIPSTAT_NO_FRAGS=1 in_a timeout 60 "$SIPSTAT" -i "$IF_A" --mode native --direction in 1 1 \
	>/dev/null 2>"$T/nofrags.err"
rc=$?
check_eq "$name: native refused, exit 1" "$rc" 1
if grep -q "native mode to $IF_A: .*driver veth, MTU 9000.*lower the MTU or use --mode skb" "$T/nofrags.err"; then
	ok "$name: one line with driver, MTU and what to do"
else
	not_ok "$name: one line with driver, MTU and what to do" "$(cat "$T/nofrags.err")"
fi
SIPSTAT_NO_FRAGS=1 in_a timeout 60 "$SIPSTAT" -i "$IF_A" --mode auto --direction in -o json 0.5 1 \
	>"$T/auto.json" 2>"$T/auto.err"
rc=$?
if [[ $rc -eq 0 ]] && grep -q 'counting in skb mode' "$T/auto.err" &&
	[[ $(last_json "$T/auto.json" | jq -r .mode) == skb ]]; then
	ok "$name: --mode auto falls back to skb with a notice"
else
	not_ok "$name: --mode auto falls back to skb with a notice" "exit $rc" "$(cat "$T/auto.err")"
fi

# ------------------------------------------------------------ 4. another XDP program

# The other tool's program: frags-aware (the MTU is 9000), counts every
# frame it sees in a map of its own, passes everything.
cat >"$T/other.bpf.c" <<'EOF'
#include <linux/bpf.h>
#define SEC(n) __attribute__((section(n), used))
struct {
	int (*type)[BPF_MAP_TYPE_ARRAY];
	int (*max_entries)[1];
	__u32 *key;
	__u64 *value;
} other_seen SEC(".maps");
static void *(*map_lookup)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
SEC("xdp.frags")
int other_prog(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = map_lookup(&other_seen, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
EOF
if ! clang -g -O2 -target bpf -I"/usr/include/$(gcc -dumpmachine)" -c "$T/other.bpf.c" \
	-o "$T/other.bpf.o" 2>"$T/clang.err"; then
	not_ok "another XDP program builds" "$(cat "$T/clang.err")"
	done_testing
fi

other_id() {
	ip -n "$NS_A" -d link show "$IF_A" | awk '/prog\/xdp id/ { for (i = 1; i < NF; i++) if ($i == "id") { print $(i + 1); exit } }'
}
# other_seen: the other program's own counter (little-endian bytes in hex).
other_seen() {
	local id b v=0 i=0
	id=$(bpftool prog show id "$(other_id)" -j 2>/dev/null | jq -r '.map_ids[0]')
	for b in $(bpftool map lookup id "$id" key 0 0 0 0 -j 2>/dev/null | jq -r '.value[]'); do
		v=$((v + (b << (8 * i))))
		i=$((i + 1))
	done
	echo "$v"
}

in_a xdp-loader load -m native "$IF_A" "$T/other.bpf.o" >"$T/xdploader.out" 2>&1
OTHER=$(other_id)
if [[ -z $OTHER ]]; then
	not_ok "xdp-loader loads another XDP program" "$(cat "$T/xdploader.out")"
	done_testing
fi
ok "xdp-loader loads another XDP program (id $OTHER)"
diag "$(grep -i 'libxdp' "$T/xdploader.out" | head -3)"

name="another XDP program"
in_a timeout 60 "$SIPSTAT" -i "$IF_A" 1 1 >/dev/null 2>"$T/busy.err"
rc=$?
check_eq "$name: refused by default, exit 1" "$rc" 1
if grep -q "another XDP program (id $OTHER, other_prog).*--mode tc.*--multiprog.*--force" "$T/busy.err"; then
	ok "$name: the refusal names it and the ways on"
else
	not_ok "$name: the refusal names it and the ways on" "$(cat "$T/busy.err")"
fi
check_eq "$name: still attached after the refusal" "$(other_id)" "$OTHER"

name="--mode tc beside another XDP program"
seen0=$(other_seen)
if watch_start tcmode --mode tc; then
	check_eq "$name: mode tc" "$(last_json "$W_OUT" | jq -r .mode)" tc
	udp_send "$NS_B" "$A4" 5060 9 "$T/b180"
	udp_send "$NS_B" "$A4" 5060 4 "$T/b486"
	udp_send "$NS_A" "$B4" 5060 3 "$T/a200"
	watch_stop
	json=$(last_json "$W_OUT")
	check_eq "$name: sipstat counts in and out exactly" \
		"$(dir_counts "$json" in | tr '\n' ' ')/$(dir_counts "$json" out | tr '\n' ' ')" \
		"180 9 486 4 /200 3 "
	seen1=$(other_seen)
	check_ge "$name: the other program saw the 13 frames too (its own counter: $seen0 -> $seen1)" \
		"$((seen1 - seen0))" 13
	check_eq "$name: the other program is still attached after sipstat exits" "$(other_id)" "$OTHER"
	if grep -q 0x5195 <<<"$(tc_filters ingress)$(tc_filters egress)"; then
		not_ok "$name: sipstat's TC filters removed on exit" "$(tc_filters ingress)"
	else
		ok "$name: sipstat's TC filters removed on exit"
	fi
else
	not_ok "$name: sipstat starts" "$(cat "$W_ERR")"
	stop_pid "$W_PID" KILL 2
fi

# Pinned, --mode tc: attach and detach leave the other program alone.
name="attach --mode tc beside another XDP program"
if in_a "$SIPSTAT" attach -i "$IF_A" --mode tc 2>"$T/tcattach.err"; then
	udp_send "$NS_B" "$A4" 5060 2 "$T/b486"
	sleep 0.3
	check_eq "$name: counts" \
		"$(in_a "$SIPSTAT" show -i "$IF_A" -o json | jq -c '.directions.in.responses.total')" 2
	in_a "$SIPSTAT" detach -i "$IF_A" 2>"$T/tcdetach.err"
	check_eq "$name: detach leaves the other program in place" "$(other_id)" "$OTHER"
else
	not_ok "$name: attaches" "$(cat "$T/tcattach.err")"
fi

# --multiprog: libxdp's dispatcher needs freplace programs.
name="--multiprog"
in_a timeout 60 "$SIPSTAT" -i "$IF_A" --multiprog 1 1 >/dev/null 2>"$T/multi.err"
rc=$?
check_eq "$name: exit 1" "$rc" 1
if grep -q "cannot join libxdp's dispatcher on $IF_A: the kernel refuses the freplace programs it needs (Operation not permitted); nothing was changed: use --mode tc" "$T/multi.err"; then
	ok "$name: says the kernel refuses the dispatcher, names --mode tc"
elif grep -q "cannot join libxdp's dispatcher on $IF_A: .*nothing was changed: use --mode tc" "$T/multi.err"; then
	# A kernel that loads freplace programs: the refusal says why.
	ok "$name: refused with the reason, names --mode tc ($(cat "$T/multi.err"))"
else
	not_ok "$name: says why the dispatcher cannot be joined, names --mode tc" "$(cat "$T/multi.err")"
fi
check_eq "$name: nothing changed" "$(other_id)/$(tc_filters ingress | grep -c 0x5195)" "$OTHER/0"
in_a timeout 60 "$SIPSTAT" attach -i "$IF_A" --multiprog >/dev/null 2>"$T/multi2.err"
rc=$?
check_eq "$name: attach --multiprog refused too, nothing changed, nothing pinned" \
	"$rc/$(other_id)/$(grep -c "dispatcher" "$T/multi2.err")/$(test -e "$PIN_DIR" && echo pinned)" \
	"1/$OTHER/1/"
in_a "$SIPSTAT" detach -i "$IF_A" >/dev/null 2>&1

# --force where sipstat's own program cannot attach: the single-buffer one
# at MTU 9000 in native mode.  The other program must stay.
name="--force when sipstat's attach fails"
SIPSTAT_NO_FRAGS=1 in_a timeout 60 "$SIPSTAT" -i "$IF_A" --force --mode native 1 1 \
	>/dev/null 2>"$T/force1.err"
rc=$?
check_eq "$name: exit 1" "$rc" 1
check_eq "$name: the other program is still attached" "$(other_id)" "$OTHER"
diag "$(cat "$T/force1.err")"
SIPSTAT_NO_FRAGS=1 in_a timeout 60 "$SIPSTAT" attach -i "$IF_A" --force --mode native \
	>/dev/null 2>"$T/force2.err"
rc=$?
check_eq "$name (attach): exit 1, the other program still attached" "$rc/$(other_id)" "1/$OTHER"
in_a "$SIPSTAT" detach -i "$IF_A" >/dev/null 2>&1

name="--force"
if watch_start force --force --direction in; then
	if grep -q "replaced XDP program id $OTHER other_prog for good" "$W_ERR"; then
		ok "$name: replaces it, says so"
	else
		not_ok "$name: replaces it, says so" "$(cat "$W_ERR")"
	fi
	udp_send "$NS_B" "$A4" 5060 3 "$T/b180"
	watch_stop
	check_eq "$name: counts" "$(last_json "$W_OUT" | jq -c '.directions.in.responses.total')" 3
	check_eq "$name: the replaced program is gone for good (not put back)" "$(other_id)" ""
else
	not_ok "$name: sipstat starts" "$(cat "$W_ERR")"
	stop_pid "$W_PID" KILL 2
fi

done_testing
