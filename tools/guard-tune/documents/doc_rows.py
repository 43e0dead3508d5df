#!/usr/bin/env python3
"""Training rows for the documents' fine-tuned reader (tools/guard-tune TrainDocuments), from the TRAIN split only.

Reads injection.jsonl (tools/guard-data/public_sets.py) and writes JSON lines {"before", "insert", "after", "source",
"origin"}: a benign context (insert "") is a negative, read in the gateway's windows; a row with an insert is a
positive, read as one window holding the insert. Positives:
  bipia     BIPIA's own train injections: the attack recovered as the difference with its clean context;
  attack    train user-turn attacks (jailbreaks, overrides, extraction; <= 800 characters) inserted into benign train
            contexts at a line boundary;
  request   ordinary train requests (HaluEval queries, Self-Instruct, IFEval format requests) inserted likewise, as
            s5-2 did, but into e-mails and tables only: BIPIA's code contexts are questions with code, where a
            question is part of the document (s5-2 flagged 34% of the benign test code documents).
Session 13 (run s13-1) adds, after those rows (which are unchanged: they read BIPIA's sources only):
  response         every train M-IFEval response (source mifeval:responses, 1,186; tools/guard-data) as a benign
                   context: LLM-written e-mails, letters, essays, lists that address their reader and ask for things;
  response+attack  the train copies public_sets.py already built with one train attack inserted into each response
                   (source mifeval:responses+attack: BIPIA train instructions or train user-turn attacks, at the
                   start, middle or end); the insert is recovered as the difference with the clean response, which is
                   the row before it in injection.jsonl. Nothing is inserted here: the data's own rows are reused.
Seeded (21): the same data gives the same rows.
"""
import json, random, sys

data, out = sys.argv[1], sys.argv[2]
rnd = random.Random(21)
rows = [json.loads(l) for l in open(data)]
train = [r for r in rows if r["split"] == "train"]
benign = [r for r in train if r.get("channel") == "document" and r["label"] == "benign" and r["source"].startswith("bipia:")]
injected = [r for r in train if r.get("channel") == "document" and r["label"] == "injection"
            and r["source"].startswith("bipia:")]
ctx_by_source = {}
for r in benign:
    ctx_by_source.setdefault(r["source"], []).append(r["text"])


def common_prefix(a, b):
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


out_rows = []
for r in benign:
    out_rows.append({"before": r["text"], "insert": "", "after": "", "source": r["source"], "origin": "context"})
# BIPIA's own injections: the clean context with the longest common prefix + suffix
recovered = 0
for r in injected:
    doc = r["text"]
    best = None
    for c in ctx_by_source.get(r["source"], []):
        p = common_prefix(doc, c)
        s = common_prefix(doc[::-1], c[::-1])
        p = min(p, len(c))
        s = min(s, len(c) - p, len(doc) - p)
        if best is None or p + s > best[0]:
            best = (p + s, p, s, c)
    if best is None or best[0] < len(best[3]) * 0.98:
        continue
    _, p, s, c = best
    insert = doc[p:len(doc) - s]
    if len(insert.strip()) < 3:
        continue
    out_rows.append({"before": doc[:p], "insert": insert, "after": doc[len(doc) - s:], "source": r["source"],
                     "origin": "bipia"})
    recovered += 1


def insert_into(text, sources):
    src = rnd.choice(sources)
    c = rnd.choice(ctx_by_source[src])
    lines = [i + 1 for i, ch in enumerate(c) if ch == "\n"]
    cut = rnd.choice([0, len(c)] + lines)
    return {"before": c[:cut], "insert": ("\n" if cut > 0 else "") + text + ("\n" if cut < len(c) else ""),
            "after": c[cut:], "source": src}


attacks = sorted({r["text"] for r in train if r.get("channel") != "document" and r["label"] == "injection"
                  and len(r["text"]) <= 800})
rnd.shuffle(attacks)
for t in attacks[:400]:
    row = insert_into(t, sorted(ctx_by_source))
    row["origin"] = "attack"
    out_rows.append(row)
requests = []
for src, n in (("halueval:general_queries", 300), ("self-instruct:user_oriented", 150), ("ifeval:format_requests", 150)):
    texts = sorted({r["text"] for r in train if r["source"] == src and r["label"] == "benign" and len(r["text"]) <= 600})
    rnd.shuffle(texts)
    requests += texts[:n]
for t in requests:
    row = insert_into(t, ["bipia:email", "bipia:table"])
    row["origin"] = "request"
    out_rows.append(row)
# M-IFEval responses (session 13): each train response as a benign context, then its attacked copy (the next row in
# injection.jsonl) as a positive holding the inserted attack.
responses = 0
for i, r in enumerate(rows):
    if r["source"] != "mifeval:responses+attack" or r["split"] != "train":
        continue
    c = rows[i - 1]
    assert c["source"] == "mifeval:responses" and c["split"] == "train" and c["label"] == "benign", i
    doc, ctx = r["text"], c["text"]
    p = common_prefix(doc, ctx)
    s = min(common_prefix(doc[::-1], ctx[::-1]), len(ctx) - p, len(doc) - p)
    assert p + s == len(ctx), i
    out_rows.append({"before": ctx, "insert": "", "after": "", "source": c["source"], "origin": "response"})
    out_rows.append({"before": doc[:p], "insert": doc[p:len(doc) - s], "after": doc[len(doc) - s:], "source": r["source"],
                     "origin": "response+attack"})
    responses += 1
assert responses == sum(1 for r in train if r["source"] == "mifeval:responses"), responses
with open(out, "w") as f:
    for r in out_rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
from collections import Counter
print("rows", len(out_rows), Counter(r["origin"] for r in out_rows), "bipia recovered", recovered, "of", len(injected),
      file=sys.stderr)
