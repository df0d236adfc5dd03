#!/usr/bin/env bash
# Gallery benchmark (issue 4): warm identify latency for a 250×250 LFW photo with 10,000
# enrolled people, cold latency (process start to answer, models in the page cache), and
# enrolment throughput through the full pipeline (decode, detect, align, embed, write).
#
# The 10,000 people are seeded synthetic embeddings imported through the library; the enrolled
# photos are real (the first photo of the first ENROL LFW dev people). Targets: ≤ 30 ms warm,
# ≤ 400 ms cold.
# Environment: PEOPLE (10000), ENROL (50), REPEATS (20), COLD_RUNS (10), DETECTOR (mmod; or mtcnn),
# LFW (../shared/data/lfw-dev/lfw-deepfunneled).
set -euo pipefail
cd "$(dirname "$0")/.."

PEOPLE=${PEOPLE:-10000}
ENROL=${ENROL:-50}
REPEATS=${REPEATS:-20}
COLD_RUNS=${COLD_RUNS:-10}
DETECTOR=${DETECTOR:-mmod}
LFW=${LFW:-../shared/data/lfw-dev/lfw-deepfunneled}
QUERY="$LFW/Colin_Powell/Colin_Powell_0002.jpg"

swift build -c release --product visage >&2
BIN=$(swift build -c release --show-bin-path)/visage
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

PHOTOS=()
for dir in $(ls -d "$LFW"/*/ | head -n "$ENROL"); do
    PHOTOS+=("$(ls "$dir"*.jpg | head -n 1)")
done

echo "warm: $PEOPLE synthetic people + ${#PHOTOS[@]} enrolled photos" >&2
"$BIN" bench gallery --gallery "$WORK/g.sqlite" --people "$PEOPLE" --query "$QUERY" \
    --repeats "$REPEATS" --detector "$DETECTOR" --enroll "${PHOTOS[@]}"

echo "cold: $COLD_RUNS runs of \`visage identify\`" >&2
"$BIN" identify "$QUERY" --gallery "$WORK/g.sqlite" --detector "$DETECTOR" --json > /dev/null || true   # fill the page cache
if command -v hyperfine > /dev/null; then
    hyperfine --runs "$COLD_RUNS" -i "$BIN identify $QUERY --gallery $WORK/g.sqlite --detector $DETECTOR --json"
else
    times=()
    for _ in $(seq "$COLD_RUNS"); do
        start=$(date +%s%N)
        "$BIN" identify "$QUERY" --gallery "$WORK/g.sqlite" --detector "$DETECTOR" --json > /dev/null || true
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    echo "{\"cold_identify_ms_median\":${sorted[$(( COLD_RUNS / 2 ))]},\"cold_identify_ms_min\":${sorted[0]},\"cold_identify_ms_max\":${sorted[$(( COLD_RUNS - 1 ))]},\"runs\":$COLD_RUNS}"
fi
