#!/usr/bin/env python3
"""Where a stream-flood probe's time goes: lines each gateway probe (FloodMain's probes.txt, CLOCK_MONOTONIC) up
with its row in the gateway's request log and its spans (the store, epoch time; clocks.txt holds both clocks at
one moment), and with the /metrics samples of the virtual-thread scheduler's queue (queued.txt, from
metrics-sampler.py).

usage: probe-parts.py FLOOD_DIR

Per gateway probe: client TTFT = before receipt (client send → the request's receipt: for jars before the receipt
was stamped on the event loop, the Exchange made on the virtual thread — the event loop's accept and read, the
hand-off to a virtual thread and its wait for a carrier; since, the event loop's read of the head only, and the hand-off
moves into ttft_ms, shown as receipt → root span) + the gateway's own ttft_ms
(receipt → first token marked written on the event loop; from spans: routing = root start → the attempt span's
start, upstream = the attempt's first content) + after (the event loop's write and flush, the client reading).
Prints p50/p90/p99/max of each part and the slowest probes' parts.
"""
import os
import sqlite3
import sys


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else float('nan')


def row(name, xs):
    return f'{name:<44} n={len(xs):>4} p50 {pct(xs, 50):8.1f}  p90 {pct(xs, 90):8.1f}  p99 {pct(xs, 99):8.1f}  max {max(xs) if xs else 0:8.1f}'


d = sys.argv[1]
mono0, epoch0 = map(int, open(os.path.join(d, 'clocks.txt')).read().split())
probes = []
for line in open(os.path.join(d, 'probes.txt')):
    kind, sent, ttft = line.split()
    probes.append((kind, int(sent), int(ttft)))
gw = [(s, t) for k, s, t in probes if k == 'gateway']
direct = [t / 1e6 for k, s, t in probes if k == 'direct']

db = sqlite3.connect(f'file:{os.path.join(d, "s.db")}?mode=ro', uri=True)
try:  # the root span's start, carried in the row since V67: where the request's virtual thread began
    rows = db.execute('select request_id, ts, ttft_ms, status, span_start_ns from request_log where stream = 1 '
                      'order by ts').fetchall()
except sqlite3.OperationalError:
    rows = [r + (None,) for r in db.execute('select request_id, ts, ttft_ms, status from request_log where stream = 1 '
                                             'order by ts').fetchall()]
# the probes are the requests that arrived after the first probe was sent (the ramp's had all arrived by then)
first_ms = (gw[0][0] - mono0 + epoch0) / 1e6 - 1 if gw else 0
late = [r for r in rows if r[1] >= first_ms]
spans = {}
for trace, name, kind, start, end, attrs in db.execute(
        'select trace_id, name, kind, start_ns, end_ns, null from spans'):
    spans.setdefault(trace, []).append((name, kind, start, end))
req_trace = {}
try:
    for rid, trace in db.execute('select request_id, trace_id from request_log'):
        req_trace[rid] = trace
except sqlite3.OperationalError:
    pass

queued = []
qpath = os.path.join(d, 'queued.txt')
if os.path.exists(qpath):
    for line in open(qpath):
        parts = line.split()
        vals = dict(p.split('=') for p in parts[1:] if '=' in p)
        if 'sluice_threads_queued' in vals:
            queued.append((int(parts[0]), float(vals['sluice_threads_queued']), float(vals.get('took_ms', 'nan'))))

before, own, after, client, qmax, handoff = [], [], [], [], [], []
slow = []
# the k-th gateway probe is the k-th request to arrive after the ramp (one probe in flight at a time per kind,
# sent 20 ms apart: they arrive in order unless one waits longer than 20 ms more than the next before receipt)
for k, (sent, ttft) in enumerate(gw):
    sent_ms = (sent - mono0 + epoch0) / 1e6
    if k >= len(late):
        break
    rid, ts, ttft_ms, status, root_ns = late[k]
    if root_ns:
        handoff.append(root_ns / 1e6 - ts)
    c = ttft / 1e6
    b = ts - sent_ms
    o = ttft_ms if ttft_ms is not None and ttft_ms >= 0 else float('nan')
    a = c - b - o
    client.append(c)
    before.append(b)
    own.append(o)
    after.append(a)
    qs = [q for t, q, took in queued if sent - 1e9 <= t <= sent + ttft]
    qmax.append(max(qs) if qs else float('nan'))
    slow.append((c, b, o, a, qs, rid))

print(f'{d}: {len(gw)} gateway probes, {len(late)} request-log rows after the first, {len(queued)} queue samples')
print(row('client TTFT, gateway probes (ms)', client))
print(row('client TTFT, direct probes (ms)', direct))
print(row('  before receipt (send → Exchange made)', before))
print(row('  gateway ttft_ms (receipt → first token written)', [x for x in own if x == x]))
# with the receipt stamped on the event loop (HttpCall.receivedNanos), the request log's ts is the loop's read and
# the root span starts on the virtual thread: the difference is the hand-off (ms resolution); ~0 for older jars
print(row('    of which receipt → root span (loop → carrier)', handoff))
print(row('  after (flush → the client read it)', [x for x in after if x == x]))
qv = [q for t, q, took in queued]
print(row('sluice_threads_queued samples, whole run', qv))
print(row('  ... during the probes (max per probe)', [q for q in qmax if q == q]))
print(row('/metrics scrape time (ms)', [took for t, q, took in queued if took == took]))
print('slowest gateway probes: client / before / gateway / after ms, queue samples')
for c, b, o, a, qs, rid in sorted(slow, reverse=True)[:8]:
    print(f'  {c:8.1f} {b:8.1f} {o:8.1f} {a:8.1f}  {qs} {rid}')
