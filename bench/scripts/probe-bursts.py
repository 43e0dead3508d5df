#!/usr/bin/env python3
"""Whether a stream flood's probes waited behind bursts of the held streams' events.

usage: probe-bursts.py FLOOD_DIR [FLOOD_DIR...]

Reads FloodMain's probes.txt and probes.txt.reads (the held streams' reads by the one client thread, per 10 ms from
the flood's start, on CLOCK_MONOTONIC). N streams with one event a second each, spread evenly, give N/100 reads per
10 ms; the simulator paces each stream from its previous write (sleep itl), so a pause of the simulator (a young
collection of 50-150 ms while the ramp fills its old generation) makes every stream whose event fell in it emit at
the pause's end and stay in step from then on: a burst at the same point of every second. Prints, over the probes'
seconds: reads per 10 ms (p50, p99, max) and the share of reads in the busiest tenth of the bins; per probe kind,
the TTFT of probes whose window [sent - 10 ms, first content] held a 10 ms bin of more than 3x the median (in a
burst) and of the others.
"""
import os
import sys


def pct(xs, p):
    xs = sorted(xs)
    return xs[max(0, min(len(xs) - 1, -(-len(xs) * p // 100) - 1))] if xs else float('nan')


def one(d):
    probes = [(k, int(s), int(t)) for k, s, t in (l.split() for l in open(os.path.join(d, 'probes.txt')) if l.strip())]
    lines = open(os.path.join(d, 'probes.txt.reads')).read().split()
    start = int(lines[0])
    bins = [int(x) for x in lines[1:]]
    p0 = min(s for _, s, _ in probes)
    p1 = max(s + t for _, s, t in probes)
    b0, b1 = (p0 - start) // 10_000_000, min(len(bins) - 1, (p1 - start) // 10_000_000)
    window = bins[b0:b1 + 1]
    med = pct(window, 50)
    top = sorted(window, reverse=True)[:max(1, len(window) // 10)]
    print(f'{d}: probes\' seconds {len(window) / 100:.1f} s, reads per 10 ms p50 {med} p99 {pct(window, 99)} '
          f'max {max(window)}; the busiest 10% of bins hold {100 * sum(top) / max(1, sum(window)):.0f}% of the reads')
    for kind in ('gateway', 'direct'):
        inb, out = [], []
        for k, s, t in probes:
            if k != kind:
                continue
            lo = max(0, (s - 10_000_000 - start) // 10_000_000)
            hi = min(len(bins) - 1, (s + t - start) // 10_000_000)
            peak = max(bins[lo:hi + 1]) if hi >= lo else 0
            (inb if peak > 3 * med else out).append(t / 1e6)
        print(f'  {kind}: {len(inb)} probes in a burst: p50 {pct(inb, 50):.2f} p99 {pct(inb, 99):.2f} ms; '
              f'{len(out)} in none: p50 {pct(out, 50):.2f} p90 {pct(out, 90):.2f} p99 {pct(out, 99):.2f} max '
              f'{max(out) if out else float("nan"):.2f} ms')


for d in sys.argv[1:]:
    one(d)
