#!/usr/bin/env bash
# A/B of bench/run's scenario (c) alone — a new stream's TTFT while N streams are open — for two or more jars,
# alternated round by round (A B A B ...), each run on a fresh simulator (Serial, -Xmx2g, as bench/run) and a
# fresh gateway with the launcher's flags; every process logs its collections and safepoints on CLOCK_MONOTONIC
# (the probes' clock), so probe-gc.py says which probe overlapped which pause of the gateway, the simulator or the
# harness, and the load average is recorded around every run.
# usage: OUT=<dir> [ROUNDS=3] [N=9500] [PROBES=400] [PORT=25081] [SIM=25090] [JFR_PROBES=default] \
#          [SIM_JAR=<the simulator's jar for every run; default: each run's own>] [HARNESS_OPTS=-Dflood.itlScheduled=true] \
#          bench/scripts/newstream-ab.sh LABEL=JAR[::JVM flags instead of the launcher's] LABEL=JAR ...
# (~2.5 min a run at N = 9,500; summary lines in $OUT/summary.txt)
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
OUT=${OUT:-/tmp/newstream-ab}; ROUNDS=${ROUNDS:-3}; PORT=${PORT:-25081}; SIM=${SIM:-25090}
export N=${N:-9500} PROBES=${PROBES:-400} RATE=${RATE:-300} OUT HARNESS_OPTS=${HARNESS_OPTS:-}
mkdir -p "$OUT" "$ROOT/bench/target/flood"
FIRST_JAR=${1#*=}; FIRST_JAR=${FIRST_JAR%%::*}
[ -n "${NEWSTREAM_COPY:-}" ] || "$(dirname $J)/javac" -d "$ROOT/bench/target/flood" -cp "$FIRST_JAR" \
  "$ROOT"/bench/src/dev/sluice/bench/{FloodMain,StreamFlood,Stats}.java
# the runs use a copy of the scripts and the harness: editing the tree while they run changes nothing under way
if [ -z "${NEWSTREAM_COPY:-}" ]; then
  C=$OUT/tree; rm -rf "$C"; mkdir -p "$C/bench/target"
  cp -r "$ROOT/bench/scripts" "$C/bench/"; cp -r "$ROOT/bench/target/flood" "$C/bench/target/"; cp "$ROOT/sluice" "$C/" # its JVM_FLAGS line
  NEWSTREAM_COPY=1 exec bash "$C/bench/scripts/newstream-ab.sh" "$@"
fi
ulimit -n 20000 2>/dev/null || true
for r in $(seq "$ROUNDS"); do
  for v in "$@"; do
    label=${v%%=*}; jar=${v#*=}; name=$label-r$r; vflags=""
    case $jar in *::*) vflags=${jar#*::}; jar=${jar%%::*} ;; esac
    W=$OUT/$name-$PORT; mkdir -p "$W"
    $J -XX:+UseSerialGC -Xmx2g -Xlog:gc,safepoint:file=$OUT/$name-sim-gc.log:uptimenanos,timenanos \
      -jar "${SIM_JAR:-$jar}" sim --port $SIM > "$OUT/$name-sim.log" 2>&1 &
    sp=$!
    for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$SIM/v1/models && break; sleep 0.2; done
    l0=$(cut -d' ' -f1-3 /proc/loadavg)
    line=$(env SIM=$SIM ${vflags:+"FLAGS=$vflags"} "$ROOT/bench/scripts/stream-flood.sh" "$jar" $PORT "$name" 2>&1 | tail -1)
    l1=$(cut -d' ' -f1-3 /proc/loadavg)
    kill $sp; wait $sp 2>/dev/null
    cp "$OUT/$name-sim-gc.log" "$W/sim-gc.log"
    pg=$(python3 "$ROOT/bench/scripts/probe-gc.py" "$W/probes.txt" "$W/gc.log" "$W/sim-gc.log" "$W/harness-gc.log" 2>&1)
    pb=$(python3 "$ROOT/bench/scripts/probe-bursts.py" "$W" 2>&1)
    { echo "== $name $(date -u +%H:%M:%S) load before [$l0] after [$l1]"; echo "$line"; echo "$pg" | grep -v '^  slow'; echo "$pb"; } \
      | tee -a "$OUT/summary.txt"
  done
done
