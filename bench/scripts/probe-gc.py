#!/usr/bin/env python3
"""Lines up a stream flood's probes with the safepoints (GC pauses included) of the gateway and the simulator.

usage: probe-gc.py PROBES GATEWAY_GC_LOG [SIMULATOR_GC_LOG [HARNESS_GC_LOG]]

PROBES is FloodMain's probe log ("gateway|direct SENT_NS TTFT_NS", System.nanoTime = CLOCK_MONOTONIC); the GC
logs are -Xlog:gc,safepoint:file=...:uptimenanos,timenanos (the first decoration is CLOCK_MONOTONIC too). A
safepoint line is logged as it ends, so its interval is [t - Total, t] (time to reach it included: the threads
stop one by one during it, a new request's work stops at the latest when the last does).

HARNESS_GC_LOG is the flood client's own (stream-flood.sh writes harness-gc.log): its one thread reads every probe,
so a pause there delays gateway and direct probes alike.

Prints, for the gateway's probes and the direct ones: TTFT p50/p90/p99/max; how many probes overlap a
gateway / simulator safepoint and by how much; TTFT with those overlaps taken out; the slowest probes, each
with what it overlapped.
"""
import re
import sys


def safepoints(path):
    out = []
    if not path:
        return out
    for line in open(path):
        if 'Safepoint "' not in line:
            continue
        t = int(re.match(r'\[(\d+)ns\]', line).group(1))
        total = int(re.search(r'Total: (\d+) ns', line).group(1))
        reach = int(re.search(r'Reaching safepoint: (\d+) ns', line).group(1))
        op = re.search(r'Safepoint "([^"]+)"', line).group(1)
        out.append((t - total, t, op, reach))
    return out


def overlap(a0, a1, spans):
    total = 0
    hit = []
    for s0, s1, op, reach in spans:
        if s1 <= a0 or s0 >= a1:
            continue
        o = min(a1, s1) - max(a0, s0)
        total += o
        hit.append((op, (s1 - s0) / 1e6, reach / 1e6, o / 1e6))
    return total, hit


def pct(xs, p):
    if not xs:
        return float('nan')
    xs = sorted(xs)
    return xs[max(0, min(len(xs) - 1, -(-len(xs) * p // 100) - 1))]


def main():
    probes = [l.split() for l in open(sys.argv[1]) if l.strip()]
    gw = safepoints(sys.argv[2])
    sim = safepoints(sys.argv[3] if len(sys.argv) > 3 else None)
    harness = safepoints(sys.argv[4] if len(sys.argv) > 4 else None)
    for kind in ('gateway', 'direct'):
        rows = []
        for k, sent, ttft in probes:
            if k != kind:
                continue
            sent, ttft = int(sent), int(ttft)
            og, hg = overlap(sent, sent + ttft, gw)
            os_, hs = overlap(sent, sent + ttft, sim)
            oh, _ = overlap(sent, sent + ttft, harness)
            rows.append((ttft, og, os_, hg, hs, sent, oh))
        if not rows:
            continue
        t = [r[0] / 1e6 for r in rows]
        g = [(r[0] - r[1]) / 1e6 for r in rows]
        gs = [(r[0] - r[1] - r[2]) / 1e6 for r in rows]
        n_g = sum(1 for r in rows if r[1] > 0)
        n_s = sum(1 for r in rows if r[2] > 0)
        n_h = sum(1 for r in rows if r[6] > 0)
        clean = [r[0] / 1e6 for r in rows if r[1] == 0 and r[2] == 0 and r[6] == 0]
        print(f"{kind}: n={len(rows)} ttft ms p50 {pct(t, 50):.2f} p90 {pct(t, 90):.2f} p99 {pct(t, 99):.2f} "
              f"max {max(t):.2f}; overlap a gateway safepoint: {n_g} ({sum(r[1] for r in rows) / 1e6:.1f} ms), "
              f"a simulator safepoint: {n_s} ({sum(r[2] for r in rows) / 1e6:.1f} ms)")
        print(f"  without gateway safepoints: p50 {pct(g, 50):.2f} p90 {pct(g, 90):.2f} p99 {pct(g, 99):.2f}; "
              f"without both: p50 {pct(gs, 50):.2f} p90 {pct(gs, 90):.2f} p99 {pct(gs, 99):.2f}")
        print(f"  overlap a harness safepoint: {n_h} ({sum(r[6] for r in rows) / 1e6:.1f} ms); the {len(clean)} that "
              f"overlapped no pause of any of the three: p50 {pct(clean, 50):.2f} p90 {pct(clean, 90):.2f} "
              f"p99 {pct(clean, 99):.2f}")
        for r in sorted(rows, reverse=True)[:6]:
            print(f"  slow: {r[0] / 1e6:8.2f} ms  gateway sp {r[1] / 1e6:6.2f} ms {r[3][:3]}  sim sp {r[2] / 1e6:6.2f} ms "
                  f"{r[4][:2]}  harness sp {r[6] / 1e6:6.2f} ms")


if __name__ == '__main__':
    main()
