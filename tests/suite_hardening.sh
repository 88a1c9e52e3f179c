#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The hardened build, checksec-style, on $O/sipstat as make built it:
# PIE, full RELRO (GNU_RELRO + BIND_NOW), stack protector, FORTIFY_SOURCE,
# no executable stack.  Then that a packager can turn our flags off
# (HARDEN_CFLAGS= HARDEN_LDFLAGS=), that FORTIFY is left out without
# optimisation (it needs -O) and when CFLAGS already sets it (make -n).
# No root needed.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd readelf nm make

BIN=$SST_O/sipstat
if [[ ! -x $BIN ]]; then
	not_ok "hardening: $BIN exists" "build it with make O=$O"
	done_testing
fi

sst_tmpdir
T=$SST_TMP
readelf -hW "$BIN" >"$T/h" 2>&1
readelf -lW "$BIN" >"$T/l" 2>&1
readelf -dW "$BIN" >"$T/d" 2>&1
nm -D "$BIN" >"$T/nm" 2>&1

check "hardening: PIE (ELF type DYN)" grep -q 'Type: *DYN' "$T/h"
check "hardening: PIE (DT_FLAGS_1 has PIE)" grep -q 'FLAGS_1.*PIE' "$T/d"
check "hardening: RELRO (GNU_RELRO segment)" grep -q 'GNU_RELRO' "$T/l"
check "hardening: full RELRO (BIND_NOW)" grep -qE '\(FLAGS\).*BIND_NOW|FLAGS_1.*NOW' "$T/d"
check "hardening: stack protector (__stack_chk_fail)" grep -q '__stack_chk_fail' "$T/nm"
check "hardening: FORTIFY_SOURCE (__*_chk functions)" grep -qE '__[a-z]+_chk(@|$)' "$T/nm"
if grep -q 'GNU_STACK' "$T/l"; then
	check "hardening: stack not executable (GNU_STACK RW)" \
		bash -c "grep GNU_STACK '$T/l' | grep -qv 'RWE'"
else
	not_ok "hardening: stack not executable (GNU_STACK RW)" "no GNU_STACK segment"
fi

# Build commands, without building: the flags come and go as documented.
cd "$SST_ROOT" || exit 1
dry() {
	make --no-print-directory -n -B O="$T/o" "$@" "$T/o/cli/main.o" "$T/o/sipstat" 2>/dev/null
}
dry >"$T/default" 
dry HARDEN_CFLAGS= HARDEN_LDFLAGS= >"$T/off"
dry CFLAGS="-O0 -g" >"$T/o0"
dry CFLAGS="-O2 -g -D_FORTIFY_SOURCE=3" >"$T/f3"

check "hardening: default build passes the flags" \
	grep -q -- '-fstack-protector-strong.*-D_FORTIFY_SOURCE=2' "$T/default"
check "hardening: default link passes -pie -z relro -z now" \
	grep -q -- '-pie -Wl,-z,relro,-z,now' "$T/default"
check "hardening: HARDEN_CFLAGS= HARDEN_LDFLAGS= drop them (packagers)" \
	bash -c "! grep -qE -- '-fstack-protector-strong|_FORTIFY_SOURCE|-z,now' '$T/off'"
check "hardening: no FORTIFY without optimisation (CFLAGS=-O0)" \
	bash -c "! grep -q -- '-D_FORTIFY_SOURCE' '$T/o0' && grep -q -- '-fstack-protector-strong' '$T/o0'"
check "hardening: CFLAGS's own _FORTIFY_SOURCE=3 is kept, ours not added" \
	bash -c "! grep -q -- '-D_FORTIFY_SOURCE=2' '$T/f3' && grep -q -- '-D_FORTIFY_SOURCE=3' '$T/f3'"

done_testing
