#!/usr/bin/env python3
"""Thread hand-offs per request: context switches, CPU and syscalls per request by thread group, builds alternated.

    bench/scripts/handoffs.py --ports 22000-22999 --rounds 3 base=/path/base.jar new=target/sluice.jar

Starts one simulator and, per NAME=JAR and per variant (--variants default,off; bare = default without tracing and request log), one gateway with the launcher's
flags (Startups.LAUNCHER_FLAGS; EXTRA_<NAME>="flags" adds JVM flags to one build) and cpu-per-request.sh's bench
configuration (default = auth, limits, request log, tracing; off = no auth, limits, tracing). All gateways stay up;
each is warmed once (--warm s of wrk at each concurrency), then the rounds alternate between them: per gateway and
concurrency (--conns 1,16) a short re-warm (--rewarm s, so a gateway that sat idle recompiles what it deoptimised),
then a measured window of wrk (--dur s, --latency). Around each window every thread's
/proc/PID/task/TID/{status,schedstat,stat} is read; the differences are summed by thread group (the thread name
without its number) and divided by the requests wrk counted:

  vol   voluntary context switches per request (the thread blocked: each is one later wake-up of it)
  inv   involuntary ones (preempted)
  runs  times the thread was put on a CPU (schedstat's third field)
  cpu   CPU us per request (schedstat, ns)
  wait  run-queue wait us per request (schedstat: runnable, not running)

--perf-syscalls adds, for the c=1 window, `perf record -e raw_syscalls:sys_enter` on the gateway's threads and the
syscalls per request by thread group and syscall. Prints one table per window and a summary (JSON lines into
--out/rounds.jsonl). The machine is shared: counts are the result, latency corroboration (load printed).
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

JAVA = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64") + "/bin/java"
LAUNCHER_FLAGS = ["-XX:+UseSerialGC", "-Xms16m", "-XX:NewRatio=1", "-XX:MinHeapFreeRatio=10",
                  "-XX:MaxHeapFreeRatio=20", "-XX:-ShrinkHeapInSteps", "-XX:+UseCompactObjectHeaders",
                  "--sun-misc-unsafe-memory-access=allow"]
BODY = ('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise the benefits of an LLM gateway in two'
        ' sentences."}],"temperature":0}')
SYSCALLS = {0: "read", 1: "write", 7: "poll", 17: "pread64", 18: "pwrite64", 19: "readv", 20: "writev", 24: "sched_yield",
            35: "nanosleep", 39: "getpid", 44: "sendto", 45: "recvfrom", 46: "sendmsg", 47: "recvmsg",
            202: "futex", 228: "clock_gettime", 230: "clock_nanosleep", 232: "epoll_wait", 233: "epoll_ctl",
            281: "epoll_pwait", 441: "epoll_pwait2", 284: "eventfd", 290: "eventfd2", 11: "munmap", 9: "mmap",
            10: "mprotect", 28: "madvise", 3: "close", 257: "openat", 5: "fstat", 262: "newfstatat", 8: "lseek",
            74: "fsync", 75: "fdatasync", 16: "ioctl", 72: "fcntl", 96: "gettimeofday", 186: "gettid",
            200: "tkill", 234: "tgkill", 318: "getrandom", 435: "clone3", 56: "clone", 60: "exit", 95: "umask",
            14: "rt_sigprocmask", 13: "rt_sigaction", 15: "rt_sigreturn", 137: "statfs", 4: "stat", 6: "lstat",
            293: "pipe2", 22: "pipe", 302: "prlimit64", 98: "getrusage", 229: "clock_getres", 33: "dup2"}

PORTS = None


def port():
    global PORTS
    lo, hi, nxt = PORTS
    for i in range(hi - lo + 1):
        p = lo + (nxt - lo + i) % (hi - lo + 1)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
        PORTS = (lo, hi, lo + (p - lo + 1) % (hi - lo + 1))
        return p
    raise RuntimeError("no free port")


NAMES = {}  # tid -> the Java thread name (jcmd Thread.print): the kernel's comm is cut at 15 characters


def java_names(pid):
    out = subprocess.run([JAVA.replace("/java", "/jcmd"), str(pid), "Thread.print"], capture_output=True,
                         text=True).stdout
    for m in re.finditer(r'^"([^"]+)".*? nid=(\d+|0x[0-9a-f]+)', out, re.M):
        NAMES[str(int(m.group(2), 0))] = m.group(1)


def group(name, tid=None):
    name = NAMES.get(tid, name).strip()
    if name.startswith("ForkJoinPool.co"):
        return "common pool (ForkJoinPool)"
    if name.endswith("delayScheduler"):
        return "VT delay scheduler"
    if name.startswith("ForkJoinPool"):
        return "carrier (ForkJoinPool)"
    if name.startswith("sluice-io"):
        return "sluice-io (event loop)"
    if name.startswith("C2 Compiler") or name.startswith("C1 Compiler"):
        return "JIT " + name[:2]
    return re.sub(r"[-#]?\d+$", "", name) or name


def threads(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        d = f"/proc/{pid}/task/{tid}"
        try:
            comm = open(d + "/comm").read().strip()
            st = open(d + "/status").read()
            vol = int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", st, re.M).group(1))
            inv = int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", st, re.M).group(1))
            cpu, wait, runs = map(int, open(d + "/schedstat").read().split())
        except (OSError, AttributeError):
            continue
        out[tid] = (comm, vol, inv, runs, cpu, wait)
    return out


def diff(before, after, requests):
    groups = {}
    for tid, (comm, vol, inv, runs, cpu, wait) in after.items():
        b = before.get(tid, (comm, 0, 0, 0, 0, 0))
        g = groups.setdefault(group(comm, tid), [0, 0, 0, 0, 0, 0])
        g[0] += vol - b[1]
        g[1] += inv - b[2]
        g[2] += runs - b[3]
        g[3] += (cpu - b[4]) / 1000
        g[4] += (wait - b[5]) / 1000
        g[5] += 1
    return {k: [round(x / requests, 3) for x in v[:5]] for k, v in groups.items()
            if any(abs(x) / requests >= 0.005 for x in v[:2]) or v[3] / requests >= 0.5}


def wait_health(p, proc, secs=60, path="/health/ready"):
    for _ in range(secs * 10):
        if proc.poll() is not None:
            raise RuntimeError(f"process on {p} exited")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{p}{path}", timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"no health on {p}")


class Gateway:
    def __init__(self, name, jar, variant, sim, out, extra):
        self.name, self.jar, self.variant = name, jar, variant
        self.port = port()
        self.dir = f"{out}/{name}-{variant}"
        os.makedirs(self.dir, exist_ok=True)
        auth = "auth: {enabled: true, admin_key: sk-admin-bench-123456789}"
        limits = ("limits:\n  key: {rpm: 1000000000, tpm: 2000000000, concurrency: 100000, daily_usd: 1000000}\n")
        tracing = "true"
        if variant == "off":
            auth, limits, tracing = "auth: {enabled: false}", "", "false"
        if variant == "bare":  # cpu-per-request.sh's bare: default without tracing and without the request log
            tracing = "false"
            extra = extra + ["-Dsluice.bench.no_request_log=true"]
        for attempt in range(5):
            # a port free when picked can be taken as an ephemeral port (an upstream connection's) before a slow
            # start-up binds it: "already in use" -> another port
            self.write_config(sim, auth, tracing, limits)
            cmd = [JAVA] + LAUNCHER_FLAGS + extra + ["-jar", jar, "serve", "--config", self.dir + "/c.yaml"]
            self.proc = subprocess.Popen(cmd, stdout=open(self.dir + "/log", "w"), stderr=subprocess.STDOUT)
            try:
                wait_health(self.port, self.proc)
                break
            except RuntimeError:
                if attempt == 4 or "already in use" not in open(self.dir + "/log").read():
                    raise
                self.port = port()
        self.key = "none"
        if variant != "off":
            req = urllib.request.Request(f"http://127.0.0.1:{self.port}/admin/keys", data=b'{"name":"b"}',
                                         headers={"Authorization": "Bearer sk-admin-bench-123456789",
                                                  "Content-Type": "application/json"})
            self.key = json.loads(urllib.request.urlopen(req).read())["key"]
        with open(self.dir + "/w.lua", "w") as f:
            f.write(f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                    f'wrk.headers["Authorization"] = "Bearer {self.key}"\nwrk.body = \'{BODY}\'\n')

    def write_config(self, sim, auth, tracing, limits):
        with open(self.dir + "/c.yaml", "w") as f:
            f.write(f"server: {{host: 127.0.0.1, port: {self.port}, max_connections_per_ip: 0}}\n{auth}\n"
                    f"store: {{path: {self.dir}/s.db}}\ntracing: {{enabled: {tracing}}}\n{limits}"
                    f"providers:\n  sim: {{type: openai, base_url: \"http://127.0.0.1:{sim}/v1\", "
                    f"forward_headers: [\"x-sim-*\"]}}\nmodels:\n  gpt-4o-mini: {{provider: sim}}\n")
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(f"{self.dir}/s.db{suffix}")
            except FileNotFoundError:
                pass

    def wrk(self, conns, secs, latency=False):
        cmd = ["wrk", f"-t{2 if conns > 1 else 1}", f"-c{conns}", f"-d{int(secs)}s", "-s", self.dir + "/w.lua"]
        if latency:
            cmd.insert(1, "--latency")
        out = subprocess.run(cmd + [f"http://127.0.0.1:{self.port}/v1/chat/completions"], capture_output=True,
                             text=True).stdout
        reqs = int(re.search(r"(\d+) requests in", out).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        pct = {}
        for p, v, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)$", out, re.M):
            pct[p] = float(v) * {"us": 1, "ms": 1000, "s": 1e6}[unit]
        return reqs, (int(non2xx.group(1)) if non2xx else 0), pct

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def perf_syscalls(gw, secs, out):
    data = f"{gw.dir}/sys.data"
    p = subprocess.Popen(["perf", "record", "-q", "-e", "raw_syscalls:sys_enter", "-p", str(gw.proc.pid), "-o", data,
                          "--", "sleep", str(secs)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p, data


def syscall_table(gw, data, requests):
    names = {tid: group(c, tid) for tid, (c, *_) in threads(gw.proc.pid).items()}
    txt = subprocess.run(["perf", "script", "-i", data, "-F", "tid,trace"], capture_output=True, text=True).stdout
    counts = {}
    for line in txt.splitlines():
        m = re.match(r"\s*(\d+)\s+NR (\d+)", line)
        if not m:
            continue
        key = (names.get(m.group(1), "?"), SYSCALLS.get(int(m.group(2)), "nr" + m.group(2)))
        counts[key] = counts.get(key, 0) + 1
    return {f"{g} {s}": round(n / requests, 3) for (g, s), n in sorted(counts.items()) if n / requests >= 0.01}


def main():
    global PORTS
    ap = argparse.ArgumentParser()
    ap.add_argument("builds", nargs="+")
    ap.add_argument("--ports", default="22000-22999")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--variants", default="default,off")
    ap.add_argument("--conns", default="1,16")
    ap.add_argument("--warm", type=int, default=30)
    ap.add_argument("--rewarm", type=int, default=3)
    ap.add_argument("--dur", type=int, default=10)
    ap.add_argument("--perf-syscalls", action="store_true")
    ap.add_argument("--bursts", action="store_true", help="the store writer's CPU bursts (writer-bursts.py) per window")
    ap.add_argument("--out", default="/tmp/handoffs")
    ap.add_argument("--sim-jar")
    a = ap.parse_args()
    lo, hi = map(int, a.ports.split("-"))
    PORTS = (lo, hi, lo)
    os.makedirs(a.out, exist_ok=True)
    builds = [b.split("=", 1) for b in a.builds]
    sim_port = port()
    sim = subprocess.Popen([JAVA, "-XX:+UseSerialGC", "-jar", a.sim_jar or builds[0][1], "sim", "--port", str(sim_port)],
                           stdout=open(a.out + "/sim.log", "w"), stderr=subprocess.STDOUT)
    gws = []
    try:
        wait_health(sim_port, sim, path="/v1/models")
        for variant in a.variants.split(","):
            for name, jar in builds:
                extra = os.environ.get("EXTRA_" + name, "").split()
                gws.append(Gateway(name, jar, variant, sim_port, a.out, extra))
        conns = [int(c) for c in a.conns.split(",")]
        for gw in gws:
            for c in conns:
                gw.wrk(c, a.warm)
            java_names(gw.proc.pid)
        log = open(a.out + "/rounds.jsonl", "a")
        for r in range(a.rounds):
            for gw in gws:
                for c in conns:
                    gw.wrk(c, a.rewarm)
                    perf = None
                    if a.perf_syscalls and c == 1:
                        perf = perf_syscalls(gw, a.dur, a.out)
                    bursts = None
                    if a.bursts and gw.variant != "bare":
                        bursts = subprocess.Popen([sys.executable, os.path.dirname(os.path.abspath(__file__))
                                                   + "/writer-bursts.py", str(gw.proc.pid), str(a.dur)],
                                                  stdout=subprocess.PIPE, text=True)
                    load0 = open("/proc/loadavg").read().split()[0]
                    b = threads(gw.proc.pid)
                    reqs, non2xx, pct = gw.wrk(c, a.dur, latency=True)
                    t = threads(gw.proc.pid)
                    load1 = open("/proc/loadavg").read().split()[0]
                    rec = {"round": r + 1, "build": gw.name, "variant": gw.variant, "conns": c, "requests": reqs,
                           "non2xx": non2xx, "pct_us": pct, "load": [load0, load1], "groups": diff(b, t, reqs)}
                    if bursts:
                        rec["bursts"] = bursts.communicate()[0].strip()
                    if perf:
                        perf[0].wait()
                        rec["syscalls"] = syscall_table(gw, perf[1], reqs)
                    log.write(json.dumps(rec) + "\n")
                    log.flush()
                    report(rec)
    finally:
        for gw in gws:
            gw.stop()
        sim.send_signal(signal.SIGTERM)
        sim.wait(15)


def report(rec):
    g = rec["groups"]
    tot = [sum(v[i] for v in g.values()) for i in range(5)]
    print(f"\n== round {rec['round']} {rec['build']} {rec['variant']} c={rec['conns']} req={rec['requests']} "
          f"non2xx={rec['non2xx']} p50/p90/p99={rec['pct_us'].get('50')}/{rec['pct_us'].get('90')}/"
          f"{rec['pct_us'].get('99')} us load={rec['load'][0]}->{rec['load'][1]}")
    print(f"  {'group':32} {'vol':>7} {'inv':>7} {'runs':>7} {'cpu us':>8} {'wait us':>8}")
    for k, v in sorted(g.items(), key=lambda kv: -kv[1][3]):
        print(f"  {k:32} {v[0]:7.3f} {v[1]:7.3f} {v[2]:7.3f} {v[3]:8.1f} {v[4]:8.1f}")
    print(f"  {'TOTAL':32} {tot[0]:7.3f} {tot[1]:7.3f} {tot[2]:7.3f} {tot[3]:8.1f} {tot[4]:8.1f}")
    if rec.get("bursts"):
        print(f"  writer bursts: {rec['bursts']}")
    for k, v in rec.get("syscalls", {}).items():
        print(f"    sys {k:44} {v:7.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
