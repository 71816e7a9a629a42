#!/usr/bin/env bash
# Fuzzes one of Argus's readers with libFuzzer for a while, from a seed corpus taken from golden/.
#   Fuzz/run.sh TARGET [SECONDS]      TARGET: json jsonl coco coco-results voc yolo mltable rle
# Crashing inputs land in Fuzz/findings/TARGET/; once fixed, add each to Tests/Fixtures/FuzzRegressions/ and to HostileInputTests.fuzzFindingsAreErrors.
set -euo pipefail
cd "$(dirname "$0")"
target="${1:?usage: Fuzz/run.sh TARGET [SECONDS]}"
seconds="${2:-120}"
root=..
corpus=".corpus/$target"
mkdir -p "$corpus" "findings/$target"
seed() { for f in "$@"; do [ -f "$f" ] && head -c 65536 "$f" > "$corpus/$(basename "$f")"; done; true; }
case "$target" in
  json|coco) seed $root/golden/detection/cases/bbox_10{1,2}_gt.json $root/golden/detection/compat/*_gt.json ;;
  coco-results) seed $root/golden/detection/cases/*_results.json ;;
  jsonl) seed $root/samples/digits/*.jsonl ;;
  voc) seed $(ls $root/golden/peers/review_object_detection_metrics/data/database/gts/pascalvoc_format/*.xml | head -50) ;;
  yolo) seed $(ls $root/golden/peers/review_object_detection_metrics/data/database/gts/yolo_format/*.txt 2>/dev/null | head -50) ;;
  mltable) printf 'paths:\n  - file: ./a.jsonl\ntransformations:\n  - read_json_lines:\n      encoding: utf8\n      invalid_lines: error\n' > "$corpus/MLTable" ;;
  rle) printf '%s' '61X13mN000`0[Q7' > "$corpus/rle" ;;
esac
swift build -c release --product argus-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld \
  -Xlinker --no-gc-sections --scratch-path .build-fuzz
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" ARGUS_FUZZ_TARGET="$target" .build-fuzz/release/argus-fuzz "$corpus" -max_total_time="$seconds" \
  -max_len=65536 -rss_limit_mb=2048 -timeout=10 -detect_leaks=0 -artifact_prefix="findings/$target/" -print_final_stats=1
