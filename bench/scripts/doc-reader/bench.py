# The documents' cascade at concurrency > 1 (session 15). Start the gateway first (java -jar target/sluice.jar serve
# --config bench/scripts/doc-reader/gateway.yaml, its pid in /tmp/dd/gw.pid), then:
#   DOCS=docs.jsonl C=16 N=80 ROUNDS=4 python3 bench.py
# DOCS: JSON lines with "text" and "in_band" (benign ~4 KB val documents, see README); each request carries one as a
# context document (a counter in front: the reader keeps its scores per text) and a short user turn. Models off / on /
# poff / pon (tuned_documents off/on, input_scan before/parallel) alternate in rounds, the order reversed every round.
# CPU is the gateway process's (utime + stime) per request, the in-process simulator included.
import http.client, json, time, os, statistics, threading, itertools
PID = int(open(os.environ.get('PID_FILE', '/tmp/dd/gw.pid')).read())
TICK = os.sysconf('SC_CLK_TCK')
PORT = int(os.environ.get('PORT', '26001'))
def cpu():
    f = open(f'/proc/{PID}/stat').read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) / TICK
def load():
    return open('/proc/loadavg').read().split()[0]
DOCS = [json.loads(l) for l in open(os.environ['DOCS'])]
inb = [d for d in DOCS if d['in_band']]; outb = [d for d in DOCS if not d['in_band']]
DOCS = [d for pair in zip(inb, outb) for d in pair]   # in, out, in, out, ...
SEQ = itertools.count(1)
def one(conn, model, doc):
    text = f"Document {next(SEQ)}-{os.getpid()}.\n" + doc['text']
    msgs = [{"role": "user", "name": "context:doc-1", "content": text}, {"role": "user", "content": "Summarise the document."}]
    body = json.dumps({"model": model, "messages": msgs})
    t0 = time.perf_counter()
    conn.request("POST", "/v1/chat/completions", body, {"content-type": "application/json"})
    r = conn.getresponse(); r.read()
    return r.status, (time.perf_counter() - t0) * 1000
def batch(model, c, n):
    docs = iter([DOCS[i % len(DOCS)] for i in range(n)])
    lock = threading.Lock(); lats = []; statuses = {}
    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORT)
        while True:
            with lock:
                d = next(docs, None)
            if d is None: return
            s, ms = one(conn, model, d)
            with lock:
                lats.append((ms, d['in_band'])); statuses[s] = statuses.get(s, 0) + 1
    c0 = cpu(); t0 = time.perf_counter()
    ts = [threading.Thread(target=worker) for _ in range(c)]
    for t in ts: t.start()
    for t in ts: t.join()
    wall = time.perf_counter() - t0; c1 = cpu()
    return statuses, lats, n / wall, (c1 - c0) / n * 1000
def pct(v, q):
    v = sorted(v); return v[max(0, int(-(-q * len(v) // 1)) - 1)]
if __name__ == "__main__":
    rounds = int(os.environ.get("ROUNDS", "4")); n = int(os.environ.get("N", "80")); c = int(os.environ.get("C", "16"))
    MODELS = os.environ.get("MODELS", "off,on,poff,pon").split(",")
    res = {m: {"lats": [], "rps": [], "cpu": [], "st": {}} for m in MODELS}
    for m in MODELS: batch(m, min(c, 4), 8)  # warm-up: loads the models and the reader
    for r in range(rounds):
        order = MODELS if r % 2 == 0 else MODELS[::-1]
        for m in order:
            st, lats, rps, cpums = batch(m, c, n)
            x = res[m]; x["lats"] += lats; x["rps"].append(rps); x["cpu"].append(cpums)
            for k, v in st.items(): x["st"][k] = x["st"].get(k, 0) + v
            print(f"c={c} round {r} {m:4s} status={st} req/s={rps:.1f} cpu/req={cpums:.1f}ms p50={statistics.median([l for l, _ in lats]):.0f}ms load={load()}", flush=True)
    for m, x in res.items():
        all_ = [l for l, _ in x["lats"]]; ib = [l for l, b in x["lats"] if b]; ob = [l for l, b in x["lats"] if not b]
        print(f"c={c} {m:4s} n={len(all_)} status={x['st']} req/s mean={statistics.mean(x['rps']):.1f} (rounds {', '.join(f'{v:.1f}' for v in x['rps'])})"
              f" cpu/req mean={statistics.mean(x['cpu']):.1f} ms (rounds {', '.join(f'{v:.1f}' for v in x['cpu'])})"
              f" latency p50={pct(all_, .5):.0f} p90={pct(all_, .9):.0f} ms; in band p50={pct(ib, .5):.0f} p90={pct(ib, .9):.0f};"
              f" out of band p50={pct(ob, .5):.0f} p90={pct(ob, .9):.0f}", flush=True)
