#!/usr/bin/env bash
# Builds the release `visage` binary and runs the demo on the demo photos (test images from the
# face_recognition 1.3.0 sdist on PyPI, MIT), which scripts/setup.sh fetched.
# Usage: bash scripts/setup.sh && bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "[demo] $*"; }

if ! check=$(python3 scripts/fetch_assets.py --check 2>&1); then
    echo "$check" >&2
    echo "[demo] error: model files or demo photos are missing: run bash scripts/setup.sh first" >&2
    exit 1
fi
PHOTOS=$(python3 scripts/fetch_assets.py --print-dir demo-photos)
export VISAGE_MODELS=${VISAGE_MODELS:-$(python3 scripts/fetch_assets.py --print-dir models)}

say "building visage (release)"
swift build -c release --product visage
VISAGE="$(swift build -c release --show-bin-path)/visage"

# The demo: one photo per person is enough to know them (one-shot), then verification (1:1) and
# recognition (1:K) on the other photos, with dlib's ResNet (the default model).
run_demo() {
    local photos=$1
    local known
    known=$(mktemp -d)
    trap 'rm -rf "$known"' RETURN
    # The "database": one photo per person, named after the person.
    ln -s "$photos/obama.jpg" "$known/obama.jpg"
    ln -s "$photos/biden.jpg" "$known/biden.jpg"

    say "1. the compute back end and the models"
    "$VISAGE" info

    say "2. find faces and landmarks"
    "$VISAGE" detect "$photos/obama.jpg" "$photos/biden.jpg" "$photos/32bit.png"

    say "3. compare two photos (same person / different people)"
    "$VISAGE" compare "$photos/obama.jpg" "$photos/obama2.jpg" || true
    "$VISAGE" compare "$photos/obama.jpg" "$photos/biden.jpg" || true

    say "4. who is it? (database: obama.jpg, biden.jpg — one photo each)"
    local photo
    for photo in obama2.jpg obama3.jpg obama_partial_face.jpg 32bit.png; do
        printf '[demo]   %-24s ' "$photo"
        "$VISAGE" who-is-it "$photos/$photo" --db "$known" || true
    done

    say "5. verify a claimed identity (exit code 0 = door open, 1 = rejected)"
    "$VISAGE" verify "$photos/obama2.jpg" --as obama --db "$known" || true
    "$VISAGE" verify "$photos/obama2.jpg" --as biden --db "$known" || true

    say "6. a persistent gallery: enrol once from one photo, identify later (SQLite)"
    local gallery="${TMPDIR:-/tmp}/visage-demo-gallery.sqlite"
    rm -f "$gallery" "$gallery-wal" "$gallery-shm"
    "$VISAGE" enroll obama "$photos/obama.jpg" --gallery "$gallery"
    "$VISAGE" enroll biden "$photos/biden.jpg" --gallery "$gallery"
    "$VISAGE" identify "$photos/obama2.jpg" "$photos/obama3.jpg" --gallery "$gallery" || true
    "$VISAGE" people list --gallery "$gallery"
}

run_demo "$PHOTOS"
say "done"
