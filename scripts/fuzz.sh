#!/usr/bin/env bash
# Fuzzes the readers of users' files (TSV, TMX, XLIFF, the segmenter in both languages) with
# libFuzzer and AddressSanitizer for a bounded time: scripts/fuzz.sh [SECONDS] (default 120).
# Seeds are Tests/Fuzz/seeds; an input that crashes is saved in Tests/Fuzz/crashes, where the
# test suite replays it through the ordinary build (commit it with the fix).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
flags=(--scratch-path .build-fuzz --product tarjama-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library
       -Xswiftc -use-ld=lld -Xcc -fsanitize=fuzzer-no-link,address)
swift build "${flags[@]}"
bin="$(swift build "${flags[@]}" --show-bin-path)/tarjama-fuzz"
corpus=.build-fuzz/corpus
mkdir -p "$corpus" Tests/Fuzz/crashes
# -rss_limit_mb: a reader must stay bounded; -timeout: no input may take 10 s.
"$bin" -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix=Tests/Fuzz/crashes/ "$corpus" Tests/Fuzz/seeds
