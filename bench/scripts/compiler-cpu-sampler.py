#!/usr/bin/env python3
# compiler-cpu-sampler.py PID OUT: every 0.2 s, the epoch time and the CPU ns (schedstat) of each JIT compiler thread
import os, sys, time
pid, out = sys.argv[1], sys.argv[2]
with open(out, 'w') as f:
    while os.path.exists(f'/proc/{pid}'):
        row = [f'{time.time():.3f}']
        try:
            for t in sorted(os.listdir(f'/proc/{pid}/task')):
                try:
                    c = open(f'/proc/{pid}/task/{t}/comm').read().strip()
                    if 'Compiler' in c:
                        row.append(c.replace(' ', '') + '=' + open(f'/proc/{pid}/task/{t}/schedstat').read().split()[0])
                except OSError: pass
        except OSError: break
        f.write(' '.join(row) + '\n'); f.flush(); time.sleep(0.2)
