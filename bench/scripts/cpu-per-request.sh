#!/usr/bin/env bash
# CPU µs per request of one gateway under wrk (quick A/B of two jars: run alternately), and with CONNS=1 the
# p50/p90/p99 at concurrency 1 (wrk -t1 -c1 --latency).
# usage: [CONNS=16] SIM=<simulator port> OUT=<dir> bench/scripts/cpu-per-request.sh JAR default|notokens|notrace|bare|off PORT
# Variants: default = auth, limits (rpm, tpm, concurrency, daily budget), request log, tracing (to the store);
#   notrace = default without tracing (the request log still on); bare = default without tracing and without the
#   request log (-Dsluice.bench.no_request_log=true, a measurement switch: what issue 15's "tracing + request log"
#   target is priced against); notokens = default with limits by rpm and concurrency only; off = no auth, no limits,
#   no tracing (the request log still on).
# (start the simulator first: java -jar JAR sim --port <simulator port>; WARM / DUR seconds, defaults 25 / 20)
# RATE=<req/s>: paced instead of saturating: each connection waits CONNS/RATE s between requests (wrk's Lua delay();
#   the rate reached is a little lower, by the response time; the CPU is divided by the requests actually answered).
# THREADS=1: also the CPU per request of each thread group (from /proc/<pid>/task/*/stat), into $OUT/<var>-<port>/threads.txt.
# JFR=1: a JFR recording (settings=profile: CPU and allocation samples) of the measured window, $OUT/<var>-<port>/rec.jfr;
#   with jdk.CPUTimeSample every JFRCPU (default 2ms) of a thread's CPU time (JDK 25: native and VM work included).
# PERF=1: perf record -g of the store writers' threads (spans, request log) over the measured window, $OUT/<var>-<port>/perf.data.
# DRAIN=1: after wrk, wait (up to 90 s) until the store writers are idle (their CPU still for 2 s) before taking the
#   CPU figure, so what a writer deferred (a spill file replayed after the run) is charged to the requests that made it.
# IO=1: also the bytes the process wrote to storage (/proc/<pid>/io write_bytes), the store writer threads' wake-ups
#   (voluntary context switches, /proc/<pid>/task/*/status) and their write system calls (/proc/<pid>/task/*/io syscw:
#   a count the machine's load does not move) per request over the measured window: io_b_per_req= wakeups_per_req=
#   writer_syscw_per_req=.
# FLUSH=<ms>: store.flush_interval for this run (default: the gateway's); alternate two values to price the interval.
# BURSTS=1: also the store writer thread's CPU bursts over the measured window (bench/scripts/writer-bursts.py: one
#   burst = one flush; CPU ms p50/p90/p99/max and the share of the window it ran), into $W/bursts.txt and the line.
# The line ends with spill=N: how often a store writer passed its high-water mark and spilled (its overload path).
set -e
CONNS=${CONNS:-16}; WRK="-t$(( CONNS > 1 ? 2 : 1 )) -c$CONNS"
JAR=$1; VAR=$2; PORT=$3; SIM=${SIM:-19090}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# the launcher's own JVM flags (its JVM_FLAGS line), so what is measured is what ./sluice runs (until session 13
# this script lacked NewRatio=1 and --sun-misc-unsafe-memory-access=allow: Netty then wrote headers through
# bounds-checked ByteBuffer calls, ~1.4% of the CPU samples, and the young generation was sized differently)
eval "$(grep -m1 '^JVM_FLAGS=' "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/sluice")"
W=${OUT:-/tmp/cpu}/$VAR-$PORT; rm -rf $W; mkdir -p $W
AUTH="auth: {enabled: true, admin_key: sk-admin-bench-123456789}"; LIM='limits:
  key: {rpm: 1000000000, tpm: 2000000000, concurrency: 100000, daily_usd: 1000000}'; TR=true
case $VAR in notrace) TR=false;; bare) TR=false; EXTRA="$EXTRA -Dsluice.bench.no_request_log=true";; off) AUTH="auth: {enabled: false}"; LIM=""; TR=false;; notokens) LIM='limits:
  key: {rpm: 1000000000, concurrency: 100000}';; esac
cat > $W/c.yaml <<Y
server: {host: 127.0.0.1, port: $PORT, max_connections_per_ip: 0}
$AUTH
store: {path: $W/s.db${FLUSH:+, flush_interval: ${FLUSH}ms}}
tracing: {enabled: $TR}
$LIM
providers:
  sim: {type: openai, base_url: "http://127.0.0.1:$SIM/v1", forward_headers: ["x-sim-*"]}
models:
  gpt-4o-mini: {provider: sim}
Y
$J "${JVM_FLAGS[@]}" $EXTRA -jar $JAR serve --config $W/c.yaml > $W/log 2>&1 &
GP=$!
for i in $(seq 300); do curl -s -o /dev/null http://127.0.0.1:$PORT/health && break; sleep 0.2; done
KEY=none
if [ $VAR != off ]; then KEY=$(curl -s -XPOST -H 'Authorization: Bearer sk-admin-bench-123456789' -H 'Content-Type: application/json' -d '{"name":"b"}' http://127.0.0.1:$PORT/admin/keys | sed -E 's/.*"key":"([^"]+)".*/\1/'); fi
cat > $W/w.lua <<L
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise the benefits of an LLM gateway in two sentences."}],"temperature":0}'
L
if [ -n "$RATE" ]; then echo "function delay() return $(( CONNS * 1000 / RATE )) end" >> $W/w.lua; fi
threads() { for t in /proc/$GP/task/*; do echo "$(tr -d ' ' < $t/comm | sed -E 's/[-#]?[0-9]+$//;s/[0-9]+$//') $(sed 's/.*) //' $t/stat 2>/dev/null | awk '{print $12+$13}')"; done | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort; }
wrk $WRK -d${WARM:-25}s -s $W/w.lua http://127.0.0.1:$PORT/v1/chat/completions > $W/warm.txt
[ -n "$THREADS" ] && threads > $W/threads0.txt
[ -n "$JFR" ] && ${J%/java}/jcmd $GP JFR.start settings=profile jdk.CPUTimeSample#enabled=true jdk.CPUTimeSample#throttle=${JFRCPU:-2ms} $JFROPTS filename=$W/rec.jfr duration=${DUR:-20}s > /dev/null
if [ -n "$PERF" ]; then TIDS=$(grep -lE '^sluice-(spans|request|store)' /proc/$GP/task/*/comm | cut -d/ -f5 | paste -sd,)
  perf record -q -g -F 499 -t $TIDS -o $W/perf.data -- sleep ${DUR:-20} 2>/dev/null & PP=$!; fi
wk() { for t in /proc/$GP/task/*; do grep -qE '^sluice-(spans|request|store)' $t/comm 2>/dev/null && awk '/^voluntary_ctxt/{print $2}' $t/status; done | awk '{s+=$1} END {print s+0}'; }
sc() { for t in /proc/$GP/task/*; do grep -qE '^sluice-(spans|request|store)' $t/comm 2>/dev/null && awk '/^syscw/{print $2}' $t/io; done | awk '{s+=$1} END {print s+0}'; }
[ -n "$IO" ] && { b0=$(awk '/^write_bytes/{print $2}' /proc/$GP/io); k0=$(wk); s0=$(sc); }
[ -n "$BURSTS" ] && { python3 $(dirname $0)/writer-bursts.py $GP ${DUR:-20} > $W/bursts.txt 2>&1 & BP=$!; }
t0=$(awk '{print $14+$15}' /proc/$GP/stat)
wrk $WRK --latency -d${DUR:-20}s -s $W/w.lua http://127.0.0.1:$PORT/v1/chat/completions > $W/run.txt
if [ -n "$DRAIN" ]; then wcpu() { for t in /proc/$GP/task/*; do echo "$(cat $t/comm 2>/dev/null) $(sed 's/.*) //' $t/stat 2>/dev/null | awk '{print $12+$13}')"; done | awk '/^sluice-(spans|request|store)/{s+=$NF} END {print s+0}'; }
  still=0; prev=$(wcpu); for i in $(seq 90); do sleep 1; now=$(wcpu); if [ $((now-prev)) -le 1 ]; then still=$((still+1)); else still=0; fi; prev=$now; [ $still -ge 2 ] && break; done; fi
t1=$(awk '{print $14+$15}' /proc/$GP/stat)
[ -n "$IO" ] && { b1=$(awk '/^write_bytes/{print $2}' /proc/$GP/io); k1=$(wk); s1=$(sc); }
REQ=$(grep -oE '^ +[0-9]+ requests' $W/run.txt | awk '{print $1}')
if [ -n "$THREADS" ]; then threads > $W/threads1.txt
  join -a2 -e0 -o 2.1,1.2,2.2 $W/threads0.txt $W/threads1.txt | awk -v n=$REQ '{d=($3-$2)*10000/n; if (d>=1) printf "%-40s %6.0f us/req\n", $1, d}' | sort -k2 -nr > $W/threads.txt; fi
[ -n "$JFR" ] && sleep 2
[ -n "$PERF" ] && wait $PP
[ -n "$BURSTS" ] && { wait $BP || true; }
NON=$(grep -oE 'Non-2xx.*' $W/run.txt || true)
RSS=$(awk '/VmRSS/{print $2}' /proc/$GP/status)
echo "$(grep -E '^ +(50|90|99)%' $W/run.txt | tr -s ' ' | tr '\n' ' ') $VAR req=$REQ rps=$(grep Requests/sec $W/run.txt|awk '{print $2}') cpu_us_per_req=$(( (t1-t0)*10000*1000/REQ/1000 )) rss_kb=$RSS $NON ${IO:+io_b_per_req=$(( (b1-b0)/REQ )) wakeups_per_req=$(awk -v a=$k0 -v b=$k1 -v n=$REQ 'BEGIN{printf "%.3f", (b-a)/n}') writer_syscw_per_req=$(awk -v a=$s0 -v b=$s1 -v n=$REQ 'BEGIN{printf "%.2f", (b-a)/n}')} ${BURSTS:+[$(cat $W/bursts.txt)] }spill=$(grep -c 'not keeping up' $W/log || true) load=$(cut -d' ' -f1 /proc/loadavg)"
kill $GP; wait $GP 2>/dev/null || true
