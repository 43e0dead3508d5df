#!/usr/bin/env bash
# the launcher's own JVM flags (its JVM_FLAGS line): what is measured is what ./sluice runs
eval "$(grep -m1 '^JVM_FLAGS=' "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/sluice")"
# Heap bytes allocated per chat request, per thread group, with the bench's default pipeline (virtual-key auth, key
# limits, request log, tracing) and the launcher's GC flags; also young collections per 10k requests and CPU/request.
# usage: [CONNS=1] [WARM=20] [DUR=20] [JFR=1] [EXTRA=jvm flags] [VARIANT=off] SIM=<simulator port> [OUT=dir] \
#          bench/scripts/alloc-per-request.sh JAR LABEL PORT
# (start the simulator first: java -jar JAR sim --port <simulator port>; run two jars alternately for an A/B)
# After WARM s of wrk, a JFR recording holding only jdk.ThreadAllocationStatistics (exact bytes per thread, at its start
# and end) and the GC heap summaries spans the DUR s measured: B/req = each thread group's delta / requests. Request
# virtual threads allocate in their carrier's TLAB, so `ForkJoinPool-1-worker` is the requests' own work (pipeline,
# codecs, completion listeners). JFR=1 adds a settings=profile recording ($OUT/LABEL-time/rec.jfr) for allocation
# sites (jdk.ObjectAllocationSample; count samples rather than sum weights for virtual threads: a sample's weight is
# its carrier's bytes since the previous sample, which lands on each new virtual thread's first allocation).
# VARIANT=off: cpu-per-request.sh's `off` (no auth, no limits, no tracing; the request log still on) instead.
# VARIANT=bare: cpu-per-request.sh's `bare` (default without tracing and without the request log) instead.
# The line goes to stdout and $OUT/results.txt; per-group figures in the run's alloc.txt and threads.txt.
set -e
CONNS=${CONNS:-1}; WRK="-t1 -c$CONNS"
JAR=$1; VAR=$2; PORT=$3; SIM=${SIM:-19090}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
OUT=${OUT:-/tmp/alloc-per-request}
W=$OUT/$VAR-$(date +%H%M%S); mkdir -p $W
cat > $W/alloc.jfc <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="alloc">
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">everyChunk</setting></event>
  <event name="jdk.GCHeapSummary"><setting name="enabled">true</setting></event>
  <event name="jdk.GarbageCollection"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
  <event name="jdk.ThreadCPULoad"><setting name="enabled">false</setting></event>
</configuration>
JFC
cat > $W/alloc.py <<'PY'
import json, sys, re, collections
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
ev = d['recording']['events']
st = collections.defaultdict(list)
heap = []
for e in ev:
    t = e['type']; v = e['values']
    if t == 'jdk.ThreadAllocationStatistics':
        th = v['thread']
        name = (th or {}).get('javaName') or (th or {}).get('osName') or '?'
        tid = (th or {}).get('osThreadId')
        st[(name, tid)].append((v['startTime'] if 'startTime' in v else e['values'].get('startTime'), v['allocated']))
    elif t == 'jdk.GCHeapSummary':
        heap.append((v['gcId'], v['when'], v['heapUsed']))
groups = collections.Counter()
for (name, tid), xs in st.items():
    xs.sort()
    if len(xs) < 2: continue
    dlt = xs[-1][1] - xs[0][1]
    g = re.sub(r'[-#]?\d+$', '', name); g = re.sub(r'\d+$', '', g)
    groups[g] += dlt
tot = sum(groups.values())
for g, b in groups.most_common():
    if b / n >= 10: print(f"{g:40s} {b/n:9.0f} B/req")
print(f"{'TOTAL(threads)':40s} {tot/n:9.0f} B/req")
# GC-based: sum over young gcs of before - previous after
heap.sort(key=lambda x: (x[0], x[1] != 'Before GC'))
prev_after = None; gcb = 0; ngc = 0
for gid, when, used in heap:
    if when == 'Before GC':
        if prev_after is not None: gcb += used - prev_after; ngc += 1
    else: prev_after = used
if ngc: print(f"{'GC(before-after, between %d gcs)' % ngc:40s} {gcb:12d} B total")
PY
AUTH="auth: {enabled: true, admin_key: sk-admin-bench-123456789}"; TR=true; LIM='limits:
  key: {rpm: 1000000000, tpm: 2000000000, concurrency: 100000, daily_usd: 1000000}'
if [ "$VARIANT" = off ]; then AUTH="auth: {enabled: false}"; TR=false; LIM=""; fi
if [ "$VARIANT" = bare ]; then TR=false; EXTRA="$EXTRA -Dsluice.bench.no_request_log=true"; fi
cat > $W/c.yaml <<Y
server: {host: 127.0.0.1, port: $PORT, max_connections_per_ip: 0}
$AUTH
store: {path: $W/s.db}
tracing: {enabled: $TR}
$LIM
providers:
  sim: {type: openai, base_url: "http://127.0.0.1:$SIM/v1", forward_headers: ["x-sim-*"]}
models:
  gpt-4o-mini: {provider: sim}
Y
$J/java "${JVM_FLAGS[@]}" $EXTRA -jar $JAR serve --config $W/c.yaml > $W/log 2>&1 &
GP=$!; echo $GP > $W/pid
for i in $(seq 300); do curl -s -o /dev/null http://127.0.0.1:$PORT/health && break; sleep 0.2; done
KEY=none; [ "$VARIANT" = off ] || KEY=$(curl -s -XPOST -H 'Authorization: Bearer sk-admin-bench-123456789' -H 'Content-Type: application/json' -d '{"name":"b"}' http://127.0.0.1:$PORT/admin/keys | sed -E 's/.*"key":"([^"]+)".*/\1/')
cat > $W/w.lua <<L
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise the benefits of an LLM gateway in two sentences."}],"temperature":0}'
L
threads() { for t in /proc/$GP/task/*; do echo "$(tr -d ' ' < $t/comm | sed -E 's/[-#]?[0-9]+$//;s/[0-9]+$//') $(sed 's/.*) //' $t/stat 2>/dev/null | awk '{print $12+$13}')"; done | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort; }
wrk $WRK -d${WARM:-20}s -s $W/w.lua http://127.0.0.1:$PORT/v1/chat/completions > $W/warm.txt
sleep 1
[ -n "$JFR" ] && $J/jcmd $GP JFR.start name=prof settings=profile > /dev/null
$J/jcmd $GP JFR.start name=alloc settings=$W/alloc.jfc > /dev/null
threads > $W/c0.txt; $J/jstat -gc $GP > $W/gc0.txt
t0=$(awk '{print $14+$15}' /proc/$GP/stat)
wrk $WRK --latency -d${DUR:-20}s -s $W/w.lua http://127.0.0.1:$PORT/v1/chat/completions > $W/run.txt
sleep 1
t1=$(awk '{print $14+$15}' /proc/$GP/stat)
threads > $W/c1.txt; $J/jstat -gc $GP > $W/gc1.txt
$J/jcmd $GP JFR.stop name=alloc filename=$W/alloc.jfr > /dev/null
[ -n "$JFR" ] && $J/jcmd $GP JFR.stop name=prof filename=$W/rec.jfr > /dev/null
REQ=$(grep -oE '^ +[0-9]+ requests' $W/run.txt | awk '{print $1}')
$J/jfr print --json --events jdk.ThreadAllocationStatistics,jdk.GCHeapSummary $W/alloc.jfr > $W/alloc.json
python3 $W/alloc.py $W/alloc.json $REQ > $W/alloc.txt
join -a2 -e0 -o 2.1,1.2,2.2 $W/c0.txt $W/c1.txt | awk -v n=$REQ '{d=($3-$2)*10000/n; if (d>=1) printf "%-40s %6.0f us/req\n", $1, d}' | sort -k2 -nr > $W/threads.txt
YGC=$(paste <(sed -n 2p $W/gc0.txt) <(sed -n 2p $W/gc1.txt) | awk '{n=NF/2; print $(n+13)-$13}')
H=$(head -1 $W/gc0.txt | awk '{print $13}')
NON=$(grep -oE 'Non-2xx.*' $W/run.txt || true)
echo "$VAR $(grep -E '^ +(50|99)%' $W/run.txt | tr -s ' ' | tr '\n' ' ') req=$REQ rps=$(grep Requests/sec $W/run.txt|awk '{print $2}') B/req=$(grep TOTAL $W/alloc.txt | awk '{print $2}') ygc($H)=$YGC per10k=$(awk -v y=$YGC -v n=$REQ 'BEGIN{printf "%.1f", y*10000/n}') cpu_us/req=$(( (t1-t0)*10000*1000/REQ/1000 )) $NON load=$(cut -d' ' -f1 /proc/loadavg) dir=$W" | tee -a $OUT/results.txt
kill $GP; wait $GP 2>/dev/null || true
