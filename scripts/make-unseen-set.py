#!/usr/bin/env python3
"""Collects the line-parallel Arabic-English documents of ../shared/data/docs that the aligner was
never tuned on (the NTREX articles outside the ar-en-ntrex40 gold set, and the TICO-19 documents)
into a CLEAN_SET folder (ar/, en/, and a one-to-one gold/), for make-harsh-set.py and
`tarjama-dev eval align`. Documents under six lines or with unequal line counts are left out.

  python3 scripts/make-unseen-set.py ../shared/data /tmp/unseen-clean
  python3 scripts/make-harsh-set.py /tmp/unseen-clean /tmp/unseen-harsh
  tarjama-dev eval align /tmp/unseen-harsh --part all --no-lexicon
"""
import json
import os
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: make-unseen-set.py SHARED_DATA OUT   (SHARED_DATA holds docs/ and align/ar-en-ntrex40/)")
    data, out = sys.argv[1], sys.argv[2]
    tuned = set()
    with open(os.path.join(data, "align/ar-en-ntrex40/meta.tsv"), encoding="utf-8") as f:
        for line in f.read().split("\n")[1:]:
            if line.strip():
                tuned.add(line.split("\t")[1])
    for d in ("ar", "en", "gold"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    docs = os.path.join(data, "docs")
    kept = {}
    k = 0
    for folder in sorted(os.listdir(docs)):
        if not (folder.startswith("ntrex") or folder.startswith("tico")):
            continue
        with open(os.path.join(docs, folder, "meta.json"), encoding="utf-8") as f:
            meta = json.load(f)
        if folder.startswith("ntrex") and meta.get("doc_id") in tuned:
            continue
        sides = []
        for side in ("ar", "en"):
            with open(os.path.join(docs, folder, side + ".txt"), encoding="utf-8") as f:
                sides.append([x for x in f.read().split("\n") if x.strip()])
        ar, en = sides
        if len(ar) != len(en) or len(ar) < 6:
            continue
        name = f"{k:03d}.txt"
        for side, lines in (("ar", ar), ("en", en)):
            with open(os.path.join(out, side, name), "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        with open(os.path.join(out, "gold", name), "w", encoding="utf-8") as f:
            f.write("\n".join(f"[{i}]:[{i}]" for i in range(len(ar))) + "\n")
        kind = folder.split("-")[0]
        kept[kind] = kept.get(kind, 0) + 1
        k += 1
    print(f"{k} documents in {out}: " + ", ".join(f"{v} {n}" for n, v in sorted(kept.items())))


if __name__ == "__main__":
    main()
