#!/usr/bin/env python3
"""jit-report.py DIR/rec.jfr: the C2 CPU of each compilation (from DIR/csamp.txt, jit-windows.sh's sampler; JFR's own
durations, wall time, without it) by 20 s bucket and by method, recompilations, and every deoptimisation with its
reason, method, line, bci and the stack that hit it. bench/README.md, "Session 9: the JIT in steady state"."""
import json, os, sys, subprocess, collections, datetime
f = sys.argv[1]
J = os.path.join(os.environ.get('JAVA_HOME', '/usr/lib/jvm/temurin-25-jdk-amd64'), 'bin', 'jfr')
d = json.loads(subprocess.run([J, 'print', '--json', '--stack-depth', '12', '--events', 'jdk.Compilation,jdk.Deoptimization,jdk.CompilationFailure', f], capture_output=True, text=True).stdout)
ev = d['recording']['events']
def meth(m):
    return m['type']['name'].split('.')[-1] + '.' + m['name'] if m else '?'
def fulls(m): return m['type']['name'] + '.' + m['name'] if m else '?'
def dur(s):  # 'PT0.000335S'
    return float(s[2:-1]) if s.startswith('PT') and s.endswith('S') and 'M' not in s else 0.0
def t(e): return datetime.datetime.fromisoformat(e['values']['startTime'].replace('Z','+00:00'))
start = min(t(e) for e in ev)
comp = [e for e in ev if e['type']=='jdk.Compilation']
import os, bisect
samp = {}
cs = os.path.join(os.path.dirname(f), 'csamp.txt')
if os.path.exists(cs):
    for l in open(cs):
        p = l.split(); tt = float(p[0])
        for kv in p[1:]:
            k, v = kv.split('='); samp.setdefault(k[:2], []).append((tt, int(v)))
def cum(th, x):
    a = samp.get(th)
    if not a: return 0
    i = bisect.bisect_left(a, (x, -1))
    if i == 0: return a[0][1]
    if i >= len(a): return a[-1][1]
    (t1, v1), (t2, v2) = a[i-1], a[i]
    return v1 + (v2 - v1) * (x - t1) / (t2 - t1)
for e in comp:
    v = e['values']; st = t(e).timestamp(); th = 'C2' if v['compiler']=='c2' else 'C1'
    v['cpu'] = (cum(th, st + dur(v['duration'])) - cum(th, st)) / 1e9 if samp else dur(v['duration'])
c2 = [e for e in comp if e['values']['compileLevel']==4]
print(f"compilations {len(comp)}, C2 {len(c2)}, C2 cpu total {sum(e['values']['cpu'] for e in c2):.1f}s C1 cpu total {sum(e['values']['cpu'] for e in comp if e['values']['compiler']=='c1'):.1f}s")
# by time bucket (20s)
b = collections.defaultdict(lambda: [0,0.0,0])
for e in c2:
    k = int((t(e)-start).total_seconds()//20)*20; b[k][0]+=1; b[k][1]+=e['values']['cpu']; b[k][2]+= e['values']['inlinedBytes']
for k in sorted(b): print(f"  t={k:4d}s C2 compiles {b[k][0]:5d} cpu {b[k][1]:6.2f}s inlinedBytes {b[k][2]/1e3:8.0f}k")
by = collections.defaultdict(lambda: [0,0.0,0])
for e in c2:
    m = fulls(e['values']['method']); by[m][0]+=1; by[m][1]+=e['values']['cpu']; by[m][2]+=e['values']['inlinedBytes']
print("top C2 methods by cpu (wall if no csamp):")
for m, v in sorted(by.items(), key=lambda x: -x[1][1])[:30]: print(f"  {v[1]*1000:8.0f} ms {v[0]:3d}x inl {v[2]/1e3:6.0f}k {m}")
rc = collections.Counter(v[0] for v in by.values())
print("C2 compiles per method histogram:", dict(sorted(rc.items())), "recompiles:", sum((n-1)*k for n,k in rc.items()))
print("recompile cpu share:", sum(v[1]*(v[0]-1)/v[0] for v in by.values()), "s")
de = [e for e in ev if e['type']=='jdk.Deoptimization']
print(f"deopts {len(de)}")
rr = collections.Counter((e['values']['reason'], e['values']['action']) for e in de); print(rr.most_common())
for e in de:
    v = e['values']; st = v.get('stackTrace') or {}
    fr = [meth(x['method'])+':'+str(x.get('lineNumber')) for x in (st.get('frames') or [])][:8]
    print(f"  {(t(e)-start).total_seconds():7.1f}s {v['reason']:18s} {v['action']:10s} {fulls(v['method'])}:{v['lineNumber']} bci={v['bci']} {v['instruction']} | {' < '.join(fr[1:7])}")
for e in ev:
    if e['type']=='jdk.CompilationFailure': print('FAIL', e['values'])
print("== recompiled methods by CPU of their recompilations (all but the first compile)")
seq = collections.defaultdict(list)
for e in sorted(c2, key=lambda e: t(e)): seq[fulls(e['values']['method'])].append(e['values']['cpu'])
tr = collections.defaultdict(collections.Counter)
for e in de: tr[fulls(e['values']['method'])][e['values']['reason']] += 1
rows = sorted(((sum(v[1:]), len(v), m) for m, v in seq.items() if len(v) > 1), reverse=True)
print("total recompile cpu %.2fs" % sum(r[0] for r in rows))
for cpu, n, m in rows[:25]: print(f"  {cpu*1000:7.0f} ms {n}x {m} traps={dict(tr.get(m, {}))}")
