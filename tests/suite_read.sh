#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# sipstat read FILE: a capture counted offline by the same XDP program
# (BPF_PROG_TEST_RUN), checked against
#   - the generator: the committed captures of tests/data are what
#     tests/data/gen_captures writes, byte for byte
#   - tshark, file by file: responses by status code and CSeq method,
#     requests, on tunnels of every kind the parser knows, SIP over TCP,
#     IP fragments, VLAN tags, Linux cooked (SLL, SLL2) and raw IP link
#     types, pcapng (editcap), and the real capture sip-mix.pcap
#   - tshark again on the public captures of tests/data/public, traffic of
#     real networks published by other projects (GTP-U, GRE, IP in IP, TCP,
#     IPv6 fragments, a fuzzed file), each difference by design stated
#     with its frame and reason
#   - the live count: the same pcap replayed into a veth in a namespace
#     (tcpreplay) and counted by sipstat attach / sipstat show; two public
#     captures too, their addresses first rewritten into the test ranges
#     (tcprewrite --pnat)
#   - damaged files: cut short, bad magic, a huge snap length, bad record
#     lengths: the error names the file and the frame, the counts of the
#     frames before it are printed, exit 1
#   - without the BPF rights (setpriv, every capability dropped): one line
#     that says so and what to do, exit 1; usage errors exit 2
#
# Output: "ok - NAME", "not ok - NAME", "skip - NAME: WHY", "# ..." lines.
# Needs root, tshark, editcap, tcpreplay, tcprewrite, jq, setpriv.  O=DIR: build dir.
set -u

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/topology.sh
. "$SST_ROOT/scripts/topology.sh"	# topo_quiet_ns

need_root
need_cmd tshark editcap tcpreplay tcprewrite jq setpriv nsenter python3
SIPSTAT=$SST_O/sipstat
GEN=$SST_O/tests/gen_captures
DATA=$SST_ROOT/tests/data
for f in "$SIPSTAT" "$GEN"; do
	if [[ ! -x $f ]]; then
		not_ok "$SST_SUITE: $f built" "run: make O=$O all $O/tests/gen_captures"
		done_testing
	fi
done
sst_tmpdir
T=$SST_TMP
IFR=rd$$r	# the interface sipstat attaches to, in namespace NS
NS=""		# its pins: lib.sh's trap removes them with the namespace
PIN_R=""

# ------------------------------------------------------------ helpers

# prom_codes FILE.prom: "code method count" lines of a Prometheus exposition.
prom_codes() {
	awk '/^sipstat_responses_total\{/ {
		m = $0; sub(/.*method="/, "", m); sub(/".*/, "", m)
		c = $0; sub(/.*code="/, "", c); sub(/".*/, "", c)
		print c, m, $NF }' "$1" | sort
}

# prom_requests FILE.prom: "method count" lines.
prom_requests() {
	awk '/^sipstat_requests_total\{/ {
		m = $0; sub(/.*method="/, "", m); sub(/".*/, "", m)
		print m, $NF }' "$1" | sort
}

# tshark_codes CAPTURE [TSHARK_ARGS...]: "code method count" as tshark
# dissects the file (TCP reassembled, tunnels and fragments decoded as it
# does by default; TSHARK_ARGS such as -d tcp.port==6060,sip).  A frame with
# several SIP messages lists each, comma-separated.  A response whose CSeq
# tshark cannot read has no method there: sipstat calls that "unknown".
tshark_codes() {
	local f=$1
	shift
	tshark -n -r "$f" "$@" -Y sip.Status-Code -T fields -e sip.Status-Code \
		-e sip.CSeq.method 2>/dev/null | awk -F'\t' '{
			n = split($1, c, ","); split($2, m, ",")
			for (i = 1; i <= n; i++) print c[i], (m[i] == "" ? "unknown" : m[i]) }' |
		sort | uniq -c | awk '{ print $2, $3, $1 }' | sort
}

tshark_requests() {
	local f=$1
	shift
	tshark -n -r "$f" "$@" -Y sip.Request-Line -T fields -e sip.Method 2>/dev/null |
		tr ',' '\n' | sort | uniq -c | awk '{ print $2, $1 }' | sort
}

# read_prom NAME CAPTURE [ARGS...]: sipstat read -o prometheus into $T/NAME.prom.
read_prom() {
	local name=$1 f=$2
	shift 2
	"$SIPSTAT" read "$f" -o prometheus "$@" >"$T/$name.prom" 2>"$T/$name.err"
}

# Record offsets of the classic pcap format: 24-byte header, 16 per record.
record_off() {	# FILE N: byte offset of record N (1-based)
	local f=$1 n=$2 off=24 i incl
	for ((i = 1; i < n; i++)); do
		incl=$(od -An -tu4 -j $((off + 8)) -N4 "$f" | tr -d ' ')
		off=$((off + 16 + incl))
	done
	echo "$off"
}
# put_u32 FILE OFFSET VALUE: little-endian, in place.
put_u32() {
	local b
	b=$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($3 & 255)) $((($3 >> 8) & 255)) \
		$((($3 >> 16) & 255)) $((($3 >> 24) & 255)))
	printf '%b' "$b" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# ------------------------------------------------------------ the generator

mkdir -p "$T/gen"
if "$GEN" "$T/gen" 2>"$T/gen.err"; then
	bad=""
	for f in "$T"/gen/*.pcap; do
		cmp -s "$f" "$DATA/$(basename "$f")" || bad+=" $(basename "$f")"
	done
	check_eq "$SST_SUITE: tests/data captures are what gen_captures writes" "${bad:- none differ}" \
		" none differ"
else
	not_ok "$SST_SUITE: gen_captures runs" "$(cat "$T/gen.err")"
fi

# ------------------------------------------------------------ against tshark

editcap -F pcapng "$DATA/tunnels.pcap" "$T/tunnels.pcapng" 2>/dev/null
editcap -F pcapng "$DATA/sip-mix.pcap" "$T/sip-mix.pcapng" 2>/dev/null
CAPTURES=(tunnels.pcap sip-tcp.pcap ip-frags.pcap vlan.pcap link-sll.pcap link-sll2.pcap
	link-raw.pcap jumbo.pcap sip-mix.pcap "$T/tunnels.pcapng" "$T/sip-mix.pcapng")
for c in "${CAPTURES[@]}"; do
	f=$c
	[[ $f == /* ]] || f=$DATA/$c
	n=$(basename "$f")
	if ! read_prom "$n" "$f"; then
		not_ok "$n: sipstat read exits 0" "$(cat "$T/$n.err")"
		continue
	fi
	prom_codes "$T/$n.prom" >"$T/$n.got"
	tshark_codes "$f" >"$T/$n.want"
	if [[ ! -s $T/$n.want ]]; then
		not_ok "$n: tshark finds responses in it"
		continue
	fi
	same_counts "$n: responses by code and method == tshark ($(awk '{ s += $3 } END { print s }' "$T/$n.want") responses)" \
		"$T/$n.got" "$T/$n.want"
	prom_requests "$T/$n.prom" | awk '$2 > 0' >"$T/$n.rgot"
	tshark_requests "$f" >"$T/$n.rwant"
	same_counts "$n: requests by method == tshark" "$T/$n.rgot" "$T/$n.rwant"
	frames=$(awk '/^sipstat_frames_total\{.*direction="in"/ { print $NF }' "$T/$n.prom")
	check_eq "$n: frames == frames in the file" "$frames" \
		"$(tshark -n -r "$f" 2>/dev/null | wc -l)"
done

# Link types: the same traffic under each gives the same counts.
"$SIPSTAT" read "$DATA/link-sll.pcap" -o json >"$T/sll.json" 2>/dev/null
"$SIPSTAT" read "$DATA/link-raw.pcap" -o json >"$T/raw.json" 2>/dev/null
"$SIPSTAT" read "$DATA/link-sll2.pcap" -o json >"$T/sll2.json" 2>/dev/null
check_eq "link types: SLL, SLL2 and raw IP count alike (codes, requests, parser)" \
	"$(jq -c '[.codes, .requests, .parser]' "$T/sll2.json" "$T/raw.json" | sort -u | wc -l)" \
	"$(jq -c '[.codes, .requests, .parser]' "$T/sll.json" | wc -l)"
check_eq "ip-frags.pcap: later fragments counted as fragments, never parsed" \
	"$(jq -c '.parser | [.responses, .fragments]' < <("$SIPSTAT" read "$DATA/ip-frags.pcap" -o json 2>/dev/null))" \
	"[6,6]"
check_eq "jumbo.pcap: frames longer than a test run takes: counted, and said how many" \
	"$(grep -c "jumbo.pcap: 2 frames longer than [0-9]* bytes were counted from their first" \
		"$T/jumbo.pcap.err")" 1
check_eq "pcapng: same counts as the pcap it was made from" \
	"$(prom_codes "$T/tunnels.pcapng.prom" | md5sum)" "$(prom_codes "$T/tunnels.pcap.prom" | md5sum)"

# ------------------------------------------------------------ public captures

# Captures made by other projects (tests/data/README.md: where each comes
# from, its licence, what it holds), read as a user would (-p where SIP is
# on other ports; tshark told the same with -d where its heuristics miss
# it) and compared with tshark.  Where sipstat differs by design (README,
# "sipstat read"), the difference is stated below, row by row, as what
# sipstat counts less what tshark counts, with the frame and the reason;
# any other difference, or a stated one that does not occur, fails.
PUB=$DATA/public

# add_rows COUNTS DIFFS: the rows "KEY... count" of COUNTS with the rows
# "KEY... delta" of DIFFS added; rows that come to 0 left out.
add_rows() {
	awk 'FILENAME == ARGV[1] { k = $1; for (i = 2; i < NF; i++) k = k " " $i; d[k] += $NF; next }
		{ k = $1; for (i = 2; i < NF; i++) k = k " " $i; c[k] += $NF }
		END { for (k in d) c[k] += d[k]; for (k in c) if (c[k] != 0) print k, c[k] }' \
		"$2" "$1" | sort
}

stated() {	# N: the words a test name gets for N stated rows
	[[ $1 -eq 1 ]] && printf ', but for 1 stated row'
	[[ $1 -gt 1 ]] && printf ', but for %s stated rows' "$1"
	return 0
}

# public FILE 'SIPSTAT_ARGS' 'TSHARK_ARGS' PARSER_FIELDS PARSER_WANT, and
# the stated differences on standard input, one a line:
#   response CODE METHOD DELTA  frame N: why
#   request METHOD DELTA        frame N: why
# PARSER_FIELDS: parser outcomes (under .parser of -o json) that show the
# encapsulation, the fragments or the TCP segments, PARSER_WANT their
# values as a JSON array; "" for none.
public() {
	local n=$1 fields=$4 pwant=$5 f=$PUB/$1 sargs tsargs nr nq fails=$SST_FAIL
	read -r -a sargs <<<"$2"
	read -r -a tsargs <<<"$3"
	grep -v '^[[:space:]]*$' >"$T/pub-$n.stated"
	awk '$1 == "response" { print $2, $3, $4 }' "$T/pub-$n.stated" >"$T/pub-$n.rdiff"
	awk '$1 == "request" { print $2, $3 }' "$T/pub-$n.stated" >"$T/pub-$n.qdiff"
	nr=$(grep -c '^response' "$T/pub-$n.stated")
	nq=$(grep -c '^request' "$T/pub-$n.stated")
	if ! read_prom "pub-$n" "$f" "${sargs[@]}"; then
		not_ok "public/$n: sipstat read ${sargs[*]} exits 0" "$(cat "$T/pub-$n.err")"
		return
	fi
	tshark_codes "$f" "${tsargs[@]}" >"$T/pub-$n.tshark"
	if [[ ! -s $T/pub-$n.tshark ]]; then
		not_ok "public/$n: tshark finds responses in it"
		return
	fi
	prom_codes "$T/pub-$n.prom" >"$T/pub-$n.got"
	add_rows "$T/pub-$n.tshark" "$T/pub-$n.rdiff" >"$T/pub-$n.want"
	same_counts "public/$n${2:+ $2}: responses by code and method == tshark's ($(awk '{ s += $3 } END { print s }' "$T/pub-$n.tshark"))$(stated "$nr")" \
		"$T/pub-$n.got" "$T/pub-$n.want"
	prom_requests "$T/pub-$n.prom" | awk '$2 > 0' >"$T/pub-$n.rgot"
	tshark_requests "$f" "${tsargs[@]}" >"$T/pub-$n.rtshark"
	add_rows "$T/pub-$n.rtshark" "$T/pub-$n.qdiff" >"$T/pub-$n.rwant"
	same_counts "public/$n: requests by method == tshark's ($(awk '{ s += $2 } END { print s + 0 }' "$T/pub-$n.rtshark"))$(stated "$nq")" \
		"$T/pub-$n.rgot" "$T/pub-$n.rwant"
	[[ $SST_FAIL -gt $fails ]] && diag_file "public/$n: the stated differences" "$T/pub-$n.stated"
	check_eq "public/$n: frames == frames in the file" \
		"$(awk '/^sipstat_frames_total\{.*direction="in"/ { print $NF }' "$T/pub-$n.prom")" \
		"$(tshark -n -r "$f" 2>/dev/null | wc -l)"
	if [[ -n $fields ]]; then
		"$SIPSTAT" read "$f" -o json "${sargs[@]}" >"$T/pub-$n.json" 2>/dev/null
		check_eq "public/$n: parser outcomes [$fields]" \
			"$(jq -c ".parser | [$fields]" "$T/pub-$n.json")" "$pwant"
	fi
}

# SIP over UDP, IPv4: a REGISTER and INVITE session of a softphone with a provider.
public ndpi-sip.pcap '' '' '' '' </dev/null
# SIP over UDP, IPv6.
public heplify-ipv6-udp.pcap '' '' '' '' </dev/null
# Raw IP link type, in pcapng.
public wireshark-sip-raw.pcapng '' '' '' '' </dev/null
# Responses over UDP, one over TCP on port 5054; a header whose snap length is 16 MiB.
public pcapplusplus-sip-resp.pcap '-p 5060,5054' '' '.tcp_segments, .responses' '[1,7]' </dev/null
# SIP over TCP, each message in one segment.
public heplify-tcp.pcap '' '' '.tcp_segments, .requests, .responses' '[7,3,4]' </dev/null
# SIP over TCP on port 6060, messages split over segments; tshark reassembles them.
public heplify-tcp-segmented.pcap '-p 6060' '-d tcp.port==6060,sip' \
	'.tcp_segments, .requests, .responses' '[928,183,223]' <<'EOF'
response 180 INVITE -1   frame 777: its status line starts frame 774, which ends inside the CSeq: "CSeq: 125660956 INV"; a method name cut there is an extension name
response 180 other +1    frame 774: the same response, as sipstat counts it
response 182 INVITE -2   frames 246, 311: their status lines start frames 243 and 307, which end before the CSeq method ("CSeq: 125660935 ", "CSeq: 125660936")
response 182 unknown +2  frames 243, 307: the same responses, as sipstat counts them
EOF
# SIP over TCP and UDP, Linux cooked link type, a TCP retransmission.
public heplify-tcp-retrans.pcap '' '' '.tcp_segments' '[5]' <<'EOF'
response 200 REGISTER +1 frame 38: a retransmission of frame 36; tshark does not hand a retransmitted segment to SIP again, sipstat counts every copy on the wire
EOF
# IPv6 fragments (the first holds the UDP header and the request line), Linux cooked, port 5062.
public sngrep-ipv6-frag.pcap '-p 5062' '' '.fragments, .requests, .responses' '[2,14,18]' </dev/null
# SIP over TCP (port 5090) inside IP in IP: the responses tunnelled, the requests not.
public sngrep-ipip-tcp.pcap '-p 5090' '' '.tcp_segments, .encap_ipip' '[4,2]' </dev/null
# SIP (ports 5060 and 5260) in Ethernet over GRE with a key, as a mirror port sends it.
public heplify-gre-eth.pcapng '-p 5060,5260' '' '.encap_gre, .requests, .responses' '[140,67,73]' </dev/null
# VoLTE from a phone: SIP over TCP and UDP, IPv6 inside GTP-U, Linux cooked.
public arkime-gtp-volte.pcap '' '' '.encap_gtpu, .tcp_segments, .requests, .responses' \
	'[21,17,8,9]' </dev/null
# An 802.1Q tag, then GRE carrying PPP (as PPTP does): sipstat does not look into it.
public ndpi-vlan-gre-ppp.pcapng '' '' '.udp_sip, .encap_gre' '[0,0]' <<'EOF'
response 100 INVITE -1   frame 1: GRE carrying PPP (protocol 0x880b) is not followed; GRE with IP or Ethernet inside is
EOF
# A capture damaged on purpose (bytes overwritten at random), from Wireshark's fuzz testing.
public ndpi-sip-fuzzed.pcap '' '' '' '' <<'EOF'
response 401 REGISTER +1 frame 108: a NUL byte in the reason phrase; tshark refuses a first line with a NUL, sipstat reads the status line's first 12 bytes
response 403 INVITE +1   frame 348: the same
response 401 s -1        frame 155: "CSeq:%s<NUL> REGISTER": tshark reads the method "s"
response 401 unknown +1  frame 155: sipstat wants digits after "CSeq:": unknown
response 407 INVITE -1   frame 550: "CSeq: <0x11> INVITE": tshark skips the control byte
response 407 unknown +1  frame 550: sipstat wants digits for the number: unknown
request REGIStER -1      frame 107: "REGIStER pip:...": not a method (methods are case-sensitive), and "pip:" is no URI scheme an extension request starts with: sipstat counts other
request ACK -1           frame 253: UDP 4901 to 29440, found by tshark's heuristics on ports sipstat does not watch
request REGISTER +1      frame 154: its UDP length (9587) runs past the IP packet: tshark refuses the datagram, sipstat reads the payload to the end of the IP packet
request INVITE +1        frame 223: "SIP/a.0" ends the request line: tshark refuses it, sipstat judges a request on its first bytes
request CANCEL +2        frames 255, 265: request lines overwritten after "CANCEL ": the same
request INVITE +1        frame 346: a NUL byte in the request line: tshark refuses it
request REGISTER +1      frame 441: the same
request REGISTER +1      frame 558: "SI<0x10>/2.0" ends the request line: the same as frame 223
EOF

# --port: the set counted changes with it, as attached.
read_prom port5070 "$DATA/sip-mix.pcap" --port 5070
check_eq "--port 5070: nothing of sip-mix.pcap (all on 5060)" \
	"$(prom_codes "$T/port5070.prom" | wc -l)" 0
read_prom portboth "$DATA/sip-mix.pcap" -p 5060 -p 5070
same_counts "--port 5060 --port 5070: all of sip-mix.pcap" "$(prom_codes "$T/portboth.prom" >"$T/pb.got"; echo "$T/pb.got")" \
	"$T/sip-mix.pcap.want"

# Every output format, one report.
"$SIPSTAT" read "$DATA/sip-mix.pcap" >"$T/text.out" 2>"$T/text.err"
check "text report: responses 110 total" grep -q "responses 110 total" "$T/text.out"
"$SIPSTAT" read "$DATA/sip-mix.pcap" -o json >"$T/mix.json" 2>/dev/null
check_eq "json: type read, 110 responses, 191 frames in, the file as interface" \
	"$(jq -c '[.type, .responses.total, .frames.in, .interfaces[0]]' "$T/mix.json")" \
	"[\"read\",110,191,\"$DATA/sip-mix.pcap\"]"
for fmt in openmetrics influx csv; do
	"$SIPSTAT" read "$DATA/sip-mix.pcap" -o "$fmt" >"$T/mix.$fmt" 2>"$T/mix.$fmt.err"
	rc=$?
	check_eq "-o $fmt: exit 0, output" "$rc $([[ -s $T/mix.$fmt ]] && echo yes)" "0 yes"
done

# Standard input, and a stop by SIGINT half-way: the counts so far, exit 1.
"$SIPSTAT" read - -o json <"$DATA/tunnels.pcap" >"$T/stdin.json" 2>/dev/null
check_eq "read - (standard input): the counts of the file" \
	"$(jq -c '[.responses.total, .frames.in]' "$T/stdin.json")" \
	"[$(awk '{ s += $3 } END { print s }' "$T/tunnels.pcap.want"),68]"
mkfifo "$T/fifo"
"$SIPSTAT" read "$T/fifo" -o json >"$T/int.json" 2>"$T/int.err" &
pid=$!
SST_PIDS+=("$pid")
{
	head -c "$(record_off "$DATA/tunnels.pcap" 25)" "$DATA/tunnels.pcap"
	sleep 3
	kill -INT "$pid"
	sleep 1
} >"$T/fifo"
wait "$pid"
rc=$?
sst_forget_pid "$pid"
check_eq "SIGINT while reading: exit 1, the counts of the 24 frames read" \
	"$rc $(jq -c '.frames.in' "$T/int.json") $(grep -c 'stopped by SIGINT after frame 24; the counts of the 24 frames read follow' "$T/int.err")" \
	"1 24 1"

# ------------------------------------------------------------ damaged files

# damaged NAME FILE FRAME_ERR COUNTED PATTERN: exit 1, message naming the
# file and frame FRAME_ERR matching PATTERN, the counts of the frames
# before it on stdout (responses == COUNTED, frames == FRAME_ERR - 1).
damaged() {
	local name=$1 f=$2 at=$3 want=$4 pat=$5 rc got
	"$SIPSTAT" read "$f" -o json >"$T/$name.json" 2>"$T/$name.err"
	rc=$?
	got=$(jq -c '[.responses.total, .frames.in]' "$T/$name.json" 2>/dev/null)
	check_eq "damaged: $name: exit 1, counts of the $((at - 1)) frames before frame $at" \
		"$rc $got" "1 [$want,$((at - 1))]"
	if grep -q "^sipstat: $f: frame $at: .*$pat" "$T/$name.err"; then
		ok "damaged: $name: the error names the file and frame $at"
	else
		not_ok "damaged: $name: the error names the file and frame $at" "$(cat "$T/$name.err")"
	fi
}

# Responses tshark sees in the first N frames.
first_responses() {
	tshark -n -r "$1" -c "$2" -Y sip.Status-Code 2>/dev/null | wc -l
}

TUN=$DATA/tunnels.pcap
size=$(stat -c %s "$TUN")
nframes=$(tshark -n -r "$TUN" 2>/dev/null | wc -l)
head -c $((size - 50)) "$TUN" >"$T/cut.pcap"
damaged "cut short" "$T/cut.pcap" "$nframes" "$(first_responses "$TUN" $((nframes - 1)))" \
	"truncated"

cp "$TUN" "$T/reclen.pcap"
put_u32 "$T/reclen.pcap" $(($(record_off "$TUN" 5) + 8)) 2147483647
damaged "record length beyond the snap length" "$T/reclen.pcap" 5 \
	"$(first_responses "$TUN" 4)" "invalid packet capture length"

cp "$TUN" "$T/caplen.pcap"
off=$(record_off "$TUN" 9)
incl=$(od -An -tu4 -j $((off + 8)) -N4 "$TUN" | tr -d ' ')
put_u32 "$T/caplen.pcap" $((off + 8)) $((incl + 40))
damaged "record longer than its frame" "$T/caplen.pcap" 9 "$(first_responses "$TUN" 8)" \
	"damaged record"

cp "$TUN" "$T/origlen.pcap"
put_u32 "$T/origlen.pcap" $(($(record_off "$TUN" 7) + 12)) 10
damaged "frame length below the captured bytes" "$T/origlen.pcap" 7 \
	"$(first_responses "$TUN" 6)" "damaged record"

# A huge snap length in the header: said, and each record still checked.
cp "$TUN" "$T/snap.pcap"
put_u32 "$T/snap.pcap" 16 4294967295
"$SIPSTAT" read "$T/snap.pcap" -o json >"$T/snap.json" 2>"$T/snap.err"
rc=$?
check_eq "huge snap length in the header: said, every frame counted" \
	"$rc $(grep -c "snap length 4294967295" "$T/snap.err") $(jq .responses.total "$T/snap.json")" \
	"0 1 $(awk '{ s += $3 } END { print s }' "$T/tunnels.pcap.want")"
put_u32 "$T/snap.pcap" $(($(record_off "$TUN" 3) + 8)) 1000000
damaged "huge snap length and a record beyond libpcap's maximum" "$T/snap.pcap" 3 \
	"$(first_responses "$TUN" 2)" "bigger than"

printf 'XXXX' | dd of="$T/magic.pcap" status=none
tail -c +5 "$TUN" >>"$T/magic.pcap"
"$SIPSTAT" read "$T/magic.pcap" >"$T/magic.out" 2>"$T/magic.err"
rc=$?
check_eq "bad magic: exit 1, one error naming the file, no report" \
	"$rc $(grep -c "^sipstat: $T/magic.pcap: not a capture file" "$T/magic.err") $(wc -c <"$T/magic.out")" \
	"1 1 0"
"$SIPSTAT" read "$T/nonexistent.pcap" >/dev/null 2>"$T/noent.err"
rc=$?
check_eq "missing file: exit 1, says so" "$rc $(grep -c "No such file" "$T/noent.err")" "1 1"
: >"$T/empty.pcap"
"$SIPSTAT" read "$T/empty.pcap" >/dev/null 2>"$T/empty.err"
check_eq "empty file: exit 1" "$?" 1

# ------------------------------------------------------------ usage and rights

"$SIPSTAT" read >/dev/null 2>"$T/usage.err"
check_eq "no file: usage error, exit 2" "$? $(grep -c 'read what' "$T/usage.err")" "2 1"
"$SIPSTAT" read "$TUN" -i eth0 >/dev/null 2>"$T/usage2.err"
check_eq "read -i: does not apply, exit 2" "$?" 2
"$SIPSTAT" read "$TUN" "$TUN" >/dev/null 2>&1
check_eq "two files: exit 2" "$?" 2

setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all \
	"$SIPSTAT" read "$TUN" >"$T/noroot.out" 2>"$T/noroot.err"
rc=$?
if [[ $rc == 1 && $(wc -l <"$T/noroot.err") == 1 ]] &&
	grep -q "read needs the rights to load and run BPF programs: run as root" "$T/noroot.err"; then
	ok "without the BPF rights: one line saying so and what to do, exit 1"
else
	not_ok "without the BPF rights: one line saying so and what to do, exit 1" "exit $rc" \
		"$(cat "$T/noroot.err")"
fi

# ------------------------------------------------------------ read == live

# One namespace, a veth pair in it: tcpreplay writes on tx0, sipstat is
# attached on the other end and shows what it counted.
replay_live() {
	local f=$1 name=$2 mode=$3
	nsenter --net="/run/netns/$NS" "$SIPSTAT" attach -i "$IFR" --mode "$mode" \
		>"$T/attach.out" 2>"$T/attach.err" || {
		not_ok "read == live [$name, $mode]: sipstat attach" "$(cat "$T/attach.err")"
		return 1
	}
	ip netns exec "$NS" tcpreplay -i tx0 --pps=2000 "$f" >"$T/replay.out" 2>&1
	sleep 0.5
	nsenter --net="/run/netns/$NS" "$SIPSTAT" show -i "$IFR" -o prometheus >"$T/live.prom" \
		2>"$T/show.err"
	nsenter --net="/run/netns/$NS" "$SIPSTAT" detach -i "$IFR" >/dev/null 2>&1
	read_prom "offline-$name" "$f"
	# Every counter of what arrived (direction in): responses by code and
	# method, requests, parser outcomes.  Not the frame totals (the veth's
	# own), not the events (read sends none: nothing would read them).
	grep -E '^sipstat_(responses|requests|parser_packets)_total\{.*direction="in"' "$T/live.prom" |
		sed 's/interface="[^"]*"/interface="X"/' | sort >"$T/live.cmp"
	grep -E '^sipstat_(responses|requests|parser_packets)_total\{.*direction="in"' \
		"$T/offline-$name.prom" | sed 's/interface="[^"]*"/interface="X"/' |
		sort >"$T/offline.cmp"
	if [[ -s $T/live.cmp ]] && diff -u "$T/live.cmp" "$T/offline.cmp" >"$T/live.diff"; then
		ok "read == live [$name, $mode]: every counter of the replay equals sipstat read's ($(grep -c . "$T/live.cmp") series)"
	else
		not_ok "read == live [$name, $mode]: every counter of the replay equals sipstat read's"
		diag_file "diff (- live, + read)" "$T/live.diff"
		diag_file "tcpreplay" "$T/replay.out" 5
		diag_file "show" "$T/show.err" 3
	fi
}

ns_add rd || { not_ok "$SST_SUITE: namespace"; done_testing; }
NS=$(ns_name rd)
PIN_R=$(pin_dir "$NS" "$IFR") || { not_ok "$SST_SUITE: namespace's pin directory known"; done_testing; }
topo_quiet_ns "$NS"
if ip -n "$NS" link add tx0 type veth peer name "$IFR" && ip -n "$NS" link set tx0 up &&
	ip -n "$NS" link set "$IFR" up; then
	sleep 0.3
	replay_live "$DATA/sip-mix.pcap" sip-mix.pcap skb
	replay_live "$DATA/tunnels.pcap" tunnels.pcap native
	replay_live "$DATA/sip-tcp.pcap" sip-tcp.pcap skb
	replay_live "$DATA/vlan.pcap" vlan.pcap native
	# Public captures of real networks: their addresses are rewritten into
	# the test ranges first, and both sides count the rewritten file.
	for pub in ndpi-sip.pcap:skb heplify-tcp.pcap:native; do
		if tcprewrite --pnat='0.0.0.0/0:198.18.0.0/15,[::/0]:[2001:db8::/32]' --fixcsum \
			-i "$DATA/public/${pub%%:*}" -o "$T/rw-${pub%%:*}" >"$T/rewrite.out" 2>&1; then
			replay_live "$T/rw-${pub%%:*}" "public-${pub%%:*}" "${pub##*:}"
		else
			not_ok "read == live [public-${pub%%:*}]: tcprewrite into the test ranges" \
				"$(cat "$T/rewrite.out")"
		fi
	done
else
	not_ok "$SST_SUITE: veth pair in namespace $NS"
fi
if [[ -d $PIN_R ]]; then
	not_ok "$SST_SUITE: no pin left after detach" "$(ls "$PIN_R")"
else
	ok "$SST_SUITE: no pin left after detach"
fi

done_testing
