#!/usr/bin/env bash
# Scenario (c) of bench/run at a chosen size, for same-window A/B runs of two jars: N long streams (one
# event a second each) held open, then gateway CPU and allocation per forwarded event over a steady window
# of DUR seconds, then probes (a new stream's TTFT while the others are open).
# usage: SIM=<simulator port> OUT=<dir> [N=2000] [RATE=300] [PROBES=300] [DUR=20] [JFR=1] [FLAGS=<JVM flags>] [EXTRA=<more>] \
#          [HARNESS_OPTS=-Dflood.itlScheduled=true (the simulator paces each stream on its own schedule)] \
#          [CONFIG_EXTRA=<YAML appended to the gateway's config, e.g. "metrics: {}">] [SAMPLE=1 (needs metrics: sample /metrics)] \
#          bench/scripts/stream-flood.sh JAR PORT LABEL
# (start the simulator first: java -Xmx2g -jar JAR sim --port <simulator port>; harness classes compiled to
#  bench/target/flood by: javac -d bench/target/flood -cp JAR bench/src/dev/sluice/bench/{FloodMain,StreamFlood,Stats}.java)
# CPU and events are counted between two marks DUR s apart once every stream is open (events = N × DUR);
# allocation is the heap growth between young collections in that window (from the gateway's GC log);
# then one full collection (jcmd GC.class_histogram) for the live heap with every stream still open.
set -e
JAR=$1; PORT=$2; LABEL=$3; SIM=${SIM:-19290}; N=${N:-2000}; RATE=${RATE:-300}; PROBES=${PROBES:-300}; DUR=${DUR:-20}
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
W=${OUT:-/tmp/flood}/$LABEL-$PORT; rm -rf $W; mkdir -p $W
RAMP=$(( N / RATE + ${SETTLE:-15} )); TOKENS=$(( RAMP + DUR + PROBES / 50 + 15 ))
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
${CONFIG_EXTRA:-}
Y
PROF=""; [ -n "${JFR:-}" ] && PROF="-XX:StartFlightRecording=filename=$W/rec.jfr,settings=profile,delay=${RAMP}s,duration=${DUR}s"
# JFR_PROBES=<settings>: a recording from the end of the ramp to the end of the run, the probes included (GC phase
# pauses, parks, monitor waits, execution samples), dumped when the gateway stops (e.g. JFR_PROBES=default)
[ -n "${JFR_PROBES:-}" ] && PROF="-XX:StartFlightRecording=filename=$W/probes.jfr,settings=$JFR_PROBES,delay=$(( N / RATE ))s"
ulimit -n 20000 2>/dev/null || true
# the launcher's flags (./sluice, bench/run's Startups.LAUNCHER_FLAGS) unless FLAGS says otherwise; the GC log's
# timenanos is CLOCK_MONOTONIC, the clock of the probe log, so pauses and probes can be lined up (bench/scripts/probe-gc.py)
eval "$(grep -m1 '^JVM_FLAGS=' "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/sluice")"
FLAGS=${FLAGS:-"${JVM_FLAGS[*]}"}
$J $FLAGS -Xlog:gc,gc+cpu,gc+heap=debug,safepoint:file=$W/gc.log:uptimenanos,timenanos $PROF $EXTRA -jar $JAR serve --config $W/c.yaml > $W/log 2>&1 &
GP=$!
# whatever ends this script (the simulator dying mid-run makes `set -e` leave early) stops the gateway and the flood
trap 'kill $GP ${FP:-} ${MP:-} 2>/dev/null || true' EXIT
for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$PORT/health && break; sleep 0.2; done
KEY=$(curl -s -XPOST -H 'Authorization: Bearer sk-admin-bench-123456789' -H 'Content-Type: application/json' -d '{"name":"b"}' http://127.0.0.1:$PORT/admin/keys | sed -E 's/.*"key":"([^"]+)".*/\1/')
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
uptime_ns() { awk '{printf "%d", $1*1e9}' /proc/uptime; }
R0=$(awk '/VmRSS/{print $2}' /proc/$GP/status)
# CLOCK_MONOTONIC and the epoch at one moment: lines the probe log up with the store's request log and spans
python3 -c 'import time; print(time.monotonic_ns(), time.time_ns())' > $W/clocks.txt
SP=$(pgrep -f "sim --port $SIM" | head -1)
# every other probe goes straight to the simulator in the same seconds (bench/run's reference); each probe's times in probes.txt
# the harness's own collections and safepoints, on the same clock: a pause of the one client thread delays every
# probe in flight, gateway and direct alike (bench/scripts/probe-gc.py ... --harness)
$J -Xmx512m -Xlog:gc,safepoint:file=$W/harness-gc.log:uptimenanos,timenanos ${HARNESS_OPTS:-} -cp $ROOT/bench/target/flood dev.sluice.bench.FloodMain 127.0.0.1 $PORT $KEY $N $RATE $PROBES $TOKENS 1000 $SIM $W/probes.txt > $W/flood.txt 2>&1 &
FP=$!
# SAMPLE=1 (with CONFIG_EXTRA="metrics: {}"): the virtual-thread scheduler's queue every 100 ms, on the probes' clock
if [ -n "${SAMPLE:-}" ]; then python3 $ROOT/bench/scripts/metrics-sampler.py http://127.0.0.1:$PORT/metrics $W/queued.txt 0.1 & MP=$!; fi
sleep $RAMP
g0=$(cpu $GP); s0=$(cpu $SP); t0=$(date +%s.%N); j0=$(grep -c . $W/gc.log); l0=$(cut -d' ' -f1 /proc/loadavg)
if [ -n "${PERF:-}" ]; then # on-CPU samples of the gateway over the window (VM Thread = Serial's collections)
  perf record -F 1999 -g -p $GP -o $W/perf.data -- sleep $DUR > $W/perf.log 2>&1
else
  sleep $DUR
fi
g1=$(cpu $GP); s1=$(cpu $SP); t1=$(date +%s.%N); j1=$(grep -c . $W/gc.log); l1=$(cut -d' ' -f1 /proc/loadavg)
RSS=$(awk '/VmRSS/{print $2}' /proc/$GP/status)
# the live heap with every stream open: one full collection after the window (the probes are over by then),
# with a histogram of what is live in $W/histogram.txt
$(dirname $J)/jcmd $GP GC.class_histogram > $W/histogram.txt 2>&1 || true; sleep 1
LIVE=$(grep 'Pause Full' $W/gc.log | tail -1 | grep -oE '[0-9]+M->[0-9]+M' | sed -E 's/.*->([0-9]+)M/\1/')
wait $FP || true
EV=$(( N * DUR ))
# allocation: for each young collection in the window, heap before it minus heap after the one before
ALLOC=$(sed -n "$((j0+1)),${j1}p" $W/gc.log | grep -oE 'Pause Young.* [0-9]+M->[0-9]+M' | grep -oE '[0-9]+M->[0-9]+M' \
  | awk -F'M->|M' 'NR>1{s+=$1-prev} {prev=$2} END{print s*1048576}')
GCS=$(sed -n "$((j0+1)),${j1}p" $W/gc.log | grep -c 'Pause' || true)
# young pauses only (the full collection the histogram forces is not the run's): over the whole run, and in the window
PAUSED=$(grep 'Pause Young' $W/gc.log | grep -oE '[0-9.]+ms$' | awk '{s+=$1; if ($1+0>m+0) m=$1+0} END{printf "%.0f ms young total, longest %.0f ms", s, m}')
WPAUSED=$(sed -n "$((j0+1)),${j1}p" $W/gc.log | grep 'Pause Young' | grep -oE '[0-9.]+ms$' | awk '{s+=$1} END{printf "%.0f", s}')
echo "$LABEL n=$N gw_cpu_us_per_event=$(( (g1-g0)*10000*1000/EV/1000 )) sim_cpu_us_per_event=$(( (s1-s0)*10000*1000/EV/1000 )) alloc_B_per_event=$(( ${ALLOC:-0} / EV )) gcs_in_window=$GCS paused_in_window_ms=${WPAUSED:-0} gc=[$PAUSED] rss_kb=$R0->$RSS kib_per_stream=$(( (RSS-R0)/N )) live_heap_after_full_gc_mb=$LIVE $(cat $W/flood.txt | tail -1) load=$l0/$l1"
[ -n "${MP:-}" ] && kill $MP 2>/dev/null
kill $GP; wait $GP 2>/dev/null || true
trap - EXIT
