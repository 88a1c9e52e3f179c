#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# What sipstat takes from outside its own making, and what it must not let
# that do:
#
#   - peers files: a missing file, a directory, a FIFO, /dev/zero, a file
#     too large, a NUL byte, a name with terminal escapes: attach and
#     serve say what is wrong in one line (exit 1 or 2), never crash or
#     block, never echo an escape raw, and attach nothing.
#
# Needs root (attach); O=DIR picks the build directory.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip timeout mkfifo

SIPSTAT=$SST_O/sipstat
if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi
sst_tmpdir
T=$SST_TMP

if ! ns_add A || ! ns_add B || ! veth_add "$(ns_name A)" sc0 "$(ns_name B)" sc1 ||
	! link_up "$(ns_name A)" sc0 || ! link_up "$(ns_name B)" sc1; then
	not_ok "namespaces and veth pair set up" "ip failed"
	done_testing
fi
NS_A=$(ns_name A)

# ----------------------------------------------------------- peers files

mkdir "$T/dir"
mkfifo "$T/fifo"
printf 'a 198.18.0.0/16\0\n' >"$T/nul"
printf 'bad\033[31mname 198.18.0.0/16\n' >"$T/escape"
head -c 1100000 /dev/zero | tr '\0' '#' >"$T/large"
printf 'a %s\n' "$(head -c 5000 /dev/zero | tr '\0' '1')" >"$T/longline"

# peers_case NAME FILE WANT: attach and serve with --peers FILE end at once
# with one line matching WANT, exit 1 or 2, no crash, nothing attached.
peers_case() {
	local name=$1 file=$2 want=$3 cmd rc
	for cmd in attach serve; do
		timeout 10 nsenter --net="/run/netns/$NS_A" "$SIPSTAT" "$cmd" -i sc0 \
			--peers "$file" >"$T/p.out" 2>"$T/p.err"
		rc=$?
		if [[ ($rc -eq 1 || $rc -eq 2) ]] && head -n 1 "$T/p.err" | grep -q -- "$want" &&
			! grep -q $'\033' "$T/p.err"; then
			ok "peers file, $name: $cmd exits $rc: $(head -n 1 "$T/p.err")"
		else
			not_ok "peers file, $name: $cmd exits 1 or 2 with one line ($want)" \
				"exit status $rc (124: blocked, 134/139: crashed)"
			diag_file stderr "$T/p.err" 5
		fi
		if ip -n "$NS_A" link show sc0 | grep -q 'prog/xdp'; then
			not_ok "peers file, $name: $cmd attached nothing"
		fi
	done
}
peers_case "missing" "$T/none" 'cannot read the peers file .*No such file'
peers_case "a directory" "$T/dir" 'is not a regular file'
peers_case "a FIFO" "$T/fifo" 'is not a regular file'
peers_case "/dev/zero" /dev/zero 'is not a regular file'
peers_case "over 1 MiB" "$T/large" 'is larger than 1048576 bytes'
peers_case "a NUL byte" "$T/nul" 'a NUL byte'
peers_case "a line of 5000 characters" "$T/longline" 'line 1: longer than 4095 characters'
peers_case "terminal escapes in a name" "$T/escape" 'line 1: "bad\\x1b\[31mname" is not a peer name'

done_testing
