#!/usr/bin/env python3
"""Samples a gateway's /metrics every INTERVAL seconds until killed: one line per sample,
"MONOTONIC_NS name=value ..." for the gauges asked for (default: the virtual-thread scheduler's).
time.monotonic_ns() is CLOCK_MONOTONIC, the clock of FloodMain's probe log and of the GC log's timenanos,
so samples line up with probes (bench/scripts/probe-queue.py).

usage: metrics-sampler.py URL OUT [INTERVAL=0.1] [GAUGE...]
"""
import sys
import time
import urllib.request

url, out = sys.argv[1], sys.argv[2]
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
gauges = sys.argv[4:] or ['sluice_threads_queued', 'sluice_threads_carriers']
with open(out, 'w') as f:
    while True:
        t = time.monotonic_ns()
        try:
            body = urllib.request.urlopen(url, timeout=5).read().decode()
        except Exception as e:  # the gateway not up yet, or gone
            f.write(f'{t} error={type(e).__name__}\n')
            f.flush()
            time.sleep(interval)
            continue
        values = {}
        for line in body.splitlines():
            for g in gauges:
                if line.startswith(g + ' ') or line.startswith(g + '{'):
                    values[g] = line.rsplit(' ', 1)[1]
        f.write(f'{t} ' + ' '.join(f'{k}={v}' for k, v in values.items()) + f' took_ms={(time.monotonic_ns() - t) / 1e6:.1f}\n')
        f.flush()
        time.sleep(interval)
