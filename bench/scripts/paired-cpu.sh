#!/usr/bin/env bash
# the launcher's own JVM flags (its JVM_FLAGS line): what is measured is what ./sluice runs
eval "$(grep -m1 '^JVM_FLAGS=' "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/sluice")"
# CPU µs per request of two gateway jars measured AT THE SAME TIME (not one after the other): both run side by side on
# the same simulator, each under its own wrk (-t1 -cCONNS), warmed up together and measured over the same window, so
# a shared machine's load changes hit both alike. Per thread group, from /proc/PID/task/*/stat.
# usage: [CONNS=8] [WARM=60] [DUR=30] SIM=<simulator port> OUT=<dir> bench/scripts/paired-cpu.sh JAR_A JAR_B off|default PORT_A PORT_B
# (variants as cpu-per-request.sh's: default = auth, key limits, request log, tracing; off = request log only)
set -e
CONNS=${CONNS:-8}; JA=$1; JB=$2; VAR=$3; PA=$4; PB=$5; SIM=${SIM:-19090}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
O=${OUT:-/tmp/paired}/$VAR-$(date +%H%M%S); mkdir -p $O
AUTH="auth: {enabled: true, admin_key: sk-admin-bench-123456789}"; LIM='limits:
  key: {rpm: 1000000000, tpm: 2000000000, concurrency: 100000, daily_usd: 1000000}'; TR=true
[ $VAR = off ] && { AUTH="auth: {enabled: false}"; LIM=""; TR=false; }
start() { # jar port dir -> pid
  mkdir -p $3
  cat > $3/c.yaml <<Y
server: {host: 127.0.0.1, port: $2, max_connections_per_ip: 0}
$AUTH
store: {path: $3/s.db}
tracing: {enabled: $TR}
$LIM
providers:
  sim: {type: openai, base_url: "http://127.0.0.1:$SIM/v1", forward_headers: ["x-sim-*"]}
models:
  gpt-4o-mini: {provider: sim}
Y
  $J "${JVM_FLAGS[@]}" -jar $1 serve --config $3/c.yaml > $3/log 2>&1 &
  echo $!
}
script() { # port dir
  for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$1/health && break; sleep 0.2; done
  KEY=none
  [ $VAR = off ] || KEY=$(curl -s -XPOST -H 'Authorization: Bearer sk-admin-bench-123456789' -H 'Content-Type: application/json' -d '{"name":"b"}' http://127.0.0.1:$1/admin/keys | sed -E 's/.*"key":"([^"]+)".*/\1/')
  cat > $2/w.lua <<L
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise the benefits of an LLM gateway in two sentences."}],"temperature":0}'
L
}
threads() { for t in /proc/$1/task/*; do echo "$(tr -d ' ' < $t/comm | sed -E 's/[-#]?[0-9]+$//;s/[0-9]+$//') $(sed 's/.*) //' $t/stat 2>/dev/null | awk '{print $12+$13}')"; done | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort; }
GA=$(start $JA $PA $O/a); GB=$(start $JB $PB $O/b)
script $PA $O/a; script $PB $O/b
wrk -t1 -c$CONNS -d${WARM:-60}s -s $O/a/w.lua http://127.0.0.1:$PA/v1/chat/completions > $O/a/warm.txt &
wrk -t1 -c$CONNS -d${WARM:-60}s -s $O/b/w.lua http://127.0.0.1:$PB/v1/chat/completions > $O/b/warm.txt; wait
threads $GA > $O/a/t0; threads $GB > $O/b/t0
a0=$(awk '{print $14+$15}' /proc/$GA/stat); b0=$(awk '{print $14+$15}' /proc/$GB/stat)
wrk -t1 -c$CONNS -d${DUR:-30}s -s $O/a/w.lua http://127.0.0.1:$PA/v1/chat/completions > $O/a/run.txt &
wrk -t1 -c$CONNS -d${DUR:-30}s -s $O/b/w.lua http://127.0.0.1:$PB/v1/chat/completions > $O/b/run.txt; wait
a1=$(awk '{print $14+$15}' /proc/$GA/stat); b1=$(awk '{print $14+$15}' /proc/$GB/stat)
threads $GA > $O/a/t1; threads $GB > $O/b/t1
for s in a b; do
  REQ=$(grep -oE '^ +[0-9]+ requests' $O/$s/run.txt | awk '{print $1}')
  join -a2 -e0 -o 2.1,1.2,2.2 $O/$s/t0 $O/$s/t1 | awk -v n=$REQ '{d=($3-$2)*10000/n; if (d>=1) printf "%-40s %6.0f us/req\n", $1, d}' | sort -k2 -nr > $O/$s/threads.txt
done
ra=$(grep -oE '^ +[0-9]+ requests' $O/a/run.txt | awk '{print $1}'); rb=$(grep -oE '^ +[0-9]+ requests' $O/b/run.txt | awk '{print $1}')
echo "$VAR A=$(basename $JA) req=$ra rps=$(grep Requests/sec $O/a/run.txt|awk '{print $2}') cpu_us_per_req=$(( (a1-a0)*10000/ra )) $(grep -oE 'Non-2xx.*' $O/a/run.txt || true)| B=$(basename $JB) req=$rb rps=$(grep Requests/sec $O/b/run.txt|awk '{print $2}') cpu_us_per_req=$(( (b1-b0)*10000/rb )) $(grep -oE 'Non-2xx.*' $O/b/run.txt || true)| load=$(cut -d' ' -f1 /proc/loadavg) dir=$O"
kill $GA $GB; wait $GA $GB 2>/dev/null || true
