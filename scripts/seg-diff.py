#!/usr/bin/env python3
"""Show false and missed sentence boundaries of a segmenter run against a gold set.

Usage: scripts/seg-diff.py GOLD_DIR SYS_DIR   (GOLD_DIR from ../shared/data/seg)
Prints each error with 40 characters of context; for developing rules, not for scoring.
"""
import json, os, re, sys
gold, sysd = sys.argv[1], sys.argv[2]
WS = re.compile(r'\s+')
for line in open(os.path.join(gold, 'manifest.jsonl'), encoding='utf-8'):
    doc = json.loads(line)['doc']
    raw = open(os.path.join(gold, 'raw', doc + '.txt'), encoding='utf-8').read()
    stream = WS.sub('', raw)
    def ends(path):
        out, n = set(), 0
        for s in open(path, encoding='utf-8').read().split('\n'):
            k = len(WS.sub('', s))
            if k: n += k; out.add(n)
        return out - {len(stream)}
    g = ends(os.path.join(gold, 'sents', doc + '.txt'))
    p = os.path.join(sysd, doc + '.txt')
    s = ends(p) if os.path.exists(p) else set()
    for kind, errs in (('FP', s - g), ('FN', g - s)):
        for e in sorted(errs):
            print(f'{kind} {doc}: ...{stream[max(0, e-40):e]} | {stream[e:e+25]}...')
