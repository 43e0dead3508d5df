#!/bin/bash
# Session 17 (readers17): two gateways alternated A B B A x2 (x3 with BLOCKS=3), each block 2 rounds of off and on
# (order reversed in the second), C concurrent, N requests a round. A: the documents' reader reading the top 3 windows
# (session 15/16), B: only the windows in the band (session 17). Start both first (gw-a.yaml port 25001, gw-b.yaml 25002,
# java pids in $DIR/gw-a.pid, gw-b.pid); DOCS as bench.py.
cd "$(dirname "$0")/../../.."
DIR=${DIR:-/tmp/r17}
seq="A B B A A B B A"; [ "${BLOCKS:-2}" = 3 ] && seq="$seq A B B A"
for g in $seq; do
  if [ $g = A ]; then port=25001; pid=$DIR/gw-a.pid; else port=25002; pid=$DIR/gw-b.pid; fi
  echo "=== gateway $g $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  DOCS=${DOCS:-docs.jsonl} C=${C:-16} N=${N:-80} ROUNDS=2 MODELS=off,on PORT=$port PID_FILE=$pid python3 bench/scripts/doc-reader/bench.py
done
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
