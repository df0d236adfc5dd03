#!/usr/bin/env bash
# Fuzzes Visage's parsers of untrusted bytes with libFuzzer + AddressSanitizer.
#
#   bash scripts/fuzz.sh                 every target, 60 s each
#   FUZZ_SECONDS=300 bash scripts/fuzz.sh fuzz-image fuzz-dlib
#   FUZZ_KEEP_GOING=1 bash scripts/fuzz.sh   keep fuzzing after a crash (libFuzzer fork mode)
#   FUZZ_NO_BUILD=1 bash scripts/fuzz.sh     use the targets already built
#
# Builds Fuzz/ (release, -sanitize=fuzzer,address, linked with lld), writes each target's seeds
# (generated small files, slices of the local model files, scripts/fuzz/extra_seeds.py), runs each
# target under nice for FUZZ_SECONDS, and prints one line per target: executions, corpus size,
# crashes. Crash inputs land in $FUZZ_WORK/artifacts/<target>/; reproduce one with
# `Fuzz/.build/release/<target> <file>`. Work files: $FUZZ_WORK (default .build-fuzz, ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_EACH=${FUZZ_SECONDS:-60}
WORK=${FUZZ_WORK:-$ROOT/.build-fuzz}
ALL=(fuzz-image fuzz-exif fuzz-dlib fuzz-keras fuzz-pytorch fuzz-openface fuzz-pairs fuzz-gallery-import fuzz-server-request)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
    echo "== building Fuzz/ (release, fuzzer+address)"
    (cd Fuzz && nice -n 10 swift build -c release --toolset "$ROOT/Fuzz/toolset.json" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 | tail -3)
fi
BIN=$ROOT/Fuzz/.build/x86_64-unknown-linux-gnu/release
[ -d "$BIN" ] || BIN=$ROOT/Fuzz/.build/release

mkdir -p "$WORK"
echo "== seeds"
PY=python3
[ -x /opt/bench-venv/bin/python ] && PY=/opt/bench-venv/bin/python  # has h5py for Keras seeds
"$PY" scripts/fuzz/extra_seeds.py "$WORK/seeds" || echo "note: extra seeds failed; using generated seeds only"

EXTRA_FLAGS=()
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && EXTRA_FLAGS=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)

summary=()
for target in "${TARGETS[@]}"; do
    seeds=$WORK/seeds/$target corpus=$WORK/corpus/$target artifacts=$WORK/artifacts/$target
    mkdir -p "$seeds" "$corpus" "$artifacts"
    "$BIN/$target" seeds "$seeds"
    log=$WORK/$target.log
    echo "== $target: ${SECONDS_EACH}s (log: $log)"
    status=0
    touch "$WORK/$target.start"  # crashes are counted from this run on; older artifacts stay
    # ASan's leak checker is off: libhdf5 and Foundation keep process-lifetime caches.
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 nice -n 10 "$BIN/$target" "$corpus" "$seeds" \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -max_len=1048576 -artifact_prefix="$artifacts/" -print_final_stats=1 ${EXTRA_FLAGS[@]+"${EXTRA_FLAGS[@]}"} \
        >"$log" 2>&1 || status=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    crashes=$(find "$artifacts" -type f -newer "$WORK/$target.start" \( -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' -o -name 'timeout-*' \) | wc -l)
    units=$(find "$corpus" -type f | wc -l)
    line=$(printf '%-22s execs=%-10s corpus=%-6s crashes=%-3s exit=%s' "$target" "${execs:-?}" "$units" "$crashes" "$status")
    echo "$line"
    summary+=("$line")
    if [ "$crashes" -gt 0 ]; then grep -m3 -E 'ERROR: (AddressSanitizer|libFuzzer)|Fatal error|SUMMARY' "$log" || true; fi
done
echo "== summary (${SECONDS_EACH}s per target)"
printf '%s\n' "${summary[@]}"
