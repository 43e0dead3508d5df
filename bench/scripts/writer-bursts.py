#!/usr/bin/env python3
"""CPU bursts of one thread (default: the store writer, sluice-store-writer) of a running JVM, from
/proc/<pid>/task/<tid>/schedstat (ns of CPU, exact) polled every POLL ms for DUR s. A burst = the CPU the thread
used between two idle gaps (no CPU for >= GAP ms): for the writer, one flush. Prints the bursts' count, CPU
percentiles (ms) and their wall span, and the share of the window the thread ran, and the mean CPU
it held a CPU for at a stretch within a burst (a burst's CPU / the times it was switched in: schedstat's third field).
usage: writer-bursts.py PID [DUR=20] [NAME=sluice-store-writer] [POLL=0.5] [GAP=3]"""
import os, sys, time
pid = int(sys.argv[1]); dur = float(sys.argv[2]) if len(sys.argv) > 2 else 20
name = sys.argv[3] if len(sys.argv) > 3 else 'sluice-store-writer'
poll = (float(sys.argv[4]) if len(sys.argv) > 4 else 0.5) / 1000; gap = (float(sys.argv[5]) if len(sys.argv) > 5 else 3) / 1000
tid = None
for t in os.listdir(f'/proc/{pid}/task'):
    try:
        if name.startswith(open(f'/proc/{pid}/task/{t}/comm').read().strip()):
            tid = t
    except OSError:
        pass
if tid is None:
    print(f'no thread {name}'); sys.exit(1)
f = f'/proc/{pid}/task/{tid}/schedstat'
def sched():
    with open(f) as h:
        v = h.read().split()
        return int(v[0]), int(v[2])
def cpu():
    return sched()[0]
bursts = []  # (cpu ns, wall s)
start = time.monotonic(); c0, r0 = sched(); prev = c0; prev_runs = r0; last_change = None; b_cpu = 0; b_start = None; b_runs = 0
while time.monotonic() - start < dur:
    time.sleep(poll)
    now = time.monotonic(); c, runs = sched()
    if c != prev:
        if b_start is None:
            b_start = now
        b_cpu += c - prev; b_runs += runs - prev_runs; last_change = now; prev = c; prev_runs = runs
    elif b_start is not None and now - last_change >= gap:
        bursts.append((b_cpu, last_change - b_start, max(1, b_runs))); b_cpu = 0; b_start = None; b_runs = 0
        prev_runs = runs
total = cpu() - c0; wall = time.monotonic() - start
if not bursts:
    print('no bursts'); sys.exit(0)
cs = sorted(b[0] / 1e6 for b in bursts); ws = sorted(b[1] * 1e3 for b in bursts)
pct = lambda a, p: a[min(len(a) - 1, int(p * len(a)))]
print(f'bursts={len(bursts)} per_s={len(bursts)/wall:.1f} cpu_ms p50={pct(cs,.5):.2f} p90={pct(cs,.9):.2f} p99={pct(cs,.99):.2f} max={cs[-1]:.2f} '
      f'wall_ms p50={pct(ws,.5):.2f} p90={pct(ws,.9):.2f} max={ws[-1]:.2f} busy={total/1e9/wall*100:.1f}% '
      f'cpu_ms_per_run={sum(cs)/sum(b[2] for b in bursts):.3f}')
