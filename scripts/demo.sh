#!/usr/bin/env bash
# The main job end to end on the shipped samples: segment → align into a memory → look up →
# pre-translate the new wire articles → print the analysis report.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
T=.build/debug/tarjama
MEM=Memories/demo.tmdb
rm -f "$MEM" "$MEM-wal" "$MEM-shm"

echo; echo "== 1. Segment the seed article (boilerplate flagged and left out)"
$T segment Samples/putin-xi/ar.txt
echo; echo "== 2. Align it with its English translation and store the pairs in $MEM"
$T memory create --memory "$MEM"
$T align --store --memory "$MEM" Samples/putin-xi/ar.txt Samples/putin-xi/en.txt
$T memory stats --memory "$MEM"
echo; echo "== 3. Look up an edited sentence (numbers substituted, diff shown)"
$T lookup --memory "$MEM" --explain "وأشار بوتين إلى أن “حجم مبيعات البضائع في روسيا الاتحادية والصين سينمو بنحو 30٪ بحلول عام 2024 ، مع وصول الدول إلى معايير 250 مليار دولار في وقت مبكر”."
echo; echo "== 4. Pre-translate the new wire articles"
$T pretranslate --memory "$MEM" --min 75 --format xliff --format txt Samples/new-articles --out out
echo; echo "== 5. Export the memory as TMX 1.4"
$T export --memory "$MEM" --format tmx --out out/demo.tmx
