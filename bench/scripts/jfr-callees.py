#!/usr/bin/env python3
"""The callee tree below the first frame (from the thread's root) matching REGEX, over a recording's jdk.CPUTimeSample.
usage: bench/scripts/jfr-callees.py rec.jfr REGEX [depth, default 4] [thread-name substring]
e.g. jfr-callees.py rec.jfr 'RequestSpan.completed' 6 | awk '$1 >= 2'   (samples per node, indented by depth)"""
import os, sys, subprocess, re, collections
rec, rx = sys.argv[1], re.compile(sys.argv[2]); depth = int(sys.argv[3]) if len(sys.argv) > 3 else 4
tp = sys.argv[4] if len(sys.argv) > 4 else None
ev = 'jdk.CPUTimeSample'
p = subprocess.Popen([os.path.join(os.environ.get('JAVA_HOME', '/usr/lib/jvm/temurin-25-jdk-amd64'), 'bin', 'jfr'), 'print', '--stack-depth', '128', '--events', ev, rec], stdout=subprocess.PIPE, text=True)
tree = collections.Counter(); total = 0; matched = 0
frames = []; thread = ''; inst = False
for line in p.stdout:
    s = line.strip()
    if s.startswith(ev + ' {'): frames = []; thread = ''; continue
    if s.startswith('stackTrace = ['): inst = True; continue
    if inst:
        if s.startswith(']'): inst = False; continue
        if s == '...': continue
        m = re.match(r'(.*?\))(?:\s+line:.*)?$', s); frames.append(m.group(1) if m else s); continue
    if s.startswith('eventThread ='): thread = s; continue
    if s == '}':
        if tp and tp not in thread: continue
        total += 1
        fr = list(reversed(frames))  # root first
        for i, f in enumerate(fr):
            if rx.search(f):
                matched += 1
                path = tuple(fr[i:i + depth])
                for k in range(1, len(path) + 1): tree[path[:k]] += 1
                break
print(f'{matched} of {total} samples')
for path, c in sorted(tree.items()):
    print(f'{c:6d} ' + '  ' * (len(path) - 1) + path[-1])
