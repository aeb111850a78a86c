#!/usr/bin/env python3
"""Builds a harsher Arabic-English alignment set from a line-aligned one (every line 1-1), for
checking the aligner on shapes the shared set has few of: one Arabic sentence as three English
ones (1-3) and back (3-1), 1-2, 2-1, sentences left out on either side, and sentences from
another document slipped in. Deterministic for a seed. Output: OUT/ar, OUT/en, OUT/gold in the
NTREX layout, read by `tarjama-dev eval align OUT --part dev|held-out`.

SCALE (default 1) multiplies the rate of every change: at 1 about a third of the beads are not
one-to-one and hunalign scores .52-.71; at 0.7 hunalign scores about .70, at 0.5 about .79.

  python3 scripts/make-harsh-set.py ../shared/data/align/ar-en-ntrex40/clean /tmp/harsh
  python3 scripts/make-harsh-set.py /tmp/unseen-clean /tmp/unseen-0.7 7 0.7
"""
import collections
import os
import random
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: make-harsh-set.py CLEAN_SET OUT [SEED [SCALE]]   (CLEAN_SET holds ar/ and en/ line-aligned files)")
    source, out = sys.argv[1], sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    scale = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    names = sorted(n for n in os.listdir(os.path.join(source, "ar")) if n.endswith(".txt"))
    docs = []
    for n in names:
        ar = open(os.path.join(source, "ar", n), encoding="utf-8").read().split("\n")
        en = open(os.path.join(source, "en", n), encoding="utf-8").read().split("\n")
        ar, en = [x for x in ar if x.strip()], [x for x in en if x.strip()]
        if len(ar) != len(en):
            sys.exit(f"{n}: {len(ar)} Arabic and {len(en)} English lines; a line-aligned set is needed")
        docs.append((ar, en))
    for d in ("ar", "en", "gold"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    shapes = collections.Counter()
    for index, (name, (ar, en)) in enumerate(zip(names, docs)):
        A, E, gold = [], [], []

        def bead(arabic, english):
            s = list(range(len(A), len(A) + len(arabic)))
            t = list(range(len(E), len(E) + len(english)))
            A.extend(arabic)
            E.extend(english)
            gold.append((s, t))
            shapes[f"{len(s)}-{len(t)}"] += 1

        k = 0
        while k < len(ar):
            r = rng.random() / scale
            if r < 0.06 and k + 2 < len(ar):
                bead([" ".join(ar[k:k + 3])], en[k:k + 3]); k += 3
            elif r < 0.10 and k + 2 < len(ar):
                bead(ar[k:k + 3], [" ".join(en[k:k + 3])]); k += 3
            elif r < 0.18 and k + 1 < len(ar):
                bead([" ".join(ar[k:k + 2])], en[k:k + 2]); k += 2
            elif r < 0.26 and k + 1 < len(ar):
                bead(ar[k:k + 2], [" ".join(en[k:k + 2])]); k += 2
            elif r < 0.31:
                bead([ar[k]], []); k += 1
            elif r < 0.36:
                bead([], [en[k]]); k += 1
            elif r < 0.39:
                other_ar, other_en = docs[(index + 7) % len(docs)]
                j = rng.randrange(len(other_ar))
                if rng.random() < 0.5:
                    bead([other_ar[j]], [])
                else:
                    bead([], [other_en[j]])
            else:
                bead([ar[k]], [en[k]]); k += 1
        with open(os.path.join(out, "ar", name), "w", encoding="utf-8") as f:
            f.write("\n".join(A) + "\n")
        with open(os.path.join(out, "en", name), "w", encoding="utf-8") as f:
            f.write("\n".join(E) + "\n")
        with open(os.path.join(out, "gold", name), "w", encoding="utf-8") as f:
            f.write("\n".join(f"[{', '.join(map(str, s))}]:[{', '.join(map(str, t))}]" for s, t in gold) + "\n")
    print(f"{len(names)} documents in {out}: " + ", ".join(f"{k} {v}" for k, v in sorted(shapes.items())))


if __name__ == "__main__":
    main()
