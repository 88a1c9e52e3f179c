#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The differential fuzzer of the XDP program, bounded: $O/fuzz/fuzz_xdp
# for SIPSTAT_FUZZ_SECONDS (default 30: it runs in make test, on CI's 2
# cores) from the seeds of $O/fuzz/gen_corpus and the regression frames of
# $O/tests/test_regress (and $O/fuzz/corpus when make fuzz left one), with
# SIP over TCP and every tunnel on and off by input: no crash, no
# mismatch beyond the reported differences (SIPSTAT_FUZZ_STRICT=1 counts
# those too; see tests/fuzz/ref_decoder.h REF_KNOWN_*), and
# at least SIPSTAT_FUZZ_MIN_EXECS frames compared.  The frames it found
# disagreements on are $O/tests/test_regress (run by tests/run.sh).
# A failure copies the crash-*/mismatch-* files to $O/fuzz/ and prints the
# mismatch (frame bytes, decoder vs program); replay one with
#   $O/fuzz/fuzz_xdp $O/fuzz/crash-...
# Needs root (BPF_PROG_TEST_RUN).  make fuzz runs longer (FUZZ_SECONDS).
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

if [[ $EUID -ne 0 ]]; then
	skip "$SST_SUITE" "needs root (BPF_PROG_TEST_RUN of the XDP program); run as root or with sudo"
	exit 0
fi
need_cmd make clang

FUZZ=$SST_O/fuzz/fuzz_xdp
GEN=$SST_O/fuzz/gen_corpus
SECONDS_BUDGET=${SIPSTAT_FUZZ_SECONDS:-30}
MIN_EXECS=${SIPSTAT_FUZZ_MIN_EXECS:-10000}

sst_tmpdir
T=$SST_TMP

# Built here (clang -fsanitize=fuzzer needs libclang-rt-14-dev): a build
# failure is this suite's failure, not make test's.
if make -C "$SST_ROOT" --no-print-directory O="$O" "$O/fuzz/fuzz_xdp" "$O/fuzz/gen_corpus" \
	"$O/tests/test_regress" >"$T/build.log" 2>&1; then
	ok "fuzz: fuzz_xdp and gen_corpus built (clang -fsanitize=fuzzer,address,undefined)"
else
	not_ok "fuzz: fuzz_xdp and gen_corpus built" \
		"make O=$O $FUZZ failed (clang with libclang-rt-14-dev installed?):"
	tail -n 15 "$T/build.log" | sed 's/^/#   /'
	done_testing
fi

# ------------------------------------------------------------ bounded run

mkdir -p "$T/seeds" "$T/corpus" "$T/artifacts"
nseeds=$("$GEN" "$T/seeds") || nseeds=0
check_ge "fuzz: seed corpus generated from tests/frames.c" "$nseeds" 100
# The regression frames are seeds too: their neighbours are where bugs were.
nregress=$("$SST_O/tests/test_regress" --write "$T/seeds") || nregress=0
check_ge "fuzz: regression frames added to the seeds" "$nregress" 10

dirs=("$T/corpus" "$T/seeds")
[[ -d $SST_O/fuzz/corpus ]] && dirs+=("$SST_O/fuzz/corpus")

cd "$SST_ROOT" || exit 1
diag "fuzz_xdp for ${SECONDS_BUDGET}s from $nseeds seeds, $nregress regression frames${dirs[2]:+ and $SST_O/fuzz/corpus}"
timeout -k 10 $((SECONDS_BUDGET + 120)) "$FUZZ" -max_total_time="$SECONDS_BUDGET" \
	-max_len=1600 -dict=tests/fuzz/sip.dict -use_value_profile=1 \
	-artifact_prefix="$T/artifacts/" -print_final_stats=1 "${dirs[@]}" \
	>"$T/fuzz.out" 2>"$T/fuzz.err"
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/fuzz.err" | tail -n 1)
rate=$(sed -n 's/.*DONE .*exec\/s: \([0-9]*\).*/\1/p' "$T/fuzz.err" | tail -n 1)
arts=$(find "$T/artifacts" -type f | wc -l)

if [[ $rc -eq 0 && $arts -eq 0 ]]; then
	ok "fuzz: fuzz_xdp ${SECONDS_BUDGET}s, ${execs:-?} frames (${rate:-?}/s): no crash, no mismatch"
else
	mkdir -p "$SST_O/fuzz"
	cp "$T"/artifacts/* "$SST_O/fuzz/" 2>/dev/null
	not_ok "fuzz: fuzz_xdp ${SECONDS_BUDGET}s: no crash, no mismatch" \
		"exit status $rc; $arts artifact(s) copied to $SST_O/fuzz/"
	grep -A 14 'MISMATCH\|ERROR: \|fuzz_xdp: ' "$T/fuzz.err" | head -n 40 | sed 's/^/#   /'
fi
check_ge "fuzz: at least $MIN_EXECS frames compared" "${execs:-0}" "$MIN_EXECS"

done_testing
