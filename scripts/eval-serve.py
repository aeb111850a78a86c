#!/usr/bin/env python3
"""The gold near-duplicate queries through a running `tarjama serve`, from outside the process:
how often the amaGama/tmserver and MyMemory routes return the gold line in their top 5.

    tarjama serve --memory .build/eval-33k.tmdb --port 8099 &     # the memory of ar-en-33k.tsv
    python3 scripts/eval-serve.py http://127.0.0.1:8099 [../shared/data]

The memory holds every line, the query's own too: its own unit (the query's exact text) is left
out of each answer before the top 5 are counted, as the in-process evaluation leaves it out."""
import json, sys, urllib.parse, urllib.request

base = sys.argv[1].rstrip("/")
data = sys.argv[2] if len(sys.argv) > 2 else "../shared/data"
lines = open(f"{data}/parallel/ar-en-33k.tsv", encoding="utf-8").read().split("\n")
pairs = [l.split("\t") for l in open(f"{data}/fuzzy/fuzzy-natural-dev.tsv", encoding="utf-8").read().split("\n")[1:] if l.strip()]


def sources(url, key):
    with urllib.request.urlopen(url, timeout=30) as r:
        answer = json.loads(r.read())
    return [m[key] for m in (answer if isinstance(answer, list) else answer["matches"])]


found = {"tmserver": 0, "mymemory": 0}
for p in pairs:
    q, m = p[0], p[1]
    query, wanted = lines[int(q) - 1].split("\t")[0], lines[int(m) - 1].split("\t")[0]
    text = urllib.parse.quote(query, safe="")
    ama = [s for s in sources(f"{base}/tmserver/ar/en/unit/{text}?max_candidates=6&min_similarity=50", "source") if s != query]
    my = [s for s in sources(f"{base}/get?q={text}&langpair=ar|en&numres=6", "segment") if s != query]
    found["tmserver"] += wanted in ama[:5]
    found["mymemory"] += wanted in my[:5]
n = len(pairs)
for route, k in found.items():
    print(f"{route}: gold line in the top 5 for {k} of {n} queries ({100 * k / n:.1f}%)")
