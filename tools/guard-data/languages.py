#!/usr/bin/env python3
"""Per-language breakdown of the multilingual injection rows, from a scores file written by
`sluice guard eval-public --task injection --scores FILE` (one row per text: split, source, kind, label,
channel, default score, score with the embedding head, text). CyberSecEval 2's translated cases get their language from PurpleLlama's
`speaking_language` field (the snapshot public_sets.py reads); IFEval/M-IFEval rows carry it in their kind.

    python3 tools/guard-data/languages.py SCORES [MIRRORS_DIR] [--split test]
"""
import collections, json, os, subprocess, sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
split = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "test"
if "--split" in sys.argv:
    args.remove(split)
scores = args[0]
mirrors = args[1] if len(args) > 1 else "/work/.mirror"
COMMIT = "4be64c3a24442b51c76175e6ec67722cc3f5fe38"  # as in public_sets.py
PATH = "CybersecurityBenchmarks/datasets/prompt_injection/prompt_injection_multilingual_machine_translated.json"
repo = os.path.join(mirrors, "meta-llama+PurpleLlama", "repo")
cases = json.loads(subprocess.run(["git", "-C", repo, "show", f"{COMMIT}:{PATH}"], capture_output=True, check=True).stdout)
language = {}
for ex in cases:
    for field in ("user_input", "judge_question"):
        language[ex[field].replace("\r\n", "\n").strip()] = ex["speaking_language"]


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


stats = collections.defaultdict(lambda: [0, 0, 0])
for line in open(scores, encoding="utf-8"):
    sp, source, kind, label, channel, score, head, text = line.rstrip("\n").split("\t", 7)
    if sp != split:
        continue
    if source == "cyberseceval:translated":
        lang = language.get(unescape(text), "?")
    elif source == "ifeval:format_requests":
        lang = kind.split(":")[1]
    else:
        continue
    s = stats[(source, label, lang)]
    s[0] += float(score) >= 0.5
    s[1] += float(head) >= 0.5
    s[2] += 1
print(f"{split}  {'source':26} {'label':9} {'language':18} flagged: default | with head")
for (source, label, lang), (hit, hit_head, n) in sorted(stats.items()):
    print(f"{split}  {source:26} {label:9} {lang:18} {hit:3d}/{n:3d} | {hit_head:3d}/{n:3d}")
