# Added latency of the input scan, before the upstream call vs alongside it (issue 21), at concurrency 1.
# Start the gateway first (java -jar target/sluice.jar serve --config bench/scripts/parallel-scan/gateway.yaml, its pid
# in /tmp/ps/gw.pid), then: PROMPT_FILE=bench/scripts/parallel-scan/prompt-in-band.txt [STREAM=1] [DOC=1] python3 this.
# Models none / seq / par (dnone / dseq / dpar with DOC=1: the text as a context document) alternate in rounds;
# CPU is the gateway process's (utime + stime) per request, the in-process simulator included.
import http.client, json, time, sys, os, statistics
PID = int(open(os.environ.get('PID_FILE', '/tmp/ps/gw.pid')).read())
TICK = os.sysconf('SC_CLK_TCK')
def cpu():
    f = open(f'/proc/{PID}/stat').read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) / TICK
def load():
    return open('/proc/loadavg').read().split()[0]
PROMPT = open(os.environ.get('PROMPT_FILE', '/tmp/ps/prompt.txt')).read()
SEQ = [0]
def one(conn, model, stream):
    # a different text each time: the tuned encoder keeps its scores per text, a repeated prompt would cost nothing
    SEQ[0] += 1
    text = f"Note {SEQ[0]} {os.getpid()}: " + PROMPT
    msgs = [{"role": "user", "content": text[:4096]}]
    if os.environ.get("DOC") == "1":
        msgs = [{"role": "user", "name": "context:doc-1", "content": text[:4096]}, {"role": "user", "content": "Summarise the document."}]
    body = json.dumps({"model": model, "stream": stream, "messages": msgs})
    t0 = time.perf_counter()
    conn.request("POST", "/v1/chat/completions", body, {"content-type": "application/json"})
    r = conn.getresponse()
    first = None
    if stream:
        while True:
            line = r.readline()
            if not line: break
            if first is None and line.startswith(b'data: {') and b'"content"' in line:
                first = time.perf_counter() - t0
            if line.startswith(b'data: [DONE]'): break
        r.read()
    else:
        r.read()
    total = time.perf_counter() - t0
    return r.status, (first if stream else total) * 1000, total * 1000
def batch(model, stream, n):
    conn = http.client.HTTPConnection("127.0.0.1", 26001)
    c0 = cpu(); lats = []; statuses = set()
    for _ in range(n):
        s, first, total = one(conn, model, stream); statuses.add(s); lats.append(first)
    c1 = cpu()
    return statuses, lats, (c1 - c0) / n * 1000
if __name__ == "__main__":
    rounds = int(os.environ.get("ROUNDS", "3")); n = int(os.environ.get("N", "10"))
    stream = os.environ.get("STREAM") == "1"
    MODELS = ("dnone", "dseq", "dpar") if os.environ.get("DOC") == "1" else ("none", "seq", "par")
    res = {m: ([], []) for m in MODELS}
    for _ in range(2):
        for m in res: batch(m, stream, 3)  # warm-up
    for r in range(rounds):
        for m in MODELS:
            st, lats, cpums = batch(m, stream, n)
            res[m][0].extend(lats); res[m][1].append(cpums)
            print(f"round {r} {m:4s} status={st} p50={statistics.median(lats):.1f}ms cpu/req={cpums:.1f}ms load={load()}", flush=True)
    for m, (lats, cpus) in res.items():
        lats.sort()
        print(f"{m:4s} n={len(lats)} p50={statistics.median(lats):.1f} p90={lats[int(0.9*len(lats))-1]:.1f} max={lats[-1]:.1f} ms; process cpu/req mean={statistics.mean(cpus):.1f} ms")
