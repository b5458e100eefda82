#!/bin/bash
# Builds the OpenFlow 1.0 decoder fuzzer with clang's libFuzzer (+ ASan and
# UBSan), compiling openflow/*.c with the portable (freestanding) flags,
# runs it for a bounded time on a scratch copy of the seed corpus, and
# prints one line "fuzz: N passed, M failed" (1 passed = no crash).
# Usage: tests/fuzz/run.sh BUILD_DIR      (artifacts go to BUILD_DIR/fuzz)
#        FUZZ_SECONDS=N overrides the 20 s budget (capped at 30).
set -u
build=${1:?usage: run.sh BUILD_DIR}
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-20}
[ "$secs" -gt 30 ] && secs=30
out=$build/fuzz
rm -rf "$out"; mkdir -p "$out/obj" "$out/corpus"

if ! command -v clang >/dev/null; then
    echo "clang not found"; echo "fuzz: 0 passed, 1 failed"; exit 1
fi
inc=$(clang -print-file-name=include)
flags=(-g -O1 -std=gnu11 -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=undefined -ffreestanding -nostdinc -isystem "$inc"
       -Ilibos/include -Ilibos/libc/include -I.)
objs=()
for src in openflow/*.c tests/fuzz/fuzz_ofp_decode.c; do
    o=$out/obj/$(basename "${src%.c}").o
    if ! clang "${flags[@]}" -c "$src" -o "$o"; then
        echo "compile failed: $src"; echo "fuzz: 0 passed, 1 failed"; exit 1
    fi
    objs+=("$o")
done
if ! clang -fsanitize=fuzzer,address,undefined "${objs[@]}" -o "$out/fuzz_ofp_decode"; then
    echo "link failed"; echo "fuzz: 0 passed, 1 failed"; exit 1
fi

cp tests/fuzz/corpus/ofp_decode/* "$out/corpus/"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$out/fuzz_ofp_decode" -max_total_time="$secs" -max_len=4096 -timeout=5 \
    -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" >"$out/fuzz.log" 2>&1
rc=$?
grep -E '^stat::number_of_executed_units|^stat::peak_rss|Done [0-9]+ runs' "$out/fuzz.log"
if [ $rc = 0 ]; then
    echo "fuzz: 1 passed, 0 failed"
else
    tail -40 "$out/fuzz.log"
    ls "$out"/crash-* "$out"/timeout-* 2>/dev/null
    echo "fuzz: 0 passed, 1 failed"
fi
exit $rc
