#!/bin/bash
# Session 16 (bench/README.md): two gateways alternated, one round of 80 requests at c=16 per model a block,
# A B B A x3. A: this branch (gateway-int8.yaml: off, on = int8 + reader slots, on32 = fp32 + reader slots, pon = int8
# parallel), B: main before session 16 (gateway-main.yaml: off, fp32 without slots). Start both first, their java
# pids in /tmp/q8e2e/gw.pid and gwb.pid (java ... -jar A.jar serve --config gateway-int8.yaml, etc.); DOCS as bench.py.
cd "$(dirname "$0")/../../.."
for g in A B B A A B B A A B B A; do
  if [ $g = A ]; then port=25001; pid=/tmp/q8e2e/gw.pid; models=off,on,on32,pon; else port=25002; pid=/tmp/q8e2e/gwb.pid; models=off,on32,pon32; fi
  echo "=== gateway $g $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  DOCS=${DOCS:-docs.jsonl} C=16 N=80 ROUNDS=1 MODELS=$models PORT=$port PID_FILE=$pid python3 bench/scripts/doc-reader/bench.py
done
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
