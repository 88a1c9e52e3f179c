#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Alert latency, from the frame to the hook: sipstat on one end of a veth
# pair with --alert-exec on a small C hook that notes when it runs; N 603
# responses sent from the other end, spaced (default 300, 20 ms apart);
# for each, the hook's CLOCK_REALTIME minus the frame's kernel time (as
# sipstat hands it over in SIPSTAT_FRAME_TIME_NS).  Prints p50, p99 and
# the maximum in ms against the target p99 < 50 ms (PASS/MISS, never a
# failure).  Needs root; O=DIR picks the build directory.
#
#   N=1000 GAP=0.005 tests/bench/bench_alert.sh
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
SST_SUITE=bench_alert

need_root
need_cmd ip python3 cc

N=${N:-300}
GAP=${GAP:-0.02}
TARGET_MS=50
SIPSTAT=$SST_O/sipstat
[[ -x $SIPSTAT ]] || { echo "bench_alert: $SIPSTAT missing: make O=$O" >&2; exit 1; }

pair_setup || { echo "bench_alert: namespaces could not be set up" >&2; exit 1; }
sst_tmpdir
T=$SST_TMP
cc -O2 -o "$T/hook" "$SST_ROOT/tests/bench/alert_hook.c" || exit 1

bg_start "$NS_A" "$T/out" "$T/err" "$SIPSTAT" -i "$IF_A" 60 \
	--alert 'class=6xx count>0 hold 0s' --event-rate 0/s --alert-exec "$T/hook"
wait_until 60 grep -q 'counting on' "$T/err" || { cat "$T/err" >&2; exit 1; }
sleep 0.5

ip netns exec "$NS_B" python3 - "$N" "$GAP" "$B4" "$A4" <<'PY'
import socket, sys, time
n, gap, src, dst = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
msg = ("SIP/2.0 603 Decline\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-b\r\n"
       "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n" % src).encode()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 5060))
for _ in range(n):
    s.sendto(msg, (dst, 5060))
    time.sleep(gap)
PY
wait_until 10 bash -c "[[ \$(wc -l < '$T/latency.txt' 2>/dev/null || echo 0) -ge $N ]]"
stop_pid "$SST_LAST_PID" INT 10

python3 - "$T/latency.txt" "$N" "$TARGET_MS" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ms = sorted((int(b) - int(a)) / 1e6 for a, b in rows)
n, want, target = len(ms), int(sys.argv[2]), float(sys.argv[3])
def pct(p):
    return ms[min(n - 1, max(0, int(round(p / 100.0 * n + 0.5)) - 1))]
print("alert latency, frame to hook (--alert-exec, C hook): %d of %d alerts" % (n, want))
print("  p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   max %.2f ms" % (pct(50), pct(90), pct(99), ms[-1]))
print("  target p99 < %.0f ms: %s (margin %.1f ms)" % (target, "PASS" if pct(99) < target else "MISS",
                                                    target - pct(99)))
sys.exit(0 if n == want else 1)
PY
