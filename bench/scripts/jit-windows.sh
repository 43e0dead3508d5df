#!/usr/bin/env bash
# The JIT over a gateway's life (bench/README.md, "Session 9: the JIT in steady state"): one gateway (the launcher's
# flags + EXTRA) with the bench's default-pipeline config, the simulator upstream (start it first:
# java -jar JAR sim --port $SIM), wrk (CONNS connections, default 16) in back-to-back windows from the first request:
# WARM s (0 = none), NWIN windows of DUR s, then NIDLE times (IDLE s idle, NPOST windows of PDUR s).
# Per window: CPU us/request of each thread group (/proc/PID/task/*/schedstat, ns) -> OUT/NAME-PORT/summary.txt;
# -Xlog:jit+compilation=debug,deoptimization=debug -> jit.log (LOGJIT= replaces it); the compiler threads' CPU every
# 0.2 s -> csamp.txt (compiler-cpu-sampler.py). With JFR=1 also a recording (jit.jfc: compilations, deoptimisations
# with stacks, class loads) -> rec.jfr; then `bench/scripts/jit-report.py OUT/NAME-PORT/rec.jfr` gives the C2 CPU of
# each compilation (one C2 thread on a 2-core machine: its CPU between a compilation's start and end).
# usage: [CONNS=16] [SIM=19190] [OUT=/tmp/jit] [JFR=1] WARM=0 NWIN=10 DUR=10 [IDLE=25 NIDLE=1 NPOST=4 PDUR=3] \
#        bench/scripts/jit-windows.sh JAR NAME PORT
set -e
JAR=$1; VAR=$2; PORT=$3; SIM=${SIM:-19190}; CONNS=${CONNS:-16}; WRK="-t$(( CONNS > 1 ? 2 : 1 )) -c$CONNS"
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java; HERE=$(cd "$(dirname "$0")" && pwd)
W=${OUT:-/tmp/jit}/$VAR-$PORT; rm -rf $W; mkdir -p $W
cat > $W/c.yaml <<Y
server: {host: 127.0.0.1, port: $PORT, max_connections_per_ip: 0}
auth: {enabled: true, admin_key: sk-admin-bench-123456789}
store: {path: $W/s.db}
tracing: {enabled: true}
limits:
  key: {rpm: 1000000000, tpm: 2000000000, concurrency: 100000, daily_usd: 1000000}
providers:
  sim: {type: openai, base_url: "http://127.0.0.1:$SIM/v1", forward_headers: ["x-sim-*"]}
models:
  gpt-4o-mini: {provider: sim}
Y
LOGF=${LOGJIT:--Xlog:jit+compilation=debug,deoptimization=debug:file=$W/jit.log:utctime,uptime:filecount=0}
$J -XX:+UseSerialGC -Xms16m -XX:NewRatio=1 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:-ShrinkHeapInSteps -XX:+UseCompactObjectHeaders --sun-misc-unsafe-memory-access=allow $LOGF -Xlog:gc:file=$W/gc.log:utctime,uptime:filecount=0 ${JFR:+-XX:StartFlightRecording=settings=$HERE/jit.jfc,filename=$W/rec.jfr} $EXTRA -jar $JAR serve --config $W/c.yaml > $W/log 2>&1 &
GP=$!; echo $GP > $W/pid
python3 $HERE/compiler-cpu-sampler.py $GP $W/csamp.txt &
for i in $(seq 150); do curl -s -o /dev/null http://127.0.0.1:$PORT/health && break; sleep 0.2; done
KEY=$(curl -s -XPOST -H 'Authorization: Bearer sk-admin-bench-123456789' -H 'Content-Type: application/json' -d '{"name":"b"}' http://127.0.0.1:$PORT/admin/keys | sed -E 's/.*"key":"([^"]+)".*/\1/')
cat > $W/w.lua <<L
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise the benefits of an LLM gateway in two sentences."}],"temperature":0}'
L
# thread group -> ns (schedstat first field)
threads() { for t in /proc/$GP/task/*; do echo "$(tr -d ' ' < $t/comm | sed -E 's/[-#]?[0-9]+$//;s/[0-9]+$//') $(cut -d' ' -f1 $t/schedstat 2>/dev/null)"; done | awk 'NF==2{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort; }
win() { # name dur
  local n=$1 d=$2
  threads > $W/t0-$n.txt; echo "$n start $(date -u +%H:%M:%S.%N)" >> $W/marks.txt
  wrk $WRK -d${d}s -s $W/w.lua http://127.0.0.1:$PORT/v1/chat/completions > $W/wrk-$n.txt
  echo "$n end $(date -u +%H:%M:%S.%N)" >> $W/marks.txt; threads > $W/t1-$n.txt
  local req=$(grep -oE '^ +[0-9]+ requests' $W/wrk-$n.txt | awk '{print $1}')
  join -a2 -e0 -o 2.1,1.2,2.2 $W/t0-$n.txt $W/t1-$n.txt | awk -v n=$req '{d=($3-$2)/1000/n; t+=d; if (d>=0.5) printf "%s=%.1f ", $1, d} END {printf "TOTAL=%.1f", t}' > $W/cpu-$n.txt
  echo "$VAR $n req=$req rps=$(grep Requests/sec $W/wrk-$n.txt|awk '{print $2}') load=$(cut -d' ' -f1 /proc/loadavg) $(cat $W/cpu-$n.txt)" | tee -a $W/summary.txt
}
[ "${WARM:-60}" != 0 ] && win warm ${WARM:-60}
for i in $(seq ${NWIN:-3}); do win w$i ${DUR:-20}; done
if [ "${IDLE:-0}" != 0 ]; then
  for r in $(seq ${NIDLE:-1}); do
    echo "idle$r start $(date -u +%H:%M:%S.%N)" >> $W/marks.txt; threads > $W/t0-idle$r.txt; sleep $IDLE; threads > $W/t1-idle$r.txt
    join -a2 -e0 -o 2.1,1.2,2.2 $W/t0-idle$r.txt $W/t1-idle$r.txt | awk '{d=($3-$2)/1000000; if (d>=1) printf "%s=%.0fms ", $1, d}' > $W/cpu-idle$r.txt; echo "$VAR idle$r $(cat $W/cpu-idle$r.txt)" | tee -a $W/summary.txt
    for i in $(seq ${NPOST:-4}); do win r${r}p$i ${PDUR:-3}; done
  done
fi
kill $GP; wait $GP 2>/dev/null || true
