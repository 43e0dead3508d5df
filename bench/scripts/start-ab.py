#!/usr/bin/env python3
"""A/B of the gateway's cold start as the launcher runs it, builds alternated in one window.

    bench/scripts/start-ab.py --rounds 5 base=/work/wt/base new=/work/wt/cold [--warm] [--timeline]

Each NAME=ROOT is a checkout with a built target/sluice.jar (and, for the launcher default, its
target/sluice.aot). Per start, in rotation: `ROOT/sluice serve --config FILE` on a database that build
migrated before (bench scenario (d)'s "restart (launcher default)"), polled with the bench's chat
completion every 2 ms until a 200; then the wall time from spawn, the process CPU (user+system, all
threads, /proc/PID/stat) and the JIT compiler threads' share at that moment, the load average, and
VmRSS 2 s later. --warm adds the bench's warm-up (3 s of chat at 16 connections, 1 s of streams at 4)
and VmRSS 2 s after it; --ports LO-HI keeps the simulator and the gateways in that range; --quiet also reads VmRSS 20 s after the warm-up (bench (d)'s idle reading, after
the gateway's idle trim); --timeline reads VmRSS every 5 s for 60 s after the warm-up.
SLUICE_JAVA_OPTS etc. pass through the environment as usual; EXTRA_ENV_<NAME>=K=V;K=V sets more.
"""
import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

CHAT = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content":
        "Summarise the benefits of an LLM gateway in two sentences."}], "temperature": 0}).encode()
STREAM = json.dumps({"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content":
        "Write a short story about a river."}]}).encode()
TICK = os.sysconf("SC_CLK_TCK")


PORTS = None  # --ports LO-HI: take ports from this range only (a helper's share of a shared machine)


def free_port():
    global PORTS
    if PORTS is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    lo, hi, nxt = PORTS
    for i in range(hi - lo + 1):
        port = lo + (nxt - lo + i) % (hi - lo + 1)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        PORTS = (lo, hi, lo + (port - lo + 1) % (hi - lo + 1))
        return port
    raise RuntimeError(f"no free port in {lo}-{hi}")


def cpu_ms(pid, task=None):
    path = f"/proc/{pid}/stat" if task is None else f"/proc/{pid}/task/{task}/stat"
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 // TICK


def jit_ms(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                name = f.read()
            if "CompilerThre" in name:
                total += cpu_ms(pid, task)
        except OSError:
            pass
    return total


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def post(port, body, headers, stream=False, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json", **headers})
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


def config(work, name, port, sim):
    db = os.path.join(work, name + ".db")
    path = os.path.join(work, f"{name}-{port}.yaml")
    with open(path, "w") as f:
        f.write(f"""server: {{host: 127.0.0.1, port: {port}, max_connections_per_ip: 0}}
auth: {{enabled: false}}
store: {{path: {db}}}
tracing: {{enabled: true}}
limits:
  key: {{rpm: 1000000000, tpm: 2000000000, concurrency: 100000, daily_usd: 1000000}}
providers:
  sim: {{type: openai, base_url: "http://127.0.0.1:{sim}/v1", forward_headers: ["x-sim-*"]}}
models:
  gpt-4o-mini: {{provider: sim}}
""")
    return path


def spawn(root, cfg, work, name):
    env = dict(os.environ)
    for kv in filter(None, os.environ.get("EXTRA_ENV_" + name, "").split(";")):
        k, v = kv.split("=", 1)
        env[k] = v
    log = open(os.path.join(work, name + ".log"), "ab")
    return subprocess.Popen([os.path.join(root, "sluice"), "serve", "--config", cfg], cwd=work, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def first_ok(p, port, deadline):
    while time.monotonic() < deadline:
        if p.poll() is not None:
            raise RuntimeError(f"gateway exited {p.returncode}")
        try:
            if post(port, CHAT, {"x-sim-tokens": "16"}, timeout=30) == 200:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.002)
    raise RuntimeError("no 200 in time")


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def warm_up(port, seconds):
    """The bench's warm-up; returns the chat requests it completed (its first seconds' throughput)."""
    done = []

    def loop(body, headers, until):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while time.monotonic() < until:
            c.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json", **headers})
            c.getresponse().read()
            n += 1
        c.close()
        done.append(n)

    chats = 0
    for body, headers, n, secs in ((CHAT, {"x-sim-tokens": "16"}, 16, seconds),
                                   (STREAM, {"x-sim-tokens": "100", "x-sim-itl-ms": "1"}, 4, seconds / 3)):
        until = time.monotonic() + secs
        ts = [threading.Thread(target=loop, args=(body, headers, until)) for _ in range(n)]
        [t.start() for t in ts]
        [t.join() for t in ts]
        if body is CHAT:
            chats = sum(done)
    return chats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warm", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--timeline", action="store_true")
    ap.add_argument("--work", default="/tmp/start-ab")
    ap.add_argument("--ports", help="LO-HI: use only these ports (default: any free port)")
    ap.add_argument("variants", nargs="+")
    a = ap.parse_args()
    variants = [v.split("=", 1) for v in a.variants]
    if a.ports:
        global PORTS
        lo, hi = map(int, a.ports.split("-"))
        PORTS = (lo, hi, lo)
    os.makedirs(a.work, exist_ok=True)
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    sim = free_port()
    simp = subprocess.Popen([java, "-XX:+UseSerialGC", "-jar", os.path.join(variants[0][1], "target/sluice.jar"),
                             "sim", "--port", str(sim)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    results = {name: [] for name, _ in variants}
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", sim), 1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        for name, root in variants:  # migrate each build's database once (not measured)
            port = free_port()
            p = spawn(root, config(a.work, name, port, sim), a.work, name)
            try:
                first_ok(p, port, time.monotonic() + 180)
            finally:
                stop(p)
        for r in range(a.rounds):
            order = variants if r % 2 == 0 else list(reversed(variants))
            for name, root in order:
                port = free_port()
                cfg = config(a.work, name, port, sim)
                l0 = load()
                t0 = time.monotonic()
                p = spawn(root, cfg, a.work, name)
                try:
                    ok = first_ok(p, port, t0 + 120)
                    cpu, jit = cpu_ms(p.pid), jit_ms(p.pid)
                    row = {"wall": round((ok - t0) * 1000), "cpu": cpu, "jit": jit, "load": l0}
                    time.sleep(2)
                    row["rss"] = round(rss_mib(p.pid), 1)
                    if a.warm:
                        row["warm_chats"] = warm_up(port, 3)
                        time.sleep(2)
                        row["rss_warm"] = round(rss_mib(p.pid), 1)
                        if a.quiet:
                            time.sleep(18)
                            row["rss_quiet"] = round(rss_mib(p.pid), 1)
                        if a.timeline:
                            tl = []
                            for _ in range(12):
                                time.sleep(5)
                                tl.append(round(rss_mib(p.pid)))
                            row["timeline"] = tl
                    results[name].append(row)
                    print(name, row, flush=True)
                finally:
                    stop(p)
    finally:
        stop(simp)
    print()
    for name, rows in results.items():
        def med(k):
            xs = [row[k] for row in rows if k in row]
            return statistics.median(xs) if xs else None
        print(f"{name}: wall {med('wall')} ms, cpu {med('cpu')} ms (jit {med('jit')}), rss {med('rss')} MiB, "
              f"rss after warm-up {med('rss_warm')} (20 s: {med('rss_quiet')}), warm-up chats {med('warm_chats')}, load {min(r['load'] for r in rows)}-{max(r['load'] for r in rows)}"
              f", n={len(rows)}")


if __name__ == "__main__":
    main()
