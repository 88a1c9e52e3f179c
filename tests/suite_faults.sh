#!/usr/bin/env bash
# Helpers are called through check and wait_until, which shellcheck cannot follow:
# shellcheck disable=SC2317
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Fault tests of the sipstat command, on a veth pair between two network
# namespaces made here (srl-<pid>-a holds f0, where sipstat attaches;
# srl-<pid>-b holds f1, which sends), 198.18.7.0/24 only:
#
#   - no BPF filesystem: runs with /sys/fs/bpf unmounted (unshare -m);
#   - the interface removed while attached: exit 1, one "went away" line;
#   - SIGKILL: the kernel detaches (BPF link), nothing left, restart works;
#   - two sipstats on one interface: the second is refused (exit 1, the
#     --force hint) and the first keeps counting; with --force the second
#     replaces it and the first says its program was detached, exit 1;
#   - every option with a bad value: one error line, exit 2, nothing attached;
#   - not root: exit 1 with a message that says to run as root.
#
# "Nothing left" is checked by ID: the XDP program sipstat attached, its
# BPF link(s) and its maps must all be gone from the kernel (bpftool),
# and f0 must carry no XDP program (ip link).
# Needs root; O=DIR picks the build directory.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip bpftool jq unshare setpriv timeout

SIPSTAT=$SST_O/sipstat
if [[ ! -x $SIPSTAT ]]; then
	not_ok "faults: sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi

# Namespaces of an earlier run of this suite that was SIGKILLed.
while read -r ns _; do
	[[ $ns =~ ^srl-([0-9]+)-[ab]$ ]] || continue
	kill -0 "${BASH_REMATCH[1]}" 2>/dev/null && continue
	sst_kill_ns_pids "$ns"
	ip netns del "$ns" 2>/dev/null
done < <(ip netns list 2>/dev/null)

NS_A=srl-$$-a
NS_B=srl-$$-b
A4=198.18.7.1
B4=198.18.7.2
require_test_addr "$A4"
require_test_addr "$B4"

for ns in "$NS_A" "$NS_B"; do
	if ! ip netns add "$ns"; then
		not_ok "faults: namespace $ns created"
		done_testing
	fi
	SST_NS+=("$ns")	# removed by lib.sh's trap, also on failure
	ip -n "$ns" link set lo up
done

# make_pair: (re)create f0 (in A) <-> f1 (in B) with addresses and neighbours.
make_pair() {
	ip -n "$NS_A" link del f0 2>/dev/null
	ip -n "$NS_A" link add f0 type veth peer name f1 netns "$NS_B" || return 1
	addr_add "$NS_A" f0 "$A4/24" || return 1
	addr_add "$NS_B" f1 "$B4/24" || return 1
	link_up "$NS_A" f0 && link_up "$NS_B" f1 || return 1
	neigh_static "$NS_A" f0 "$B4" "$(mac_of "$NS_B" f1)" || return 1
	neigh_static "$NS_B" f1 "$A4" "$(mac_of "$NS_A" f0)"
}
if ! make_pair; then
	not_ok "faults: veth pair f0/f1 set up"
	done_testing
fi
diag "namespaces $NS_A (f0 $A4) and $NS_B (f1 $B4)"

sst_tmpdir
T=$SST_TMP
printf 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-srl\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' \
	"$B4" >"$T/200"

# ------------------------------------------------------------ helpers

# ID of the XDP program on f0, empty when none.
xdp_id() {
	ip -n "$NS_A" link show dev f0 2>/dev/null | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}
has_xdp() { [[ -n $(xdp_id) ]]; }
no_xdp() { ! has_xdp; }

# Kernel objects of program ID: "prog:ID link:L... map:M..." (IDs are global).
objects_of() {
	local id=$1 l m
	[[ -n $id ]] || return 0
	l=$(bpftool -j link show 2>/dev/null | jq -r --argjson p "$id" '.[] | select(.prog_id == $p) | .id')
	m=$(bpftool -j prog show id "$id" 2>/dev/null | jq -r '.map_ids[]?')
	printf 'prog:%s' "$id"
	for x in $l; do printf ' link:%s' "$x"; done
	for x in $m; do printf ' map:%s' "$x"; done
}

# Which of these objects still exist (empty: none).
still_there() {
	local o left=()
	for o in $1; do
		case $o in
		prog:*) bpftool prog show id "${o#prog:}" >/dev/null 2>&1 && left+=("$o") ;;
		link:*) bpftool link show id "${o#link:}" >/dev/null 2>&1 && left+=("$o") ;;
		map:*) bpftool map show id "${o#map:}" >/dev/null 2>&1 && left+=("$o") ;;
		esac
	done
	printf '%s' "${left[*]}"
}
all_gone() { [[ -z $(still_there "$1") ]]; }

# check_nothing_left NAME OBJECTS [SUCCESSOR]: every object freed (the
# kernel frees them after an RCU grace period: wait up to 5 s) and f0
# bare, or carrying only the program SUCCESSOR that replaced them.
xdp_is() { [[ $(xdp_id) == "$1" ]]; }
check_nothing_left() {
	local name=$1 objs=$2 succ=${3:-} f0="f0 has no XDP program"
	[[ -n $succ ]] && f0="f0 has only its successor, id $succ"
	if wait_until 5 xdp_is "$succ" && wait_until 5 all_gone "$objs"; then
		ok "$name: nothing left ($f0; $objs gone)"
	else
		not_ok "$name: nothing left" "f0 XDP id: '$(xdp_id)'" \
			"still in the kernel: $(still_there "$objs")" \
			"$(ip -n "$NS_A" link show dev f0 2>&1)"
	fi
}

# start NAME ARGS...: sipstat in namespace A in the background; stdout to
# $T/NAME.out, stderr to $T/NAME.err, PID in SST_LAST_PID.
start() {
	local name=$1
	shift
	bg_start "$NS_A" "$T/$name.out" "$T/$name.err" "$SIPSTAT" "$@"
}

# Responses total in the last JSON line of FILE.
responses_in() {
	grep '^{' "$1" 2>/dev/null | tail -n 1 | jq -r '.responses.total' 2>/dev/null
}
responses_are() { [[ $(responses_in "$1") == "$2" ]]; }
attached_other_than() { local i; i=$(xdp_id); [[ -n $i && $i != "$1" ]]; }

send_200() {
	udp_send "$NS_B" "$A4" 5060 "$1" "$T/200"
}

# ----------------------------------------------- no BPF filesystem mounted

# In a private mount namespace (unshare -m) inside namespace A, unmount
# /sys/fs/bpf if anything is there, prove it is not mounted, then run.
# shellcheck disable=SC2016 # $1 is expanded by the inner bash
ip netns exec "$NS_A" unshare -m bash -c '
	umount -l /sys/fs/bpf 2>/dev/null
	if grep -q " /sys/fs/bpf " /proc/self/mounts; then
		echo "sipstat-test: /sys/fs/bpf still mounted" >&2
		exit 90
	fi
	exec timeout 20 "$1" -i f0 -o json 0.2 3' _ "$SIPSTAT" >"$T/nobpffs.out" 2>"$T/nobpffs.err"
rc=$?
if [[ $rc -eq 0 && $(grep -c '^{' "$T/nobpffs.out") -eq 3 ]]; then
	ok "no bpffs: sipstat runs with /sys/fs/bpf unmounted (unshare -m): 3 reports, exit 0"
else
	not_ok "no bpffs: sipstat runs with /sys/fs/bpf unmounted (unshare -m)" "exit status $rc"
	diag_file "stderr" "$T/nobpffs.err"
fi
check "no bpffs: f0 left without an XDP program" wait_until 5 no_xdp

# --------------------------------------------- interface removed while attached

start gone -i f0 -o json 0.2
pid=$SST_LAST_PID
if wait_until 60 has_xdp; then
	objs=$(objects_of "$(xdp_id)")
	diag "attached: $objs"
	ip -n "$NS_A" link del f0
	if wait_until 5 bash -c "! kill -0 $pid 2>/dev/null"; then
		wait "$pid"
		rc=$?
	else
		stop_pid "$pid" TERM 2
		rc="still running 5 s after the interface was removed"
	fi
	sst_forget_pid "$pid"
	check_eq "iface removed: sipstat exits with status 1" "$rc" 1
	n=$(grep -c 'went away' "$T/gone.err")
	check_eq "iface removed: one 'went away' line on stderr" "$n" 1
	grep 'went away' "$T/gone.err" | diag "$(cat)"
	check "iface removed: the message is one line that says what to do" \
		grep -q 'f0 went away (removed or renamed); counting stopped, restart sipstat' "$T/gone.err"
	check_nothing_left "iface removed" "$objs"
else
	not_ok "iface removed: sipstat attached to f0" "$(cat "$T/gone.err")"
	stop_pid "$pid" TERM 2
fi
if ! make_pair; then
	not_ok "faults: veth pair f0/f1 set up again"
	done_testing
fi

# ------------------------------------- one of two interfaces removed, then back

# g0 (in A) <-> g1 (in B): a second pair beside f0/f1.
C4=198.18.8.1
D4=198.18.8.2
make_second() {
	ip -n "$NS_A" link add g0 type veth peer name g1 netns "$NS_B" || return 1
	addr_add "$NS_A" g0 "$C4/24" || return 1
	addr_add "$NS_B" g1 "$D4/24" || return 1
	link_up "$NS_A" g0 && link_up "$NS_B" g1 || return 1
	neigh_static "$NS_A" g0 "$D4" "$(mac_of "$NS_B" g1)" || return 1
	neigh_static "$NS_B" g1 "$C4" "$(mac_of "$NS_A" g0)"
}
# iface_total FILE IFACE: that interface's total in the last JSON line.
iface_total() {
	grep '^{' "$1" 2>/dev/null | tail -n 1 |
		jq -r --arg i "$2" '.per_interface[] | select(.interface == $i) | "\(.state) \(.responses.total)"' 2>/dev/null
}
iface_total_is() { [[ $(iface_total "$1" "$2") == "$3" ]]; }
if make_second; then
	start two_ifs -i f0 -i g0 -o json 0.2
	pid=$SST_LAST_PID
	if wait_until 60 grep -q '^{' "$T/two_ifs.out"; then
		ip -n "$NS_A" link del g0
		if wait_until 5 grep -q 'g0 went away' "$T/two_ifs.err"; then
			ok "one of two removed: says g0 went away"
		else
			not_ok "one of two removed: says g0 went away"
		fi
		check "one of two removed: says counting goes on" \
			grep -q 'counting goes on on the 1 other interface' "$T/two_ifs.err"
		check "one of two removed: still running" kill -0 "$pid"
		udp_send "$NS_B" "$A4" 5060 3 "$T/200"
		if wait_until 10 iface_total_is "$T/two_ifs.out" f0 "counting 3"; then
			ok "one of two removed: f0 keeps counting (3 sent, 3 counted)"
		else
			not_ok "one of two removed: f0 keeps counting" "f0: $(iface_total "$T/two_ifs.out" f0)"
		fi
		check_eq "one of two removed: g0 reported gone" \
			"$(iface_total "$T/two_ifs.out" g0)" "gone 0"
		make_second || diag "g0 not made again"
		if wait_until 10 grep -q 'g0 is back; counting again' "$T/two_ifs.err"; then
			ok "one of two back: attached again by itself"
		else
			not_ok "one of two back: attached again by itself"
			diag_file "stderr" "$T/two_ifs.err"
		fi
		udp_send "$NS_B" "$C4" 5060 2 "$T/200"
		if wait_until 10 iface_total_is "$T/two_ifs.out" g0 "counting 2"; then
			ok "one of two back: g0 counts again (2 sent, 2 counted)"
		else
			not_ok "one of two back: g0 counts again" "g0: $(iface_total "$T/two_ifs.out" g0)"
		fi
		check_eq "one of two: the sum is both" \
			"$(grep '^{' "$T/two_ifs.out" | tail -n 1 | jq .responses.total)" 5
		stop_pid "$pid" INT 5
		check_eq "one of two: exits 0 on SIGINT" "$SST_RC" 0
		check "one of two: nothing left on g0" \
			bash -c "! ip -n '$NS_A' link show g0 | grep -q xdp"
	else
		not_ok "one of two: sipstat attached to f0 and g0" "$(cat "$T/two_ifs.err")"
		stop_pid "$pid" INT 5
	fi
	ip -n "$NS_A" link del g0 2>/dev/null
else
	not_ok "faults: second veth pair g0/g1 set up"
fi

# ------------------------------------------------- SIGKILL, then start again

# Received only: a TC egress filter is no link and outlives SIGKILL (the
# next sipstat takes it over: tests/suite_egress.sh).
start killed -i f0 --direction in -o json 0.2
pid=$SST_LAST_PID
if wait_until 60 has_xdp; then
	objs=$(objects_of "$(xdp_id)")
	diag "attached: $objs"
	check "SIGKILL: the XDP program is held by a BPF link" grep -q 'link:' <<<"$objs"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	sst_forget_pid "$pid"
	check_nothing_left "SIGKILL: the kernel detached it (link closed with the process)" "$objs"

	ip netns exec "$NS_A" timeout 20 "$SIPSTAT" -i f0 -o json 0.2 2 \
		>"$T/again.out" 2>"$T/again.err"
	rc=$?
	if [[ $rc -eq 0 && $(grep -c '^{' "$T/again.out") -eq 2 ]]; then
		ok "SIGKILL: sipstat starts again without --force and exits 0"
	else
		not_ok "SIGKILL: sipstat starts again without --force and exits 0" "exit status $rc"
		diag_file "stderr" "$T/again.err"
	fi
	check "SIGKILL: after the restart f0 has no XDP program" wait_until 5 no_xdp
else
	not_ok "SIGKILL: sipstat attached to f0" "$(cat "$T/killed.err")"
	stop_pid "$pid" TERM 2
fi

# ------------------------------------------------ two sipstats, one interface

start first -i f0 -o json 0.3
first=$SST_LAST_PID
if wait_until 60 has_xdp && wait_until 30 test -s "$T/first.out"; then
	id1=$(xdp_id)
	objs1=$(objects_of "$id1")

	ip netns exec "$NS_A" timeout 20 "$SIPSTAT" -i f0 0.3 2 >"$T/second.out" 2>"$T/second.err"
	rc=$?
	check_eq "two: the second sipstat is refused with status 1" "$rc" 1
	check "two: the refusal names the program and hints --force" \
		grep -q "another XDP program (id $id1, sipstat_xdp[a-z_]*) is attached; .*--force" \
		"$T/second.err"
	check_eq "two: the refusal is one line" "$(wc -l <"$T/second.err")" 1
	check_eq "two: the first keeps its program on f0" "$(xdp_id)" "$id1"

	send_200 20
	check "two: the first keeps counting (20 responses sent, 20 counted)" \
		wait_until 5 responses_are "$T/first.out" 20

	start forced -i f0 -o json --force 0.3
	forced=$SST_LAST_PID
	if wait_until 60 attached_other_than "$id1"; then
		id2=$(xdp_id)
		ok "two: --force replaces the first's program (id $id1 -> $id2)"
		check "two: --force says what it replaced" \
			wait_until 30 grep -qE "replaced XDP program id $id1 sipstat_xdp[a-z_]* for good \(--force\)" \
			"$T/forced.err"
		if wait_until 5 bash -c "! kill -0 $first 2>/dev/null"; then
			wait "$first"
			rc=$?
		else
			stop_pid "$first" TERM 2
			rc="still running 5 s after its program was replaced"
		fi
		sst_forget_pid "$first"
		check_eq "two: the replaced first sipstat exits with status 1" "$rc" 1
		check "two: it says its program was detached, not that f0 went away" \
			grep -q 'f0: the XDP program was detached or replaced by another' "$T/first.err"
		check "two: and no 'went away' for an interface that is still there" \
			bash -c "! grep -q 'went away' '$T/first.err'"
		check_nothing_left "two: the first's" "$objs1" "$id2"

		send_200 10
		check "two: the --force sipstat counts (10 sent, 10 counted)" \
			wait_until 5 responses_are "$T/forced.out" 10
		objs2=$(objects_of "$id2")
		stop_pid "$forced" INT 5
		check_eq "two: the --force sipstat exits 0 on SIGINT" "$SST_RC" 0
		check_nothing_left "two: the second's" "$objs2"
	else
		not_ok "two: --force replaces the first's program" "$(cat "$T/forced.err")"
		stop_pid "$forced" TERM 2
		stop_pid "$first" TERM 2
	fi
else
	not_ok "two: the first sipstat attached to f0" "$(cat "$T/first.err")"
	stop_pid "$first" TERM 2
fi

# --------------------------------------------------------- bad option values

# bad NAME ARGS...: exit 2, one "sipstat: ..." line plus the --help
# pointer, nothing on stdout, nothing attached.
bad() {
	local name=$1 rc lines
	shift
	ip netns exec "$NS_A" timeout 10 "$SIPSTAT" "$@" >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	lines=$(grep -c '^sipstat: ' "$T/bad.err")
	if [[ $rc -eq 2 && $lines -eq 1 && ! -s $T/bad.out ]] &&
		grep -q "^Try 'sipstat --help'" "$T/bad.err" &&
		[[ $(wc -l <"$T/bad.err") -eq 2 ]] && no_xdp; then
		ok "bad value: $name -> $(head -n 1 "$T/bad.err")"
	else
		not_ok "bad value: $name -> exit 2, one error line, nothing attached" \
			"exit status $rc, f0 XDP id '$(xdp_id)'"
		diag_file "stderr" "$T/bad.err"
		diag_file "stdout" "$T/bad.out"
	fi
}

long_name=abcdefghijklmnop	# 16 characters: one more than IFNAMSIZ allows
many=()
for i in $(seq 0 16); do many+=(-i "x$i"); done

bad "-i ''" -i ''
bad "-i $long_name" -i "$long_name"
bad "-i f0 -i f0" -i f0 -i f0
bad "17 interfaces" "${many[@]}"
bad "no interface" 1 1
bad "-i without a value" -i
bad "-m bogus" -i f0 -m bogus
bad "-m ''" -i f0 -m ''
bad "-p 0" -i f0 -p 0
bad "-p 65536" -i f0 -p 65536
bad "-p abc" -i f0 -p abc
bad "-p ''" -i f0 -p ''
bad "-p 5060," -i f0 -p 5060,
bad "-p ,5060" -i f0 -p ,5060
bad "-p 5070-5060" -i f0 -p 5070-5060
bad "-p 5060-" -i f0 -p 5060-
bad "-p -5060" -i f0 -p -5060
bad "-p nosuchservice (not in /etc/services)" -i f0 -p nosuchservice
bad "f0 without -i" f0
bad "--reset without attach" -i f0 --reset
bad "-p without a value" -i f0 -p
bad "-o xml" -i f0 -o xml
bad "--output ''" -i f0 --output ''
bad "interval 0" -i f0 0
bad "interval 0.05" -i f0 0.05
bad "interval -1" -i f0 -- -1
bad "interval abc" -i f0 abc
bad "interval nan" -i f0 nan
bad "interval inf" -i f0 inf
bad "interval 1e9" -i f0 1e9
bad "interval ''" -i f0 ''
bad "count 0" -i f0 1 0
bad "count -3" -i f0 -- 1 -3
bad "count 1.5" -i f0 1 1.5
bad "count x" -i f0 1 x
bad "count 99999999999999999999" -i f0 1 99999999999999999999
bad "a third argument" -i f0 1 2 3
bad "--bogus" -i f0 --bogus
bad "-z" -i f0 -z

# Not a usage error but a runtime one: a missing interface is status 1.
ip netns exec "$NS_A" timeout 10 "$SIPSTAT" -i nosuch0 0.2 1 >/dev/null 2>"$T/nosuch.err"
rc=$?
if [[ $rc -eq 1 && $(wc -l <"$T/nosuch.err") -eq 1 ]] &&
	grep -q 'no such interface: nosuch0' "$T/nosuch.err"; then
	ok "missing interface: exit 1, one line: $(cat "$T/nosuch.err")"
else
	not_ok "missing interface: exit 1 with one 'no such interface' line" "exit status $rc"
	diag_file "stderr" "$T/nosuch.err"
fi

# ----------------------------------------- -v never changes whether a load works

# The verifier log is asked for only after a load failed: a program the
# verifier accepts loads the same with -v, -vv and without, in every mode,
# and for attach (in a private mount namespace with a BPF filesystem of
# its own, so that no pin outlives the test).
for mode in auto skb native tc; do
	for v in -v -vv; do
		ip netns exec "$NS_A" timeout 30 "$SIPSTAT" -i f0 --mode "$mode" "$v" -o json 0.2 2 \
			>"$T/v.out" 2>"$T/v.err"
		rc=$?
		if [[ $rc -eq 0 && $(grep -c '^{' "$T/v.out") -eq 2 ]]; then
			ok "$v --mode $mode: loads and reports (exit 0)"
		else
			not_ok "$v --mode $mode: loads and reports" "exit status $rc"
			diag_file "stderr" "$T/v.err" 5
		fi
		check "$v --mode $mode: f0 left without an XDP program" wait_until 5 no_xdp
	done
done
# shellcheck disable=SC2016 # $1, $2 are expanded by the inner bash
unshare -m --propagation private bash -c '
	grep -q " /sys/fs/bpf bpf " /proc/self/mounts || mount -t bpf -o mode=0700 bpf /sys/fs/bpf || exit 90
	nsenter --net="/run/netns/$2" timeout 30 "$1" attach -i f0 --mode skb -v || exit
	nsenter --net="/run/netns/$2" timeout 30 "$1" detach -i f0' _ "$SIPSTAT" "$NS_A" \
	>"$T/av.out" 2>"$T/av.err"
rc=$?
check_eq "attach -v: attaches (and detach removes it)" "$rc" 0
[[ $rc -eq 0 ]] || diag_file "stderr" "$T/av.err" 5
check "attach -v: f0 left without an XDP program" wait_until 5 no_xdp
# A load that fails still says why: as a user without CAP_BPF, -v gives
# the same one line (no log: the kernel refused before verifying).
ip netns exec "$NS_A" timeout 10 setpriv --inh-caps=-all --bounding-set=-bpf,-sys_admin,-perfmon \
	"$SIPSTAT" -i f0 -v 0.2 1 >/dev/null 2>"$T/vperm.err"
rc=$?
if [[ $rc -eq 1 ]] && grep -q 'cannot load\|run as root\|CAP_BPF\|allows BPF' "$T/vperm.err"; then
	ok "-v without the rights: exit 1 with the reason"
else
	not_ok "-v without the rights: exit 1 with the reason" "exit status $rc"
	diag_file "stderr" "$T/vperm.err" 5
fi

# ------------------------------------------------------------------ not root

# nobody must be able to reach the binary: a copy in a world-readable dir.
chmod 0711 "$T"
mkdir -p "$T/pub" && chmod 0755 "$T/pub"
install -m 0755 "$SIPSTAT" "$T/pub/sipstat"
ip netns exec "$NS_A" timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all "$T/pub/sipstat" -i f0 0.2 1 >"$T/nonroot.out" 2>"$T/nonroot.err"
rc=$?
check_eq "not root: sipstat exits with status 1" "$rc" 1
if [[ $(wc -l <"$T/nonroot.err") -eq 1 ]] && grep -q 'run as root' "$T/nonroot.err"; then
	ok "not root: one line that says to run as root: $(cat "$T/nonroot.err")"
else
	not_ok "not root: one line that says to run as root"
	diag_file "stderr" "$T/nonroot.err"
fi
check "not root: nothing attached to f0" no_xdp

done_testing
