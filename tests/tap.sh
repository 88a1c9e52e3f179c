# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Result lines for the shell suites, sourced by tests/lib.sh and by suites
# that keep their own set-up: "ok - NAME", "not ok - NAME" (with "# "
# diagnostics), "skip - NAME: WHY".  tests/run.sh adds them up.  No traps,
# no side effects beyond the three counters.

SST_SUITE=${SST_SUITE:-$(basename "$0" .sh)}
SST_PASS=0
SST_FAIL=0
SST_SKIP=0

diag() {
	local l
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/# /'
	done
}

# diag_file TITLE FILE [LINES]: the end of a file (40 lines) as diagnostics,
# e.g. a program's stderr.
diag_file() {
	local title=$1 f=$2
	if [[ -s $f ]]; then
		printf '# %s:\n' "$title"
		tail -n "${3:-40}" "$f" | sed 's/^/#   /'
	else
		printf '# %s: (empty)\n' "$title"
	fi
}

ok() {
	SST_PASS=$((SST_PASS + 1))
	printf 'ok - %s\n' "$1"
}

# not_ok NAME [DIAG...]
not_ok() {
	SST_FAIL=$((SST_FAIL + 1))
	printf 'not ok - %s\n' "$1"
	shift
	[[ $# -gt 0 ]] && diag "$@"
	return 0
}

# skip NAME WHY
skip() {
	SST_SKIP=$((SST_SKIP + 1))
	printf 'skip - %s: %s\n' "$1" "$2"
}

# check NAME CMD [ARGS...]: ok when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		not_ok "$name" "command failed: $*"
	fi
}

# check_eq NAME GOT WANT
check_eq() {
	if [[ "$2" == "$3" ]]; then
		ok "$1"
	else
		not_ok "$1" "got:  $2" "want: $3"
	fi
}

# check_ge NAME GOT MIN (integers)
check_ge() {
	if [[ "$2" =~ ^[0-9]+$ ]] && (($2 >= $3)); then
		ok "$1"
	else
		not_ok "$1" "got:  $2" "want: >= $3"
	fi
}

# same_counts NAME GOT_FILE WANT_FILE: files of "code count" lines.
same_counts() {
	local d
	if d=$(diff -u "$3" "$2" 2>&1); then
		ok "$1"
	else
		not_ok "$1" "per-code counts differ (- want, + got):"
		printf '%s\n' "$d" | sed -n '3,$p' | grep '^[-+]' | sed 's/^/#   /'
	fi
}

# Exit status of the suite: 1 when anything failed.
done_testing() {
	diag "$SST_SUITE: $SST_PASS passed, $SST_FAIL failed, $SST_SKIP skipped"
	[[ $SST_FAIL -eq 0 ]] && exit 0
	exit 1
}
