#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Helpers run through wait_until and check, which shellcheck cannot follow:
# shellcheck disable=SC2317
#
# sipstat across network namespaces and on a host with no BPF filesystem,
# end to end.  The suite runs in a mount namespace of its own (it starts
# itself under unshare -m) with /sys/fs/bpf unmounted, so that whatever is
# mounted on the machine can neither help nor be touched:
#
#   - attach with no BPF filesystem: sipstat mounts one (mode 0700) and
#     says so; status and detach go on with it;
#   - two namespaces with an interface of the same name count their own
#     traffic; detach in one leaves the other counting; status from the
#     host lists both by name, --netns picks one;
#   - 'ip netns exec NS sipstat attach' pins where nsenter --net and the
#     host's status see them, whether the outer BPF filesystem is mounted
#     or not; where it cannot be reached, sipstat names the command that
#     works;
#   - a namespace deleted while attached: status says gone (with its
#     counts), a new namespace of the same name starts from zero, and
#     detach --netns gone removes the old pins;
#   - attach --replace takes over pins of the old path
#     (/sys/fs/bpf/sipstat/IFACE) with their counts, and refuses another
#     namespace's;
#   - a watcher in a mount namespace with a BPF filesystem of its own,
#     where the pins are out of sight: sipstat's pinned XDP program (and
#     its TC egress filter, with --mode tc) left alone, --force or not; it
#     says where they are pinned and the nsenter command that reads them
#     (which works), and never offers --force;
#   - pin directories no other user can take over (on a 1777 BPF
#     filesystem: a planted symbolic link, directories of another user or
#     of a wrong mode), pins 0600 whatever the umask;
#   - names with escape sequences (a namespace's, an interface's) shown
#     escaped by status.
#
# Needs root; O=DIR picks the build directory (default build).
set -u

# A mount namespace of its own, before anything else (lib.sh's trap must
# run inside it, where its namespaces are).
if [[ -z ${SST_NETNS_INNER:-} && $EUID -eq 0 ]] && command -v unshare >/dev/null; then
	exec env SST_NETNS_INNER=1 unshare -m --propagation private bash "$0" "$@"
fi

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip jq nsenter unshare setpriv python3 timeout stat tc

SIPSTAT=$SST_O/sipstat
PINROOT=$SST_PINROOT
if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi
sst_tmpdir
T=$SST_TMP
chmod 0755 "$T"

bpffs_mounted() {
	grep -q ' /sys/fs/bpf bpf ' /proc/self/mounts
}
# No BPF filesystem here (one may be mounted more than once).
for _ in 1 2 3 4; do
	bpffs_mounted && umount -l /sys/fs/bpf
done
if bpffs_mounted; then
	not_ok "start: no BPF filesystem mounted in this mount namespace" \
		"$(grep ' /sys/fs/bpf ' /proc/self/mounts)"
	done_testing
fi
ok "start: no BPF filesystem mounted in this mount namespace"

IF=nn$$			# the same name in namespaces A, B, C, D
NS_A=$(ns_name A)
NS_B=$(ns_name B)
NS_C=$(ns_name C)
NS_D=$(ns_name D)
GONE_DIRS=()		# pin directories of namespaces deleted on purpose

netns_cleanup() {
	local rc=$? d
	for d in "${GONE_DIRS[@]}"; do
		[[ -d $d ]] && rm -rf "$d"
	done
	(exit "$rc")
	sst_cleanup
}
trap netns_cleanup EXIT

# net N NS IF: namespace NS with IF at 198.18.4N.1, its peer tN in
# namespace NS-t at 198.18.4N.2, ready for traffic.
net() {
	local n=$1 ns=$2 ifn=$3 peer
	peer="$(ns_name "$n-t")"
	ns_add "${ns#sst-$$-}" && ns_add "$n-t" &&
		veth_add "$ns" "$ifn" "$peer" "t$n" &&
		addr_add "$ns" "$ifn" "198.18.4$n.1/24" && addr_add "$peer" "t$n" "198.18.4$n.2/24" &&
		link_up "$ns" "$ifn" && link_up "$peer" "t$n" &&
		neigh_static "$peer" "t$n" "198.18.4$n.1" "$(mac_of "$ns" "$ifn")"
}

# in NS ARGS...: sipstat in namespace NS, with this mount namespace's /sys.
ns_in() {
	local ns=$1
	shift
	timeout 30 nsenter --net="/run/netns/$ns" "$SIPSTAT" "$@"
}

printf 'SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' >"$T/200"
printf 'SIP/2.0 486 Busy Here\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' >"$T/486"
printf 'SIP/2.0 603 Decline\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' >"$T/603"

# send N CODE COUNT: responses to the interface of net N.
send() {
	udp_send "$(ns_name "$1-t")" "198.18.4$1.1" 5060 "$3" "$T/$2"
}

# total NS: the pinned responses of IF in NS.
total() {
	ns_in "$1" show -i "$IF" -o json 2>/dev/null | jq -r .responses.total 2>/dev/null
}
total_is() {
	[[ $(total "$1") == "$2" ]]
}
# status_of NS FILTER: over the status objects of IF seen from NS.
status_of() {
	ns_in "$1" status -o json "${@:3}" 2>/dev/null |
		jq -c "[.interfaces[] | select(.interface == \"$IF\") | $2]" 2>/dev/null
}
# host_status FILTER [ARGS]: sipstat status of this, the host's, namespace.
host_status() {
	timeout 30 "$SIPSTAT" status -o json "${@:2}" 2>/dev/null |
		jq -c "[.interfaces[] | select(.interface == \"$IF\") | $1]" 2>/dev/null
}

if ! net 1 "$NS_A" "$IF" || ! net 2 "$NS_B" "$IF"; then
	not_ok "namespaces A and B, each with $IF" "ip failed, see stderr"
	done_testing
fi

# ------------------------------------------------- no BPF filesystem

ns_in "$NS_A" attach -i "$IF" --mode skb >"$T/a.out" 2>"$T/a.err"
check_eq "no BPF filesystem: attach exits 0" "$?" 0
check "no BPF filesystem: attach says it mounted one, mode 0700" \
	grep -qx "sipstat: no BPF filesystem was mounted at /sys/fs/bpf: mounted one there (mode 0700)" \
	"$T/a.err"
check "no BPF filesystem: mounted, mode=700" grep -q ' /sys/fs/bpf bpf .*mode=700' /proc/self/mounts
check_eq "no BPF filesystem: its root is root's only" "$(stat -c %a /sys/fs/bpf)" 1700
check_eq "no BPF filesystem: said once, the second command finds it" \
	"$(ns_in "$NS_A" status -i "$IF" 2>&1 >/dev/null)" ""
[[ $(grep -c "attached and pinned" "$T/a.err") -eq 1 ]] || diag_file "attach stderr" "$T/a.err"
PIN_A=$(pin_dir "$NS_A" "$IF")
PIN_B=$(pin_dir "$NS_B" "$IF")
check "no BPF filesystem: pinned under the namespace's directory" test -e "$PIN_A/counts"

# ------------------------------------- the same name in two namespaces

ns_in "$NS_B" attach -i "$IF" --mode skb >"$T/b.out" 2>"$T/b.err"
check_eq "two namespaces: attach of the same name in B exits 0" "$?" 0
check "two namespaces: B counts from zero, not on A's pins" \
	grep -q "$IF: attached and pinned, counting from zero" "$T/b.err"
check "two namespaces: B has a directory of its own" test -e "$PIN_B/counts"
check "two namespaces: the directories differ" test "$PIN_A" != "$PIN_B"
send 1 200 3
send 2 486 5
check "two namespaces: A counts A's traffic (3)" wait_until 10 total_is "$NS_A" 3
check "two namespaces: B counts B's traffic (5)" wait_until 10 total_is "$NS_B" 5
check_eq "two namespaces: A's codes" \
	"$(ns_in "$NS_A" show -i "$IF" -o json | jq -c '[.codes[] | [.code, .total]]')" '[[200,3]]'
check_eq "two namespaces: B's codes" \
	"$(ns_in "$NS_B" show -i "$IF" -o json | jq -c '[.codes[] | [.code, .total]]')" '[[486,5]]'
check_eq "status in A: A's only, this one" "$(status_of "$NS_A" '[.netns, .netns_state, .responses]')" \
	"[[\"$NS_A\",\"current\",3]]"
check_eq "status from the host: both, by name" \
	"$(host_status '[.netns, .netns_state, .state, .responses]')" \
	"[[\"$NS_A\",\"live\",\"attached\",3],[\"$NS_B\",\"live\",\"attached\",5]]"
check_eq "status --netns B from the host: B's only" \
	"$(host_status '[.netns, .responses]' --netns "$NS_B")" "[[\"$NS_B\",5]]"
check_eq "status --netns all from A: both" \
	"$(status_of "$NS_A" '.netns' --netns all)" "[\"$NS_A\",\"$NS_B\"]"
ino_b=$(stat -L -c %i "/run/netns/$NS_B")
check_eq "status --netns INODE: B's" "$(host_status '.netns' --netns "$ino_b")" "[\"$NS_B\"]"
timeout 30 "$SIPSTAT" status >"$T/host.txt" 2>&1
check "status text from the host: each namespace by name and inode" \
	grep -q "^  netns $NS_B (inode $ino_b)\$" "$T/host.txt"
timeout 30 "$SIPSTAT" status --netns no-such-ns-$$ >/dev/null 2>"$T/nons.err"
check_eq "status --netns of no namespace: exit 1" "$?" 1
check "status --netns of no namespace: says so" grep -q "no network namespace named no-such-ns-$$" \
	"$T/nons.err"

ns_in "$NS_A" detach -i "$IF" >/dev/null 2>"$T/da.err"
check_eq "detach in A: exits 0" "$?" 0
check "detach in A: A's pins gone" test ! -e "$PIN_A"
check "detach in A: B's pins stay" test -e "$PIN_B/link"
check "detach in A: no XDP left on A's $IF" \
	bash -c "! ip -n '$NS_A' link show '$IF' | grep -q xdp"
check "detach in A: B's program still on B's $IF" \
	bash -c "ip -n '$NS_B' link show '$IF' | grep -q xdp"
send 2 486 2
check "detach in A: B goes on counting (5 + 2)" wait_until 10 total_is "$NS_B" 7
check_eq "detach in A: status from the host, B only" "$(host_status '[.netns, .state]')" \
	"[[\"$NS_B\",\"attached\"]]"

# ------------------------------------------------------ ip netns exec

if ! net 3 "$NS_C" "$IF"; then
	not_ok "namespace C with $IF" "ip failed"
	done_testing
fi
PIN_C=$(pin_dir "$NS_C" "$IF")
# The outer BPF filesystem mounted: found through the root of the shell.
timeout 30 ip netns exec "$NS_C" "$SIPSTAT" attach -i "$IF" --mode skb >/dev/null 2>"$T/c.err"
check_eq "ip netns exec attach: exits 0" "$?" 0
[[ -e $PIN_C/link ]] || diag_file "stderr" "$T/c.err"
check "ip netns exec attach: pinned where the host sees it" test -e "$PIN_C/link"
check_eq "ip netns exec attach: nothing to say about the BPF filesystem" \
	"$(grep -c 'BPF filesystem' "$T/c.err")" 0
send 3 603 4
check "ip netns exec attach: read through nsenter --net (4)" wait_until 10 total_is "$NS_C" 4
check_eq "ip netns exec attach: the host's status names the namespace" \
	"$(host_status '[.netns, .state, .responses]' --netns "$NS_C")" "[[\"$NS_C\",\"attached\",4]]"
check_eq "ip netns exec: show reads the same pins" \
	"$(timeout 30 ip netns exec "$NS_C" "$SIPSTAT" show -i "$IF" -o json 2>/dev/null |
		jq .responses.total)" 4
timeout 30 ip netns exec "$NS_C" "$SIPSTAT" detach -i "$IF" >/dev/null 2>&1
check_eq "ip netns exec detach: exits 0, the pins gone" "$?/$(test -e "$PIN_C" && echo left)" "0/"

# None mounted outside: sipstat mounts one in the mount namespace that
# started 'ip netns exec' (a shell in a mount namespace of its own here).
cat >"$T/outer.sh" <<'EOF'
set -u
S=$1 NS=$2 IF=$3 T=$4
umount -l /sys/fs/bpf 2>/dev/null
grep -q ' /sys/fs/bpf bpf ' /proc/self/mounts && exit 90
timeout 30 ip netns exec "$NS" "$S" attach -i "$IF" --mode skb >/dev/null 2>"$T/outer.err" || exit 91
grep -q ' /sys/fs/bpf bpf .*mode=700' /proc/self/mounts || exit 92
timeout 30 nsenter --net="/run/netns/$NS" "$S" status -i "$IF" -o json >"$T/outer.json" 2>&1 || exit 93
# Without CAP_SYS_ADMIN nothing can be mounted or entered: the command that works.
umount -l /sys/fs/bpf
timeout 30 ip netns exec "$NS" setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin \
	"$S" attach -i "$IF" --mode skb >/dev/null 2>"$T/refused.err"
echo $? >"$T/refused.rc"
exit 0
EOF
unshare -m --propagation private bash "$T/outer.sh" "$SIPSTAT" "$NS_C" "$IF" "$T"
rc=$?
check_eq "ip netns exec, none mounted outside: attach, mount there, read back" "$rc" 0
[[ $rc -eq 0 ]] || diag_file "stderr" "$T/outer.err"
check "ip netns exec, none mounted outside: says where it mounted one" \
	grep -q "no BPF filesystem was mounted at /sys/fs/bpf of the mount namespace this command was started from (process [0-9]*): mounted one there (mode 0700)" \
	"$T/outer.err"
check_eq "ip netns exec, none mounted outside: nsenter --net sees the pins" \
	"$(jq -c '[.interfaces[] | [.netns, .state]]' "$T/outer.json" 2>/dev/null)" \
	"[[\"$NS_C\",\"attached\"]]"
check_eq "ip netns exec, out of reach: refused (exit 1)" "$(cat "$T/refused.rc" 2>/dev/null)" 1
check_eq "ip netns exec, out of reach: one line" "$(wc -l <"$T/refused.err")" 1
check "ip netns exec, out of reach: names the nsenter command that works" \
	grep -q "run it from outside instead: nsenter --net=/run/netns/$NS_C $SIPSTAT attach -i $IF --mode skb\$" \
	"$T/refused.err"
# The inner mount namespace went with its BPF filesystem, and so did its pins.
no_xdp_c() { ! ip -n "$NS_C" link show "$IF" | grep -q xdp; }
check "ip netns exec, none mounted outside: its BPF filesystem gone with its mount namespace" \
	wait_until 10 no_xdp_c

# ------------------------------------------- a namespace deleted while attached

if ! net 4 "$NS_D" "$IF"; then
	not_ok "namespace D with $IF" "ip failed"
	done_testing
fi
PIN_D=$(pin_dir "$NS_D" "$IF")
GONE_DIRS+=("${PIN_D%/*}")
ino_d=$(stat -L -c %i "/run/netns/$NS_D")
ns_in "$NS_D" attach -i "$IF" --mode skb >/dev/null 2>&1
send 4 603 6
check "deleted: D counts (6)" wait_until 10 total_is "$NS_D" 6
sst_kill_ns_pids "$NS_D"
ip netns del "$NS_D"
ip netns del "$(ns_name 4-t)"
gone_state() {
	[[ $(host_status '.state' --netns gone) == '["netns_gone"]' ]]
}
check "deleted: status says the namespace is gone" wait_until 10 gone_state
check_eq "deleted: status keeps its inode and counts" \
	"$(host_status '[.netns, .netns_inode, .netns_state, .responses]' --netns gone)" \
	"[[\"\",$ino_d,\"gone\",6]]"
timeout 30 "$SIPSTAT" status --netns gone >"$T/gone.txt" 2>&1
check "deleted: status text says gone and what removes the pins" \
	grep -q "^  netns inode $ino_d, gone: 'sipstat detach --netns gone' removes its pins\$" "$T/gone.txt"
# A new namespace of the same name (the kernel often gives it the inode too).
if ! net 4 "$NS_D" "$IF"; then
	not_ok "namespace D again with $IF" "ip failed"
	done_testing
fi
ino_d2=$(stat -L -c %i "/run/netns/$NS_D")
diag "the new $NS_D has inode $ino_d2 (the old one had $ino_d)"
ns_in "$NS_D" attach -i "$IF" --mode skb >/dev/null 2>"$T/d2.err"
check "deleted: a new namespace of the same name attaches from zero" \
	grep -q "$IF: attached and pinned, counting from zero" "$T/d2.err"
check_eq "deleted: the new one's total is 0, not the old one's 6" "$(total "$NS_D")" 0
check_eq "deleted: status from the host tells them apart" \
	"$(host_status '[.netns, .netns_state, .responses]' --netns all)" \
	"[[\"$NS_B\",\"live\",7],[\"$NS_D\",\"live\",0],[\"\",\"gone\",6]]"
timeout 30 "$SIPSTAT" detach --netns gone -i "$IF" >/dev/null 2>"$T/dgone.err"
check_eq "deleted: detach --netns gone exits 0" "$?" 0
check "deleted: the gone namespace's pins removed" test ! -e "${PIN_D%/*}"
check_eq "deleted: the new one stays" "$(host_status '[.netns, .state]' --netns "$NS_D")" \
	"[[\"$NS_D\",\"attached\"]]"
timeout 30 "$SIPSTAT" detach --netns gone -i "$IF" >/dev/null 2>&1
check_eq "deleted: detach --netns gone again: nothing left, exit 1" "$?" 1
ns_in "$NS_D" detach -i "$IF" >/dev/null 2>&1

# ----------------------------------------------- pins of the old path

# What a sipstat of before pinned: the same objects in PINROOT/IFACE.
ns_in "$NS_D" attach -i "$IF" --mode skb >/dev/null 2>&1
send 4 486 3
wait_until 10 total_is "$NS_D" 3
PIN_D=$(pin_dir "$NS_D" "$IF")
link_before=$(ns_in "$NS_D" status -i "$IF" -o json 2>/dev/null | jq '.interfaces[0].link_id')
OLD=$PINROOT/$IF
GONE_DIRS+=("$OLD")
mv "$PIN_D" "$OLD" && rmdir "${PIN_D%/*}"
check "old path: set up as a sipstat of before left it" test -e "$OLD/link"
check_eq "old path: status names it, namespace unknown" \
	"$(host_status 'select(.state == "old_path") | [.netns_state, .responses]')" \
	"[[\"unknown\",3]]"
ns_in "$NS_D" show -i "$IF" >/dev/null 2>"$T/old-show.err"
check "old path: show says to move them with --replace" \
	grep -q "has pins under the old path $OLD.*'sipstat attach --replace -i $IF' moves them" \
	"$T/old-show.err"
ns_in "$NS_D" attach -i "$IF" >/dev/null 2>"$T/old-attach.err"
check_eq "old path: attach without --replace refuses (exit 1)" "$?" 1
check "old path: nothing made for it" test ! -e "$PIN_D"
ns_in "$NS_C" attach --replace -i "$IF" >/dev/null 2>"$T/old-b.err"
check_eq "old path: --replace in another namespace refuses (exit 1)" "$?" 1
check "old path: ... saying the pins count another namespace's interface" \
	grep -q "count an interface of another network namespace" "$T/old-b.err"
check "old path: ... and leaves them" test -e "$OLD/link"
ns_in "$NS_D" attach --replace -i "$IF" >/dev/null 2>"$T/old-replace.err"
check_eq "old path: attach --replace exits 0" "$?" 0
check "old path: says it moved them" \
	grep -q "pins of the old path $OLD moved to $PIN_D, counts and all" "$T/old-replace.err"
check "old path: none left there" test ! -e "$OLD"
check_eq "old path: the counts came along (3)" "$(total "$NS_D")" 3
check_eq "old path: the same link, attached, this namespace's now" \
	"$(status_of "$NS_D" '[.link_id, .state, .netns_state]')" \
	"[[$link_before,\"attached\",\"current\"]]"
send 4 486 2
check "old path: counting goes on (3 + 2)" wait_until 10 total_is "$NS_D" 5
ns_in "$NS_D" detach -i "$IF" >/dev/null 2>&1
check "old path: detach removes them" test ! -e "$PIN_D"

# ------------------------------------------ a watcher that cannot see the pins

# The pins are in this mount namespace; a watcher in another one with a
# BPF filesystem of its own (a container's, a shell's under unshare -m)
# finds none there, and sipstat's pinned programs on the hooks.  It must
# leave them alone, say where they are pinned, and never offer --force.
ns_in "$NS_D" attach -i "$IF" --mode skb >/dev/null 2>&1
send 4 200 2
wait_until 10 total_is "$NS_D" 2
seen_d() {
	status_of "$NS_D" '[.state, .link_id, .tc.out.prog_id > 0, .tc.out.prog_id == .tc.out.hook_prog_id]'
}
before=$(seen_d)
cat >"$T/blind.sh" <<'EOF'
set -u
S=$1 NS=$2 IF=$3 T=$4
umount -l /sys/fs/bpf 2>/dev/null
mount -t bpf -o mode=0700 bpf /sys/fs/bpf || exit 90
watch() {
	local name=$1
	shift
	timeout 30 nsenter --net="/run/netns/$NS" "$S" -i "$IF" "$@" 0.2 1 >/dev/null 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}
watch blind
watch blind-force --force
watch blind-tc --mode tc
watch blind-tc-force --mode tc --force
# What the message says to run, run from here.
pid=$(sed -n 's|.*nsenter --mount=/proc/\([0-9]*\)/ns/mnt sipstat -i .*|\1|p' "$T/blind.err")
[[ -n $pid ]] || exit 91
timeout 30 nsenter --mount="/proc/$pid/ns/mnt" nsenter --net="/run/netns/$NS" \
	"$S" -i "$IF" 0.2 1 >/dev/null 2>"$T/blind-there.err"
echo $? >"$T/blind-there.rc"
exit 0
EOF
unshare -m --propagation private bash "$T/blind.sh" "$SIPSTAT" "$NS_D" "$IF" "$T"
check_eq "blind watcher: in a mount namespace with a BPF filesystem of its own" "$?" 0
pinned_as="pinned as /sys/fs/bpf/sipstat/netns:[0-9]*:[0-9]*/$IF/[a-z_]* in the mount namespace of process [0-9]*, out of sight of this one; to read it: nsenter --mount=/proc/[0-9]*/ns/mnt sipstat -i $IF\$"
for w in blind blind-force; do
	check_eq "blind watcher ($w): refused (exit 1)" "$(cat "$T/$w.rc" 2>/dev/null)" 1
	check "blind watcher ($w): sipstat's XDP program, pinned out of sight, and how to read it" \
		grep -q "cannot attach to $IF: sipstat counts there already (XDP program id [0-9]*), $pinned_as" \
		"$T/$w.err"
done
for w in blind-tc blind-tc-force; do
	check_eq "blind watcher ($w): refused (exit 1)" "$(cat "$T/$w.rc" 2>/dev/null)" 1
	check "blind watcher ($w): sipstat's TC egress filter, pinned out of sight" \
		grep -q "cannot attach to $IF: sipstat counts there already (TC egress program id [0-9]*), $pinned_as" \
		"$T/$w.err"
done
check_eq "blind watcher: never offers --force" "$(cat "$T"/blind*.err | grep -c -- '--force')" 0
check_eq "blind watcher: the pinned link and egress filter untouched" "$(seen_d)" "$before"
check_eq "blind watcher: its own ingress filter gone with it" \
	"$(ip netns exec "$NS_D" tc filter show dev "$IF" ingress | grep -c 0x5195)" 0
send 4 200 3
check "blind watcher: the pinned attachment counts on (2 + 3)" wait_until 10 total_is "$NS_D" 5
check_eq "blind watcher: the command it names reads the pins (exit 0)" \
	"$(cat "$T/blind-there.rc" 2>/dev/null)" 0
check "blind watcher: ... as pinned counters" \
	grep -q "reading the pinned counters of $IF" "$T/blind-there.err"
ns_in "$NS_D" detach -i "$IF" >/dev/null 2>&1

# -------------------------------------------- pins no one else can take

cat >"$T/hijack.sh" <<'EOF'
set -u
S=$1 NS=$2 IF=$3 T=$4
umount -l /sys/fs/bpf 2>/dev/null
mount -t bpf bpf /sys/fs/bpf || exit 90	# a plain mount: 1777
stat -c %a /sys/fs/bpf >"$T/h.mode"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
attach() { timeout 30 nsenter --net="/run/netns/$NS" "$S" attach -i "$IF" --mode skb; }
mkdir -m 0755 "$T/victim"
# A symbolic link planted where sipstat's directory goes.
nobody ln -s "$T/victim" /sys/fs/bpf/sipstat || exit 91
attach >/dev/null 2>"$T/h1.err"; echo $? >"$T/h1.rc"
stat -c %a "$T/victim" >"$T/h1.victim"
rm /sys/fs/bpf/sipstat
# The directory made first by another user.
nobody mkdir -m 0777 /sys/fs/bpf/sipstat || exit 92
attach >/dev/null 2>"$T/h2.err"; echo $? >"$T/h2.rc"
find /sys/fs/bpf/sipstat -mindepth 1 | wc -l >"$T/h2.count"
timeout 30 "$S" status >/dev/null 2>"$T/h2s.err"; echo $? >"$T/h2s.rc"
rmdir /sys/fs/bpf/sipstat
# Root's, but open to others.
mkdir -m 0755 /sys/fs/bpf/sipstat
attach >/dev/null 2>"$T/h3.err"; echo $? >"$T/h3.rc"
rmdir /sys/fs/bpf/sipstat
# None there: made 0700, pins 0600, whatever the umask.
(umask 0; attach >/dev/null 2>"$T/h4.err"; echo $? >"$T/h4.rc")
find /sys/fs/bpf/sipstat -printf '%m %u %y %P\n' | sort >"$T/h4.modes"
timeout 30 nsenter --net="/run/netns/$NS" "$S" detach -i "$IF" >/dev/null 2>&1
exit 0
EOF
# In a mount namespace of its own again: a plain BPF filesystem there only.
if ip -n "$NS_B" link add "hj$$" type veth peer name "hk$$" && ip -n "$NS_B" link set "hj$$" up &&
	unshare -m --propagation private bash "$T/hijack.sh" "$SIPSTAT" "$NS_B" "hj$$" "$T"; then
	SST_LINKS+=("$NS_B hj$$")
else
	not_ok "hijack: set up in a private mount namespace" "see stderr"
fi
check_eq "hijack: a plain mount of the BPF filesystem is 1777" "$(cat "$T/h.mode")" 1777
check_eq "hijack: a planted symbolic link is refused (exit 1)" "$(cat "$T/h1.rc")" 1
check "hijack: ... saying it is a symbolic link and what to do" \
	grep -q "refusing /sys/fs/bpf/sipstat: it is a symbolic link, not a directory.*rm /sys/fs/bpf/sipstat" \
	"$T/h1.err"
check_eq "hijack: ... and the link's target keeps its mode" "$(cat "$T/h1.victim")" 755
check_eq "hijack: another user's directory is refused (exit 1)" "$(cat "$T/h2.rc")" 1
check "hijack: ... saying whose it is" \
	grep -q "refusing /sys/fs/bpf/sipstat: it is owned by uid 65534, not by root" "$T/h2.err"
check_eq "hijack: ... nothing pinned in it" "$(cat "$T/h2.count")" 0
check_eq "hijack: status refuses it too (exit 1)" "$(cat "$T/h2s.rc")" 1
check_eq "hijack: a directory of mode 0755 is refused (exit 1)" "$(cat "$T/h3.rc")" 1
check "hijack: ... saying its mode and the chmod" \
	grep -q "its mode is 0755, not 0700.*chmod 0700 /sys/fs/bpf/sipstat" "$T/h3.err"
check_eq "hijack: none there and umask 0: attach exits 0" "$(cat "$T/h4.rc")" 0
check_eq "hijack: directories 0700 and pins 0600, root's" \
	"$(awk '{ print $1, $2, $3 }' "$T/h4.modes" | sort -u | tr '\n' ' ')" \
	"600 root f 700 root d "

# ------------------------------------------------ names with escapes

NS_E=$(ns_name $'\e[31mE')
IF_E=$'e\e[7m'$$
if ns_add $'\e[31mE' && ip -n "$NS_E" link add "$IF_E" type veth peer name "ef$$" &&
	ip -n "$NS_E" link set "$IF_E" up; then
	SST_LINKS+=("$NS_E $IF_E")
	ns_in "$NS_E" attach -i "$IF_E" --mode skb >/dev/null 2>&1
	timeout 30 "$SIPSTAT" status --netns all >"$T/esc.txt" 2>&1
	check_eq "escapes: status prints no escape character" "$(grep -c $'\e' "$T/esc.txt")" 0
	check "escapes: the interface's name, escaped" grep -q "^e\\\\x1b\\[7m$$: attached" "$T/esc.txt"
	check "escapes: the namespace's name, escaped" \
		grep -q "^  netns sst-$$-\\\\x1b\\[31mE (inode [0-9]*)" "$T/esc.txt"
	grep -q "^e\\\\x1b" "$T/esc.txt" || diag_file "status" "$T/esc.txt"
	check_eq "escapes: JSON keeps the names, as JSON escapes" \
		"$(timeout 30 "$SIPSTAT" status --netns all -o json |
			jq -r ".interfaces[] | select(.interface == \"$IF_E\") | .netns")" "$NS_E"
	ns_in "$NS_E" detach --all >"$T/esc-detach.txt" 2>&1
	check_eq "escapes: detach --all says the name escaped" "$(grep -c $'\e' "$T/esc-detach.txt")" 0
else
	not_ok "escapes: a namespace and an interface with escape sequences in their names"
fi

ns_in "$NS_B" detach -i "$IF" >/dev/null 2>&1
check "at the end: nothing of this suite is pinned" bash -c "! ls -A '$PINROOT' 2>/dev/null | grep -q ."

done_testing
