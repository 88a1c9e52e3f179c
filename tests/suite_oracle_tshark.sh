#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A second oracle for the XDP program, independent of the reference
# decoder: Wireshark's SIP dissector.  $O/fuzz/oracle_tshark takes the
# fuzzer's seeds, the regression frames ($O/tests/test_regress --write), a
# sample of $O/fuzz/corpus when make fuzz left one, and random mutations of
# them; runs every frame through the program (BPF_PROG_TEST_RUN) and
# through tshark with UDP port 5060 decoded as SIP; and compares frame by
# frame the status codes and request methods both see.  The differences
# that are choices (bounded depth, codes 100-699 only, requests judged on
# their first bytes, UDP only, ...) are listed with their reasons in
# tests/fuzz/oracle_tshark.c; any other fails and prints the frame.
#
#   SIPSTAT_ORACLE_MUTATIONS=6000   mutations besides the inputs
#   SIPSTAT_ORACLE_SEED=1           seed of the mutations (fixed: repeatable)
#   SIPSTAT_ORACLE_CORPUS=3000      files sampled from $O/fuzz/corpus
#
# Needs root (BPF_PROG_TEST_RUN) and tshark.  Runs in a few seconds.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

if [[ $EUID -ne 0 ]]; then
	skip "$SST_SUITE" "needs root (BPF_PROG_TEST_RUN of the XDP program); run as root or with sudo"
	exit 0
fi
need_cmd make tshark

MUTATIONS=${SIPSTAT_ORACLE_MUTATIONS:-6000}
SEED=${SIPSTAT_ORACLE_SEED:-1}
CORPUS_SAMPLE=${SIPSTAT_ORACLE_CORPUS:-3000}

sst_tmpdir
T=$SST_TMP

if make -C "$SST_ROOT" --no-print-directory O="$O" "$O/fuzz/oracle_tshark" \
	"$O/fuzz/gen_corpus" "$O/tests/test_regress" >"$T/build.log" 2>&1; then
	ok "oracle: oracle_tshark, gen_corpus and test_regress built"
else
	not_ok "oracle: oracle_tshark, gen_corpus and test_regress built" \
		"make O=$O $O/fuzz/oracle_tshark failed:"
	tail -n 15 "$T/build.log" | sed 's/^/#   /'
	done_testing
fi

mkdir -p "$T/seeds" "$T/regress" "$T/corpus"
nseeds=$("$SST_O/fuzz/gen_corpus" "$T/seeds") || nseeds=0
nregress=$("$SST_O/tests/test_regress" --write "$T/regress") || nregress=0
check_ge "oracle: seed inputs from tests/frames.c" "$nseeds" 100
check_ge "oracle: regression frames from test_regress" "$nregress" 10
dirs=("$T/seeds" "$T/regress")
if [[ -d $SST_O/fuzz/corpus ]]; then
	find "$SST_O/fuzz/corpus" -maxdepth 1 -type f | shuf -n "$CORPUS_SAMPLE" --random-source=<(yes) |
		while read -r f; do cp "$f" "$T/corpus/"; done
	dirs+=("$T/corpus")
fi
diag "inputs: $nseeds seeds, $nregress regression frames, $(find "$T/corpus" -type f | wc -l) from the fuzz corpus; $MUTATIONS mutations, seed $SEED"

start=$SECONDS
timeout -k 10 300 "$SST_O/fuzz/oracle_tshark" -n "$MUTATIONS" -s "$SEED" "${dirs[@]}" \
	>"$T/oracle.out" 2>"$T/oracle.err"
rc=$?
diag "oracle_tshark took $((SECONDS - start))s (exit status $rc)"

# Its summary and documented differences as diagnostics, its results as ours.
grep '^# documented difference\|^# [0-9]* frames' "$T/oracle.out" | sed 's/^# /oracle: /' |
	while read -r l; do diag "$l"; done
nres=0
while read -r l; do
	case $l in
	"ok - "*) ok "${l#ok - }"; nres=$((nres + 1)) ;;
	"not ok - "*) not_ok "${l#not ok - }"; nres=$((nres + 1)) ;;
	esac
done < <(grep '^ok - \|^not ok - ' "$T/oracle.out")
if [[ $nres -eq 0 || ( $rc -ne 0 && ! -s $T/oracle.out ) ]]; then
	not_ok "oracle: oracle_tshark ran to its results" "exit status $rc"
	diag_file "oracle_tshark stderr" "$T/oracle.err" 20
elif grep -q '^not ok' "$T/oracle.out"; then
	grep -v '^# documented difference\|^ok \|^not ok ' "$T/oracle.out" | head -n 120
fi

done_testing
