#!/usr/bin/env python3
"""CPU samples of a gateway recording by thread group, and what the request's threads run for tracing and the log.
usage: bench/scripts/jfr-cpu-split.py rec.jfr REQUESTS [event, default jdk.CPUTimeSample] [topN]
(rec.jfr from cpu-per-request.sh JFR=1; REQUESTS = the run's req=). Reads `jfr print --stack-depth 96`. Thread groups:
carrier (ForkJoinPool workers and the request virtual threads, sluice-http-*), io (sluice-io), writer (the store
writer), other:<name>. For carrier, io and writer: the top self frames, the outermost tracing / request-log frame of
each sample (dev.sluice.trace.*, RequestSpan, RequestLogger, Tracing, RequestRecord, SpanRecord, BatchWriter,
AttemptSpan: a sample counts once, under the outermost), and the top inclusive dev.sluice frames.
Run it on a `default` and a `bare` recording and compare samples per request (bench/README.md, session 16)."""
import os, sys, subprocess, re, collections
rec, reqs = sys.argv[1], int(sys.argv[2])
ev = sys.argv[3] if len(sys.argv) > 3 else 'jdk.CPUTimeSample'
top = int(sys.argv[4]) if len(sys.argv) > 4 else 25
p = subprocess.Popen([os.path.join(os.environ.get('JAVA_HOME', '/usr/lib/jvm/temurin-25-jdk-amd64'), 'bin', 'jfr'), 'print', '--stack-depth', '96', '--events', ev, rec],
                     stdout=subprocess.PIPE, text=True)
def group(t):
    t = re.sub(r'"', '', t)
    if t.startswith('ForkJoinPool') or t == '' or t.startswith('sluice-http') or 'virtual' in t.lower(): return 'carrier'
    if t.startswith('sluice-io'): return 'io'
    if t.startswith('sluice-store') or t.startswith('sluice-spans') or t.startswith('sluice-request'): return 'writer'
    return 'other:' + re.sub(r'[-#]?\d+$', '', t)
samples = collections.Counter()
selfc = collections.defaultdict(collections.Counter)
incl = collections.defaultdict(collections.Counter)
trace_incl = collections.defaultdict(collections.Counter)
TR = re.compile(r'dev\.sluice\.(trace\.|observe\.RequestSpan|observe\.RequestLogger|observe\.Tracing|store\.RequestRecord|store\.SpanRecord|store\.BatchWriter|route\.AttemptSpan)')
frames = []; thread = None; inev = False; instack = False
def flush():
    global frames, thread
    if thread is None: return
    g = group(thread)
    samples[g] += 1
    if frames:
        selfc[g][frames[0]] += 1
    seen = set()
    hit = None
    for f in frames:
        if f not in seen:
            seen.add(f)
            if f.startswith('dev.sluice') or f.startswith('java.') or f.startswith('io.netty') or f.startswith('com.'):
                incl[g][f] += 1
        if hit is None and TR.search(f): hit = f
    # outermost tracing frame
    outer = None
    for f in frames:
        if TR.search(f): outer = f
    if outer: trace_incl[g][outer] += 1
    frames = []; thread = None
for line in p.stdout:
    s = line.strip()
    if s.startswith(ev + ' {'):
        inev = True; frames = []; thread = None; continue
    if not inev: continue
    if s.startswith('stackTrace = ['): instack = True; continue
    if instack:
        if s == ']' or s.startswith(']'):
            instack = False; continue
        if s == '...': continue
        m = re.match(r'(.*?\))(?:\s+line:.*)?$', s)
        frames.append(m.group(1) if m else s)
        continue
    if s.startswith('eventThread =') or s.startswith('sampledThread ='):
        m = re.search(r'= "(.*?)"', s)
        thread = m.group(1) if m else s
        continue
    if s == '}':
        flush(); inev = False
tot = sum(samples.values())
print(f'{ev}: {tot} samples, {reqs} requests')
for g, n in samples.most_common():
    print(f'  {g:40s} {n:7d}  {n*1e6/reqs:8.1f} samples/Mreq')
for g in ['carrier', 'io', 'writer']:
    if g not in samples: continue
    n = samples[g]
    print(f'\n== {g}: top self frames ({n})')
    for f, c in selfc[g].most_common(top): print(f'  {c:6d} {100*c/n:5.1f}%  {f}')
    print(f'== {g}: outermost tracing/log frame in stack ({sum(trace_incl[g].values())} = {100*sum(trace_incl[g].values())/n:.1f}%)')
    for f, c in trace_incl[g].most_common(top): print(f'  {c:6d} {100*c/n:5.1f}%  {f}')
    print(f'== {g}: inclusive dev.sluice frames')
    for f, c in [(f, c) for f, c in incl[g].most_common(400) if f.startswith('dev.sluice')][:top]: print(f'  {c:6d} {100*c/n:5.1f}%  {f}')
