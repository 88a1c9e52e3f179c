#!/usr/bin/env bash
# Helpers are called through wait_until, which shellcheck cannot follow:
# shellcheck disable=SC2317
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The service mode end to end: sipstat attach / show / status / detach /
# serve with counters pinned under /sys/fs/bpf/sipstat/netns:INO:COOKIE/IFACE
# (the namespace's inode and cookie), on one end
# of a veth pair inside a network namespace, real SIP over UDP sent from
# the namespace at the other end.
#
#   ns sst-<pid>-A: IFA 198.18.0.1/24   <- sipstat attaches here
#   ns sst-<pid>-B: IFB 198.18.0.2/24   <- traffic from here
#
# The interface names carry the suite's PID, so the pins of two runs (or
# two suites) never meet in the one BPF filesystem.  sipstat runs under
# nsenter --net (suite_netns tries ip netns exec), and mounts the BPF
# filesystem itself where none is.
#
# Checked: totals are exactly what was sent across a SIGKILLed reader and
# a restart, attaching twice keeps the counts, --reset zeroes them, two
# readers at once, --port changes the pinned set live (service names and
# ranges too), status names each state (attached, a link detached or a
# link pin removed by someone else, another program, interface gone, an
# interface removed and made again, with XDP and with TC alone),
# --replace across a map layout change, serve re-attaching a returning or
# recreated interface, a non-root reader's error, and detach leaving no
# link, program, map or pin behind.
#
# Needs root; O=DIR picks the build directory (default build).
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip jq timeout nsenter bpftool setpriv clang gcc stat python3

SIPSTAT=$SST_O/sipstat
PINROOT=/sys/fs/bpf/sipstat

if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi
IFA=sv$$a
IFB=sv$$b
PIN=
NS_A=$(ns_name A)
NS_B=$(ns_name B)
A4=198.18.0.1
B4=198.18.0.2

# Remove what sipstat pinned for our interface whatever happened, then
# the namespaces and the rest (lib.sh's cleanup).
svc_cleanup() {
	local rc=$?
	if [[ -n $PIN && -d $PIN ]]; then
		[[ -e $PIN/link ]] && bpftool link detach pinned "$PIN/link" 2>/dev/null
		rm -f "$PIN"/counts "$PIN"/ports "$PIN"/meta "$PIN"/link
		rmdir "$PIN" "$NSDIR" 2>/dev/null
	fi
	rmdir "$PINROOT" 2>/dev/null
	[[ -n ${OTHER_PIN:-} ]] && rm -f "$OTHER_PIN"
	(exit "$rc")
	sst_cleanup
}
trap svc_cleanup EXIT

make_veth() {
	veth_add "$NS_A" "$IFA" "$NS_B" "$IFB" || return 1
	addr_add "$NS_A" "$IFA" "$A4/24" || return 1
	addr_add "$NS_B" "$IFB" "$B4/24" || return 1
	link_up "$NS_A" "$IFA" && link_up "$NS_B" "$IFB" || return 1
	neigh_static "$NS_B" "$IFB" "$A4" "$(mac_of "$NS_A" "$IFA")" || return 1
	neigh_static "$NS_A" "$IFA" "$B4" "$(mac_of "$NS_B" "$IFB")"
}

if ! ns_add A || ! ns_add B || ! make_veth; then
	not_ok "namespaces and veth pair set up" "ip failed, see stderr"
	done_testing
fi
# The pins of A's namespace: its inode and cookie name the directory.
if ! PIN=$(pin_dir "$NS_A" "$IFA"); then
	not_ok "namespace A's pin directory known" "no inode or cookie for $NS_A"
	done_testing
fi
NSDIR=${PIN%/*}
diag "namespaces $NS_A ($IFA $A4) and $NS_B ($IFB $B4), pins in $PIN"

sst_tmpdir
T=$SST_TMP

# ------------------------------------------------------------ helpers

# sst ARGS...: sipstat in namespace A with the host's BPF filesystem.
sst() {
	timeout 30 nsenter --net="/run/netns/$NS_A" "$SIPSTAT" "$@"
}

sip_response() {
	printf 'SIP/2.0 %s %s\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-svc-%s\r\nFrom: <sip:alice@%s>;tag=a1\r\nTo: <sip:bob@%s>;tag=b2\r\nCall-ID: svc-%s@%s\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' \
		"$2" "$3" "$B4" "$2" "$B4" "$A4" "$2" "$B4" >"$1"
}
sip_response "$T/200" 200 OK
sip_response "$T/486" 486 "Busy Here"
sip_response "$T/603" 603 Decline
sip_response "$T/180" 180 Ringing

# send CODE COUNT [PORT]
send() {
	udp_send "$NS_B" "$A4" "${3:-5060}" "$2" "$T/$1"
}

# show_json FILTER: the filter over 'sipstat show -i IFA -o json'.
show_json() {
	sst show -i "$IFA" -o json 2>/dev/null | jq -c "$1" 2>/dev/null
}

# codes: {"200":5,...} of the pinned totals.
codes() {
	show_json '[.codes[] | {(.code | tostring): .total}] | add // {}'
}

total_is() {
	[[ $(show_json .responses.total) == "$1" ]]
}

status_json() {
	sst status -i "$IFA" -o json 2>/dev/null | jq -c ".interfaces[0] | $1" 2>/dev/null
}

state_is() {
	[[ $(status_json .state) == "\"$1\"" ]]
}

# wait_total N NAME: the pinned total reaches N within 10 s (and stays N).
wait_total() {
	if wait_until 10 total_is "$1"; then
		ok "$2"
	else
		not_ok "$2" "responses total $(show_json .responses.total), want $1"
	fi
}

json_lines() {
	grep -c '^{' "$1" 2>/dev/null || true
}

has_json_lines() {
	[[ $(json_lines "$1") -ge $2 ]]
}

last_total_is() {
	[[ $(grep '^{' "$1" | tail -n 1 | jq .responses.total 2>/dev/null) == "$2" ]]
}

# reader TAG ARGS...: a watching sipstat in the background reading the
# pins; waits for its first JSON line.  READER_PID gets its PID.
reader() {
	local tag=$1
	shift
	bg_start - "$T/$tag.out" "$T/$tag.err" nsenter --net="/run/netns/$NS_A" \
		"$SIPSTAT" -i "$IFA" -o json 0.2 "$@"
	READER_PID=$SST_LAST_PID
	if wait_until 10 has_json_lines "$T/$tag.out" 1; then
		return 0
	fi
	diag_file "$tag stderr" "$T/$tag.err"
	return 1
}

xdp_on_a() {
	ip -n "$NS_A" link show "$IFA" 2>/dev/null | grep -q xdp
}

# ---------------------------------------------------------- attach

sst attach -i "$IFA" --mode skb >"$T/attach.out" 2>"$T/attach.err"
rc=$?
check_eq "attach: exits 0" "$rc" 0
[[ $rc -eq 0 ]] || diag_file "stderr" "$T/attach.err"
check "attach: says what it did" grep -q "$IFA: attached and pinned, counting from zero (skb mode" \
	"$T/attach.err"
check "attach: the XDP program stays after the command returned" xdp_on_a
check_eq "attach: pin directory is 0700" "$(stat -c %a "$PIN" 2>/dev/null)" 700
check_eq "attach: the namespace's directory is 0700" "$(stat -c %a "$NSDIR" 2>/dev/null)" 700
check_eq "attach: the sipstat directory is 0700" "$(stat -c %a "$PINROOT" 2>/dev/null)" 700
check_eq "attach: pins counts, ports, meta, link, each 0600" \
	"$(cd "$PIN" 2>/dev/null && stat -c '%n %a' counts ports meta link | tr '\n' ' ')" \
	"counts 600 ports 600 meta 600 link 600 "
check_eq "status: attached" "$(status_json '[.state, .mode, .ports, .layout]')" \
	'["attached","skb","5060",2]'
LINK_ID=$(status_json .link_id)
PROG_ID=$(status_json .prog_id)
diag "link id $LINK_ID, prog id $PROG_ID"

# ------------------------------------------------------ show totals

send 200 5
send 486 3
wait_total 8 "show: 8 responses sent, 8 counted"
check_eq "show: per code" "$(codes)" '{"200":5,"486":3}'
check_eq "show: one JSON object with schema, type and the pins' facts" \
	"$(show_json '[.schema, .type, .per_interface[0].source, .per_interface[0].ports, (.per_interface[0].since | test("^[0-9-]+T"))]')" \
	'[2,"show","pinned","5060",true]'
if sst show -i "$IFA" >"$T/show.txt" 2>&1 && grep -qE '^  486  Busy Here +4xx +reachability +in +3 ' "$T/show.txt"; then
	ok "show: text form"
else
	not_ok "show: text form"
	diag_file "show" "$T/show.txt"
fi

# -------------------------------------- a reader killed, a restart

if reader r1; then
	ok "reader: reads the pinned counters"
	check "reader: says it reads pins" grep -q "reading the pinned counters of $IFA" "$T/r1.err"
	send 603 4
	if wait_until 10 last_total_is "$T/r1.out" 4; then
		ok "reader: its totals are since it started (4 new)"
	else
		not_ok "reader: its totals are since it started (4 new)" \
			"last: $(grep '^{' "$T/r1.out" | tail -n 1 | jq -c .responses)"
	fi
	kill -KILL "$READER_PID"
	wait "$READER_PID" 2>/dev/null
	sst_forget_pid "$READER_PID"
	check "SIGKILL of the reader: still attached" state_is attached
	send 200 2
	wait_total 14 "SIGKILL of the reader: nothing lost while no reader runs (5+3+4+2)"
	check_eq "after the restart: exactly the sum" "$(codes)" '{"200":7,"486":3,"603":4}'
else
	not_ok "reader: reads the pinned counters"
fi

# ----------------------------------------------- two readers at once

R2=""
if reader r2 && R2=$READER_PID && reader r3; then
	ok "two readers at once: both start (no --force)"
	send 180 3
	if wait_until 10 last_total_is "$T/r2.out" 3 && wait_until 10 last_total_is "$T/r3.out" 3; then
		ok "two readers at once: both see the 3 new responses"
	else
		not_ok "two readers at once: both see the 3 new responses"
	fi
	stop_pid "$READER_PID" INT 5
	check_eq "two readers: the second exits 0 on SIGINT" "$SST_RC" 0
	stop_pid "$R2" INT 5
	check_eq "two readers: the first exits 0 on SIGINT" "$SST_RC" 0
	check "two readers gone: still attached, counting goes on" state_is attached
else
	not_ok "two readers at once: both start (no --force)"
fi
wait_total 17 "pinned totals: 17 after the readers"

# ------------------------------------------------------ attach twice

sst attach -i "$IFA" >/dev/null 2>"$T/again.err"
check_eq "attach twice: exits 0" "$?" 0
check "attach twice: says the counts are kept" grep -q 'already attached, counts kept' "$T/again.err"
check_eq "attach twice: same link and program" "$(status_json '[.link_id, .prog_id]')" \
	"[$LINK_ID,$PROG_ID]"
wait_total 17 "attach twice: no reset, no double count"

# ------------------------------------------------------- --port live

sst attach -i "$IFA" -p 5062 -p 5070-5079 >/dev/null 2>"$T/port.err"
check_eq "attach --port: exits 0" "$?" 0
check_eq "attach --port: status shows the set, ranges compact" "$(status_json .ports)" \
	'"5062,5070-5079"'
send 200 2 5060
send 200 1 5062
send 200 1 5075
wait_total 19 "attach --port: the new ports count at once, 5060 no more"
sst attach -i "$IFA" -p sip >/dev/null 2>"$T/port2.err"
check_eq "attach -p sip: a service name" "$(status_json .ports)" '"5060"'
send 200 1 5062
send 200 1 5060
wait_total 20 "attach -p sip: 5060 counts again, 5062 no more"
check_eq "--port changes keep the link" "$(status_json .link_id)" "$LINK_ID"

# A reader's --port changes the pinned set too, for every reader.
if reader rp -p 5064; then
	check "reader -p: says it changed the pinned port set" \
		grep -q "SIP ports of the pinned program set to 5064" "$T/rp.err"
	check_eq "reader -p: status shows the new set" "$(status_json .ports)" '"5064"'
	stop_pid "$READER_PID" INT 5
	check_eq "reader -p: the set stays after the reader exits" "$(status_json .ports)" '"5064"'
else
	not_ok "reader -p: starts"
fi
sst attach -i "$IFA" -p 5060 >/dev/null 2>&1

# --replace with the same layout: the program is swapped in place.
sst attach -i "$IFA" --replace >/dev/null 2>"$T/swap.err"
check_eq "attach --replace (same layout): exits 0" "$?" 0
check "attach --replace (same layout): says the counts are kept" \
	grep -q 'program replaced, counts kept' "$T/swap.err"
check_eq "attach --replace (same layout): same link, new program" \
	"$(status_json "[.link_id == $LINK_ID, .prog_id != $PROG_ID, .state]")" '[true,true,"attached"]'
wait_total 20 "attach --replace (same layout): counts kept"
send 200 1
wait_total 21 "attach --replace (same layout): the new program counts into the same maps"

# ------------------------------------------------------------ --reset

sst attach -i "$IFA" --reset >/dev/null 2>"$T/reset.err"
check_eq "attach --reset: exits 0" "$?" 0
wait_total 0 "attach --reset: totals are zero"
send 486 2
wait_total 2 "after --reset: counting from zero"

# --------------------------------------------------------- status states

bpftool link detach id "$LINK_ID" 2>"$T/bpftool.err"
check "status: link detached by someone else (bpftool link detach)" state_is link_detached
sst status >"$T/status.txt" 2>&1
check "status text: names the state" grep -q "^$IFA: link detached by someone else" "$T/status.txt"
sst attach -i "$IFA" >/dev/null 2>&1
check "attach after a detached link: attached again" state_is attached
check_eq "attach after a detached link: the mode it had" "$(status_json .mode)" '"skb"'
wait_total 2 "attach after a detached link: counts kept"

# A link pin removed: the link closes with its last holder.
rm -f "$PIN/link"
check "status: pins without a link (link pin removed)" state_is no_link
check "pins without a link: no XDP left on the interface" bash -c "! ip -n '$NS_A' link show '$IFA' | grep -q xdp"

# Another tool's XDP program on the interface.
cat >"$T/other.bpf.c" <<'EOF'
#include <linux/bpf.h>
__attribute__((section("xdp"), used)) int other_xdp(struct xdp_md *ctx) { return XDP_PASS; }
char _license[] __attribute__((section("license"), used)) = "GPL";
EOF
if clang -O2 -target bpf -I"/usr/include/$(gcc -dumpmachine 2>/dev/null)" -c "$T/other.bpf.c" -o "$T/other.bpf.o" 2>"$T/clang.err" &&
	ip -n "$NS_A" link set dev "$IFA" xdpgeneric obj "$T/other.bpf.o" sec xdp 2>"$T/ip.err"; then
	check "status: replaced by another XDP program" state_is replaced
	sst attach -i "$IFA" >/dev/null 2>"$T/busy.err"
	check_eq "attach over another program: refused (exit 1)" "$?" 1
	check "attach over another program: names it and says --force" \
		grep -q 'another XDP program (id [0-9]*, other_xdp) is attached;.*--force' "$T/busy.err"
	sst attach -i "$IFA" --force >/dev/null 2>"$T/force.err"
	check_eq "attach --force: exits 0" "$?" 0
	check "attach --force: says what it replaced" \
		grep -q 'replaced XDP program id [0-9]* other_xdp.*(--force)' "$T/force.err"
else
	not_ok "another XDP program attached for the test" "$(cat "$T/clang.err" "$T/ip.err")"
	sst attach -i "$IFA" >/dev/null 2>&1
fi
check "attached again" state_is attached
wait_total 2 "counts kept through all of it"

# Interface gone, then back.
ip -n "$NS_A" link del "$IFA"
check "status: interface gone" state_is iface_gone
wait_total 2 "interface gone: the pinned totals are still there"
make_veth || diag "veth not made again"
# A new interface of the same name: its link and filter went with the old one.
check "interface back: status says it was recreated, not that someone detached it" \
	state_is iface_recreated
sst status -i "$IFA" >"$T/recreated.txt" 2>&1
check "interface back: status text says what to do" \
	grep -q "^$IFA: interface recreated (index [0-9]* when attached, [0-9]* now): 'sipstat attach -i $IFA' attaches to it again with the counts kept (sipstat serve does that by itself)\$" \
	"$T/recreated.txt"
sst attach -i "$IFA" >/dev/null 2>&1
check "interface back: attached again" state_is attached
send 180 1
wait_total 3 "interface back: counting goes on from the pinned totals"
# The same with TC alone (--mode tc): its filters went with the old interface too.
sst detach -i "$IFA" >/dev/null 2>&1
sst attach -i "$IFA" --mode tc >/dev/null 2>&1
check "--mode tc: attached" state_is attached
ip -n "$NS_A" link del "$IFA"
make_veth || diag "veth not made again"
check "--mode tc, interface back: recreated, not a filter removed by someone else" \
	state_is iface_recreated
sst attach -i "$IFA" >/dev/null 2>&1
check "--mode tc, interface back: attached again" state_is attached
check_eq "--mode tc, interface back: in TC mode, both filters in place" \
	"$(status_json '[.mode, .tc.in.prog_id == .tc.in.hook_prog_id, .tc.out.prog_id == .tc.out.hook_prog_id, .tc.in.prog_id > 0]')" \
	'["",true,true,true]'
sst detach -i "$IFA" >/dev/null 2>&1
sst attach -i "$IFA" --mode skb >/dev/null 2>&1
send 180 3
wait_total 3 "attached again in skb mode"

# ------------------------------------------------------------- serve

bg_start - "$T/serve.out" "$T/serve.err" nsenter --net="/run/netns/$NS_A" "$SIPSTAT" serve -i "$IFA"
SERVE_PID=$SST_LAST_PID
if wait_until 10 grep -q 'serving 1 interface' "$T/serve.err"; then
	ok "serve: starts"
	ip -n "$NS_A" link del "$IFA"
	if wait_until 10 grep -q "$IFA: interface gone" "$T/serve.err"; then
		ok "serve: one line when the interface goes"
	else
		not_ok "serve: one line when the interface goes"
	fi
	make_veth || diag "veth not made again"
	if wait_until 10 grep -q "$IFA: interface is there; attached again" "$T/serve.err"; then
		ok "serve: attaches again when the interface is back"
	else
		not_ok "serve: attaches again when the interface is back"
	fi
	send 603 2
	wait_total 5 "serve: counting goes on with the pinned totals (3 + 2)"
	LINK_ID=$(status_json .link_id)
	bpftool link detach id "$LINK_ID"
	if wait_until 10 grep -q "$IFA: link detached by someone else; attached again" "$T/serve.err"; then
		ok "serve: attaches again when its link is detached"
	else
		not_ok "serve: attaches again when its link is detached"
	fi
	# Removed and made again at once: a new interface, which nobody detached anything from.
	said=$(wc -l <"$T/serve.err")
	ip -n "$NS_A" link del "$IFA"
	make_veth || diag "veth not made again"
	since() { tail -n +"$((said + 1))" "$T/serve.err"; }
	recreated_said() {
		since | grep -Eq "^sipstat: $IFA: (interface recreated|interface is there); attached again"
	}
	check "serve: attaches a recreated interface again" wait_until 10 recreated_said
	check_eq "serve: ... blaming no one" "$(since | grep -c 'someone else')" 0
	check "serve: ... attached" state_is attached
	stop_pid "$SERVE_PID" TERM 5
	check_eq "serve: exits 0 on SIGTERM" "$SST_RC" 0
	check "serve: still attached after it stopped (no detach on exit)" state_is attached
	check "serve: says so when it stops" grep -q 'stay attached and counting' "$T/serve.err"
	diag_file "serve stderr" "$T/serve.err"
else
	not_ok "serve: starts"
	diag_file "serve stderr" "$T/serve.err"
	stop_pid "$SERVE_PID" TERM 5
fi

# ------------------------------------------------------------ not root

chmod 0711 "$T"
mkdir -p "$T/pub" && chmod 0755 "$T/pub"
install -m 0755 "$SIPSTAT" "$T/pub/sipstat"
for cmd in "show -i $IFA" "status" "-i $IFA 0.2 1"; do
	# shellcheck disable=SC2086
	timeout 10 nsenter --net="/run/netns/$NS_A" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$T/pub/sipstat" $cmd >"$T/nr.out" 2>"$T/nr.err"
	rc=$?
	if [[ $rc -eq 1 && $(wc -l <"$T/nr.err") -eq 1 ]] &&
		grep -q 'readable by root only: run as root' "$T/nr.err"; then
		ok "not root: 'sipstat $cmd' exits 1 saying pins are for root"
	else
		not_ok "not root: 'sipstat $cmd' exits 1 saying pins are for root" "status $rc"
		diag_file "stderr" "$T/nr.err"
	fi
done

# ------------------------------------------------------------- detach

MAP_IDS=$(bpftool -j prog show id "$(status_json .prog_id)" 2>/dev/null | jq -r '.map_ids[]?' | tr '\n' ' ')
PROG_ID=$(status_json .prog_id)
LINK_ID=$(status_json .link_id)
sst detach -i "$IFA" >/dev/null 2>"$T/detach.err"
check_eq "detach: exits 0" "$?" 0
check "detach: no pin directory left" test ! -e "$PIN"
check "detach: no XDP program on the interface" bash -c "! ip -n '$NS_A' link show '$IFA' | grep -q xdp"
check "detach: no link left" bash -c "! bpftool link show id $LINK_ID >/dev/null 2>&1"
gone() {
	local id
	bpftool prog show id "$PROG_ID" >/dev/null 2>&1 && return 1
	for id in $MAP_IDS; do
		bpftool map show id "$id" >/dev/null 2>&1 && return 1
	done
	return 0
}
if wait_until 10 gone; then
	ok "detach: no program and no map left (prog $PROG_ID, maps $MAP_IDS)"
else
	not_ok "detach: no program and no map left (prog $PROG_ID, maps $MAP_IDS)"
fi
sst detach -i "$IFA" >/dev/null 2>"$T/detach2.err"
check_eq "detach again: exits 1" "$?" 1
check "detach again: says nothing is pinned" grep -q "nothing is pinned for $IFA" "$T/detach2.err"
sst show -i "$IFA" >/dev/null 2>"$T/show2.err"
check_eq "show without pins: exits 1" "$?" 1
check "show without pins: says to attach first" grep -q "attach first: sipstat attach -i $IFA" "$T/show2.err"

# ------------------------------------------------ --replace across layouts

# A layout this sipstat does not know: counts by status code only, in a
# per-CPU array of 700 keys, and a meta record saying layout 1.
mkdir -p "$PIN" && chmod 0700 "$PINROOT" "$NSDIR" "$PIN"
NCPU=$(($(cut -d- -f2 /sys/devices/system/cpu/possible) + 1))
u32le() {
	printf '%d %d %d %d' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}
# shellcheck disable=SC2046
if bpftool map create "$PIN/counts" type percpu_array key 4 value 8 entries 700 name sip_counts &&
	bpftool map create "$PIN/meta" type array key 4 value 64 entries 1 name sip_meta &&
	bpftool map update pinned "$PIN/meta" key 0 0 0 0 value 1 $(printf '0 %.0s' $(seq 63)) &&
	bpftool map update pinned "$PIN/counts" key $(u32le 200) value 5 0 0 0 0 0 0 0 &&
	bpftool map update pinned "$PIN/counts" key $(u32le 603) value 2 0 0 0 0 0 0 0; then
	ok "old layout pinned by hand (700 keys, layout 1)"
else
	not_ok "old layout pinned by hand (700 keys, layout 1)"
fi
sst -i "$IFA" 0.2 1 >/dev/null 2>"$T/old-read.err"
check_eq "old layout: the reader refuses (exit 1)" "$?" 1
check "old layout: the reader names both layouts" grep -q 'are of layout 1 (sip_counts of 700 keys.*this sipstat uses layout 2' "$T/old-read.err"
sst attach -i "$IFA" --mode skb >/dev/null 2>"$T/old-attach.err"
check_eq "old layout: attach refuses to mix (exit 1)" "$?" 1
check "old layout: attach says --replace" grep -q 'refusing to mix them: use --replace' "$T/old-attach.err"
check_eq "status: pinned maps of another layout" "$(status_json .state)" '"layout_differs"'
sst attach -i "$IFA" --mode skb --replace >/dev/null 2>"$T/replace.err"
check_eq "attach --replace: exits 0" "$?" 0
check "attach --replace: says what it carried over" \
	grep -q "carried over from the old layout: responses by status code ($((7 * NCPU))," "$T/replace.err"
check "attach --replace: says what it could not" \
	grep -q 'not carried over: parser outcomes and requests by method' "$T/replace.err"
check_eq "attach --replace: the codes carried over" "$(codes)" \
	"{\"200\":$((5 * NCPU)),\"603\":$((2 * NCPU))}"
check_eq "attach --replace: status attached in this layout" "$(status_json '[.state, .layout]')" '["attached",2]'
send 200 1
wait_total $((7 * NCPU + 1)) "attach --replace: counting goes on on top of the carried counts"
sst detach -i "$IFA" >/dev/null 2>&1
check "detach after --replace: no pin left" test ! -e "$PIN"
check "detach after --replace: the namespace's directory went with it" test ! -e "$NSDIR"

done_testing
