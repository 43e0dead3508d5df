#!/usr/bin/env bash
# demo-memory.sh JAR PORT OUT: demo-rss.sh's measurement (demo --rounds 2, 50 s idle, launcher flags, NMT) plus what
# it is made of, saved under OUT: NMT summary, pmap -x, GC.heap_info before and after a full collection, a class
# histogram of everything on the heap (-all: no collection). Session 18 (bench/README.md): alternate two jars.
eval "$(grep -m1 '^JVM_FLAGS=' "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/sluice")"   # the launcher's flags
JAR=$1; PORT=$2; O=$3; mkdir -p $O
D=/tmp/demo-$PORT; rm -rf $D; mkdir -p $D; cd $D
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
$J/java "${JVM_FLAGS[@]}" -XX:NativeMemoryTracking=summary -jar $JAR demo --port $PORT --db $D/d.db --rounds 2 > $O/demo.log 2>&1 &
P=$!
for i in $(seq 180); do grep -q "Serving until" $O/demo.log 2>/dev/null && break; sleep 1; done
grep -q "Serving until" $O/demo.log || { echo "no 'Serving until' after 180 s"; $J/jcmd $P Thread.print > $O/threads.txt; }
sleep 50
RSS=$(awk '/VmRSS/{print $2}' /proc/$P/status)
$J/jcmd $P VM.native_memory summary > $O/nmt.txt
pmap -x $P > $O/pmap.txt
$J/jcmd $P GC.heap_info > $O/heap_before.txt
$J/jcmd $P GC.class_histogram -all > $O/histogram_all.txt
$J/jcmd $P GC.run >/dev/null; sleep 2
$J/jcmd $P GC.heap_info > $O/heap_after.txt
HEAP=$(awk '/Tenured/{print $5}' $O/heap_after.txt)
RSS2=$(awk '/VmRSS/{print $2}' /proc/$P/status)
# pmap's anonymous mappings: the Java heap (0x6../0x7.. with compressed class pointers' default layout), code (rwx), the rest
SPLIT=$(awk '$1 ~ /^0/ && NF>=6 {if ($0 ~ /anon/) { if ($1 ~ /^00000006|^00000007/) h+=$3; else if ($5 ~ /x/) c+=$3; else n+=$3 } else f+=$3} END {print "heap_kb=" h, "code_kb=" c, "other_anon_kb=" n, "files_kb=" f}' $O/pmap.txt)
echo "$(basename $JAR) idle_rss_kb=$RSS jvm_$(awk '/^Total/{print $3}' $O/nmt.txt) $SPLIT tenured_used_after_fullgc=$HEAP rss_after_gc_kb=$RSS2 load=$(cut -d' ' -f1 /proc/loadavg)"
kill $P; wait $P 2>/dev/null
