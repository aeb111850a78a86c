#!/usr/bin/env bash
# Boundary F1 of `tarjama segment` on the shared segmentation gold sets, scored by the shared
# scorer (../shared/data/seg/score.py). Bars: ar-pud-arcomma ≥ 0.99, en-gum-news ≥ 0.98, en-pud ≥ 0.99.
set -euo pipefail
cd "$(dirname "$0")/.."
D=../shared/data/seg
if [ ! -d "$D" ]; then echo "skipped: $D is absent"; exit 0; fi
swift build -c release >/dev/null
T=.build/release/tarjama
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for pair in ar-pud-arcomma:ar en-gum-news:en en-pud:en; do
  set_name=${pair%%:*}; lang=${pair##*:}
  mkdir -p "$OUT/$set_name"
  # --keep-boilerplate: the gold keeps every line, so nothing may be dropped before scoring.
  $T segment --lang "$lang" --keep-boilerplate --out "$OUT/$set_name" "$D/$set_name"/raw/*.txt >/dev/null
  printf '%-16s ' "$set_name"
  python3 "$D/score.py" --gold "$D/$set_name" --sys "$OUT/$set_name" | tail -1
done
