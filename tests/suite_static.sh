#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Static analysis, as make check runs it: clang-tidy over lib/, cli/, tests/
# and bpf/ (the XDP side with -target bpf), then cppcheck; configuration
# in .clang-tidy, bpf/.clang-tidy and tests/lint/.  Any finding fails.
# Findings in the files make check lists as pending (under active work
# elsewhere) are shown as diagnostics only.  No root needed; about 4 minutes
# on 2 cores.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd make clang-tidy cppcheck

sst_tmpdir
T=$SST_TMP
cd "$SST_ROOT" || exit 1

start=$(date +%s)
make --no-print-directory O="$O" check >"$T/check.out" 2>&1
rc=$?
secs=$(($(date +%s) - start))

findings() {
	grep -E '(warning|error|style|portability|performance):' "$1" | grep -v 'warnings generated' |
		grep -v '^make'
}

# Split make's output at the "PENDING" line: before it is the strict part.
awk '/^  PENDING /{p=1} !p' "$T/check.out" >"$T/strict.out"
awk '/^  PENDING /{p=1} p' "$T/check.out" >"$T/pending.out"

if [[ $rc -eq 0 ]]; then
	ok "static: make check (clang-tidy + cppcheck) is clean (${secs}s)"
else
	n=$(findings "$T/strict.out" | wc -l)
	not_ok "static: make check (clang-tidy + cppcheck) is clean" \
		"exit status $rc, $n finding(s):"
	findings "$T/strict.out" | head -n 40 | sed 's/^/#   /'
	tail -n 5 "$T/strict.out" | sed 's/^/#   /'
fi
check_ge "static: clang-tidy ran on the C and BPF sources" \
	"$(grep -c '^  TIDY ' "$T/check.out")" 2

if [[ -s $T/pending.out ]]; then
	n=$(findings "$T/pending.out" | wc -l)
	diag "$n finding(s) in files under active work (not fatal; see CHECK_PENDING in the Makefile):"
	findings "$T/pending.out" | head -n 40 | sed "s|^$SST_ROOT/||; s/^/  /" | diag "$(cat)"
fi

done_testing
