#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# make install / make uninstall, and what they install:
#  - DESTDIR install with the default PREFIX puts each listed file where
#    Debian looks for it, with its mode, and nothing else (the BPF object
#    is inside the binary); uninstall removes every file again;
#  - /etc/default/sipstat: installed only when absent, kept when edited;
#  - PREFIX=/usr: the unit goes where systemd.pc says, the completion where
#    bash-completion.pc says;
#  - the unit, installed with a real PREFIX, passes systemd-analyze verify
#    (which also finds the man page and the binary it names); as root, its
#    sandbox rebuilt by hand (read-only system but /sys/fs/bpf, its
#    capability bounding set, no_new_privs) lets serve attach, stop with
#    the kernel still counting, and start again keeping the counts;
#  - the man page renders with man -l, and groff -ww reports nothing;
#  - the completion sources in bash, is found by bash-completion's loader
#    in the installed place, and completes subcommands, options,
#    interfaces, modes and formats;
#  - the man page and the completion name every option and subcommand
#    sipstat --help lists.
# Everything goes to a scratch directory; only the sandbox part needs root.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd make install gzip cmp

BIN=$SST_O/sipstat
if [[ ! -x $BIN ]]; then
	not_ok "install: $BIN exists" "build it with make O=$O"
	done_testing
fi

sst_tmpdir
T=$SST_TMP
cd "$SST_ROOT" || exit 1

mk() {
	make --no-print-directory O="$SST_O" "$@"
}

# --- DESTDIR install, default PREFIX ------------------------------------
D=$T/dest
# Path (below DESTDIR) and mode of everything make install puts there.
EXPECTED=(
	"usr/local/sbin/sipstat 755"
	"usr/local/share/man/man8/sipstat.8.gz 644"
	"usr/local/lib/systemd/system/sipstat@.service 644"
	"usr/local/share/bash-completion/completions/sipstat 644"
	"usr/local/share/doc/sipstat/README.md 644"
	"usr/local/share/doc/sipstat/LICENSE 644"
	"usr/local/share/doc/sipstat/LICENSE.GPL-2.0-only 644"
	"usr/local/share/doc/sipstat/LICENSE.BSD-2-Clause 644"
	"usr/local/share/doc/sipstat/sip-responses.md 644"
	"etc/default/sipstat 644"
)

if mk install DESTDIR="$D" >"$T/install.out" 2>&1; then
	ok "install: make install DESTDIR=... succeeds"
else
	not_ok "install: make install DESTDIR=... succeeds"
	diag_file "make install" "$T/install.out"
fi

for e in "${EXPECTED[@]}"; do
	read -r path mode <<<"$e"
	if [[ -f $D/$path ]]; then
		check_eq "install: $path, mode $mode" "$(stat -c %a "$D/$path")" "$mode"
	else
		not_ok "install: $path, mode $mode" "not installed"
	fi
done

# Nothing else, except the programs (executable) and the configuration
# examples (0644) of the PKGDATADIR lists.
unexpected=()
while IFS= read -r f; do
	f=${f#"$D"/}
	known=0
	for e in "${EXPECTED[@]}"; do
		[[ ${e% *} == "$f" ]] && known=1
	done
	if [[ $known -eq 0 ]]; then
		[[ $f == usr/local/share/sipstat/* && (-x $D/$f || $(stat -c %a "$D/$f") == 644) ]] ||
			unexpected+=("$f")
	fi
done < <(find "$D" -type f -o -type l)
check_eq "install: nothing installed beyond the list" "${unexpected[*]}" ""
check_eq "install: no BPF object installed (the binary embeds it)" \
	"$(find "$D" -name '*.bpf.o' | wc -l)" 0

check "install: the binary is the one make built" cmp -s "$BIN" "$D/usr/local/sbin/sipstat"
check "install: the installed binary runs (--version)" \
	bash -c "'$D/usr/local/sbin/sipstat' --version >/dev/null"
check "install: the man page is docs/sipstat.8, gzipped" \
	bash -c "gzip -dc '$D/usr/local/share/man/man8/sipstat.8.gz' | cmp -s - docs/sipstat.8"
UNIT=$D/usr/local/lib/systemd/system/sipstat@.service
# shellcheck disable=SC2016 # $SIPSTAT_OPTS is systemd's, not ours
check_eq "install: the unit runs the installed binary" \
	"$(grep '^ExecStart=' "$UNIT" 2>/dev/null)" \
	'ExecStart=/usr/local/sbin/sipstat serve -i %I $SIPSTAT_OPTS'
check_eq "install: the unit reads /etc/default/sipstat" \
	"$(grep '^EnvironmentFile=' "$UNIT" 2>/dev/null)" 'EnvironmentFile=-/etc/default/sipstat'
check "install: the completion is scripts/completion/sipstat" \
	cmp -s scripts/completion/sipstat "$D/usr/local/share/bash-completion/completions/sipstat"

# An options file the operator already has is left alone.
printf 'SIPSTAT_OPTS="--port 5080"\n' >"$D/etc/default/sipstat"
mk install DESTDIR="$D" >"$T/install2.out" 2>&1
check_eq "install: a second install keeps an existing /etc/default/sipstat" \
	"$(cat "$D/etc/default/sipstat")" 'SIPSTAT_OPTS="--port 5080"'

# --- uninstall ----------------------------------------------------------
if mk uninstall DESTDIR="$D" >"$T/uninstall.out" 2>&1; then
	ok "uninstall: make uninstall DESTDIR=... succeeds"
else
	not_ok "uninstall: make uninstall DESTDIR=... succeeds"
	diag_file "make uninstall" "$T/uninstall.out"
fi
left=$(find "$D" -type f -o -type l | sed "s|^$D/||" | sort | tr '\n' ' ')
check_eq "uninstall: an edited /etc/default/sipstat is kept, everything else removed" \
	"$left" "etc/default/sipstat "
check "uninstall: says the edited options file is kept" grep -q 'KEEP.*etc/default/sipstat' \
	"$T/uninstall.out"
rm -f "$D/etc/default/sipstat"

mk install DESTDIR="$D" >"$T/install3.out" 2>&1
mk uninstall DESTDIR="$D" >"$T/uninstall3.out" 2>&1
check_eq "uninstall: after a fresh install, no file is left" \
	"$(find "$D" -type f -o -type l | sed "s|^$D/||" | tr '\n' ' ')" ""
check_eq "uninstall: sipstat's own directories are gone" \
	"$(find "$D" -path '*/doc/sipstat' -o -path '*/share/sipstat' | wc -l)" 0

# --- PREFIX=/usr: the directories the .pc files name -----------------------
P=$T/usr
mk install DESTDIR="$P" PREFIX=/usr >"$T/install-usr.out" 2>&1
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
unitdir=${unitdir:-/lib/systemd/system}
compdir=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null)
compdir=${compdir:-/usr/share/bash-completion/completions}
check "install PREFIX=/usr: binary in /usr/sbin" test -x "$P/usr/sbin/sipstat"
check "install PREFIX=/usr: unit in $unitdir (systemd.pc)" test -f "$P$unitdir/sipstat@.service"
check "install PREFIX=/usr: completion in $compdir (bash-completion.pc)" \
	test -f "$P$compdir/sipstat"
check "install PREFIX=/usr: man page in /usr/share/man/man8" \
	test -f "$P/usr/share/man/man8/sipstat.8.gz"
# shellcheck disable=SC2016
check_eq "install PREFIX=/usr: the unit runs /usr/sbin/sipstat" \
	"$(grep '^ExecStart=' "$P$unitdir/sipstat@.service" 2>/dev/null)" \
	'ExecStart=/usr/sbin/sipstat serve -i %I $SIPSTAT_OPTS'
# systemctl enable, offline: the unit is wanted at boot and by the
# interface's device (so it starts when the interface appears).
if command -v systemctl >/dev/null 2>&1; then
	systemctl --root="$P" enable sipstat@eth0.service >"$T/enable.out" 2>&1
	W=$P/etc/systemd/system
	check "enable sipstat@eth0: wanted by multi-user.target" \
		test -L "$W/multi-user.target.wants/sipstat@eth0.service"
	check "enable sipstat@eth0: wanted by sys-subsystem-net-devices-eth0.device" \
		test -L "$W/sys-subsystem-net-devices-eth0.device.wants/sipstat@eth0.service"
	mk uninstall DESTDIR="$P" PREFIX=/usr >"$T/uninstall-usr.out" 2>&1
	check "uninstall: says an instance is still enabled" \
		grep -q 'NOTE.*sipstat@eth0.service: still enabled' "$T/uninstall-usr.out"
	systemctl --root="$P" disable sipstat@eth0.service >/dev/null 2>&1
else
	skip "enable sipstat@eth0" "systemctl missing (apt-get install systemd)"
	mk uninstall DESTDIR="$P" PREFIX=/usr >/dev/null 2>&1
fi
check_eq "uninstall PREFIX=/usr: no file or link is left" \
	"$(find "$P" -type f -o -type l | sed "s|^$P/||" | tr '\n' ' ')" ""

# --- the unit: systemd-analyze verify on a real installation ---------------
# verify resolves ExecStart= and Documentation=man: on this machine, so
# install for real into a prefix of our own, where they exist.
R=$T/root
if mk install PREFIX="$R/usr" SYSCONFDIR="$R/etc" >"$T/install-root.out" 2>&1; then
	ok "install PREFIX=\$tmp: succeeds without DESTDIR"
else
	not_ok "install PREFIX=\$tmp: succeeds without DESTDIR"
	diag_file "make install" "$T/install-root.out"
fi
RUNITS=$R/usr/lib/systemd/system
if command -v systemd-analyze >/dev/null 2>&1; then
	SYSTEMD_UNIT_PATH=$RUNITS: MANPATH=$R/usr/share/man \
		systemd-analyze verify sipstat@eth0.service >"$T/verify.out" 2>&1
	rc=$?
	if [[ $rc -eq 0 ]] && ! grep -q 'sipstat' "$T/verify.out"; then
		ok "unit: systemd-analyze verify sipstat@eth0.service"
	else
		not_ok "unit: systemd-analyze verify sipstat@eth0.service" "status $rc"
		diag_file "systemd-analyze verify" "$T/verify.out"
	fi
	# The same check fails on a unit whose binary is missing: it checks.
	mkdir -p "$T/broken"
	sed 's|^ExecStart=[^ ]*|ExecStart=/nonexistent/sipstat|' "$RUNITS/sipstat@.service" \
		>"$T/broken/sipstat@.service"
	if SYSTEMD_UNIT_PATH=$T/broken: MANPATH=$R/usr/share/man \
		systemd-analyze verify sipstat@eth0.service >"$T/verify-broken.out" 2>&1; then
		not_ok "unit: verify rejects a unit whose ExecStart binary is missing"
		diag_file "systemd-analyze verify" "$T/verify-broken.out"
	else
		ok "unit: verify rejects a unit whose ExecStart binary is missing"
	fi
	# systemd's own score of the sandbox: "OK" or better is below 5.0.
	exposure=$(SYSTEMD_UNIT_PATH=$RUNITS: systemd-analyze security --offline=yes \
		"$RUNITS/sipstat@.service" 2>/dev/null | sed -n 's/.*Overall exposure level[^:]*: \([0-9.]*\).*/\1/p')
	if [[ $exposure =~ ^[0-9]+\.[0-9]+$ ]] && awk -v e="$exposure" 'BEGIN { exit !(e < 5.0) }'; then
		ok "unit: systemd-analyze security exposure $exposure (below 5.0)"
	elif [[ -z $exposure ]]; then
		skip "unit: systemd-analyze security exposure" "this systemd-analyze has no --offline"
	else
		not_ok "unit: systemd-analyze security exposure $exposure (below 5.0)"
	fi
else
	skip "unit: systemd-analyze verify" "systemd-analyze missing (apt-get install systemd)"
fi
# The unit's sandbox, rebuilt without systemd (which is not PID 1 here):
# in a mount namespace of its own, / and /sys read-only with the BPF
# filesystem writable, /proc/sys read-only, the unit's capability bounding
# set and no_new_privs (setpriv), the unit's own ExecStart.  There, serve
# must attach and pin, stop with status 0 leaving the kernel counting, and
# start again keeping the counts.  Root; interface names of this run only.
unit_value() {
	sed -n "s/^$1=//p" "$RUNITS/sipstat@.service" | tail -n 1
}
sandbox_suite() {
	local ifa=si$$a ifb=si$$b ns_a ns_b pin caps exec pid rc
	ns_a=$(ns_name A)
	ns_b=$(ns_name B)
	if ! ns_add A || ! ns_add B || ! veth_add "$ns_a" "$ifa" "$ns_b" "$ifb" ||
		! addr_add "$ns_a" "$ifa" 198.18.0.1/24 || ! addr_add "$ns_b" "$ifb" 198.18.0.2/24 ||
		! link_up "$ns_a" "$ifa" || ! link_up "$ns_b" "$ifb" || ! pin=$(pin_dir "$ns_a" "$ifa"); then
		not_ok "sandbox: namespaces and veth pair set up"
		return
	fi
	# systemd mounts the BPF filesystem before any unit starts; here sipstat
	# does, outside the sandbox, as it does where none is mounted.
	if "$SST_O/sipstat" status >/dev/null 2>"$T/bpffs.err" &&
		grep -q ' /sys/fs/bpf bpf ' /proc/self/mounts; then
		ok "sandbox: a BPF filesystem at /sys/fs/bpf, as systemd has one"
	else
		not_ok "sandbox: a BPF filesystem at /sys/fs/bpf, as systemd has one" \
			"$(cat "$T/bpffs.err")"
		return
	fi
	neigh_static "$ns_b" "$ifb" 198.18.0.1 "$(mac_of "$ns_a" "$ifa")"
	printf 'SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n' >"$T/486"
	# CAP_BPF CAP_NET_ADMIN -> +bpf,+net_admin
	caps=$(unit_value CapabilityBoundingSet | tr 'A-Z ' 'a-z\n' | sed -n 's/^cap_/+/p' | paste -sd,)
	exec=$(unit_value ExecStart)
	exec=${exec//%I/$ifa}
	exec=${exec//\$SIPSTAT_OPTS/-m skb}
	check_eq "sandbox: the unit's bounding set" "$caps" \
		"+bpf,+net_admin,+perfmon,+sys_admin,+setuid,+setgid,+setpcap"
	check_eq "sandbox: ReadWritePaths is the BPF filesystem" "$(unit_value ReadWritePaths)" /sys/fs/bpf
	# shellcheck disable=SC2016,SC2086 # $1/$@ are the inner bash's; exec splits as systemd does
	sandboxed() {
		nsenter --net="/run/netns/$ns_a" unshare -m --propagation private bash -c '
			mount -o remount,bind,ro / && mount -o remount,bind,ro /sys &&
			mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys || exit 99
			[[ -w /sys/fs/bpf ]] || exit 98
			exec setpriv --bounding-set=-all,"$1" --inh-caps=-all --no-new-privs "${@:2}"' \
			_ "$caps" $exec >>"$T/serve.out" 2>>"$T/serve.err" </dev/null &
		pid=$!
		SST_PIDS+=("$pid")
	}
	in_a() { timeout 20 nsenter --net="/run/netns/$ns_a" "$@"; }
	# shellcheck disable=SC2317 # called through wait_until
	total_is() {
		[[ $(in_a "$SST_O/sipstat" show -i "$ifa" -o json 2>/dev/null |
			jq -r .responses.total 2>/dev/null) == "$1" ]]
	}
	send() { udp_send "$ns_b" 198.18.0.1 5060 "$1" "$T/486"; }

	sandboxed
	if wait_until 15 test -e "$pin/link"; then
		ok "sandbox: serve attaches and pins under the unit's sandbox"
	else
		not_ok "sandbox: serve attaches and pins under the unit's sandbox"
		diag_file "serve stderr" "$T/serve.err"
	fi
	send 5
	check "sandbox: the kernel counts (5 responses)" wait_until 10 total_is 5
	stop_pid "$pid" TERM 10
	check_eq "sandbox: SIGTERM ends serve with status 0 (no restart)" "$SST_RC" 0
	send 3
	check "sandbox: counting goes on after the service stopped (8)" wait_until 10 total_is 8
	sandboxed
	wait_until 15 grep -q 'counts kept' "$T/serve.err"
	send 2
	check "sandbox: started again, the counts are kept (10)" wait_until 10 total_is 10
	stop_pid "$pid" TERM 10
	rc=$SST_RC
	in_a "$SST_O/sipstat" detach -i "$ifa" >/dev/null 2>&1
	check_eq "sandbox: the second serve ends with status 0 too" "$rc" 0
	check "sandbox: detach leaves no pin" test ! -e "$pin"
}
# Whatever happens, nothing of the sandbox's pins stays: lib.sh's trap
# removes them with the namespaces.
if [[ $EUID -ne 0 ]]; then
	skip "sandbox: serve under the unit's sandbox" "needs root"
elif ! command -v setpriv >/dev/null || ! command -v unshare >/dev/null ||
	! command -v nsenter >/dev/null || ! command -v bpftool >/dev/null ||
	! command -v jq >/dev/null || ! command -v python3 >/dev/null; then
	skip "sandbox: serve under the unit's sandbox" \
		"setpriv, unshare, nsenter, bpftool, jq or python3 missing"
else
	sandbox_suite
fi

check "unit: the service binds to the interface's device" \
	grep -qx 'BindsTo=sys-subsystem-net-devices-%i.device' "$RUNITS/sipstat@.service"
check "unit: restarts on failure, no detach on stop" \
	bash -c "grep -qx 'Restart=on-failure' '$RUNITS/sipstat@.service' &&
		! grep -q '^ExecStop' '$RUNITS/sipstat@.service'"
check "unit: /sys/fs/bpf writable under ProtectSystem=strict" \
	bash -c "grep -qx 'ProtectSystem=strict' '$RUNITS/sipstat@.service' &&
		grep -qx 'ReadWritePaths=/sys/fs/bpf' '$RUNITS/sipstat@.service'"

# --- the man page ------------------------------------------------------------
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	groff -ww -z -man docs/sipstat.8 >"$T/groff.out" 2>&1
	check_eq "man: groff -ww -z -man reports no warning" "$(cat "$T/groff.out")" ""
	MANWIDTH=80 man --warnings -l "$R/usr/share/man/man8/sipstat.8.gz" \
		>"$T/man.txt" 2>"$T/man.err"
	rc=$?
	if [[ $rc -eq 0 && ! -s $T/man.err ]]; then
		ok "man: man -l renders the installed page without a warning"
	else
		not_ok "man: man -l renders the installed page without a warning" "status $rc"
		diag_file "man stderr" "$T/man.err"
	fi
	missing=()
	for s in NAME SYNOPSIS DESCRIPTION SUBCOMMANDS OPTIONS OUTPUT FILES "EXIT STATUS" \
		EXAMPLES "SEE ALSO"; do
		grep -qx "$s" "$T/man.txt" || missing+=("$s")
	done
	check_eq "man: every section is there" "${missing[*]}" ""
	check_eq "man: man finds sipstat(8) under the installed MANPATH" \
		"$(MANPATH=$R/usr/share/man man -w 8 sipstat 2>/dev/null)" \
		"$R/usr/share/man/man8/sipstat.8.gz"
else
	skip "man: man -l and groff" "man or groff missing (apt-get install man-db groff-base)"
fi

# --- the completion ------------------------------------------------------------
COMP=$R/usr/share/bash-completion/completions/sipstat
# complete_words WORD...: what the completion offers for the last word.
cat >"$T/complete.sh" <<'EOF'
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	[[ ${#COMPREPLY[@]} -eq 0 ]] || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
EOF
# shellcheck disable=SC2016
probe='fn=$(complete -p sipstat | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
	. "$T/complete.sh"
	echo "spec: $(complete -p sipstat)"
	echo "sub: $(complete_words sipstat "")"
	echo "opt: $(complete_words sipstat attach --re)"
	echo "serve: $(complete_words sipstat serve --re)"
	echo "status: $(complete_words sipstat status -)"
	echo "if: $(complete_words sipstat -i "")"
	echo "mode: $(complete_words sipstat serve --mode "")"
	echo "fmt: $(complete_words sipstat status -o "")"
	echo "num: $(complete_words sipstat 1 "")"'
if T=$T bash --norc --noprofile -c ". '$COMP'; $probe" >"$T/comp.out" 2>&1; then
	ok "completion: sources in a plain bash"
else
	not_ok "completion: sources in a plain bash"
	diag_file "bash" "$T/comp.out"
fi
line() { sed -n "s/^$1: //p" "$T/comp.out"; }
check_eq "completion: complete -p names it for sipstat" "$(line spec)" "complete -F _sipstat sipstat"
check_eq "completion: subcommands" "$(line sub)" "attach detach read serve show status "
check_eq "completion: options of a subcommand (attach --re)" "$(line opt)" "--replace --reset "
check_eq "completion: serve has no --reset" "$(line serve)" "--replace "
check_eq "completion: the options status takes" "$(line status)" \
	"--help --interface --netns --output --verbose --version -V -h -i -o -v "
ifaces=$(find /sys/class/net -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')
check_eq "completion: interfaces from /sys/class/net" "$(line if)" "$ifaces"
check_eq "completion: attach modes" "$(line mode)" "auto native skb tc "
check_eq "completion: output formats" "$(line fmt)" "csv influx json openmetrics prometheus text "
check_eq "completion: nothing after INTERVAL" "$(line num)" ""

# bash-completion loads it on demand from the installed place.
BC=/usr/share/bash-completion/bash_completion
if [[ -r $BC ]]; then
	XDG_DATA_DIRS=$R/usr/share T=$T bash --norc --noprofile -c \
		". '$BC'; __load_completion sipstat; $probe" >"$T/comp.out" 2>&1
	check_eq "completion: bash-completion's loader finds it under \$PREFIX/share" \
		"$(line spec)" "complete -F _sipstat sipstat"
	check_eq "completion: subcommands, with bash-completion loaded" "$(line sub)" \
		"attach detach read serve show status "
else
	skip "completion: bash-completion's loader" "bash-completion missing (apt-get install bash-completion)"
fi

# --- the docs name what the command has ------------------------------------
"$BIN" --help >"$T/help.txt" 2>&1
# The options table: lines that start with "  -x, --name" or "      --name".
mapfile -t helpopts < <(grep -oE -- '^ +(-[a-zA-Z], +)?--[a-z][a-z-]+' "$T/help.txt" |
	grep -oE -- '--[a-z][a-z-]+' | sort -u)
missing_man=()
missing_comp=()
for o in "${helpopts[@]}"; do
	# roff writes a hyphen as \-.
	grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" docs/sipstat.8 || missing_man+=("$o")
	grep -qw -- "$o" scripts/completion/sipstat || missing_comp+=("$o")
done
check_ge "docs: sipstat --help lists its options (a table of 5 or more)" "${#helpopts[@]}" 5
check_eq "docs: the man page names every option of sipstat --help" "${missing_man[*]}" ""
check_eq "docs: the completion offers every option of sipstat --help" "${missing_comp[*]}" ""
missing_help=()
for s in attach detach status show serve; do
	grep -qw "$s" "$T/help.txt" || missing_help+=("$s")
done
check_eq "docs: sipstat --help names every subcommand the man page and completion know" \
	"${missing_help[*]}" ""

# Every option the completion offers a subcommand is one that subcommand
# takes.  A bad option after it makes each run a usage error, so nothing
# is attached, detached or read.
if [[ ${#missing_help[@]} -eq 0 ]]; then
	refused=()
	for sub in attach detach status show serve watch; do
		offered=$(bash --norc --noprofile -c ". '$COMP'
			fn=_sipstat; . '$T/complete.sh'
			if [[ $sub == watch ]]; then complete_words sipstat -; else complete_words sipstat $sub -; fi")
		for o in $offered; do
			case $o in
			-h | --help | -V | --version) continue ;;
			-i | --interface) arg=(lo) ;;
			-m | --mode) arg=(skb) ;;
			-p | --port) arg=(5060) ;;
			-o | --output) arg=(json) ;;
			--netns) arg=(all) ;;
			*) arg=() ;;
			esac
			if [[ $sub == watch ]]; then set --; else set -- "$sub"; fi
			timeout 10 "$BIN" "$@" "$o" "${arg[@]}" --no-such-option >"$T/opt.out" 2>&1
			rc=$?
			if [[ $rc -ne 2 ]] || grep -q 'does not apply' "$T/opt.out"; then
				refused+=("$sub $o (status $rc)")
			fi
		done
	done
	check_eq "docs: each subcommand takes every option the completion offers it" \
		"${refused[*]}" ""
else
	skip "docs: each subcommand takes every option the completion offers it" \
		"this sipstat has no subcommands"
fi

mk uninstall PREFIX="$R/usr" SYSCONFDIR="$R/etc" >/dev/null 2>&1
check_eq "uninstall PREFIX=\$tmp: no file is left" "$(find "$R" -type f | wc -l)" 0

done_testing
