#!/usr/bin/env bash
# What store.flush_interval costs: the store writer thread's CPU (/proc/<tid>/stat) and write system calls
# (/proc/<tid>/io syscw) per request, default pipeline (auth, limits, tracing, request log), one carrier.
# usage: [RATE=<req/s>] [SIM=<simulator port>] [OUT=<dir>] bench/scripts/flush-interval.sh JAR FLUSH_MS PORT [CONNS]
# (start the simulator first: java -jar JAR sim --port <simulator port>; RATE paces wrk as cpu-per-request.sh does)
# Alternate the intervals (50 200 50 200): the system-call counts hold under load, the CPU figures do not.
set -e
JAR=$1; FL=$2; PORT=$3; CONNS=${4:-1}; J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
W=${OUT:-/tmp/flush}/fl-$FL-$PORT; rm -rf $W; mkdir -p $W
cat > $W/base.lua <<'L'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise the benefits of an LLM gateway in two sentences."}],"temperature":0}'
L
cat > $W/c.yaml <<Y
server: {host: 127.0.0.1, port: $PORT, max_connections_per_ip: 0}
auth: {enabled: true, admin_key: sk-admin-bench-123456789}
store: {path: $W/s.db, flush_interval: ${FL}ms}
tracing: {enabled: true}
limits:
  key: {rpm: 1000000000, tpm: 2000000000, concurrency: 100000, daily_usd: 1000000}
providers:
  sim: {type: openai, base_url: "http://127.0.0.1:${SIM:-19090}/v1", forward_headers: ["x-sim-*"]}
models:
  gpt-4o-mini: {provider: sim}
Y
$J -XX:+UseSerialGC -Xms16m -XX:+UseCompactObjectHeaders -Djdk.virtualThreadScheduler.parallelism=1 -jar ${JAR} serve --config $W/c.yaml > $W/log 2>&1 & GP=$!
for i in $(seq 300); do curl -s -o /dev/null http://127.0.0.1:$PORT/health && break; sleep 0.2; done
KEY=$(curl -s -XPOST -H 'Authorization: Bearer sk-admin-bench-123456789' -H 'Content-Type: application/json' -d '{"name":"b"}' http://127.0.0.1:$PORT/admin/keys | sed -E 's/.*"key":"([^"]+)".*/\1/')
sed "s/^wrk.body/wrk.headers[\"Authorization\"] = \"Bearer $KEY\"\nwrk.body/" $W/base.lua > $W/w.lua
[ -n "$RATE" ] && echo "function delay() return $(( CONNS * 1000 / RATE )) end" >> $W/w.lua
wrk -t1 -c$CONNS -d10s -s $W/w.lua http://127.0.0.1:$PORT/v1/chat/completions > /dev/null
WT=$(grep -l '^sluice-store-wr' /proc/$GP/task/*/comm | head -1 | xargs dirname)
c0=$(awk '{print $14+$15}' $WT/stat); s0=$(awk '/^syscw/{print $2}' $WT/io); a0=$(awk '{print $14+$15}' /proc/$GP/stat)
wrk -t1 -c$CONNS -d15s --latency -s $W/w.lua http://127.0.0.1:$PORT/v1/chat/completions > $W/run.txt
c1=$(awk '{print $14+$15}' $WT/stat); s1=$(awk '/^syscw/{print $2}' $WT/io); a1=$(awk '{print $14+$15}' /proc/$GP/stat)
N=$(grep -oE '^ +[0-9]+ requests' $W/run.txt | awk '{print $1}')
echo "flush=${FL}ms conns=$CONNS rate=${RATE:-max} req=$N writer_us/req=$(( (c1-c0)*10000/N )) writer_syscw/req=$(awk -v a=$s0 -v b=$s1 -v n=$N 'BEGIN{printf "%.2f",(b-a)/n}') all_us/req=$(( (a1-a0)*10000/N )) $(grep -E '^ +(50|99)%' $W/run.txt | tr -s ' ' | tr '\n' ' ') load=$(cut -d' ' -f1 /proc/loadavg)"
kill $GP; wait $GP 2>/dev/null || true
