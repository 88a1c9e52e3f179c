#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Every output format, byte for byte, against recorded outputs in
# tests/data/golden/: a change to what a report says is a change to a
# file under review, never a side effect of moving code.
#
#   - sipstat read of every capture in tests/data and tests/data/public,
#     in each format (text, text -v, json, prometheus, openmetrics,
#     influx, csv);
#   - show (each format) and status (text, json) of counters pinned on a
#     veth inside a network namespace, after a fixed set of responses.
#
# What varies from run to run is masked before the comparison (the host
# name, clock times, program and link ids, the per-run interface name);
# sipstat read takes its times from the capture, so they stay.
#
#   GOLDEN_UPDATE=1 tests/suite_golden.sh    record the outputs anew
#
# Needs root (BPF_PROG_TEST_RUN, namespaces).  O=DIR: the build directory.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_root
need_cmd ip nsenter unshare timeout sed cmp diff

SIPSTAT=$SST_O/sipstat
GOLDEN=$SST_ROOT/tests/data/golden
UPDATE=${GOLDEN_UPDATE:-0}

if [[ ! -x $SIPSTAT ]]; then
	not_ok "sipstat binary exists" "$SIPSTAT is missing: build it with make O=$O"
	done_testing
fi
sst_tmpdir
T=$SST_TMP
mkdir -p "$GOLDEN"

# mask: what differs between two runs of the same input, made constant.
mask() {
	local host
	host=$(hostname)
	sed -E \
		-e "s/([\"=,]|^)${host//./\\.}([\",]|\$)/\1HOST\2/g" \
		-e "s/\"host\":\"[^\"]*\"/\"host\":\"HOST\"/g" \
		-e "s/host=[^,\" ]*/host=HOST/g" \
		-e "s/$IFA/IFACE/g" \
		-e "s/$NS_A/NETNS/g" \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z/TIME/g' \
		-e 's/("(prog_id|link_id|iface_prog_id|tc_prog_id|hook_prog_id|netns_inode|netns_cookie|created_unix|attached_unix|since_unix)":)[0-9]+/\1N/g' \
		-e 's/(\(inode )[0-9]+/\1N/' \
		-e 's/((prog|link|program) id )[0-9]+/\1N/g' \
		-e 's/(id=|ids? )[0-9]+(\/[0-9]+)?/\1N/g' \
		-e 's/(sipstat_attach_time_seconds\{[^}]*\} )[0-9.e+]+/\1T/' \
		-e 's/(sipstat_(created|attach)_time_seconds\{[^}]*\} )[0-9.e+]+/\1T/' \
		-e 's/ [0-9]{16,19}$/ TS/'
}

# mask_frames: the interface's own frame totals, which on a live link
# include whatever the kernel sends (neighbour discovery, ICMP errors).
mask_frames() {
	sed -E \
		-e 's/(,frames,(in|out),,,,,)[0-9]+/\1F/' \
		-e 's/(^sipstat_frames,[^ ]* total=)[0-9]+i/\1Fi/' \
		-e 's/(^sipstat_frames(_total)?\{[^}]*\} )[0-9]+/\1F/' \
		-e 's/"frames":\{"in":[0-9]+,"out":[0-9]+\}/"frames":{"in":F,"out":F}/g' \
		-e 's/"frames":\{"total":[0-9]+,/"frames":{"total":F,/g' \
		-e 's/(frames \(interface statistics\): in )[0-9]+ out [0-9]+/\1F out F/'
}

# compare NAME FILE: FILE (masked already) against its golden copy.
compare() {
	local name=$1 f=$2 g=$GOLDEN/$1
	if [[ $UPDATE == 1 ]]; then
		cp "$f" "$g"
		ok "golden: $name recorded"
		return
	fi
	if [[ ! -f $g ]]; then
		not_ok "golden: $name" "no recorded output $g (GOLDEN_UPDATE=1 records it)"
	elif cmp -s "$f" "$g"; then
		ok "golden: $name"
	else
		not_ok "golden: $name" "differs from $g:"
		diff -u "$g" "$f" | head -n 40 | sed 's/^/#   /'
	fi
}

# ---------------------------------------------------------- sipstat read

IFA=__none__
NS_A=__none__
FORMATS=(text json prometheus openmetrics influx csv)
shopt -s nullglob
for cap in "$SST_ROOT"/tests/data/*.pcap "$SST_ROOT"/tests/data/public/*.pcap \
	"$SST_ROOT"/tests/data/public/*.pcapng; do
	base=$(basename "$cap")
	rel=${cap#"$SST_ROOT"/}
	for fmt in "${FORMATS[@]}" text-v; do
		case $fmt in
		text-v) args=(-v) ;;
		*) args=(-o "$fmt") ;;
		esac
		(cd "$SST_ROOT" && timeout 60 "$SIPSTAT" read "$rel" "${args[@]}") \
			>"$T/out" 2>"$T/err"
		rc=$?
		if [[ $rc -ne 0 ]]; then
			not_ok "golden: read $base $fmt" "exit status $rc"
			diag_file stderr "$T/err"
			continue
		fi
		mask <"$T/out" >"$T/masked"
		compare "read.$base.$fmt" "$T/masked"
	done
done

# ------------------------------------------------- show and status, pinned

IFA=gd$$a
IFB=gd$$b
NS_A=$(ns_name A)
NS_B=$(ns_name B)
A4=198.18.0.1
B4=198.18.0.2

if ! ns_add A || ! ns_add B || ! veth_add "$NS_A" "$IFA" "$NS_B" "$IFB" ||
	! addr_add "$NS_A" "$IFA" "$A4/24" || ! addr_add "$NS_B" "$IFB" "$B4/24" ||
	! link_up "$NS_A" "$IFA" || ! link_up "$NS_B" "$IFB" ||
	! neigh_static "$NS_B" "$IFB" "$A4" "$(mac_of "$NS_A" "$IFA")" ||
	! neigh_static "$NS_A" "$IFA" "$B4" "$(mac_of "$NS_B" "$IFB")"; then
	not_ok "golden: namespaces and veth pair set up" "ip failed"
	done_testing
fi

sip_response() {
	printf 'SIP/2.0 %s %s\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-gd-%s\r\nFrom: <sip:alice@%s>;tag=a1\r\nTo: <sip:bob@%s>;tag=b2\r\nCall-ID: gd-%s@%s\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n' \
		"$2" "$3" "$B4" "$2" "$B4" "$A4" "$2" "$B4" "$4" >"$1"
}
sip_response "$T/200" 200 OK INVITE
sip_response "$T/486" 486 "Busy Here" INVITE
sip_response "$T/503" 503 "Service Unavailable" REGISTER
sip_response "$T/603" 603 Decline INVITE
printf 'OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-gdo\r\nCall-ID: gdo@%s\r\nCSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
	"$A4" "$B4" "$B4" >"$T/opt"

# The pinned part runs in a private mount namespace, where sipstat mounts a
# BPF filesystem of its own when none is there: nothing is left on the
# host's, whatever happens.
cat >"$T/pinned.sh" <<'EOF'
set -u
S=$1 NS_A=$2 NS_B=$3 IFA=$4 A4=$5 T=$6
in_a() { timeout 30 nsenter --net="/run/netns/$NS_A" "$@"; }
send() {
	local i
	for ((i = 0; i < $2; i++)); do
		nsenter --net="/run/netns/$NS_B" bash -c 'cat "$1" > "/dev/udp/$2/5060"' _ "$T/$1" "$A4" 2>/dev/null
	done
}
in_a "$S" attach -i "$IFA" --mode skb >/dev/null 2>"$T/attach.err" || { cat "$T/attach.err" >&2; exit 1; }
send 200 5; send 486 3; send 503 2; send 603 1; send opt 4
for i in $(seq 50); do
	[[ $(in_a "$S" show -i "$IFA" -o json 2>/dev/null | grep -o '"total":[0-9]*' | head -1) == '"total":11' ]] && break
	sleep 0.1
done
for f in text json prometheus openmetrics influx csv; do
	in_a "$S" show -i "$IFA" -o "$f" >"$T/show.$f" 2>"$T/show.$f.err"
done
in_a "$S" show -i "$IFA" -v >"$T/show.text-v" 2>"$T/show.text-v.err"
in_a "$S" status -i "$IFA" >"$T/status.text" 2>"$T/status.text.err"
in_a "$S" status -i "$IFA" -o json >"$T/status.json" 2>"$T/status.json.err"
in_a "$S" detach -i "$IFA" >/dev/null 2>&1
exit 0
EOF
if ! unshare -m --propagation private bash "$T/pinned.sh" "$SIPSTAT" "$NS_A" "$NS_B" "$IFA" \
	"$A4" "$T" 2>"$T/pinned.err"; then
	not_ok "golden: attach, traffic and show on a pinned attachment" "see below"
	diag_file stderr "$T/pinned.err"
	done_testing
fi
for f in text text-v json prometheus openmetrics influx csv; do
	mask <"$T/show.$f" | mask_frames >"$T/masked"
	compare "show.$f" "$T/masked"
done
for f in text json; do
	mask <"$T/status.$f" >"$T/masked"
	compare "status.$f" "$T/masked"
done

done_testing
