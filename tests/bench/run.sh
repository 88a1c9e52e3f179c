#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# make bench: one benchmark run on this machine, as root.  Prints a table
# per part and writes every figure to $O/bench/results.json and .csv.
#
#   1. In-kernel cost per frame (BPF_PROG_TEST_RUN): the empty program,
#      the minimal reference counter and sipstat, interleaved, on every
#      kind of frame                                         (bench_prog)
#   2. veth between two namespaces: trafgen sends N SIP responses as fast
#      as it can; no program / empty / minimal / sipstat, skb and native
#      mode; rate and NET_RX softirq CPU per frame; the programs' own run
#      time (bpf_stats) in interleaved rounds; at the highest rate the
#      real sipstat command attached.  Every counting run must count every
#      response sent, code by code, read from the program's counter map
#   3. tshark -q -z sip,stat on the same traffic: live on the receiving
#      veth next to sipstat, and offline on a pcap of it
#   4. one sipstat report refresh with all 600 codes     (bench_report)
#   5. sipstat read on a capture of SIP responses, one core, beside
#      tshark -r -q -z sip,stat on the same file            (bench_read)
#   and the line rates of 10/25/100 GbE at SIP-sized frames with the
#   per-packet budget they leave a core.
#
# Targets (reported as PASS/MISS with the margin, never a failure of
# make), all against the minimal counter: an IPv4 SIP response <= 1.25x
# its IPv4 response; IPv6, extension headers, two VLAN tags, requests and
# other payload on a SIP port <= 1.5x that; frames off the SIP ports
# <= 1.15x the larger of empty and minimal on the same frame; in situ on
# veth <= 1.3x minimal's run time; no counting loss at the highest rate
# the generator reaches.  Exit status is 0 when everything was measured,
# 1 when something could not be.
#
# Environment: O (build dir, default build), BENCH_PACKETS (frames per
# veth rate run, default 1000000), BENCH_ROUNDS (21), BENCH_REPEAT
# (500000), BENCH_VETH_ROUNDS (interleaved bpf_stats rounds of N/10 frames, 5).
# Network traffic stays in two namespaces sbn-<pid>-gen/-rx, which the
# EXIT trap deletes with everything else this script starts or writes.
set -euo pipefail

cd "$(dirname "$0")/../.." || exit 1
O=${O:-build}
case $O in
/*) ODIR=$O ;;
*) ODIR=$PWD/$O ;;
esac
BDIR=$ODIR/bench
N=${BENCH_PACKETS:-1000000}
ROUNDS=${BENCH_ROUNDS:-21}
REPEAT=${BENCH_REPEAT:-500000}
VETH_ROUNDS=${BENCH_VETH_ROUNDS:-5}
CYCLE=10			# frames in bench_frames' cycle
N=$(((N + CYCLE - 1) / CYCLE * CYCLE))
NSTATS=$(((N / 10 + CYCLE - 1) / CYCLE * CYCLE))
NTSHARK=$(((N / 2 + CYCLE - 1) / CYCLE * CYCLE))

say() { printf '%s\n' "$*"; }
die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

[[ $EUID -eq 0 ]] || die "run as root (BPF, XDP and network namespaces)"
for f in sipstat sipstat.bpf.o bench/bench_prog bench/bench_report bench/bench_rx \
	bench/bench_frames bench/empty.bpf.o bench/minimal.bpf.o bench/rxcpu.bpf.o; do
	[[ -e $ODIR/$f ]] || die "$ODIR/$f missing: run 'make O=$O bench'"
done

# ------------------------------------------------------------ dependencies
# trafgen (netsniff-ng) and /usr/bin/time (time) are only needed here;
# tshark and jq come with 'make deps' but are checked too.
need=()
command -v trafgen >/dev/null 2>&1 || need+=(netsniff-ng)
[[ -x /usr/bin/time ]] || need+=(time)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
command -v pgrep >/dev/null 2>&1 || need+=(procps)
if [[ ${#need[@]} -gt 0 ]]; then
	say "bench: installing ${need[*]} with apt-get"
	echo 'wireshark-common wireshark-common/install-setuid boolean false' |
		debconf-set-selections 2>/dev/null || true
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
fi

# ------------------------------------------------------------ cleanup
NS_GEN=sbn-$$-gen
NS_RX=sbn-$$-rx
IF_GEN=sbn-$$-g
IF_RX=sbn-$$-r
PIDS=()
mkdir -p "$BDIR"
SCRATCH=$(mktemp -d "$BDIR/tmp.XXXXXX")

cleanup() {
	local p c
	# sipstat and tshark run under /usr/bin/time, which does not pass
	# signals on: stop the children first, then the wrappers.
	for p in "${PIDS[@]}"; do
		for c in $(pgrep -P "$p" 2>/dev/null || true); do
			kill -TERM "$c" 2>/dev/null || true
		done
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	ip netns del "$NS_GEN" 2>/dev/null || true
	ip netns del "$NS_RX" 2>/dev/null || true
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------ machine
NCPU=$(nproc)
CPU_MODEL=$(awk -F': ' '
	/^model name/ && !m { m = $2 } /^cpu family/ && !f { f = $2 } /^model[ \t]*:/ && !d { d = $2 }
	/^cpu MHz/ && !z { z = $2 } /^flags/ && / hypervisor/ { h = 1 }
	END { printf "%s (family %s model %s, %.0f MHz%s)", m, f, d, z, h ? ", virtual machine" : "" }' /proc/cpuinfo)
KERNEL=$(uname -r)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ $NCPU -ge 2 ]]; then
	GEN_CPU=0	# trafgen -P 1 runs here, and so does the receive softirq
	AUX=(taskset -c 1)	# sipstat, tshark, meters: out of its way
else
	GEN_CPU=0
	AUX=()
fi
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
BPF_STATS_SYSCTL=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo 0)
say "sipstat benchmark $STARTED: $CPU_MODEL, $NCPU CPUs, kernel $KERNEL, load $LOAD0"
say "  build $ODIR, sipstat $(cat VERSION 2>/dev/null || echo '?') $(git rev-parse --short HEAD 2>/dev/null || true)"
[[ $BPF_STATS_SYSCTL == 0 ]] ||
	say "  note: kernel.bpf_stats_enabled is on: every XDP run below carries the statistics' clock reads"
awk '{ if ($1 > 0.5) print "  note: load average " $1 " before the start: other work on this machine skews the figures" }' /proc/loadavg
say ""

# ------------------------------------------------------------ 1. BPF_PROG_TEST_RUN
"${AUX[@]}" "$BDIR/bench_prog" -e "$BDIR/empty.bpf.o" -m "$BDIR/minimal.bpf.o" -r "$ROUNDS" \
	-n "$REPEAT" -j "$SCRATCH/prog.json" -d "$BDIR" || die "bench_prog failed"
say ""

# ------------------------------------------------------------ 2. veth
"$BDIR/bench_frames" -t "$SCRATCH/sip.trafgen"
mapfile -t CODES < <("$BDIR/bench_frames" -l)

ip netns add "$NS_GEN"
ip netns add "$NS_RX"
for ns in "$NS_GEN" "$NS_RX"; do
	# No IPv6 autoconfiguration, no addresses: nothing but the test frames on the link.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done
ip link add "$IF_GEN" netns "$NS_GEN" type veth peer name "$IF_RX" netns "$NS_RX"
ip -n "$NS_GEN" link set "$IF_GEN" up
ip -n "$NS_RX" link set "$IF_RX" up

RUNS_JSON=$SCRATCH/runs.jsonl
: >"$RUNS_JSON"

# Wait (up to $2 tenths of a second) until file $1 contains $3.
wait_for() {
	local i
	for ((i = 0; i < $2; i++)); do
		grep -q -- "$3" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Signal the child of a /usr/bin/time wrapper (time itself ignores SIGINT).
signal_child() {
	local sig=$1 parent=$2 c
	for c in $(pgrep -P "$parent" || true); do
		kill "-$sig" "$c" 2>/dev/null || true
	done
}

# Wait for background pid $1, at most $2 seconds, then kill it.
wait_pid() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		signal_child KILL "$1"
		kill -KILL "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
}

# The object of a program attached with ip link.
prog_obj() {
	case $1 in
	empty) echo "$BDIR/empty.bpf.o" ;;
	minimal) echo "$BDIR/minimal.bpf.o" ;;
	*) echo "$ODIR/sipstat.bpf.o" ;;
	esac
}

xdp_attached() { ip -n "$NS_RX" -d link show dev "$IF_RX" | grep -q 'prog/xdp'; }

SIP_PID=""
# sipstat_start MODE TAG: the real command on IF_RX, reporting every second.
sipstat_start() {
	ip netns exec "$NS_RX" "${AUX[@]}" /usr/bin/time -o "$SCRATCH/$2.sipstat.time" \
		-f '%e %U %S %M' "$ODIR/sipstat" -i "$IF_RX" -m "$1" 1 \
		>"$SCRATCH/$2.sipstat.out" 2>"$SCRATCH/$2.sipstat.err" &
	SIP_PID=$!
	PIDS+=("$SIP_PID")
	local i
	for ((i = 0; i < 100; i++)); do
		xdp_attached && return 0
		kill -0 "$SIP_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$SCRATCH/$2.sipstat.err" >&2
	die "the sipstat command did not attach in $1 mode"
}

# sipstat_stop: SIGINT, wait; the command must leave no program behind.
sipstat_stop() {
	signal_child INT "$SIP_PID"
	wait_pid "$SIP_PID" 20
	SIP_PID=""
	! xdp_attached || die "the sipstat command left its program attached to $IF_RX"
	[[ ! -e /sys/fs/bpf/sipstat/$IF_RX ]] ||
		die "the sipstat command left pins in /sys/fs/bpf/sipstat/$IF_RX"
}

# run_traffic TAG PROG MODE CPUS PACKETS [stats [ROUND]]: one burst, metered.
# PROG none|empty|minimal|sipstat (objects attached with ip link),
# sipstat-command (the real command), sipstat+tshark; appends a run.
run_traffic() {
	local tag=$1 prog=$2 mode=$3 cpus=$4 n=$5 stats=${6:-} round=${7:-0} sent sip_cpu=null want
	local xdp=xdpdrv
	local rxargs=(-e "$BDIR/rxcpu.bpf.o" -i "$IF_RX" -j "$SCRATCH/$tag.rx.json")
	[[ -n $stats ]] && rxargs+=(-s)
	[[ $mode == skb ]] && xdp=xdpgeneric

	case $prog in
	none) ;;
	sipstat-command) sipstat_start "$mode" "$tag" ;;
	*) ip -n "$NS_RX" link set dev "$IF_RX" "$xdp" obj "$(prog_obj "$prog")" sec xdp ;;
	esac

	# The meter runs pinned out of the way; the generator gets CPUs 0..cpus-1 back.
	ip netns exec "$NS_RX" "${AUX[@]}" "$BDIR/bench_rx" "${rxargs[@]}" -- \
		taskset -c "0-$((cpus - 1))" ip netns exec "$NS_GEN" \
		trafgen --no-sock-mem -o "$IF_GEN" -i "$SCRATCH/sip.trafgen" -n "$n" -P "$cpus" \
		>"$SCRATCH/$tag.gen.out" 2>&1 ||
		{ cat "$SCRATCH/$tag.gen.out" >&2; die "$tag: bench_rx failed"; }

	[[ $prog == sipstat+tshark ]] && tshark_stop
	case $prog in
	none) ;;
	sipstat-command)
		sipstat_stop
		sip_cpu=$(awk '{ print $2 + $3 }' "$SCRATCH/$tag.sipstat.time")
		;;
	*) ip -n "$NS_RX" link set dev "$IF_RX" "$xdp" off ;;
	esac
	sent=$(awk '{ gsub(/\r/, "") } /packets outgoing/ { s += $1 } END { print s + 0 }' "$SCRATCH/$tag.gen.out")
	# Every code of the cycle: exactly n / CYCLE per occurrence in the cycle.
	want=$(printf '%s\n' "${CODES[@]}" | sort -n | uniq -c |
		awk -v k=$((n / CYCLE)) '{ printf "%s\"%s\":%d", (NR > 1 ? "," : ""), $2, $1 * k }')
	jq -c --arg tag "$tag" --arg prog "$prog" --arg mode "$mode" --argjson cpus "$cpus" \
		--argjson n "$n" --argjson sent "$sent" --argjson want "{$want}" \
		--argjson sip_cpu "$sip_cpu" --argjson round "$round" \
		--argjson stats "$([[ -n $stats ]] && echo true || echo false)" '
		{tag: $tag, program: $prog, mode: $mode, generator_cpus: $cpus, requested: $n,
		 round: $round, sent: $sent, rx_packets, rx_dropped, counter_map,
		 counted: .responses, udp_sip,
		 codes_exact: (if .codes == null then null else .codes == $want end),
		 bpf_stats: $stats,
		 rate_pps: (if .gen_wall_s > 0 then $sent / .gen_wall_s else 0 end),
		 gen_wall_s, gen_cpu_s: (.gen_user_s + .gen_sys_s), gen_status,
		 softirq_ns_per_pkt: (if .rx_packets > 0 then .softirq_ns / .rx_packets else null end),
		 prog_ns_per_run: (if .run_cnt > 0 then .run_time_ns / .run_cnt else null end),
		 prog_runs: .run_cnt, sipstat_cpu_s: $sip_cpu,
		 lossless: ($sent == $n and .rx_packets == $sent and
			    (.responses == null or (.responses == $sent and .codes == $want and
						    (.udp_sip == null or .udp_sip == $sent))) and
			    (($prog | test("^(minimal|sipstat)") | not) or .responses != null))}' \
		"$SCRATCH/$tag.rx.json" >>"$RUNS_JSON"
	[[ $(tail -n1 "$RUNS_JSON" | jq .gen_status) == 0 ]] ||
		say "  note: $tag: trafgen exited with status $(tail -n1 "$RUNS_JSON" | jq .gen_status)"
}

TS_PID=""
tshark_start() {
	mkdir -p "$SCRATCH/tshark-tmp"
	ip netns exec "$NS_RX" env TMPDIR="$SCRATCH/tshark-tmp" "${AUX[@]}" /usr/bin/time \
		-o "$SCRATCH/live.tshark.time" -f '%e %U %S %M' tshark -i "$IF_RX" -q -z sip,stat \
		>"$SCRATCH/live.tshark.out" 2>"$SCRATCH/live.tshark.err" &
	TS_PID=$!
	PIDS+=("$TS_PID")
	if ! wait_for "$SCRATCH/live.tshark.err" 300 'Capturing on'; then
		cat "$SCRATCH/live.tshark.err" >&2
		die "tshark did not start capturing"
	fi
}

tshark_stop() {
	sleep 0.5
	signal_child INT "$TS_PID"
	wait_pid "$TS_PID" 300
	TS_PID=""
}

PROGS=(empty minimal sipstat)
say "veth, $N SIP responses of 400 bytes on the wire (396 without FCS) per run, trafgen -P 1 on CPU $GEN_CPU"
say "  receive CPU: NET_RX softirq ns per frame (rxcpu.bpf.o; the generator's CPU runs it)"
run_traffic none none - 1 "$N"
for mode in skb native; do
	for p in "${PROGS[@]}"; do
		run_traffic "$p-$mode" "$p" "$mode" 1 "$N"
	done
done
# Program run time from bpf_stats, in runs of their own (the statistics
# add two clock reads per program run, which the runs above must not
# carry), in rounds: the three programs one after the other on the same
# traffic, the order rotating from round to round.
for ((r = 0; r < VETH_ROUNDS; r++)); do
	for mode in skb native; do
		for ((j = 0; j < 3; j++)); do
			p=${PROGS[$(((r + j) % 3))]}
			run_traffic "$p-$mode-stats-$r" "$p" "$mode" 1 "$NSTATS" stats "$r"
		done
	done
done
# The highest rate: trafgen on every CPU, the real command attached (skb
# mode: native XDP on veth drops on the peer's full ring when several
# CPUs send, before any program sees the frame).
run_traffic sipstat-command-max sipstat-command skb "$NCPU" "$N"

# ------------------------------------------------------------ 3. tshark
tshark_start
run_traffic sipstat-tshark sipstat+tshark native 1 "$NTSHARK"

"$BDIR/bench_frames" -p "$SCRATCH/sip.pcap" -n "$NTSHARK"
"$BDIR/bench_frames" -p "$SCRATCH/small.pcap" -n "$CYCLE"
"${AUX[@]}" /usr/bin/time -o "$SCRATCH/offline.time" -f '%e %U %S %M' \
	tshark -r "$SCRATCH/sip.pcap" -q -z sip,stat >"$SCRATCH/offline.out" 2>/dev/null ||
	die "tshark -r failed"
"${AUX[@]}" /usr/bin/time -o "$SCRATCH/offline0.time" -f '%e %U %S %M' \
	tshark -r "$SCRATCH/small.pcap" -q -z sip,stat >/dev/null 2>&1 || die "tshark -r failed"
rm -f "$SCRATCH/sip.pcap"

# "  SIP 200 OK : 400000 Packets" lines: responses tshark dissected.
tshark_counted() {
	awk '/^ *SIP [1-6][0-9][0-9] .*: *[0-9]+ Packets/ { sub(/.*: */, ""); s += $1 } END { print s + 0 }' "$1"
}
live_run=$(jq -c 'select(.tag == "sipstat-tshark")' "$RUNS_JSON")
alone_run=$(jq -c 'select(.tag == "sipstat-native")' "$RUNS_JSON")
jq -n --argjson run "$live_run" --argjson alone "$alone_run" \
	--argjson resp "$(jq -c '.cases[] | select(.name == "ipv4 SIP response 200")' "$SCRATCH/prog.json")" \
	--argjson live_counted "$(tshark_counted "$SCRATCH/live.tshark.out")" \
	--argjson live_captured "$(awk '/packets captured/ { print $1; exit }' "$SCRATCH/live.tshark.err" | grep . || echo null)" \
	--argjson live_dropped "$(awk '/packets dropped/ { s += $1 } END { print s + 0 }' "$SCRATCH/live.tshark.err")" \
	--argjson live_time "$(awk '{ printf "{\"wall_s\":%s,\"user_s\":%s,\"sys_s\":%s,\"maxrss_kb\":%s}", $1, $2, $3, $4 }' "$SCRATCH/live.tshark.time")" \
	--argjson off_counted "$(tshark_counted "$SCRATCH/offline.out")" \
	--argjson off_time "$(awk '{ printf "{\"wall_s\":%s,\"user_s\":%s,\"sys_s\":%s,\"maxrss_kb\":%s}", $1, $2, $3, $4 }' "$SCRATCH/offline.time")" \
	--argjson off0_time "$(awk '{ printf "{\"wall_s\":%s,\"user_s\":%s,\"sys_s\":%s,\"maxrss_kb\":%s}", $1, $2, $3, $4 }' "$SCRATCH/offline0.time")" \
	--argjson n "$NTSHARK" '
	{packets: $n,
	 live: {sent: $run.sent, sipstat_counted: $run.counted, tshark_counted: $live_counted,
		tshark_captured: $live_captured, tshark_dropped: $live_dropped,
		tshark_cpu_s: ($live_time.user_s + $live_time.sys_s), tshark_wall_s: $live_time.wall_s,
		tshark_maxrss_kb: $live_time.maxrss_kb,
		rate_pps: $run.rate_pps, softirq_ns_per_pkt: $run.softirq_ns_per_pkt,
		capture_softirq_ns_per_pkt: ($run.softirq_ns_per_pkt - $alone.softirq_ns_per_pkt),
		tshark_us_per_pkt: (($live_time.user_s + $live_time.sys_s) / $run.sent * 1e6)},
	 sipstat_prog_ns_per_pkt: $resp.sipstat_ns,
	 offline: {packets: $n, tshark_counted: $off_counted,
		   cpu_s: ($off_time.user_s + $off_time.sys_s), wall_s: $off_time.wall_s,
		   maxrss_kb: $off_time.maxrss_kb,
		   startup_cpu_s: ($off0_time.user_s + $off0_time.sys_s),
		   us_per_pkt: ((($off_time.user_s + $off_time.sys_s) -
				($off0_time.user_s + $off0_time.sys_s)) / $n * 1e6)}}' \
	>"$SCRATCH/tshark.json"

# ------------------------------------------------------------ in situ: bpf_stats rounds
# Per mode: median over rounds of each program's ns per run, and the
# median of the per-round ratios sipstat / minimal.
jq -s '
	def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	map(select(.bpf_stats)) as $s |
	[ "skb", "native" ][] as $m |
	($s | map(select(.mode == $m)) | group_by(.round) |
	 map(INDEX(.program) | {empty: .empty.prog_ns_per_run, minimal: .minimal.prog_ns_per_run,
				sipstat: .sipstat.prog_ns_per_run})) as $rounds |
	{mode: $m, rounds: ($rounds | length),
	 empty_ns: ($rounds | map(.empty) | median),
	 minimal_ns: ($rounds | map(.minimal) | median),
	 sipstat_ns: ($rounds | map(.sipstat) | median),
	 sipstat_minus_empty_ns: ($rounds | map(.sipstat - .empty) | median),
	 minimal_minus_empty_ns: ($rounds | map(.minimal - .empty) | median),
	 ratio: ($rounds | map(.sipstat / .minimal) | median),
	 ratio_min: ($rounds | map(.sipstat / .minimal) | min),
	 ratio_max: ($rounds | map(.sipstat / .minimal) | max),
	 target_ratio: 1.3} |
	.result = (if .ratio <= .target_ratio then "PASS" else "MISS" end) |
	.margin = (.target_ratio - .ratio)' "$RUNS_JSON" | jq -s . >"$SCRATCH/insitu.json"

# ------------------------------------------------------------ print parts 2 and 3
# Column helpers for the jq tables: left/right padding, rounding.
JQDEFS='
def rp(n): tostring | . + " " * (n - length);
def lp(n): tostring | " " * (n - length) + .;
def r(d): if . == null then "-" else . * d | round / d end;'

jq -r "$JQDEFS"'
	"  \("run" | rp(26)) \("program" | rp(15)) \("mode" | rp(6)) gen \("sent" | lp(8)) \("kpps" | lp(7)) \("rx ns/frame" | lp(11)) \("prog ns/run" | lp(11)) \("rx_packets" | lp(10)) \("counted" | lp(8)) codes  loss",
	(.[] | "  \(.tag | rp(26)) \(.program | rp(15)) \(.mode | rp(6)) \(.generator_cpus | lp(3)) \(.sent | lp(8)) \(.rate_pps / 1000 | r(10) | lp(7)) \(if .bpf_stats then "(stats on)" else (.softirq_ns_per_pkt | r(10)) end | lp(11)) \(.prog_ns_per_run | r(100) | lp(11)) \(.rx_packets | lp(10)) \(.counted // "-" | lp(8)) \(if .codes_exact == null then "-" elif .codes_exact then "exact" else "WRONG" end | rp(5))  \(if .lossless then "0" else "LOSS" end)")
' < <(jq -s . "$RUNS_JSON")
jq -r --slurp "$JQDEFS"'
	(map(select(.bpf_stats | not)) | INDEX(.tag)) as $r | $r.none.softirq_ns_per_pkt as $b |
	"  receive CPU above no program, ns/frame:",
	("skb", "native") as $m |
	"    \($m | rp(7)) empty \($r["empty-\($m)"].softirq_ns_per_pkt - $b | r(10)), minimal \($r["minimal-\($m)"].softirq_ns_per_pkt - $b | r(10)), sipstat \($r["sipstat-\($m)"].softirq_ns_per_pkt - $b | r(10))"
' "$RUNS_JSON"
jq -r "$JQDEFS"'
	"  program run time in situ (bpf_stats), medians of \(.[0].rounds) interleaved rounds; ratio = median of per-round sipstat / minimal",
	(.[] | "    \(.mode | rp(7)) empty \(.empty_ns | r(100)) ns, minimal \(.minimal_ns | r(100)) ns, sipstat \(.sipstat_ns | r(100)) ns per frame; minus empty: minimal \(.minimal_minus_empty_ns | r(100)), sipstat \(.sipstat_minus_empty_ns | r(100)); ratio \(.ratio | r(100))x (\(.ratio_min | r(100))-\(.ratio_max | r(100)))  <=1.3x \(.result) \(.margin | r(100))")
' "$SCRATCH/insitu.json"
say ""
jq -r "$JQDEFS"'
	"tshark -q -z sip,stat on the same traffic (\(.packets) SIP responses)",
	"  live on the receiving veth, next to sipstat (native): sent \(.live.sent), sipstat counted \(.live.sipstat_counted), tshark counted \(.live.tshark_counted) (\(.live.tshark_captured) captured, \(.live.tshark_dropped) dropped by the kernel)",
	"    tshark + dumpcap CPU \(.live.tshark_cpu_s | r(100)) s (\(.live.tshark_cpu_s / .live.sent * 1e6 | r(100)) us per frame sent), max RSS \(.live.tshark_maxrss_kb / 1024 | round) MiB",
	"    the capture itself (AF_PACKET, in the kernel) adds \(.live.capture_softirq_ns_per_pkt | r(10)) ns/frame of NET_RX softirq over sipstat alone",
	"  offline, tshark -r on a pcap of the same frames: counted \(.offline.tshark_counted), CPU \(.offline.cpu_s | r(100)) s (startup \(.offline.startup_cpu_s) s), \(.offline.us_per_pkt | r(100)) us per frame, \(1e6 / .offline.us_per_pkt | round) frames/s per core, max RSS \(.offline.maxrss_kb / 1024 | round) MiB",
	"  per frame: tshark \(.offline.us_per_pkt * 1000 | round) ns offline, \(.live.tshark_us_per_pkt * 1000 | round) ns live; sipstat program \(.sipstat_prog_ns_per_pkt | r(10)) ns (part 1, SIP response, test-run floor included): \(.offline.us_per_pkt * 1000 / .sipstat_prog_ns_per_pkt | round)x less than tshark offline"
' "$SCRATCH/tshark.json"
say ""

ip netns del "$NS_GEN"
ip netns del "$NS_RX"

# ------------------------------------------------------------ 4. report refresh
"${AUX[@]}" "$BDIR/bench_report" -n 200 -j "$SCRATCH/report.json" || die "bench_report failed"
say ""

# ------------------------------------------------------------ 5. sipstat read
# A capture of BENCH_READ_FRAMES SIP responses (default 1000000) counted
# offline on one core: sipstat read's loop taken apart (bench_read: the
# file alone, the test runs alone, both), the whole command (program
# load included), and tshark -r -q -z sip,stat on the same file.  Written
# to $BDIR/read.json.
READ_N=${BENCH_READ_FRAMES:-1000000}
if [[ -x $BDIR/bench_read && -x $ODIR/tests/gen_captures ]]; then
	"$ODIR/tests/gen_captures" --bench "$SCRATCH/read.pcap" "$READ_N" || die "gen_captures failed"
	"${AUX[@]}" "$BDIR/bench_read" -r 3 -j "$SCRATCH/read.json" "$SCRATCH/read.pcap" ||
		die "bench_read failed"
	"${AUX[@]}" /usr/bin/time -o "$SCRATCH/read.time" -f '%e %U %S' "$ODIR/sipstat" read \
		"$SCRATCH/read.pcap" -o json >"$SCRATCH/read.out" 2>"$SCRATCH/read.err" ||
		die "sipstat read failed: $(cat "$SCRATCH/read.err")"
	"${AUX[@]}" /usr/bin/time -o "$SCRATCH/read.tshark.time" -f '%e %U %S' tshark -n \
		-r "$SCRATCH/read.pcap" -q -z sip,stat >"$SCRATCH/read.tshark.out" 2>/dev/null ||
		die "tshark -r failed"
	jq -n --slurpfile loop "$SCRATCH/read.json" --argjson n "$READ_N" \
		--argjson counted "$(jq .responses.total "$SCRATCH/read.out")" \
		--argjson cmd "$(awk '{ printf "{\"wall_s\":%s,\"cpu_s\":%s}", $1, $2 + $3 }' "$SCRATCH/read.time")" \
		--argjson ts "$(awk '{ printf "{\"wall_s\":%s,\"cpu_s\":%s}", $1, $2 + $3 }' "$SCRATCH/read.tshark.time")" \
		--argjson ts_counted "$(tshark_counted "$SCRATCH/read.tshark.out")" \
		'{frames: $n, sipstat_counted: $counted, tshark_counted: $ts_counted, loop: $loop[0],
		  sipstat: ($cmd + {cpu_fps: ($n / $cmd.cpu_s), wall_fps: ($n / $cmd.wall_s)}),
		  tshark: ($ts + {cpu_fps: ($n / $ts.cpu_s), wall_fps: ($n / $ts.wall_s)}),
		  ratio_loop_cpu: (($ts.cpu_s / $n * 1e9) / $loop[0].loop_ns),
		  ratio_command_cpu: ($ts.cpu_s / $cmd.cpu_s), ratio_command_wall: ($ts.wall_s / $cmd.wall_s)}' \
		>"$BDIR/read.json"
	jq -r 'def r(p): . * p | round / p;
	"sipstat read FILE on \(.frames) SIP responses, one core, CPU time (counted: sipstat \(.sipstat_counted), tshark \(.tshark_counted))",
	"  its loop: file \(.loop.file_ns | r(1)) ns + test run \(.loop.testrun_ns | r(1)) ns a frame; both \(.loop.loop_ns | r(1)) ns: \(.loop.loop_fps) frames/s (target 1000000: \(if .loop.loop_fps >= 1000000 then "PASS" else "MISS" end))",
	"  the whole command: \(.sipstat.cpu_s) s CPU, \(.sipstat.wall_s) s wall (loading the program included): \(.sipstat.cpu_fps | round) frames/s",
	"  tshark -r -q -z sip,stat: \(.tshark.cpu_s) s CPU, \(.tshark.wall_s) s wall: \(.tshark.cpu_fps | round) frames/s",
	"  sipstat read / tshark: \(.ratio_loop_cpu | r(10))x less CPU a frame (loop), \(.ratio_command_cpu | r(10))x less CPU and \(.ratio_command_wall | r(10))x less wall time (whole commands; target 10x)"
	' "$BDIR/read.json"
	say ""
else
	say "sipstat read: $BDIR/bench_read or $ODIR/tests/gen_captures missing: run 'make O=$O bench'"
fi

# ------------------------------------------------------------ line rates
# A frame of L bytes with FCS takes L + 20 bytes of line time (7 preamble,
# 1 SFD, 12 inter-frame gap).  64: the minimum frame; 400: a typical SIP
# response, the frame the veth runs send.
jq -n --slurpfile prog "$SCRATCH/prog.json" '
	[64, 400] as $sizes | [10, 25, 100] as $speeds |
	($prog[0].cases | map(select(.group == "v4-response" or .group == "sip-port") |
				.extra_ns = (.sipstat_ns - .empty_ns)) |
	 max_by(.extra_ns)) as $worst |
	{frames: [ $sizes[] as $l | $speeds[] as $g |
		{gbps: $g, frame_bytes: $l, wire_bytes: ($l + 20),
		 mpps: ($g * 1e9 / (($l + 20) * 8) / 1e6),
		 budget_ns: (1e9 / ($g * 1e9 / (($l + 20) * 8))),
		 sipstat_extra_ns: $worst.extra_ns,
		 sipstat_share: ($worst.extra_ns / (1e9 / ($g * 1e9 / (($l + 20) * 8))))}]}' \
	>"$SCRATCH/linerate.json"
jq -r "$JQDEFS"'
	"Line rates: frame bytes with FCS + 20 (preamble, SFD, inter-frame gap); time per frame for one core",
	"  \("link" | rp(7)) \("frame" | lp(7)) \("Mpps" | lp(7)) \("ns/frame" | lp(9))   sipstat minus empty (worst SIP-port frame, part 1), share",
	(.frames[] | "  \("\(.gbps)GbE" | rp(7)) \("\(.frame_bytes) B" | lp(7)) \(.mpps | r(100) | lp(7)) \(.budget_ns | r(100) | lp(9))   \(.sipstat_extra_ns | r(100)) ns, \(.sipstat_share * 100 | r(10))%")
' "$SCRATCH/linerate.json"
say ""

# ------------------------------------------------------------ results + targets
jq -n --arg started "$STARTED" --arg cpu "$CPU_MODEL" --argjson ncpu "$NCPU" --arg kernel "$KERNEL" \
	--arg load "$LOAD0" --arg loadend "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--arg commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	--argjson n "$N" --argjson nstats "$NSTATS" \
	--slurpfile prog "$SCRATCH/prog.json" --slurpfile runs <(jq -s . "$RUNS_JSON") \
	--slurpfile insitu "$SCRATCH/insitu.json" \
	--slurpfile tshark "$SCRATCH/tshark.json" --slurpfile report "$SCRATCH/report.json" \
	--slurpfile linerate "$SCRATCH/linerate.json" '
	($runs[0]) as $r | ($insitu[0] | max_by(.ratio)) as $wi |
	($r | map(select(.counted != null))) as $counted_runs |
	($r | map(select(.program == "sipstat-command"))) as $max_runs |
	{machine: {started: $started, cpu: $cpu, cpus: $ncpu, kernel: $kernel, load_start: $load,
		   load_end: $loadend, commit: $commit},
	 prog_test_run: $prog[0], veth: {packets_per_run: $n, packets_per_stats_run: $nstats, runs: $r},
	 in_situ: $insitu[0],
	 tshark: $tshark[0], report_refresh: $report[0], line_rates: $linerate[0].frames,
	 targets: ($prog[0].targets + [
		{target: "in situ on veth (bpf_stats) <= 1.3x minimal", target_ratio: 1.3,
		 result: (if $wi.ratio <= 1.3 then "PASS" else "MISS" end),
		 worst_ratio: $wi.ratio, margin: (1.3 - $wi.ratio), worst_case: "\($wi.mode) mode"},
		{target: "zero counting loss at the highest generator rate",
		 result: (if ($counted_runs | all(.lossless)) and ($r | all(.lossless)) and
			     ($max_runs | length) > 0 then "PASS" else "MISS" end),
		 max_rate_pps: ($max_runs | map(.rate_pps) | max),
		 runs_checked: ($counted_runs | length),
		 responses_counted: ($counted_runs | map(.counted) | add),
		 responses_lost: ($counted_runs | map(.sent - .counted) | add)}])}' >"$BDIR/results.json"

# CSV: one measurement a line.
jq -r '
	["section", "case", "metric", "value"],
	(.prog_test_run.programs[] | .name as $n |
		(["xlated_insns", "verified_insns", "jited_bytes", "jited_insns"][] as $k |
		 ["program", $n, $k, .[$k]])),
	(.prog_test_run.cases[] | .name as $n |
		(["empty_ns", "minimal_ns", "sipstat_ns", "ratio", "ratio_p10", "ratio_p90",
		  "sipstat_vs_minimal", "sipstat_vs_empty", "target_ratio", "result", "margin"][] as $k |
		 ["prog_test_run", $n, $k, .[$k]])),
	(.veth.runs[] | .tag as $t |
		(["program", "mode", "generator_cpus", "sent", "rx_packets", "counted", "rate_pps",
		  "softirq_ns_per_pkt", "prog_ns_per_run", "lossless"][] as $k | ["veth", $t, $k, .[$k]])),
	(.in_situ[] | .mode as $m |
		(["empty_ns", "minimal_ns", "sipstat_ns", "sipstat_minus_empty_ns", "ratio",
		  "target_ratio", "result", "margin"][] as $k | ["in_situ", $m, $k, .[$k]])),
	(.tshark.live | to_entries[] | ["tshark_live", "-", .key, .value]),
	(.tshark.offline | to_entries[] | ["tshark_offline", "-", .key, .value]),
	(.report_refresh | to_entries[] | ["report_refresh", "-", .key, .value]),
	(.line_rates[] | "\(.gbps)GbE \(.frame_bytes)B" as $n |
		(["mpps", "budget_ns", "sipstat_extra_ns"][] as $k | ["line_rate", $n, $k, .[$k]])),
	(.targets[] | ["target", .target, "result", .result])
	| @csv' "$BDIR/results.json" >"$BDIR/results.csv"

jq -r "$JQDEFS"'
	"Targets",
	(.targets[0:4][] | "  \(.target | rp(60)) \(.result) \(.worst_ratio | r(100))x, margin \(.margin | r(100)) (worst: \(.worst_case))"),
	(.targets[4] | "  \(.target | rp(60)) \(.result) \(.responses_lost) of \(.responses_counted) responses lost in \(.runs_checked) counting runs; highest rate \(.max_rate_pps / 1000 | r(1)) kpps (sipstat command, trafgen on every CPU)")
' "$BDIR/results.json"
say ""
say "results: $BDIR/results.json, $BDIR/results.csv; JIT disassembly: $BDIR/{empty,minimal,sipstat}.jited.txt"
say "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
