#!/usr/bin/env bash
# The conformance covers that do not fit in `npm test`'s time budget (conformance/README.md lists their
# figures): MCconf in all three designs, the fault model MCfault (lookup ERROR, write errors, retire, op-slot exhaustion, WaitOnInvalidate,
# AttrChanged) in both designs, MCwrite in all three, MCwindowAttr (attr_changed's submit window) and MCpages (the
# multi-page reader) in both designs, MCraiseFail (the raise window with lookup faults) in all three,
# MCtrapNfs (an NFS task reading through its owner's cookie, F16), MCtrapAsync (a single-page read the copier
# completes) and MCtrapEio (the cache's I/O errors, the copier's among them) in all three, and the POST_FIX covers
# of MCcalls and MCfail (npm test
# replays their POST_FIX_REPAIRED covers). Each full state graph is streamed from TLC and every transition
# replayed on every core; the first failing model stops the run (exit 1), with its failing paths written
# under out/conformance-full/.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=out/conformance-full
mkdir -p "$OUT"
run() {
  local model=$1 design=$2
  echo "== $model / $design"
  npm run --silent cli -- conform --model "$model" --model-dir conformance/models --design "$design" \
    --workers auto --out "$OUT" --result "$OUT/$model-$design.json" --junit "$OUT/$model-$design.xml"
}
run MCconf POST_FIX
run MCconf POST_FIX_REPAIRED
run MCconf PRE_FIX
run MCcalls POST_FIX
run MCfail POST_FIX
run MCwrite POST_FIX
run MCwrite POST_FIX_REPAIRED
run MCwrite PRE_FIX
run MCfault POST_FIX
run MCfault POST_FIX_REPAIRED
run MCwindowAttr POST_FIX
run MCwindowAttr POST_FIX_REPAIRED
run MCpages POST_FIX
run MCpages POST_FIX_REPAIRED
run MCraiseFail POST_FIX
run MCraiseFail POST_FIX_REPAIRED
run MCraiseFail PRE_FIX
run MCtrapNfs POST_FIX
run MCtrapNfs POST_FIX_REPAIRED
run MCtrapNfs PRE_FIX
run MCtrapAsync POST_FIX
run MCtrapAsync POST_FIX_REPAIRED
run MCtrapAsync PRE_FIX
run MCtrapEio POST_FIX
run MCtrapEio POST_FIX_REPAIRED
run MCtrapEio PRE_FIX
