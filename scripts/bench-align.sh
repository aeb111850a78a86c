#!/usr/bin/env bash
# Tarjama's aligner against hunalign on the same line-parallel files, by turns, at 2,100, 10,000
# and 20,000 sentences a side. hunalign is built from its public source (../shared/peers), outside
# the project, for this comparison only. Extra arguments go to `tarjama-dev bench align`.
set -euo pipefail
cd "$(dirname "$0")/.."
PEER=../shared/peers/hunalign/build.sh
if [ ! -f "$PEER" ]; then echo "skipped: $PEER is absent (hunalign's source)"; exit 0; fi
if [ ! -f ../shared/data/parallel/ar-en-33k.tsv ]; then echo "skipped: ../shared/data/parallel/ar-en-33k.tsv is absent"; exit 0; fi
HUNALIGN=$(bash "$PEER" "${HUNALIGN_DIR:-/tmp/hunalign}")
swift build -c release --product tarjama >/dev/null
swift build -c release --product tarjama-dev >/dev/null
.build/release/tarjama-dev bench align --hunalign "$HUNALIGN" "$@"
