#!/usr/bin/env bash
# demo-rss.sh JAR PORT: run the demo (2 rounds), wait until idle, print RSS, heap used, NMT committed
eval "$(grep -m1 '^JVM_FLAGS=' "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/sluice")"   # the launcher's flags
JAR=$1; PORT=$2; D=/tmp/demo-$PORT; rm -rf $D; mkdir -p $D; cd $D
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
$J/java "${JVM_FLAGS[@]}" -XX:NativeMemoryTracking=summary -jar $JAR demo --port $PORT --db $D/d.db --rounds 2 > demo.log 2>&1 &
P=$!
for i in $(seq 120); do grep -q "Serving until" demo.log 2>/dev/null && break; sleep 1; done
sleep 50
RSS=$(awk '/VmRSS/{print $2}' /proc/$P/status)
NMT=$($J/jcmd $P VM.native_memory summary | awk '/^Total/{print $3}')
$J/jcmd $P GC.run >/dev/null; sleep 2
HEAP=$($J/jcmd $P GC.heap_info | awk '/Tenured/{print $5}')
RSS2=$(awk '/VmRSS/{print $2}' /proc/$P/status)
echo "$(basename $JAR) idle_rss_kb=$RSS jvm_$NMT tenured_used_after_fullgc=$HEAP rss_after_gc_kb=$RSS2 load=$(cut -d' ' -f1 /proc/loadavg)"
kill $P; wait $P 2>/dev/null
