#!/usr/bin/env python3
"""Picks the hard negatives from Mine.java's scores (benign TRAIN user turns only): the texts the shipped tuned reader
scores >= MIN (default 0.05), and those that talk about instructions, ignoring, systems, passwords, decoding, prompts...
(the topic words below) whatever their score. Session 10: 1,070 of 13,461 (896 by score, 226 by topic word).

    python3 select_hard.py scores.jsonl hard.jsonl [MIN]
"""
import json, re, sys

TOPIC = re.compile(r"\b(ignor\w*|instruction\w*|system\w*|password\w*|decod\w*|encod\w*|base64|prompt\w*|disregard\w*|"
                   r"forget\w*|override\w*|bypass\w*|pretend\w*|act as|role\w*|rules?|developer\w*|jailbreak\w*|secret\w*|"
                   r"hidden|reveal\w*|command\w*|admin\w*)\b", re.I)
minimum = float(sys.argv[3]) if len(sys.argv) > 3 else 0.05
rows = [json.loads(l) for l in open(sys.argv[1])]
picked = [r for r in rows if r["score"] >= minimum or TOPIC.search(r["text"])]
with open(sys.argv[2], "w") as f:
    for r in picked:
        f.write(json.dumps({"text": r["text"], "score": r["score"], "source": r["source"]}, ensure_ascii=False) + "\n")
print(f"{len(picked)} of {len(rows)} benign train texts")
