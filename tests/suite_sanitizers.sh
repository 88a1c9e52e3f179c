#!/usr/bin/env bash
# Helpers are called through check and wait_until, which shellcheck cannot follow:
# shellcheck disable=SC2317
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The C tests again, built with AddressSanitizer + UndefinedBehaviorSanitizer
# (-fsanitize=address,undefined -fno-sanitize-recover=all, make SANITIZE=1)
# in their own build directory, $O-asan: test_unit and test_alerts always,
# test_bpf and test_regress as root.  Any sanitizer report aborts the program and fails
# the suite.  Each result line is the program's own, prefixed "asan: ".
# As root, the sipstat binary of that build also runs alerting sessions on
# a veth pair (kernel events, rules, per-peer counts, a hook, the exit
# report), watching and as the service, each ended by its signal:
# LeakSanitizer reports what they did not free.
#
#   SIPSTAT_SAN_O=DIR    build directory (default: $O-asan)
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd make nm

SAN_O=${SIPSTAT_SAN_O:-${SST_O}-asan}
sst_tmpdir
T=$SST_TMP

targets=("$SAN_O/tests/test_unit" "$SAN_O/tests/test_alerts" "$SAN_O/tests/test_bpf"
	"$SAN_O/tests/test_regress" "$SAN_O/sipstat")
diag "building ${targets[*]#"$SST_ROOT/"} with SANITIZE=1"
if make -C "$SST_ROOT" --no-print-directory O="$SAN_O" SANITIZE=1 "${targets[@]}" \
	>"$T/build.log" 2>&1; then
	ok "asan: build with -fsanitize=address,undefined in $SAN_O"
else
	not_ok "asan: build with -fsanitize=address,undefined in $SAN_O"
	tail -n 30 "$T/build.log" | sed 's/^/#   /'
	done_testing
fi

# The binaries really carry both runtimes.
instrumented() {
	local syms
	syms=$(nm "$1" 2>/dev/null) || return 1
	grep -q '__asan_init\|__asan_version_mismatch_check' <<<"$syms" &&
		grep -q '__ubsan_handle_' <<<"$syms"
}
for b in "${targets[@]}"; do
	check "asan: $(basename "$b") is instrumented (ASan and UBSan symbols)" instrumented "$b"
done

export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run_san NAME BINARY: its result lines, prefixed; a sanitizer abort fails.
run_san() {
	local name=$1 bin=$2 rc n_ok n_fail
	"$bin" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	sed -e 's/^ok - /ok - asan: /' -e 's/^not ok - /not ok - asan: /' \
		-e 's/^skip - /skip - asan: /' "$T/$name.out" | grep '^ok - \|^not ok - \|^skip - \|^#'
	n_ok=$(grep -c '^ok - ' "$T/$name.out")
	n_fail=$(grep -c '^not ok - ' "$T/$name.out")
	SST_PASS=$((SST_PASS + n_ok))
	SST_FAIL=$((SST_FAIL + n_fail))
	SST_SKIP=$((SST_SKIP + $(grep -c '^skip - ' "$T/$name.out")))
	if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$T/$name.err"; then
		not_ok "asan: $name: no sanitizer report"
		grep -A 20 'ERROR: \|runtime error:' "$T/$name.err" | head -n 40 | sed 's/^/#   /'
	elif [[ $rc -ne 0 ]]; then
		not_ok "asan: $name exits 0" "exit status $rc"
		diag_file "$name stderr" "$T/$name.err"
	else
		ok "asan: $name: no sanitizer report"
	fi
}

run_san test_unit "$SAN_O/tests/test_unit"
run_san test_alerts "$SAN_O/tests/test_alerts"
if [[ $EUID -eq 0 ]]; then
	run_san test_bpf "$SAN_O/tests/test_bpf"
	run_san test_regress "$SAN_O/tests/test_regress"
else
	skip "asan: test_bpf, test_regress" "need root (BPF_PROG_TEST_RUN); run as root or with sudo"
fi

# san_report NAME FILE: a sanitizer report in FILE fails, shown.
san_report() {
	if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$2"; then
		not_ok "asan: $1: no sanitizer report"
		grep -A 20 'ERROR: \|runtime error:' "$2" | head -n 40 | sed 's/^/#   /'
	else
		ok "asan: $1: no sanitizer report"
	fi
}

# The sipstat binary itself: a watching session with kernel events, rules,
# a hook and its exit report, ended by SIGINT; then serve the same way.
sipstat_session() {
	local sip=$SAN_O/sipstat hook=$T/hook resp=$T/603
	if ! pair_setup; then
		not_ok "asan: sipstat session: namespaces and veth pair" "ip failed"
		return
	fi
	printf '#!/bin/sh\nexit 0\n' >"$hook"
	chmod 755 "$T" "$hook"
	printf 'SIP/2.0 603 Decline\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' >"$resp"
	printf 'carrier-b %s/32\n' "$B4" >"$T/peers"
	bg_start "$NS_A" "$T/watch.out" "$T/watch.err" "$sip" -i "$IF_A" --mode skb 0.3 \
		--peers "$T/peers" --alert-exec "$hook" --alert 'class=6xx count>0 hold 0s' \
		--alert 'peer=carrier-b class=6xx rate>0.5/s'
	local pid=$SST_LAST_PID
	wait_until 20 grep -q 'counting\|attached' "$T/watch.err"
	sleep 0.5
	udp_send "$NS_B" "$A4" 5060 5 "$resp"
	wait_until 5 grep -q '^ALERT .* 603 ' "$T/watch.err"
	sleep 0.7
	stop_pid "$pid" INT 10
	if grep -q '^ALERT .* 603 Decline' "$T/watch.err" && [[ $SST_RC -eq 0 ]]; then
		ok "asan: sipstat -i with alerts and a hook ran and ended on SIGINT"
	else
		not_ok "asan: sipstat -i with alerts and a hook ran and ended on SIGINT" \
			"exit $SST_RC: $(grep -v '^ *#\|^  *0x' "$T/watch.err" | head -n 20)"
	fi
	san_report "sipstat -i (watching, alerts, hook)" "$T/watch.err"

	# serve: attached and pinned, events consumed, per-peer counts read,
	# a hook run; SIGTERM, then the pins removed.
	bg_start - "$T/serve.out" "$T/serve.err" nsenter --net="/run/netns/$NS_A" "$sip" serve \
		-i "$IF_A" --mode skb --peers "$T/peers" --alert-exec "$hook" \
		--alert 'peer=carrier-b class=6xx ratio>10% over 10s'
	pid=$SST_LAST_PID
	wait_until 20 grep -q '^sipstat: serving' "$T/serve.err"
	sleep 0.5
	udp_send "$NS_B" "$A4" 5060 3 "$resp"
	wait_until 5 grep -q '^ALERT .*ratio' "$T/serve.err"
	stop_pid "$pid" TERM 10
	nsenter --net="/run/netns/$NS_A" "$sip" detach -i "$IF_A" >/dev/null 2>&1
	if grep -q '^ALERT .*peer=carrier-b' "$T/serve.err" && [[ $SST_RC -eq 0 ]]; then
		ok "asan: sipstat serve with alerts, peers and a hook ran and ended on SIGTERM"
	else
		not_ok "asan: sipstat serve with alerts, peers and a hook ran and ended on SIGTERM" \
			"exit $SST_RC: $(grep -v '^ *#\|^  *0x' "$T/serve.err" | head -n 20)"
	fi
	san_report "sipstat serve (alerts, peers, hook)" "$T/serve.err"
}

if [[ $EUID -eq 0 ]]; then
	sipstat_session
else
	skip "asan: sipstat session" "needs root (XDP on a veth pair); run as root or with sudo"
fi

done_testing
