#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Run every test suite, one after the other, and end with exactly one line
#   N passed, N failed, N skipped
# Exit status 0 only when nothing failed.
#
# Suites: $O/tests/test_unit, $O/tests/test_bpf (root), then every
# tests/suite_*.sh in name order.  Each prints TAP-like lines on stdout:
#   ok - NAME | not ok - NAME | skip - NAME: WHY      ("#" lines: diagnostics)
# A suite that exits non-zero without any "not ok" line (a crash, a
# timeout), or that reports no result at all, counts as one failure.
# With CI=true every skip counts as a failure: CI must run everything.
#
#   O=build tests/run.sh [SUITE...]      SUITE: e.g. test_unit, suite_netns_veth
#   SIPSTAT_TEST_TIMEOUT=1200            seconds per suite
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
export O=${O:-build}
case $O in
/*) odir=$O ;;
*) odir=$PWD/$O ;;
esac
timeout_s=${SIPSTAT_TEST_TIMEOUT:-1200}

ci=0
case ${CI:-} in
true | 1 | yes) ci=1 ;;
esac

passed=0
failed=0
skipped=0
failures=()
log=$(mktemp "${TMPDIR:-/tmp}/sipstat-run-XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT
interrupted=0
suite_pid=
# Ctrl-C or a TERM: the running suite gets SIGTERM through timeout (a
# background job cannot trap SIGINT), cleans up, and nothing else runs.
# shellcheck disable=SC2317
on_signal() {
	interrupted=1
	[[ -n $suite_pid ]] && kill -TERM "$suite_pid" 2>/dev/null
	return 0
}
trap on_signal INT TERM

selected() {
	local a
	[[ ${#filters[@]} -eq 0 ]] && return 0
	for a in "${filters[@]}"; do
		[[ $1 == "$a" || $1 == "${a%.sh}" ]] && return 0
	done
	return 1
}
filters=("$@")

fail_suite() {
	failed=$((failed + 1))
	failures+=("$1")
	printf 'not ok - %s\n' "$1"
}

skip_line() {
	# skip_line NAME_AND_WHY
	if [[ $ci -eq 1 ]]; then
		printf '# CI=true: a skip counts as a failure: %s\n' "$1"
		failed=$((failed + 1))
		failures+=("$1 (skipped under CI)")
	else
		skipped=$((skipped + 1))
	fi
}

# run_suite NAME CMD [ARGS...]
run_suite() {
	local name=$1 rc line nres=0 nfail=0
	shift
	printf '# ==== %s\n' "$name"
	# timeout runs the suite in a process group of its own: on a timeout
	# the whole group gets SIGTERM (the suite's trap cleans up), then
	# SIGKILL 15 s later; on_signal relays Ctrl-C the same way.  The
	# output goes to the log, and tail shows it as it comes (tail ignores
	# SIGINT so nothing of the cleanup is lost).
	: >"$log"
	timeout -k 15 "$timeout_s" "$@" </dev/null >"$log" &
	suite_pid=$!
	(trap '' INT; exec tail -s 0.1 -n +1 -f --pid="$suite_pid" "$log") &
	tail_pid=$!
	while :; do
		wait "$suite_pid"
		rc=$?
		# A signal cuts wait short (on_signal ran): wait again.
		kill -0 "$suite_pid" 2>/dev/null || break
	done
	suite_pid=
	wait "$tail_pid"
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		case $line in
		"ok - "*)
			passed=$((passed + 1))
			nres=$((nres + 1))
			;;
		"not ok - "*)
			failed=$((failed + 1))
			failures+=("${line#not ok - }")
			nfail=$((nfail + 1))
			nres=$((nres + 1))
			;;
		"skip - "*)
			skip_line "${line#skip - }"
			nres=$((nres + 1))
			;;
		esac
	done <"$log"
	if [[ $rc -eq 124 || $rc -eq 137 ]]; then
		printf '# %s: timed out after %ss\n' "$name" "$timeout_s"
	fi
	if [[ $rc -ne 0 && $nfail -eq 0 ]]; then
		fail_suite "$name: exited with status $rc"
	elif [[ $rc -eq 0 && $nres -eq 0 ]]; then
		fail_suite "$name: reported no result"
	fi
	if [[ $interrupted -eq 1 ]]; then
		printf '# interrupted: the remaining suites do not run\n'
		finish
	fi
}

finish() {
	if [[ ${#failures[@]} -gt 0 ]]; then
		printf '# failed:\n'
		printf '#   %s\n' "${failures[@]}"
	fi
	printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
	[[ $failed -eq 0 && $interrupted -eq 0 ]] && exit 0
	exit 1
}

# run_bin NAME PATH [root]: a test program from the build directory.
run_bin() {
	local name=$1 path=$2 needs=${3:-}
	selected "$name" || return 0
	if [[ ! -x $path ]]; then
		printf '# ==== %s\n' "$name"
		fail_suite "$name: $path not found (make O=$O $O/tests/$name)"
		return
	fi
	if [[ $needs == root && $EUID -ne 0 ]]; then
		printf '# ==== %s\n' "$name"
		printf 'skip - %s: needs root (BPF_PROG_TEST_RUN); run as root or with sudo\n' "$name"
		skip_line "$name: needs root"
		return
	fi
	run_suite "$name" "$path"
}

run_bin test_unit "$odir/tests/test_unit"
run_bin test_view "$odir/tests/test_view"
run_bin test_alerts "$odir/tests/test_alerts"
run_bin test_web "$odir/tests/test_web"
run_bin test_bpf "$odir/tests/test_bpf" root
run_bin test_regress "$odir/tests/test_regress" root

shopt -s nullglob
for s in tests/suite_*.sh; do
	name=$(basename "$s" .sh)
	selected "$name" || continue
	if [[ -x $s ]]; then
		run_suite "$name" "$s"
	else
		printf '# %s is not executable: running it with bash\n' "$s"
		run_suite "$name" bash "$s"
	fi
done

finish
