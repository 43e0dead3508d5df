#!/usr/bin/env bash
# Idle RSS of one build after a warm-up counted in requests (not seconds: under load a timed warm-up serves a
# tenth as many, and the old generation, the JIT's code and so the RSS follow the count). Launcher flags (the
# `sluice` script's JVM_FLAGS line) and ROOT's own AOT cache (train it first: `ROOT/sluice --help`); the bench's
# plain config (tracing and limits on, auth off). Prints RSS (MiB) 2 s after start, 2 s / 20 s / 30 s after the
# warm-up (the idle trim runs 10-12.5 s after the last collection) and the full collections with their pauses.
# usage: bench/scripts/idle-rss-ab.sh ROOT PORT SIMPORT NREQ [JVM flags...]   (a simulator on SIMPORT: `sluice sim`)
# A/B: run ROOTs alternately (base new new base); copy each jar out of a build tree first, since a jar rebuilt
# under a running JVM breaks its class loading.
set -e
ROOT=$1; P=$2; S=$3; N=$4; shift 4
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
eval "$(grep -m1 '^JVM_FLAGS=' $ROOT/sluice)"
W=${OUT:-/tmp/idle-rss}/w-$P; rm -rf $W; mkdir -p $W; cd $W
cat > c.yaml <<Y
server: {host: 127.0.0.1, port: $P, max_connections_per_ip: 0}
auth: {enabled: false}
store: {path: $W/g.db}
tracing: {enabled: true}
limits:
  key: {rpm: 1000000000, tpm: 2000000000, concurrency: 100000, daily_usd: 1000000}
providers:
  sim: {type: openai, base_url: "http://127.0.0.1:$S/v1", forward_headers: ["x-sim-*"]}
models:
  gpt-4o-mini: {provider: sim}
Y
$J "${JVM_FLAGS[@]}" -XX:AOTCache=$ROOT/target/sluice.aot -Xlog:aot*=off -Xlog:gc:file=gc.log "$@" -jar $ROOT/target/sluice.jar serve --config c.yaml > gw.log 2>&1 &
GW=$!
for i in $(seq 300); do curl -s -m 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:$P/v1/chat/completions -H 'content-type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' 2>/dev/null | grep -q 200 && break; sleep 0.1; done
sleep 2; a=$(awk '/VmRSS/{print int($2/1024)}' /proc/$GW/status)
cat > post.lua <<L
wrk.method="POST"; wrk.headers["Content-Type"]="application/json"
wrk.body='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise the benefits of an LLM gateway in two sentences."}],"temperature":0}'
L
done_=0
while [ $done_ -lt $N ]; do
  r=$(wrk -t2 -c16 -d1s -s post.lua http://127.0.0.1:$P/v1/chat/completions | awk '/requests in/{print $1}')
  done_=$((done_ + r))
done
sleep 2; b=$(awk '/VmRSS/{print int($2/1024)}' /proc/$GW/status)
sleep 18; c=$(awk '/VmRSS/{print int($2/1024)}' /proc/$GW/status)
sleep 10; d=$(awk '/VmRSS/{print int($2/1024)}' /proc/$GW/status)
full=$(grep -c "Pause Full" gc.log || true)
echo "$ROOT start=$a warm=$done_ 2s=$b 20s=$c 30s=$d full_gcs=$full load=$(cut -d' ' -f1 /proc/loadavg) $(grep "Pause Full" gc.log | tail -1 | sed 's/.*Pause Full/Full/')"
kill $GW; wait $GW 2>/dev/null || true
